package scripts

// Races and kills around movemail's state: a UIDL the server gives again
// to a new message, temporary files of a killed run, odd host names, a
// second writer that ignores the mbox's locks. Each test counts the
// messages: none lost, none stored twice, nothing deleted on the server
// that is not stored.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
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

// movedOnce checks that each of msgs is in dest once and none is left
// on the server.
func movedOnce(t *testing.T, e *srvEnv, kind, dest string, msgs []string) {
	t.Helper()
	for i, c := range tallyByText(t, stored(t, kind, dest), msgs) {
		if c != 1 {
			t.Errorf("message %d stored %d times", i+1, c)
		}
	}
	if c := e.be.Count(testUser); c != 0 {
		t.Errorf("%d messages left on the server", c)
	}
}

// kindEnv is a server holding n messages (msgs) and a destination of
// kind ("maildir" or "mbox") in the directory dir, with its state file
// in sdir: dest and state.
func kindEnv(t *testing.T, kind string, n int) (e *srvEnv, msgs []string, dir, sdir, dest, state string) {
	t.Helper()
	e = newSrv(t, server.Faults{})
	msgs = genMessages(n)
	e.add(msgs...)
	dir, sdir = t.TempDir(), t.TempDir()
	dest = filepath.Join(dir, "Mail") + "/"
	if kind == "mbox" {
		dest = filepath.Join(dir, "mbox")
	}
	return e, msgs, dir, sdir, dest, filepath.Join(sdir, "S")
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

// withHostname makes cmd run with the host name h: in a UTS namespace of
// its own (which takes root), where the child sets it.
func withHostname(t *testing.T, cmd *exec.Cmd, h string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("setting a host name in a new UTS namespace takes root")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS}
	cmd.Env = append(cmd.Env, "POPSH_TEST_HOSTNAME="+h)
}

