package mailstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3"
	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

// maildrop starts a server with user "u" holding n messages.
func maildrop(t *testing.T, n int) (*server.MemoryBackend, string) {
	t.Helper()
	be := server.NewMemoryBackend()
	be.AddUser("u", "pw")
	for i := 1; i <= n; i++ {
		be.AddMessage("u", []byte(fmt.Sprintf("Message-ID: <%d@test>\nSubject: m%d\n\nbody %d\nFrom the middle\n%s", i, i, i, strings.Repeat("line\n", 50*i))))
	}
	srv := pop3test.StartServer(t, server.Options{Backend: be, SharedMaildrops: true})
	return be, srv.Addr().String()
}

func client(t *testing.T, addr string) *pop3.Client {
	t.Helper()
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{TLS: pop3.PlainText})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Login(ctx, "u", "pw"); err != nil {
		t.Fatal(err)
	}
	return c
}

// fetchAll fetches every message of the session into s (not committed).
func fetchAll(t *testing.T, s *Store, c *pop3.Client) []pop3.MsgUID {
	t.Helper()
	uidls, err := c.UIDL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := s.Partition(uidls)
	if _, err := s.Fetch(context.Background(), c, fresh); err != nil {
		t.Fatal(err)
	}
	return fresh
}

// abandon leaves s as a killed process would: no commit, descriptors
// closed (so the fcntl and run locks go), the dot-lock naming a process
// that no longer exists.
func abandon(t *testing.T, s *Store) {
	t.Helper()
	if s.mb != nil {
		s.mb.w.Flush()
		s.mb.vanish()
		s.mb.dotlock.abandon()
		os.WriteFile(s.mb.dotlock.path, []byte("999999999\n"), 0o644)
	}
	if s.journal != nil {
		s.journal.Close()
	}
	if s.spool != nil {
		s.spool.Close()
	}
	s.closed = true
	s.release()
}

func journalMsgs(t *testing.T, state string) []journalMsg {
	t.Helper()
	j, err := readJournal(state + ".journal")
	if err != nil || j == nil {
		t.Fatalf("journal: %v %v", j, err)
	}
	return j.msgs
}

