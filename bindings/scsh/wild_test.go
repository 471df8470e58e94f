package scsh

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/interp"
)

// Names and behaviours that scsh programs found in the wild use: SRFI 27
// and 37, Scheme48's make-random and platform names, text codecs,
// stdports->stdio, scsh's read-string, create-symlink's override? and the
// files of a structure read from the directory of its definition.

func TestRandomSources(t *testing.T) {
	runEvalCases(t, []evalCase{
		// every draw in range, and the range covered
		{`(let loop ((i 0) (seen '()))
		   (if (= i 400)
		       (length seen)
		       (let ((n (random-integer 5)))
		         (if (not (and (exact-integer? n) (<= 0 n 4))) (error "out of range" n))
		         (loop (+ i 1) (if (memv n seen) seen (cons n seen))))))`, `5`, ""},
		{`(let ((n (random-integer (expt 10 30)))) (and (exact-integer? n) (<= 0 n) (< n (expt 10 30))))`, `#t`, ""},
		{`(let ((x (random-real))) (and (inexact? x) (< 0 x 1)))`, `#t`, ""},
		// a new source starts from one fixed state
		{`(let ((a (random-source-make-integers (make-random-source)))
		        (b (random-source-make-integers (make-random-source))))
		    (equal? (list (a 1000) (a 1000) (a 1000)) (list (b 1000) (b 1000) (b 1000))))`, `#t`, ""},
		// a saved state replays the draws
		{`(let* ((s (make-random-source)) (next (random-source-make-integers s)))
		    (next 10)
		    (let* ((st (random-source-state-ref s)) (x (list (next 1000000) (next 1000000))))
		      (random-source-state-set! s st)
		      (equal? x (list (next 1000000) (next 1000000)))))`, `#t`, ""},
		// pseudo-randomize depends on i and j only
		{`(let ((draws (lambda (i j) (let ((s (make-random-source)))
		                               (random-source-pseudo-randomize! s i j)
		                               (let ((n (random-source-make-integers s))) (list (n 1000000) (n 1000000)))))))
		    (list (equal? (draws 1 2) (draws 1 2)) (equal? (draws 1 2) (draws 2 1))))`, `(#t #f)`, ""},
		{`(let* ((s (make-random-source)) (before (random-source-state-ref s)))
		    (random-source-randomize! s)
		    (equal? before (random-source-state-ref s)))`, `#f`, ""},
		{`(let ((r (random-source-make-reals (make-random-source) 1/1000))) (let ((x (r))) (< 0 x 1)))`, `#t`, ""},
		{`(list (random-source? default-random-source) (random-source? 5))`, `(#t #f)`, ""},
		// Scheme48's make-random: a sequence per seed, 28 bits
		{`(let ((a (make-random 7)) (b (make-random 7)) (c (make-random 8)))
		    (let ((x (list (a) (a) (a))))
		      (list (equal? x (list (b) (b) (b))) (equal? x (list (c) (c) (c)))
		            (< -1 (car x) (expt 2 28)))))`, `(#t #f #t)`, ""},
		{`(random-integer 0)`, "", "expected a positive exact integer"},
		{`(random-integer 2.5)`, "", "expected a positive exact integer"},
		{`(random-source-state-set! (make-random-source) '(pcg 1))`, "", "not a state of a random source"},
		{`(random-source-make-integers 5)`, "", "expected a random source"},
	})
}

// parse folds a command line the way scripts do: options into an alist,
// operands into a list, unknown options into (unknown name).
const argsFoldParser = `
(define (parse args)
  (receive (opts operands)
      (args-fold args
                 (list (option '(#\p "private") #f #f
                               (lambda (o n arg opts ops) (values (cons (list 'private n arg) opts) ops)))
                       (option '(#\t "tags") #t #f
                               (lambda (o n arg opts ops) (values (cons (list 'tags n arg) opts) ops)))
                       (option '(#\c "color") #f #t
                               (lambda (o n arg opts ops) (values (cons (list 'color n arg) opts) ops))))
                 (lambda (o n arg opts ops) (values (cons (list 'unknown n arg) opts) ops))
                 (lambda (operand opts ops) (values opts (cons operand ops)))
                 '() '())
    (list (reverse opts) (reverse operands))))`

