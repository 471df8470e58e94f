package scsh

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"popsh/interp"
)

// evalCase is a program and the written form of its value, or a text its
// error must contain.
type evalCase struct {
	src, want, err string
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range cases {
		v, err := evalScsh(t, it, c.src)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want one containing %q", c.src, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := interp.WriteString(v); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestDateSetters(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(let ((d (date 0 "UTC"))) (set-date:year d 100) (set-date:hour d 5) (list (date:year d) (date:hour d) (date->string d)))`,
			`(100 5 "Sat Jan  1 05:00:00 2000")`, ""},
		{`(let ((d (date 0 "UTC"))) (modify-date:month-day d (lambda (x) (+ x 9))) (date:month-day d))`, `10`, ""},
		{`(let ((d (date 0 "UTC"))) (set-date:tz-name d #f) (set-date:summer? d #t) (list (date:tz-name d) (date:summer? d)))`, `(#f #t)`, ""},
		{`(let ((d (date 0 "UTC"))) (modify-date:seconds d (lambda (s) (+ s 30))) (date:seconds d))`, `30`, ""},
		{`(set-date:year 5 100)`, "", "argument 1 (date): expected a date, got 5"},
		{`(set-date:minute (date 0 "UTC") "x")`, "", "argument 2 (value): expected an exact integer"},
		{`(set-date:tz-secs (date 0 "UTC") 'x)`, "", "expected an exact integer or #f"},
		{`(modify-date:hour (date 0 "UTC") 3)`, "", "argument 2 (proc): expected a procedure"},
		{`(modify-date:hour (date 0 "UTC") (lambda (h) "late"))`, "", "proc returned a bad hour value"},
	})
}

func TestUtilities(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(mapv (lambda (x) (* x x)) #(1 2 3))`, `#(1 4 9)`, ""},
		{`(let ((v (vector 1 2))) (eq? v (mapv! - v)))`, `#t`, ""},
		{`(let ((v (vector 1 2))) (mapv! - v) v)`, `#(-1 -2)`, ""},
		{`(list (vector-every? odd? #(1 3)) (vector-every? odd? #(1 2)) (vector-every? odd? #()))`, `(#t #f #t)`, ""},
		{`(let* ((v (vector 1 2)) (c (copy-vector v))) (vector-set! c 0 9) (list v c))`, `(#(1 2) #(9 2))`, ""},
		{`(initialize-vector 4 (lambda (i) (* i i)))`, `#(0 1 4 9)`, ""},
		{`(list (vfold cons '() #(1 2 3)) (vfold-right cons '() #(1 2 3)))`, `((3 2 1) (1 2 3))`, ""},
		{`(check-arg string? "ok" 'me)`, `"ok"`, ""},
		{`(check-arg string? 5 'me)`, "", "Bad argument 5"},
		// A handler's value replaces the bad one, and is checked again.
		{`(with-handler (lambda (c punt) "fixed") (lambda () (check-arg string? 5 'me)))`, `"fixed"`, ""},
		{`(let ((n 0)) (with-handler (lambda (c punt) (set! n (+ n 1)) (if (< n 3) n "ok")) (lambda () (list (check-arg string? 5 'me) n))))`, `("ok" 3)`, ""},
		{`(list (real->exact-integer 2.6) (real->exact-integer -2.5) (real->exact-integer 7))`, `(3 -2 7)`, ""},
		{`(let ((f (deprecated-proc + 'plus))) (list (f 1 2) (f 3 4)))`, `(3 7)`, ""},
		{`(begin (make-reinitializer (lambda () 1)) #t)`, `#t`, ""},
		{`(make-reinitializer 5)`, "", "expected a procedure, got 5"},
		{`(let ((a (make-lock)) (b (make-lock))) (obtain-all-or-none a b) (list (maybe-obtain-lock a) (maybe-obtain-lock b)))`, `(#f #f)`, ""},
		// run-as-long-as: thunk1 runs while thunk2 does, and is stopped after.
		{`(let ((p (make-placeholder)) (c (make-channel 100)))
		   (let ((r (run-as-long-as (lambda () (placeholder-set! p (current-thread)) (let loop () (channel-send! c 1) (loop)))
		                            (lambda () (placeholder-value p) 'done)
		                            spawn)))
		     (list r (guard (e ((terminated-thread-exception? e) 'stopped))
		               (thread-join! (placeholder-value p) 10 'still-running)))))`, `(done stopped)`, ""},
	})
}

