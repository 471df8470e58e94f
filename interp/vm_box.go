package interp

import "unsafe"

// Boxes of large fixnums and of flonums. A fixnum outside fixnum's table
// and a flonum other than a small integer need a box of their own (8
// bytes the collector does not scan), and a loop summing or multiplying
// makes one per step: Go's allocator takes ~10-20 ns for each. The VM's
// arithmetic takes them from a block of intBlock boxes instead, allocated
// at once. A box that stays reachable keeps its whole block (32 bytes)
// alive, but nothing else: the block holds no pointers. The block is
// small because a program that keeps one result of many (a vector filled
// with the last of a chain of flonum temporaries) keeps a block per
// result: at 16 boxes such a program peaked at 153 MB where single boxes
// took 82, at 4 it takes 90, while a loop that keeps none is only ~3 %
// slower than at 16. Each thread's VM state has its own blocks (only the
// holder of the interpreter lock boxes), and a box is written once,
// before the value holding it is made.
const intBlock = 4

// inFixTable reports whether fixnum boxes n without allocating.
func inFixTable(n int) bool {
	return uint(n-fixLow) < fixHigh-fixLow
}

// boxLarge boxes n, a fixnum beyond fixnum's table, in the next box of
// the VM's block.
func (vm *vm) boxLarge(n int) Value {
	if len(vm.ints) == 0 {
		vm.ints = make([]int64, intBlock)
	}
	p := &vm.ints[0]
	vm.ints = vm.ints[1:]
	*p = int64(n)
	e := eface{intType, unsafe.Pointer(p)}
	return *(*Value)(unsafe.Pointer(&e))
}

// boxFlonum boxes x, a flonum that flonum would allocate a box for
// (!flonumIsCached(x)), in the next box of the VM's block.
func (vm *vm) boxFlonum(x float64) Value {
	if len(vm.flos) == 0 {
		vm.flos = make([]float64, intBlock)
	}
	p := &vm.flos[0]
	vm.flos = vm.flos[1:]
	*p = x
	e := eface{floatType, unsafe.Pointer(p)}
	return *(*Value)(unsafe.Pointer(&e))
}

// recordOp is the work of a procedure made by define-record-type, which
// the VM does itself instead of calling the primitive (the primitive's
// Fn does it through do too, and reports the errors).
type recordOp struct {
	kind uint8
	rt   *RecordType
	k    int   // the field of an accessor or a modifier
	idx  []int // the fields a constructor's arguments go to
}

// The kinds of recordOp.
const (
	recGet  = iota // accessor
	recSet         // modifier
	recIs          // predicate
	recMake        // constructor
)

// do runs the operation on args, whose number the caller checked; it
// reports false when a record argument is not one of its type.
func (o *recordOp) do(args []Value) (Value, bool) {
	switch o.kind {
	case recGet:
		if r, ok := args[0].(*Record); ok && r.Type == o.rt {
			return r.Fields[o.k], true
		}
	case recSet:
		if r, ok := args[0].(*Record); ok && r.Type == o.rt {
			r.Fields[o.k] = args[1]
			return Unspecified, true
		}
	case recIs:
		r, ok := args[0].(*Record)
		return ok && r.Type == o.rt, true
	case recMake:
		r := newRecord(o.rt, len(o.rt.Fields))
		for i := range r.Fields {
			r.Fields[i] = false
		}
		for i, k := range o.idx {
			r.Fields[k] = args[i]
		}
		return r, true
	}
	return nil, false
}
