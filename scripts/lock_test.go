package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// holdFcntlLock takes the fcntl write lock of the file path (as mutt
// does) in this process; the function returned lets it go.
func holdFcntlLock(t *testing.T, path string) (release func()) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	return func() { f.Close() }
}

// TestMovemailWaitsForMboxLocks: while another process holds the mbox's
// fcntl lock (as mutt does) or its dot-lock (as mail(1) does), movemail
// waits and writes nothing; once released, it appends.
func TestMovemailWaitsForMboxLocks(t *testing.T) {
	e := newSrv(t, server.Faults{})
	mbox := filepath.Join(t.TempDir(), "mbox")
	old := "From x Mon Jan  1 00:00:00 2024\n\nold\n\n"
	if err := os.WriteFile(mbox, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	all := genMessages(4)
	for i, kind := range []string{"fcntl", "dotlock"} {
		t.Run(kind, func(t *testing.T) {
			e.add(all[2*i : 2*i+2]...)
			before, _ := os.ReadFile(mbox)
			var release func()
			switch kind {
			case "fcntl":
				release = holdFcntlLock(t, mbox)
			case "dotlock":
				// Held by a live process: this one.
				if err := os.WriteFile(mbox+".lock", []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				release = func() { os.Remove(mbox + ".lock") }
			}
			cmd := script(e.env, "movemail.scm", mbox)
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				release()
				t.Fatalf("movemail did not wait for the %s lock (exit %v)", kind, err)
			case <-time.After(700 * time.Millisecond):
			}
			if now, _ := os.ReadFile(mbox); string(now) != string(before) {
				t.Errorf("mbox written while locked")
			}
			release()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("movemail after the lock was released: %v", err)
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("movemail still waiting after the lock was released")
			}
			if e.be.Count(testUser) != 0 {
				t.Errorf("%d messages left on the server", e.be.Count(testUser))
			}
		})
	}
	got := mboxMessages(t, mbox)
	if len(got) != 5 {
		t.Errorf("mbox holds %d messages, want 1 old + 4", len(got))
	}
	e.checkNothingLost(got[1:], false)
}

// TestMovemailGivesUpOnLockedMbox: another program holds the mbox's fcntl
// lock (as mutt does) or its dot-lock (as mail(1) does) for longer than
// --lock-wait: movemail gives up, exits 1, says why, writes nothing,
// deletes nothing on the server and leaves no lock of its own behind.
func TestMovemailGivesUpOnLockedMbox(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(3)...)
	mbox := filepath.Join(t.TempDir(), "mbox")
	old := "From x Mon Jan  1 00:00:00 2024\n\nold\n\n"
	if err := os.WriteFile(mbox, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"fcntl", "dotlock"} {
		t.Run(kind, func(t *testing.T) {
			switch kind {
			case "fcntl":
				defer holdFcntlLock(t, mbox)()
			case "dotlock":
				// Held by a live process: this one.
				if err := os.WriteFile(mbox+".lock", []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(mbox + ".lock")
			}
			r := run(t, e.env, "movemail.scm", "--lock-wait", "0.3", "--state", filepath.Join(t.TempDir(), "state"), mbox)
			if r.status != 1 || !strings.Contains(r.stderr, fmt.Sprintf("held by another process (pid %d); gave up waiting", os.Getpid())) || !strings.Contains(r.stderr, "nothing deleted on the server") {
				t.Errorf("status %d, stderr %q", r.status, r.stderr)
			}
			if e.be.Count(testUser) != 3 {
				t.Errorf("%d messages left on the server, want 3", e.be.Count(testUser))
			}
			if b, _ := os.ReadFile(mbox); string(b) != old {
				t.Errorf("mbox written: %q", b)
			}
			switch b, err := os.ReadFile(mbox + ".lock"); kind {
			case "fcntl":
				if err == nil {
					t.Errorf("dot-lock left behind: %q", b)
				}
			case "dotlock":
				if string(b) != strconv.Itoa(os.Getpid())+"\n" {
					t.Errorf("the other program's dot-lock changed: %q %v", b, err)
				}
			}
		})
	}
}

