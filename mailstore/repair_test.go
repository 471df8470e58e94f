package mailstore

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ldaMessage = "From lda@example.org Mon Jan  1 00:00:00 2024\nSubject: local\n\nlocal mail\n\n"

// killedThenOther leaves an mbox as a run killed inside the write of its
// third message does, cut at cut(off, len) bytes, and then appends what
// another program writes. It returns the mbox, the state file, the
// killed run's messages and the mbox's bytes before the third one.
func killedThenOther(t *testing.T, cut func(off, n int64) int64, other string) (mbox, state string, uids []string, prefix []byte) {
	t.Helper()
	_, addr := maildrop(t, 3)
	dir := t.TempDir()
	mbox, state = filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	s := open(t, mbox, state, "u@a")
	for _, u := range fetchAll(t, s, client(t, addr)) {
		uids = append(uids, u.UID)
	}
	abandon(t, s)
	last := journalMsgs(t, state)[2]
	if err := os.Truncate(mbox, cut(last.off, last.len)); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(mbox, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(other); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(mbox)
	return mbox, state, uids, b[:last.off]
}

// After a run killed inside a message's write, another program appended
// to the mbox: recovery removes exactly the unfinished message's bytes and
// keeps every byte of the other program's, which a mail reader then sees
// as a message of its own; the unfinished message is not recorded (it
// stays on the server), the two complete ones are.
func TestRecoverRemovesUnfinishedBeforeOtherWriter(t *testing.T) {
	for _, c := range []struct {
		name  string
		cut   func(off, n int64) int64
		other string
	}{
		// An agent that does not look at how the file ends: its From_
		// line is glued to the unfinished line.
		{"mid-message", func(off, n int64) int64 { return off + n/2 }, ldaMessage},
		{"all-but-final-newline", func(off, n int64) int64 { return off + n - 1 }, ldaMessage},
		{"first-byte-only", func(off, n int64) int64 { return off + 1 }, ldaMessage},
		// A careful agent ends the unfinished line first.
		{"careful-agent", func(off, n int64) int64 { return off + n/2 }, "\n" + ldaMessage},
		{"careful-agent-blank-line", func(off, n int64) int64 { return off + n/2 }, "\n\n" + ldaMessage},
		// Two messages of the other program.
		{"two-messages", func(off, n int64) int64 { return off + n/3 }, ldaMessage + strings.Replace(ldaMessage, "local mail", "more local mail", 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			mbox, state, uids, prefix := killedThenOther(t, c.cut, c.other)
			s := open(t, mbox, state, "u@a")
			defer s.Close()
			after, _ := os.ReadFile(mbox)
			checkRepaired(t, after, prefix, c.other)
			if len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "unfinished message was removed") || !strings.Contains(s.Notes()[0], "stays on the server") {
				t.Errorf("notes %q", s.Notes())
			}
			if !s.Seen(uids[0]) || !s.Seen(uids[1]) || s.Seen(uids[2]) {
				t.Error("the two complete messages should be recorded, the unfinished one not")
			}
			if _, err := os.Stat(state + ".move"); !os.IsNotExist(err) {
				t.Errorf("the repair's record is left behind: %v", err)
			}
		})
	}
}

// checkRepaired checks that the repaired mbox is the bytes before the
// unfinished message, then every byte the other program wrote from its
// From_ line on: nothing of the unfinished message, and none of the
// newlines a careful program wrote to end its line.
func checkRepaired(t *testing.T, after, prefix []byte, other string) {
	t.Helper()
	want := string(prefix) + strings.TrimLeft(other, "\n")
	if string(after) != want {
		t.Errorf("mbox after recovery:\n%q\nwant the two complete messages and the other program's mail:\n%q", tail(after), tail([]byte(want)))
	}
	if !strings.HasSuffix(string(prefix), "\n\n") {
		t.Errorf("the complete messages do not end in a blank line: %q", tail(prefix))
	}
}

// tail returns the last 300 bytes of b, for messages.
func tail(b []byte) []byte { return b[max(0, len(b)-300):] }

// When the bytes after the unfinished message cannot be told apart from
// it, everything is kept as it is and reported, as before: no From_ line
// after it, or no spool to prove which bytes were the run's.
func TestRecoverKeepsWhatItCannotProve(t *testing.T) {
	for _, c := range []struct {
		name    string
		other   string
		noSpool bool
	}{
		{"no-from-line", "appended by something that is not a delivery agent\n", false},
		{"no-spool", ldaMessage, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			mbox, state, uids, _ := killedThenOther(t, func(off, n int64) int64 { return off + n/2 }, c.other)
			if c.noSpool {
				os.Remove(state + ".spool")
			}
			before, _ := os.ReadFile(mbox)
			s := open(t, mbox, state, "u@a")
			defer s.Close()
			if after, _ := os.ReadFile(mbox); string(after) != string(before) {
				t.Errorf("recovery changed the file: %d bytes, was %d", len(after), len(before))
			}
			if len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "stay on the server") {
				t.Errorf("notes %q", s.Notes())
			}
			if !s.Seen(uids[0]) || !s.Seen(uids[1]) || s.Seen(uids[2]) {
				t.Error("only the two verified messages should be recorded")
			}
		})
	}
}

