package scripts

// Two writers on one mailbox: two runs of one account at once, a killed
// run followed by another account's run or by a local delivery agent,
// then the killed run again. Every trial counts the messages of the
// mailbox by Message-ID and byte content: none may be lost, stored twice
// or altered. Kill points are random (seeded by the trial number): the
// server stalls in the middle of a random message, and the run is killed
// once it has appended the messages before it.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// trials is the number of trials of each reproduction: 20, or
// POPSH_TRIALS.
func trials(t *testing.T) int {
	if s := os.Getenv("POPSH_TRIALS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("POPSH_TRIALS=%q", s)
		}
		return n
	}
	return 20
}

// twoUsers is a server (concurrent sessions of one user allowed, as
// Dovecot does) with carol's and alice's maildrops.
type twoUsers struct {
	t    *testing.T
	be   *server.MemoryBackend
	srv  *server.Server
	dir  string
	env  []string
	orig map[string]string // Message-ID → message as added
}

var msgIDRe = regexp.MustCompile(`(?im)^Message-ID: <([^>]+)>`)

func newTwoUsers(t *testing.T, carol, alice int, faults server.Faults) *twoUsers {
	t.Helper()
	libraryReady(t)
	u := &twoUsers{t: t, be: server.NewMemoryBackend(), dir: t.TempDir(), orig: map[string]string{}}
	for _, user := range []struct {
		name string
		n    int
	}{{"carol", carol}, {"alice", alice}} {
		u.be.AddUser(user.name, "pw-"+user.name)
		for i := 1; i <= user.n; i++ {
			m := userMessage(user.name, i)
			if _, err := u.be.AddMessage(user.name, []byte(m)); err != nil {
				t.Fatal(err)
			}
			u.orig[msgIDRe.FindStringSubmatch(m)[1]] = m
		}
		netrc := filepath.Join(u.dir, user.name+".netrc")
		os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password pw-%s\n", user.name, user.name)), 0o600)
	}
	u.srv = server.New(server.Options{Backend: u.be, Hostname: "test.invalid", Faults: faults, SharedMaildrops: true})
	if err := u.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.srv.Close() })
	u.env = []string{"HOME=" + u.dir, "NETRC=/nonexistent", "MAILHOST="}
	return u
}

// userMessage is message i of user: distinct, with lines that need
// mboxrd quoting and dot-stuffing, some without a final newline.
func userMessage(user string, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s-sender-%d@example.org\nTo: %s@example.org\nSubject: %s %d\nMessage-ID: <%s-%d@test>\n\n", user, i, user, user, i, user, i)
	for j := 0; j < 15+i%9; j++ {
		fmt.Fprintf(&b, "line %d of %s's message %d: %s\n", j, user, i, strings.Repeat("y", 50))
	}
	if i%3 == 0 {
		b.WriteString("From the quoting test\n>From already quoted\n.\n..two dots\n")
	}
	fmt.Fprintf(&b, "end of %s %d", user, i)
	if i%4 != 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// args are movemail's arguments for user's run into dest with state.
func (u *twoUsers) args(user, state, dest string, extra ...string) []string {
	a := append([]string{"--netrc", filepath.Join(u.dir, user+".netrc"), "-s", state}, extra...)
	return append(a, "pop://"+user+"@"+u.srv.Addr().String(), dest)
}

// tally counts the mailbox's messages against the originals of users:
// lost (neither stored nor on the server), stored twice, and altered.
// kept counts the unfinished copies a killed run left when another writer
// appended after them: a beginning of an original, kept as the issue of
// two writers demands (and reported by the next run), not a loss.
type tally struct{ stored, lost, dup, corrupt, kept int }

func (u *twoUsers) count(stored []string, users ...string) tally {
	var tl tally
	seen := map[string]int{}
	for _, m := range stored {
		id := ""
		if sm := msgIDRe.FindStringSubmatch(m); sm != nil {
			id = sm[1]
		}
		o, ok := u.orig[id]
		if !ok {
			if !strings.Contains(m, "local delivery") {
				tl.corrupt++
				u.t.Logf("not an original: %.100q", m)
			}
			continue
		}
		if c := canon(o); c != m {
			if part := strings.TrimRight(m, "\n"); len(part) < len(c) && strings.HasPrefix(c, part) {
				tl.kept++
				u.t.Logf("unfinished copy kept: %s", id)
				continue
			}
			tl.corrupt++
			u.t.Logf("altered %s: %.100q", id, m)
			continue // not a copy of it: if no intact one is anywhere, it is lost too
		}
		seen[id]++
	}
	// What is still on the server, by Message-ID.
	on := map[string]bool{}
	for _, user := range users {
		drop, _ := u.be.Open(user)
		for i := range drop.Messages() {
			r, _ := drop.Open(i)
			var b bytes.Buffer
			b.ReadFrom(r)
			r.Close()
			if sm := msgIDRe.FindStringSubmatch(b.String()); sm != nil {
				on[sm[1]] = true
			}
		}
		drop.Close()
	}
	for id := range u.orig {
		if !u.ofUser(id, users) {
			continue
		}
		switch c := seen[id]; {
		case c == 0 && !on[id]:
			tl.lost++
			u.t.Logf("lost: %s", id)
		case c > 1:
			tl.dup += c - 1
			u.t.Logf("stored %d times: %s", c, id)
		}
		tl.stored += min(seen[id], 1)
	}
	return tl
}

func (u *twoUsers) ofUser(id string, users []string) bool {
	for _, user := range users {
		if strings.HasPrefix(id, user+"-") {
			return true
		}
	}
	return false
}

func mailboxMessages(t *testing.T, dest string) []string {
	if strings.HasSuffix(dest, "/") {
		return maildirMessages(t, dest)
	}
	return mboxMessages(t, dest)
}

// startRun starts movemail; the channel gets its result.
func startRun(t *testing.T, env, args []string) (*exec.Cmd, chan result) {
	cmd := script(env, "movemail.scm", args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() {
		err := cmd.Wait()
		r := result{stdout: so.String(), stderr: se.String()}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.status = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				r.status = -1
			}
		}
		done <- r
	}()
	return cmd, done
}

