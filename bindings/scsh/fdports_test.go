package scsh

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// seek and tell on ports count from where the program is, not from where
// the descriptor's offset went by reading ahead; output waiting in the
// buffer counts, and a seek writes it out first.
func TestSeekTellKeepTheBuffer(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("hello world\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	q := func(name string) string { return `"` + filepath.Join(dir, name) + `"` }
	runScshCases(t, []scshCase{
		{`(define p (open-input-file ` + q("f") + `))`, `#!unspecific`, ""},
		{`(list (read-line p) (tell p) (tell (port->fdes p)))`, `("hello world" 12 24)`, ""},
		{`(list (seek p 2) (read-line p))`, `(2 "llo world")`, ""},
		{`(list (seek p -3 seek/delta) (read-line p) (tell p))`, `(9 "ld" 12)`, ""},
		{`(list (seek p -5 seek/end) (read-line p))`, `(19 "line")`, ""},
		{`(list (read-line p) (tell p))`, `(#<eof> 24)`, ""},
		{`(define o (open-output-file ` + q("o") + `))`, `#!unspecific`, ""},
		{`(begin (write-string "abcdef" o) (list (tell o) (tell (port->fdes o))))`, `(6 0)`, ""},
		{`(begin (seek o 2) (write-string "XY" o) (close o) (call-with-input-file ` + q("o") + ` read-line))`, `"abXYef"`, ""},
		{`(seek p 0 7)`, "", "argument 3 (whence): expected seek/set, seek/delta or seek/end, got 7"},
		{`(seek p 'x)`, "", "argument 2 (offset): expected an exact integer"},
		{`(tell (make-string-input-port "abc"))`, "", "the port is not over a file descriptor"},
		{`(begin (close p) (tell p))`, "", "the port is closed"},
		{`(seek "f" 0)`, "", "argument 1 (fd/port): expected a port or a file descriptor"},
		{`(receive (r w) (pipe) (seek r 0))`, "", "illegal seek"},
		{`(tell (current-output-port))`, "", "through a buffer popsh cannot count"},
	})
}

// fdes->inport gives one port per descriptor and counts how often the
// descriptor was handed out; while it is, the descriptor stays open
// across exec.
func TestFdesPortsAndRevealedCounts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("one\ntwo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	q := func(name string) string { return `"` + filepath.Join(dir, name) + `"` }
	runScshCases(t, []scshCase{
		{`(define fd (open-fdes ` + q("f") + ` open/read))`, `#!unspecific`, ""},
		{`(define ip (fdes->inport fd))`, `#!unspecific`, ""},
		{`(list (eq? ip (fdes->inport fd)) (port-revealed ip) (= fd (port->fdes ip)) (port-revealed ip))`, `(#t 2 #t 3)`, ""},
		{`(fdes-flags ip)`, `0`, ""},
		{`(begin (release-port-handle ip) (release-port-handle ip) (release-port-handle ip) (list (port-revealed ip) (fdes-flags fd)))`, `(#f 1)`, ""},
		{`(call/fdes ip (lambda (n) (list (= n fd) (port-revealed ip) (fdes-flags n))))`, `(#t 1 0)`, ""},
		{`(list (port-revealed ip) (read-line ip))`, `(#f "one")`, ""},
		{`(fdes->outport fd)`, "", "already the descriptor of a port that is not an output port"},
		{`(close fd)`, "", "is the descriptor of a port; close the port"},
		{`(= (bitwise-and (fdes-status ip) open/access-mask) open/read)`, `#t`, ""},
		{`(begin (close ip) (fdes->inport fd))`, "", "bad file descriptor"},
		{`(open-fdes ` + q("missing") + ` open/read)`, "", "no such file or directory"},
		{`(fdes->inport -1)`, "", "expected a file descriptor, got -1"},
		{`(list (eq? (fdes->outport 1) (current-output-port)) (eq? (fdes->outport 2) (current-error-port)) (eq? (fdes->inport 0) (current-input-port)))`, `(#t #t #t)`, ""},
		{`(port->fdes (current-input-port))`, `0`, ""},
		{`(list (port-revealed (current-error-port)) (port->fdes (current-error-port)) (port-revealed (current-error-port)))`, `(2 2 3)`, ""},
		{`(fdes->inport 1)`, "", "not an input port"},
		{`(close 1)`, "", "close the port"},
		{`(let* ((fd (open-fdes ` + q("g") + ` (bitwise-ior open/write open/create) #o600)) (r (close fd))) (list r (file-exists? ` + q("g") + `)))`, `(#t #t)`, ""},
		{`(close 12345)`, "", "bad file descriptor"},
		{`(set-fdes-flags 1 'x)`, "", "argument 2 (flags): expected an exact integer"},
		{`(port-revealed (make-string-input-port "x"))`, "", "not over a file descriptor"},
	})
}

// dup->inport, dup->outport and dup->fdes make new descriptors over the
// same file; a target descriptor is used as given, but never 0, 1 or 2.
func TestDupFamily(t *testing.T) {
	dir := t.TempDir()
	q := func(name string) string { return `"` + filepath.Join(dir, name) + `"` }
	runScshCases(t, []scshCase{
		{`(define o (open-output-file ` + q("d") + `))`, `#!unspecific`, ""},
		{`(define o2 (dup->outport o))`, `#!unspecific`, ""},
		{`(list (= (port->fdes o) (port->fdes o2)) (port-revealed o2))`, `(#f 1)`, ""},
		{`(begin (write-string "a" o) (force-output o) (write-string "b" o2) (close o2) (close o) (call-with-input-file ` + q("d") + ` read-line))`, `"ab"`, ""},
		{`(define i (open-input-file ` + q("d") + `))`, `#!unspecific`, ""},
		{`(define n (dup->fdes i 40))`, `#!unspecific`, ""},
		{`(list n (read-line (dup->inport n)))`, `(40 "ab")`, ""},
		{`(dup->fdes i 1)`, "", "does not move file descriptors 0, 1 and 2"},
		{`(dup->inport "x")`, "", "argument 1 (fd/port): expected a port or a file descriptor"},
		{`(dup->fdes 4321)`, "", "bad file descriptor"},
		{`(let* ((d (dup i)) (fd (port->fdes d))) (list (eq? d (fdes->inport fd)) (port-revealed d)))`, `(#t 2)`, ""},
	})
}

// set-port-buffering: bufpol/none writes through at once, bufpol/line at
// each newline; an unbuffered input port takes from the file only what
// the program reads.
func TestSetPortBuffering(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "b")
	q := `"` + path + `"`
	if err := os.WriteFile(filepath.Join(dir, "in"), []byte("first\nsecond\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	eval := func(src string) string {
		t.Helper()
		v, err := evalScsh(t, it, src)
		if err != nil {
			t.Fatalf("%s: %s", src, interp.FormatError(err))
		}
		return interp.WriteString(v)
	}
	onDisk := func() string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	eval(`(define o (open-output-file ` + q + `))`)
	eval(`(write-string "held" o)`)
	if got := onDisk(); got != "" {
		t.Fatalf("a block-buffered port wrote %q at once", got)
	}
	eval(`(set-port-buffering o bufpol/none)`)
	if got := onDisk(); got != "held" {
		t.Fatalf("switching to bufpol/none: file holds %q, want the buffer written out", got)
	}
	eval(`(write-char #\! o)`)
	if got := onDisk(); got != "held!" {
		t.Fatalf("bufpol/none: file holds %q after a write", got)
	}
	eval(`(set-port-buffering o bufpol/line)`)
	eval(`(write-string "ab" o)`)
	if got := onDisk(); got != "held!" {
		t.Fatalf("bufpol/line wrote %q before a newline", got)
	}
	eval(`(write-string "c\nd" o)`)
	if got := onDisk(); got != "held!abc\nd" {
		t.Fatalf("bufpol/line: file holds %q after a newline", got)
	}
	eval(`(close o)`)
	// unbuffered input: after a line, the descriptor is just past it
	got := eval(`(let ((i (open-input-file "` + filepath.Join(dir, "in") + `")))
	  (set-port-buffering i bufpol/none)
	  (let ((line (read-line i))) (list line (tell (port->fdes i)) (read-line i))))`)
	if got != `("first" 6 "second")` {
		t.Errorf("unbuffered input: %s", got)
	}
	got = eval(`(let ((i (open-input-file "` + filepath.Join(dir, "in") + `")))
	  (read-char i)
	  (set-port-buffering i bufpol/none)
	  (list (tell i) (read-line i) (tell i)))`)
	if got != `(1 "irst" 6)` {
		t.Errorf("input switched to bufpol/none after reading: %s", got)
	}
	runScshCases(t, []scshCase{
		{`(set-port-buffering (make-string-output-port) bufpol/none)`, "", "not a port over a file or stream"},
		{`(set-port-buffering (current-output-port) 7)`, "", "argument 2 (policy): expected bufpol/block, bufpol/line or bufpol/none"},
		{`(set-port-buffering (current-output-port) bufpol/none 5)`, "", "buffer size must be 0 for bufpol/none on output ports"},
		{`(let ((i (open-input-file "` + filepath.Join(dir, "in") + `"))) (set-port-buffering i bufpol/line))`, "", "bufpol/line not allowed on input"},
		{`(set-port-buffering 'x bufpol/none)`, "", "argument 1 (port): expected a port"},
	})
}

// set-current-output-port! and friends change the binding in force: a
// with-current-output-port's, until it ends, else the global one.
func TestSetCurrentPorts(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	src := `(define s1 (make-string-output-port))
	(define s2 (make-string-output-port))
	(with-current-output-port s1
	  (display "a")
	  (set-current-output-port! s2)
	  (display "b"))
	(display "c")
	(define first (list (string-output-port-output s1) (string-output-port-output s2)))
	(set-current-output-port! s1)
	(display "d")
	(set-current-output-port! (fdes->outport 1))
	(display "e")
	(list first (string-output-port-output s1) (eq? (error-output-port) (current-error-port)))`
	v, err := evalScsh(t, it, src)
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	if got := interp.WriteString(v); got != `(("a" "b") "ad" #t)` {
		t.Errorf("got %s", got)
	}
	it.FlushOutput()
	if out.String() != "ce" {
		t.Errorf("standard output got %q, want \"ce\"", out.String())
	}
	runScshCases(t, []scshCase{
		{`(set-current-output-port! (make-string-input-port "x"))`, "", "expected an output port"},
		{`(set-current-input-port! (make-string-output-port))`, "", "expected an input port"},
		{`(let ((s (make-string-input-port "in"))) (set-current-input-port! s) (read-line))`, `"in"`, ""},
	})
}

// with-stdio-ports and stdio->stdports bring back the ports of 0, 1 and 2.
func TestStdioPorts(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, `(define s (make-string-output-port))
	(with-current-output-port s
	  (display "to-s ")
	  (with-stdio-ports (display "to-stdout "))
	  (stdio->stdports)
	  (display "after"))
	(string-output-port-output s)`)
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	it.FlushOutput()
	if got := interp.WriteString(v); got != `"to-s "` || out.String() != "to-stdout after" {
		t.Errorf("string port %s, standard output %q", got, out.String())
	}
}

