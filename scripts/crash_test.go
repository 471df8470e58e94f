package scripts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// killPoint is a place where movemail is SIGKILLed: the server stalls its
// reply to the Nth Command after StallAfter bytes, and the test kills the
// client once the server has seen that command.
type killPoint struct {
	name       string
	command    string // command keyword of the fault
	nth        int
	stallAfter int
	wait       string // command line prefix to wait for
}

var killPoints = []killPoint{
	{"greeting", server.Greeting, 0, 1, ""},
	{"after-CAPA", "CAPA", 1, 1, "CAPA"},
	{"after-LIST", "LIST", 1, 1, "LIST"},
	{"after-UIDL", "UIDL", 1, 1, "UIDL"},
	{"mid-first-message", "RETR", 1, 300, "RETR 1"},
	{"mid-message-5", "RETR", 5, 700, "RETR 5"},
	{"before-last-message", "RETR", 8, 1, "RETR 8"},
	{"mid-last-message", "RETR", 8, 500, "RETR 8"},
	{"between-store-and-DELE", "DELE", 1, 1, "DELE 1"},
	{"mid-DELEs", "DELE", 4, 1, "DELE 4"},
	{"before-QUIT-reply", "QUIT", 1, 1, "QUIT"},
}

// keepPoints are the kill points also tried with --keep.
var keepPoints = map[string]bool{"after-UIDL": true, "mid-message-5": true, "before-QUIT-reply": true}

// TestMovemailKilled kills movemail at every kill point, for a Maildir and
// an mbox, with and without --keep, and checks that every message is
// still on the server or complete in the mailbox, then that a rerun
// finishes the job with no message lost or stored twice.
func TestMovemailKilled(t *testing.T) {
	libraryReady(t)
	for _, kp := range killPoints {
		for _, kind := range []string{"maildir", "mbox"} {
			for _, keep := range []bool{false, true} {
				if keep && !keepPoints[kp.name] {
					continue // --keep sends no DELE; a few points suffice
				}
				name := kp.name + "/" + kind
				if keep {
					name += "/keep"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					killTest(t, kp, kind, keep)
				})
			}
		}
	}
}

// TestMovemailKilledNoUIDL is TestMovemailKilled against a server without
// UIDL: what a killed run stored is recognized by its content (the
// digests its journal or its commit left in the state file), so the
// rerun stores nothing twice.
func TestMovemailKilledNoUIDL(t *testing.T) {
	libraryReady(t)
	for _, kp := range killPoints {
		if kp.command == "UIDL" {
			continue
		}
		for _, kind := range []string{"maildir", "mbox"} {
			t.Run(kp.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				killTestUIDL(t, kp, kind, false, false)
			})
		}
	}
}

func killTest(t *testing.T, kp killPoint, kind string, keep bool) {
	killTestUIDL(t, kp, kind, keep, true)
}

func killTestUIDL(t *testing.T, kp killPoint, kind string, keep, uidl bool) {
	stall := server.Fault{Command: kp.command, Nth: kp.nth, StallAfter: kp.stallAfter, StallFor: 500 * time.Millisecond}
	faults := server.Faults{Rules: []server.Fault{stall}}
	if !uidl {
		faults = noUIDL(faults)
	}
	e := newSrv(t, faults)
	e.add(genMessages(8)...)
	dir := t.TempDir()
	dest := destIn(dir, kind)
	state := filepath.Join(dir, "state")
	args := []string{"--state", state, dest}
	if keep {
		args = append([]string{"--keep"}, args...)
	}
	cmd := script(e.env, "movemail.scm", args...)
	var se bytes.Buffer
	cmd.Stderr = &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if kp.wait != "" {
		e.waitFor(kp.wait, 10*time.Second)
	}
	time.Sleep(100 * time.Millisecond) // let the client reach its read
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("movemail was not killed (exit %v): stderr %s", err, se.String())
	}
	got := committed(t, kind, dest, state)
	e.checkNothingLost(got, false)

	// The rerun (no faults) finishes: everything moved (or copied), once.
	e.srv.SetFaults(server.Faults{DisableCommands: faults.DisableCommands, RemoveCapa: faults.RemoveCapa})
	r := rerun(t, e, args)
	if r.status != 0 {
		t.Fatalf("rerun: status %d\n%s\n%s", r.status, r.stdout, r.stderr)
	}
	got = stored(t, kind, dest)
	e.checkNothingLost(got, false)
	if len(got) != 8 {
		t.Errorf("after the rerun the mailbox holds %d messages, want 8", len(got))
	}
	want := 0
	if keep {
		want = 8
	}
	if n := e.be.Count(testUser); n != want {
		t.Errorf("after the rerun the server holds %d messages, want %d", n, want)
	}
	if kind == "maildir" {
		if ents, _ := os.ReadDir(filepath.Join(dest, "tmp")); len(ents) != 0 {
			t.Errorf("tmp/ holds %d files after the rerun", len(ents))
		}
	}
}