func open(t *testing.T, dest, state, account string) *Store {
	t.Helper()
	s, err := Open(dest, Options{StateFile: state, Account: account})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A run killed while copying its third message into the mbox: the next
// run removes exactly that unfinished message, and records the two
// complete ones.
func TestRecoverUnfinishedTail(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	old := "From x Mon Jan  1 00:00:00 2024\n\nold\n\n"
	os.WriteFile(mbox, []byte(old), 0o600)
	s := open(t, mbox, state, "u@a")
	uidls := fetchAll(t, s, client(t, addr))
	abandon(t, s)
	msgs := journalMsgs(t, state)
	last := msgs[2]
	if err := os.Truncate(mbox, last.off+last.len/2); err != nil {
		t.Fatal(err)
	}
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	if st, _ := os.Stat(mbox); st.Size() != last.off {
		t.Errorf("size after recovery %d, want %d (the unfinished message removed)", st.Size(), last.off)
	}
	if !s.Seen(uidls[0].UID) || !s.Seen(uidls[1].UID) || s.Seen(uidls[2].UID) {
		t.Errorf("seen: %v %v %v, want true true false", s.Seen(uidls[0].UID), s.Seen(uidls[1].UID), s.Seen(uidls[2].UID))
	}
	if len(s.Notes()) != 0 {
		t.Errorf("notes %q", s.Notes())
	}
	if b, _ := os.ReadFile(mbox); !strings.HasPrefix(string(b), old) {
		t.Error("the old message changed")
	}
}

// Killed between messages, then another account's run appended and
// committed: nothing is truncated, the killed run's messages recorded.
func TestRecoverAfterAnotherRun(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	mbox := filepath.Join(dir, "mbox")
	s := open(t, mbox, filepath.Join(dir, "carol"), "carol@a")
	uidls := fetchAll(t, s, client(t, addr))
	abandon(t, s)
	a := open(t, mbox, filepath.Join(dir, "alice"), "alice@a")
	fetchAll(t, a, client(t, addr))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(mbox)
	s = open(t, mbox, filepath.Join(dir, "carol"), "carol@a")
	defer s.Close()
	if after, _ := os.ReadFile(mbox); string(after) != string(before) || strings.Count(string(after), "\nFrom MAILER-DAEMON")+1 != 6 {
		t.Errorf("file changed by recovery, or not 6 messages")
	}
	for _, u := range uidls {
		if !s.Seen(u.UID) {
			t.Errorf("%s not recorded", u.UID)
		}
	}
	if len(s.Notes()) != 0 {
		t.Errorf("notes %q", s.Notes())
	}
}

// Killed after the commit mark, before the state was written.
func TestRecoverCommitted(t *testing.T) {
	_, addr := maildrop(t, 2)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	s := open(t, mbox, state, "u@a")
	uidls := fetchAll(t, s, client(t, addr))
	if err := s.mb.Commit(); err != nil {
		t.Fatal(err)
	}
	s.journalLine(true, "c")
	abandon(t, s)
	os.Truncate(mbox, 10) // whatever happened since: a committed run is not undone
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	if !s.Seen(uidls[0].UID) || !s.Seen(uidls[1].UID) {
		t.Error("committed messages not recorded")
	}
	if st, _ := os.Stat(mbox); st.Size() != 10 {
		t.Errorf("size %d", st.Size())
	}
}

// A Maildir run killed after renaming some files: those are recorded,
// the others' tmp/ files removed.
func TestRecoverMaildir(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	md, state := filepath.Join(dir, "Mail")+"/", filepath.Join(dir, "state")
	s := open(t, md, state, "u@a")
	uidls := fetchAll(t, s, client(t, addr))
	abandon(t, s)
	// As if killed before the third rename.
	name := s.pending[2].name
	os.Rename(filepath.Join(md, "new", name), filepath.Join(md, "tmp", name))
	s = open(t, md, state, "u@a")
	defer s.Close()
	if !s.Seen(uidls[0].UID) || !s.Seen(uidls[1].UID) || s.Seen(uidls[2].UID) {
		t.Error("wrong messages recorded")
	}
	if ents, _ := os.ReadDir(filepath.Join(md, "tmp")); len(ents) != 0 {
		t.Errorf("%d files left in tmp/", len(ents))
	}
}

// The state is kept per destination: mail kept on the server and
// fetched into A is fetched into B too; an old state file is adopted.
func TestStateKeyedByDestination(t *testing.T) {
	_, addr := maildrop(t, 2)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	a := open(t, filepath.Join(dir, "A")+"/", state, "u@a")
	fetchAll(t, a, client(t, addr))
	a.Close()
	b := open(t, filepath.Join(dir, "B")+"/", state, "u@a")
	fresh, old := b.Partition(mustUIDL(t, addr))
	b.Close()
	if len(fresh) != 2 || len(old) != 0 {
		t.Errorf("into B: %d fresh, %d old; want 2, 0", len(fresh), len(old))
	}
	a = open(t, filepath.Join(dir, "A"), state, "u@a") // same Maildir, no slash
	fresh, _ = a.Partition(mustUIDL(t, addr))
	a.Close()
	if len(fresh) != 0 {
		t.Errorf("into A again: %d fresh, want 0", len(fresh))
	}
	// Another account with the same state file and destination.
	o := open(t, filepath.Join(dir, "A"), state, "other@a")
	fresh, _ = o.Partition(mustUIDL(t, addr))
	o.Close()
	if len(fresh) != 2 {
		t.Errorf("other account: %d fresh, want 2", len(fresh))
	}

	// Version 1: adopted by the next run's destination, then rewritten.
	legacy := filepath.Join(dir, "legacy")
	uids := mustUIDL(t, addr)
	os.WriteFile(legacy, []byte("popsh-uidls 1\n"+uids[0].UID+"\n"), 0o600)
	l := open(t, filepath.Join(dir, "C")+"/", legacy, "u@a")
	fresh, old = l.Partition(uids)
	if len(fresh) != 1 || len(old) != 1 || !l.Seen(uids[0].UID) {
		t.Errorf("old state: %d fresh %d old", len(fresh), len(old))
	}
	l.journalLine(false) // something to commit
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(legacy)
	if !strings.HasPrefix(string(data), "popsh-uidls 3\ndest \"u@a\" ") || !strings.Contains(string(data), uids[0].UID) {
		t.Errorf("rewritten state %q", data)
	}
	// A state file that is not one is an error, and is left alone.
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("hello\n"), 0o600)
	if _, err := Open(filepath.Join(dir, "D")+"/", Options{StateFile: bad}); err == nil {
		t.Error("a foreign state file was accepted")
	}
}

func mustUIDL(t *testing.T, addr string) []pop3.MsgUID {
	t.Helper()
	c := client(t, addr)
	u, err := c.UIDL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Quit(context.Background())
	return u
}

// One run per state file: a second waits, then fails naming the holder.
func TestRunLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.lock")
	l, err := LockRun(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := LockRun(path, 0) // re-entrant in one process
	if err != nil || l2 != l {
		t.Fatalf("re-entrant lock: %v", err)
	}
	l2.Unlock()
	// Another open file description (as another process has) is refused.
	f, _ := os.Open(path)
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		t.Fatal("the lock is not held")
	}
	l.Unlock()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("4242\n"), 0o600)
	start := time.Now()
	_, err = LockRun(path, 200*time.Millisecond)
	var be *BusyError
	if !errors.As(err, &be) || be.PID != 4242 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("busy: %v after %v", err, time.Since(start))
	}
	// An Open that cannot get the run lock touches nothing.
	dest := filepath.Join(filepath.Dir(path), "mbox")
	state := strings.TrimSuffix(path, ".lock")
	if _, err := Open(dest, Options{StateFile: state}); !errors.As(err, &be) {
		t.Errorf("Open under another run's lock: %v", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Error("Open created the destination while another run held the lock")
	}
}

