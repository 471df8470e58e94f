package mail

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

func TestPOP3ResponseCodes(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
		{Command: "APOP", Reply: "-ERR [IN-USE] maildrop locked by another session"},
		{Command: "RETR", Nth: 1, Reply: "-ERR [SYS/TEMP] disk on fire, try later"},
	}}})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	got := e.must(`(guard (c ((-ERR? c) (list (pop3-error-code c) (pop3-error-text c)))) (pop3-login conn))`)
	if got != `("IN-USE" "maildrop locked by another session")` {
		t.Errorf("IN-USE condition = %s", got)
	}
	e.must(`(pop3-close conn)`)
	e.srv.SetFaults(server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 1, Reply: "-ERR [SYS/TEMP] disk on fire, try later"}}})
	e.connectLogin()
	got = e.must(`(guard (c ((-ERR? c) (list (pop3-error-code c) (pop3-error-text c) (pop3-error-command c)))) (pop3-get conn 1))`)
	if got != `("SYS/TEMP" "disk on fire, try later" "RETR 1")` {
		t.Errorf("SYS/TEMP condition = %s", got)
	}
	if got := e.must(`(with-output-to-string (lambda () (pop3-get conn 1)))`); got != fmt.Sprintf("%q", lfText(0)) {
		t.Errorf("retry after SYS/TEMP = %s", got)
	}
}

func TestPOP3SessionCommands(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) list)`); got != fmt.Sprintf("(3 %d)", e.dropSize()) {
		t.Errorf("stat = %s", got)
	}
	if got := e.must(`(with-output-to-string (lambda () (pop3-get conn 1)))`); got != fmt.Sprintf("%q", lfText(0)) {
		t.Errorf("get 1 = %s\nwant %q", got, lfText(0))
	}
	hdr := lfText(1)[:strings.Index(lfText(1), "\n\n")+2]
	if got := e.must(`(with-output-to-string (lambda () (pop3-headers conn 2)))`); got != fmt.Sprintf("%q", hdr) {
		t.Errorf("headers 2 = %s, want %q", got, hdr)
	}
	top := "From: Ann <ann@example.org>\nSubject: one\n\nHello\n.dot line\n"
	if got := e.must(`(with-output-to-string (lambda () (pop3-top conn 1 2)))`); got != fmt.Sprintf("%q", top) {
		t.Errorf("top 1 2 = %s, want %q", got, top)
	}
	if got := e.must(`(pop3-last conn)`); got != "2" {
		t.Errorf("last = %s, want 2 (messages 1 and 2 were accessed)", got)
	}
	if got := e.must(`(pop3-list conn)`); !regexp.MustCompile(`^\(\(1 \. \d+\) \(2 \. \d+\) \(3 \. \d+\)\)$`).MatchString(got) {
		t.Errorf("list = %s", got)
	}
	if got := e.must(`(pop3-list conn 2)`); got != fmt.Sprint(len(crlfText(1))) {
		t.Errorf("list 2 = %s, want %d", got, len(crlfText(1)))
	}
	uidl := e.must(`(pop3-uidl conn)`)
	if !regexp.MustCompile(`^\(\(1 \. "[^"]+"\) \(2 \. "[^"]+"\) \(3 \. "[^"]+"\)\)$`).MatchString(uidl) {
		t.Errorf("uidl = %s", uidl)
	}
	if got := e.must(`(pop3-uidl conn 3)`); !strings.Contains(uidl, "(3 . "+got+")") {
		t.Errorf("uidl 3 = %s, not in %s", got, uidl)
	}
	if got := e.must(`(string? (pop3-noop conn))`); got != "#t" {
		t.Errorf("noop = %s", got)
	}
	caps := e.must(`(pop3-capabilities conn)`)
	wantContains(t, "capabilities", caps, `("TOP")`, `("UIDL")`, `("PIPELINING")`)

	// delete hides the message; reset brings it back; nothing is removed
	// before quit.
	e.must(`(pop3-delete conn 2)`)
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "2" {
		t.Errorf("count after delete = %s", got)
	}
	got := e.must(`(guard (c ((-ERR? c) 'deleted)) (pop3-get conn 2))`)
	if got != "deleted" {
		t.Errorf("get of a deleted message = %s", got)
	}
	e.must(`(pop3-reset conn)`)
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "3" {
		t.Errorf("count after reset = %s", got)
	}
	// delete + quit removes exactly that message.
	e.must(`(pop3-delete conn 3)`)
	if got := e.must(`(string? (pop3-quit conn))`); got != "#t" {
		t.Errorf("quit = %s", got)
	}
	if n := e.be.Count(testUser); n != 2 {
		t.Errorf("after delete 3 + quit the maildrop has %d messages, want 2", n)
	}
}

