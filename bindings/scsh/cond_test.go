package scsh

import (
	"bytes"
	"strings"
	"testing"
)

// A condition of a type never declared, signalled by the program,
// is not an error: with no handler (or handlers that punt) signal returns.
func TestSignalUndeclaredTypeProceeds(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"signal, no handler", `(write (list 'proceeds (signal 'note-type-qa "x")))`, "(proceeds "},
		{"signal-condition, no handler", `(signal-condition '(other-type "x" 1)) (display "after")`, "after"},
		{"handler punts", `(with-handler (lambda (c punt) (punt)) (lambda () (signal 'zz 1) (display "in")))`, "in"},
		{"not error?", `(display (call-with-current-continuation (lambda (k)
			(with-handler (lambda (c punt) (k (list (error? c) (condition-type c) (condition-stuff c))))
			  (lambda () (signal 'zz "m" 2))))))`, `(#f zz (m 2))`},
		{"ignore-errors lets it through", `(display (ignore-errors (lambda () (signal 'zz 1) 'ok)))`, "ok"},
		// a Go-raised error whose kind was never declared is still an error
		{"file error is error?", `(display (call-with-current-continuation (lambda (k)
			(with-handler (lambda (c punt) (k (error? c)))
			  (lambda () (open-input-file "/nonexistent/popsh-q19"))))))`, "#t"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		if _, err := evalScsh(t, it, c.src); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		it.FlushOutput()
		if !strings.HasPrefix(out.String(), c.want) {
			t.Errorf("%s: printed %q, want %q...", c.name, out.String(), c.want)
		}
	}
}

// Errors stay fatal when no handler takes them.
func TestSignalErrorsStayFatal(t *testing.T) {
	for _, src := range []string{
		`(signal 'error "boom")`,
		`(error "boom" 1)`,
		`(define-condition-type 'my-err '(error)) (signal 'my-err "boom")`,
		`(signal-condition '(error "boom"))`,
		`(with-handler (lambda (c punt) (punt)) (lambda () (signal 'error "boom")))`,
		`(call-error "boom" car 1)`,
	} {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, src+` (display "continued")`)
		it.FlushOutput()
		if err == nil || strings.Contains(out.String(), "continued") {
			t.Errorf("%s: want a fatal error, got err=%v output %q", src, err, out.String())
		}
	}
}
