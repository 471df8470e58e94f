package interp

// Control primitives: procedures, continuations, values, dynamic-wind,
// exceptions, parameters, promises, records, eval, load, exit, process
// context and time.
//
// # The handler stack (for the scsh layer and anyone else)
//
// The VM keeps a dynamic list of exception handlers, (%handlers), saved and
// restored by call/cc and by every form that installs a handler. It has two
// kinds of entries:
//
//   - R7RS handlers, pushed by (with-exception-handler handler thunk).
//     raise and raise-continuable call the handler with the list set to the
//     rest of the list for the duration of the call. For raise (and for
//     errors signalled by primitives and by error), returning from the
//     handler raises a secondary error in that same dynamic environment; for
//     raise-continuable the handler's values are returned.
//   - Direct handlers, pushed by (%with-direct-handler proc thunk): proc is
//     called as (proc condition punt) with the handler list UNCHANGED (so a
//     raise inside proc reaches proc again), and whatever proc returns
//     becomes the value of the raise, raise-continuable or error call that
//     signalled, continuable or not. (punt) delivers the same condition to
//     the rest of the list by these same rules and returns what that
//     handler returns. This is Scheme48/scsh with-handler.
//
// Errors raised by primitives (car of 5, an unbound variable, a wrong
// number of arguments...) are *ErrorObject values delivered through this
// same list, as by raise, so guard, with-exception-handler and direct
// handlers all see them. With no handler left, the error ends the
// evaluation and is returned to the Go caller.

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"popsh/interp/num"
)

// The embedded Scheme sources, each a string (the bytes stay in the
// binary's read-only data: reading them through an embed.FS copied them to
// the heap at every start). TestEmbeddedSourcesComplete checks that the
// lists hold every file of scm/ and scm/lib/, in name order.
var (
	//go:embed scm/00-control.scm
	srcControl string
	//go:embed scm/lib/10-lists.scm
	srcLists string
	//go:embed scm/lib/11-sequences.scm
	srcSequences string
	//go:embed scm/lib/12-io.scm
	srcIO string
)

// embeddedSource is one embedded file: its name in its folder, its text,
// and its top-level split made at build time (forms_index.go).
type embeddedSource struct {
	name, text string
	idx        *FormIndex
}

// preludeSources are the files of scm/, libSources those of scm/lib/.
var (
	preludeSources = []embeddedSource{{"00-control.scm", srcControl, &controlIndex}}
	libSources     = []embeddedSource{
		{"10-lists.scm", srcLists, &listsIndex},
		{"11-sequences.scm", srcSequences, &sequencesIndex},
		{"12-io.scm", srcIO, &ioIndex},
	}
)

//go:generate env POPSH_WRITE_INDEX=1 go test -run ^TestFormIndexCurrent$ .

// preludeForms are the forms of the embedded prelude files, in name
// order: their procedure definitions are compiled on first use (their
// stubs are built-in primitives, bound by New with the others); the
// other forms are evaluated by every New (see lib_lazy.go).
var preludeForms = func() []*libForm {
	var out []*libForm
	for _, f := range preludeSources {
		for _, d := range indexedForms(f.idx, preludePrefix+f.name, f.text, true, nil) {
			if d.mac != nil {
				// New binds built-in primitives, not macros: evaluate it.
				d.name, d.mac = "", nil
			}
			out = append(out, d)
		}
	}
	return out
}()

func init() { registerLazy(preludeForms) }

func (it *Interp) loadPrelude() error {
	for _, d := range preludeForms {
		if d.name != "" {
			continue
		}
		if _, err := it.evalLibrary(d.src, d.file, d.line); err != nil {
			return fmt.Errorf("%s: %w", d.file, err)
		}
	}
	if d, ok := it.Lookup("%deliver"); ok {
		it.deliver = d
	}
	return nil
}

var callccProc = &ctlProc{name: "call-with-current-continuation", kind: ctlCallCC}

func isProcedure(v Value) bool {
	switch v.(type) {
	case *Closure, *Primitive, *ctlProc, *Continuation, *Parameter, *caseLambda:
		return true
	}
	return false
}