func TestPOP3OutputCapture(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	dir := t.TempDir()
	f1 := filepath.Join(dir, "one.eml")
	f2 := filepath.Join(dir, "two.eml")
	f3 := filepath.Join(dir, "three.eml")
	e.must(fmt.Sprintf(`(with-output-to-file %q (lambda () (pop3-get conn 1)))`, f1))
	e.must(fmt.Sprintf(`(call-with-output-file %q (lambda (p) (with-current-output-port p (pop3-get conn 2))))`, f2))
	e.must(fmt.Sprintf(`(call-with-output-file %q (lambda (p) (parameterize ((current-output-port p)) (pop3-get conn 3))))`, f3))
	for i, f := range []string{f1, f2, f3} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != lfText(i) {
			t.Errorf("%s = %q, want %q", f, b, lfText(i))
		}
	}
	// Output goes to the current port, not elsewhere.
	e.out.Reset()
	e.must(`(pop3-get conn 1)`)
	if e.out.String() != lfText(0) {
		t.Errorf("to the interpreter's output: %q", e.out.String())
	}
}

func TestPOP3LineEndings(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	for i := range sampleMessages {
		lf := e.must(fmt.Sprintf(`(with-output-to-string (lambda () (pop3-get conn %d)))`, i+1))
		if lf != fmt.Sprintf("%q", lfText(i)) {
			t.Errorf("message %d, LF mode: %s, want %q", i+1, lf, lfText(i))
		}
		crlf := e.must(fmt.Sprintf(`(parameterize ((pop3-line-ending 'crlf)) (with-output-to-string (lambda () (pop3-get conn %d))))`, i+1))
		if crlf != fmt.Sprintf("%q", crlfText(i)) {
			t.Errorf("message %d, CRLF mode: %s, want %q", i+1, crlf, crlfText(i))
		}
	}
	got := e.mustFail(`(parameterize ((pop3-line-ending 'cr)) 1)`)
	wantContains(t, "bad line ending", got, "lf or crlf")
	got = e.mustFail(`(parameterize ((pop3-line-ending "crlf")) 1)`)
	wantContains(t, "bad line ending", got, "lf or crlf")
}

func TestPOP3DroppedConnectionMidMessage(t *testing.T) {
	big := "Subject: big\n\n" + strings.Repeat("a line of the body\n", 2000)
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{{Command: "RETR", CloseAfter: 5000}}}})
	e.be.AddMessage(testUser, []byte(big))
	e.connectLogin()
	e.must(`(define out (open-output-string))`)
	got := e.mustFail(`(parameterize ((current-output-port out)) (pop3-get conn 4))`)
	wantContains(t, "dropped", got, "pop3-get")
	partial := e.must(`(get-output-string out)`)
	if len(partial) >= len(big) {
		t.Errorf("a complete-looking message (%d bytes) after a dropped connection", len(partial))
	}
	// The connection is closed now: further calls fail at once.
	got = e.mustFail(`(pop3-stat conn)`)
	wantContains(t, "after drop", got, "not in transaction state")

	// A body without its terminating dot, then close: also an error.
	e.srv.SetFaults(server.Faults{Rules: []server.Fault{{Command: "RETR", NoTerminator: true}}})
	e.connectLogin()
	got = e.mustFail(`(with-output-to-string (lambda () (pop3-get conn 1)))`)
	wantContains(t, "no terminator", got, "pop3-get")
}

