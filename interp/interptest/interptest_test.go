package interptest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
	"popsh/interp/interptest"
)

// recorder is a testing.TB that keeps the failures it is told of.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// run runs src as a test file named t.scm in a temporary directory and
// returns the failures reported, and the file's path.
func run(t *testing.T, src string) ([]string, string) {
	path := filepath.Join(t.TempDir(), "t.scm")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	interptest.RunFile(rec, func() *interp.Interp { return interp.New() }, path)
	return rec.errs, path
}

func TestPassingFile(t *testing.T) {
	errs, _ := run(t, `(define (sq x) (* x x))
(test 9 (sq 3))
(test (1 "two" #(3.5)) (list 1 "two" (vector 3.5)))
(test +nan.0 (/ 0. 0.))
(test-output "hi\n" (begin (display "hi") (newline)))
(test-error "car: expected a pair, got 5" (car 5))
(test-error "^.*t.scm:8:[0-9]+: car" (begin
  (car 5)) 8)
(test-error "boom" (error "boom") 0)
`)
	if len(errs) > 0 {
		t.Errorf("a passing file reported: %q", errs)
	}
}

func TestFailuresAreReported(t *testing.T) {
	errs, path := run(t, `(test 4 (+ 2 3))
(test-output "a" (display "b"))
(test-error "no such text" (car 5))
(test-error "car" (begin
  (car 5)))
(test-error "x" 42)
(test 1 (car '()))
(undefined-procedure)
(test-error 5 (car 5))
`)
	want := []string{
		path + ":1:1: (+ 2 3): got 5, want 4",
		path + `:2:1: (display "b"): output "b", want "a"`,
		path + `:3:1: error "` + path + `:3:28: car: expected a pair, got 5" does not match "no such text"`,
		path + `:4:1: error "` + path + `:5:3: car: expected a pair, got 5": want it reported at ` + path + " line 4",
		path + ":6:1: 42: no error, value 42",
		path + ":7:1: (car '()): unexpected error: " + path + ":7:9: car: expected a pair, got ()",
		path + ":8:1: " + path + ":8:1: unbound variable: undefined-procedure",
		path + `:9:1: bad test-error form (test-error "REGEXP" EXPR [LINE])`,
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("reported:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
}

func TestFileWithoutTests(t *testing.T) {
	errs, path := run(t, "(define x 1)\n")
	if len(errs) != 1 || errs[0] != path+": no tests" {
		t.Errorf("reported %q", errs)
	}
}

func TestEqual(t *testing.T) {
	s := func(src string) interp.Value {
		v, err := interp.NewReader(strings.NewReader(src), "t").Read()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		a, b string
		eq   bool
	}{
		{"(1 2 . 3)", "(1 2 . 3)", true},
		{"1", "1.", false},
		{"1/2", "1/2", true},
		{"+nan.0", "+nan.0", true},
		{"100000000000000000000", "100000000000000000000", true},
		{`#("a" #u8(1))`, `#("a" #u8(1))`, true},
		{`#u8(1)`, `#u8(2)`, false},
		{"a", "b", false},
	} {
		if got := interptest.Equal(s(c.a), s(c.b)); got != c.eq {
			t.Errorf("Equal(%s, %s) = %v", c.a, c.b, got)
		}
	}
}
