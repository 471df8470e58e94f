package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"popsh/pop3/server"
)

func TestMovemailHelp(t *testing.T) {
	libraryReady(t)
	r := run(t, nil, "movemail.scm", "--help")
	if r.status != 0 || !strings.Contains(r.stdout, "usage: popsh movemail.scm") {
		t.Errorf("--help: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, nil, "movemail.scm", "--bogus", "x")
	if r.status != 2 || !strings.Contains(r.stderr, "unknown option --bogus") {
		t.Errorf("bad option: status %d, stderr %q", r.status, r.stderr)
	}
	r = run(t, []string{"MAILHOST="}, "movemail.scm", "dest")
	if r.status != 2 || !strings.Contains(r.stderr, "no server") {
		t.Errorf("no server: status %d, stderr %q", r.status, r.stderr)
	}
}

func TestMovemailMaildir(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(12)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", dest)
	if r.status != 0 {
		t.Fatalf("status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "movemail: 12 messages") || !strings.Contains(r.stdout, "moved to "+dest) {
		t.Errorf("summary %q", r.stdout)
	}
	got := maildirMessages(t, dest)
	if len(got) != 12 {
		t.Fatalf("maildir holds %d messages, want 12", len(got))
	}
	e.checkNothingLost(got, false)
	if n := e.be.Count(testUser); n != 0 {
		t.Errorf("server still has %d messages", n)
	}
	// Byte-exact: LF line ends, a final newline added where missing.
	for _, m := range got {
		if strings.Contains(m, "\r") {
			t.Errorf("CR in stored message %.60q", m)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dest, "tmp"))
	if len(ents) != 0 {
		t.Errorf("tmp/ not empty: %d files", len(ents))
	}
	// Pipelined: the RETRs were sent ahead (the server saw them before
	// the first reply was read cannot be observed; but no NOOP, one LIST).
	cmds := strings.Join(e.commands(), "\n")
	if strings.Count(cmds, "RETR ") != 12 || strings.Count(cmds, "DELE ") != 12 || !strings.HasSuffix(cmds, "QUIT") {
		t.Errorf("commands:\n%s", cmds)
	}
}

func TestMovemailMbox(t *testing.T) {
	e := newSrv(t, server.Faults{})
	msgs := genMessages(9)
	e.add(msgs...)
	mbox := filepath.Join(t.TempDir(), "inbox")
	if err := os.WriteFile(mbox, []byte("From old@example.org Mon Jan  1 00:00:00 2024\nSubject: old\n\nold mail\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, e.env, "movemail.scm", mbox)
	if r.status != 0 {
		t.Fatalf("status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
	got := mboxMessages(t, mbox)
	if len(got) != 10 || got[0] != "Subject: old\n\nold mail\n" {
		t.Fatalf("mbox has %d messages (first %.40q), want the old one and 9", len(got), got[0])
	}
	e.checkNothingLost(got[1:], false)
	data, _ := os.ReadFile(mbox)
	if !strings.Contains(string(data), "\n>From the quoting test\n>>From already quoted\n") {
		t.Error("mboxrd quoting missing")
	}
	if _, err := os.Stat(mbox + ".lock"); err == nil {
		t.Error("dot-lock left behind")
	}
	if e.be.Count(testUser) != 0 {
		t.Error("messages left on the server")
	}
}

func TestMovemailKeep(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(5)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", "--keep", dest)
	if r.status != 0 || !strings.Contains(r.stdout, "5 messages") || !strings.Contains(r.stdout, "copied to") {
		t.Fatalf("first run: status %d, %q %q", r.status, r.stdout, r.stderr)
	}
	if e.be.Count(testUser) != 5 {
		t.Fatal("--keep deleted mail")
	}
	e.add(genMessages(7)[5:]...)
	r = run(t, e.env, "movemail.scm", "-k", dest)
	if r.status != 0 || !strings.Contains(r.stdout, "movemail: 2 messages") {
		t.Fatalf("second run: status %d, %q %q", r.status, r.stdout, r.stderr)
	}
	got := maildirMessages(t, dest)
	if len(got) != 7 {
		t.Errorf("maildir holds %d messages, want 7", len(got))
	}
	e.checkNothingLost(got, false)
	// Without --keep, the rest goes: nothing fetched twice, all deleted.
	r = run(t, e.env, "movemail.scm", dest)
	if r.status != 0 || !strings.Contains(r.stdout, "movemail: 0 messages") || !strings.Contains(r.stdout, "7 stored by an earlier run deleted") {
		t.Fatalf("third run: status %d, %q %q", r.status, r.stdout, r.stderr)
	}
	if e.be.Count(testUser) != 0 || len(maildirMessages(t, dest)) != 7 {
		t.Error("third run did not just delete")
	}
}

func TestMovemailSource(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(2)...)
	dest := filepath.Join(t.TempDir(), "box")
	env := append(append([]string(nil), e.env...), "MAILHOST=")
	r := run(t, env, "movemail.scm", "pop://alice@"+e.srv.Addr().String(), dest)
	if r.status != 0 || len(mboxMessages(t, dest)) != 2 {
		t.Fatalf("status %d, %q %q", r.status, r.stdout, r.stderr)
	}
	// A wrong user (no password in netrc for it) fails and deletes nothing.
	e.add(genMessages(3)[2:]...)
	r = run(t, env, "movemail.scm", "-u", "mallory", "pop://"+e.srv.Addr().String(), dest)
	if r.status != 1 || e.be.Count(testUser) != 1 {
		t.Errorf("wrong user: status %d, %d on server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
}

// TestMovemailProgress runs movemail with stderr on a terminal (script(1)
// gives it a pty): the progress line appears there, and not when stderr
// is a pipe (the other tests).
func TestMovemailProgress(t *testing.T) {
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) not installed: no pty to test the progress line")
	}
	e := newSrv(t, server.Faults{})
	e.add(genMessages(3)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	exe, _ := os.Executable()
	abs, _ := filepath.Abs("movemail.scm")
	cmd := exec.Command(scriptCmd, "-qec", exe+" "+dest, "/dev/null")
	cmd.Env = append(append(os.Environ(), e.env...), childEnv+"="+abs)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "\rmovemail: 3/3 messages") || !strings.Contains(string(out), "movemail: 3 messages") {
		t.Errorf("no progress line on the terminal: %q", out)
	}
	r := run(t, e.env, "movemail.scm", dest)
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress line written to a pipe: %q", r.stderr)
	}
}

// TestMovemailNoUIDL: a server without UIDL still has its mail moved
// (no state kept); --keep refuses, since it could not tell new mail.
func TestMovemailNoUIDL(t *testing.T) {
	e := newSrv(t, server.Faults{DisableCommands: []string{"UIDL"}, RemoveCapa: []string{"UIDL"}})
	e.add(genMessages(4)...)
	dest := filepath.Join(t.TempDir(), "mbox")
	r := run(t, e.env, "movemail.scm", "--keep", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "no UIDL") || e.be.Count(testUser) != 4 {
		t.Errorf("--keep without UIDL: %d %q", r.status, r.stderr)
	}
	r = run(t, e.env, "movemail.scm", dest)
	if r.status != 0 || e.be.Count(testUser) != 0 {
		t.Fatalf("move without UIDL: %d %q %q", r.status, r.stdout, r.stderr)
	}
	got := mboxMessages(t, dest)
	if len(got) != 4 {
		t.Errorf("%d messages in the mbox, want 4", len(got))
	}
	e.checkNothingLost(got, false)
}

// TestMovemailAccountOptions: --netrc, --port, -u and GNU movemail's
// po:USER name the account; bad values are usage errors (status 2).
func TestMovemailAccountOptions(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(3)...)
	dir := t.TempDir()
	other := filepath.Join(dir, "other-netrc")
	os.WriteFile(other, []byte("machine 127.0.0.1 login alice password wonderland\n"), 0o600)
	_, port, _ := strings.Cut(e.srv.Addr().String(), ":")
	env := []string{"HOME=" + dir, "NETRC=/nonexistent", "MAILHOST=127.0.0.1"}
	dest := filepath.Join(dir, "mbox")
	r := run(t, env, "movemail.scm", "--netrc", other, "-p", port, "po:alice", dest)
	if r.status != 0 || len(mboxMessages(t, dest)) != 3 {
		t.Fatalf("po:alice --netrc -p: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".popsh", "movemail", "alice@127.0.0.1:"+port)); err != nil {
		t.Errorf("default state file not written: %v", err)
	}
	for _, args := range [][]string{
		{"-p", "0", dest}, {"-p", "x", dest}, {"pop://host:99999", dest}, {"imap://h", dest},
		{"--tls", "--no-tls", dest}, {"a", "b", "c"}, {"-u"},
	} {
		if r := run(t, env, "movemail.scm", args...); r.status != 2 {
			t.Errorf("movemail %q: status %d, want 2 (%q)", args, r.status, r.stderr)
		}
	}
}
