package mail

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"popsh/interp"
	"popsh/mailstore"
)

func TestRFC2047AndHeaderField(t *testing.T) {
	hdr := []byte("Subject: =?ISO-8859-1?Q?caf=E9?=\n =?UTF-8?B?w7xiZXI=?=\nFrom: =?windows-1252?Q?=93quoted=94?= <a@b>\n\nSubject: body\n")
	v, ok := mailstore.HeaderField(hdr, "subject")
	if !ok || rfc2047Decode(v) != "caféüber" { // RFC 2047: the space between encoded words goes
		t.Errorf("subject %q -> %q", v, rfc2047Decode(v))
	}
	v, _ = mailstore.HeaderField(hdr, "From")
	if got := rfc2047Decode(v); got != "\u201cquoted\u201d <a@b>" {
		t.Errorf("from %q", got)
	}
	if _, ok := mailstore.HeaderField(hdr, "Date"); ok {
		t.Error("found a Date field in the body")
	}
	if got := rfc2047Decode("=?x-unknown?Q?abc?="); got != "=?x-unknown?Q?abc?=" {
		t.Errorf("unknown charset: %q", got)
	}
}

func TestInstallDeliverProcedures(t *testing.T) {
	var out bytes.Buffer
	it := interp.New(interp.WithOutput(&out), interp.WithErrorOutput(&out))
	if err := installAll(it, Options{}); err != nil {
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
	// Wrong arguments are named by position, as interp's own procedures
	// name them; nothing is written.
	for _, tc := range []struct{ src, want string }{
		{`(mailbox-fetch! 1 2 3)`, "mailbox-fetch!: argument 1 (mailbox): expected a mailbox, got 1"},
		{`(mailbox-stored 5)`, "mailbox-stored: expected a mailbox, got 5"},
		{`(isatty? "0")`, `isatty?: expected an exact integer, got "0"`},
		{`(rfc2047-decode 'w)`, "rfc2047-decode: expected a string, got w"},
		{`(mail-header-field "A: 1\n" 'a)`, "mail-header-field: argument 2 (name): expected a string, got a"},
		{`(maildir-deliver "` + md + `" 5)`, "maildir-deliver: argument 2 (text): expected a string or a bytevector, got 5"},
		{`(mbox-append "` + mbox + `" "Subject: 3\n\n" 'x)`, "mbox-append: argument 3 (text): expected a string or a bytevector, got x"},
		{`(mailbox-check-uidl '((1 . 10) 2) '())`, "mailbox-check-uidl: argument 1 (sizes): element 2: expected a (msgid . size) pair, got 2"},
		{`(mailbox-check-uidl '((1 . "big")) '())`, "mailbox-check-uidl: argument 1 (sizes): element 1: expected a (msgid . size) pair, got (1 . \"big\")"},
		{`(mailbox-partition (mailbox-open "` + md + `/") '((1 . "u1")) '((1 . -5)))`, "mailbox-partition: argument 3 (sizes): element 1: expected a (msgid . size) pair, got (1 . -5)"},
		{`(mailbox-open "` + md + `/" #f "" 1e9)`, "mailbox-open: argument 4 (wait): 1e+09 seconds is out of range (0 to 86400)"},
		{`(mailbox-open "` + md + `/" 'state)`, "mailbox-open: argument 2 (state-file): expected a string or #f, got state"},
		{`(run-lock "` + filepath.Join(dir, "lock") + `" -1)`, "run-lock: argument 2 (wait): -1 seconds is out of range (0 to 86400)"},
	} {
		_, err = it.EvalString(context.Background(), tc.src, "t")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.src, err, tc.want)
		}
	}
	if b2, _ := os.ReadFile(mbox); !bytes.Equal(b2, b) {
		t.Errorf("a refused mbox-append changed the mbox")
	}
}

// TestRunLockAndErrorSide: run-lock returns the lock, or the holder's PID
// once another holds it; mailbox-check-uidl raises a protocol error that
// mail-error-side names; a destination error is named destination.
func TestRunLockAndErrorSide(t *testing.T) {
	it := interp.New()
	if err := installAll(it, Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lock := filepath.Join(dir, "st.lock")
	eval := func(src string) string {
		t.Helper()
		v, err := it.EvalString(context.Background(), src, "test")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		return interp.WriteString(v)
	}
	if got := eval(`(let ((l (run-lock "` + lock + `" 0))) (run-unlock l) (integer? l))`); got != "#f" {
		t.Errorf("run-lock on a free lock: %s", got)
	}
	f, _ := os.OpenFile(lock, os.O_RDWR, 0)
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(lock, []byte("4321\n"), 0o600)
	if got := eval(`(run-lock "` + lock + `" 0.1)`); got != "4321" {
		t.Errorf("run-lock on a held lock: %s, want the holder's pid", got)
	}
	if got := eval(`(guard (e (#t (mail-error-side e))) (mailbox-check-uidl '((1 . 10) (2 . 20)) '((1 . "a") (4 . "b"))))`); got != "protocol" {
		t.Errorf("UIDL of a message LIST lacks: side %s", got)
	}
	if got := eval(`(mailbox-check-uidl '((1 . 10) (2 . 20)) '((2 . "b")))`); got == "" {
		t.Error("no value")
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	if got := eval(`(guard (e (#t (mail-error-side e))) (mailbox-open "` + file + `/mbox"))`); got != "destination" {
		t.Errorf("unusable destination: side %s", got)
	}
	if got := eval(`(guard (e (#t (mail-error-side e))) (car 1))`); got != "#f" {
		t.Errorf("other error: side %s", got)
	}
}