func TestArgsFold(t *testing.T) {
	runEvalCases(t, []evalCase{
		{argsFoldParser + `(parse '("-p" "a.png" "--tags" "cats" "b.png"))`,
			`(((private #\p #f) (tags "tags" "cats")) ("a.png" "b.png"))`, ""},
		// a cluster: -p then -t whose argument is the rest of the cluster
		{argsFoldParser + `(parse '("-ptdogs" "x"))`, `(((private #\p #f) (tags #\t "dogs")) ("x"))`, ""},
		// a required argument from the next word; --name=value
		{argsFoldParser + `(parse '("-t" "a" "--tags=b" "--private"))`,
			`(((tags #\t "a") (tags "tags" "b") (private "private" #f)) ())`, ""},
		// an optional argument is taken only when attached
		{argsFoldParser + `(parse '("-c" "red" "-cblue" "--color"))`,
			`(((color #\c #f) (color #\c "blue") (color "color" #f)) ("red"))`, ""},
		// "--" ends the options; "-" is an operand; unknown options
		{argsFoldParser + `(parse '("-x" "--frob=1" "-" "--" "-p" "--tags"))`,
			`(((unknown #\x #f) (unknown "frob" "1")) ("-" "-p" "--tags"))`, ""},
		{`(let ((o (option '(#\a "all") #t #f list)))
		    (list (option? o) (option-names o) (option-required-arg? o) (option-optional-arg? o) (procedure? (option-processor o))))`,
			`(#t (#\a "all") #t #f #t)`, ""},
		{`(option '(5) #f #f list)`, "", "expected a list of characters and strings"},
		{`(option '(#\a) #f #f 'x)`, "", "expected a procedure"},
	})
}

func TestPlatformNamesAndCodecs(t *testing.T) {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		t.Fatal(err)
	}
	runEvalCases(t, []evalCase{
		{`(let ((u (uname)))
		    (list (equal? (os-name) (uname:os-name u)) (equal? (os-node-name) (uname:node-name u))
		          (equal? (os-release-name) (uname:release u)) (equal? (os-version-name) (uname:version u))
		          (equal? (machine-name) (uname:machine u))))`, `(#t #t #t #t #t)`, ""},
		{`(os-name)`, strconv.Quote(utsString(u.Sysname[:])), ""},
		{`(let ((p (open-output-string)))
		    (set-port-text-codec! p utf-8-codec)
		    (write "é" p)
		    (list (get-output-string p) (eq? (port-text-codec p) utf-8-codec) (text-codec-names utf-8-codec)))`,
			`("\"é\"" #t ("UTF-8"))`, ""},
		{`(list (eq? (find-text-codec "utf-8") utf-8-codec) (text-codec? (find-text-codec "ISO8859-1")) (find-text-codec "EBCDIC"))`, `(#t #t #f)`, ""},
		{`(set-port-text-codec! (open-output-string) latin-1-codec)`, "", "string port holds characters"},
		{`(set-port-text-codec! (open-output-string) utf-16le-codec)`, "", "cannot use the codec UTF-16LE"},
		{`(set-port-text-codec! (open-output-string) 'utf-8)`, "", "expected a text codec"},
	})
}

func utsString[T int8 | uint8](b []T) string {
	var sb strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return sb.String()
}

// A script that sends a log to a file with with-current-output-port and
// stdports->stdio, then runs programs: their output lands in the log.
func TestStdportsToStdio(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	runEvalCases(t, []evalCase{
		{`(begin
		   (call-with-output-file ` + strconv.Quote(log) + `
		     (lambda (p)
		       (with-current-output-port p
		         (display "before ")
		         (stdports->stdio)
		         (run (echo "from a child"))
		         (display "after"))))
		   (call-with-input-file ` + strconv.Quote(log) + ` port->string))`,
			`"before from a child\nafter"`, ""},
	})
}