// The warning of deprecated-proc is given once, on the first call.
func TestDeprecatedProcWarnsOnce(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	if _, err := evalScsh(t, it, `(define f (deprecated-proc + 'old-plus "Use +")) (f 1) (f 2) (f 3)`); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "Deprecated procedure"); n != 1 {
		t.Errorf("%d warnings, want 1: %q", n, out.String())
	}
	if !strings.Contains(out.String(), "old-plus") {
		t.Errorf("the warning does not name the procedure: %q", out.String())
	}
}

func TestRegexpStringsFileNames(t *testing.T) {
	t.Setenv("POPSH_T_A", "alpha")
	t.Setenv("HOME", "/home/tester")
	os.Unsetenv("POPSH_T_UNSET")
	runEvalCases(t, []evalCase{
		{`(let ((r (rx "x"))) (eq? r (->regexp r)))`, `#t`, ""},
		{`(match:substring (regexp-search (->regexp "b+") "abbbc"))`, `"bbb"`, ""},
		{`(->regexp 5)`, "", "Value must be either a Posix regexp string or a regexp value"},
		{`(->regexp "a(")`, "", "->regexp"},
		{`(substitute-env-vars "$POPSH_T_A/x/${POPSH_T_A}y$")`, `"alpha/x/alphay"`, ""},
		{`(substitute-env-vars "no vars")`, `"no vars"`, ""},
		{`(substitute-env-vars "${POPSH_T_A")`, "", "Unbalanced ${"},
		{`(substitute-env-vars "$POPSH_T_UNSET/x")`, "", "environment variable not set"},
		{`(substitute-env-vars 'x)`, "", "expected a string"},
		{`(list (resolve-tilde-file-name "~/f") (resolve-tilde-file-name "~") (resolve-tilde-file-name "a/~"))`, `("/home/tester/f" "/home/tester" "a/~")`, ""},
		{`(resolve-tilde-file-name "~root/x")`, `"/root/x"`, ""},
		{`(resolve-tilde-file-name "~no-such-user-popsh/x")`, "", "unknown user"},
	})
}

func TestVersionAndEndian(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(list scsh-major-version scsh-minor-version scsh-version-string (string? scsh-release-name))`, `(0 6 "0.6.7" #t)`, ""},
		{`(number->string (net-to-host-32 #x01020304) 16)`, `"4030201"`, ""},
		{`(number->string (host-to-net-32 #xa0b0c0d0) 16)`, `"d0c0b0a0"`, ""},
		{`(number->string (net-to-host-16 #x0102) 16)`, `"201"`, ""},
		{`(number->string (host-to-net-16 #x12345678) 16)`, `"7856"`, ""},
		{`(list (net-to-host-32 -1) (net-to-host-32 #x100000000) (host-to-net-16 (expt 2 70)))`, `(#f #f #f)`, ""},
		{`(net-to-host-32 "1")`, "", "expected an exact integer"},
	})
}

