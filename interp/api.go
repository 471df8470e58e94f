package interp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// enter prepares a top-level evaluation (not a nested one started by a
// primitive): it arms cancellation by ctx and returns the function that
// disarms it and flushes the output ports.
func (it *Interp) enter(ctx context.Context) (func(), error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if it.vm.level > 0 || it.ctx != nil {
		// nested: inside a primitive, or while the form of a top-level
		// evaluation is compiled (a lazy library loaded because the form
		// names one of its procedures), which runs at level 0; a second
		// arming would leave that evaluation without its context once
		// done, and Ctrl-C and the waits that release the interpreter
		// lock without it
		return func() {}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, &ErrorObject{Message: "interrupted", Cause: err}
	}
	it.interrupt.Store(false)
	// Interrupt cancels ctx too, so that Go waits on it end (an (exit) in
	// another thread, Ctrl-C)
	ctx, cancel := context.WithCancel(context.WithValue(ctx, interpKey{}, it))
	it.renewInterrupt(cancel)
	it.ctx = ctx
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(interrupted)
		it.Interrupt()
	})
	wind := it.vm.wind
	return func() {
		if it.emergency {
			// emergency-exit: no after thunk runs (R7RS 6.14)
			it.emergency = false
			it.vm.wind = wind
		}
		// The cancellation's Interrupt runs in a goroutine of its own:
		// let it finish before the after thunks of the extents left run
		// (it would cut them short: a script's cleanup stopped half
		// way), and in any case before the next evaluation (it would
		// cancel that one).
		waited := false
		if ctx.Err() != nil {
			if !stop() {
				<-interrupted
			}
			waited = true
		}
		if it.vm.wind != wind {
			it.unwindTo(wind)
		}
		if !waited && !stop() {
			<-interrupted
		}
		it.renewInterrupt(nil)
		cancel()
		it.ctx = nil
		it.FlushOutput()
	}, nil
}

// unwindTo runs the after thunks of the dynamic-wind extents that an error,
// an interrupt or exit left without leaving them, so that the next top-level
// evaluation starts in the dynamic state the last one started in: a
// parameterize around a failed expression at the prompt does not stay in
// effect. An after thunk that fails is skipped; an interrupt that ended the
// evaluation does not stop its after thunks.
func (it *Interp) unwindTo(to *windFrame) {
	it.interrupt.Store(false)
	for it.vm.wind != to && it.vm.wind != nil {
		w := it.vm.wind
		if err := it.vm.rewind(to); err == nil {
			return
		}
		if it.vm.wind == w {
			// the thunk of w failed before leaving it: skip it
			it.vm.wind = w.parent
		}
		it.interrupt.Store(false)
	}
	it.vm.wind = to
}

// finish turns internal control errors into errors for the Go caller (at
// top level only: inside a primitive they must reach the outer run).
func (it *Interp) finish(v Value, err error) (Value, error) {
	if err == nil || it.vm.level > 0 {
		return v, err
	}
	if e := it.pendingExit(); e != nil {
		// another thread called (exit): whatever stopped this one
		return nil, e
	}
	var ee *ExitError
	if errors.As(err, &ee) && ee.Emergency {
		it.emergency = true
	}
	var ct *contThrow
	if errors.As(err, &ct) {
		return nil, &ErrorObject{Message: "continuation invoked outside the evaluation that captured it"}
	}
	return nil, err
}

// EvalString reads and evaluates every form of src; filename names the text
// in positions. It returns the value of the last form. Cancelling ctx stops
// the evaluation with an error satisfying errors.Is(err, context.Canceled).
// A program calling (exit n) makes it return an *ExitError.
func (it *Interp) EvalString(ctx context.Context, src, filename string) (Value, error) {
	return it.EvalReader(ctx, strings.NewReader(src), filename)
}

// EvalReader reads and evaluates every form of r. r is a whole program: a
// leading UTF-8 byte-order mark is skipped, and so is a first line starting
// with "#!" (up to a line holding only "!#" when there is one, as in scsh).
func (it *Interp) EvalReader(ctx context.Context, r io.Reader, filename string) (Value, error) {
	done, err := it.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return it.finish(it.evalReader(r, filename))
}

// EvalFile evaluates the file at path (as load does).
func (it *Interp) EvalFile(ctx context.Context, path string) (Value, error) {
	done, err := it.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return it.finish(it.load(path))
}

// Eval evaluates one datum (a program as data, as eval does).
func (it *Interp) Eval(ctx context.Context, datum Value) (Value, error) {
	done, err := it.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return it.finish(it.evalTop(datum, nil, Pos{}))
}

// EvalForm evaluates form, a datum rd has read or a part of one, as a
// top-level form whose errors carry the source positions rd recorded (the
// file, line and column of the expression that failed). It serves tools
// that read a file form by form and evaluate parts of the forms, as the
// test runner of package interptest does.
func (it *Interp) EvalForm(ctx context.Context, rd *Reader, form Value) (Value, error) {
	done, err := it.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return it.finish(it.evalTop(form, rd.pos, rd.last))
}

