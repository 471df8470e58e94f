// Package bindings gives Go functions Scheme names: the scsh compatibility
// layer (this file and the other scsh*.go files) and the pop3-* entry
// points.
package bindings

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"popsh/interp"
)

//go:embed scm/scsh.scm
var scshPrelude string

// scshEnv is the per-interpreter state of the scsh layer. Every primitive
// that needs state is a closure over one scshEnv, so interpreters never
// share anything.
type scshEnv struct {
	it *interp.Interp
	// condTypes maps a condition type name to itself and all its supertypes.
	condTypes map[string][]string
	// netrc is the file parsed for the 1998 global-state netrc API.
	netrc *netrcFile
	// args are the scsh command-line arguments (see SetScshArgs).
	args []string
}

func (e *scshEnv) ctx() context.Context { return context.Background() }

// call applies a Scheme procedure from Go.
func (e *scshEnv) call(proc interp.Value, args ...interp.Value) (interp.Value, error) {
	return e.it.Call(e.ctx(), proc, args...)
}

// def defines a primitive.
func (e *scshEnv) def(name string, min, max int, fn interp.PrimFn) {
	e.it.DefinePrimitive(name, min, max, fn)
}

// envKey is the global under which InstallScsh keeps its state.
const envKey = "%scsh-env"

// InstallScsh defines the scsh compatibility layer in it: conditions,
// records and binding forms, format, ports, regexps, strings, netrc,
// system procedures, networking and process notation. It is safe to call
// once per interpreter.
func InstallScsh(it *interp.Interp) error {
	e := &scshEnv{it: it, condTypes: map[string][]string{}}
	for _, ct := range [][]string{
		{"error"}, {"call-error", "error"}, {"read-error", "error"}, {"file-error", "error"},
		{"exception", "error"}, {"vm-exception", "error"}, {"i/o-error", "error"},
		{"syscall-error", "error"}, {"syntax-error", "error"},
		{"warning"}, {"note"}, {"interrupt"},
	} {
		e.condTypes[ct[0]] = ct
	}
	it.Define(envKey, &interp.Opaque{Kind: "scsh-env", Value: e})
	e.installConditions()
	e.installFormat()
	e.installRegexps()
	e.installStrings()
	e.installPorts()
	e.installNetrc()
	e.installSystem()
	e.installNet()
	e.installProc()
	e.installRecords()
	e.installMacros()
	if _, err := it.EvalString(context.Background(), scshPrelude, "scsh.scm"); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	e.setArgs(nil)
	return nil
}

// SetScshArgs sets scsh's command-line-arguments variable (the arguments
// after the script name) in an interpreter prepared by InstallScsh. The
// shell calls it after it.SetCommandLine; (command-line) and argv come from
// the interpreter's command line.
func SetScshArgs(it *interp.Interp, args []string) {
	v, ok := it.Lookup(envKey)
	if !ok {
		return
	}
	if o, ok := v.(*interp.Opaque); ok {
		if e, ok := o.Value.(*scshEnv); ok {
			e.setArgs(args)
		}
	}
}

func (e *scshEnv) setArgs(args []string) {
	e.args = append([]string(nil), args...)
	vals := make([]interp.Value, len(args))
	for i, a := range args {
		vals[i] = interp.NewString(a)
	}
	e.it.Define("command-line-arguments", interp.List(vals...))
}

// FormatCondition renders an error the way scsh's display-condition does:
//
//	Error: MESSAGE
//	       IRRITANT
//	       ...
//
// The first line names the condition type ("Error" for plain errors,
// otherwise the type name, e.g. "-ERR" or "call-error"); each irritant is
// written with write on its own line, indented under the message. The
// source position, when known, follows the message in brackets. The
// result ends with a newline.
func FormatCondition(err error) string {
	var b strings.Builder
	eo, ok := err.(*interp.ErrorObject)
	if !ok {
		fmt.Fprintf(&b, "Error: %v\n", err)
		return b.String()
	}
	if eo.Payload != nil && eo.Message == "" && len(eo.Irritants) == 0 {
		fmt.Fprintf(&b, "Error: uncaught raise\n       %s\n", interp.WriteString(eo.Payload))
		return b.String()
	}
	name := "Error"
	switch eo.Kind {
	case "", "error":
	default:
		name = eo.Kind
	}
	msg := eo.Message
	irr := eo.Irritants
	if eo.Kind == "syscall-error" && len(irr) >= 3 {
		// stuff is (errno message syscall . data)
		if s, ok := irr[1].(*interp.String); ok {
			msg = s.String()
		}
		rest := append([]interp.Value{irr[2]}, irr[3:]...)
		irr = rest
	}
	if eo.Who != "" && eo.Kind != "syscall-error" {
		msg = eo.Who + ": " + msg
	}
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(msg)
	if eo.Pos.IsValid() {
		b.WriteString(" [" + eo.Pos.String() + "]")
	}
	b.WriteByte('\n')
	indent := strings.Repeat(" ", len(name)+2)
	for _, v := range irr {
		b.WriteString(indent)
		b.WriteString(interp.WriteString(v))
		b.WriteByte('\n')
	}
	return b.String()
}