func TestMD5(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data")
	data := strings.Repeat("popsh md5 ", 500) // longer than the default buffer
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(data))
	fileHex := hex.EncodeToString(sum[:])
	runEvalCases(t, []evalCase{
		// RFC 1321's test suite.
		{`(number->string (md5-digest->number (md5-digest-for-string "")) 16)`, `"d41d8cd98f00b204e9800998ecf8427e"`, ""},
		{`(number->string (md5-digest->number (md5-digest-for-string "message digest")) 16)`, `"f96b697d7cb7938d525a2f31aaf161d0"`, ""},
		{`(let ((c (make-md5-context))) (update-md5-context! c "a") (update-md5-context! c "bc")
		   (number->string (md5-digest->number (md5-context->md5-digest c)) 16))`, `"900150983cd24fb0d6963f7d28e17f72"`, ""},
		{`(md5-digest->number (number->md5-digest 1))`, `1`, ""},
		{`(= (md5-digest->number (number->md5-digest (- (expt 2 128) 1))) (- (expt 2 128) 1))`, `#t`, ""},
		{`(list (md5-digest? (md5-digest-for-string "x")) (md5-digest? "x") (md5-context? (make-md5-context)) (md5-context? 1))`, `(#t #f #t #f)`, ""},
		{`(number->string (md5-digest->number (call-with-input-file "` + file + `" md5-digest-for-port)) 16)`, `"` + strings.TrimLeft(fileHex, "0") + `"`, ""},
		{`(number->string (md5-digest->number (md5-digest-for-port (open-input-string "abc") 1)) 16)`, `"900150983cd24fb0d6963f7d28e17f72"`, ""},
		{`(number->string (md5-digest->number (md5-digest-for-port (open-input-string ""))) 16)`, `"d41d8cd98f00b204e9800998ecf8427e"`, ""},
		{`(let ((c (make-md5-context))) (md5-context->md5-digest c) (update-md5-context! c "x"))`, "", "tried to update final md5 context"},
		{`(number->md5-digest (expt 2 128))`, "", "not a 128 bit number"},
		{`(number->md5-digest -1)`, "", "not a 128 bit number"},
		{`(md5-digest->number "x")`, "", "expected an md5 digest"},
		{`(update-md5-context! (make-md5-context) 5)`, "", "argument 2 (string): expected a string"},
		{`(md5-digest-for-port 5)`, "", "expected an input port"},
		{`(let ((p (open-input-string "x"))) (close-port p) (md5-digest-for-port p))`, "", "closed"},
	})
}

// A value held only by a weak table is reclaimed; a strengthened one is
// kept; numbers and the like are held as they are.
func TestWeakTables(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(let ((t (make-weak-table)) (v (list 1 2))) (weak-table-set! t 1 v) (weak-table-set! t 2 'sym) (list (weak-table-ref t 1) (weak-table-ref t 2) (weak-table-ref t 3)))`, `((1 2) sym #f)`, ""},
		{`(let ((t (make-weak-table)) (acc '())) (weak-table-set! t 1 "a") (weak-table-set! t 2 "b") (weak-table-set! t 2 #f)
		   (weak-table-walk (lambda (k v) (set! acc (cons (list k v) acc))) t) acc)`, `((1 "a"))`, ""},
		{`(weak-table-ref 5 1)`, "", "expected a table"},
		{`(weak-table-walk 5 (make-weak-table))`, "", "expected a procedure"},
	})
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	if _, err := evalScsh(t, it, `(define wt (make-weak-table))
		(define (fill!) (weak-table-set! wt 1 (make-string 1000 #\a)) (weak-table-set! wt 2 (make-string 1000 #\b)) (strengthen-weak-table-ref wt 2))
		(fill!)`); err != nil {
		t.Fatal(err)
	}
	reclaimed := false
	for i := 0; i < 20 && !reclaimed; i++ {
		runtime.GC()
		v, err := evalScsh(t, it, `(weak-table-ref wt 1)`)
		if err != nil {
			t.Fatal(err)
		}
		reclaimed = v == false
	}
	if !reclaimed {
		t.Errorf("a value held only weakly was never reclaimed")
	}
	v, err := evalScsh(t, it, `(string-length (weak-table-ref wt 2))`)
	if err != nil || v != 1000 {
		t.Errorf("the strengthened value: %v %v", v, err)
	}
}

// A batching helper in the style of SUnet's code starts its workers with
// fork-thread and hands results back through placeholders; the worker sees
// the preserved thread fluids of the thread that forked it. spoon is the
// same procedure under its old name.
func TestForkThreadKeepsFluids(t *testing.T) {
	runEvalCases(t, []evalCase{
		{src: `(let ((f (make-preserved-thread-fluid 'outer))
		             (p (make-placeholder)))
		         (let-thread-fluid f 'inner
		           (lambda () (fork-thread (lambda () (placeholder-set! p (thread-fluid f))))))
		         (placeholder-value p))`, want: "inner"},
		{src: `(let ((p (make-placeholder)) (l (make-lock)))
		         (obtain-lock l)
		         (spoon (lambda () (obtain-lock l) (placeholder-set! p 'got-lock) (release-lock l)) 'worker)
		         (release-lock l)
		         (placeholder-value p))`, want: "got-lock"},
		{src: `(thread? (fork-thread (lambda () 1)))`, want: "#t"},
		{src: `(fork-thread 5)`, err: "procedure"},
	})
}