// select and select! report the ports and descriptors ready; a pipe with
// nothing in it is not, until something is written.
func TestSelect(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(define-values (r w) (pipe))`, `#!unspecific`, ""},
		{`(call-with-values (lambda () (select (vector r) (vector) (vector) 0)) list)`, `(#() #() #())`, ""},
		{`(call-with-values (lambda () (select (vector r (port->fdes r)) (vector w) (vector) 0)) (lambda (rs ws es) (list (vector-length rs) (eq? (vector-ref ws 0) w))))`, `(0 #t)`, ""},
		{`(begin (write-string "x" w) (force-output w) (call-with-values (lambda () (select (vector r) (vector) (vector) #f)) (lambda (rs ws es) (eq? (vector-ref rs 0) r))))`, `#t`, ""},
		{`(let ((rv (vector (make-string-input-port "") r)) (wv (vector)) (ev (vector 1))) (call-with-values (lambda () (select! rv wv ev 0)) (lambda counts (list counts (eq? (vector-ref rv 1) r) ev))))`, `((2 0 0) #t #(#f))`, ""},
		{`(begin (read-char r) (let ((rv (vector r 'keep))) (vector-set! rv 1 (port->fdes r)) (call-with-values (lambda () (select! rv (vector) (vector) 0.01)) (lambda counts (list counts rv)))))`, `((0 0 0) #(#f #f))`, ""},
		{`(select! #(1) (vector) (vector) 0)`, "", "the vector is immutable"},
		{`(list (length (select-port-channels 0 r)) (eq? (car (select-port-channels #f r w)) w))`, `(0 #t)`, ""},
		{`(begin (write-string "yz" w) (force-output w) (read-char r) (list (length (select-port-channels 0 r)) (length (select-ports 0 r))))`, `(0 1)`, ""},
		{`(select-port-channels 0 (make-string-input-port "x"))`, "", "not over an open file descriptor"},
		{`(select (vector 4321) (vector) (vector) 0)`, "", "bad file descriptor"},
		{`(select (vector "x") (vector) (vector) 0)`, "", "argument 1 (read-vec): expected a vector of ports and file descriptors"},
		{`(select (vector) (vector) (vector) -1)`, "", "argument 4 (timeout): expected #f or a non-negative number of seconds"},
	})
}

