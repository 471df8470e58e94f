package interp

// Fast paths of the inlined primitives for the types they meet most: the
// VM tries them first and calls the primitive itself (which also reports
// errors) when they say no. Each is small enough for the Go compiler to
// inline into the VM loop, or takes the second, rarer type.

import (
	"math"
	"popsh/internal/hugepage"
	"sync/atomic"
	"unsafe"
)

// testJump returns the pc after a test whose result is r, and the value
// for val: when the next instruction is the opJumpFalse of an if, the
// test takes it at once (one dispatch fewer per test), and when it is
// the built-in not before such a jump, the test takes both.
func testJump(pr *Proto, pc int, r bool) (int, bool) {
	in := pr.code[pc]
	if in.op == opJumpFalse {
		if r {
			return pc + 1, r
		}
		return int(in.a), r
	}
	if in.op == opNot && pr.code[pc+1].op == opJumpFalse && pr.globals[in.b].pure {
		if r {
			return int(pr.code[pc+1].a), false
		}
		return pc + 2, true
	}
	return pc, r
}

// fixArgs returns the operands of a binary inlined primitive when both
// are fixnums.
func fixArgs(x, y Value) (a, b int, ok bool) {
	if a, ok = x.(int); ok {
		b, ok = y.(int)
	}
	return a, b, ok
}

// fixAdd returns a + b, and false when the sum overflows a fixnum.
func fixAdd(a, b int) (int, bool) {
	s := a + b
	return s, (a^s)&(b^s) >= 0
}

// fixSub returns a - b, and false when the difference overflows a fixnum.
func fixSub(a, b int) (int, bool) {
	s := a - b
	return s, (a^b)&(a^s) >= 0
}

// fixMul returns a * b when both factors are within 32 bits (so that the
// product cannot overflow); the primitive handles the rest.
func fixMul(a, b int) (int, bool) {
	const lim = 1 << 31
	if a > -lim && a < lim && b > -lim && b < lim {
		return a * b, true
	}
	return 0, false
}

// flArgs returns the operands of a binary inlined primitive when both
// are flonums.
func flArgs(x, y Value) (a, b float64, ok bool) {
	if a, ok = x.(float64); ok {
		b, ok = y.(float64)
	}
	return a, b, ok
}

// Integral flonums from 0.0 below flonumCached are boxed without
// allocating, as the small fixnums are (see fixnum): Go allocates 8 bytes
// for every float64 stored in an interface, and inexact counters, indices
// and sums of small integers are common in flonum code. Their boxes are
// the elements of flonumBacking, written once at start.
const flonumCached = 1024

var (
	flonumBacking [flonumCached]float64
	floatType     unsafe.Pointer
)

func init() {
	for i := range flonumBacking {
		flonumBacking[i] = float64(i)
	}
	var v Value = math.Pi
	floatType = (*eface)(unsafe.Pointer(&v)).typ
}

// flonum boxes f, without allocating when it is a small integral value
// (not -0.0, which must keep its sign).
func flonum(f float64) Value {
	if flonumIsCached(f) {
		e := eface{floatType, unsafe.Pointer(&flonumBacking[int(f)])}
		return *(*Value)(unsafe.Pointer(&e))
	}
	return f
}

// flonumIsCached reports whether flonum boxes f without allocating.
func flonumIsCached(f float64) bool {
	k := int(f)
	return uint(k) < flonumCached && float64(k) == f && (k != 0 || !math.Signbit(f))
}

// fixDiv returns quotient, remainder or modulo of two fixnums; b = 0 and
// the one overflowing case go to the primitive.
func fixDiv(op opcode, x, y Value) (Value, bool) {
	a, ok := x.(int)
	if !ok {
		return nil, false
	}
	b, ok := y.(int)
	if !ok || b == 0 || b == -1 {
		return nil, false
	}
	switch op {
	case opQuotient:
		return fixnum(a / b), true
	case opRemainder:
		return fixnum(a % b), true
	case opModulo:
		m := a % b
		if m != 0 && (m < 0) != (b < 0) {
			m += b
		}
		return fixnum(m), true
	}
	return nil, false
}