// TestMovemailOddHostName: movemail on a host whose name holds spaces, a
// tab, a colon and a slash, into a Maildir, killed in the middle of its
// second batch (the first batch's 256 messages are in new/, listed in
// the journal, not yet in the state file). The rerun records them from
// the journal: every message is in the Maildir once, none left on the
// server, nothing in tmp/.
func TestMovemailOddHostName(t *testing.T) {
	libraryReady(t)
	const n = 270
	e := newSrv(t, server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 260, StallAfter: 100, StallFor: time.Second}}})
	msgs := genMessages(n)
	e.add(msgs...)
	dir := t.TempDir()
	md, state := filepath.Join(dir, "Mail")+"/", filepath.Join(dir, "state")
	args := []string{"--state", state, md}
	const host = "my host\tname:x/y"
	cmd := script(e.env, "movemail.scm", args...)
	withHostname(t, cmd, host)
	var se bytes.Buffer
	cmd.Stderr = &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.waitFor("RETR 260", 30*time.Second)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if ents, _ := os.ReadDir(filepath.Join(md, "new")); len(ents) < 256 {
		t.Fatalf("killed with %d messages in new/, want the first batch's 256: %s", len(ents), se.String())
	}
	e.srv.SetFaults(server.Faults{})
	var so bytes.Buffer
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		re := script(e.env, "movemail.scm", args...)
		withHostname(t, re, host)
		so.Reset()
		se.Reset()
		re.Stdout, re.Stderr = &so, &se
		err := re.Run()
		if err == nil {
			break
		}
		if !strings.Contains(se.String(), "IN-USE") || time.Now().After(deadline) {
			t.Fatalf("rerun: %v %s", err, se.String())
		}
	}
	count := tallyByText(t, maildirMessages(t, md), msgs)
	bad := 0
	for i, c := range count {
		if c != 1 {
			bad++
			if bad < 5 {
				t.Errorf("message %d is in the Maildir %d times", i+1, c)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d messages not stored exactly once; rerun said %q", bad, n, so.String())
	}
	if c := e.be.Count(testUser); c != 0 {
		t.Errorf("%d messages left on the server", c)
	}
	if ents, _ := os.ReadDir(filepath.Join(md, "tmp")); len(ents) != 0 {
		t.Errorf("%d files left in tmp/", len(ents))
	}
}

// rogueAppend appends msg to the mbox as a program that ignores the
// locks does: no dot-lock, no fcntl lock, O_APPEND.
func rogueAppend(t *testing.T, path, msg string) { appendAs(t, path, "rogue@example.org", msg, false) }

// TestMovemailRogueWriter: while movemail holds the mbox's locks and
// appends (the server stalls in the middle of message k), a program that
// ignores the locks appends a message. movemail appends after it (at the
// file's real end) instead of over it: the other program's message is
// intact, once, and every message of carol's once, none on the server.
func TestMovemailRogueWriter(t *testing.T) {
	n := max(trials(t)/4, 3)
	for trial := range n {
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(trial), 7))
			carol := 6 + rng.IntN(10)
			k := 2 + rng.IntN(carol-1)
			u := newTwoUsers(t, carol, 0, server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: k, StallAfter: 200, StallFor: 1500 * time.Millisecond}}})
			dir := t.TempDir()
			mbox, state := filepath.Join(dir, "M"), filepath.Join(dir, "S")
			_, done := startRun(t, u.env, u.args("carol", state, mbox))
			// Wait until messages 1..k-1 are appended (the run then waits
			// for message k), and write behind its back.
			deadline := time.Now().Add(30 * time.Second)
			for readAppendState(state, mbox).listed < k-1 || !readAppendState(state, mbox).between() {
				if time.Now().After(deadline) {
					t.Fatalf("the run did not append %d messages: %v", k-1, readAppendState(state, mbox))
				}
				time.Sleep(time.Millisecond)
			}
			rogue := fmt.Sprintf("From: rogue@example.org\nSubject: written behind the locks %d\n\nI ignore dot-locks and fcntl locks.\n", trial)
			rogueAppend(t, mbox, rogue)
			r := <-done
			if r.status != 0 {
				t.Fatalf("run: %d %s", r.status, r.stderr)
			}
			got := mboxMessages(t, mbox)
			if c := strings.Count(strings.Join(got, "\x00"), "Subject: written behind the locks"); c != 1 || !contains(got, canon(rogue)) {
				t.Errorf("the other program's message is there %d times (intact: %v); mbox: %s", c, contains(got, canon(rogue)), layout(got))
			}
			var carols []string
			for _, m := range got {
				if m != canon(rogue) {
					carols = append(carols, m)
				}
			}
			tl := u.count(carols, "carol")
			if tl.lost+tl.dup+tl.corrupt+tl.kept != 0 || tl.stored != carol || u.be.Count("carol") != 0 {
				t.Errorf("written behind the locks before message %d of %d: %+v, %d on the server; mbox: %s", k, carol, tl, u.be.Count("carol"), layout(got))
			}
		})
	}
}

