package scripts

// Races and kills around movemail's state: a UIDL the server gives again
// to a new message, temporary files of a killed run, odd host names, a
// second writer that ignores the mbox's locks. Each test counts the
// messages: none lost, none stored twice, nothing deleted on the server
// that is not stored.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// tallyByText counts how many times each of want is in got (as stored:
// canon), and reports what got holds that is none of them.
func tallyByText(t *testing.T, got, want []string) []int {
	t.Helper()
	idx := map[string]int{}
	for i, m := range want {
		idx[canon(m)] = i
	}
	count := make([]int, len(want))
	for _, g := range got {
		i, ok := idx[canon(g)]
		if !ok {
			t.Errorf("the mailbox holds a message that is none of the originals: %.100q", g)
			continue
		}
		count[i]++
	}
	return count
}

// killAt starts movemail with args, waits until the server has seen a
// command line beginning with prefix (the server stalls its reply), and
// SIGKILLs it.
func killAt(t *testing.T, e *srvEnv, prefix string, args []string) {
	t.Helper()
	cmd := script(e.env, "movemail.scm", args...)
	var se bytes.Buffer
	cmd.Stderr = &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.waitFor(prefix, 20*time.Second)
	time.Sleep(100 * time.Millisecond) // the client is in its read
	cmd.Process.Signal(syscall.SIGKILL)
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) {
		t.Fatalf("movemail was not killed (exit %v): %s", err, se.String())
	}
}

// TestMovemailReusedUIDL: the server gives the UIDL of a message movemail
// stored to a new message (the old one deleted, by movemail or by another
// client): the new message is fetched and stored, never taken for the
// old one (which, without --keep, deleted it unfetched: a loss). Three
// ways: after a run that moved everything; after a run killed between
// its commit and its DELEs (the old message still on the server, then
// deleted by another client); with --keep.
func TestMovemailReusedUIDL(t *testing.T) {
	libraryReady(t)
	for _, how := range []string{"moved", "killed-before-DELE", "keep"} {
		for _, kind := range []string{"maildir", "mbox"} {
			t.Run(how+"/"+kind, func(t *testing.T) {
				t.Parallel()
				stall := server.Faults{}
				if how == "killed-before-DELE" {
					stall.Rules = []server.Fault{{Command: "DELE", Nth: 1, StallAfter: 1, StallFor: time.Second}}
				}
				e := newSrv(t, stall)
				msgs := genMessages(4)
				e.add(msgs...)
				reused := e.be.UIDs(testUser)[1]
				dir := t.TempDir()
				dest := filepath.Join(dir, "Mail") + "/"
				if kind == "mbox" {
					dest = filepath.Join(dir, "mbox")
				}
				args := []string{"--state", filepath.Join(dir, "state"), dest}
				if how == "keep" {
					args = append([]string{"--keep"}, args...)
				}
				switch how {
				case "killed-before-DELE":
					killAt(t, e, "DELE", args)
					e.srv.SetFaults(server.Faults{})
				default:
					if r := run(t, e.env, "movemail.scm", args...); r.status != 0 {
						t.Fatalf("first run: %d %s", r.status, r.stderr)
					}
				}
				// Another client deletes the old message; a new one,
				// longer, gets its UIDL.
				e.be.Remove(testUser, reused)
				fresh := "From: someone@example.org\nSubject: a new message with an old UIDL\nMessage-ID: <reused@test>\n\n" + strings.Repeat("new text\n", 30)
				if err := e.be.AddMessageUID(testUser, reused, []byte(fresh)); err != nil {
					t.Fatal(err)
				}
				r := rerun(t, e, args)
				if r.status != 0 {
					t.Fatalf("second run: %d %s", r.status, r.stderr)
				}
				all := append(append([]string(nil), msgs...), fresh)
				count := tallyByText(t, stored(t, kind, dest), all)
				for i, c := range count {
					if c != 1 {
						t.Errorf("message %d is in the mailbox %d times, want 1 (counts %v)", i+1, c, count)
					}
				}
				want := 0
				if how == "keep" {
					want = 4 // the three left of the first four, and the new one
				}
				if n := e.be.Count(testUser); n != want {
					t.Errorf("%d messages on the server, want %d", n, want)
				}
				if how == "keep" {
					// A third run finds nothing new.
					if r := run(t, e.env, "movemail.scm", args...); r.status != 0 || !strings.Contains(r.stdout, "0 messages") {
						t.Errorf("third run: %d %q %q", r.status, r.stdout, r.stderr)
					}
				}
			})
		}
	}
}

// leftovers lists what is in dir besides the names keep.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}
