package mail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
	"popsh/pop3/server"
)

// bigMessage is a message of about size bytes, LF line endings as stored,
// with lines that start with a dot (byte-stuffed on the wire), a lone dot
// line, a CR inside a line, and a non-ASCII character, so that a reader
// that cuts or merges anything between messages shows it.
func bigMessage(i, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: sender%d@example.org\nSubject: big %d \u00e9t\u00e9\n\n", i, i)
	for line := 0; b.Len() < size; line++ {
		switch line % 97 {
		case 0:
			b.WriteString(".dot at the start\n")
		case 1:
			b.WriteString(".\n")
		case 2:
			b.WriteString("a CR\rinside\n")
		default:
			fmt.Fprintf(&b, "%d:%d %s\n", i, line, strings.Repeat("x", line%70))
		}
	}
	fmt.Fprintf(&b, "end of %d\n", i)
	return b.String()
}

// addBig replaces alice's maildrop by n messages of about size bytes and
// returns them as get-all gives them: ((1 . text) ...).
func (e *pop3Env) addBig(n, size int) string {
	e.t.Helper()
	e.be.Clear(testUser)
	var want strings.Builder
	want.WriteString("(")
	for i := 1; i <= n; i++ {
		m := bigMessage(i, size)
		if _, err := e.be.AddMessage(testUser, []byte(m)); err != nil {
			e.t.Fatal(err)
		}
		if i > 1 {
			want.WriteString(" ")
		}
		fmt.Fprintf(&want, "(%d . %s)", i, interp.WriteString(interp.NewString(m)))
	}
	want.WriteString(")")
	return want.String()
}

// pop3-get-all holds every message at the end: it fetches them in one
// pipelined burst, every RETR sent before the first reply is read, even when
// they are together larger than a batch of pop3-for-each-message (which
// keeps to a few MiB at a time); the texts are byte-exact.
func TestPOP3GetAllOneBurst(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{NoAPOPTimestamp: true, RemoveCapa: []string{"SASL"}}})
	want := e.addBig(4, 3<<20+12345) // 12 MiB and more: more than windowBytes
	log := filepath.Join(t.TempDir(), "pop3.log")
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q %q))`, e.host, log))
	e.must(`(pop3-login conn)`)
	if got := e.must(`(pop3-get-all conn)`); got != want {
		t.Fatalf("get-all of 4 large messages: %d characters written, want %d (texts differ)", len(got), len(want))
	}
	e.must(`(pop3-quit conn)`)
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	first := strings.Index(text, "<- RETR 1")
	last := strings.Index(text, "<- RETR 4")
	reply := strings.Index(text[max(first, 0):], "-> +OK")
	if first < 0 || last < 0 || reply < 0 || first+reply < last {
		t.Errorf("the RETRs were not sent in one burst before the first reply:\n%.2000s", text)
	}
	// pop3-for-each-message keeps its batches (and its memory) small: two
	// of these messages at a time, so RETR 3 goes out only after the first
	// batch has arrived.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q %q))`, e.host, log))
	e.must(`(pop3-login conn)`)
	if got := e.must(`(pop3-for-each-message conn (lambda (n text) #t))`); got != "4" {
		t.Fatalf("for-each = %s", got)
	}
	e.must(`(pop3-quit conn)`)
	b, _ = os.ReadFile(log)
	text = string(b)[len(text):]
	first = strings.Index(text, "<- RETR 1")
	third := strings.Index(text, "<- RETR 3")
	reply = strings.Index(text[max(first, 0):], "-> +OK")
	if first < 0 || third < 0 || reply < 0 || first+reply > third {
		t.Errorf("for-each sent RETR 3 before a message had arrived:\n%.2000s", text)
	}
}