// TestMovemailFullDiskRogueWriter: the mbox fills up (RLIMIT_FSIZE) a few
// messages after a program that ignores the locks appended behind the
// run's back: the message that does not fit is undone without cutting
// the other program's message, the run fails (status 1) deleting
// nothing it did not store; the rerun, with room, stores the rest. The
// other program's message is there once, whole; carol's each once.
func TestMovemailFullDiskRogueWriter(t *testing.T) {
	libraryReady(t)
	const carol, k = 12, 3
	u := newTwoUsers(t, carol, 0, server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: k, StallAfter: 200, StallFor: 1500 * time.Millisecond}}})
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "M"), filepath.Join(dir, "S")
	env := append(append([]string(nil), u.env...), "POPSH_TEST_FSIZE=9000")
	_, done := startRun(t, env, u.args("carol", state, mbox))
	deadline := time.Now().Add(30 * time.Second)
	for a := readAppendState(state, mbox); a.listed < k-1 || !a.between(); a = readAppendState(state, mbox) {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not append %d messages: %v", k-1, a)
		}
		time.Sleep(time.Millisecond)
	}
	rogue := "From: rogue@example.org\nSubject: written behind the locks\n\nI ignore dot-locks and fcntl locks.\n"
	rogueAppend(t, mbox, rogue)
	r := <-done
	if r.status != 1 || !strings.Contains(r.stderr, "file too large") {
		t.Fatalf("the run on a full disk: status %d, %s", r.status, r.stderr)
	}
	check := func(when string) int {
		got := mboxMessages(t, mbox)
		var carols []string
		for _, m := range got {
			if m != canon(rogue) {
				carols = append(carols, m)
			}
		}
		if len(got)-len(carols) != 1 {
			t.Errorf("%s: the other program's message is there %d times, whole; mbox: %s", when, len(got)-len(carols), layout(got))
		}
		tl := u.count(carols, "carol")
		if tl.lost+tl.dup+tl.corrupt+tl.kept != 0 {
			t.Errorf("%s: %+v; mbox: %s", when, tl, layout(got))
		}
		return tl.stored
	}
	// A failed run deletes nothing (the next run deletes what is stored).
	if n := check("after the full disk"); n >= carol || u.be.Count("carol") != carol {
		t.Errorf("after the full disk: %d stored, %d on the server", n, u.be.Count("carol"))
	}
	if r := run(t, u.env, "movemail.scm", u.args("carol", state, mbox)...); r.status != 0 {
		t.Fatalf("rerun: %d %s", r.status, r.stderr)
	}
	if n := check("after the rerun"); n != carol || u.be.Count("carol") != 0 {
		t.Errorf("after the rerun: %d stored, %d on the server", n, u.be.Count("carol"))
	}
}

// TestMovemailRemovesKilledRunsTemps: what a run killed while it
// replaced its state file (or wrote a repair record, or after its
// commit) leaves beside the state file is removed by the next run, which
// moves the mail as usual; a file that only looks alike is kept.
func TestMovemailRemovesKilledRunsTemps(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e, msgs, _, sdir, dest, state := kindEnv(t, kind, 5)
			for _, name := range []string{".S.tmp2840012345", ".S.move.tmp77", "S.spool", ".S.tmp-mine"} {
				os.WriteFile(filepath.Join(sdir, name), []byte("popsh-uidls 3\n"), 0o600)
			}
			r := run(t, e.env, "movemail.scm", "--state", state, dest)
			if r.status != 0 {
				t.Fatalf("run: %d %s", r.status, r.stderr)
			}
			movedOnce(t, e, kind, dest, msgs)
			if left := leftovers(t, sdir, "S", "S.lock"); len(left) != 1 || left[0] != ".S.tmp-mine" {
				t.Errorf("beside the state file: %v, want only .S.tmp-mine", left)
			}
		})
	}
}

// TestMovemailKilledAtRandom SIGKILLs movemail again and again at random
// moments (taking its locks, replaying a journal, fetching, replacing the
// state file, deleting), checking each time that every message is on
// the server or whole in the mailbox; then a run to the end. Every
// message is then in the mailbox once, none on the server, and nothing
// is left beside the state file or the mbox but the files that belong
// there (no temporary state file, spool, journal, dot-lock or temporary
// lock file).
func TestMovemailKilledAtRandom(t *testing.T) {
	n := max(trials(t)/5, 2)
	for _, kind := range []string{"maildir", "mbox"} {
		for trial := range n {
			t.Run(fmt.Sprintf("%s/%d", kind, trial), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(trial), 11))
				e, msgs, dir, sdir, dest, state := kindEnv(t, kind, 60)
				args := []string{"--state", state, dest}
				for kill := 0; kill < 12; kill++ {
					cmd := script(e.env, "movemail.scm", args...)
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
					cmd.Process.Signal(syscall.SIGKILL)
					cmd.Wait()
					e.checkNothingLost(committed(t, kind, dest, state), false)
				}
				if r := rerun(t, e, args); r.status != 0 {
					t.Fatalf("last run: %d %s", r.status, r.stderr)
				}
				movedOnce(t, e, kind, dest, msgs)
				if left := leftovers(t, sdir, "S", "S.lock"); len(left) != 0 {
					t.Errorf("left beside the state file: %v", left)
				}
				if kind == "mbox" {
					if left := leftovers(t, dir, "mbox"); len(left) != 0 {
						t.Errorf("left beside the mbox: %v", left)
					}
				} else if left := leftovers(t, filepath.Join(dest, "tmp")); len(left) != 0 {
					t.Errorf("left in tmp/: %v", left)
				}
			})
		}
	}
}

