package mailstore

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMaildirDeliver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Mail")
	md, err := OpenMaildir(dir + "/")
	if err != nil {
		t.Fatal(err)
	}
	name, err := md.Deliver(strings.NewReader("Subject: x\n\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "new", name))
	if err != nil || string(b) != "Subject: x\n\nbody\n" {
		t.Fatalf("new/%s = %q, %v", name, b, err)
	}
	if !md.delivered(name) {
		t.Error("delivered() does not find new/ file")
	}
	os.Rename(filepath.Join(dir, "new", name), filepath.Join(dir, "cur", name+":2,S"))
	if !md.delivered(name) {
		t.Error("delivered() does not find a cur/ file with flags")
	}
	// A reader that fails leaves nothing in tmp/ or new/.
	if _, err := md.Deliver(&failingReader{after: "Subject: y\n\npart"}); err == nil {
		t.Error("a failing reader was delivered")
	}
	for _, sub := range []string{"tmp", "new"} {
		ents, _ := os.ReadDir(filepath.Join(dir, sub))
		if len(ents) != 0 {
			t.Errorf("%s/ holds %d files after a failed delivery", sub, len(ents))
		}
	}
}

type failingReader struct {
	after string
	done  bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, r.after), nil
	}
	return 0, errors.New("connection reset")
}

func TestMboxAppendQuotingAndTruncation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbox")
	os.WriteFile(path, []byte("From a Mon Jan  1 00:00:00 2024\n\nold\n\n"), 0o600)
	m, err := OpenMbox(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 22, 50, 36, 0, time.UTC)
	if err := m.Append(strings.NewReader("Return-Path: <ann@example.org>\nSubject: q\n\nFrom here\n>From there\n>>From x\nFrom: no space\nno newline"), now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("no dot-lock while open: %v", err)
	}
	if err := m.Append(&failingReader{after: "Subject: cut\n\nhalf a mess"}, now); err == nil {
		t.Error("a failing reader was appended")
	}
	if err := m.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "From a Mon Jan  1 00:00:00 2024\n\nold\n\n" +
		"From ann@example.org Wed Nov 25 22:50:36 2026\nReturn-Path: <ann@example.org>\nSubject: q\n\n>From here\n>>From there\n>>>From x\nFrom: no space\nno newline\n\n"
	if string(b) != want {
		t.Errorf("mbox =\n%q\nwant\n%q", b, want)
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("dot-lock left: %v", err)
	}
	// Not committed: Close takes the file back.
	m, err = OpenMbox(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Append(strings.NewReader("Subject: dropped\n\nx\n"), now)
	m.Close()
	if b2, _ := os.ReadFile(path); string(b2) != want {
		t.Errorf("an uncommitted append stayed: %q", b2[len(want):])
	}
}

func TestMboxStaleDotlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbox")
	// A lock of a dead process (PID far above pid_max) is taken over.
	os.WriteFile(path+".lock", []byte("999999999\n"), 0o644)
	m, err := OpenMbox(path)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	m.Close()
	if staleDotlock(path + ".lock") {
		t.Error("no lock file reported stale")
	}
	os.WriteFile(path+".lock", []byte("1\n"), 0o644) // init is alive
	if staleDotlock(path + ".lock") {
		t.Error("a live process's lock reported stale")
	}
}

func TestMboxCommitFullDisk(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer f.Close()
	// Writes to /dev/full fail with ENOSPC: the append and the commit
	// must fail, not report success.
	m := &Mbox{path: "/dev/full", f: f, w: bufio.NewWriterSize(f, 4096)}
	err = m.Append(strings.NewReader(strings.Repeat("x", 1<<20)), time.Now())
	if err == nil {
		err = m.Commit()
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("append to a full device: %v, want ENOSPC", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state")
	for _, s := range []string{"one\n", "two\n"} {
		if err := WriteFileAtomic(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		if string(b) != s {
			t.Errorf("content %q, want %q", b, s)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %d entries", len(ents))
	}
	if err := WriteFileAtomic(filepath.Join(dir, "no", "such"), []byte("x"), 0o600); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestHeaderField(t *testing.T) {
	hdr := []byte("Subject: a\n b\nFrom: x\n\nDate: body\n")
	if v, ok := HeaderField(hdr, "subject"); !ok || v != "a b" {
		t.Errorf("subject %q %v", v, ok)
	}
	if _, ok := HeaderField(hdr, "Date"); ok {
		t.Error("found a Date field in the body")
	}
}

// A file left ending inside a message (a writer killed mid-append, or one
// that wrote no blank line) keeps its bytes, and the next message still
// starts on a "From " line of its own after a blank line.
func TestMboxAppendAfterUnfinishedMessage(t *testing.T) {
	for _, tc := range []struct{ before, want string }{
		{"From a Mon Jan  1 00:00:00 2024\nSubject: cut", "From a Mon Jan  1 00:00:00 2024\nSubject: cut\n\n"},
		{"From a Mon Jan  1 00:00:00 2024\nSubject: one\n", "From a Mon Jan  1 00:00:00 2024\nSubject: one\n\n"},
		{"From a Mon Jan  1 00:00:00 2024\nSubject: two\n\n", "From a Mon Jan  1 00:00:00 2024\nSubject: two\n\n"},
		{"", ""},
	} {
		path := filepath.Join(t.TempDir(), "M")
		if err := os.WriteFile(path, []byte(tc.before), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := OpenMbox(path)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
		if err := m.Append(strings.NewReader("Subject: ours\n\nbody\n"), now); err != nil {
			t.Fatal(err)
		}
		if err := m.Commit(); err != nil {
			t.Fatal(err)
		}
		m.Close()
		got, _ := os.ReadFile(path)
		want := tc.want + "From MAILER-DAEMON Wed Dec  2 00:00:00 2026\nSubject: ours\n\nbody\n\n"
		if string(got) != want {
			t.Errorf("after %q:\n got %q\nwant %q", tc.before, got, want)
		}
	}
}