// A -ERR in the middle of the burst: get-all raises it (the command named),
// the replies already asked for are read, and the session goes on in step;
// nothing is deleted.
func TestPOP3GetAllErrInMiddle(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, Reply: "-ERR [SYS/TEMP] message 2 is busy"},
	}}})
	e.addBig(4, 1<<20+777)
	e.connectLogin()
	got := e.must(`(guard (c ((-ERR? c) (list (pop3-error-command c) (pop3-error-code c) (pop3-error-text c)))) (pop3-get-all conn))`)
	if got != `("RETR 2" "SYS/TEMP" "message 2 is busy")` {
		t.Fatalf("get-all with RETR 2 refused = %s", got)
	}
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "4" {
		t.Errorf("stat after the refusal = %s, want 4", got)
	}
	// The same connection fetches every message afterwards (the fault was
	// for the session's second RETR only).
	if got := e.must(`(map car (pop3-get-all conn))`); got != "(1 2 3 4)" {
		t.Errorf("get-all after the refusal = %s", got)
	}
	e.must(`(pop3-quit conn)`)
	if n := e.be.Count(testUser); n != 4 {
		t.Errorf("maildrop has %d messages, want 4", n)
	}
}

// The server drops the connection in the middle of the second message of
// the burst: get-all fails with an error saying so, the connection is
// closed (later calls fail at once, without waiting), and the maildrop
// keeps every message.
func TestPOP3GetAllConnectionDroppedMidBurst(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, CloseAfter: 300000},
	}}})
	e.addBig(4, 1<<20+777)
	e.connectLogin()
	got := e.mustFail(`(pop3-get-all conn)`)
	wantContains(t, "dropped connection", got, "pop3-get-all", "RETR 2")
	if !strings.Contains(got, "closed") && !strings.Contains(got, "terminating") && !strings.Contains(got, "EOF") {
		t.Errorf("error does not say the connection ended: %q", got)
	}
	if strings.Contains(got, testPassword) {
		t.Errorf("password in the error: %q", got)
	}
	got = e.mustFail(`(pop3-stat conn)`)
	wantContains(t, "stat after the drop", got, "pop3-stat")
	if n := e.be.Count(testUser); n != 4 {
		t.Errorf("maildrop has %d messages, want 4", n)
	}
}

// While pop3-get-all waits on the server, other Scheme threads run (the
// wait releases the interpreter lock), and a second thread's use of the
// connection fails with a clear error; the fetch then completes.
func TestThreadGetAllReleasesLock(t *testing.T) {
	be := server.NewMemoryBackend()
	be.AddUser(testUser, testPassword)
	var want []string
	for i := 1; i <= 3; i++ {
		m := bigMessage(i, 200000)
		if _, err := be.AddMessage(testUser, []byte(m)); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprint(len([]rune(m))))
	}
	it, addr := heldCommandEnv(t, be, "RETR 2")
	v, err := evalIn(it, fmt.Sprintf(`
(define conn (pop3-connect %q))
(pop3-login conn)
(define a (spawn (lambda () (map (lambda (m) (string-length (cdr m))) (pop3-get-all conn)))))
(wait-held)
(define b-result
  (thread-join! (spawn (lambda ()
                         (guard (e ((error? e) (condition/report-string e)))
                           (pop3-stat conn))))))
(release-held)
(list (thread-join! a) b-result)`, addr))
	if err != nil {
		t.Fatal(err)
	}
	got := interp.WriteString(v)
	if !strings.HasPrefix(got, "(("+strings.Join(want, " ")+") ") || !strings.Contains(got, "in use by another thread") {
		t.Fatalf("got %s, want the lengths (%s) and a busy error", got, strings.Join(want, " "))
	}
}

// A server that lists a message as 2^63-1 octets lifts the bound on how
// much of it is read (twice its listed size): one that never ends then
// filled the memory of pop3-get-all and pop3-for-each-message. They now
// refuse the message before sending anything.
func TestInMemoryBoundedAgainstHugeListedSize(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
		// (the message itself is short here: were the bound lifted, the
		// test would fail, not fill the memory)
		{Command: "LIST", Listing: []string{"1 9223372036854775807", "2 100", "3 100"}},
	}}})
	e.connectLogin()
	for _, call := range []string{`(pop3-get-all conn)`, `(pop3-for-each-message conn (lambda (n text) n))`} {
		msg := e.mustFail(call)
		wantContains(t, call, msg, "message 1 is listed at 9223372036854775807 octets", "nothing sent")
	}
	for _, cmd := range e.commands() {
		if strings.HasPrefix(cmd, "RETR") {
			t.Errorf("%s sent", cmd)
		}
	}
}