// The partial reads take what is there without waiting for more; the
// partial write to a descriptor writes what the descriptor takes.
func TestPartialReadWrite(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(define-values (r w) (pipe))`, `#!unspecific`, ""},
		{`(begin (write-string "abc" w) (force-output w) (read-string/partial 10 r))`, `"abc"`, ""},
		{`(let ((s (make-string 6 #\-))) (write-string/partial "xyz" (port->fdes w)) (list (read-string!/partial s r 1 5) s))`, `(3 "-xyz--")`, ""},
		{`(begin (close w) (list (read-string/partial 5 r) (read-string!/partial (make-string 2) r) (read-string/partial 0 r)))`, `(#f #f "")`, ""},
		{`(read-string/partial 3 (make-string-input-port "abcdef"))`, `"abc"`, ""},
		{`(receive (r w) (pipe) (let ((fd (port->fdes w)) (s (make-string 4096 #\x))) (set-fdes-status fd (bitwise-ior (fdes-status fd) open/non-blocking)) (let loop ((total 0)) (let ((n (write-string/partial s fd))) (if (> n 0) (loop (+ total n)) (> total 0))))))`, `#t`, ""},
		{`(write-string/partial "x" 4321)`, "", "bad file descriptor"},
		{`(let ((fd (open-fdes "` + "/dev/null" + `" open/read))) (read-string/partial 4 fd))`, `#f`, ""},
		{`(read-string!/partial "literal" (make-string-input-port "x"))`, "", "the string is immutable"},
		{`(read-string/partial -1)`, "", "argument 1 (k): expected a non-negative exact integer"},
		{`(let ((s (make-string-output-port))) (list (write-string/partial "hello" s 1 3) (string-output-port-output s)))`, `(2 "el")`, ""},
		{`(read-string!/partial (make-string 3) (make-string-input-port "x") 2 1)`, "", "before start index"},
	})
}