// vectorIndex returns the vector and the in-range fixnum index of a
// vector-ref or vector-set!.
func vectorIndex(v, i Value) (*Vector, int, bool) {
	vec, ok := v.(*Vector)
	if !ok {
		return nil, 0, false
	}
	k, ok := i.(int)
	if !ok || uint(k) >= uint(len(vec.Items)) {
		return nil, 0, false
	}
	return vec, k, true
}

// stringIndex is vectorIndex for string-ref.
func stringIndex(v, i Value) (*String, int, bool) {
	s, ok := v.(*String)
	if !ok {
		return nil, 0, false
	}
	k, ok := i.(int)
	if !ok || uint(k) >= uint(s.Len()) {
		return nil, 0, false
	}
	return s, k, true
}

// listOf returns a new list of vals.
func listOf(vals []Value) Value {
	var l Value = Null
	for i := len(vals) - 1; i >= 0; i-- {
		l = &Pair{vals[i], l}
	}
	return l
}

// cxrFast follows the car/cdr steps of opCxr from v.
func cxrFast(steps int32, v Value) (Value, bool) {
	for ; steps != 0; steps >>= 2 {
		p, ok := v.(*Pair)
		if !ok {
			return nil, false
		}
		if steps&3 == 1 {
			v = p.Car
		} else {
			v = p.Cdr
		}
	}
	return v, true
}

// eqFast answers eq? as the primitive does: flonums by their bits (so
// that a NaN is eq? to itself and 0.0 is not eq? to -0.0), the rest by
// identity.
func eqFast(x, y Value) bool {
	if a, ok := x.(float64); ok {
		b, ok := y.(float64)
		return ok && math.Float64bits(a) == math.Float64bits(b)
	}
	return x == y
}

// eqvFast answers eqv? for everything but bignums, ratios and complex
// numbers (which go to the primitive).
func eqvFast(x, y Value) (bool, bool) {
	switch a := x.(type) {
	case int:
		b, ok := y.(int)
		return ok && a == b, true
	case *Symbol:
		return x == y, true
	case Char:
		b, ok := y.(Char)
		return ok && a == b, true
	case *Pair:
		return x == y, true
	case bool:
		b, ok := y.(bool)
		return ok && a == b, true
	}
	return false, false
}

// Small fixnums are boxed without allocating: Go allocates 8 bytes for
// every int stored in an interface outside 0..255, and arithmetic loops
// make mostly small ones. fixnum returns an interface whose data word
// points to an int64 holding n (the Go runtime does the same for 0..255
// with a table built in): for fixLow..fixEager-1 an entry of fixStatic,
// initialized data in the binary (fixtab.go), which a start neither
// writes nor faults in beyond the pages read; for fixEager..fixHigh-1 an
// entry of fixLazy, written when fixnum first boxes its number. fixLazy's
// pages are zero-filled memory the kernel provides on first touch, so an
// unused part costs address space only.
//
// The table reaches 2^20 (8 MiB of memory at most, and 4 MiB of claims
// beside it, a third of the 32 MB the popsh command lets its heap reach
// before collecting): the indices of vectors and strings of up to a
// million elements and the byte counts and offsets within a mail message
// of up to a MiB box without allocating. An entry is written once per process and its page faulted
// in once per 512 numbers (about 35 ns a number), while a boxed number
// costs an allocation and collector work each time it is made; a program
// that counts through the whole range keeps the table's 8 MiB and the
// claims' 4 MiB resident.
const (
	fixLow   = -1024
	fixEager = 1 << 12
	fixHigh  = 1 << 20
)

var (
	fixLazy [fixHigh - fixEager]int64
	// fixClaim marks the entries of fixLazy a thread has claimed to
	// write (see fixnum): 4 bytes a number, zero-filled pages faulted in
	// as fixLazy's are, on the first boxing only.
	fixClaim [fixHigh - fixEager]uint32
	intType  unsafe.Pointer
)

// eface is the layout of an empty interface.
type eface struct {
	typ, data unsafe.Pointer
}

func init() {
	// a counting loop faults the lazily written table in 2 MiB at a time
	hugepage.Advise(unsafe.Pointer(&fixLazy[0]), uintptr(len(fixLazy))*8)
	var v Value = fixHigh + 1
	intType = (*eface)(unsafe.Pointer(&v)).typ
}