// Call applies the procedure proc to args. It may be called from inside a
// primitive (a nested evaluation): errors and raises propagate to the
// caller; continuations captured inside it cannot be resumed after it
// returns.
func (it *Interp) Call(ctx context.Context, proc Value, args ...Value) (Value, error) {
	if !isProcedure(proc) {
		return nil, &ErrorObject{Message: "attempt to call a non-procedure: " + WriteString(proc)}
	}
	done, err := it.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return it.finish(it.vm.apply(proc, args))
}

// DefineMacro defines a syntactic keyword implemented in Go: expand gets
// the whole form (with its keyword) and returns the form to analyse in its
// place. The expansion is not hygienic: use names that user code will not
// shadow, or %-prefixed helpers.
func (it *Interp) DefineMacro(name string, expand func(form Value) (Value, error)) {
	it.recordBinding(name)
	g := it.global(Intern(name))
	g.macro = &macro{name: name, gofn: expand}
	g.special = nil
	if g.pending {
		it.setPending(g, nil)
	}
	g.value = unbound
}

// NewParameter returns a new parameter object of it holding value, with
// no converter: what (make-parameter value) gives.
func (it *Interp) NewParameter(value Value) *Parameter {
	return &Parameter{value: value, owner: it}
}

// Context returns the context of the running evaluation (the one given to
// the outermost Eval* or Call), or context.Background() when none is
// running. Primitives that wait (on the network, a child process...) should
// use it so that cancelling the evaluation, or Ctrl-C at the REPL, stops
// them too.
func (it *Interp) Context() context.Context {
	if t := it.vm.thread; t != nil && t.ctx != nil {
		return t.ctx
	}
	if it.ctx != nil {
		return it.ctx
	}
	return context.Background()
}

// SetLocal keeps value under key for this interpreter, out of reach of
// the Scheme program (no global a program could set! or define over): the
// place for an embedder's per-interpreter state, read back with Local.
// Keys are shared by every package that embeds the interpreter, so
// qualify them with the package path ("popsh/bindings.scsh"). A nil value
// removes the key.
func (it *Interp) SetLocal(key string, value any) {
	if value == nil {
		delete(it.locals, key)
		return
	}
	if it.locals == nil {
		it.locals = map[string]any{}
	}
	it.locals[key] = value
}

// Local returns the value SetLocal keeps under key, or nil.
func (it *Interp) Local(key string) any { return it.locals[key] }

// NewOpaque wraps a Go value for Scheme; it prints as #{kind label}.
func NewOpaque(kind, label string, v any) *Opaque {
	return &Opaque{Kind: kind, Label: label, Value: v}
}

// Procedure is the target type of UnpackArgs for an argument that must be a
// procedure (any procedure).
type Procedure any

// UnpackArgs checks and converts the arguments of a primitive named fn. spec
// holds pairs of a parameter name and a pointer to a Go variable; a name
// ending in "?" is optional (the variable keeps its value when the argument
// is absent or #!default), a name ending in "*" takes all remaining
// arguments (pointer *[]Value). The pointer's type drives checking:
//
//	*Value       any value          *string     a string
//	*int, *int64 an exact integer   *float64    a real number
//	*bool        a boolean          *Char       a character
//	**Pair       a pair             **String    a string (the object)
//	**Symbol     a symbol           **Port      a port
//	**Bytevector a bytevector       **Vector    a vector
//	*Procedure   a procedure        *[]Value    the rest ("name*")
//
// Errors read "fn: expected 2 arguments, got 1" and
// "fn: argument 2 (msgid): expected an exact integer, got "x"".
func UnpackArgs(fn string, args []Value, spec ...any) error {
	if len(spec)%2 != 0 {
		panic("UnpackArgs: spec must be name, pointer pairs")
	}
	nreq, nopt, rest := 0, 0, false
	for i := 0; i < len(spec); i += 2 {
		name := spec[i].(string)
		switch {
		case strings.HasSuffix(name, "*"):
			rest = true
		case strings.HasSuffix(name, "?"):
			nopt++
		default:
			nreq++
		}
	}
	if len(args) < nreq || (!rest && len(args) > nreq+nopt) {
		var want string
		switch {
		case rest:
			want = "at least " + argCount(nreq)
		case nopt == 0:
			want = argCount(nreq)
		case nopt == 1:
			want = fmt.Sprintf("%d or %d arguments", nreq, nreq+1)
		default:
			want = fmt.Sprintf("%d to %d arguments", nreq, nreq+nopt)
		}
		return &ErrorObject{Who: fn, Message: fmt.Sprintf("expected %s, got %d", want, len(args))}
	}
	ai := 0
	for i := 0; i < len(spec); i += 2 {
		name := spec[i].(string)
		ptr := spec[i+1]
		if strings.HasSuffix(name, "*") {
			p, ok := ptr.(*[]Value)
			if !ok {
				panic("UnpackArgs: rest parameter needs a *[]Value")
			}
			if ai < len(args) {
				*p = append([]Value(nil), args[ai:]...)
			} else {
				*p = nil
			}
			return nil
		}
		if ai >= len(args) {
			return nil
		}
		a := args[ai]
		ai++
		if strings.HasSuffix(name, "?") && a == DefaultObject {
			continue
		}
		if err := unpackOne(a, ptr); err != nil {
			return &ErrorObject{Who: fn, Message: fmt.Sprintf("argument %d (%s): %s", ai, strings.TrimRight(name, "?*"), err.Error())}
		}
	}
	return nil
}

