package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// TestMovemailStoppedBySignal: SIGTERM, SIGHUP or Ctrl-C's SIGINT in the
// middle of the appends (one account, or two in threads of their own
// into one mbox). The run stops at once and puts its mailbox in order
// before the process ends: what it appended is committed and recorded,
// nothing partial stays in the mbox, its dot-lock and journal are gone
// (delivery agents waiting for the mbox are not held up by a stale
// lock); nothing is deleted on the server; the status is 128 + the
// signal. The next run moves the rest, every message once.
func TestMovemailStoppedBySignal(t *testing.T) {
	for _, c := range []struct {
		sig     syscall.Signal
		sources int
	}{{syscall.SIGTERM, 1}, {syscall.SIGHUP, 1}, {syscall.SIGINT, 1}, {syscall.SIGTERM, 2}} {
		t.Run(fmt.Sprintf("%s/%d", c.sig, c.sources), func(t *testing.T) {
			t.Parallel()
			// Each RETR answered after a pause: the appends take a while.
			u := newTwoUsers(t, 30, 30, server.Faults{Rules: []server.Fault{{Command: "RETR", Delay: 10 * time.Millisecond}}})
			mbox, state := filepath.Join(u.dir, "M"), filepath.Join(u.dir, "SC")
			users := []string{"carol"}
			args := u.args("carol", state, mbox)
			if c.sources == 2 {
				// Each account's password from its own host name's entry.
				users = append(users, "alice")
				_, port, _ := strings.Cut(u.srv.Addr().String(), ":")
				netrc := filepath.Join(u.dir, "both.netrc")
				os.WriteFile(netrc, []byte("machine 127.0.0.1 login carol password pw-carol\nmachine localhost login alice password pw-alice\n"), 0o600)
				args = []string{"--netrc", netrc, "pop://carol@127.0.0.1:" + port, "pop://alice@localhost:" + port, mbox}
				state = filepath.Join(u.dir, ".popsh", "movemail", "carol@127.0.0.1:"+port)
			}
			cmd, done := startRun(t, u.env, args)
			for deadline := time.Now().Add(2 * time.Minute); readAppendState(state, mbox).listed < 2; {
				select {
				case r := <-done:
					t.Fatalf("the run ended before its second append: %d %s", r.status, r.stderr)
				default:
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("no append in 2 minutes")
				}
				time.Sleep(time.Millisecond) // polling files: nothing to wait on
			}
			cmd.Process.Signal(c.sig)
			r := <-done
			if r.status != 128+int(c.sig) {
				t.Errorf("status %d, want %d\n%s", r.status, 128+int(c.sig), r.stderr)
			}
			stopped := regexp.MustCompile(`movemail: (carol@127\.0\.0\.1:\d+: )?stopped: (\d+) messages? stored in .*, nothing deleted on the server`).FindStringSubmatch(r.stderr)
			if stopped == nil {
				t.Fatalf("no word of the stop: %q", r.stderr)
			}
			for _, f := range []string{mbox + ".lock", state + ".journal", state + ".spool"} {
				if _, err := os.Stat(f); err == nil {
					t.Errorf("%s left behind", f)
				}
			}
			got := mboxMessages(t, mbox) // fails on a partial message
			n, _ := strconv.Atoi(stopped[2])
			if tl := u.count(got, users...); n == 0 || tl.stored != len(got) || tl.stored < n || tl.lost+tl.dup+tl.corrupt+tl.kept != 0 {
				t.Errorf("%d stored according to the run; the mbox: %+v", n, tl)
			}
			// Nothing of the stopped run deleted (alice's run, in the
			// other thread, may have ended before the signal).
			if on := u.be.Count("carol"); on != 30 {
				t.Errorf("%d of carol's messages left on the server, want 30", on)
			}
			if r := run(t, u.env, "movemail.scm", args...); r.status != 0 {
				t.Fatalf("rerun: %d %s", r.status, r.stderr)
			}
			got = mboxMessages(t, mbox)
			if tl := u.count(got, users...); tl.stored != 30*len(users) || tl.lost+tl.dup+tl.corrupt != 0 {
				t.Errorf("after the rerun: %+v", tl)
			}
		})
	}
}
