package mail

import (
	"runtime"
	"strings"
	"testing"

	"popsh/interp"
	"popsh/pop3/pop3test"
)

// pop3-for-each-message/port hands each message as a port with the same
// characters pop3-get-all gives as strings; a message left unread is
// skipped, and the port is closed once proc returns.
func TestPOP3ForEachMessagePort(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.be.AddMessage(testUser, []byte("Subject: caf\xc3\xa9 \xe2\x82\xac\n\nbad \xff byte\n"))
	e.connectLogin()
	want := e.must(`(pop3-get-all conn)`)
	got := e.must(`(define kept #f)
(define acc '())
(define n (pop3-for-each-message/port conn
  (lambda (id port)
    (set! kept port)
    (set! acc (cons (cons id (let loop ((s "")) (let ((x (read-string 3 port))) (if (string? x) (loop (string-append s x)) s)))) acc)))))
(cons n (reverse acc))`)
	if got != "(4 "+want[1:] {
		t.Errorf("ports gave\n%s\nstrings gave\n%s", got, want)
	}
	wantContains(t, "read after return", e.mustFail(`(read-char kept)`), "closed")

	// Read only the first line of each listed message: the rest is skipped.
	got = e.must(`(let ((lines '()))
  (pop3-for-each-message/port conn (lambda (id port) (set! lines (cons (read-line port) lines))) '(3 1))
  (reverse lines))`)
	if got != `("From: Cy <cy@example.org>" "From: Ann <ann@example.org>")` {
		t.Errorf("first lines: %s", got)
	}

	// No other command while a message streams; the session goes on.
	wantContains(t, "nested command", e.mustFail(`(pop3-for-each-message/port conn (lambda (id port) (pop3-stat conn)))`),
		"connection busy")
	// An error in proc stops the iteration; the connection stays usable.
	e.must(`(define seen '())`)
	wantContains(t, "proc error", e.mustFail(`(pop3-for-each-message/port conn (lambda (id port) (set! seen (cons id seen)) (if (= id 2) (error "stop here"))))`),
		"stop here")
	if got := e.must(`seen`); got != "(2 1)" {
		t.Errorf("proc called for %s, want (2 1)", got)
	}
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) list)`); !strings.HasPrefix(got, "(4 ") {
		t.Errorf("stat after the error: %s", got)
	}
	// An escape by a continuation also leaves the connection usable.
	if got := e.must(`(call/cc (lambda (k) (pop3-for-each-message/port conn (lambda (id port) (k (read-line port))))))`); got != `"From: Ann <ann@example.org>"` {
		t.Errorf("escape: %s", got)
	}
	if got := e.must(`(pop3-for-each-message/port conn (lambda (id port) #t))`); got != "4" {
		t.Errorf("count after the escape: %s", got)
	}
	wantContains(t, "not a procedure", e.mustFail(`(pop3-for-each-message/port conn 5)`), "procedure")
	wantContains(t, "bad msgid", e.mustFail(`(pop3-for-each-message/port conn (lambda (id port) #t) '(1 x))`), "message number")
	e.must(`(pop3-quit conn)`)
	wantContains(t, "after quit", e.mustFail(`(pop3-for-each-message/port conn (lambda (id port) #t))`), "not in transaction state")
}

// A 20 MiB message read through the port in 64 Ki-character pieces keeps
// the heap far below the message's size; the same message as a string
// (pop3-for-each-message) does not, which shows the measure can fail.
func TestPOP3ForEachMessagePortMemory(t *testing.T) {
	const size = 20 << 20
	e := newPOP3Env(t, envConfig{})
	msg := pop3test.LargeMessage(size, 7)
	e.be.AddMessage(testUser, msg)
	var peak uint64
	e.it.DefinePrimitive("heap-sample!", 0, 0, func(*interp.Interp, []interp.Value) (interp.Value, error) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
		return interp.Unspecified, nil
	})
	e.connectLogin()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	got := e.must(`(define total 0)
(pop3-for-each-message/port conn
  (lambda (id port)
    (let loop ((k 0))
      (let ((s (read-string 65536 port)))
        (if (string? s)
            (begin (set! total (+ total (string-length s)))
                   (if (= 0 (remainder k 16)) (heap-sample!))
                   (loop (+ k 1)))))))
  '(4))
total`)
	if got != "20971520" {
		t.Fatalf("read %s characters, want %d", got, size)
	}
	if grow := int64(peak) - int64(base); grow > 8<<20 {
		t.Errorf("heap grew by %d bytes while streaming a %d-byte message", grow, size)
	}
	t.Logf("streaming: heap %d -> peak %d", base, peak)

	peak = 0
	e.must(`(pop3-for-each-message conn (lambda (id text) (heap-sample!) (set! total (string-length text))) '(4))`)
	if grow := int64(peak) - int64(base); grow < size {
		t.Errorf("as a string the message added only %d bytes to the heap", grow)
	}
	t.Logf("as a string: heap %d -> peak %d", base, peak)
}
