package mail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"popsh/interp"
	"popsh/pop3/server"
)

// TestThreadConnectionBusy: a connection belongs to one thread at a time.
// While one thread waits in pop3-stat (the server holds the STAT until the
// test lets it go), another thread's use of the connection fails with a
// clear error, and the first call then completes; the other threads ran
// meanwhile (the wait released the interpreter lock).
func TestThreadConnectionBusy(t *testing.T) {
	be := server.NewMemoryBackend()
	be.AddUser(testUser, testPassword)
	for _, m := range sampleMessages {
		if _, err := be.AddMessage(testUser, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	it, addr := heldCommandEnv(t, be, "STAT")
	v, err := evalIn(it, fmt.Sprintf(`
(define conn (pop3-connect %q))
(pop3-login conn)
(define a (spawn (lambda () (receive (n size) (pop3-stat conn) n))))
(wait-held)
(define b-result
  (thread-join! (spawn (lambda ()
                         (guard (e ((error? e) (condition/report-string e)))
                           (pop3-stat conn))))))
(release-held)
(list (thread-join! a) b-result (receive (n size) (pop3-stat conn) n))`, addr))
	if err != nil {
		t.Fatal(err)
	}
	got := interp.WriteString(v)
	if !strings.HasPrefix(got, "(3 ") || !strings.Contains(got, "in use by another thread") || !strings.HasSuffix(got, " 3)") {
		t.Fatalf("got %s", got)
	}
}

// heldCommandEnv starts a server for be that holds its reply to the
// command line hold (once) until the test lets it go, and returns an
// interpreter whose netrc names that server's user, with two procedures:
// (wait-held) returns once the server has the command (releasing the
// interpreter lock meanwhile), (release-held) lets the reply go; and the
// server's address.
func heldCommandEnv(t *testing.T, be *server.MemoryBackend, hold string) (*interp.Interp, string) {
	t.Helper()
	held := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	srv := server.New(server.Options{Backend: be, Hostname: "test.invalid",
		OnCommand: func(user, line string) {
			if line == hold {
				once.Do(func() {
					close(held)
					<-release
				})
			}
		}})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPassword)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)
	t.Setenv("MAILHOST", "")
	t.Setenv("HOME", dir)
	it, _ := newTestInterp(t, Options{})
	it.DefinePrimitive("wait-held", 0, 0, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		it.Blocking(func() error { <-held; return nil })
		return interp.Unspecified, nil
	})
	it.DefinePrimitive("release-held", 0, 0, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		close(release)
		return interp.Unspecified, nil
	})
	return it, srv.Addr().String()
}

// TestThreadMailboxCloseWaitsForFetch: one thread fetches into a mailbox
// and waits on the network (the server holds RETR 2); another closes the
// mailbox meanwhile, as movemail's main thread does when a signal stops
// the runs. The close waits for the fetch to end, then commits what it
// stored and releases the mbox; nothing is half written.
func TestThreadMailboxCloseWaitsForFetch(t *testing.T) {
	be := server.NewMemoryBackend()
	be.AddUser(testUser, testPassword)
	for _, m := range sampleMessages {
		if _, err := be.AddMessage(testUser, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	it, addr := heldCommandEnv(t, be, "RETR 2")
	dir := t.TempDir()
	mbox := filepath.Join(dir, "mbox")
	v, err := evalIn(it, fmt.Sprintf(`
(define conn (pop3-connect %q))
(pop3-login conn)
(define mb (mailbox-open %q %q "acct"))
(define-values (fresh old) (mailbox-partition mb (pop3-uidl conn)))
(define a (spawn (lambda () (mailbox-fetch! mb conn fresh))))
(wait-held)
(define b (spawn (lambda () (mailbox-close mb) 'closed)))
(sleep 50) ; b waits for the mailbox (if it is slower, nothing is tested)
(release-held)
(list (thread-join! a) (thread-join! b) (length (mailbox-stored mb)))`, addr, mbox, filepath.Join(dir, "state")))
	if err != nil {
		t.Fatal(err)
	}
	if got := interp.WriteString(v); got != "(3 closed 3)" {
		t.Errorf("got %s, want (3 closed 3)", got)
	}
	if _, err := os.Stat(mbox + ".lock"); err == nil {
		t.Error("the mbox's dot-lock is left")
	}
	if b, _ := os.ReadFile(mbox); strings.Count(string(b), "\nFrom ") != 2 || !strings.HasSuffix(string(b), "\n\n") {
		t.Errorf("the mbox: %q", b)
	}
}
