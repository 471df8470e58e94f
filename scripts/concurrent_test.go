package scripts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"popsh/pop3/server"
)

// barrier lets n callers through only once n of them are waiting; a caller
// that waits longer than limit gives up. Servers whose logins go through
// one barrier can only all succeed when their clients log in at once.
type barrier struct {
	mu      sync.Mutex
	n       int
	arrived int
	open    chan struct{}
	limit   time.Duration
}

func newBarrier(n int, limit time.Duration) *barrier {
	return &barrier{n: n, open: make(chan struct{}), limit: limit}
}

func (b *barrier) wait() error {
	b.mu.Lock()
	b.arrived++
	if b.arrived == b.n {
		close(b.open)
	}
	b.mu.Unlock()
	select {
	case <-b.open:
		return nil
	case <-time.After(b.limit):
		return errors.New("the other accounts never logged in meanwhile")
	}
}

// barrierBackend is a memory backend whose maildrops open (at login) only
// when every account's login is under way.
type barrierBackend struct {
	*server.MemoryBackend
	b *barrier
}

func (bb barrierBackend) Open(user string) (server.Maildrop, error) {
	if err := bb.b.wait(); err != nil {
		return nil, err
	}
	return bb.MemoryBackend.Open(user)
}

// TestPopstatConcurrent: popstat checks its accounts at once. Each of the
// four servers opens a maildrop only when all four logins are under way,
// so an account-after-account popstat would fail every one of them.
func TestPopstatConcurrent(t *testing.T) {
	libraryReady(t)
	const n = 4
	bar := newBarrier(n, 20*time.Second)
	var accounts []string
	netrc := filepath.Join(t.TempDir(), "netrc")
	content := ""
	for i := 0; i < n; i++ {
		be := server.NewMemoryBackend()
		be.AddUser(testUser, testPass)
		for j := 0; j <= i; j++ {
			if _, err := be.AddMessage(testUser, []byte(fmt.Sprintf("Subject: m%d\n\nbody %d\n", j, j))); err != nil {
				t.Fatal(err)
			}
		}
		srv := server.New(server.Config{Backend: barrierBackend{be, bar}, Hostname: "test.invalid"})
		if err := srv.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		addr := srv.Addr().String()
		accounts = append(accounts, "pop://"+testUser+"@"+addr)
	}
	content += fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)
	if err := os.WriteFile(netrc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + t.TempDir(), "NETRC=" + netrc, "MAILHOST="}
	r := run(t, env, "popstat.scm", accounts...)
	if r.status != 0 {
		t.Fatalf("popstat: status %d\n%s\n%s", r.status, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("want %d lines:\n%s", n, r.stdout)
	}
	for i, l := range lines {
		// in the order of the arguments, each with its own count
		want := fmt.Sprintf("%s: %d message", accounts[i], i+1)
		if !strings.HasPrefix(l, want) {
			t.Errorf("line %d = %q, want prefix %q", i+1, l, want)
		}
	}
}
