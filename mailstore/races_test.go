package mailstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/pop3"
)

// listAndUIDL returns LIST's and UIDL's answers.
func listAndUIDL(t *testing.T, c *pop3.Client) ([]pop3.MsgInfo, []pop3.MsgUID) {
	t.Helper()
	list, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	uidls, err := c.UIDL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list, uidls
}

// grown returns list with message num's size changed.
func grown(list []pop3.MsgInfo, num int) []pop3.MsgInfo {
	out := append([]pop3.MsgInfo(nil), list...)
	for i := range out {
		if out[i].Num == num {
			out[i].Size += 100
		}
	}
	return out
}

// fetched opens a Store on dest in a new directory (a Maildir when kind
// is "maildir", else an mbox) with a state file, and fetches into it the
// first k of the n messages of a new maildrop, not committed.
func fetched(t *testing.T, kind string, n, k int) (s *Store, dest, state string, list []pop3.MsgInfo, uidls []pop3.MsgUID) {
	t.Helper()
	_, addr := maildrop(t, n)
	dir := t.TempDir()
	dest, state = filepath.Join(dir, "M"), filepath.Join(dir, "state")
	if kind == "maildir" {
		dest += "/"
	}
	c := client(t, addr)
	list, uidls = listAndUIDL(t, c)
	s = open(t, dest, state, "u@a")
	fresh, _ := s.Partition(uidls, list...)
	if _, err := s.Fetch(context.Background(), c, fresh[:k]); err != nil {
		t.Fatal(err)
	}
	return s, dest, state, list, uidls
}

// A run killed after storing, before its commit: the journal gives the
// next run each message's size with its UIDL, so that the UIDL given
// again to a message of another size is not taken for the one stored.
func TestKilledRunRecordsSizes(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			s, dest, state, list, uidls := fetched(t, kind, 3, 3)
			abandon(t, s) // killed before the commit

			s = open(t, dest, state, "u@a")
			defer s.Close()
			fresh, old := s.Partition(uidls, grown(list, 2)...)
			if len(fresh) != 1 || fresh[0].Num != 2 || len(old) != 2 {
				t.Errorf("message 2's UIDL with another size: fresh %v, old %v; want it fresh", fresh, old)
			}
			if fresh, old := s.Partition(uidls, list...); len(fresh) != 0 || len(old) != 3 {
				t.Errorf("after recovery: %d fresh, %d old; want 0, 3", len(fresh), len(old))
			}
		})
	}
}