// scsh's read-string gives #f at end of file and reads a descriptor too.
func TestScshReadString(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	runEvalCases(t, []evalCase{
		{`(let ((p (open-input-string "abcdef"))) (list (read-string 4 p) (read-string 4 p) (read-string 4 p)))`, `("abcd" "ef" #f)`, ""},
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
		{`(read-string 0 (open-input-string ""))`, `""`, ""},
		{`(with-current-input-port (open-input-string "xyz") (read-string 2))`, `"xy"`, ""},
		// the copy loop of a real build script
		{`(let ((p (open-input-string (make-string 2500 #\a))))
		    (let loop ((acc ""))
		      (let ((chunk (read-string 1024 p)))
		        (if chunk (loop (string-append acc chunk)) (string-length acc)))))`, `2500`, ""},
		{`(let ((fd (open-fdes ` + strconv.Quote(f) + ` open/read))) (list (read-string 3 fd) (read-string 10 fd) (read-string 10 fd)))`, `("hel" "lo" #f)`, ""},
		{`(read-string -1 (open-input-string "a"))`, "", "expected a non-negative exact integer"},
		{`(read-string 1 'x)`, "", "expected an input port or a file descriptor"},
	})
}

// A program or library that imports (scheme base) gets R7RS's read-string
// (the eof object at the end), the rest of the program scsh's (#f).
func TestReadStringOfSchemeBase(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
		{`(define-library (reader) (import (scheme base)) (export at-end)
		    (begin (define (at-end) (read-string 2 (open-input-string "")))))`, `#!unspecific`, ""},
		{`(import (reader))`, `#!unspecific`, ""},
		{`(eof-object? (at-end))`, `#t`, ""},
		// the library's import did not change the program's binding
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
		// importing something else of (scheme base) keeps scsh's
		{`(import (only (scheme base) car cdr))`, `#!unspecific`, ""},
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
		{`(import (scheme base) (scheme write))`, `#!unspecific`, ""},
		{`(list (read-string 2 (open-input-string "abc")) (eof-object? (read-string 3 (open-input-string ""))))`, `("ab" #t)`, ""},
	})
}

// A prefixed or renamed import of (scheme base) gives R7RS's read-string
// under the new name, in a program and in a library.
func TestReadStringOfSchemeBasePrefixed(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(import (prefix (scheme base) b:) (rename (only (scheme base) read-string) (read-string r7-read)))`, `#!unspecific`, ""},
		{`(list (eof-object? (b:read-string 3 (open-input-string ""))) (eof-object? (r7-read 3 (open-input-string ""))))`, `(#t #t)`, ""},
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
		{`(define-library (preader) (import (prefix (scheme base) s:)) (export p-at-end)
		    (begin (s:define (p-at-end) (s:read-string 2 (s:open-input-string "")))))`, `#!unspecific`, ""},
		{`(import (preader))`, `#!unspecific`, ""},
		{`(eof-object? (p-at-end))`, `#t`, ""},
		{`(read-string 3 (open-input-string ""))`, `#f`, ""},
	})
}

