package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// QUIT not confirmed: the connection drops once QUIT is sent (before or
// after the server applied the deletions), or the server answers -ERR.
// Whether the server deleted anything is unknown: movemail says
// "deletions uncertain", exits 1 and keeps what it stored; the next run
// neither loses a message nor stores one twice.
func TestMovemailQuitUnconfirmed(t *testing.T) {
	faults := map[string]server.Fault{
		"hangup":          {Command: "QUIT", Hangup: true},                     // nothing applied
		"err":             {Command: "QUIT", Reply: "-ERR [SYS/TEMP] not now"}, // nothing applied
		"applied-cut-off": {Command: "QUIT", CloseAfter: 2},                    // applied, "+O" then closed
	}
	for _, uidl := range []bool{true, false} {
		for _, kind := range []string{"maildir", "mbox"} {
			for name, f := range faults {
				t.Run(fmt.Sprintf("uidl%v/%s/%s", uidl, kind, name), func(t *testing.T) {
					t.Parallel()
					fs := server.Faults{Rules: []server.Fault{f}}
					if !uidl {
						fs = noUIDL(fs)
					}
					e := newSrv(t, fs)
					e.add(genMessages(5)...)
					dest := destIn(t.TempDir(), kind)
					if got := e.runFails(kind, dest, "deletions uncertain"); len(got) != 5 {
						t.Errorf("%d messages stored, want all 5 kept", len(got))
					}
					if n := unconfirmedLines(t, e); uidl && n != 0 || !uidl && n != 5 {
						t.Errorf("state file has %d \"nouidl\" lines, want %d", n, map[bool]int{true: 0, false: 5}[uidl])
					}
					left := e.be.Count(testUser)
					if want := map[bool]int{true: 0, false: 5}[name == "applied-cut-off"]; left != want {
						t.Errorf("server holds %d messages, want %d", left, want)
					}
					// A new message arrives; the server behaves again.
					e.add(genMessages(6)[5])
					e.srv.SetFaults(server.Faults{DisableCommands: fs.DisableCommands, RemoveCapa: fs.RemoveCapa})
					r := rerun(t, e, []string{dest})
					if r.status != 0 {
						t.Fatalf("rerun: status %d, stderr %q", r.status, r.stderr)
					}
					got := stored(t, kind, dest)
					e.checkNothingLost(got, false)
					if len(got) != 6 || e.be.Count(testUser) != 0 {
						t.Errorf("after the rerun: %d stored (want 6), %d on the server (want 0); stdout %q", len(got), e.be.Count(testUser), r.stdout)
					}
					if name != "applied-cut-off" && !strings.Contains(r.stdout, "; 5 stored by an earlier run deleted") {
						t.Errorf("rerun summary %q: want the 5 stored by the first run deleted", r.stdout)
					}
					if n := unconfirmedLines(t, e); n != 0 {
						t.Errorf("after a confirmed QUIT the state file still has %d \"nouidl\" lines", n)
					}
				})
			}
		}
	}
}

// unconfirmedLines counts the "nouidl" lines of the account's state file.
func unconfirmedLines(t *testing.T, e *srvEnv) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.home, ".popsh", "movemail", e.srv.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\nnouidl ")
}

// SIGTERM while movemail waits for QUIT's reply: the deletions are just
// as uncertain, and the stop says so; the rerun stores nothing twice.
func TestMovemailStoppedAwaitingQuit(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{{Command: "QUIT", Delay: 3 * time.Second}}})
	e.add(genMessages(3)...)
	dest := filepath.Join(t.TempDir(), "mbox")
	cmd, done := startRun(t, e.env, []string{dest})
	e.waitFor("QUIT", 20*time.Second)
	time.Sleep(100 * time.Millisecond) // the QUIT's reply now awaited
	cmd.Process.Signal(syscall.SIGTERM)
	r := <-done
	if r.status != 128+int(syscall.SIGTERM) || !strings.Contains(r.stderr, "stopped: 3 messages stored in "+dest+", QUIT not confirmed: deletions uncertain") {
		t.Fatalf("status %d, stderr %q", r.status, r.stderr)
	}
	e.srv.SetFaults(server.Faults{})
	if r := rerun(t, e, []string{dest}); r.status != 0 {
		t.Fatalf("rerun: %d %s", r.status, r.stderr)
	}
	got := mboxMessages(t, dest)
	e.checkNothingLost(got, false)
	if len(got) != 3 || e.be.Count(testUser) != 0 {
		t.Errorf("after the rerun: %d stored, %d on the server", len(got), e.be.Count(testUser))
	}
}