// TestMovemailTwoRunsOneAccount: two runs of carol's account at once,
// into one mbox and into one Maildir, with one state file. One waits for
// the other (or, with --wait 0, gives up touching nothing); afterwards
// every message is in the mailbox exactly once and none on the server.
func TestMovemailTwoRunsOneAccount(t *testing.T) {
	n := trials(t)
	var mu sync.Mutex
	totals := map[string]*tally{}
	gaveUp := map[string]int{}
	for _, kind := range []string{"mbox", "maildir"} {
		for trial := range n {
			t.Run(fmt.Sprintf("%s/%d", kind, trial), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(uint64(trial), 1))
				u := newTwoUsers(t, 40+rng.IntN(40), 0, server.Faults{})
				dest := filepath.Join(u.dir, "M")
				if kind == "maildir" {
					dest += "/"
				}
				state := filepath.Join(u.dir, "S")
				wait := []string{"--wait", "20"}
				if trial%4 == 3 {
					wait = []string{"--wait", "0"}
				}
				_, c1 := startRun(t, u.env, u.args("carol", state, dest, wait...))
				_, c2 := startRun(t, u.env, u.args("carol", state, dest, wait...))
				r1, r2 := <-c1, <-c2
				gave := 0
				for _, r := range []result{r1, r2} {
					switch {
					case r.status == 0:
					case r.status == 1 && regexp.MustCompile(`movemail: another run for carol@127\.0\.0\.1:\d+ is in progress \(pid \d+\)`).MatchString(r.stderr):
						gave++
					default:
						t.Errorf("run: status %d\n%s%s", r.status, r.stdout, r.stderr)
					}
				}
				if r1.status != 0 && r2.status != 0 {
					t.Errorf("both runs failed")
				}
				tl := u.count(mailboxMessages(t, dest), "carol")
				if tl.lost+tl.dup+tl.corrupt != 0 || u.be.Count("carol") != 0 {
					t.Errorf("%+v, %d on the server", tl, u.be.Count("carol"))
				}
				mu.Lock()
				if totals[kind] == nil {
					totals[kind] = &tally{}
				}
				totals[kind].stored += tl.stored
				totals[kind].lost += tl.lost
				totals[kind].dup += tl.dup
				totals[kind].corrupt += tl.corrupt
				gaveUp[kind] += gave
				mu.Unlock()
			})
		}
	}
	t.Cleanup(func() {
		for k, tl := range totals {
			t.Logf("%s: %d trials, %d messages stored, %d lost, %d duplicated, %d corrupted; %d runs gave up waiting", k, n, tl.stored, tl.lost, tl.dup, tl.corrupt, gaveUp[k])
		}
	})
}

