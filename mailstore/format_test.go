package mailstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One state file version carries both what a UIDL server needs (each
// UIDL with its LIST size) and what a server without UIDL needs (the
// digests of messages whose deletion was not confirmed). A message whose
// UIDL is "nouidl" is a UIDL line, not a digest: a size never has 64
// digits.
func TestStateVersion3SizesAndDigests(t *testing.T) {
	d := strings.Repeat("9c", 32)
	text := "popsh-uidls 3\n" +
		"dest \"a\" \"/b\"\n" +
		"U1 120\n" +
		"U2\n" +
		"nouidl\n" +
		"nouidl 7\n" +
		"nouidl " + d + "\n" +
		"nouidl " + d + "\n" +
		"dest \"a\" \"/c\"\n" +
		"nouidl " + d + "\n"
	p := filepath.Join(t.TempDir(), "state")
	os.WriteFile(p, []byte(text), 0o600)
	s, err := readState(p)
	if err != nil {
		t.Fatal(err)
	}
	b, c := stateKey{"a", "/b"}, stateKey{"a", "/c"}
	want := uidSet{"U1": 120, "U2": noSize, "nouidl": 7}
	if got := s.sections[b]; len(got) != len(want) || got["U1"] != 120 || got["U2"] != noSize || got["nouidl"] != 7 {
		t.Errorf("UIDLs of /b: %v, want %v", got, want)
	}
	if n := s.digests(b)[d]; n != 2 {
		t.Errorf("digest count of /b: %d, want 2", n)
	}
	if n := s.digests(c)[d]; n != 1 || len(s.sections[c]) != 0 {
		t.Errorf("/c: digest count %d, UIDLs %v; want 1 and none", n, s.sections[c])
	}
	if err := s.write(p); err != nil {
		t.Fatal(err)
	}
	// Written back the same (the "nouidl" line without size is the UIDL
	// "nouidl", whose size a later line gave).
	wantText := "popsh-uidls 3\n" +
		"dest \"a\" \"/b\"\n" +
		"U1 120\n" +
		"U2\n" +
		"nouidl 7\n" +
		"nouidl " + d + "\n" +
		"nouidl " + d + "\n" +
		"dest \"a\" \"/c\"\n" +
		"nouidl " + d + "\n"
	if got, _ := os.ReadFile(p); string(got) != wantText {
		t.Errorf("written as:\n%s\nwant:\n%s", got, wantText)
	}

	// addState keeps the sizes and the digests of the other branch of
	// the record.
	if err := addState(p, b, []storedUID{{"U3", 55}}, []string{d}); err != nil {
		t.Fatal(err)
	}
	s, err = readState(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.sections[b]; got["U1"] != 120 || got["U3"] != 55 || s.digests(b)[d] != 2 {
		t.Errorf("after addState: UIDLs %v, digest count %d", got, s.digests(b)[d])
	}
}

// A state file of an unknown version, or a version 2 file with what
// only version 3 holds, is refused with an error naming the problem; the
// file is left as it is.
func TestStateUnknownVersionRefused(t *testing.T) {
	d := strings.Repeat("9c", 32)
	for name, c := range map[string]struct{ text, want string }{
		"version 4":        {"popsh-uidls 4\ndest \"a\" \"/b\"\nU1 1 x\n", "version 4"},
		"not popsh":        {"hello\n", "not a popsh UIDL state file"},
		"v2 with a size":   {"popsh-uidls 2\ndest \"a\" \"/b\"\nU1 120\n", "not a UIDL"},
		"v2 with a digest": {"popsh-uidls 2\ndest \"a\" \"/b\"\nnouidl " + d + "\n", "not a UIDL"},
		"v3 bad digest":    {"popsh-uidls 3\ndest \"a\" \"/b\"\nnouidl " + strings.Repeat("X", 64) + "\n", "malformed message digest"},
		"v3 bad size":      {"popsh-uidls 3\ndest \"a\" \"/b\"\nU1 -5\n", "not a UIDL"},
	} {
		p := filepath.Join(t.TempDir(), "state")
		os.WriteFile(p, []byte(c.text), 0o600)
		_, err := readState(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, c.want)
		}
		if b, _ := os.ReadFile(p); string(b) != c.text {
			t.Errorf("%s: the file was changed", name)
		}
	}
}

// One journal version carries each message's LIST size and, for a
// message without UIDL, its digest, in Maildir and mbox lines alike.
func TestJournalVersion3SizeAndDigest(t *testing.T) {
	d := strings.Repeat("ab", 32)
	sha := strings.Repeat("01", 32)
	dir := t.TempDir()
	for _, c := range []struct {
		name, head, body string
		check            func(t *testing.T, j *journal)
	}{
		{"maildir", "maildir", "i U1 120 \"1.M1P2.my host,S=3\"\ni -" + d + " - \"2.M2P2.h\"\ni - - \"3.M3P2.h\"\n",
			func(t *testing.T, j *journal) {
				want := []journalFile{{"U1", "", "1.M1P2.my host,S=3", 120}, {"", d, "2.M2P2.h", noSize}, {"", "", "3.M3P2.h", noSize}}
				if len(j.files) != len(want) {
					t.Fatalf("files %v, want %v", j.files, want)
				}
				for i := range want {
					if j.files[i] != want[i] {
						t.Errorf("file %d: %+v, want %+v", i, j.files[i], want[i])
					}
				}
			}},
		{"mbox", "mbox 0 1 2", "m U1 120 0 130 " + sha + "\nm -" + d + " - 131 40 " + sha + "\nc\n",
			func(t *testing.T, j *journal) {
				if len(j.msgs) != 2 || !j.committed {
					t.Fatalf("msgs %+v committed %v", j.msgs, j.committed)
				}
				if m := j.msgs[0]; m.uid != "U1" || m.size != 120 || m.digest != "" || m.off != 0 || m.len != 130 {
					t.Errorf("first message %+v", m)
				}
				if m := j.msgs[1]; m.uid != "" || m.size != noSize || m.digest != d || m.off != 131 || m.len != 40 {
					t.Errorf("second message %+v", m)
				}
				var r recovery
				r.addAll(j.msgs)
				if len(r.uids) != 1 || r.uids[0] != (storedUID{"U1", 120}) || len(r.digests) != 1 || r.digests[0] != d {
					t.Errorf("recorded: UIDLs %v, digests %v", r.uids, r.digests)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".journal")
			os.WriteFile(p, []byte(journalHeader+"\n"+c.head+"\n/dest\n\"a\"\n"+c.body), 0o600)
			j, err := readJournal(p)
			if err != nil || j == nil {
				t.Fatalf("readJournal: %v, %v", j, err)
			}
			c.check(t, j)
		})
	}
	p := filepath.Join(dir, "later.journal")
	os.WriteFile(p, []byte("popsh-journal 4\nmaildir\n/dest\n\"a\"\n"), 0o600)
	if _, err := readJournal(p); err == nil || !strings.Contains(err.Error(), "version 4") {
		t.Errorf("journal of version 4: error %v, want one naming the version", err)
	}
}

// Messages of a server without UIDL recognized as stored by an earlier
// run are not this run's appends: when another program ignoring the
// locks appended to the mbox meanwhile, the commit's check of the run's
// messages skips them (they have no offset in this run), and the commit
// records the run's new message.
func TestRecognizedMessagesCommitAfterRogueAppend(t *testing.T) {
	ctx := context.Background()
	be, addr, dest, state := unconfirmedSession(t)
	be.AddMessage("u", []byte("Subject: new\n\nnew mail\n"))
	s := open(t, dest, state, "u@a")
	defer s.Close()
	c := client(t, addr)
	if n, err := s.Fetch(ctx, c, listAll(t, c)); n != 1 || err != nil {
		t.Fatalf("Fetch = %d, %v; want the new message only", n, err)
	}
	rogue(t, dest, rogueMessage)
	if err := s.Commit(); err != nil {
		t.Fatalf("Commit after another program appended: %v", err)
	}
	if got := s.Stored(); len(got) != 3 {
		t.Errorf("Stored() = %v, want 3 messages (2 recognized, 1 new)", got)
	}
	if n := countStored(t, dest); n != 4 {
		t.Errorf("%d messages in the mbox, want 4 (2 + 1 new + the other program's)", n)
	}
}