// A server that marks another message than the one named in DELE (or
// renumbers its messages within the session) is caught before QUIT by
// listing again: movemail sends RSET and fails, and nothing is deleted.
// So is one that refuses to list again (nothing can be checked).
func TestMovemailWrongMessageMarked(t *testing.T) {
	for _, c := range []struct{ uidl, refused bool }{{true, false}, {false, false}, {true, true}, {false, true}} {
		uidl, refused := c.uidl, c.refused
		t.Run(fmt.Sprintf("uidl%v/refused%v", uidl, refused), func(t *testing.T) {
			// After the DELEs of 1..4, the listing shows message 2 still
			// there and 5 gone: the server marked 5 for 2.
			again := []string{"2 " + map[bool]string{true: "m00000002", false: "1234"}[uidl]}
			verb := "UIDL"
			fs := server.Faults{}
			if !uidl {
				verb = "LIST"
				fs = noUIDL(fs)
			}
			e := newSrv(t, fs)
			e.add(genMessages(4)...)
			fs.Rules = []server.Fault{{Command: verb, Nth: 2, Listing: again}}
			if refused {
				fs.Rules = []server.Fault{{Command: verb, Nth: 2, Reply: "-ERR [SYS/TEMP] not now"}}
			}
			e.srv.SetFaults(fs)
			dest := filepath.Join(t.TempDir(), "mbox")
			r := run(t, e.env, "movemail.scm", dest)
			if r.status != 1 || !strings.Contains(r.stderr, "after DELE the server no longer lists its messages") || !strings.Contains(r.stderr, "nothing deleted on the server") {
				t.Errorf("status %d, stderr %q", r.status, r.stderr)
			}
			if n := e.be.Count(testUser); n != 4 {
				t.Errorf("%d messages left on the server, want 4", n)
			}
			cmds := strings.Join(e.commands(), " | ")
			if !strings.Contains(cmds, "RSET") || strings.Contains(cmds, "QUIT") {
				t.Errorf("commands %s: want RSET and no QUIT", cmds)
			}
			e.checkNothingLost(mboxMessages(t, dest), false)
		})
	}
}

// noUIDL makes f a server without UIDL: the command refused, and left
// out of CAPA.
func noUIDL(f server.Faults) server.Faults {
	f.DisableCommands = append(f.DisableCommands, "UIDL")
	f.RemoveCapa = append(f.RemoveCapa, "UIDL")
	return f
}

// destIn is a Maildir (kind "maildir") or an mbox in dir.
func destIn(dir, kind string) string {
	if kind == "mbox" {
		return filepath.Join(dir, "mbox")
	}
	return filepath.Join(dir, "Mail") + "/"
}

// rerunMovesAll clears the faults, runs movemail into dest again and
// wants it to succeed with all n messages in dest, each once, and none
// left on the server.
func (e *srvEnv) rerunMovesAll(kind, dest string, n int) {
	e.t.Helper()
	e.srv.SetFaults(server.Faults{})
	if r := rerun(e.t, e, []string{dest}); r.status != 0 {
		e.t.Fatalf("rerun: %d %s", r.status, r.stderr)
	}
	got := stored(e.t, kind, dest)
	e.checkNothingLost(got, false)
	if len(got) != n || e.be.Count(testUser) != 0 {
		e.t.Errorf("after the rerun: %d stored (want %d), %d on the server", len(got), n, e.be.Count(testUser))
	}
}

// runFails runs movemail into dest (a Maildir or an mbox, as kind says)
// and wants status 1 with want in its stderr; it returns what dest
// holds, having checked that nothing is lost or stored twice.
func (e *srvEnv) runFails(kind, dest, want string) []string {
	e.t.Helper()
	r := run(e.t, e.env, "movemail.scm", dest)
	if r.status != 1 || !strings.Contains(r.stderr, want) {
		e.t.Errorf("status %d, stderr %q: want 1 and %q", r.status, r.stderr, want)
	}
	got := stored(e.t, kind, dest)
	e.checkNothingLost(got, false)
	return got
}

// Without UIDL, after an unconfirmed QUIT that the server did apply, a
// run that finds the maildrop empty forgets the records (nothing there
// can be taken for a stored message any more).
func TestMovemailNoUIDLRecordsForgottenWhenEmpty(t *testing.T) {
	e := newSrv(t, noUIDL(server.Faults{Rules: []server.Fault{{Command: "QUIT", CloseAfter: 2}}}))
	e.add(genMessages(3)...)
	dest := destIn(t.TempDir(), "mbox")
	e.runFails("mbox", dest, "deletions uncertain")
	if n := unconfirmedLines(t, e); n != 3 || e.be.Count(testUser) != 0 {
		t.Fatalf("%d records, %d messages on the server; want 3 and 0", n, e.be.Count(testUser))
	}
	e.srv.SetFaults(noUIDL(server.Faults{}))
	if r := rerun(t, e, []string{dest}); r.status != 0 {
		t.Fatalf("rerun: %d %s", r.status, r.stderr)
	}
	if n := unconfirmedLines(t, e); n != 0 {
		t.Errorf("%d records left after a confirmed run over an empty maildrop", n)
	}
}