// fixnum boxes n, without allocating when it is small.
func fixnum(n int) Value {
	var p *int64
	if k := uint(n - fixLow); k < fixEager-fixLow {
		p = &fixStatic[k]
	} else if k -= fixEager - fixLow; k < uint(len(fixLazy)) {
		// An entry is written once, by the one thread that claims it
		// (threads may box a new number at once): it is 0 until then,
		// and the thread that swaps its fixClaim word from 0 stores it,
		// while a thread that finds the word taken boxes the number
		// apart (an allocation, as past the table) rather than store
		// again or wait for the writer. Every read through a box is so
		// ordered after the one store: by the load that saw it, or as
		// the writer's own (synchronized-before in the Go memory model;
		// a second store, even of the same word, or a failing
		// compare-and-swap would be a data race to the race detector).
		// The load is a plain move on amd64 and arm64.
		p = &fixLazy[k]
		if atomic.LoadInt64(p) != int64(n) {
			if atomic.SwapUint32(&fixClaim[k], 1) != 0 {
				return n
			}
			atomic.StoreInt64(p, int64(n))
		}
	} else {
		return n
	}
	e := eface{intType, unsafe.Pointer(p)}
	return *(*Value)(unsafe.Pointer(&e))
}

// newClosure returns a closure of p with room for its free variables; up
// to eight live in the same allocation as the closure.
func newClosure(p *Proto) *Closure {
	switch len(p.freeSpec) {
	case 1:
		return blockClosure(p, func(f *[1]Value) []Value { return f[:] })
	case 2:
		return blockClosure(p, func(f *[2]Value) []Value { return f[:] })
	case 3:
		return blockClosure(p, func(f *[3]Value) []Value { return f[:] })
	case 4:
		return blockClosure(p, func(f *[4]Value) []Value { return f[:] })
	case 5:
		return blockClosure(p, func(f *[5]Value) []Value { return f[:] })
	case 6:
		return blockClosure(p, func(f *[6]Value) []Value { return f[:] })
	case 7:
		return blockClosure(p, func(f *[7]Value) []Value { return f[:] })
	case 8:
		return blockClosure(p, func(f *[8]Value) []Value { return f[:] })
	}
	return &Closure{proto: p, free: make([]Value, len(p.freeSpec))}
}

// closureBlock is a closure and its free variables in one allocation.
type closureBlock[F any] struct {
	c Closure
	f F
}

// blockClosure allocates a closureBlock with free variables F; free
// returns them as the closure's slice.
func blockClosure[F any](p *Proto, free func(*F) []Value) *Closure {
	x := new(closureBlock[F])
	x.c.proto, x.c.free = p, free(&x.f)
	return &x.c
}

// fixClosure copies again the free variables c took from its maker's
// frame (a letrec group's closures, once all of them exist).
func fixClosure(c *Closure, frame []Value) {
	for i, fs := range c.proto.freeSpec {
		if fs.local {
			c.free[i] = frame[fs.idx]
		}
	}
}

// newRecord returns a record of type rt with n fields; up to six live in
// the same allocation as the record.
func newRecord(rt *RecordType, n int) *Record {
	switch n {
	case 1:
		return blockRecord(rt, func(f *[1]Value) []Value { return f[:] })
	case 2:
		return blockRecord(rt, func(f *[2]Value) []Value { return f[:] })
	case 3:
		return blockRecord(rt, func(f *[3]Value) []Value { return f[:] })
	case 4:
		return blockRecord(rt, func(f *[4]Value) []Value { return f[:] })
	case 5:
		return blockRecord(rt, func(f *[5]Value) []Value { return f[:] })
	case 6:
		return blockRecord(rt, func(f *[6]Value) []Value { return f[:] })
	}
	return &Record{Type: rt, Fields: make([]Value, n)}
}

// recordBlock is a record and its fields in one allocation.
type recordBlock[F any] struct {
	r Record
	f F
}

// blockRecord allocates a recordBlock with fields F; fields returns them
// as the record's slice.
func blockRecord[F any](rt *RecordType, fields func(*F) []Value) *Record {
	x := new(recordBlock[F])
	x.r.Type, x.r.Fields = rt, fields(&x.f)
	return &x.r
}