// appendState is what a run's journal and mbox show of its append: the
// messages the journal lists (complete lines only), where the last of
// them ends in the mbox (where the run began, when none is listed), and
// the mbox's size.
type appendState struct {
	header     bool // the journal's header is complete
	listed     int
	end, size  int64
	lastOff    int64 // the last listed message's offset and length
	lastLength int64
}

func (a appendState) String() string {
	if !a.header {
		return fmt.Sprintf("no journal yet, mbox %d bytes", a.size)
	}
	return fmt.Sprintf("%d messages listed in the journal, the last at %d (%d bytes), ending at %d; mbox %d bytes", a.listed, a.lastOff, a.lastLength, a.end, a.size)
}

// between reports whether the run is between two appends: every message
// the journal lists is in the mbox whole, and nothing after it.
func (a appendState) between() bool { return a.header && a.size == a.end }

func readAppendState(state, mbox string) appendState {
	var a appendState
	if st, err := os.Stat(mbox); err == nil {
		a.size = st.Size()
	}
	j, _ := os.ReadFile(state + ".journal")
	lines := strings.SplitAfter(string(j), "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[1], "mbox ") {
		return a
	}
	a.header = true
	fmt.Sscanf(lines[1], "mbox %d", &a.end)
	for _, l := range lines[4:] {
		f := strings.Fields(l)
		// m UIDL SIZE OFF LEN SHA256
		if !strings.HasSuffix(l, "\n") || len(f) != 6 || f[0] != "m" {
			continue // a line being written
		}
		fmt.Sscanf(f[3], "%d", &a.lastOff)
		fmt.Sscanf(f[4], "%d", &a.lastLength)
		a.listed++
		a.end = a.lastOff + a.lastLength
	}
	return a
}

// killCarol starts carol's run into dest with the server stalling in the
// middle of its reply to RETR k (a random k), and SIGKILLs the run once
// messages 1..k-1 are in the mbox whole: the journal lists k-1 messages
// and the file ends where the last of them ends. The run is then waiting
// for the rest of message k, which the server holds back until the test
// ends, so the kill lands between two appends, however slow the machine.
// (The journal lists a message before its bytes are copied: a kill as
// soon as it is listed may land inside the copy, and a kill inside a
// write can leave the file ending in the middle of a line; that case is
// TestMovemailKilledMidCopy's and mailstore's TestRecoverKeepsOtherWriter's.)
// It returns k.
func killCarol(t *testing.T, u *twoUsers, rng *rand.Rand, n int, state, dest string) int {
	t.Helper()
	k := 1 + rng.IntN(n)
	size := len(canon(userMessage("carol", k)))
	// The stall outlasts the test: closing the server ends it.
	stall := server.Fault{Command: "RETR", Nth: k, StallAfter: 1 + rng.IntN(size), StallFor: time.Hour}
	u.srv.SetFaults(server.Faults{Rules: []server.Fault{stall}})
	cmd, done := startRun(t, u.env, u.args("carol", state, dest))
	// A bound for a run that never gets there (a hang, not slowness: a
	// loaded machine takes seconds).
	deadline := time.Now().Add(2 * time.Minute)
	var a appendState
	for {
		a = readAppendState(state, dest)
		if a.listed > k-1 {
			cmd.Process.Signal(syscall.SIGKILL)
			t.Fatalf("carol's run went past message %d, where the server stalls: %v", k, a)
		}
		if a.listed == k-1 && a.between() {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("carol's run ended before messages 1..%d were appended: status %d, %v\n%s", k-1, r.status, a, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Signal(syscall.SIGKILL)
			t.Fatalf("carol's run did not append messages 1..%d in 2 minutes: %v", k-1, a)
		}
		time.Sleep(time.Millisecond) // polling files: nothing to wait on
	}
	cmd.Process.Signal(syscall.SIGKILL)
	if r := <-done; r.status != -1 {
		t.Fatalf("carol's run was not killed: %d %s", r.status, r.stderr)
	}
	if after := readAppendState(state, dest); after != a {
		t.Fatalf("carol's run appended while it should wait for message %d: %v, then at the kill %v", k, a, after)
	}
	u.srv.SetFaults(server.Faults{})
	return k
}

// killBetweenAppends SIGKILLs the run cmd (done gives its result) once
// the journal lists at least k messages, at a moment when the run is
// between two appends: it is stopped (SIGSTOP, which lets a write in
// progress finish, where SIGKILL may cut it short), looked at, and
// killed if every listed message is in the mbox whole, else let go on
// and looked at again. It returns the state at the kill, and true if the
// run ended by itself first (its result taken).
func killBetweenAppends(t *testing.T, cmd *exec.Cmd, done chan result, state, mbox string, k int) (appendState, bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for tries := 0; ; tries++ {
		select {
		case <-done:
			return readAppendState(state, mbox), true
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			t.Fatalf("the run listed %d of %d messages in 2 minutes (%d looks)", readAppendState(state, mbox).listed, k, tries)
		}
		if a := readAppendState(state, mbox); a.listed < k {
			time.Sleep(200 * time.Microsecond) // polling files: nothing to wait on
			continue
		}
		cmd.Process.Signal(syscall.SIGSTOP)
		for !processStopped(cmd.Process.Pid) {
			select {
			case <-done:
				return readAppendState(state, mbox), true
			default:
				time.Sleep(100 * time.Microsecond)
			}
		}
		if a := readAppendState(state, mbox); a.between() {
			cmd.Process.Signal(syscall.SIGKILL)
			if r := <-done; r.status != -1 {
				t.Fatalf("the run was not killed: %d %s", r.status, r.stderr)
			}
			return a, false
		}
		cmd.Process.Signal(syscall.SIGCONT)
	}
}

// processStopped reports whether process pid is stopped (state T in
// /proc/PID/stat).
func processStopped(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) STATE ...; comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && (s[i+2] == 'T' || s[i+2] == 't')
}