// rerun runs movemail until the server has released the killed session's
// maildrop lock ([IN-USE] meanwhile).
func rerun(t *testing.T, e *srvEnv, args []string) result {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := run(t, e.env, "movemail.scm", args...)
		if r.status == 0 || !(strings.Contains(r.stderr, "IN-USE") || strings.Contains(r.stderr, "locked")) || time.Now().After(deadline) {
			return r
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func stored(t *testing.T, kind, dest string) []string {
	if kind == "mbox" {
		return mboxMessages(t, dest)
	}
	return maildirMessages(t, dest)
}

// committed returns the messages of dest as a reader sees them once the
// killed run's uncommitted mbox tail is gone: an mbox append killed
// before its fsync leaves its bytes after the offset recorded in the
// journal (state + ".journal", without a "c" line); the next run cuts
// them off before anything else. A Maildir has no such tail: files reach
// new/ complete or not at all.
func committed(t *testing.T, kind, dest, state string) []string {
	t.Helper()
	if kind != "mbox" {
		return maildirMessages(t, dest)
	}
	j, err := os.ReadFile(state + ".journal")
	if err != nil {
		return mboxMessages(t, dest)
	}
	lines := strings.Split(string(j), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "mbox ") {
		return mboxMessages(t, dest)
	}
	for _, l := range lines {
		if l == "c" {
			return mboxMessages(t, dest)
		}
	}
	var off int64
	fmt.Sscanf(lines[1], "mbox %d", &off)
	data, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) > off {
		view := filepath.Join(t.TempDir(), "committed")
		os.WriteFile(view, data[:off], 0o600)
		return mboxMessages(t, view)
	}
	return mboxMessages(t, dest)
}

// TestMovemailConnectionDropped: the server closes the connection in the
// middle of message 3 (or leaves out a terminator): the two messages
// before are stored, nothing partial is, nothing is deleted, the exit
// status is 1; the rerun moves the rest with no duplicate.
func TestMovemailConnectionDropped(t *testing.T) {
	libraryReady(t)
	for _, kind := range []string{"maildir", "mbox"} {
		for _, f := range []server.Fault{
			{Command: "RETR", Nth: 3, CloseAfter: 400},
			{Command: "RETR", Nth: 3, NoTerminator: true},
		} {
			t.Run(fmt.Sprintf("%s/close%d-noterm%v", kind, f.CloseAfter, f.NoTerminator), func(t *testing.T) {
				t.Parallel()
				e := newSrv(t, server.Faults{Rules: []server.Fault{f}, RemoveCapa: []string{"PIPELINING"}})
				e.add(genMessages(6)...)
				dest := destIn(t.TempDir(), kind)
				if got := e.runFails(kind, dest, "nothing deleted on the server"); len(got) != 2 {
					t.Errorf("stored %d messages, want the 2 before the drop", len(got))
				}
				if n := e.be.Count(testUser); n != 6 {
					t.Errorf("server holds %d messages, want all 6", n)
				}
				e.rerunMovesAll(kind, dest, 6)
			})
		}
	}
}

// TestMovemailBadDestination: a destination that cannot be written (a
// path under a regular file) or that fills up (the file size limit)
// deletes nothing on the server, leaves an existing mbox's content as it
// was, stores no partial message, and names the destination.
func TestMovemailBadDestination(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(5)...)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	for _, dest := range []string{filepath.Join(file, "Mail") + "/", filepath.Join(file, "mbox")} {
		r := run(t, e.env, "movemail.scm", dest)
		if r.status != 1 || e.be.Count(testUser) != 5 {
			t.Errorf("%s: status %d, %d on server, stderr %q", dest, r.status, e.be.Count(testUser), r.stderr)
		}
	}
	// Full: an mbox that may not grow past 3000 bytes.
	mbox := filepath.Join(dir, "mbox")
	old := "From a@b Mon Jan  1 00:00:00 2024\nSubject: old\n\nold\n\n"
	os.WriteFile(mbox, []byte(old), 0o600)
	env := append(append([]string(nil), e.env...), "POPSH_TEST_FSIZE=3000")
	r := run(t, env, "movemail.scm", "--state", filepath.Join(dir, "state"), mbox)
	if r.status != 1 || e.be.Count(testUser) != 5 {
		t.Errorf("full mbox: status %d, %d on server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	// The messages that fit are complete (and recorded), the old one
	// intact, nothing partial.
	if b, _ := os.ReadFile(mbox); !strings.HasPrefix(string(b), old) {
		t.Errorf("full mbox: the old message changed")
	}
	got := mboxMessages(t, mbox)
	e.checkNothingLost(got[1:], false)
	if !strings.Contains(r.stderr, "destination "+mbox) {
		t.Errorf("full mbox: the error does not name the destination: %q", r.stderr)
	}
	// Full Maildir: no message fits.
	md := filepath.Join(dir, "md") + "/"
	env = append(append([]string(nil), e.env...), "POPSH_TEST_FSIZE=500")
	r = run(t, env, "movemail.scm", "--state", filepath.Join(dir, "state2"), md)
	if r.status != 1 || e.be.Count(testUser) != 5 || len(maildirMessages(t, md)) != 0 {
		t.Errorf("full maildir: status %d, %d on server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	if ents, _ := os.ReadDir(filepath.Join(md, "tmp")); len(ents) != 0 {
		t.Errorf("full maildir: %d partial files left in tmp/", len(ents))
	}
}
