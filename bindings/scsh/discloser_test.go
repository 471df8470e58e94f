package scsh

import (
	"bytes"
	"testing"
)

// Scheme48's define-record-discloser on a define-record-type type, as a
// library module's process records use it; a wrong argument is an error,
// not a crash.
func TestDefineRecordDiscloser(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	expectValue(t, it, `
(define-record-type proc-entry :proc-entry (make-proc-entry pid name) proc-entry? (pid entry-pid) (name entry-name))
(define-record-discloser :proc-entry (lambda (e) (list 'entry (entry-pid e) (entry-name e))))
(make-proc-entry 42 "sh")`, `#{entry 42 "sh"}`)
	expectError(t, it, `(define-record-discloser 'x (lambda (e) '(x)))`, "define-record-discloser: argument 1 (type): expected a record type")
	expectError(t, it, `(define-record-discloser :proc-entry 5)`, "define-record-discloser: argument 2 (proc): expected a procedure")
}