// TestMovemailSameAccountTwice: one movemail given the same account twice
// (two threads of one process, one state file, a server that lets both
// sessions in, as Dovecot does). The threads take turns as two processes
// do: every message is stored once, none left on the server.
func TestMovemailSameAccountTwice(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		for trial := range max(trials(t)/4, 3) {
			t.Run(fmt.Sprintf("%s/%d", kind, trial), func(t *testing.T) {
				t.Parallel()
				u := newTwoUsers(t, 40+trial, 0, server.Faults{})
				dest := filepath.Join(u.dir, "M")
				if kind == "maildir" {
					dest += "/"
				}
				src := "pop://carol@" + u.srv.Addr().String()
				r := run(t, u.env, "movemail.scm", "--netrc", filepath.Join(u.dir, "carol.netrc"), "--wait", "30", src, src, dest)
				if r.status != 0 {
					t.Errorf("status %d: %s%s", r.status, r.stdout, r.stderr)
				}
				got := mailboxMessages(t, dest)
				if tl := u.count(got, "carol"); tl.lost+tl.dup+tl.corrupt != 0 || u.be.Count("carol") != 0 {
					t.Errorf("%+v, %d on the server", tl, u.be.Count("carol"))
				}
			})
		}
	}
}

// smallTmpfs mounts a tmpfs of size bytes for the test (which takes
// root), unmounted at its end; grow gives it more room.
func smallTmpfs(t *testing.T, size int) (dir string, grow func(size int)) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs takes root")
	}
	dir = t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir, func(size int) {
		if out, err := exec.Command("mount", "-o", fmt.Sprintf("remount,size=%d", size), dir).CombinedOutput(); err != nil {
			t.Fatalf("remount: %v %s", err, out)
		}
	}
}

// TestMovemailDiskFull: the mailbox and the state file on a small tmpfs
// that fills up during the run (ENOSPC for the messages, the spool, the
// journal and the state file alike). The run fails (status 1), nothing
// is deleted on the server, and every message is on the server or whole
// in the mailbox; once there is room, the next run moves the rest: each
// message once, nothing left behind.
func TestMovemailDiskFull(t *testing.T) {
	libraryReady(t)
	for _, kind := range []string{"maildir", "mbox"} {
		for _, size := range []int{48 << 10, 64 << 10, 80 << 10} {
			t.Run(fmt.Sprintf("%s/%dK", kind, size>>10), func(t *testing.T) {
				dir, grow := smallTmpfs(t, size)
				e := newSrv(t, server.Faults{})
				msgs := genMessages(120) // about 190 KB
				e.add(msgs...)
				dest := filepath.Join(dir, "Mail") + "/"
				if kind == "mbox" {
					dest = filepath.Join(dir, "mbox")
				}
				args := []string{"--state", filepath.Join(dir, "state"), dest}
				r := run(t, e.env, "movemail.scm", args...)
				t.Logf("full disk: %s", r.stderr)
				if r.status != 1 || !strings.Contains(r.stderr, "no space left") {
					t.Fatalf("full disk: status %d %s", r.status, r.stderr)
				}
				if n := e.be.Count(testUser); n != len(msgs) {
					t.Errorf("the failed run left %d of %d messages on the server", n, len(msgs))
				}
				e.checkNothingLost(committed(t, kind, dest, filepath.Join(dir, "state")), false)
				grow(4 << 20)
				if r := rerun(t, e, args); r.status != 0 {
					t.Fatalf("rerun: %d %s", r.status, r.stderr)
				}
				movedOnce(t, e, kind, dest, msgs)
				keep := []string{"state", "state.lock", "mbox", "Mail"}
				if left := leftovers(t, dir, keep...); len(left) != 0 {
					t.Errorf("left behind: %v", left)
				}
				if kind == "maildir" {
					if left := leftovers(t, filepath.Join(dest, "tmp")); len(left) != 0 {
						t.Errorf("left in tmp/: %v", left)
					}
				}
			})
		}
	}
}