func TestPOP3Iteration(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	got := e.must(`(let ((seen '()))
	                 (let ((n (pop3-for-each-message conn (lambda (id text) (set! seen (cons (cons id text) seen))))))
	                   (list n (reverse seen))))`)
	want := fmt.Sprintf(`(3 ((1 . %q) (2 . %q) (3 . %q)))`, lfText(0), lfText(1), lfText(2))
	if got != want {
		t.Errorf("for-each-message = %s\nwant %s", got, want)
	}
	got = e.must(`(parameterize ((pop3-line-ending 'crlf)) (pop3-get-all conn '(3 1)))`)
	want = fmt.Sprintf(`((3 . %q) (1 . %q))`, crlfText(2), crlfText(0))
	if got != want {
		t.Errorf("get-all (3 1) crlf = %s\nwant %s", got, want)
	}
	// An error in the procedure stops the iteration and reaches guard.
	got = e.must(`(guard (c ((string? c) c)) (pop3-for-each-message conn (lambda (id text) (if (= id 2) (raise "stop")))))`)
	if got != `"stop"` {
		t.Errorf("raise inside for-each-message = %s", got)
	}
	// The session is still in step afterwards.
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "3" {
		t.Errorf("stat after iteration = %s", got)
	}
	// Pipelined: the server saw RETRs for all three.
	if got := e.must(`(pop3-delete-all conn)`); got != "3" {
		t.Errorf("delete-all = %s", got)
	}
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "0" {
		t.Errorf("stat after delete-all = %s", got)
	}
	e.must(`(pop3-reset conn)`)
	if got := e.must(`(pop3-delete-all conn '(1 2))`); got != "2" {
		t.Errorf("delete-all (1 2) = %s", got)
	}
	got = e.must(`(guard (c ((-ERR? c) (pop3-error-command c))) (pop3-get-all conn '(1 3)))`)
	if got != `"RETR 1"` {
		t.Errorf("get-all of a deleted message = %s", got)
	}
	e.must(`(pop3-quit conn)`)
	if n := e.be.Count(testUser); n != 1 {
		t.Errorf("maildrop has %d messages after deleting 2 of 3, want 1", n)
	}
}

func TestPOP3EdgeMessagesByteExact(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.be.Clear(testUser)
	edges := pop3test.EdgeMessages()
	for _, m := range edges {
		if _, err := e.be.AddMessage(testUser, m.Stored); err != nil {
			t.Fatal(err)
		}
	}
	e.connectLogin()
	dir := t.TempDir()
	for i, m := range edges {
		lf := filepath.Join(dir, m.Name+".lf")
		crlf := filepath.Join(dir, m.Name+".crlf")
		e.must(fmt.Sprintf(`(with-output-to-file %q (lambda () (pop3-get conn %d)))`, lf, i+1))
		e.must(fmt.Sprintf(`(parameterize ((pop3-line-ending 'crlf)) (with-output-to-file %q (lambda () (pop3-get conn %d))))`, crlf, i+1))
		if b, _ := os.ReadFile(lf); string(b) != string(m.LF) {
			t.Errorf("%s, LF mode: got %q\nwant %q", m.Name, clipBytes(b), clipBytes(m.LF))
		}
		if b, _ := os.ReadFile(crlf); string(b) != string(m.CRLF) {
			t.Errorf("%s, CRLF mode: got %q\nwant %q", m.Name, clipBytes(b), clipBytes(m.CRLF))
		}
	}
}

func TestPOP3IterationLargeMessagesInByteWindows(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.be.Clear(testUser)
	const size = 3 << 20 // four of them exceed one batch's 8 MiB
	var want []string
	for i := 0; i < 4; i++ {
		m := pop3test.LargeMessage(size, uint64(i+1))
		e.be.AddMessage(testUser, m)
		want = append(want, fmt.Sprint(len([]rune(string(m)))))
	}
	e.connectLogin()
	got := e.must(`(let ((lens '()))
	                 (pop3-for-each-message conn (lambda (n text) (set! lens (cons (string-length text) lens))))
	                 (reverse lens))`)
	if got != "("+strings.Join(want, " ")+")" {
		t.Errorf("lengths = %s, want (%s)", got, strings.Join(want, " "))
	}
	if got := e.must(`(pop3-last conn)`); got != "4" {
		t.Errorf("last after iterating = %s", got)
	}
}