// IsProcedure reports whether v is a Scheme procedure.
func IsProcedure(v Value) bool { return isProcedure(v) }

func (it *Interp) installControl() {
	it.Define("call-with-current-continuation", callccProc)
	it.Define("call/cc", callccProc)
	it.Define("current-input-port", it.inParam)
	it.Define("current-output-port", it.outParam)
	it.Define("current-error-port", it.errParam)
}

func init() {
	registerBuiltins("control", []Builtin{
		{Name: "procedure?", MinArgs: 1, MaxArgs: 1, Doc: "(procedure? obj): whether obj is a procedure",
			Fn: func(it *Interp, a []Value) (Value, error) { return isProcedure(a[0]), nil }},
		{Name: "apply", MinArgs: 2, MaxArgs: -1, Doc: "(apply proc arg ... list): call proc with the args and the elements of list",
			Fn: func(it *Interp, a []Value) (Value, error) {
				last, err := listArg(a[len(a)-1])
				if err != nil {
					return nil, argAt(len(a), "arg", err)
				}
				args := make([]Value, 0, len(a)-2+len(last))
				args = append(args, a[1:len(a)-1]...)
				args = append(args, last...)
				return &TailCall{Proc: a[0], Args: args}, nil
			}},
		{Name: "values", MinArgs: 0, MaxArgs: -1, Doc: "(values obj ...): return the objs as several values",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if len(a) == 1 {
					return a[0], nil
				}
				return &MultipleValues{Vals: append([]Value(nil), a...)}, nil
			}},
		{Name: "%apply-mv", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				if mv, ok := a[1].(*MultipleValues); ok {
					return &TailCall{Proc: a[0], Args: mv.Vals}, nil
				}
				return &TailCall{Proc: a[0], Args: []Value{a[1]}}, nil
			}},
		{Name: "%wind-push", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				d := 1
				if it.vm.wind != nil {
					d = it.vm.wind.depth + 1
				}
				it.vm.wind = &windFrame{before: a[0], after: a[1], parent: it.vm.wind, depth: d}
				return Unspecified, nil
			}},
		{Name: "%wind-pop", MinArgs: 0, MaxArgs: 0,
			Fn: func(it *Interp, a []Value) (Value, error) {
				if it.vm.wind != nil {
					it.vm.wind = it.vm.wind.parent
				}
				return Unspecified, nil
			}},
		{Name: "%handlers", MinArgs: 0, MaxArgs: 0,
			Fn: func(it *Interp, a []Value) (Value, error) { return it.vm.handlers, nil }},
		{Name: "%set-handlers!", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				it.vm.handlers = a[0]
				return Unspecified, nil
			}},
		{Name: "%library-export", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, ok := a[0].(*Symbol)
				if !ok {
					return nil, TypeError("a symbol", a[0])
				}
				it.Define(s.Name, a[1])
				return Unspecified, nil
			}},
		{Name: "%accepts-2?", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				switch p := a[0].(type) {
				case *Closure:
					return p.proto.nreq == 2 || p.proto.rest && p.proto.nreq <= 2, nil
				case *Primitive:
					return p.MinArgs <= 2 && (p.MaxArgs < 0 || p.MaxArgs >= 2), nil
				case *caseLambda:
					for _, c := range p.clauses {
						if c.proto.nreq == 2 || c.proto.rest && c.proto.nreq <= 2 {
							return true, nil
						}
					}
					return false, nil
				}
				return isProcedure(a[0]), nil
			}},
		{Name: "%bad-handler", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				e := &ErrorObject{Who: "with-handler", Message: "handler is not a procedure of 2 arguments (condition punt):", Irritants: []Value{a[0]}}
				if w, ok := a[1].(*ErrorObject); ok {
					e.Pos, e.Stack = w.Pos, w.Stack
				}
				return e, nil
			}},
		{Name: "%check-procedure", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				if !isProcedure(a[1]) {
					return nil, &ErrorObject{Who: DisplayString(a[0]), Message: "expected a procedure, got " + WriteString(a[1])}
				}
				return Unspecified, nil
			}},
		{Name: "%make-direct-handler", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &directHandler{proc: a[0]}, nil
			}},
		{Name: "%direct-handler?", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*directHandler)
				return ok, nil
			}},
		{Name: "%direct-handler-proc", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				d, ok := a[0].(*directHandler)
				if !ok {
					return nil, TypeError("a handler", a[0])
				}
				return d.proc, nil
			}},
		{Name: "%uncaught", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					e = &ErrorObject{Message: "uncaught exception:", Irritants: []Value{a[0]}, Payload: a[0]}
				}
				return nil, &uncaughtErr{e}
			}},
		{Name: "%non-continuable", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				e := &ErrorObject{Who: "raise", Message: "handler returned from non-continuable raise of", Irritants: []Value{a[0]}}
				if w, ok := a[1].(*ErrorObject); ok {
					e.Pos, e.Stack = w.Pos, w.Stack
				}
				return nil, e
			}},
	}...)
	registerBuiltins("exceptions", []Builtin{
		{Name: "raise", MinArgs: 1, MaxArgs: 1, Doc: "(raise obj): raise obj to the current exception handler; returning from it is an error",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return nil, &raiseErr{obj: a[0]}
			}},
		{Name: "raise-continuable", MinArgs: 1, MaxArgs: 1, Doc: "(raise-continuable obj): raise obj; the handler's values are raise-continuable's",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return nil, &raiseErr{obj: a[0], continuable: true}
			}},
		{Name: "error", MinArgs: 1, MaxArgs: -1, Doc: "(error message obj ...): raise an error object with message and the objs as irritants",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e := &ErrorObject{}
				if len(a) > 0 {
					if s, ok := a[0].(*String); ok {
						e.Message = s.String()
					} else if sym, ok := a[0].(*Symbol); ok && len(a) > 1 {
						// (error 'who "message" irritants...) as many Schemes allow
						if s, ok := a[1].(*String); ok {
							e.Who = sym.Name
							e.Message = s.String()
							a = a[1:]
						} else {
							e.Message = WriteString(a[0])
						}
					} else {
						e.Message = WriteString(a[0])
					}
					e.Irritants = append([]Value(nil), a[1:]...)
				}
				return nil, &raiseErr{obj: e}
			}},
		{Name: "error-object?", MinArgs: 1, MaxArgs: 1, Doc: "(error-object? obj): whether obj is an error object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*ErrorObject)
				return ok, nil
			}},
		{Name: "error-object-message", MinArgs: 1, MaxArgs: 1, Doc: "(error-object-message error): the message of error",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					return nil, TypeError("an error object", a[0])
				}
				if e.Who != "" && e.Payload == nil {
					return NewString(e.Who + ": " + e.Message), nil
				}
				return NewString(e.Message), nil
			}},
		{Name: "error-object-irritants", MinArgs: 1, MaxArgs: 1, Doc: "(error-object-irritants error): the list of irritants of error",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					return nil, TypeError("an error object", a[0])
				}
				return List(e.Irritants...), nil
			}},
		{Name: "error-object-who", MinArgs: 1, MaxArgs: 1, Doc: "(error-object-who error): the name of the procedure that raised error, else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					return nil, TypeError("an error object", a[0])
				}
				if e.Who == "" {
					return false, nil
				}
				return Intern(e.Who), nil
			}},
		{Name: "error-object-position", MinArgs: 1, MaxArgs: 1, Doc: "(error-object-position error): \"file:line:col\" where error was raised, else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					return nil, TypeError("an error object", a[0])
				}
				if !e.Pos.IsValid() {
					return false, nil
				}
				return NewString(e.Pos.String()), nil
			}},
		{Name: "condition/report-string", MinArgs: 1, MaxArgs: 1, Doc: "(condition/report-string condition): the message and irritants of condition as one string",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				if !ok {
					return NewString(DisplayString(a[0])), nil
				}
				return NewString(e.Describe()), nil
			}},
		{Name: "read-error?", MinArgs: 1, MaxArgs: 1, Doc: "(read-error? obj): whether obj is an error raised by the reader",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				return ok && e.Kind == KindReadError, nil
			}},
		{Name: "file-error?", MinArgs: 1, MaxArgs: 1, Doc: "(file-error? obj): whether obj is an error about opening, creating or removing a file",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*ErrorObject)
				return ok && e.Kind == KindFileError, nil
			}},
	}...)
	registerBuiltins("system", []Builtin{
		{Name: "exit", MinArgs: 0, MaxArgs: 1, Doc: "(exit [status]): run pending dynamic-wind exits, flush the output ports and end the program with status",
			Fn: func(it *Interp, a []Value) (Value, error) {
				code, err := exitCode(a)
				if err != nil {
					return nil, err
				}
				// run outstanding dynamic-wind after thunks, then flush every
				// output port the program left open
				if it.vm.wind != nil {
					if err := it.vm.rewind(nil); err != nil {
						return nil, err
					}
				}
				FlushOpenPorts(it)
				return nil, &ExitError{Code: code}
			}},
		{Name: "emergency-exit", MinArgs: 0, MaxArgs: 1, Doc: "(emergency-exit [status]): end the program with status at once, without unwinding",
			Fn: func(it *Interp, a []Value) (Value, error) {
				code, err := exitCode(a)
				if err != nil {
					return nil, err
				}
				it.FlushOutput()
				return nil, &ExitError{Code: code, Emergency: true}
			}},
		{Name: "%make-parameter", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p := &Parameter{value: a[0], owner: it}
				if b, ok := a[1].(bool); !ok || b {
					p.converter = a[1]
				}
				return p, nil
			}},
		{Name: "%param-value", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, TypeError("a parameter object", a[0])
				}
				return it.vm.paramValue(p), nil
			}},
		{Name: "%param-assign!", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, TypeError("a parameter object", a[0])
				}
				// the binding in force: the running thread's own
				// (parameterize), else the global one
				if _, local := it.vm.params[p]; local {
					it.vm.params[p] = a[1]
				} else {
					p.value = a[1]
				}
				return Unspecified, nil
			}},
		{Name: "%param-set!", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, TypeError("a parameter object", a[0])
				}
				p.value = a[1]
				return Unspecified, nil
			}},
		// %param-local and %param-set-local! read and set the running
		// thread's own binding (parameterize); unbound stands for none.
		{Name: "%param-local", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, TypeError("a parameter object", a[0])
				}
				if v, ok := it.vm.params[p]; ok {
					return v, nil
				}
				return unbound, nil
			}},
		{Name: "%param-set-local!", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, TypeError("a parameter object", a[0])
				}
				if a[1] == unbound {
					delete(it.vm.params, p)
					return Unspecified, nil
				}
				if it.vm.params == nil {
					it.vm.params = map[*Parameter]Value{}
				}
				it.vm.params[p] = a[1]
				return Unspecified, nil
			}},
		{Name: "%param-converter", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Parameter)
				if !ok {
					return nil, &ErrorObject{Who: "parameterize", Message: "not a parameter object:", Irritants: []Value{a[0]}}
				}
				if p.converter == nil {
					return false, nil
				}
				return p.converter, nil
			}},
	}...)
	registerBuiltins("control", []Builtin{
		{Name: "make-promise", MinArgs: 1, MaxArgs: 1, Doc: "(make-promise obj): a promise already forced to obj (obj itself if a promise)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if p, ok := a[0].(*Promise); ok {
					return p, nil
				}
				return &Promise{b: &promiseState{done: true, value: a[0]}}, nil
			}},
		{Name: "%make-lazy-promise", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &Promise{b: &promiseState{value: a[0]}}, nil
			}},
		{Name: "promise?", MinArgs: 1, MaxArgs: 1, Doc: "(promise? obj): whether obj is a promise",
			Fn: func(it *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Promise)
				return ok, nil
			}},
		{Name: "%promise-done?", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Promise)
				if !ok {
					return nil, TypeError("a promise", a[0])
				}
				return p.b.done, nil
			}},
		{Name: "%promise-value", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Promise)
				if !ok {
					return nil, TypeError("a promise", a[0])
				}
				return p.b.value, nil
			}},
		{Name: "%promise-update!", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				np, ok := a[0].(*Promise)
				if !ok {
					return nil, &ErrorObject{Who: "force", Message: "delay-force body did not return a promise:", Irritants: []Value{a[0]}}
				}
				old, ok := a[1].(*Promise)
				if !ok {
					return nil, TypeError("a promise", a[1])
				}
				old.b.done, old.b.value = np.b.done, np.b.value
				np.b = old.b
				return Unspecified, nil
			}},
		{Name: "%make-record-type", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				name, ok := a[0].(*Symbol)
				if !ok {
					return nil, TypeError("a symbol", a[0])
				}
				fs, err := listArg(a[1])
				if err != nil {
					return nil, err
				}
				rt := &RecordType{Name: name.Name}
				for _, f := range fs {
					s, ok := f.(*Symbol)
					if !ok {
						return nil, TypeError("a field name", f)
					}
					rt.Fields = append(rt.Fields, s)
				}
				return rt, nil
			}},
		{Name: "%record-constructor", MinArgs: 3, MaxArgs: 3,
			Fn: func(it *Interp, a []Value) (Value, error) {
				rt, ok := a[0].(*RecordType)
				if !ok {
					return nil, TypeError("a record type", a[0])
				}
				fs, err := listArg(a[1])
				if err != nil {
					return nil, err
				}
				idx := make([]int, len(fs))
				for i, f := range fs {
					idx[i] = fieldIndex(rt, f)
					if idx[i] < 0 {
						return nil, &ErrorObject{Who: "define-record-type", Message: "constructor names an unknown field:", Irritants: []Value{f}}
					}
				}
				op := &recordOp{kind: recMake, rt: rt, idx: idx}
				return &Primitive{Name: DisplayString(a[2]), MinArgs: len(idx), MaxArgs: len(idx), rec: op, Fn: func(it *Interp, args []Value) (Value, error) {
					v, _ := op.do(args)
					return v, nil
				}}, nil
			}},
		{Name: "%record-predicate", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				rt, ok := a[0].(*RecordType)
				if !ok {
					return nil, TypeError("a record type", a[0])
				}
				op := &recordOp{kind: recIs, rt: rt}
				return &Primitive{Name: DisplayString(a[1]), MinArgs: 1, MaxArgs: 1, rec: op, Fn: func(it *Interp, args []Value) (Value, error) {
					v, _ := op.do(args)
					return v, nil
				}}, nil
			}},
		{Name: "%record-accessor", MinArgs: 3, MaxArgs: 3,
			Fn: func(it *Interp, a []Value) (Value, error) {
				rt, k, err := recordField(a[0], a[1])
				if err != nil {
					return nil, err
				}
				want := "a record of type " + rt.Name
				op := &recordOp{kind: recGet, rt: rt, k: k}
				return &Primitive{Name: DisplayString(a[2]), MinArgs: 1, MaxArgs: 1, rec: op, Fn: func(it *Interp, args []Value) (Value, error) {
					if v, ok := op.do(args); ok {
						return v, nil
					}
					return nil, TypeError(want, args[0])
				}}, nil
			}},
		{Name: "%record-modifier", MinArgs: 3, MaxArgs: 3,
			Fn: func(it *Interp, a []Value) (Value, error) {
				rt, k, err := recordField(a[0], a[1])
				if err != nil {
					return nil, err
				}
				want := "a record of type " + rt.Name
				op := &recordOp{kind: recSet, rt: rt, k: k}
				return &Primitive{Name: DisplayString(a[2]), MinArgs: 2, MaxArgs: 2, rec: op, Fn: func(it *Interp, args []Value) (Value, error) {
					if v, ok := op.do(args); ok {
						return v, nil
					}
					return nil, ArgTypeError(1, "record", want, args[0])
				}}, nil
			}},
		{Name: "record?", MinArgs: 1, MaxArgs: 1, Doc: "(record? obj): whether obj is a record",
			Fn: func(it *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Record)
				return ok, nil
			}},
		{Name: "%memv", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				for l := a[1]; ; {
					p, ok := l.(*Pair)
					if !ok {
						return false, nil
					}
					if eqv(a[0], p.Car) {
						return p, nil
					}
					l = p.Cdr
				}
			}},
		{Name: "%list", MinArgs: 0, MaxArgs: -1,
			Fn: func(it *Interp, a []Value) (Value, error) { return List(a...), nil }},
		{Name: "%append2", MinArgs: 2, MaxArgs: 2,
			Fn: func(it *Interp, a []Value) (Value, error) {
				items, ok := ListToSlice(a[0])
				if !ok {
					return nil, &ErrorObject{Who: "unquote-splicing", Message: "expected a list, got " + WriteString(a[0])}
				}
				out := a[1]
				for i := len(items) - 1; i >= 0; i-- {
					out = &Pair{items[i], out}
				}
				return out, nil
			}},
		{Name: "%list->vector", MinArgs: 1, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				items, ok := ListToSlice(a[0])
				if !ok {
					return nil, TypeError("a list", a[0])
				}
				return &Vector{Items: items}, nil
			}},
	}...)
	registerBuiltins("evaluation", []Builtin{
		{Name: "eval", MinArgs: 1, MaxArgs: 2, Doc: "(eval expr [environment]): the value of expr evaluated at top level",
			Fn: func(it *Interp, a []Value) (Value, error) {
				var env *Environment
				if len(a) > 1 {
					env, _ = a[1].(*Environment)
				}
				clo, err := it.compileIn(a[0], nil, Pos{}, env)
				if err != nil {
					return nil, err
				}
				return &TailCall{Proc: clo}, nil
			}},
		{Name: "interaction-environment", MinArgs: 0, MaxArgs: 0, Doc: "(interaction-environment): the global environment",
			Fn: func(it *Interp, a []Value) (Value, error) { return it.env, nil }},
		{Name: "environment", MinArgs: 0, MaxArgs: -1, Doc: "(environment import-set ...): the global environment, with the names that prefix and rename give",
			Fn: func(it *Interp, a []Value) (Value, error) {
				names, err := it.importNames(a)
				if err != nil || names == nil {
					return it.env, err
				}
				return &Environment{name: "environment", names: names}, nil
			}},
		{Name: "scheme-report-environment", MinArgs: 0, MaxArgs: 1, Doc: "(scheme-report-environment [version]): the global environment",
			Fn: func(it *Interp, a []Value) (Value, error) { return it.env, nil }},
		{Name: "null-environment", MinArgs: 0, MaxArgs: 1, Doc: "(null-environment [version]): the global environment",
			Fn: func(it *Interp, a []Value) (Value, error) { return it.env, nil }},
		{Name: "system-global-environment", MinArgs: 0, MaxArgs: 0, Doc: "(system-global-environment): the global environment",
			Fn: func(it *Interp, a []Value) (Value, error) { return it.env, nil }},
		{Name: "load", MinArgs: 1, MaxArgs: 2, Doc: "(load filename [environment]): evaluate the forms of the file filename (in environment), returning the last value",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, ok := a[0].(*String)
				if !ok {
					return nil, ArgTypeError(1, "filename", "a file name string", a[0])
				}
				var env *Environment
				if len(a) > 1 {
					if env, ok = a[1].(*Environment); !ok {
						return nil, ArgTypeError(2, "environment", "an environment", a[1])
					}
				}
				return it.loadIn(s.String(), env)
			}},
	}...)
	registerBuiltins("system", []Builtin{
		{Name: "command-line", MinArgs: 0, MaxArgs: 0, Doc: "(command-line): the command line as a list of strings, the program name first",
			Fn: func(it *Interp, a []Value) (Value, error) {
				out := make([]Value, len(it.cmdline))
				for i, s := range it.cmdline {
					out[i] = NewString(s)
				}
				return List(out...), nil
			}},
		{Name: "features", MinArgs: 0, MaxArgs: 0, Doc: "(features): the list of feature identifiers cond-expand knows",
			Fn: func(it *Interp, a []Value) (Value, error) {
				var out []Value
				for _, f := range append(append([]string(nil), Features...), it.features...) {
					out = append(out, Intern(f))
				}
				return List(out...), nil
			}},
		{Name: "current-second", MinArgs: 0, MaxArgs: 0, Doc: "(current-second): the time since the epoch, in seconds, as an inexact number",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return float64(time.Now().UnixNano()) / 1e9, nil
			}},
		{Name: "current-jiffy", MinArgs: 0, MaxArgs: 0, Doc: "(current-jiffy): the number of jiffies (microseconds) since the program started",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return int(time.Since(processStart).Nanoseconds() / 1000), nil
			}},
		{Name: "jiffies-per-second", MinArgs: 0, MaxArgs: 0, Doc: "(jiffies-per-second): the number of jiffies in a second",
			Fn: func(it *Interp, a []Value) (Value, error) { return 1000000, nil }},
		{Name: "get-environment-variable", MinArgs: 1, MaxArgs: 1, Doc: "(get-environment-variable name): the value of the environment variable name, else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, ok := a[0].(*String)
				if !ok {
					return nil, TypeError("a string", a[0])
				}
				v, ok := os.LookupEnv(s.String())
				if !ok {
					return false, nil
				}
				return NewString(v), nil
			}},
		{Name: "get-environment-variables", MinArgs: 0, MaxArgs: 0, Doc: "(get-environment-variables): the environment as an alist of (name . value) strings",
			Fn: func(it *Interp, a []Value) (Value, error) {
				var out []Value
				for _, kv := range os.Environ() {
					k, v, _ := strings.Cut(kv, "=")
					out = append(out, &Pair{NewString(k), NewString(v)})
				}
				return List(out...), nil
			}},
	}...)
	registerBuiltins("control", []Builtin{
		{Name: "void", MinArgs: 0, MaxArgs: -1, Doc: "(void obj ...): ignore the arguments and return the unspecified value",
			Fn: func(it *Interp, a []Value) (Value, error) { return Unspecified, nil }},
		{Name: "%gensym", MinArgs: 0, MaxArgs: 1,
			Fn: func(it *Interp, a []Value) (Value, error) {
				prefix := "g"
				if len(a) == 1 {
					prefix = DisplayString(a[0])
				}
				return Gensym(prefix), nil
			}},
	}...)
}