// TestMovemailMaildirAndMboxOneState: one account, one state file, two
// destinations (a Maildir and an mbox). Two runs at once take turns:
// each message ends in one of the two, once. A run into the Maildir
// SIGKILLed in its second batch, then a run into the mbox: the mbox run
// first settles the Maildir's journal (under the run lock), then moves
// everything into the mbox (the state is per destination: what the
// killed run stored stays in the Maildir too); a last run into the
// Maildir finds nothing to fetch and empties its tmp/. No message lost,
// none twice in one mailbox, none on the server.
func TestMovemailMaildirAndMboxOneState(t *testing.T) {
	t.Run("at-once", func(t *testing.T) {
		for trial := range max(trials(t)/4, 3) {
			u := newTwoUsers(t, 50, 0, server.Faults{})
			md, mbox, state := filepath.Join(u.dir, "MD")+"/", filepath.Join(u.dir, "MB"), filepath.Join(u.dir, "S")
			_, c1 := startRun(t, u.env, u.args("carol", state, md, "--wait", "30"))
			_, c2 := startRun(t, u.env, u.args("carol", state, mbox, "--wait", "30"))
			for _, r := range []result{<-c1, <-c2} {
				if r.status != 0 {
					t.Errorf("trial %d: run: %d %s", trial, r.status, r.stderr)
				}
			}
			both := append(mailboxMessages(t, md), mailboxMessages(t, mbox)...)
			if tl := u.count(both, "carol"); tl.lost+tl.dup+tl.corrupt != 0 || tl.stored != 50 || u.be.Count("carol") != 0 {
				t.Errorf("trial %d: %+v, %d on the server", trial, tl, u.be.Count("carol"))
			}
		}
	})
	t.Run("killed-maildir-then-mbox", func(t *testing.T) {
		const n = 270
		u := newTwoUsers(t, n, 0, server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 262, StallAfter: 100, StallFor: time.Hour}}})
		md, mbox, state := filepath.Join(u.dir, "MD")+"/", filepath.Join(u.dir, "MB"), filepath.Join(u.dir, "S")
		cmd, done := startRun(t, u.env, u.args("carol", state, md))
		deadline := time.Now().Add(30 * time.Second)
		for {
			j, _ := os.ReadFile(state + ".journal")
			if strings.Count(string(j), "\ni ") >= 256 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the Maildir run did not journal its first batch: %d lines", strings.Count(string(j), "\n"))
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // the renames into new/
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		u.srv.SetFaults(server.Faults{})
		r := run(t, u.env, "movemail.scm", u.args("carol", state, mbox)...)
		if r.status != 0 {
			t.Fatalf("mbox run: %d %s", r.status, r.stderr)
		}
		if _, err := os.Stat(state + ".journal"); err == nil {
			t.Error("the Maildir run's journal is still there")
		}
		r = run(t, u.env, "movemail.scm", u.args("carol", state, md)...)
		if r.status != 0 || !strings.Contains(r.stdout, " 0 messages") {
			t.Errorf("last Maildir run: %d %q %q", r.status, r.stdout, r.stderr)
		}
		inMD, inMB := mailboxMessages(t, md), mailboxMessages(t, mbox)
		tmd, tmb := u.count(inMD, "carol"), u.count(inMB, "carol")
		if tmd.dup+tmd.corrupt+tmb.dup+tmb.corrupt+tmb.lost != 0 || tmb.stored != n || tmd.stored < 256 || u.be.Count("carol") != 0 {
			t.Errorf("Maildir %+v, mbox %+v, %d on the server", tmd, tmb, u.be.Count("carol"))
		}
		if left := leftovers(t, filepath.Join(md, "tmp")); len(left) != 0 {
			t.Errorf("left in the Maildir's tmp/: %v", left)
		}
	})
}

