package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/pop3test"
)

// dovecotEnv is a private-user Dovecot maildrop with n generated messages
// and the environment to reach it (STLS verified against the test CA).
func dovecotEnv(t *testing.T, n int) (*pop3test.DovecotUser, []string, []string) {
	t.Helper()
	libraryReady(t)
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	msgs := genMessages(n)
	for _, m := range msgs {
		if err := u.AddMessage([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	ca := filepath.Join(home, "ca.pem")
	os.WriteFile(ca, d.CAPEM, 0o600)
	netrc := filepath.Join(home, ".netrc")
	host, port, _ := strings.Cut(d.Addr, ":")
	os.WriteFile(netrc, []byte(fmt.Sprintf("machine localhost login %s password \"%s\"\n", u.Name, u.Password)), 0o600)
	_ = host
	env := []string{"HOME=" + home, "NETRC=" + netrc, "SSL_CERT_FILE=" + ca, "MAILHOST=localhost:" + port}
	return u, env, msgs
}

func dovecotCount(t *testing.T, u *pop3test.DovecotUser) int {
	t.Helper()
	files, err := u.Files()
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

// TestMovemailDovecot moves a Dovecot maildrop over STLS (certificate
// verified) into a Maildir, --keep first, then for real.
func TestMovemailDovecot(t *testing.T) {
	u, env, msgs := dovecotEnv(t, 30)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, env, "movemail.scm", "--keep", dest)
	if r.status != 0 || !strings.Contains(r.stdout, "movemail: 30 messages") {
		t.Fatalf("--keep: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, env, "movemail.scm", dest)
	if r.status != 0 || !strings.Contains(r.stdout, "movemail: 0 messages") || !strings.Contains(r.stdout, "30 stored by an earlier run deleted") {
		t.Fatalf("move: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if n := dovecotCount(t, u); n != 0 {
		t.Errorf("Dovecot still holds %d messages", n)
	}
	got := maildirMessages(t, dest)
	want := map[string]bool{}
	for _, m := range msgs {
		want[canon(m)] = true
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("stored message differs from every original: %.80q", g)
		}
		delete(want, g)
	}
	if len(want) != 0 || len(got) != 30 {
		t.Errorf("%d stored, %d originals missing", len(got), len(want))
	}
}

// dovecotKill is a moment to kill movemail at, seen from the destination.
type dovecotKill struct {
	name, kind string
	ready      func(dest, state string) bool
}

func dirCount(dir string) int {
	ents, _ := os.ReadDir(dir)
	return len(ents)
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

var dovecotKills = []dovecotKill{
	{"maildir/first-tmp-file", "maildir", func(d, s string) bool { return dirCount(filepath.Join(d, "tmp")) > 0 }},
	{"maildir/first-published", "maildir", func(d, s string) bool { return dirCount(filepath.Join(d, "new")) > 0 }},
	{"maildir/half-published", "maildir", func(d, s string) bool { return dirCount(filepath.Join(d, "new")) >= 100 }},
	{"maildir/committed", "maildir", func(d, s string) bool { return fileSize(s) > 100 }},
	{"mbox/appending", "mbox", func(d, s string) bool { return fileSize(d) > 0 }},
	{"mbox/half", "mbox", func(d, s string) bool { return fileSize(d) > 200000 }},
	{"mbox/committed", "mbox", func(d, s string) bool { return fileSize(s) > 100 }},
}

// TestMovemailDovecotKilled kills movemail at several moments of a run
// against Dovecot (into an mbox and a Maildir: writing the first file,
// after the first rename into new/, half-way, after the commit), and
// checks after each kill, and after a clean rerun, that no message is
// lost, truncated or stored twice.
func TestMovemailDovecotKilled(t *testing.T) {
	for _, kp := range dovecotKills {
		kind := kp.kind
		{
			t.Run(kp.name, func(t *testing.T) {
				u, env, msgs := dovecotEnv(t, 200)
				dir := t.TempDir()
				dest := destIn(dir, kind)
				state := filepath.Join(dir, "state")
				cmd := script(env, "movemail.scm", "--state", state, dest)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan struct{})
				go func() { cmd.Wait(); close(exited) }()
				deadline := time.Now().Add(20 * time.Second)
			poll:
				for !kp.ready(dest, state) && time.Now().Before(deadline) {
					select {
					case <-exited:
						break poll
					default:
						time.Sleep(200 * time.Microsecond)
					}
				}
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				check := func(stage string) int {
					got := committed(t, kind, dest, state)
					on := dovecotCount(t, u)
					seen := map[string]int{}
					for _, g := range got {
						seen[g]++
					}
					orig := map[string]bool{}
					for _, m := range msgs {
						orig[canon(m)] = true
					}
					for g, c := range seen {
						if !orig[g] {
							t.Errorf("%s: a stored message is not an original (truncated?): %.80q", stage, g)
						}
						if c > 1 {
							t.Errorf("%s: a message is stored %d times", stage, c)
						}
					}
					// Dovecot deletes at QUIT all or nothing: either every
					// message is still there, or every one is stored.
					if on != len(msgs) && len(got) != len(msgs) {
						t.Errorf("%s: %d on the server and %d stored of %d: lost mail", stage, on, len(got), len(msgs))
					}
					return len(got)
				}
				n := check("after the kill")
				t.Logf("killed at %s: %d of %d stored, %d on the server", kp.name, n, len(msgs), dovecotCount(t, u))
				var r result
				for i := 0; i < 20; i++ {
					r = run(t, env, "movemail.scm", "--state", state, dest)
					if r.status == 0 || !strings.Contains(r.stderr, "IN-USE") {
						break
					}
					time.Sleep(250 * time.Millisecond)
				}
				if r.status != 0 {
					t.Fatalf("rerun: %d %q", r.status, r.stderr)
				}
				if check("after the rerun") != len(msgs) || dovecotCount(t, u) != 0 {
					t.Errorf("rerun did not finish the move")
				}
			})
		}
	}
}

// TestScriptsDovecotTLS runs the three scripts against Dovecot's
// implicit-TLS port (pops://, certificate verified against the test CA)
// and its STLS port.
func TestScriptsDovecotTLS(t *testing.T) {
	u, env, _ := dovecotEnv(t, 4)
	d := pop3test.StartDovecot(t)
	_, tlsPort, _ := strings.Cut(d.TLSAddr, ":")
	_, plainPort, _ := strings.Cut(d.Addr, ":")
	r := run(t, env, "popstat.scm", "pops://localhost:"+tlsPort, "localhost:"+plainPort)
	if r.status != 0 || strings.Count(r.stdout, ": 4 messages") != 2 || strings.Contains(r.stdout, "no TLS") {
		t.Errorf("popstat: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, env, "pop-headers.scm", "pops://localhost:"+tlsPort)
	if r.status != 0 || strings.Count(r.stdout, "\n") != 4 || !strings.Contains(r.stdout, "Sender 3") {
		t.Errorf("pop-headers: %d %q %q", r.status, r.stdout, r.stderr)
	}
	dest := filepath.Join(t.TempDir(), "mbox")
	r = run(t, env, "movemail.scm", "pops://"+u.Name+"@localhost:"+tlsPort, dest)
	if r.status != 0 || len(mboxMessages(t, dest)) != 4 || dovecotCount(t, u) != 0 {
		t.Errorf("movemail pops://: %d %q %q", r.status, r.stdout, r.stderr)
	}
	// Without the CA the certificate is refused and nothing moves.
	noCA := append(append([]string(nil), env...), "SSL_CERT_FILE=/dev/null")
	r = run(t, noCA, "popstat.scm", "pops://localhost:"+tlsPort)
	if r.status != 1 || !strings.Contains(r.stdout, "certificate") {
		t.Errorf("unverified certificate accepted: %d %q %q", r.status, r.stdout, r.stderr)
	}
}
