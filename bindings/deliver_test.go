package bindings

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/interp"
)

func TestMaildirDeliverOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Mail")
	md, err := openMaildir(dir)
	if err != nil {
		t.Fatal(err)
	}
	name, err := md.deliverOne(strings.NewReader("Subject: x\n\nbody\n"))
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
	if _, err := md.deliverOne(&failingReader{after: "Subject: y\n\npart"}); err == nil {
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
	m, err := openMbox(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 22, 50, 36, 0, time.UTC)
	if err := m.appendMessage(strings.NewReader("Return-Path: <ann@example.org>\nSubject: q\n\nFrom here\n>From there\n>>From x\nFrom: no space\nno newline"), now); err != nil {
		t.Fatal(err)
	}
	// Another lock holder must wait: the dot-lock is held.
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("no dot-lock while open: %v", err)
	}
	if err := m.appendMessage(&failingReader{after: "Subject: cut\n\nhalf a mess"}, now); err == nil {
		t.Error("a failing reader was appended")
	}
	if err := m.commit(); err != nil {
		t.Fatal(err)
	}
	if err := m.close(); err != nil {
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
}

func TestMboxStaleDotlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbox")
	// A lock of a dead process (PID far above pid_max) is taken over.
	os.WriteFile(path+".lock", []byte("999999999\n"), 0o644)
	m, err := openMbox(path)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	m.close()
	// A live holder's lock is respected.
	if staleDotlock(path + ".lock") {
		t.Error("no lock file reported stale")
	}
	os.WriteFile(path+".lock", []byte("1\n"), 0o644) // init is alive
	if staleDotlock(path + ".lock") {
		t.Error("a live process's lock reported stale")
	}
}

func TestMboxCommitFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	// Writes to /dev/full fail with ENOSPC: the append and the commit
	// must fail, not report success.
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	m := &mbox{path: "/dev/full", f: f}
	m.w = bufioWriter(f)
	err = m.appendMessage(strings.NewReader(strings.Repeat("x", 1<<20)), time.Now())
	if err == nil {
		err = m.commit()
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("append to a full device: %v, want ENOSPC", err)
	}
	f.Close()
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state")
	for _, s := range []string{"one\n", "two\n"} {
		if err := writeFileAtomic(p, []byte(s), 0o600); err != nil {
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
	if err := writeFileAtomic(filepath.Join(dir, "no", "such"), []byte("x"), 0o600); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestJournalRecoveryMbox(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mbox")
	state := filepath.Join(dir, "st")
	// A run that appended without committing (killed): its tail goes.
	b, err := openMailbox(path, state)
	if err != nil {
		t.Fatal(err)
	}
	b.journalLine(false)
	b.mb.appendMessage(strings.NewReader("Subject: a\n\na\n"), time.Now())
	b.journalLine(false, "i uid-a")
	b.mb.w.Flush()
	b.mb.f.Close() // as if killed: no commit, locks dropped
	os.Remove(path + ".lock")
	b.journal.Close()
	if st, _ := os.Stat(path); st.Size() == 0 {
		t.Fatal("test setup: nothing appended")
	}
	b2, err := openMailbox(path, state)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Errorf("uncommitted tail not truncated: %d bytes", st.Size())
	}
	if b2.seen["uid-a"] {
		t.Error("an uncommitted message is recorded as stored")
	}
	// A committed run killed before the state was written: recorded.
	b2.journalLine(false)
	b2.mb.appendMessage(strings.NewReader("Subject: b\n\nb\n"), time.Now())
	b2.journalLine(false, "i uid-b")
	b2.mb.commit()
	b2.journalLine(true, "c")
	b2.mb.f.Close()
	os.Remove(path + ".lock")
	b3, err := openMailbox(path, state)
	if err != nil {
		t.Fatal(err)
	}
	defer b3.close()
	if !b3.seen["uid-b"] {
		t.Error("a committed message is not recorded after recovery")
	}
	if _, err := os.Stat(state + ".journal"); !os.IsNotExist(err) {
		t.Error("journal left after recovery")
	}
}

func TestRFC2047AndHeaderField(t *testing.T) {
	hdr := []byte("Subject: =?ISO-8859-1?Q?caf=E9?=\n =?UTF-8?B?w7xiZXI=?=\nFrom: =?windows-1252?Q?=93quoted=94?= <a@b>\n\nSubject: body\n")
	v, ok := headerField(hdr, "subject")
	if !ok || rfc2047Decode(v) != "caféüber" { // RFC 2047: the space between encoded words goes
		t.Errorf("subject %q -> %q", v, rfc2047Decode(v))
	}
	v, _ = headerField(hdr, "From")
	if got := rfc2047Decode(v); got != "\u201cquoted\u201d <a@b>" {
		t.Errorf("from %q", got)
	}
	if _, ok := headerField(hdr, "Date"); ok {
		t.Error("found a Date field in the body")
	}
	if got := rfc2047Decode("=?x-unknown?Q?abc?="); got != "=?x-unknown?Q?abc?=" {
		t.Errorf("unknown charset: %q", got)
	}
}

func TestInstallDeliverProcedures(t *testing.T) {
	var out bytes.Buffer
	it := interp.New(interp.WithOutput(&out), interp.WithErrorOutput(&out))
	if err := Install(it, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := InstallDeliver(it); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	md := filepath.Join(dir, "md")
	mbox := filepath.Join(dir, "mbox")
	for _, src := range []string{
		`(maildir-deliver "` + md + `" "Subject: s\n\nx\n")`,
		`(mbox-append "` + mbox + `" "Subject: 1\n\nFrom x\n" "Subject: 2\n\ny")`,
		`(write-file-atomic "` + filepath.Join(dir, "f") + `" "content")`,
		`(rfc2047-decode "=?UTF-8?Q?=C3=A9t=C3=A9?=")`,
		`(mail-header-field "A: 1\nB: 2\n 3\n\n" "b")`,
		`(isatty? 255)`,
	} {
		v, err := it.EvalString(context.Background(), src, "test")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		t.Logf("%s => %s", src, interp.WriteString(v))
	}
	if v, _ := it.EvalString(context.Background(), `(rfc2047-decode "=?UTF-8?Q?=C3=A9t=C3=A9?=")`, "t"); interp.WriteString(v) != `"été"` {
		t.Errorf("rfc2047-decode = %s", interp.WriteString(v))
	}
	if v, _ := it.EvalString(context.Background(), `(mail-header-field "A: 1\nB: 2\n 3\n\n" "b")`, "t"); interp.WriteString(v) != `"2 3"` {
		t.Errorf("mail-header-field = %s", interp.WriteString(v))
	}
	ents, _ := os.ReadDir(filepath.Join(md, "new"))
	if len(ents) != 1 {
		t.Errorf("maildir-deliver: %d files in new/", len(ents))
	}
	b, _ := os.ReadFile(mbox)
	if strings.Count(string(b), "\nFrom MAILER-DAEMON ")+1 != 2 || !strings.Contains(string(b), "\n>From x\n") || !strings.HasSuffix(string(b), "\ny\n\n") {
		t.Errorf("mbox-append wrote %q", b)
	}
	// Errors name the procedure and keep the file error.
	_, err := it.EvalString(context.Background(), `(maildir-deliver "/proc/version/x" "m")`, "t")
	if err == nil || !strings.Contains(err.Error(), "maildir") {
		t.Errorf("maildir-deliver into a file: %v", err)
	}
	_, err = it.EvalString(context.Background(), `(mailbox-fetch! 1 2 3)`, "t")
	if err == nil || !strings.Contains(err.Error(), "mailbox") {
		t.Errorf("mailbox-fetch! on a non-mailbox: %v", err)
	}
}

func bufioWriter(f *os.File) *bufio.Writer { return bufio.NewWriterSize(f, 4096) }
