package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// uncaught evaluates src (named file) in a new interpreter and returns the
// error it must end with.
func uncaught(t *testing.T, src, file string) error {
	t.Helper()
	_, err := New().EvalString(context.Background(), src, file)
	if err == nil {
		t.Fatalf("%s: no error", src)
	}
	return err
}

// FormatError is what popsh prints for an uncaught error, for every kind.
func TestFormatError(t *testing.T) {
	pos := Pos{File: "c.scm", Line: 2, Col: 3}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"interrupt", fmt.Errorf("%w (%w)", ErrInterrupted, errors.New("read: EOF")), "interrupted"},
		{"cancelled context", &ErrorObject{Message: "read", Cause: context.Canceled}, "interrupted"},
		{"core error", uncaught(t, "(define (f x) (car x))\n(f 5)", "s.scm"),
			"s.scm:1:15: car: expected a pair, got 5\n  at f (s.scm:1:15)"},
		{"program error", uncaught(t, "\n\n(error \"oops\" 1 \"two\")", "p.scm"), `p.scm:3:1: Error: oops 1 "two"`},
		{"program error, no position", &ErrorObject{Message: "oops", Irritants: []Value{1}}, "Error: oops 1"},
		{"raised value", uncaught(t, "(raise 42)", "r.scm"), "r.scm:1:1: uncaught exception: 42"},
		{"read error", uncaught(t, "(car", "e.scm"), "e.scm:1:1: read: unexpected end of input in list"},
		{"scsh condition", &ErrorObject{Kind: "-ERR", Message: " no such message", Irritants: []Value{NewString("RETR 9")}, Pos: pos},
			"-ERR:  no such message [c.scm:2:3]\n      \"RETR 9\""},
		{"call-error", &ErrorObject{Kind: "call-error", Who: "pop3-stat", Message: "not in transaction state"},
			"call-error: pop3-stat: not in transaction state"},
		{"syscall-error", &ErrorObject{Kind: KindSyscallError, Irritants: []Value{2, NewString("no such file or directory"), Intern("open"), NewString("x")}, Pos: pos},
			"syscall-error: no such file or directory [c.scm:2:3]\n               open\n               \"x\""},
		{"wrapped", fmt.Errorf("load: %w", &ErrorObject{Who: "car", Message: "expected a pair, got 5", Pos: pos}),
			"c.scm:2:3: car: expected a pair, got 5"},
		{"Go error", errors.New("open x.scm: no such file or directory"), "open x.scm: no such file or directory"},
	}
	for _, c := range cases {
		if got := FormatError(c.err); got != c.want {
			t.Errorf("%s: FormatError = %q, want %q", c.name, got, c.want)
		}
	}
}

// The backtrace under an error shows at most five frames, then a count.
func TestFormatErrorBacktraceLimit(t *testing.T) {
	src := `(define (f1 x) (car x))
(define (f2 x) (+ 1 (f1 x)))
(define (f3 x) (+ 1 (f2 x)))
(define (f4 x) (+ 1 (f3 x)))
(define (f5 x) (+ 1 (f4 x)))
(define (f6 x) (+ 1 (f5 x)))
(define (f7 x) (+ 1 (f6 x)))
(f7 5)`
	got := FormatError(uncaught(t, src, "b.scm"))
	want := `b.scm:1:16: car: expected a pair, got 5
  at f1 (b.scm:1:16)
  at f2 (b.scm:2:21)
  at f3 (b.scm:3:21)
  at f4 (b.scm:4:21)
  at f5 (b.scm:5:21)
  ... 2 more`
	if got != want {
		t.Errorf("FormatError =\n%s\nwant\n%s", got, want)
	}
	var eo *ErrorObject
	errors.As(uncaught(t, src, "b.scm"), &eo)
	if len(eo.Stack) != 7 || eo.Stack[6] != (Frame{Name: "f7", Pos: Pos{File: "b.scm", Line: 7, Col: 21}}) {
		t.Errorf("Stack = %v, want 7 frames, f7 outermost", eo.Stack)
	}
	if n := strings.Count(eo.Backtrace(0), "\n"); n != 6 {
		t.Errorf("Backtrace(0) has %d line breaks, want 6 (all 7 frames)", n)
	}
}

// A note standing for many frames prints as itself, not as a frame.
func TestFrameString(t *testing.T) {
	cases := []struct {
		f    Frame
		want string
	}{
		{Frame{Name: "f", Pos: Pos{File: "a.scm", Line: 1, Col: 2}}, "at f (a.scm:1:2)"},
		{Frame{Pos: Pos{File: "a.scm", Line: 1, Col: 2}}, "at <anonymous> (a.scm:1:2)"},
		{Frame{Name: "g"}, "at g"},
		{Frame{Name: repeatMarker + "3 more times)"}, "(the call above repeated 3 more times)"},
	}
	for _, c := range cases {
		if got := c.f.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.f, got, c.want)
		}
	}
}

// An error in the prelude's Scheme code is reported at the program's call;
// when no frame of the program is left (its procedure tail-called the
// prelude's, and the embedder called it, as scsh's -e main does), the
// error has no position rather than one in popsh's own prelude. Found
// running scala's expand-template.scm with a missing output directory.
func TestPreludeErrorWithoutProgramFrame(t *testing.T) {
	it := New()
	ctx := context.Background()
	main, err := it.EvalString(ctx, "(lambda (file) (call-with-output-file file (lambda (p) (display 1 p))))", "m.scm")
	if err != nil {
		t.Fatal(err)
	}
	_, err = it.Call(ctx, main, NewString(t.TempDir()+"/no/such/dir/out"))
	if err == nil {
		t.Fatal("no error")
	}
	msg := FormatError(err)
	if strings.Contains(msg, preludePrefix) || !strings.Contains(msg, "no/such/dir/out") {
		t.Errorf("error %q: want the file named and no prelude position", msg)
	}
}