// A partial read from an unbuffered port still takes all that is there.
func TestPartialReadUnbuffered(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	runScshCases(t, []scshCase{
		{`(define fd (open-fdes "` + filepath.Join(dir, "f") + `" open/read))`, `#!unspecific`, ""},
		{`(list (read-string/partial 4 fd) (tell fd) (read-string/partial 40 fd) (read-string/partial 4 fd))`, `("0123" 4 "456789" #f)`, ""},
	})
}

// temp-file-channel: two ports on a file that is already gone.
func TestTempFileChannel(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	runScshCases(t, []scshCase{
		{`(receive (in out) (temp-file-channel) (write-string "kept" out) (close out) (list (read-line in) (directory-files "` + dir + `")))`, `("kept" ())`, ""},
	})
}

// flush-all-ports writes out the ports the program opened.
func TestFlushAllPorts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	if _, err := evalScsh(t, it, `(define o (open-output-file "`+path+`")) (write-string "pending" o) (flush-all-ports)`); err != nil {
		t.Fatal(interp.FormatError(err))
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "pending" {
		t.Errorf("after flush-all-ports the file holds %q (%v)", b, err)
	}
}

// y-or-n? reads the current input until a yes or a no; at end of input it
// asks *y-or-n-eof-count* more times and then gives eof-value or fails.
func TestYOrN(t *testing.T) {
	run := func(input, src string) (string, string, error) {
		var out bytes.Buffer
		it := interp.New(interp.WithOutput(&out), interp.WithErrorOutput(&out), interp.WithInput(strings.NewReader(input)))
		if err := Install(it); err != nil {
			t.Fatal(err)
		}
		v, err := evalScsh(t, it, src)
		it.FlushOutput()
		if err != nil {
			return "", out.String(), err
		}
		return interp.WriteString(v), out.String(), nil
	}
	v, out, err := run("maybe\n\nno thanks\n", `(y-or-n? "Delete?")`)
	if err != nil || v != "#f" || out != "Delete? (y/n)? Delete? (y/n)? Delete? (y/n)? " {
		t.Errorf("no: %s %q %v", v, out, err)
	}
	v, _, err = run("yes\n", `(y-or-n? "Go?")`)
	if err != nil || v != "#t" {
		t.Errorf("yes: %s %v", v, err)
	}
	v, out, err = run("", `(set! *y-or-n-eof-count* 1) (y-or-n? "Go?" 'gone)`)
	if err != nil || v != "gone" || out != "Go? (y/n)? \nI'll only ask another 1 times.\nGo? (y/n)? \n" {
		t.Errorf("eof value: %s %q %v", v, out, err)
	}
	_, _, err = run("", `(set! *y-or-n-eof-count* 0) (y-or-n? "Go?")`)
	if err == nil || !strings.Contains(interp.FormatError(err), "EOF in y-or-n?") {
		t.Errorf("eof without a value: %v", err)
	}
}