func TestCheckUIDL(t *testing.T) {
	list := []pop3.MsgInfo{{Num: 1, Size: 10}, {Num: 2, Size: 20}}
	for _, c := range []struct {
		uidls []pop3.MsgUID
		ok    bool
	}{
		{[]pop3.MsgUID{{Num: 1, UID: "a"}, {Num: 2, UID: "b"}}, true},
		{[]pop3.MsgUID{{Num: 1, UID: "a"}}, true},
		{[]pop3.MsgUID{{Num: 1, UID: "a"}, {Num: 4, UID: "b"}}, false},
		{[]pop3.MsgUID{{Num: 1, UID: "a"}, {Num: 1, UID: "b"}}, false},
		{[]pop3.MsgUID{{Num: 1, UID: "a"}, {Num: 2, UID: "a"}}, false},
	} {
		err := CheckUIDL(list, c.uidls)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, pop3.ErrProtocol)) {
			t.Errorf("%v: %v", c.uidls, err)
		}
	}
}

// Move with MaxSize skips the large message and never deletes it.
func TestMoveMaxSize(t *testing.T) {
	be, addr := maildrop(t, 3)
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "mbox"), filepath.Join(dir, "state"), "u@a")
	c := client(t, addr)
	list, _ := c.List(context.Background())
	res, err := Move(context.Background(), c, s, MoveOptions{MaxSize: list[2].Size - 1})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if len(res.Stored) != 2 || len(res.Skipped) != 1 || res.Skipped[0].Num != 3 || be.Count("u") != 1 {
		t.Errorf("stored %v skipped %v, %d on the server", res.Stored, res.Skipped, be.Count("u"))
	}
}

// A journal naming another mbox is replayed under that mbox's locks
// before the new destination is opened.
func TestRecoverOtherDestination(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	m1, m2, state := filepath.Join(dir, "M1"), filepath.Join(dir, "M2"), filepath.Join(dir, "state")
	s := open(t, m1, state, "u@a")
	uidls := fetchAll(t, s, client(t, addr))
	abandon(t, s)
	last := journalMsgs(t, state)[2]
	os.Truncate(m1, last.off+10)
	s = open(t, m2, state, "u@a")
	s.Close()
	if st, _ := os.Stat(m1); st.Size() != last.off {
		t.Errorf("M1 is %d bytes, want %d", st.Size(), last.off)
	}
	if _, err := os.Stat(m1 + ".lock"); !os.IsNotExist(err) {
		t.Error("M1's dot-lock left behind")
	}
	st, err := readState(state)
	if err != nil {
		t.Fatal(err)
	}
	got := st.sections[stateKey{"u@a", destKey(m1)}]
	_, has0 := got[uidls[0].UID]
	_, has1 := got[uidls[1].UID]
	_, has2 := got[uidls[2].UID]
	if !has0 || !has1 || has2 {
		t.Errorf("M1's section: %v", got)
	}
	if len(st.sections[stateKey{"u@a", destKey(m2)}]) != 0 {
		t.Error("M2 credited with M1's messages")
	}
}

// Move with Keep deletes nothing and a second Move fetches nothing; a
// server without UIDL cannot Keep.
func TestMoveKeep(t *testing.T) {
	be, addr := maildrop(t, 3)
	dir := t.TempDir()
	for i := range 2 {
		s := open(t, filepath.Join(dir, "Mail")+"/", filepath.Join(dir, "state"), "u@a")
		res, err := Move(context.Background(), client(t, addr), s, MoveOptions{Keep: true})
		s.Close()
		want := 3
		if i == 1 {
			want = 0
		}
		if err != nil || len(res.Stored) != want || res.Deleted || be.Count("u") != 3 {
			t.Errorf("run %d: %v, stored %v, %d on the server", i, err, res.Stored, be.Count("u"))
		}
	}
	noUIDL := pop3test.StartServer(t, server.Options{Backend: be, SharedMaildrops: true, Faults: server.Faults{DisableCommands: []string{"UIDL"}, RemoveCapa: []string{"UIDL"}}})
	s := open(t, filepath.Join(dir, "mbox"), filepath.Join(dir, "state2"), "u@a")
	defer s.Close()
	if _, err := Move(context.Background(), client(t, noUIDL.Addr().String()), s, MoveOptions{Keep: true}); err == nil || be.Count("u") != 3 {
		t.Errorf("Keep without UIDL: %v", err)
	}
}

// abandon stops touching the dot-lock and leaves it in place, as a killed
// process does.
func (d *dotlock) abandon() {
	close(d.stop)
	<-d.done
	d.stop = nil
	dotMu.Lock()
	if heldDotlocks[d.path] == d {
		delete(heldDotlocks, d.path)
	}
	dotMu.Unlock()
}