var processStart = time.Now()

func exitCode(a []Value) (int, error) {
	if len(a) == 0 {
		return 0, nil
	}
	switch v := a[0].(type) {
	case bool:
		if v {
			return 0, nil
		}
		return 1, nil
	case int:
		return v & 0xff, nil
	}
	return 0, &ErrorObject{Message: "non-integer argument to exit:", Irritants: []Value{a[0]}}
}

func fieldIndex(rt *RecordType, f Value) int {
	for i, name := range rt.Fields {
		if Value(name) == f {
			return i
		}
	}
	return -1
}

// eqv is the core's eqv? (numbers by exactness and value, chars, others by identity).
func eqv(a, b Value) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case *num.Complex:
		return num.Eqv(x, b)
	}
	if a == b {
		return true
	}
	switch x := a.(type) {
	case *String:
		y, ok := b.(*String)
		return ok && x.Len() == 0 && y.Len() == 0
	}
	return false
}

// promiseState is shared by promises chained by delay-force.
type promiseState struct {
	done  bool
	value Value
}

// load evaluates the forms of a file in a nested run.
func (it *Interp) load(name string) (Value, error) { return it.loadIn(name, nil) }

// loadIn loads a file, its forms evaluated against the names of env (nil:
// the globals only).
func (it *Interp) loadIn(name string, env *Environment) (Value, error) {
	f, err := os.Open(ExpandHome(name))
	if err != nil {
		return nil, &ErrorObject{Kind: KindFileError, Who: "load", Message: "cannot open file " + name + ": " + osReason(err), Irritants: nil, Cause: err}
	}
	defer f.Close()
	abs, _ := filepath.Abs(f.Name())
	it.loading = append(it.loading, abs)
	defer func() { it.loading = it.loading[:len(it.loading)-1] }()
	return it.evalReaderIn(interruptible(f, it.Context), name, env)
}

