package interp

// This file is the data contract of the interpreter: every package file and
// every embedder agrees on these representations. Change it only with care,
// and only by adding.

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"sync"
)

// A Value is any Scheme value. The representations are:
//
//	exact integer     int (fixnum), or *big.Int only when outside the int range
//	exact rational    *big.Rat, only when not an integer
//	inexact real      float64
//	non-real complex  *num.Complex (parts both exact or both float64; exact 0 imaginary part never)
//	boolean           bool
//	character         Char
//	string            *String (mutable, indexed by rune)
//	symbol            *Symbol (interned: compare with ==)
//	empty list        Null (the only *EmptyList)
//	pair              *Pair
//	vector            *Vector
//	bytevector        *Bytevector
//	procedure         *Primitive, or a closure/continuation/parameter type of the evaluator
//	several values    *MultipleValues (never 1 value; 0 or 2+)
//	record            *Record of a *RecordType
//	port              *Port
//	error object      *ErrorObject
//	Go value          *Opaque (prints as #{Kind Label})
//	others            Unspecified, EOF, DefaultObject
//
// Arithmetic on numbers lives in package popsh/interp/num.
type Value = any

// Symbol is an interned symbol; two symbols with the same name are the same pointer.
type Symbol struct {
	Name string
	// id is 1 + the symbol's index in staticSymbols, 0 for a symbol made
	// at run time: a static symbol's global cell is at that index of
	// Interp.staticCells, not in the map of globals.
	id int32
	// group is the index in staticGroups of the deferred group that binds
	// the name (groups.go), 0 for none
	group uint8
	// builtin is 1 + the index in builtins of the primitive New binds to
	// the name, 0 for none (see defaults.go)
	builtin uint16
}

// The symbol table is append-only and safe for concurrent use: symbols are
// immutable, so sharing them between interpreters is harmless. It is an
// open-addressing table of symbol pointers under a read-write lock: at
// start-up popsh interns about 1300 names, and a table of 8-byte slots
// touches a third of the memory of a map keyed by string (a concurrent map
// allocated a node per name). New symbols are carved from blocks; symbols
// are never freed, so a block kept alive by one of its symbols wastes
// nothing.
var symtab struct {
	sync.RWMutex
	slots []*Symbol // a power of two long, at most 3/4 full; nil is free
	n     int
	block []Symbol
}

// symtabSize is the table's first size: room for popsh's own names and a
// program's.
const symtabSize = 2048

var symSeed = maphash.MakeSeed()

// symLookup returns the symbol named name, whose hash is h, or nil.
func symLookup(name string, h uint64) *Symbol {
	mask := uint64(len(symtab.slots) - 1)
	if symtab.slots == nil {
		return nil
	}
	for i := h & mask; ; i = (i + 1) & mask {
		s := symtab.slots[i]
		if s == nil || s.Name == name {
			return s
		}
	}
}

// symInsert puts s, whose hash is h, in a free slot of slots.
func symInsert(slots []*Symbol, s *Symbol, h uint64) {
	mask := uint64(len(slots) - 1)
	i := h & mask
	for slots[i] != nil {
		i = (i + 1) & mask
	}
	slots[i] = s
}

// Intern returns the unique symbol named name.
func Intern(name string) *Symbol {
	if s := staticSymbol(name); s != nil {
		return s
	}
	h := maphash.String(symSeed, name)
	symtab.RLock()
	s := symLookup(name, h)
	symtab.RUnlock()
	if s != nil {
		return s
	}
	symtab.Lock()
	defer symtab.Unlock()
	if s = symLookup(name, h); s != nil {
		return s
	}
	if (symtab.n+1)*4 > len(symtab.slots)*3 {
		slots := make([]*Symbol, max(symtabSize, 2*len(symtab.slots)))
		for _, old := range symtab.slots {
			if old != nil {
				symInsert(slots, old, maphash.String(symSeed, old.Name))
			}
		}
		symtab.slots = slots
	}
	if len(symtab.block) == 0 {
		symtab.block = make([]Symbol, 256)
	}
	s = &symtab.block[0]
	symtab.block = symtab.block[1:]
	s.Name = name
	symInsert(symtab.slots, s, h)
	symtab.n++
	return s
}