// The table holds a port whose descriptor was never handed out weakly: a
// dropped one is collected and its descriptor closed; a revealed one
// stays open.
func TestUnrevealedPortsAreCollected(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, `(define keep (open-input-file "`+filepath.Join(dir, "f")+`"))
	  (list (port->fdes (dup->inport keep)) (let* ((p (dup->inport keep)) (fd (port->fdes p))) (release-port-handle p) fd))`)
	if err != nil {
		t.Fatal(interp.FormatError(err))
	}
	fds, _ := interp.ListToSlice(v)
	revealed, dropped := fds[0].(int), fds[1].(int)
	for i := 0; i < 10; i++ {
		evalScsh(t, it, `(let loop ((i 0) (acc '())) (if (< i 1000) (loop (+ i 1) (cons (make-vector 10 i) acc)) (length acc)))`)
	}
	closed := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		if _, err := unix.FcntlInt(uintptr(dropped), unix.F_GETFD, 0); err != nil {
			closed = true
			break
		}
		runtime.Gosched()
	}
	if !closed {
		t.Errorf("the descriptor %d of a dropped unrevealed port is still open", dropped)
	}
	if _, err := unix.FcntlInt(uintptr(revealed), unix.F_GETFD, 0); err != nil {
		t.Errorf("the descriptor %d of a revealed port was closed: %v", revealed, err)
	}
	runtime.KeepAlive(it) // the interpreter, and so the revealed port, lives on
}

// The descriptors the Go runtime keeps for itself (here its epoll
// descriptor) get no port and are neither closed nor overwritten.
func TestRuntimeDescriptorsAreRefused(t *testing.T) {
	r, w, err := os.Pipe() // a pipe's descriptors go to the poller: it exists
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	epoll := ""
	for _, en := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + en.Name()); err == nil && target == "anon_inode:[eventpoll]" {
			epoll = en.Name()
		}
	}
	if epoll == "" {
		t.Fatal("the test process has no epoll descriptor to try")
	}
	runScshCases(t, []scshCase{
		{`(fdes->inport ` + epoll + `)`, "", "belongs to popsh's runtime"},
		{`(close ` + epoll + `)`, "", "belongs to popsh's runtime"},
		{`(dup->fdes (current-output-port) ` + epoll + `)`, "", "belongs to popsh's runtime"},
		{`(dup (current-output-port) ` + epoll + `)`, "", "belongs to popsh's runtime"},
	})
}
