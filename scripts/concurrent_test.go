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
		srv := server.New(server.Options{Backend: barrierBackend{be, bar}, Hostname: "test.invalid"})
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

// taggedMessages gives n messages that name account k.
func taggedMessages(k, n int) []string {
	var out []string
	for _, m := range genMessages(n) {
		out = append(out, strings.Replace(m, "Subject: message", fmt.Sprintf("Subject: account %d message", k), 1))
	}
	return out
}

// TestMovemailSeveralSources: three accounts into one mbox (the mbox lock
// serialises the writers) with --jobs 2, then three accounts each into
// its own Maildir (--pairs): every message arrives exactly once and leaves
// its server.
func TestMovemailSeveralSources(t *testing.T) {
	var srvs []*srvEnv
	var sources []string
	for k := 0; k < 3; k++ {
		e := newSrv(t, server.Faults{})
		e.add(taggedMessages(k, 5+k)...)
		srvs = append(srvs, e)
		sources = append(sources, "pop://"+testUser+"@"+e.srv.Addr().String())
	}
	env := append(append([]string(nil), srvs[0].env...), "MAILHOST=")
	mbox := filepath.Join(t.TempDir(), "inbox")
	r := run(t, env, "movemail.scm", append(append([]string{"--jobs", "2"}, sources...), mbox)...)
	if r.status != 0 {
		t.Fatalf("status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
	got := mboxMessages(t, mbox)
	if len(got) != 5+6+7 {
		t.Fatalf("mbox holds %d messages, want 18", len(got))
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m] {
			t.Errorf("stored twice: %.60q", m)
		}
		seen[m] = true
	}
	for k, e := range srvs {
		if n := e.be.Count(testUser); n != 0 {
			t.Errorf("account %d: %d messages left on the server", k, n)
		}
		if !strings.Contains(r.stdout, fmt.Sprintf("%s:%s: %d messages", testUser+"@127.0.0.1", strings.TrimPrefix(e.srv.Addr().String(), "127.0.0.1:"), 5+k)) {
			t.Errorf("account %d: no summary line in %q", k, r.stdout)
		}
	}

	// --pairs: each account into its own Maildir.
	var args []string
	var dests []string
	for k, e := range srvs {
		e.add(taggedMessages(10+k, 3)...)
		d := filepath.Join(t.TempDir(), fmt.Sprintf("Mail%d", k)) + "/"
		dests = append(dests, d)
		args = append(args, sources[k], d)
	}
	r = run(t, env, "movemail.scm", append([]string{"--pairs"}, args...)...)
	if r.status != 0 {
		t.Fatalf("--pairs: status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
	for k, d := range dests {
		got := maildirMessages(t, d)
		if len(got) != 3 {
			t.Fatalf("account %d: maildir holds %d messages, want 3", k, len(got))
		}
		for _, m := range got {
			if !strings.Contains(m, fmt.Sprintf("Subject: account %d message", 10+k)) {
				t.Errorf("account %d's maildir holds %.60q", k, m)
			}
		}
	}
	if r := run(t, env, "movemail.scm", "--pairs", sources[0]); r.status != 2 {
		t.Errorf("--pairs with one argument: status %d", r.status)
	}
}

// TestMovemailJobsConcurrent: with --jobs 3, three accounts whose servers
// open a maildrop only while all three logins are under way are all
// moved; with --jobs 1 they cannot be (one account at a time).
func TestMovemailJobsConcurrent(t *testing.T) {
	libraryReady(t)
	try := func(jobs string, limit time.Duration) (result, []string) {
		bar := newBarrier(3, limit)
		var args []string
		var dests []string
		for k := 0; k < 3; k++ {
			be := server.NewMemoryBackend()
			be.AddUser(testUser, testPass)
			for _, m := range taggedMessages(k, 2) {
				if _, err := be.AddMessage(testUser, []byte(m)); err != nil {
					t.Fatal(err)
				}
			}
			srv := server.New(server.Options{Backend: barrierBackend{be, bar}, Hostname: "test.invalid"})
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			d := filepath.Join(t.TempDir(), "Mail") + "/"
			dests = append(dests, d)
			args = append(args, "pop://"+testUser+"@"+srv.Addr().String(), d)
		}
		home := t.TempDir()
		netrc := filepath.Join(home, ".netrc")
		if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)), 0o600); err != nil {
			t.Fatal(err)
		}
		env := []string{"HOME=" + home, "NETRC=" + netrc, "MAILHOST="}
		return run(t, env, "movemail.scm", append([]string{"--jobs", jobs, "--pairs"}, args...)...), dests
	}
	r, dests := try("3", 20*time.Second)
	if r.status != 0 {
		t.Fatalf("--jobs 3: status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
	for k, d := range dests {
		if n := len(maildirMessages(t, d)); n != 2 {
			t.Errorf("account %d: %d messages moved, want 2", k, n)
		}
	}
	r, _ = try("1", time.Second)
	if r.status != 1 || !strings.Contains(r.stderr, "never logged in") && !strings.Contains(r.stderr, "maildrop") {
		t.Errorf("--jobs 1 against servers that need all three at once: status %d\nstdout %s\nstderr %s", r.status, r.stdout, r.stderr)
	}
}
