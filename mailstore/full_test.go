package mailstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"popsh/pop3"
)

// fullEnv makes the test binary a run whose files may not grow past a
// size (RLIMIT_FSIZE; the Go runtime ignores SIGXFSZ, so writes past it
// fail with EFBIG): "ADDR MBOX STATE LIMIT". It fetches every message,
// commits and closes, as movemail does, and exits 0 whatever failed.
const fullEnv = "MAILSTORE_TEST_FULL"

func fullRun() int {
	var addr, mbox, state string
	var limit uint64
	fmt.Sscan(os.Getenv(fullEnv), &addr, &mbox, &state, &limit)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fmt.Println(err)
		return 1
	}
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{TLS: pop3.PlainText})
	if err == nil {
		_, err = c.Login(ctx, "u", "pw")
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	s, err := Open(mbox, Options{StateFile: state, Account: "u@a"})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	uidls, _ := c.UIDL(ctx)
	fresh, _ := s.Partition(uidls)
	_, err = s.Fetch(ctx, c, fresh)
	fmt.Println("fetch:", err)
	fmt.Println("commit:", s.Commit())
	fmt.Println("close:", s.Close())
	return 0
}

// The mbox fills up in the middle of the third message: its append is
// undone, and the commit then makes the first two durable and says so in
// the journal ("c"); the state file, too large for what is left, cannot
// be written, so the journal stays for the next run. That run records
// the two messages in the mbox, not the third: the journal's "c" does
// not vouch for an append that was undone (it did, and the third message
// was taken for stored: never fetched again with --keep, deleted on the
// server without).
func TestCommitDoesNotVouchForUndoneAppend(t *testing.T) {
	_, addr := maildrop(t, 4)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	// A state file of 1600 bytes: too large to be written again.
	var sb strings.Builder
	sb.WriteString(stateHeaderV2 + "\ndest \"other@b\" \"/elsewhere\"\n")
	for i := 0; sb.Len() < 1600; i++ {
		fmt.Fprintf(&sb, "uid-of-another-account-%04d\n", i)
	}
	os.WriteFile(state, []byte(sb.String()), 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %s %d", fullEnv, addr, mbox, state, 1200))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "file too large") {
		t.Fatalf("the run: %v\n%s", err, out)
	}
	j := journalMsgs(t, state)
	if len(j) != 2 {
		t.Errorf("the journal lists %d messages as appended, want 2\n%s", len(j), out)
	}
	mb, _ := os.ReadFile(mbox)
	if n := strings.Count(string(mb), "\nFrom ") + 1; n != 2 || !strings.Contains(string(mb), "Message-ID: <2@test>") {
		t.Fatalf("the mbox holds %d messages: %q", n, mb)
	}
	// The next run, with room again.
	s := open(t, mbox, state, "u@a")
	defer s.Close()
	uids := map[string]bool{}
	for _, u := range fetchUIDLs(t, addr) {
		uids[strconv.Itoa(u.Num)] = s.Seen(u.UID)
	}
	if !uids["1"] || !uids["2"] || uids["3"] || uids["4"] {
		t.Errorf("recorded as stored: %v, want 1 and 2 only", uids)
	}
}

func fetchUIDLs(t *testing.T, addr string) []pop3.MsgUID {
	t.Helper()
	u, err := client(t, addr).UIDL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The journal cannot be written in the middle of a fetch (its disk
// full, its descriptor lost): it no longer tells what the mbox holds, so
// the commit takes the append back out of the mbox and records nothing,
// rather than record messages a killed run's recovery could not vouch
// for.
func TestCommitUndoesAppendWhenJournalFails(t *testing.T) {
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	mbox, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	old := "From x Mon Jan  1 00:00:00 2024\n\nold\n\n"
	os.WriteFile(mbox, []byte(old), 0o600)
	s := open(t, mbox, state, "u@a")
	c := client(t, addr)
	uidls, err := c.UIDL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Fetch(context.Background(), c, uidls[:2]); err != nil {
		t.Fatal(err)
	}
	s.journal.Close() // its next line fails
	if _, err := s.Fetch(context.Background(), c, uidls[2:]); err == nil {
		t.Fatal("the fetch went on without its journal")
	}
	if err := s.Commit(); err == nil || !strings.Contains(err.Error(), "taken out again") {
		t.Errorf("commit: %v", err)
	}
	s.Close()
	if b, _ := os.ReadFile(mbox); string(b) != old {
		t.Errorf("the mbox keeps the append: %d bytes", len(b))
	}
	s = open(t, mbox, state, "u@a")
	defer s.Close()
	for _, u := range uidls {
		if s.Seen(u.UID) {
			t.Errorf("%s recorded", u.UID)
		}
	}
}
