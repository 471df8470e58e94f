package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Frame is one entry of a Scheme backtrace: the procedure that was
// running and where, innermost first in ErrorObject.Stack. A Frame with
// no position whose Name starts with "(" is a note that stands for
// several frames ("(the call above repeated 99 more times)").
type Frame struct {
	Name string // the procedure's name; "" for an anonymous one
	Pos  Pos
}

// String renders the frame as a backtrace line without its indentation:
// "at NAME (file:line:col)", "at NAME" without a position, or the note.
func (f Frame) String() string {
	if !f.Pos.IsValid() && strings.HasPrefix(f.Name, "(") {
		return f.Name
	}
	name := f.Name
	if name == "" {
		name = "<anonymous>"
	}
	if f.Pos.IsValid() {
		return "at " + name + " (" + f.Pos.String() + ")"
	}
	return "at " + name
}

// Error formats the error as "file:line:col: who: message irritant ...".
// Irritants are written (as by write), separated by spaces.
func (e *ErrorObject) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Describe())
	return b.String()
}

// Describe formats the error without its position: "who: message irritants".
func (e *ErrorObject) Describe() string {
	var b strings.Builder
	if e.Who != "" {
		b.WriteString(e.Who)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	for _, irr := range e.Irritants {
		b.WriteByte(' ')
		b.WriteString(WriteString(irr))
	}
	return b.String()
}

// Backtrace renders at most max frames of the Scheme backtrace (all of
// them when max <= 0), innermost call first, one "  at NAME (file:line:col)"
// line each, then "  ... N more" for the frames left out. The result has no
// final newline; it is empty when the stack is.
func (e *ErrorObject) Backtrace(max int) string {
	var b strings.Builder
	for i, f := range e.Stack {
		if i > 0 {
			b.WriteByte('\n')
		}
		if max > 0 && i == max {
			fmt.Fprintf(&b, "  ... %d more", len(e.Stack)-max)
			break
		}
		b.WriteString("  ")
		b.WriteString(f.String())
	}
	return b.String()
}

// KindSyscallError is the kind of a failed system call in the scsh layer.
const KindSyscallError = "syscall-error"

// IsErrno reports whether e has the shape of a failed system call: a
// syscall-error condition, or a file error whose irritants are scsh's
// (errno message syscall data ...).
func (e *ErrorObject) IsErrno() bool {
	if e.Kind == KindSyscallError {
		return true
	}
	if e.Kind != KindFileError || len(e.Irritants) < 3 {
		return false
	}
	_, isInt := e.Irritants[0].(int)
	_, isSym := e.Irritants[2].(*Symbol)
	return isInt && isSym
}

// ConditionString renders e the way scsh's display-condition does:
//
//	Error: MESSAGE [file:line:col]
//	       IRRITANT
//	       ...
//
// The first line names the condition type ("Error" for plain errors,
// otherwise the kind, e.g. "-ERR" or "call-error") and, when the position
// is known, ends with it in brackets; each irritant is written with write
// on its own line, indented under the message. A system call failure
// shows its message and the call. The result ends with a newline.
func (e *ErrorObject) ConditionString() string {
	var b strings.Builder
	if e.Payload != nil && e.Message == "" && len(e.Irritants) == 0 {
		fmt.Fprintf(&b, "Error: uncaught raise\n       %s\n", WriteString(e.Payload))
		return b.String()
	}
	name := "Error"
	switch e.Kind {
	case KindError, "error":
	default:
		name = e.Kind
	}
	msg := e.Message
	irr := e.Irritants
	errno := e.IsErrno()
	if errno && len(irr) >= 3 {
		// the irritants are (errno message syscall . data)
		if s, ok := irr[1].(*String); ok && msg == "" {
			msg = s.String()
			irr = append([]Value{irr[2]}, irr[3:]...)
		} else {
			irr = irr[2:3]
		}
	}
	if e.Who != "" && !errno {
		msg = e.Who + ": " + msg
	}
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(msg)
	if e.Pos.IsValid() {
		b.WriteString(" [" + e.Pos.String() + "]")
	}
	b.WriteByte('\n')
	indent := strings.Repeat(" ", len(name)+2)
	for _, v := range irr {
		b.WriteString(indent)
		b.WriteString(WriteString(v))
		b.WriteByte('\n')
	}
	return b.String()
}

// ErrInterrupted is the cause of an evaluation stopped by its user (Ctrl-C
// at the REPL, SIGINT in a script). A program's front end cancels the
// evaluation's context with it (context.WithCancelCause).
var ErrInterrupted = errors.New("interrupted")

// IsInterrupt reports whether err means the evaluation was interrupted:
// ErrInterrupted or a cancelled context in its chain.
func IsInterrupt(err error) bool {
	return errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled)
}

// backtraceLines is how many frames FormatError shows.
const backtraceLines = 5

// FormatError renders an error that ended an evaluation, as popsh prints it
// (without a final newline):
//
//   - an interrupt, wherever it stopped the program: "interrupted";
//   - a condition of the scsh layer (an ErrorObject whose Kind is none of
//     this package's kinds, such as -ERR or call-error): ConditionString,
//     the position in brackets;
//   - an error the program signals itself, (error "msg" irritant ...):
//     "file:line:col: Error: msg irritant ...", as scsh's top level says
//     "Error: msg" with the position in front;
//   - any other ErrorObject: its Error, "file:line:col: who: message
//     irritant ...";
//   - any other error: its Error.
//
// An ErrorObject's first five backtrace frames follow, one a line.
//
// It is the one renderer: the REPL, the batch runner and the tests that
// run scripts all print what it returns, and it is made of the exported
// pieces Error, ConditionString (which the Scheme procedure
// display-condition prints too) and Backtrace. The scsh format is here
// rather than registered by the scsh layer because it is only a way of
// printing ErrorObject kinds (a scsh condition is an *ErrorObject whose
// Kind is its type name): so FormatError needs just the error, with no
// interpreter, hook or package state, and every program embedding interp
// prints what popsh prints.
func FormatError(err error) string {
	if IsInterrupt(err) {
		return ErrInterrupted.Error()
	}
	var e *ErrorObject
	if !errors.As(err, &e) {
		return err.Error()
	}
	var msg string
	switch {
	case e.Kind != KindError && e.Kind != KindReadError && e.Kind != KindFileError && e.Kind != KindSyntax:
		msg = strings.TrimRight(e.ConditionString(), "\n")
	case e.Kind == KindError && e.Who == "" && e.Payload == nil:
		msg = "Error: " + e.Describe()
		if e.Pos.IsValid() {
			msg = e.Pos.String() + ": " + msg
		}
	default:
		msg = e.Error()
	}
	if bt := e.Backtrace(backtraceLines); bt != "" {
		msg += "\n" + bt
	}
	return msg
}