type wantErr string

// Error is the wrong-type message.
func (w wantErr) Error() string { return string(w) }

func want(what string, got Value) error {
	return wantErr("expected " + what + ", got " + ShortWriteString(got))
}

func unpackOne(a Value, ptr any) error {
	switch p := ptr.(type) {
	case *Value:
		*p = a
	case *string:
		s, ok := a.(*String)
		if !ok {
			return want("a string", a)
		}
		*p = s.String()
	case **String:
		s, ok := a.(*String)
		if !ok {
			return want("a string", a)
		}
		*p = s
	case *int:
		n, ok := a.(int)
		if !ok {
			return want("an exact integer", a)
		}
		*p = n
	case *int64:
		n, ok := a.(int)
		if !ok {
			return want("an exact integer", a)
		}
		*p = int64(n)
	case *float64:
		switch n := a.(type) {
		case float64:
			*p = n
		case int:
			*p = float64(n)
		case *big.Int:
			f, _ := new(big.Float).SetInt(n).Float64()
			*p = f
		case *big.Rat:
			f, _ := n.Float64()
			*p = f
		default:
			return want("a real number", a)
		}
	case *bool:
		b, ok := a.(bool)
		if !ok {
			return want("a boolean", a)
		}
		*p = b
	case *Char:
		c, ok := a.(Char)
		if !ok {
			return want("a character", a)
		}
		*p = c
	case **Pair:
		x, ok := a.(*Pair)
		if !ok {
			return want("a pair", a)
		}
		*p = x
	case **Symbol:
		x, ok := a.(*Symbol)
		if !ok {
			return want("a symbol", a)
		}
		*p = x
	case **Port:
		x, ok := a.(*Port)
		if !ok {
			return want("a port", a)
		}
		*p = x
	case **Vector:
		x, ok := a.(*Vector)
		if !ok {
			return want("a vector", a)
		}
		*p = x
	case **Bytevector:
		x, ok := a.(*Bytevector)
		if !ok {
			return want("a bytevector", a)
		}
		*p = x
	case *Procedure:
		if !isProcedure(a) {
			return want("a procedure", a)
		}
		*p = a
	default:
		panic(fmt.Sprintf("UnpackArgs: unsupported pointer type %T", ptr))
	}
	return nil
}

// FromGo converts a Go value to a Scheme value: nil → '(), bool, integers
// (int, int64, ...) → exact integers, floats → inexact, string → string,
// []byte → bytevector, []string and []any → lists, rune is an int32 and
// so an integer (use Char for characters), error → error object; a Value
// is returned as it is.
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil:
		return Null
	case int:
		return x
	case int8:
		return int(x)
	case int16:
		return int(x)
	case int32:
		return int(x)
	case int64:
		return int(x)
	case uint8:
		return int(x)
	case uint16:
		return int(x)
	case uint32:
		return int(x)
	case uint:
		if x > 1<<62 {
			return new(big.Int).SetUint64(uint64(x))
		}
		return int(x)
	case uint64:
		if x > 1<<62 {
			return new(big.Int).SetUint64(x)
		}
		return int(x)
	case float32:
		return float64(x)
	case string:
		return NewString(x)
	case []byte:
		return &Bytevector{B: x}
	case []string:
		out := make([]Value, len(x))
		for i, s := range x {
			out[i] = NewString(s)
		}
		return List(out...)
	case []any:
		out := make([]Value, len(x))
		for i, e := range x {
			out[i] = FromGo(e)
		}
		return List(out...)
	case *ErrorObject:
		return x
	case error:
		return &ErrorObject{Message: x.Error(), Cause: x}
	}
	return v
}

// ToGo converts a Scheme value to a plain Go value where one exists:
// exact integers → int (or *big.Int), strings and symbols → string,
// characters → rune, booleans, flonums, proper lists and vectors → []any,
// bytevectors → []byte, unspecified → nil. Other values are returned as
// they are.
func ToGo(v Value) any {
	switch x := v.(type) {
	case *String:
		return x.String()
	case *Symbol:
		return x.Name
	case Char:
		return rune(x)
	case *EmptyList:
		return []any{}
	case *Pair:
		items, ok := ListToSlice(x)
		if !ok {
			return x
		}
		out := make([]any, len(items))
		for i, e := range items {
			out[i] = ToGo(e)
		}
		return out
	case *Vector:
		out := make([]any, len(x.Items))
		for i, e := range x.Items {
			out[i] = ToGo(e)
		}
		return out
	case *Bytevector:
		return x.B
	case *Special:
		if x == Unspecified {
			return nil
		}
	}
	return v
}