// scsh's read-line keeps the CR of a CR LF line; a program that imports
// (scheme base) gets R7RS's, which ends lines at LF, CR and CR LF.
func TestReadLineOfSchemeBase(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(read-line (open-input-string "mail\r\nbody"))`, `"mail\r"`, ""},
		{`(define-library (liner) (import (scheme base)) (export lines)
		    (begin (define (lines s) (let ((p (open-input-string s)))
		      (let loop ((acc '())) (let ((l (read-line p))) (if (eof-object? l) (reverse acc) (loop (cons l acc)))))))))`, `#!unspecific`, ""},
		{`(import (liner))`, `#!unspecific`, ""},
		{`(lines "a\r\nb\rc\n")`, `("a" "b" "c")`, ""},
		{`(read-line (open-input-string "mail\r\nbody"))`, `"mail\r"`, ""},
		{`(import (scheme base))`, `#!unspecific`, ""},
		{`(read-line (open-input-string "mail\r\nbody"))`, `"mail"`, ""},
		{`(let ((p (open-input-string (string-append (make-string 100000 #\x) "\r\r\nend")))) (let* ((a (read-line p)) (b (read-line p)) (c (read-line p))) (list (string-length a) b c)))`, `(100000 "" "end")`, ""},
	})
}

func TestCreateSymlinkOverride(t *testing.T) {
	dir := t.TempDir()
	q := func(n string) string { return strconv.Quote(filepath.Join(dir, n)) }
	if err := os.WriteFile(filepath.Join(dir, "old"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runEvalCases(t, []evalCase{
		{`(begin (create-symlink "target1" ` + q("link") + `) (read-symlink ` + q("link") + `))`, `"target1"`, ""},
		{`(create-symlink "target1" ` + q("old") + `)`, "", "file exists"},
		{`(create-symlink "target1" ` + q("old") + ` #f)`, "", "file exists"},
		{`(begin (create-symlink "target2" ` + q("old") + ` 'delete) (read-symlink ` + q("old") + `))`, `"target2"`, ""},
		{`(begin (create-symlink "target3" ` + q("old") + ` #t) (read-symlink ` + q("old") + `))`, `"target3"`, ""},
	})
}

// A structure's (files ...) are read from the directory of the file that
// defines it, as in Scheme48: a library's packages.scm loads from anywhere.
func TestStructureFilesBesideDefinition(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.MkdirAll(filepath.Join(lib, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"packages.scm": `(define-structure greet (export greet) (open scheme) (files impl sub/more))`,
		"impl.scm":     `(define (greet who) (string-append "hello " who (more)))`,
		"sub/more.scm": `(define (more) "!")`,
	}
	for n, src := range files {
		if err := os.WriteFile(filepath.Join(lib, n), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runEvalCases(t, []evalCase{
		{`(begin (load ` + strconv.Quote(filepath.Join(lib, "packages.scm")) + `) (greet "world"))`, `"hello world!"`, ""},
	})
}

// A pipeline ends when its last program does: the programs before it get
// SIGPIPE once nobody reads their output (popsh kept the read ends of the
// pipes between programs open, and (| (yes) (head -1)) never returned).
func TestPipelineEndsWithItsReader(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range []struct{ src, want string }{
		{`(run/string (| (yes) (head -2)))`, `"y\ny\n"`},
		{`(run (| (yes) (head -1) (cat)))`, `0`},
		{`(run/strings (| (epf (| (yes n) (head -c 4)) (= 2 1)) (cat)))`, `("n" "n")`},
		{`(let ((p (run/port (| (yes) (head -1))))) (read-line p))`, `"y"`},
	} {
		// a deadline so that the old behaviour fails the test instead of
		// hanging it
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		v, err := it.EvalString(ctx, c.src, "test.scm")
		cancel()
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := interp.WriteString(v); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

// Redirections apply left to right, as dup2 calls do: (= 2 1) (> f) sends
// errors where the output went before and the output to f; (> f) (= 2 1)
// sends both to f.
func TestRedirectionOrder(t *testing.T) {
	dir := t.TempDir()
	q := func(n string) string { return strconv.Quote(filepath.Join(dir, n)) }
	both := `(sh -c "echo out; echo err >&2")`
	runEvalCases(t, []evalCase{
		{`(list (run/string ` + both + ` (= 2 1) (> ` + q("a") + `)) (call-with-input-file ` + q("a") + ` port->string))`,
			`("err\n" "out\n")`, ""},
		{`(list (run/string ` + both + ` (> ` + q("b") + `) (= 2 1)) (call-with-input-file ` + q("b") + ` port->string))`,
			`("" "out\nerr\n")`, ""},
		{`(list (run/string ` + both + ` (> 2 ` + q("c") + `) (= 1 2)) (call-with-input-file ` + q("c") + ` port->string))`,
			`("" "out\nerr\n")`, ""},
		// inside a pipeline, as a real benchmark script has it
		{`(list (run/string (| (epf ` + both + ` (= 2 1) (> ` + q("d") + `)) (tr a-z A-Z))) (call-with-input-file ` + q("d") + ` port->string))`,
			`("ERR\n" "out\n")`, ""},
	})
}

// The redirections of an epf that is an element of a pipeline apply to its
// own programs, not to the whole pipeline (popsh applied them to all of it:
// (| (epf (a) (> f)) (b)) wrote b's output to f).
func TestEpfInsidePipeline(t *testing.T) {
	dir := t.TempDir()
	q := func(n string) string { return strconv.Quote(filepath.Join(dir, n)) }
	slurp := func(n string) string { return `(call-with-input-file ` + q(n) + ` port->string)` }
	runEvalCases(t, []evalCase{
		{`(list (run/string (| (epf (echo out) (> ` + q("a") + `)) (tr a-z A-Z))) ` + slurp("a") + `)`, `("" "out\n")`, ""},
		{`(list (run/string (| (echo hi) (epf (| (cat) (tr a-z A-Z)) (> ` + q("b") + `)) (cat))) ` + slurp("b") + `)`, `("" "HI\n")`, ""},
		{`(run/string (| (epf (cat) (<< "data\n")) (tr a-z A-Z)))`, `"DATA\n"`, ""},
		// (= 2 1) in the epf of a sub-pipeline: every program's errors go
		// where the sub-pipeline's output went (the pipe to sort)
		{`(list (run/strings (| (epf (| (sh -c "echo a; echo b >&2") (sh -c "cat; echo c >&2")) (= 2 1) (> ` + q("c") + `)) (sort))) ` + slurp("c") + `)`,
			`(("b" "c") "a\n")`, ""},
		{`(run/string (| (echo x) (epf (cat) (- 0)) (cat)))`, `""`, ""},
		{`(run/string (| (begin (display "x")) (epf (cat) (> ` + q("d") + `))))`, "", "not supported"},
	})
}

// char-ready? and select-ports ask the system about a socket or pipe with
// nothing buffered yet (they looked at the port's buffer only, so a
// telnet client's select-ports on its socket never saw the server's
// greeting).
func TestReadyAsksTheDescriptor(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("login: "))
		time.Sleep(30 * time.Second) // keep it open; the test ends first
		c.Close()
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	runEvalCases(t, []evalCase{
		{`(let* ((s (socket-connect protocol-family/internet socket-type/stream "127.0.0.1" ` + strconv.Itoa(port) + `))
		         (in (socket:inport s))
		         (ready (select-ports 20 in)))
		    (list (length ready) (char-ready? in) (read-char in)))`, `(1 #t #\l)`, ""},
		{`(receive (r w) (pipe)
		    (let ((before (char-ready? r)))
		      (write-string "x" w) (force-output w)
		      (let ((after (char-ready? r)))
		        (close w) (read-char r)
		        (list before after (char-ready? r)))))`, `(#f #t #t)`, ""},
	})
}

// sleep is Scheme 48's: milliseconds (scsh scripts and scsh's own lock
// code pass (* seconds 1000)); process-sleep takes seconds.
func TestSleepMilliseconds(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, tc := range []struct {
		src      string
		min, max time.Duration
	}{
		{`(sleep 300)`, 300 * time.Millisecond, 5 * time.Second},
		{`(sleep 0.5)`, 0, 250 * time.Millisecond},
		{`(sleep -5)`, 0, 250 * time.Millisecond},
	} {
		start := time.Now()
		if _, err := it.EvalString(context.Background(), tc.src, "sleep.scm"); err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if d := time.Since(start); d < tc.min || d > tc.max {
			t.Errorf("%s took %v, want between %v and %v", tc.src, d, tc.min, tc.max)
		}
	}
	if _, err := it.EvalString(context.Background(), `(sleep "1")`, "sleep.scm"); err == nil || !strings.Contains(err.Error(), "milliseconds") {
		t.Errorf(`(sleep "1"): %v, want an error naming milliseconds`, err)
	}
}