// A state file of version 2 (UIDLs without sizes) is read: its UIDLs
// match whatever the size, and learn the size LIST gives, which the next
// commit writes (version 3); from then on another size is a new message.
func TestStateVersion2Adopted(t *testing.T) {
	_, addr := maildrop(t, 2)
	dir := t.TempDir()
	dest, state := filepath.Join(dir, "M")+"/", filepath.Join(dir, "state")
	c := client(t, addr)
	list, uidls := listAndUIDL(t, c)
	v2 := "popsh-uidls 2\ndest \"u@a\" " + `"` + destKey(dest) + `"` + "\n" + uidls[0].UID + "\n" + uidls[1].UID + "\n"
	if err := os.WriteFile(state, []byte(v2), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, dest, state, "u@a")
	if fresh, _ := s.Partition(uidls, list...); len(fresh) != 0 {
		t.Fatalf("UIDLs of a version 2 file must match any size: fresh %v", fresh)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(state)
	if !strings.HasPrefix(string(data), stateHeader+"\n") {
		t.Errorf("state file not rewritten as version 3:\n%s", data)
	}
	s = open(t, dest, state, "u@a")
	defer s.Close()
	if fresh, _ := s.Partition(uidls, grown(list, 2)...); len(fresh) != 1 || fresh[0].Num != 2 {
		t.Errorf("message 2 with another size: fresh %v, want it", fresh)
	}
}

// A host name with spaces, a tab, a line break, a colon and a slash
// (sethostname takes any bytes): the Maildir file names hold it escaped,
// and the journal gives them back to the run after a kill, which records
// every message the killed run delivered (none fetched twice) and leaves
// nothing in tmp/. The journal also gives back a name with a space as
// it is (a host part set directly, not escaped).
func TestMaildirOddHostName(t *testing.T) {
	saved := hostname
	t.Cleanup(func() { hostname = saved })
	hostname = func() (string, error) { return "my host\tname:x/y\nz", nil }
	for _, raw := range []bool{false, true} {
		_, addr := maildrop(t, 3)
		dir := t.TempDir()
		md, state := filepath.Join(dir, "Mail")+"/", filepath.Join(dir, "state")
		s := open(t, md, state, "u@a")
		if raw {
			s.md.host = "odd host"
		}
		c := client(t, addr)
		list, uidls := listAndUIDL(t, c)
		fresh, _ := s.Partition(uidls, list...)
		if _, err := s.Fetch(context.Background(), c, fresh); err != nil {
			t.Fatal(err)
		}
		abandon(t, s) // killed after the renames into new/, before the commit
		ents, _ := os.ReadDir(filepath.Join(md, "new"))
		for _, e := range ents {
			if strings.ContainsAny(e.Name(), " \t\n:/") != raw {
				t.Errorf("file name %q (raw host part: %v)", e.Name(), raw)
			}
		}
		s = open(t, md, state, "u@a")
		fresh, old := s.Partition(uidls, list...)
		if len(fresh) != 0 || len(old) != 3 {
			t.Errorf("raw %v: after the kill, %d messages would be fetched again (want 0)", raw, len(fresh))
		}
		s.Close()
		if ents, _ := os.ReadDir(filepath.Join(md, "new")); len(ents) != 3 {
			t.Errorf("new/ holds %d messages, want 3", len(ents))
		}
	}
}

// rogue appends text to path as a program that ignores the locks does.
func rogue(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

const rogueMessage = "From rogue@example.org Mon Jan  1 00:00:00 2024\nSubject: behind the locks\n\nwritten ignoring the locks\n\n"

// Undoing an append never cuts another program's bytes: a program that
// ignores the locks appends while messages are appended (not committed),
// then the append is undone (Close without Commit). The other program's
// message is in the file, whole, and the file still begins as it did.
func TestMboxUndoKeepsRogueBytes(t *testing.T) {
	for _, when := range []string{"after-first", "after-both"} {
		t.Run(when, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mbox")
			old := "From x Mon Jan  1 00:00:00 2024\nSubject: old\n\nold\n\n"
			os.WriteFile(path, []byte(old), 0o600)
			m, err := OpenMbox(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Append(strings.NewReader("Subject: A\n\nfirst\n"), time.Now()); err != nil {
				t.Fatal(err)
			}
			if when == "after-first" {
				rogue(t, path, rogueMessage)
			}
			if err := m.Append(strings.NewReader("Subject: B\n\nsecond\n"), time.Now()); err != nil {
				t.Fatal(err)
			}
			if when == "after-both" {
				m.w.Flush() // written, not committed
				rogue(t, path, rogueMessage)
			}
			err = m.Close() // not committed: undone
			data, _ := os.ReadFile(path)
			if !strings.HasPrefix(string(data), old) || !strings.Contains(string(data), rogueMessage) {
				t.Errorf("after the undo (error %v) the file is:\n%s", err, data)
			}
			if strings.Contains(string(data), "second") && err == nil {
				t.Errorf("bytes of this run kept without an error:\n%s", data)
			}
		})
	}
}

// The same through a Store: its append undone because the journal could
// not be written, after a program that ignores the locks appended behind
// the run's messages.
func TestStoreUndoKeepsRogueBytes(t *testing.T) {
	s, mbox, state, list, uidls := fetched(t, "mbox", 3, 2)
	rogue(t, mbox, rogueMessage)
	s.jbroken = true // as when a journal line could not be written
	err := s.Commit()
	if err == nil {
		t.Fatal("the commit of an append whose journal failed succeeded")
	}
	s.Close()
	data, _ := os.ReadFile(mbox)
	if !strings.Contains(string(data), rogueMessage) {
		t.Errorf("the other program's message was cut (commit: %v); the file holds %d bytes", err, len(data))
	}
	// The undo kept the run's two messages (the other program's bytes
	// follow them): the journal stayed, and the next run finds them
	// whole at their offsets and records them; the third stays fresh.
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	if fresh, _ := s.Partition(uidls, list...); len(fresh) != 1 || fresh[0].Num != 3 {
		t.Errorf("fresh after the undo and the next open: %v, want message 3 only", fresh)
	}
	data, _ = os.ReadFile(mbox)
	if n := strings.Count(string(data), "\nFrom "); n != 2 || !strings.Contains(string(data), rogueMessage) {
		t.Errorf("the mbox holds %d From_ lines after the first, want 2 (the run's second message, the other program's):\n%.300s", n, data)
	}
}

// A dot-lock is never seen empty or partly written by another locker
// (which would read no PID in it, and could not tell whether its holder
// is alive): it is written in full under another name and linked into
// place. One goroutine takes and releases the lock again and again while
// another reads it.
func TestDotlockNeverSeenPartial(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "mbox.lock")
	want := fmt.Sprintf("%d\n", os.Getpid())
	done := make(chan struct{})
	var reads, partial int
	go func() {
		defer close(done)
		for range 3000 {
			d, err := takeDotlock(lock, time.Now().Add(time.Second))
			if err != nil {
				t.Error(err)
				return
			}
			d.release()
		}
	}()
	for {
		select {
		case <-done:
			if partial > 0 {
				t.Errorf("%d of %d reads of the lock file found it holding other than %q", partial, reads, want)
			}
			if reads == 0 {
				t.Error("the lock file was never read")
			}
			left, _ := filepath.Glob(lock + "*")
			if len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
			return
		default:
		}
		if data, err := os.ReadFile(lock); err == nil {
			reads++
			if string(data) != want {
				partial++
			}
		}
	}
}

// A process killed while taking a dot-lock leaves its temporary file
// (written, not yet linked), or the stale lock it was breaking renamed
// aside, or the lock itself: the next locker removes the first two when
// their process is gone, breaks the lock, and leaves the files of a live
// process alone.
func TestDotlockLeftoversOfKilledLocker(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mbox")
	lock := path + ".lock"
	const dead = 999999999 // above any pid_max
	deadTemp := fmt.Sprintf("%s%d.1", lockTempPrefix(lock), dead)
	deadAside := fmt.Sprintf("%s%d.3", lockAsidePrefix(lock), dead)
	liveTemp := fmt.Sprintf("%s%d.2", lockTempPrefix(lock), os.Getppid())
	for _, f := range []string{deadTemp, deadAside, liveTemp, lock} {
		if err := os.WriteFile(f, []byte(fmt.Sprintf("%d\n", dead)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := OpenMboxWait(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(globEscape(lock) + "*")
	if len(left) != 1 || left[0] != liveTemp {
		t.Errorf("left: %v, want only the live process's %s", left, liveTemp)
	}
}

// Two Stores of one process on one state file (two threads of a run
// given the same account): the second waits for the first as for
// another process's run, and fails with a *BusyError naming this
// process when the first outlasts its wait; ClaimRun likewise, while
// LockRun of the claimed path stays the run's own.
func TestOneStorePerStateFileInProcess(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	s1 := open(t, filepath.Join(dir, "A")+"/", state, "u@a")
	_, err := Open(filepath.Join(dir, "B")+"/", Options{StateFile: state, Account: "u@a", LockWait: 50 * time.Millisecond})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() {
		t.Fatalf("second Open while the first is open: %v", err)
	}
	go func() { time.Sleep(100 * time.Millisecond); s1.Close() }()
	s2, err := Open(filepath.Join(dir, "B")+"/", Options{StateFile: state, Account: "u@a", LockWait: 5 * time.Second})
	if err != nil {
		t.Fatalf("second Open after the first closed: %v", err)
	}
	s2.Close()

	c1, err := ClaimRun(state+".lock", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ClaimRun(state+".lock", 50*time.Millisecond); !errors.As(err, &busy) {
		t.Fatalf("second claim: %v", err)
	}
	l, err := LockRun(state+".lock", 0)
	if err != nil {
		t.Fatalf("LockRun under the claim: %v", err)
	}
	l.Unlock()
	if err := c1.Unlock(); err != nil {
		t.Fatal(err)
	}
	c2, err := ClaimRun(state+".lock", 0)
	if err != nil {
		t.Fatalf("claim after the first's Unlock: %v", err)
	}
	c2.Unlock()
}

// Journals of version 2 (left by a popsh killed before an upgrade) are
// still replayed: Maildir names bare, mbox lines without sizes; their
// UIDLs are recorded without a size (matching any).
func TestJournalVersion2Replayed(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			s, dest, state, list, uidls := fetched(t, kind, 2, 2)
			abandon(t, s)
			// The same journal as version 2 wrote it.
			j, err := os.ReadFile(state + ".journal")
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(j), "\n")
			lines[0] = journalHeaderV2
			for i, l := range lines[4:] {
				f := strings.Fields(l)
				switch {
				case len(f) == 4 && f[0] == "i":
					name, _ := strconv.Unquote(f[3])
					lines[4+i] = "i " + f[1] + " " + name
				case len(f) == 6 && f[0] == "m":
					lines[4+i] = strings.Join(append(f[:2:2], f[3:]...), " ")
				}
			}
			os.WriteFile(state+".journal", []byte(strings.Join(lines, "\n")), 0o600)
			s = open(t, dest, state, "u@a")
			defer s.Close()
			if fresh, _ := s.Partition(uidls, grown(list, 1)...); len(fresh) != 0 {
				t.Errorf("after replaying a version 2 journal: fresh %v, want none", fresh)
			}
		})
	}
}

// A program that ignores the locks rewrites the mbox in place (O_TRUNC,
// then its own content, shorter or longer than what the run wrote)
// after the run appended and before its commit: the run's messages are
// gone, so the commit fails and records none of them (the server keeps
// them), and the other program's content is left as it wrote it.
func TestCommitAfterRogueRewrite(t *testing.T) {
	for _, size := range []string{"shorter", "longer"} {
		t.Run(size, func(t *testing.T) {
			s, mbox, state, list, uidls := fetched(t, "mbox", 3, 2)
			st, _ := os.Stat(mbox)
			content := rogueMessage
			if size == "longer" {
				content = strings.Repeat(rogueMessage, int(st.Size())/len(rogueMessage)+2)
			}
			if err := os.WriteFile(mbox, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := s.Commit(); err == nil {
				t.Error("the commit of messages another program wrote over succeeded")
			}
			s.Close()
			if data, _ := os.ReadFile(mbox); string(data) != content {
				t.Errorf("the other program's content was changed: %d bytes, it wrote %d", len(data), len(content))
			}
			s = open(t, mbox, state, "u@a")
			defer s.Close()
			if fresh, _ := s.Partition(uidls, list...); len(fresh) != 3 {
				t.Errorf("%d messages recorded as stored, want none", 3-len(fresh))
			}
		})
	}
}

// On a file system without hard links (link(2) fails with EPERM), the
// dot-lock is still taken (O_EXCL), holds the PID, and keeps a second
// locker out until released.
func TestDotlockWithoutHardLinks(t *testing.T) {
	saved := linkFile
	t.Cleanup(func() { linkFile = saved })
	linkFile = func(a, b string) error { return &os.LinkError{Op: "link", Old: a, New: b, Err: syscall.EPERM} }
	lock := filepath.Join(t.TempDir(), "mbox.lock")
	d, err := takeDotlock(lock, time.Now())
	if err != nil {
		t.Fatalf("without hard links: %v", err)
	}
	if pid := dotlockPID(lock); pid != os.Getpid() {
		t.Errorf("the lock holds pid %d", pid)
	}
	if _, err := takeDotlock(lock, time.Now().Add(200*time.Millisecond)); err == nil {
		t.Error("a second locker took the held lock")
	}
	d.release()
	if left, _ := filepath.Glob(lock + "*"); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// A program that ignores the locks appends again and again while the
// run writes a large message (several writes): its appends land among
// the message's writes. Every byte it wrote is kept, in order, and the
// message is recorded only if it is whole at its offset (else it stays
// on the server: Fetch's error says so).
func TestRogueAppendsDuringLargeMessage(t *testing.T) {
	be, addr := maildrop(t, 0)
	big := "Subject: big\n\n" + strings.Repeat(strings.Repeat("z", 99)+"\n", 80000) // 8 MB
	be.AddMessage("u", []byte(big))
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	s := open(t, mbox, state, "u@a")
	c := client(t, addr)
	list, uidls := listAndUIDL(t, c)
	fresh, _ := s.Partition(uidls, list...)
	stop := make(chan struct{})
	wrote := make(chan int)
	go func() {
		f, err := os.OpenFile(mbox, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			wrote <- 0
			return
		}
		defer f.Close()
		n := 0
		for {
			select {
			case <-stop:
				wrote <- n
				return
			default:
			}
			fmt.Fprintf(f, "rogue line %08d\n", n)
			n++
		}
	}()
	_, ferr := s.Fetch(context.Background(), c, fresh)
	close(stop)
	n := <-wrote
	cerr := s.Commit()
	s.Close()
	data, _ := os.ReadFile(mbox)
	// Each of its lines whole, in order (one may sit inside a line of
	// the message, where its write landed).
	rest := string(data)
	for i := range n {
		l := fmt.Sprintf("rogue line %08d\n", i)
		at := strings.Index(rest, l)
		if at < 0 {
			t.Fatalf("the other program's line %d of %d is not in the file (after the ones before)", i, n)
		}
		rest = rest[at+len(l):]
	}
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	recorded := s.Seen(uidls[0].UID)
	whole := strings.Contains(string(data), big)
	t.Logf("%d lines appended by the other program; fetch: %v; commit: %v; message whole: %v, recorded: %v", n, ferr, cerr, whole, recorded)
	if recorded && !whole {
		t.Error("the message was recorded as stored, and is not whole in the file")
	}
	if !recorded && ferr == nil && cerr == nil {
		t.Error("the message is not recorded, and nothing said so")
	}
}

// A commit that fails (here: the mbox renamed away meanwhile, by a
// program that then renames it back) after another program appended
// behind the run's messages: they cannot be cut back without cutting the
// other program's bytes, so they are kept, and the journal with them:
// the next run finds them whole at their offsets and records them, so
// they are not fetched a second time.
func TestFailedCommitKeepsJournalOfKeptMessages(t *testing.T) {
	s, mbox, state, list, uidls := fetched(t, "mbox", 3, 2)
	rogue(t, mbox, rogueMessage)
	if err := os.Rename(mbox, mbox+".away"); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err == nil {
		t.Fatal("commit of a renamed mbox succeeded")
	}
	s.Close()
	if err := os.Rename(mbox+".away", mbox); err != nil {
		t.Fatal(err)
	}
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	if fresh, _ := s.Partition(uidls, list...); len(fresh) != 1 || fresh[0].Num != 3 {
		t.Errorf("fresh %v, want message 3 only (1 and 2 are in the mbox)", fresh)
	}
	if data, _ := os.ReadFile(mbox); !strings.HasSuffix(string(data), rogueMessage) {
		t.Error("the other program's message is not at the end of the mbox")
	}
}

// Two runs of one process on one mbox under two names (the file and a
// symbolic link to it: two dot-locks, and fcntl locks do not keep a
// process from itself): the second waits for the first to close, then
// appends after its messages; neither overwrites the other.
func TestMboxTwoNamesOneProcess(t *testing.T) {
	dir := t.TempDir()
	real, link := filepath.Join(dir, "mbox"), filepath.Join(dir, "inbox")
	os.WriteFile(real, nil, 0o600)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	a, err := OpenMboxWait(real, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenMboxWait(link, 100*time.Millisecond); err == nil {
		t.Fatal("the mbox was opened under its other name while open")
	}
	opened := make(chan *Mbox)
	go func() {
		b, err := OpenMboxWait(link, 10*time.Second)
		if err != nil {
			t.Error(err)
		}
		opened <- b
	}()
	time.Sleep(50 * time.Millisecond)
	a.Append(strings.NewReader("Subject: A\n\nfirst\n"), time.Now())
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b := <-opened
	if b == nil {
		return
	}
	b.Append(strings.NewReader("Subject: B\n\nsecond\n"), time.Now())
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	b.Close()
	data, _ := os.ReadFile(real)
	if !strings.Contains(string(data), "first\n") || !strings.Contains(string(data), "second\n") || strings.Index(string(data), "first") > strings.Index(string(data), "second") {
		t.Errorf("the mbox: %q", data)
	}
}