// ExpandHome replaces a leading ~ of a file name, alone or before a /,
// with the home directory ($HOME), as a shell does; other names, and ~
// when no home directory is known, are returned as they are.
func ExpandHome(name string) string {
	if name != "~" && !strings.HasPrefix(name, "~/") {
		return name
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return name
	}
	return home + name[1:]
}

func osReason(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// evalReader reads and evaluates every form of r (inside or outside a run).
// r is a whole program: a leading byte-order mark and "#!" line are skipped.
func (it *Interp) evalReader(r io.Reader, filename string) (Value, error) {
	return it.evalReaderIn(r, filename, nil)
}

// evalReaderIn is evalReader against the names of env (see compileIn).
func (it *Interp) evalReaderIn(r io.Reader, filename string, env *Environment) (Value, error) {
	rd := NewReader(r, filename)
	rd.it = it
	rd.sourceFile = true
	var last Value = Unspecified
	for {
		x, err := rd.Read()
		if err == io.EOF {
			return last, nil
		}
		if err != nil {
			return nil, err
		}
		last, err = it.evalIn(x, rd.pos, rd.LastPos(), env)
		if err != nil {
			return nil, err
		}
	}
}

// evalTop compiles and runs one top-level form; a top-level begin is split
// so that each of its forms sees the macros defined by the ones before.
func (it *Interp) evalTop(x Value, posmap map[*Pair]Pos, at Pos) (Value, error) {
	return it.evalIn(x, posmap, at, nil)
}

// evalIn evaluates a top-level form against the names of env (nil: the
// globals only; see compileIn).
func (it *Interp) evalIn(x Value, posmap map[*Pair]Pos, at Pos, env *Environment) (Value, error) {
	if p, ok := x.(*Pair); ok {
		if s, ok := p.Car.(*Symbol); ok && s.Name == "begin" {
			if g := it.cell(s); g != nil && g.special != nil && g.special.name == "begin" {
				forms, ok := ListToSlice(p.Cdr)
				if ok {
					var last Value = Unspecified
					for _, f := range forms {
						v, err := it.evalIn(f, posmap, at, env)
						if err != nil {
							return nil, err
						}
						last = v
					}
					return last, nil
				}
			}
		}
	}
	clo, err := it.compileIn(x, posmap, at, env)
	if err != nil {
		return nil, err
	}
	return it.vm.apply(clo, nil)
}

// recordField checks the record type and field name given to
// %record-accessor and %record-modifier and returns the field's index.
func recordField(t, field Value) (*RecordType, int, error) {
	rt, ok := t.(*RecordType)
	if !ok {
		return nil, 0, TypeError("a record type", t)
	}
	k := fieldIndex(rt, field)
	if k < 0 {
		return nil, 0, &ErrorObject{Who: "define-record-type", Message: "unknown field:", Irritants: []Value{field}}
	}
	return rt, k, nil
}

// paramAssigner is the procedure a parameter object called with one
// argument runs: it converts the value as parameterize does and stores it
// in the binding in force. Made on first use.
func (it *Interp) paramAssigner() (*Closure, error) {
	if it.paramAssign != nil {
		return it.paramAssign, nil
	}
	p, v, c := Intern("p"), Intern("v"), Intern("c")
	src := List(specialForms["lambda"], List(p, v),
		List(specialForms["let"], List(List(c, List(it.global(Intern("%param-converter")), p))),
			List(it.global(Intern("%param-assign!")), p,
				List(specialForms["if"], c, List(c, v), v))))
	clo, err := it.compileTop(src, nil, Pos{})
	if err != nil {
		return nil, err
	}
	proc, err := it.vm.apply(clo, nil)
	if err != nil {
		return nil, err
	}
	it.paramAssign = proc.(*Closure)
	return it.paramAssign, nil
}
