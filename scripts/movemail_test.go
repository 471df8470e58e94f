package scripts

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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

// hostileUIDL is a small POP3 server on 127.0.0.1 whose UIDL names a
// message (4) that LIST does not have. It records the commands it gets.
func hostileUIDL(t *testing.T) (addr string, cmds func() []string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var mu sync.Mutex
	var got []string
	msg := "Subject: x\r\n\r\nbody\r\n"
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				fmt.Fprintf(c, "+OK hostile\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					mu.Lock()
					got = append(got, line)
					mu.Unlock()
					verb, _, _ := strings.Cut(line, " ")
					switch strings.ToUpper(verb) {
					case "CAPA":
						fmt.Fprintf(c, "+OK\r\nUSER\r\nUIDL\r\n.\r\n")
					case "STAT":
						fmt.Fprintf(c, "+OK 2 %d\r\n", 2*len(msg))
					case "LIST":
						fmt.Fprintf(c, "+OK\r\n1 %d\r\n2 %d\r\n.\r\n", len(msg), len(msg))
					case "UIDL":
						fmt.Fprintf(c, "+OK\r\n1 uid-a\r\n2 uid-b\r\n4 uid-d\r\n.\r\n")
					case "RETR":
						fmt.Fprintf(c, "+OK\r\n%s.\r\n", msg)
					case "QUIT":
						fmt.Fprintf(c, "+OK bye\r\n")
						return
					default:
						fmt.Fprintf(c, "+OK\r\n")
					}
				}
			}(c)
		}
	}()
	return l.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestMovemailUIDLNotInLIST: a server whose UIDL names a message LIST
// lacks gets a protocol error naming it; nothing is fetched or deleted.
func TestMovemailUIDLNotInLIST(t *testing.T) {
	libraryReady(t)
	addr, cmds := hostileUIDL(t)
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login u password p\n"), 0o600)
	dest := filepath.Join(dir, "mbox")
	r := run(t, []string{"HOME=" + dir, "NETRC=" + netrc, "MAILHOST="}, "movemail.scm", "pop://u@"+addr, dest)
	if r.status != 1 || !strings.Contains(r.stderr, "movemail: protocol: ") || !strings.Contains(r.stderr, "message 4, which LIST does not have") {
		t.Errorf("status %d, stderr %q", r.status, r.stderr)
	}
	if strings.Contains(r.stderr, "vector-ref") {
		t.Errorf("internal error shown: %q", r.stderr)
	}
	for _, c := range cmds() {
		if strings.HasPrefix(c, "DELE") || strings.HasPrefix(c, "RETR") {
			t.Errorf("sent %q to a server that broke the protocol", c)
		}
	}
	if len(mboxMessages(t, dest)) != 0 {
		t.Error("messages stored")
	}
}

// TestMovemailNetrcMissing: --netrc naming a missing file is an error
// naming the file; nothing is fetched.
func TestMovemailNetrcMissing(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(2)...)
	missing := filepath.Join(t.TempDir(), "no-such-netrc")
	dest := filepath.Join(t.TempDir(), "mbox")
	r := run(t, e.env, "movemail.scm", "--netrc", missing, dest)
	if r.status != 1 || !strings.Contains(r.stderr, missing) || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("status %d, stderr %q", r.status, r.stderr)
	}
	if e.be.Count(testUser) != 2 || len(e.commands()) != 0 {
		t.Errorf("the server was contacted: %q", e.commands())
	}
}