// gensymCounter numbers uninterned symbols; see Gensym.
var gensymMu sync.Mutex
var gensymCounter int

// Gensym returns a fresh uninterned symbol whose printed name starts with prefix.
func Gensym(prefix string) *Symbol {
	gensymMu.Lock()
	gensymCounter++
	n := gensymCounter
	gensymMu.Unlock()
	return &Symbol{Name: fmt.Sprintf("%s%d", prefix, n)}
}

// EmptyList is the type of the empty list; Null is its only value.
type EmptyList struct{ _ byte }

// Null is the empty list '().
var Null = &EmptyList{}

// Pair is a mutable cons cell.
type Pair struct {
	Car, Cdr Value
}

// Cons returns a new pair.
func Cons(a, b Value) *Pair { return &Pair{a, b} }

// List returns a proper list of vals.
func List(vals ...Value) Value {
	var l Value = Null
	for i := len(vals) - 1; i >= 0; i-- {
		l = &Pair{vals[i], l}
	}
	return l
}

// ListToSlice returns the elements of a proper list; ok is false when l is
// not a proper list (improper or circular).
func ListToSlice(l Value) (vals []Value, ok bool) {
	slow := l
	for {
		switch p := l.(type) {
		case *EmptyList:
			return vals, true
		case *Pair:
			vals = append(vals, p.Car)
			l = p.Cdr
			if len(vals)%2 == 0 {
				slow = slow.(*Pair).Cdr
				if slow == l {
					return vals, false
				}
			}
		default:
			return vals, false
		}
	}
}

// Char is a Unicode character.
type Char rune

// Vector is a Scheme vector.
type Vector struct {
	Items     []Value
	Immutable bool
}

// Bytevector is a Scheme bytevector.
type Bytevector struct {
	B         []byte
	Immutable bool
}

// Special is the type of the distinguished constants below.
type Special struct{ name string }

// String returns the printed form of the constant.
func (s *Special) String() string { return s.name }

var (
	// Unspecified is the value of expressions whose value R7RS leaves
	// unspecified. It is true in a boolean context (scsh code relies on it).
	Unspecified = &Special{"#!unspecific"}
	// EOF is the end-of-file object.
	EOF = &Special{"#<eof>"}
	// DefaultObject marks an optional argument that was not supplied.
	DefaultObject = &Special{"#!default"}
)

// MultipleValues is the result of (values) with zero or two or more values.
type MultipleValues struct {
	Vals []Value
}

// Values returns vals as one Value: the value itself when there is one.
func Values(vals ...Value) Value {
	if len(vals) == 1 {
		return vals[0]
	}
	return &MultipleValues{Vals: vals}
}

// PrimFn is the Go signature of a built-in procedure. args is only valid for
// the duration of the call: copy it to keep it. A non-nil error becomes a
// Scheme error raised at the call site (the evaluator adds the procedure
// name, the position and the backtrace).
type PrimFn func(it *Interp, args []Value) (Value, error)

// Primitive is a procedure written in Go.
type Primitive struct {
	Name    string
	MinArgs int
	MaxArgs int // < 0: any number
	Fn      PrimFn
	Doc     string // the Builtin's doc line ("" for DefinePrimitive's)
	Section string // the Builtin table's section
	// rec is set on the procedures define-record-type makes: the VM runs
	// them itself when the arguments are right (see recordOp)
	rec *recordOp
	// lazy is the library definition a stub stands for (lib_lazy.go)
	lazy *libForm
}

// TailCall may be returned by a primitive to make the evaluator call Proc
// with Args in the primitive's place (a proper tail call). It is how apply,
// call-with-values and similar primitives hand control back to Scheme.
type TailCall struct {
	Proc Value
	Args []Value
}