// A run killed while moving the other program's bytes back: the next run
// finishes the move from the record, whether the kill came before any
// byte was moved, in the middle, or after the file was cut to its new
// length; when the file changed after that kill, it keeps everything,
// the record included, and says so.
func TestRecoverFinishesKilledRepair(t *testing.T) {
	for _, c := range []struct {
		name    string
		moved   func(n int64) int64 // bytes of the tail moved before the kill
		cut     bool                // the file was cut to its new length
		appendA string              // written by someone after the kill
	}{
		{"before-moving", func(n int64) int64 { return 0 }, false, ""},
		{"half-moved", func(n int64) int64 { return n / 2 }, false, ""},
		{"moved-not-cut", func(n int64) int64 { return n }, false, ""},
		{"cut-record-left", func(n int64) int64 { return n }, true, ""},
		{"changed-since", func(n int64) int64 { return n / 2 }, false, ldaMessage},
	} {
		t.Run(c.name, func(t *testing.T) {
			mbox, state, uids, prefix := killedThenOther(t, func(off, n int64) int64 { return off + n/2 }, ldaMessage)
			last := journalMsgs(t, state)[2]
			// The killed repair: the record written, then part of the move.
			m, err := OpenMbox(mbox)
			if err != nil {
				t.Fatal(err)
			}
			size := m.off
			from, ok, err := foreignStart(m.f, last, state+".spool", size)
			if err != nil || !ok {
				t.Fatalf("foreignStart: %v %v", ok, err)
			}
			rec := state + ".move"
			if err := writeMoveRecord(m, rec, from, last.off, size); err != nil {
				t.Fatal(err)
			}
			n := c.moved(size - from)
			buf := make([]byte, n)
			if _, err := m.f.ReadAt(buf, from); err != nil && err != io.EOF {
				t.Fatal(err)
			}
			if _, err := m.f.WriteAt(buf, last.off); err != nil {
				t.Fatal(err)
			}
			if c.cut {
				m.f.Truncate(last.off + size - from)
			}
			m.vanish()
			m.dotlock.release()
			if c.appendA != "" {
				f, _ := os.OpenFile(mbox, os.O_WRONLY|os.O_APPEND, 0)
				f.WriteString(c.appendA)
				f.Close()
			}
			before, _ := os.ReadFile(mbox)

			s := open(t, mbox, state, "u@a")
			defer s.Close()
			after, _ := os.ReadFile(mbox)
			if c.appendA != "" {
				if string(after) != string(before) {
					t.Errorf("recovery changed a file that changed after the killed repair")
				}
				if _, err := os.Stat(rec); err != nil {
					t.Errorf("the record holding the other program's bytes was removed: %v", err)
				}
				if len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "cannot be finished") || !strings.Contains(s.Notes()[0], rec) {
					t.Errorf("notes %q", s.Notes())
				}
				if s.Seen(uids[0]) || s.Seen(uids[1]) || s.Seen(uids[2]) {
					t.Error("nothing should be recorded when the repair cannot be finished")
				}
				return
			}
			checkRepaired(t, after, prefix, ldaMessage)
			if _, err := os.Stat(rec); !os.IsNotExist(err) {
				t.Errorf("the repair's record is left behind: %v", err)
			}
			if len(s.Notes()) == 0 || !strings.Contains(s.Notes()[0], "finished an interrupted repair") {
				t.Errorf("notes %q", s.Notes())
			}
			if !s.Seen(uids[0]) || !s.Seen(uids[1]) || s.Seen(uids[2]) {
				t.Error("the two complete messages should be recorded, the unfinished one not")
			}
		})
	}
}

// After a run killed inside a message's write, a reader took the whole
// mbox and emptied it (as mail(1) does), and deliveries refilled it past
// where the unfinished message began, a blank line and a From_ line
// falling there: nothing of the killed run is left to remove. The file
// is kept as it is, the unfinished message stays on the server, and the
// run goes on.
func TestRecoverAfterMboxEmptied(t *testing.T) {
	mbox, state, uids, _ := killedThenOther(t, func(off, n int64) int64 { return off + n/2 }, "")
	last := journalMsgs(t, state)[2]
	// New deliveries that put "\nFrom " at the unfinished message's offset.
	filler := "From lda@example.org Mon Jan  1 00:00:00 2024\nSubject: filler\n\n"
	body := strings.Repeat("x", int(last.off)-len(filler)-1)
	content := filler + body + "\n" + "\n" + ldaMessage
	if err := os.WriteFile(mbox, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if content[last.off:last.off+6] != "\nFrom " {
		t.Fatalf("the test's mbox: %q at the offset", content[last.off:last.off+6])
	}
	s, err := Open(mbox, Options{StateFile: state, Account: "u@a"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, _ := os.ReadFile(mbox); string(b) != content {
		t.Errorf("recovery changed the file")
	}
	if s.Seen(uids[2]) {
		t.Error("the unfinished message is recorded")
	}
	if len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "stay on the server") {
		t.Errorf("notes %q", s.Notes())
	}
}