// TestMovemailMboxRenamedAway: while movemail appends, a program that
// ignores the locks renames the mbox away and starts a new one (and might
// remove the old one next). The run notices at its commit: it takes its
// append back out of the renamed file, exits 1 and deletes nothing; the
// next run moves every message into the new mbox, once.
func TestMovemailMboxRenamedAway(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(40)...)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	cmd, done := startRun(t, e.env, []string{"--state", state, mbox})
	// Stopped in the middle of its appends (SIGSTOP: the commit is still
	// to come), the file is renamed away.
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if a := readAppendState(state, mbox); a.listed >= 1 {
			cmd.Process.Signal(syscall.SIGSTOP)
			for !processStopped(cmd.Process.Pid) {
				time.Sleep(100 * time.Microsecond)
			}
			if a := readAppendState(state, mbox); a.listed >= 40 {
				cmd.Process.Signal(syscall.SIGCONT)
				t.Fatalf("stopped too late: %v", a)
			}
			break
		}
		select {
		case r := <-done:
			t.Fatalf("the run ended before it appended: %d %s", r.status, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the run appended nothing in 2 minutes")
		}
		time.Sleep(100 * time.Microsecond) // polling files: nothing to wait on
	}
	if err := os.Rename(mbox, mbox+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mbox, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGCONT)
	r := <-done
	if r.status != 1 || !strings.Contains(r.stderr, "renamed or removed by another program") || !strings.Contains(r.stderr, "nothing deleted on the server") {
		t.Errorf("status %d, stderr %q", r.status, r.stderr)
	}
	if e.be.Count(testUser) != 40 {
		t.Errorf("%d messages left on the server, want 40", e.be.Count(testUser))
	}
	if st, err := os.Stat(mbox + ".1"); err != nil || st.Size() != 0 {
		t.Errorf("the renamed file keeps the undone append (%v)", err)
	}
	if r := run(t, e.env, "movemail.scm", "--state", state, mbox); r.status != 0 {
		t.Fatalf("rerun: %d %s", r.status, r.stderr)
	}
	got := mboxMessages(t, mbox)
	e.checkNothingLost(got, false)
	if len(got) != 40 || e.be.Count(testUser) != 0 {
		t.Errorf("after the rerun: %d in the mbox, %d on the server", len(got), e.be.Count(testUser))
	}
}

// BenchmarkMovemailMaildir moves 500 messages of ~2 KB from our server
// into a fresh Maildir per iteration (--keep, fresh state), the whole
// process included.
func BenchmarkMovemailMaildir(b *testing.B) {
	benchMovemail(b, 500, "maildir")
}

// BenchmarkMovemailMbox is the same into an mbox (one fsync per run).
func BenchmarkMovemailMbox(b *testing.B) {
	benchMovemail(b, 500, "mbox")
}

func benchMovemail(b *testing.B, n int, kind string) {
	be := server.NewMemoryBackend()
	be.AddUser(testUser, testPass)
	var size int64
	for _, m := range genMessages(n) {
		be.AddMessage(testUser, []byte(m))
		size += int64(len(m))
	}
	srv := server.New(server.Options{Backend: be, Hostname: "bench.invalid"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	home := b.TempDir()
	netrc := filepath.Join(home, ".netrc")
	os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)), 0o600)
	env := []string{"HOME=" + home, "NETRC=" + netrc, "MAILHOST=" + srv.Addr().String()}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(home, fmt.Sprint(i))
		dest := dir + "/Mail/"
		if kind == "mbox" {
			os.MkdirAll(dir, 0o700)
			dest = dir + "/mbox"
		}
		cmd := script(env, "movemail.scm", "-q", "--keep", "--state", dir+"/state", dest)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

// BenchmarkPopHeaders lists 2,000 messages with pop-headers.scm (pipelined
// TOP n 0, RFC 2047 decoding, one line each), the whole process included.
func BenchmarkPopHeaders(b *testing.B) {
	be := server.NewMemoryBackend()
	be.AddUser(testUser, testPass)
	for _, m := range genMessages(2000) {
		be.AddMessage(testUser, []byte("Date: Wed, 25 Nov 2026 22:50:36 +0000\nSubject: =?UTF-8?Q?caf=C3=A9?=\n"+m))
	}
	srv := server.New(server.Options{Backend: be, Hostname: "bench.invalid"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	home := b.TempDir()
	netrc := filepath.Join(home, ".netrc")
	os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)), 0o600)
	env := []string{"HOME=" + home, "NETRC=" + netrc, "MAILHOST=" + srv.Addr().String()}
	for b.Loop() {
		out, err := script(env, "pop-headers.scm").Output()
		if err != nil || len(out) < 2000*40 {
			b.Fatalf("%v: %d bytes", err, len(out))
		}
	}
}
