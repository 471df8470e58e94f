package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// Scheme48's define-record-discloser on a define-record-type type, as a
// library module's process records use it; a wrong argument is an error,
// not a crash.
func TestDefineRecordDiscloser(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, `
(define-record-type proc-entry :proc-entry (make-proc-entry pid name) proc-entry? (pid entry-pid) (name entry-name))
(define-record-discloser :proc-entry (lambda (e) (list 'entry (entry-pid e) (entry-name e))))
(make-proc-entry 42 "sh")`)
	if err != nil {
		t.Fatal(err)
	}
	if got := interp.WriteString(v); got != `#{entry 42 "sh"}` {
		t.Errorf("got %s, want #{entry 42 \"sh\"}", got)
	}
	for src, want := range map[string]string{
		`(define-record-discloser 'x (lambda (e) '(x)))`: "define-record-discloser: argument 1 (type): expected a record type",
		`(define-record-discloser :proc-entry 5)`:        "define-record-discloser: argument 2 (proc): expected a procedure",
	} {
		_, err := evalScsh(t, it, src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", src, err, want)
		}
	}
}