// layout lists the mbox's messages by Message-ID ("local" for the local
// delivery, "?" for what has none), for failure messages.
func layout(got []string) string {
	ids := make([]string, len(got))
	for i, m := range got {
		switch sm := msgIDRe.FindStringSubmatch(m); {
		case sm != nil:
			ids[i] = strings.TrimSuffix(sm[1], "@test")
		case strings.Contains(m, "Subject: local delivery\n"):
			ids[i] = "local"
		default:
			ids[i] = "?"
		}
	}
	return strings.Join(ids, " ")
}

// ldaAppend appends a message to the mbox as a local delivery agent does:
// under an fcntl write lock (the dead run's dot-lock is not honoured).
func ldaAppend(t *testing.T, path, msg string) { appendAs(t, path, "lda@example.org", msg, true) }

// appendAs appends msg to the mbox with a From_ line of sender, under an
// fcntl write lock when locked, with O_APPEND.
func appendAs(t *testing.T, path, sender, msg string, locked bool) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if locked {
		lk := syscall.Flock_t{Type: syscall.F_WRLCK}
		if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.WriteString("From " + sender + " Mon Jan  1 00:00:00 2024\n" + msg + "\n"); err != nil {
		t.Fatal(err)
	}
}

// TestMovemailKilledThenOtherWriter: carol's run into mbox M is killed in
// the middle of its append; then another writer appends to M (alice's
// run with her own state file, or a local delivery agent under the fcntl
// lock); then carol's run again. Nothing of anyone's is lost, stored
// twice or altered; carol's second run exits 0 and empties her maildrop.
func TestMovemailKilledThenOtherWriter(t *testing.T) {
	n := trials(t)
	var mu sync.Mutex
	totals := map[string]*tally{}
	for _, other := range []string{"alice", "lda"} {
		for trial := range n {
			t.Run(fmt.Sprintf("%s/%d", other, trial), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(uint64(trial), 2))
				carol := 8 + rng.IntN(12)
				u := newTwoUsers(t, carol, 6, server.Faults{})
				mbox := filepath.Join(u.dir, "M")
				k := killCarol(t, u, rng, carol, filepath.Join(u.dir, "SC"), mbox)
				local := "From: postmaster@example.org\nSubject: local delivery\n\nDelivered by the local delivery agent.\n"
				users := []string{"carol"}
				switch other {
				case "alice":
					r := run(t, u.env, "movemail.scm", u.args("alice", filepath.Join(u.dir, "SA"), mbox)...)
					if r.status != 0 {
						t.Fatalf("alice's run: %d %s", r.status, r.stderr)
					}
					users = append(users, "alice")
				case "lda":
					ldaAppend(t, mbox, local)
				}
				// What the failure messages say: the kill point, the
				// other writer, and what the last run printed.
				what := fmt.Sprintf("carol (%d messages) killed before message %d, then %s, then carol again", carol, k, other)
				r := run(t, u.env, "movemail.scm", u.args("carol", filepath.Join(u.dir, "SC"), mbox)...)
				if r.status != 0 {
					t.Fatalf("%s: carol's second run: status %d\n%s", what, r.status, r.stderr)
				}
				got := mboxMessages(t, mbox)
				tl := u.count(got, users...)
				if tl.kept > 0 && !strings.Contains(r.stderr, "was changed by another program") {
					t.Errorf("%s: an unfinished copy was kept without a word: %q", what, r.stderr)
				}
				if other == "lda" {
					if c := strings.Count(strings.Join(got, "\x00"), "Subject: local delivery\n"); c != 1 || !contains(got, canon(local)) {
						t.Errorf("%s: the local message is there %d times (intact: %v)", what, c, contains(got, canon(local)))
						tl.lost++
					}
				}
				for _, user := range users {
					if u.be.Count(user) != 0 {
						t.Errorf("%s: %d of %s's messages left on the server", what, u.be.Count(user), user)
					}
				}
				if tl.lost+tl.dup+tl.corrupt != 0 {
					t.Errorf("%s: %d stored, %d lost, %d stored twice, %d altered, %d unfinished copies kept\nmbox: %s\ncarol's second run: %q",
						what, tl.stored, tl.lost, tl.dup, tl.corrupt, tl.kept, layout(got), r.stderr)
				}
				mu.Lock()
				if totals[other] == nil {
					totals[other] = &tally{}
				}
				totals[other].stored += tl.stored
				totals[other].lost += tl.lost
				totals[other].dup += tl.dup
				totals[other].corrupt += tl.corrupt
				totals[other].kept += tl.kept
				mu.Unlock()
			})
		}
	}
	t.Cleanup(func() {
		for k, tl := range totals {
			t.Logf("killed, then %s, then again: %d trials, %d messages stored, %d lost, %d duplicated, %d corrupted, %d unfinished copies kept and reported", k, n, tl.stored, tl.lost, tl.dup, tl.corrupt, tl.kept)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMovemailTwoWritersDovecot runs the reproductions against Dovecot
// (which lets two sessions of one user in at once): two runs of one
// account into one mbox and into one Maildir; then a run killed after a
// random number of appended messages, a local delivery, and the run
// again.
func TestMovemailTwoWritersDovecot(t *testing.T) {
	check := func(t *testing.T, u interface{ Files() ([]string, error) }, msgs, got []string, extra string) {
		t.Helper()
		orig := map[string]bool{}
		for _, m := range msgs {
			orig[canon(m)] = true
		}
		count := map[string]int{}
		for _, g := range got {
			if g == extra {
				continue
			}
			if !orig[g] {
				t.Errorf("not an original (altered): %.80q", g)
			}
			count[g]++
		}
		files, _ := u.Files()
		lost := 0
		for m := range orig {
			if count[m] > 1 {
				t.Errorf("stored %d times: %.60q", count[m], m)
			}
			if count[m] == 0 {
				lost++
			}
		}
		if lost != 0 || len(files) != 0 {
			t.Errorf("%d messages not stored, %d left on the server", lost, len(files))
		}
	}
	for _, kind := range []string{"mbox", "maildir"} {
		t.Run("two-runs/"+kind, func(t *testing.T) {
			u, env, msgs := dovecotEnv(t, 60)
			dest := filepath.Join(t.TempDir(), "M")
			if kind == "maildir" {
				dest += "/"
			}
			state := filepath.Join(t.TempDir(), "S")
			_, c1 := startRun(t, env, []string{"-w", "30", "-s", state, dest})
			_, c2 := startRun(t, env, []string{"-w", "30", "-s", state, dest})
			for _, r := range []result{<-c1, <-c2} {
				if r.status != 0 {
					t.Errorf("run: %d %q", r.status, r.stderr)
				}
			}
			check(t, u, msgs, mailboxMessages(t, dest), "")
		})
	}
	t.Run("killed-then-lda", func(t *testing.T) {
		u, env, msgs := dovecotEnv(t, 120)
		dir := t.TempDir()
		mbox, state := filepath.Join(dir, "M"), filepath.Join(dir, "S")
		k := 1 + rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3)).IntN(100)
		cmd, done := startRun(t, env, []string{"-s", state, mbox})
		at, ended := killBetweenAppends(t, cmd, done, state, mbox, k)
		local := "From: postmaster@example.org\nSubject: local delivery\n\nDelivered by the local delivery agent.\n"
		ldaAppend(t, mbox, local)
		var r result
		for range 20 { // Dovecot may still hold the killed session's lock
			if r = run(t, env, "movemail.scm", "-s", state, mbox); r.status == 0 || !strings.Contains(r.stderr, "IN-USE") {
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		if r.status != 0 {
			t.Fatalf("rerun: %d %q", r.status, r.stderr)
		}
		got := mboxMessages(t, mbox)
		if !contains(got, canon(local)) {
			t.Error("the local message is lost")
		}
		check(t, u, msgs, got, canon(local))
		if ended {
			t.Logf("the run ended before %d messages were appended (%v): %d messages in the mbox", k, at, len(got))
		} else {
			t.Logf("killed after %d messages appended (%v): %d messages in the mbox", at.listed, at, len(got))
		}
	})
}

// TestMovemailKilledMidCopy kills carol's run while it copies a large
// message into the mbox, when the kill lands there: the file then ends
// inside the run's own unfinished message, and the next run removes
// exactly that (and nothing else). Trials whose kill missed the copy
// still check that nothing is lost; the log says how many hit.
func TestMovemailKilledMidCopy(t *testing.T) {
	libraryReady(t)
	if testing.Short() {
		t.Skip("large messages: not in -short mode")
	}
	n := max(trials(t)/5, 2)
	hits := 0
	for trial := range n {
		u := newTwoUsers(t, 0, 0, server.Faults{})
		for i := 1; i <= 3; i++ {
			m := userMessage("carol", i) + strings.Repeat(fmt.Sprintf("filler line of message %d %s\n", i, strings.Repeat("z", 60)), 16000+i*1000)
			u.be.AddMessage("carol", []byte(m))
			u.orig[msgIDRe.FindStringSubmatch(m)[1]] = m
		}
		mbox, state := filepath.Join(u.dir, "M"), filepath.Join(u.dir, "SC")
		os.WriteFile(mbox, []byte("From x Mon Jan  1 00:00:00 2024\nSubject: old\n\nold\n\n"), 0o600)
		cmd, done := startRun(t, u.env, u.args("carol", state, mbox))
		want := 1 + trial%3 // the message to kill the copy of
		deadline := time.Now().Add(20 * time.Second)
		ended := false // the run ended by itself: its result is taken
	poll:
		for time.Now().Before(deadline) {
			j, _ := os.ReadFile(state + ".journal")
			lines := strings.Split(string(j), "\n")
			var off, size int64
			ms := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "m ") {
					ms++
					fmt.Sscanf(l, "m %s %s %d %d", new(string), new(string), &off, &size)
				}
			}
			if ms >= want {
				if st, err := os.Stat(mbox); err == nil && st.Size() > off {
					break poll
				}
			}
			select {
			case <-done:
				ended = true
				break poll
			default:
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		if !ended {
			<-done
		}
		if j, err := os.ReadFile(state + ".journal"); err == nil {
			msgs := strings.Count(string(j), "\nm ")
			var last string
			for _, l := range strings.Split(string(j), "\n") {
				if strings.HasPrefix(l, "m ") {
					last = l
				}
			}
			var off, size int64
			fmt.Sscanf(last, "m %s %s %d %d", new(string), new(string), &off, &size)
			if st, _ := os.Stat(mbox); msgs > 0 && st.Size() > off && st.Size() < off+size {
				hits++
			}
		}
		r := run(t, u.env, "movemail.scm", u.args("carol", state, mbox)...)
		if r.status != 0 || r.stderr != "" {
			t.Fatalf("rerun: %d %q", r.status, r.stderr)
		}
		got := mboxMessages(t, mbox)
		tl := u.count(got[1:], "carol")
		if tl.lost+tl.dup+tl.corrupt != 0 || tl.stored != 3 || got[0] != "Subject: old\n\nold\n" {
			t.Errorf("trial %d: %+v", trial, tl)
		}
	}
	t.Logf("%d trials, %d killed inside the copy of a message", n, hits)
}