// TestMovemailKilledWaitingForLock: while another program holds the
// mbox's fcntl lock, two runs (carol's and alice's) wait for the locks:
// one holds the dot-lock and waits for the fcntl lock, the other waits
// for the dot-lock. Both are SIGKILLed there, the lock is let go, and
// both run again: the dead run's dot-lock (and any temporary lock file)
// is broken and removed, the mail moved, each message once, and nothing
// but the mbox is left beside it.
func TestMovemailKilledWaitingForLock(t *testing.T) {
	for trial := range max(trials(t)/5, 2) {
		rng := rand.New(rand.NewPCG(uint64(trial), 13))
		u := newTwoUsers(t, 10, 10, server.Faults{})
		dir := t.TempDir()
		mbox := filepath.Join(dir, "mbox")
		os.WriteFile(mbox, nil, 0o600)
		release := holdFcntlLock(t, mbox)
		var cmds []*exec.Cmd
		var dones []chan result
		for _, user := range []string{"carol", "alice"} {
			cmd, done := startRun(t, u.env, u.args(user, filepath.Join(dir, "S-"+user), mbox))
			cmds, dones = append(cmds, cmd), append(dones, done)
		}
		time.Sleep(time.Duration(300+rng.IntN(500)) * time.Millisecond)
		if _, err := os.Stat(mbox + ".lock"); err != nil {
			t.Errorf("trial %d: no run holds the dot-lock while waiting: %v", trial, err)
		}
		for i, cmd := range cmds {
			cmd.Process.Signal(syscall.SIGKILL)
			if r := <-dones[i]; r.status != -1 {
				t.Fatalf("trial %d: a run ended by itself while the lock was held: %d %s", trial, r.status, r.stderr)
			}
		}
		release()
		for _, user := range []string{"carol", "alice"} {
			if r := run(t, u.env, "movemail.scm", u.args(user, filepath.Join(dir, "S-"+user), mbox, "--lock-wait", "10")...); r.status != 0 {
				t.Fatalf("trial %d: %s's run after the kill: %d %s", trial, user, r.status, r.stderr)
			}
		}
		tl := u.count(mboxMessages(t, mbox), "carol", "alice")
		if tl.lost+tl.dup+tl.corrupt != 0 || tl.stored != 20 || u.be.Count("carol")+u.be.Count("alice") != 0 {
			t.Errorf("trial %d: %+v", trial, tl)
		}
		keep := []string{"mbox", "S-carol", "S-carol.lock", "S-alice", "S-alice.lock"}
		if left := leftovers(t, dir, keep...); len(left) != 0 {
			t.Errorf("trial %d: left behind: %v", trial, left)
		}
	}
}