// RecordType describes the records made by define-record-type, define-record
// and Go code.
type RecordType struct {
	Name   string
	Fields []*Symbol
	// Printer, when set, gives the printed form of a record of this type.
	Printer func(r *Record) string
}

// Record is an instance of a RecordType.
type Record struct {
	Type   *RecordType
	Fields []Value
}

// Opaque carries a Go value into Scheme. It prints as #{Kind Label}.
type Opaque struct {
	Kind  string
	Label string
	Value any
}

// SelfPrinter is implemented by values that give their own printed form
// (procedures, parameters, environments...).
type SelfPrinter interface {
	SchemeString() string
}

// Pos is a source position.
type Pos struct {
	File      string
	Line, Col int // 1-based; Line 0 means unknown
}

// IsValid reports whether the position is known.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col.
func (p Pos) String() string {
	if !p.IsValid() {
		return p.File
	}
	f := p.File
	if f == "" {
		f = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d", f, p.Line, p.Col)
}

// Error kinds of an ErrorObject, visible to read-error? and file-error?.
const (
	KindError     = ""           // a plain error
	KindReadError = "read-error" // the reader failed
	KindFileError = "file-error" // a file could not be opened, created or removed
	KindSyntax    = "syntax-error"
)

// ErrorObject is the Scheme error object (R7RS error-object?), also the Go
// error a failed evaluation returns.
type ErrorObject struct {
	Kind      string  // one of the Kind constants, or a condition type name
	Who       string  // the procedure or syntax that failed, if known
	Message   string  // without the Who prefix
	Irritants []Value // extra values, printed with write
	Pos       Pos     // where it was raised, if known
	Stack     []Frame // Scheme backtrace, innermost first (set by the evaluator)
	Payload   Value   // for a raised non-error value: the value itself
	Cause     error   // an underlying Go error, for errors.Is/As
}

// Unwrap returns the underlying Go error.
func (e *ErrorObject) Unwrap() error { return e.Cause }

// Errorf returns an error object with a formatted message, for primitives.
func Errorf(format string, args ...any) *ErrorObject {
	return &ErrorObject{Message: fmt.Sprintf(format, args...)}
}

// The errors of a built-in about its arguments read one way everywhere
// (the evaluator puts the procedure's name in front):
//
//	car: expected 1 argument, got 2                        (the count; checked before the call)
//	car: expected a pair, got 5                            (TypeError: a procedure of one argument)
//	vector-ref: argument 2 (k): expected an exact integer, got x   (ArgTypeError, UnpackArgs)
//	vector-ref: argument 2 (k): index 7 is out of range for a vector of length 3   (ArgError)

// TypeError returns the wrong-type error of a procedure's only argument:
// "expected WANT, got V". want carries its article: "a pair", "an exact
// integer". V is cut short (ShortWriteString).
func TypeError(want string, got Value) *ErrorObject {
	return &ErrorObject{Message: "expected " + want + ", got " + ShortWriteString(got)}
}

// ArgTypeError returns the wrong-type error of argument pos (from 1),
// named param: "argument 2 (k): expected an exact integer, got x".
func ArgTypeError(pos int, param, want string, got Value) *ErrorObject {
	return ArgError(pos, param, "expected "+want+", got "+ShortWriteString(got))
}

// ArgError returns an error about argument pos (from 1), named param:
// "argument 2 (k): " followed by problem.
func ArgError(pos int, param, problem string) *ErrorObject {
	return &ErrorObject{Message: "argument " + strconv.Itoa(pos) + " (" + param + "): " + problem}
}

// IsTrue reports whether v counts as true: everything but #f.
func IsTrue(v Value) bool {
	b, ok := v.(bool)
	return !ok || b
}

// builtins is the table every new interpreter installs. Files add to it from
// init functions only; it is never changed after package initialisation.
// Its capacity is about its final length (about 460), so that it is not
// grown by copies through a run of sizes at every start.
var builtins = make([]*Primitive, 0, 512)
