package interp

import (
	"fmt"
	"popsh/internal/hugepage"
	"unsafe"
)

// Vectors (R7RS 6.8) and bytevectors (R7RS 6.9).

func init() {
	registerBuiltins("vectors", []Builtin{
		{Name: "vector?", MinArgs: 1, MaxArgs: 1, Doc: "(vector? obj): whether obj is a vector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Vector)
				return ok, nil
			}},
		{Name: "make-vector", MinArgs: 1, MaxArgs: 2, Doc: "(make-vector k [fill]): a new vector of k elements, each fill",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				k, err := sizeArg(a[0], "length", maxVectorLength)
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				var fill Value = false
				if len(a) > 1 {
					fill = a[1]
				}
				items := newItems(k)
				for i := range items {
					items[i] = fill
				}
				return &Vector{Items: items}, nil
			}},
		{Name: "vector", MinArgs: 0, MaxArgs: -1, Doc: "(vector obj ...): a new vector of the arguments",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				return &Vector{Items: append([]Value(nil), a...)}, nil
			}},
		{Name: "vector-length", MinArgs: 1, MaxArgs: 1, Doc: "(vector-length vector): the number of elements of vector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, err
				}
				return len(v.Items), nil
			}},
		{Name: "vector-ref", MinArgs: 2, MaxArgs: 2, Doc: "(vector-ref vector k): element k of vector, from 0",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				i, err := indexArg(a[1], "vector", len(v.Items))
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				return v.Items[i], nil
			}},
		{Name: "vector-set!", MinArgs: 3, MaxArgs: 3, Doc: "(vector-set! vector k obj): store obj as element k of a mutable vector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := mutableVectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				i, err := indexArg(a[1], "vector", len(v.Items))
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				v.Items[i] = a[2]
				return Unspecified, nil
			}},
		{Name: "vector->list", MinArgs: 1, MaxArgs: 3, Doc: "(vector->list vector [start [end]]): the elements of vector from start to end, as a list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
				if err != nil {
					return nil, err
				}
				return List(v.Items[start:end]...), nil
			}},
		{Name: "list->vector", MinArgs: 1, MaxArgs: 1, Doc: "(list->vector list): a new vector of the elements of list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				items, err := listArg(a[0])
				if err != nil {
					return nil, err
				}
				if items == nil {
					items = []Value{}
				}
				return &Vector{Items: items}, nil
			}},
		{Name: "vector-copy", MinArgs: 1, MaxArgs: 3, Doc: "(vector-copy vector [start [end]]): a new vector of the elements of vector from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
				if err != nil {
					return nil, err
				}
				return &Vector{Items: append(newItems(end - start)[:0], v.Items[start:end]...)}, nil
			}},
		{Name: "subvector", MinArgs: 3, MaxArgs: 3, Doc: "(subvector vector start end): a new vector of the elements of vector from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
				if err != nil {
					return nil, err
				}
				return &Vector{Items: append(newItems(end - start)[:0], v.Items[start:end]...)}, nil
			}},
		{Name: "vector-grow", MinArgs: 2, MaxArgs: 2, Doc: "(vector-grow vector k): a new vector of length k starting with the elements of vector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				k, err := sizeArg(a[1], "length", maxVectorLength)
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				if k < len(v.Items) {
					return nil, ArgError(2, "k", fmt.Sprintf("cannot grow a vector of length %d to length %d", len(v.Items), k))
				}
				items := newItems(k)
				copy(items, v.Items)
				for i := len(v.Items); i < k; i++ {
					items[i] = false
				}
				return &Vector{Items: items}, nil
			}},
		{Name: "vector-copy!", MinArgs: 3, MaxArgs: 5, Doc: "(vector-copy! to at from [start [end]]): copy the elements of from (start to end) into to at index at",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				to, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "to", err)
				}
				from, err := vectorArg(a[2])
				if err != nil {
					return nil, argAt(3, "from", err)
				}
				at, start, end, err := copyArgs(a, "vector", "elements", len(to.Items), len(from.Items))
				if err != nil {
					return nil, err
				}
				if to.Immutable && end > start { // copying nothing changes nothing
					return nil, argAt(1, "to", TypeError("a mutable vector", a[0]))
				}
				copy(to.Items[at:], from.Items[start:end])
				return Unspecified, nil
			}},
		{Name: "vector-append", MinArgs: 0, MaxArgs: -1, Doc: "(vector-append vector ...): a new vector joining the vectors",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n := 0
				for i, x := range a {
					v, err := vectorArg(x)
					if err != nil {
						return nil, argAt(i+1, "vector", err)
					}
					n += len(v.Items)
				}
				if n > maxVectorLength {
					return nil, Errorf("result length %d is too large (at most %d)", n, maxVectorLength)
				}
				items := newItems(n)[:0]
				for _, x := range a {
					items = append(items, x.(*Vector).Items...)
				}
				return &Vector{Items: items}, nil
			}},
		{Name: "vector-fill!", MinArgs: 2, MaxArgs: 4, Doc: "(vector-fill! vector fill [start [end]]): store fill at each index of vector from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				start, end, err := rangeArgs(a, 2, "vector", len(v.Items))
				if err != nil {
					return nil, err
				}
				if v.Immutable && end > start { // filling nothing changes nothing
					return nil, argAt(1, "vector", TypeError("a mutable vector", a[0]))
				}
				for i := start; i < end; i++ {
					v.Items[i] = a[1]
				}
				return Unspecified, nil
			}},
	}...)
	registerBuiltins("bytevectors", []Builtin{

		{Name: "bytevector?", MinArgs: 1, MaxArgs: 1, Doc: "(bytevector? obj): whether obj is a bytevector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Bytevector)
				return ok, nil
			}},
		{Name: "make-bytevector", MinArgs: 1, MaxArgs: 2, Doc: "(make-bytevector k [byte]): a new bytevector of k bytes, each byte (default 0)",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				k, err := sizeArg(a[0], "length", maxBytevectorLength)
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				var fill byte
				if len(a) > 1 {
					if fill, err = byteArg(a[1]); err != nil {
						return nil, argAt(2, "byte", err)
					}
				}
				b := newBytes(k)
				if fill != 0 {
					for i := range b {
						b[i] = fill
					}
				}
				return &Bytevector{B: b}, nil
			}},
		{Name: "bytevector", MinArgs: 0, MaxArgs: -1, Doc: "(bytevector byte ...): a new bytevector of the bytes",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				b := make([]byte, len(a))
				for i, v := range a {
					x, err := byteArg(v)
					if err != nil {
						return nil, argAt(i+1, "byte", err)
					}
					b[i] = x
				}
				return &Bytevector{B: b}, nil
			}},
		{Name: "bytevector-length", MinArgs: 1, MaxArgs: 1, Doc: "(bytevector-length bytevector): the number of bytes of bytevector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, err
				}
				return len(bv.B), nil
			}},
		{Name: "bytevector-u8-ref", MinArgs: 2, MaxArgs: 2, Doc: "(bytevector-u8-ref bytevector k): byte k of bytevector, from 0",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				i, err := indexArg(a[1], "bytevector", len(bv.B))
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				return int(bv.B[i]), nil
			}},
		{Name: "bytevector-u8-set!", MinArgs: 3, MaxArgs: 3, Doc: "(bytevector-u8-set! bytevector k byte): store byte at index k of a mutable bytevector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := mutableBytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				i, err := indexArg(a[1], "bytevector", len(bv.B))
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				x, err := byteArg(a[2])
				if err != nil {
					return nil, argAt(3, "byte", err)
				}
				bv.B[i] = x
				return Unspecified, nil
			}},
		{Name: "bytevector-copy", MinArgs: 1, MaxArgs: 3, Doc: "(bytevector-copy bytevector [start [end]]): a new bytevector of the bytes from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				start, end, err := rangeArgs(a, 1, "bytevector", len(bv.B))
				if err != nil {
					return nil, err
				}
				return &Bytevector{B: append(newBytes(end - start)[:0], bv.B[start:end]...)}, nil
			}},
		{Name: "bytevector-copy!", MinArgs: 3, MaxArgs: 5, Doc: "(bytevector-copy! to at from [start [end]]): copy the bytes of from (start to end) into to at index at",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				to, err := bytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "to", err)
				}
				from, err := bytevectorArg(a[2])
				if err != nil {
					return nil, argAt(3, "from", err)
				}
				at, start, end, err := copyArgs(a, "bytevector", "bytes", len(to.B), len(from.B))
				if err != nil {
					return nil, err
				}
				if to.Immutable && end > start { // copying nothing changes nothing
					return nil, argAt(1, "to", TypeError("a mutable bytevector", a[0]))
				}
				copy(to.B[at:], from.B[start:end])
				return Unspecified, nil
			}},
		{Name: "bytevector-append", MinArgs: 0, MaxArgs: -1, Doc: "(bytevector-append bytevector ...): a new bytevector joining the bytevectors",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n := 0
				for i, x := range a {
					bv, err := bytevectorArg(x)
					if err != nil {
						return nil, argAt(i+1, "bytevector", err)
					}
					n += len(bv.B)
				}
				if n > maxBytevectorLength {
					return nil, Errorf("result length %d is too large (at most %d)", n, maxBytevectorLength)
				}
				b := newBytes(n)[:0]
				for _, x := range a {
					b = append(b, x.(*Bytevector).B...)
				}
				return &Bytevector{B: b}, nil
			}},
	}...)
}

// newItems returns the zeroed items of a new vector of k elements; the
// memory of a big one is advised into huge pages before it is filled.
func newItems(k int) []Value {
	items := make([]Value, k)
	if k > 0 {
		hugepage.Advise(unsafe.Pointer(&items[0]), uintptr(k)*unsafe.Sizeof(items[0]))
	}
	return items
}

// newBytes is newItems for the bytes of a bytevector.
func newBytes(k int) []byte {
	b := make([]byte, k)
	if k > 0 {
		hugepage.Advise(unsafe.Pointer(&b[0]), uintptr(k))
	}
	return b
}
