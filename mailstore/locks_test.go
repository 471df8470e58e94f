package mailstore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// holdEnv makes the test binary a lock holder: it takes the fcntl lock of
// the file named, says "locked" on stdout, and lets go when its stdin
// closes (fcntl locks belong to a process: the test's own would not
// stop it).
const holdEnv = "MAILSTORE_TEST_HOLD_FCNTL"

func TestMain(m *testing.M) {
	if os.Getenv(fullEnv) != "" {
		os.Exit(fullRun())
	}
	if path := os.Getenv(holdEnv); path != "" {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err == nil {
			lk := syscall.Flock_t{Type: syscall.F_WRLCK}
			err = syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk)
		}
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdFcntl has another process take the fcntl lock of path; the
// returned function releases it (and is called at the end of the test).
func holdFcntl(t *testing.T, path string) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("lock holder: %q", line)
	}
	done := false
	release = func() {
		if !done {
			done = true
			in.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return cmd.Process.Pid, release
}

// Another program holding an mbox's locks longer than the wait: the open
// gives up, naming the holder, having written nothing; it leaves no
// dot-lock of its own behind, and the other program's in place.
func TestOpenMboxGivesUpOnHeldLocks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mbox")
	old := "From x Mon Jan  1 00:00:00 2024\n\nold\n\n"
	os.WriteFile(path, []byte(old), 0o600)

	pid, release := holdFcntl(t, path)
	_, err := OpenMboxWait(path, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("fcntl lock: held by another process (pid %d); gave up waiting", pid)) {
		t.Errorf("fcntl lock held: %v", err)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dot-lock is left behind after giving up: %v", err)
	}
	release()

	// A dot-lock of a live process (init).
	os.WriteFile(path+".lock", []byte("1\n"), 0o644)
	_, err = OpenMboxWait(path, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "held by another process (pid 1); gave up waiting") {
		t.Errorf("dot-lock held: %v", err)
	}
	if b, _ := os.ReadFile(path + ".lock"); string(b) != "1\n" {
		t.Errorf("the other program's dot-lock was touched: %q", b)
	}
	os.Remove(path + ".lock")
	if b, _ := os.ReadFile(path); string(b) != old {
		t.Errorf("the mbox changed: %q", b)
	}
	m, err := OpenMboxWait(path, 0)
	if err != nil {
		t.Fatalf("free again: %v", err)
	}
	m.Close()
}

// A program that rewrites the mbox holding only its fcntl lock renames a
// new file over the path while movemail waits for that lock: the lock
// then taken is the new file's, and the append goes where readers look.
func TestOpenMboxFileReplacedWhileWaiting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mbox")
	os.WriteFile(path, []byte("From x Mon Jan  1 00:00:00 2024\n\nold\n\n"), 0o600)
	os.Link(path, path+".old") // the replaced file, to look at afterwards
	_, release := holdFcntl(t, path)
	type opened struct {
		m   *Mbox
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		m, err := OpenMboxWait(path, time.Minute)
		ch <- opened{m, err}
	}()
	// Once the open waits for the fcntl lock (it holds the dot-lock),
	// the other program replaces the file and lets go.
	for deadline := time.Now().Add(time.Minute); ; {
		if _, err := os.Stat(path + ".lock"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the open never took the dot-lock")
		}
		time.Sleep(time.Millisecond)
	}
	rewritten := "From x Mon Jan  1 00:00:00 2024\n\nrewritten\n\n"
	os.WriteFile(path+".new", []byte(rewritten), 0o600)
	os.Rename(path+".new", path)
	release()
	o := <-ch
	if o.err != nil {
		t.Fatal(o.err)
	}
	if err := o.m.Append(strings.NewReader("Subject: new\n\nnew\n"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := o.m.Commit(); err != nil {
		t.Fatal(err)
	}
	o.m.Close()
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), rewritten) || !strings.HasSuffix(string(b), "\nSubject: new\n\nnew\n\n") {
		t.Errorf("the mbox: %q", b)
	}
	if b, _ := os.ReadFile(path + ".old"); strings.Contains(string(b), "new") {
		t.Errorf("appended to the replaced file: %q", b)
	}
}

// A program that ignores the locks renames the mbox away while a run
// appends (and may remove it next): the commit fails, the replaced file
// is taken back to where it was, nothing is recorded, and the messages
// stay on the server for the next run.
func TestCommitFailsWhenMboxRenamedAway(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	s := open(t, mbox, state, "u@a")
	uids := fetchAll(t, s, client(t, addr))
	if err := os.Rename(mbox, mbox+".1"); err != nil {
		t.Fatal(err)
	}
	err := s.Commit()
	if err == nil || !strings.Contains(err.Error(), "renamed or removed by another program") {
		t.Fatalf("commit after the mbox was renamed away: %v", err)
	}
	s.Close()
	if st, err := os.Stat(mbox + ".1"); err != nil || st.Size() != 0 {
		t.Errorf("the renamed file keeps the uncommitted append: %v", st.Size())
	}
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	for _, u := range uids {
		if s.Seen(u.UID) {
			t.Errorf("message %s recorded as stored", u.UID)
		}
	}
}

// Dot-locks of other programs are not removed: not the one that
// replaced this run's (broken by someone who took it for stale), not a
// live one that replaced a stale one about to be broken. A lock file
// with this process's PID that it does not hold is stale (an earlier
// process had the PID). A held lock is touched, so that it never looks
// stale by its age.
func TestDotlockOwnership(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mbox")
	m, err := OpenMboxWait(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path + ".lock")
	os.WriteFile(path+".lock", []byte("1\n"), 0o644)
	m.Close()
	if b, _ := os.ReadFile(path + ".lock"); string(b) != "1\n" {
		t.Errorf("closing removed another program's dot-lock: %q", b)
	}

	// Judged stale, then replaced by a live lock before it is broken.
	os.WriteFile(path+".lock", []byte("999999999\n"), 0o644)
	j, stale := judgeDotlock(path + ".lock")
	if !stale {
		t.Fatal("a dead process's lock not stale")
	}
	os.Remove(path + ".lock")
	os.WriteFile(path+".lock", []byte("1\n"), 0o644)
	breakDotlock(path+".lock", j)
	if b, _ := os.ReadFile(path + ".lock"); string(b) != "1\n" {
		t.Errorf("a live lock was broken: %q", b)
	}
	if ents, _ := filepath.Glob(path + ".lock.stale*"); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
	os.Remove(path + ".lock")

	// This process's PID, not held by it.
	os.WriteFile(path+".lock", []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	m, err = OpenMboxWait(path, 0)
	if err != nil {
		t.Fatalf("a lock with this process's PID, not held: %v", err)
	}
	// ... and held: another open waits for it.
	if _, err := OpenMboxWait(path, 50*time.Millisecond); err == nil {
		t.Error("the same mbox opened twice at once")
	}

	// Touched while held.
	defer func(d time.Duration) { touchEvery = d }(touchEvery)
	touchEvery = 5 * time.Millisecond
	m.Close()
	m, err = OpenMboxWait(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(path+".lock", hourAgo, hourAgo)
	for deadline := time.Now().Add(time.Minute); ; {
		if st, err := os.Stat(path + ".lock"); err == nil && time.Since(st.ModTime()) < StaleLockAge {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the held dot-lock is never touched")
		}
		time.Sleep(time.Millisecond)
	}
}

// vanish closes the mbox's descriptors as a killed process's end does,
// and forgets that this process has the file open (leaving its dot-lock).
func (m *Mbox) vanish() {
	m.af.Close()
	m.f.Close()
	unclaim(openMboxes, &openMboxesMu, m.key)
}