// TestMovemailRogueWriterThenKilled: a program that ignores the locks
// appends while movemail waits for message k; movemail appends messages
// k and k+1 after it, and is SIGKILLed waiting for message k+2, before
// its commit. The rerun finds the killed run's messages at the offsets
// its journal gives (after the other program's) and records them: each
// of carol's messages once, the other program's once and whole.
func TestMovemailRogueWriterThenKilled(t *testing.T) {
	for trial := range max(trials(t)/5, 2) {
		rng := rand.New(rand.NewPCG(uint64(trial), 17))
		carol := 8 + rng.IntN(8)
		k := 2 + rng.IntN(carol-3)
		u := newTwoUsers(t, carol, 0, server.Faults{Rules: []server.Fault{
			{Command: "RETR", Nth: k, StallAfter: 200, StallFor: 1500 * time.Millisecond},
			{Command: "RETR", Nth: k + 2, StallAfter: 100, StallFor: time.Hour},
		}})
		dir := t.TempDir()
		mbox, state := filepath.Join(dir, "M"), filepath.Join(dir, "S")
		cmd, done := startRun(t, u.env, u.args("carol", state, mbox))
		waitListed := func(n int) {
			deadline := time.Now().Add(30 * time.Second)
			for a := readAppendState(state, mbox); a.listed < n || !a.between(); a = readAppendState(state, mbox) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("trial %d: the run did not append %d messages: %v", trial, n, a)
				}
				time.Sleep(time.Millisecond)
			}
		}
		waitListed(k - 1)
		rogue := fmt.Sprintf("From: rogue@example.org\nSubject: written behind the locks %d\n\nI ignore the locks.\n", trial)
		rogueAppend(t, mbox, rogue)
		waitListed(k + 1)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		u.srv.SetFaults(server.Faults{})
		r := run(t, u.env, "movemail.scm", u.args("carol", state, mbox)...)
		if r.status != 0 || r.stderr != "" {
			t.Fatalf("trial %d: rerun: %d %q", trial, r.status, r.stderr)
		}
		got := mboxMessages(t, mbox)
		var carols []string
		rogues := 0
		for _, m := range got {
			if m == canon(rogue) {
				rogues++
			} else {
				carols = append(carols, m)
			}
		}
		tl := u.count(carols, "carol")
		if rogues != 1 || tl.lost+tl.dup+tl.corrupt+tl.kept != 0 || tl.stored != carol || u.be.Count("carol") != 0 {
			t.Errorf("trial %d (k=%d): the other program's message %d times; %+v; mbox: %s", trial, k, rogues, tl, layout(got))
		}
	}
}

// TestMovemailPairsOneMboxTwoNames: one movemail, two accounts (--pairs),
// into one mbox under two names (the file and a symbolic link to it),
// fetched at once by two threads: they take turns, and every message of
// both accounts is in the mbox once, none on the server.
func TestMovemailPairsOneMboxTwoNames(t *testing.T) {
	for trial := range max(trials(t)/5, 2) {
		u := newTwoUsers(t, 30+trial, 30, server.Faults{})
		real, link := filepath.Join(u.dir, "mbox"), filepath.Join(u.dir, "inbox")
		os.WriteFile(real, nil, 0o600)
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		netrc := filepath.Join(u.dir, "both.netrc")
		os.WriteFile(netrc, []byte("machine 127.0.0.1 login carol password pw-carol\nmachine localhost login alice password pw-alice\n"), 0o600)
		port := u.srv.Addr().(*net.TCPAddr).Port
		r := run(t, u.env, "movemail.scm", "--netrc", netrc, "--pairs", fmt.Sprintf("pop://carol@127.0.0.1:%d", port), real, fmt.Sprintf("pop://alice@localhost:%d", port), link)
		if r.status != 0 {
			t.Fatalf("trial %d: %d %s%s", trial, r.status, r.stdout, r.stderr)
		}
		tl := u.count(mboxMessages(t, real), "carol", "alice")
		if tl.lost+tl.dup+tl.corrupt+tl.kept != 0 || tl.stored != 60+trial || u.be.Count("carol")+u.be.Count("alice") != 0 {
			t.Errorf("trial %d: %+v", trial, tl)
		}
	}
}
