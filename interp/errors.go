package interp

import (
	"fmt"
	"strings"
)

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

// Backtrace formats the Scheme backtrace, innermost call first, one frame
// a line ("  at NAME (file:line:col)").
func (e *ErrorObject) Backtrace() string {
	var b strings.Builder
	for i, p := range e.Trace {
		name := ""
		if i < len(e.TraceName) {
			name = e.TraceName[i]
		}
		if !p.IsValid() && strings.HasPrefix(name, "(") {
			fmt.Fprintf(&b, "  %s\n", name)
			continue
		}
		if name == "" {
			name = "<anonymous>"
		}
		if p.IsValid() {
			fmt.Fprintf(&b, "  at %s (%s)\n", name, p)
		} else {
			fmt.Fprintf(&b, "  at %s\n", name)
		}
	}
	return b.String()
}

// ErrorWithBacktrace formats the error followed by its backtrace, as the
// shell prints an uncaught error.
func (e *ErrorObject) ErrorWithBacktrace() string {
	bt := e.Backtrace()
	if bt == "" {
		return e.Error()
	}
	return e.Error() + "\n" + strings.TrimRight(bt, "\n")
}