// TestMovemailMaxSize: --max-size skips (and reports) larger messages,
// never deletes them; the rest is moved. Bad sizes are usage errors.
func TestMovemailMaxSize(t *testing.T) {
	e := newSrv(t, server.Faults{})
	msgs := genMessages(4)
	big := strings.Replace(msgs[2], "end of message 3", strings.Repeat("padding line\n", 300)+"end of message 3", 1)
	e.add(msgs[0], msgs[1], big, msgs[3])
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", "--max-size", "2K", dest)
	if r.status != 0 || !strings.Contains(r.stderr, "message 3 (") || !strings.Contains(r.stderr, "larger than --max-size: left on the server") ||
		!strings.Contains(r.stdout, "1 over --max-size left on the server") {
		t.Fatalf("status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	got := maildirMessages(t, dest)
	if len(got) != 3 || e.be.Count(testUser) != 1 {
		t.Errorf("%d stored, %d on the server; want 3 and the big one", len(got), e.be.Count(testUser))
	}
	e.checkNothingLost(got, false)
	for _, c := range e.commands() {
		if c == "RETR 3" || c == "DELE 3" {
			t.Errorf("sent %q", c)
		}
	}
	// Without the limit the big one comes too.
	if r := run(t, e.env, "movemail.scm", dest); r.status != 0 || e.be.Count(testUser) != 0 || len(maildirMessages(t, dest)) != 4 {
		t.Errorf("without --max-size: %d %q, %d on the server", r.status, r.stderr, e.be.Count(testUser))
	}
	for _, bad := range []string{"0", "-1", "2G", "x", "1.5K"} {
		if r := run(t, e.env, "movemail.scm", "--max-size", bad, dest); r.status != 2 || !strings.Contains(r.stderr, "bad --max-size") {
			t.Errorf("--max-size %s: %d %q", bad, r.status, r.stderr)
		}
	}
}

// TestMovemailErrorSides: a refusal names the server and its command; a
// dropped connection names the server.
func TestMovemailErrorSides(t *testing.T) {
	for _, c := range []struct {
		fault server.Fault
		want  string
	}{
		{server.Fault{Command: "RETR", Nth: 2, Reply: "-ERR [SYS/TEMP] try later"}, "movemail: server refused RETR 2: "},
		{server.Fault{Command: "RETR", Nth: 2, CloseAfter: 100}, "movemail: server: "},
	} {
		e := newSrv(t, server.Faults{Rules: []server.Fault{c.fault}, RemoveCapa: []string{"PIPELINING"}})
		e.add(genMessages(3)...)
		dest := filepath.Join(t.TempDir(), "mbox")
		r := run(t, e.env, "movemail.scm", dest)
		if r.status != 1 || !strings.Contains(r.stderr, c.want) || e.be.Count(testUser) != 3 {
			t.Errorf("%+v: status %d, %d on the server, stderr %q", c.fault, r.status, e.be.Count(testUser), r.stderr)
		}
	}
}

// TestMovemailStatePerDestination: mail kept on the server and copied
// into A/ is still delivered into B/ (the state is kept per account and
// destination), then a run into A/ again finds nothing new.
func TestMovemailStatePerDestination(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(4)...)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "A")+"/", filepath.Join(dir, "B")+"/"
	if r := run(t, e.env, "movemail.scm", "--keep", a); r.status != 0 || len(maildirMessages(t, a)) != 4 {
		t.Fatalf("--keep A/: %d %q", r.status, r.stderr)
	}
	r := run(t, e.env, "movemail.scm", b)
	if r.status != 0 || !strings.Contains(r.stdout, "movemail: 4 messages") {
		t.Fatalf("into B/: %d %q %q", r.status, r.stdout, r.stderr)
	}
	got := maildirMessages(t, b)
	if len(got) != 4 || e.be.Count(testUser) != 0 {
		t.Errorf("B/ holds %d messages, %d left on the server; want 4 and 0", len(got), e.be.Count(testUser))
	}
	e.checkNothingLost(got, false)
}

// TestMovemailAnotherRunInProgress: while another process holds the
// account's run lock, movemail waits --wait seconds, then exits 1 naming
// the account and the holder's PID, having touched nothing: no
// connection, no destination, no state.
func TestMovemailAnotherRunInProgress(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(2)...)
	_, port, _ := strings.Cut(e.srv.Addr().String(), ":")
	account := "127.0.0.1:" + port
	lockFile := filepath.Join(e.home, ".popsh", "movemail", account+".lock")
	os.MkdirAll(filepath.Dir(lockFile), 0o700)
	f, err := os.OpenFile(lockFile, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	f.WriteString(fmt.Sprintf("%d\n", os.Getpid()))
	dest := filepath.Join(t.TempDir(), "mbox")
	for _, args := range [][]string{{"--wait", "0.3", dest}, {"-w", "0", "-s", filepath.Join(t.TempDir(), "st"), dest}} {
		r := run(t, e.env, "movemail.scm", args...)
		want := fmt.Sprintf("movemail: another run for %s is in progress (pid %d)\n", account, os.Getpid())
		if r.status != 1 || r.stderr != want {
			t.Errorf("%q: status %d, stderr %q, want %q", args, r.status, r.stderr, want)
		}
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Error("the destination was created")
	}
	if len(e.commands()) != 0 || e.be.Count(testUser) != 2 {
		t.Errorf("the server was contacted: %q", e.commands())
	}
	// Released: the run goes ahead.
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if r := run(t, e.env, "movemail.scm", "-w", "0", dest); r.status != 0 || len(mboxMessages(t, dest)) != 2 {
		t.Errorf("after release: %d %q", r.status, r.stderr)
	}
}
