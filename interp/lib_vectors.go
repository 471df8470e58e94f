package interp

// Vectors (R7RS 6.8) and bytevectors (R7RS 6.9).

func init() {
	register(
		prim("vector?", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			_, ok := a[0].(*Vector)
			return ok, nil
		}),
		prim("make-vector", 1, 2, func(_ *Interp, a []Value) (Value, error) {
			k, err := sizeArg(a[0], "length", maxVectorLength)
			if err != nil {
				return nil, err
			}
			var fill Value = false
			if len(a) > 1 {
				fill = a[1]
			}
			items := make([]Value, k)
			for i := range items {
				items[i] = fill
			}
			return &Vector{Items: items}, nil
		}),
		prim("vector", 0, -1, func(_ *Interp, a []Value) (Value, error) {
			return &Vector{Items: append([]Value(nil), a...)}, nil
		}),
		prim("vector-length", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			return len(v.Items), nil
		}),
		prim("vector-ref", 2, 2, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			i, err := indexArg(a[1], "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			return v.Items[i], nil
		}),
		prim("vector-set!", 3, 3, func(_ *Interp, a []Value) (Value, error) {
			v, err := mutableVectorArg(a[0])
			if err != nil {
				return nil, err
			}
			i, err := indexArg(a[1], "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			v.Items[i] = a[2]
			return Unspecified, nil
		}),
		prim("vector->list", 1, 3, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			return List(v.Items[start:end]...), nil
		}),
		prim("list->vector", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			items, err := listArg(a[0])
			if err != nil {
				return nil, err
			}
			if items == nil {
				items = []Value{}
			}
			return &Vector{Items: items}, nil
		}),
		prim("vector-copy", 1, 3, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			return &Vector{Items: append(make([]Value, 0, end-start), v.Items[start:end]...)}, nil
		}),
		prim("subvector", 3, 3, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			return &Vector{Items: append(make([]Value, 0, end-start), v.Items[start:end]...)}, nil
		}),
		prim("vector-grow", 2, 2, func(_ *Interp, a []Value) (Value, error) {
			v, err := vectorArg(a[0])
			if err != nil {
				return nil, err
			}
			k, err := sizeArg(a[1], "length", maxVectorLength)
			if err != nil {
				return nil, err
			}
			if k < len(v.Items) {
				return nil, Errorf("cannot grow a vector of length %d to length %d", len(v.Items), k)
			}
			items := make([]Value, k)
			copy(items, v.Items)
			for i := len(v.Items); i < k; i++ {
				items[i] = false
			}
			return &Vector{Items: items}, nil
		}),
		prim("vector-copy!", 3, 5, func(_ *Interp, a []Value) (Value, error) {
			to, err := mutableVectorArg(a[0])
			if err != nil {
				return nil, err
			}
			at, err := intArg(a[1])
			if err != nil {
				return nil, err
			}
			from, err := vectorArg(a[2])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 3, "vector", len(from.Items))
			if err != nil {
				return nil, err
			}
			if at < 0 || at > len(to.Items) || len(to.Items)-at < end-start {
				return nil, Errorf("cannot copy %d elements to index %d of a vector of length %d", end-start, at, len(to.Items))
			}
			copy(to.Items[at:], from.Items[start:end])
			return Unspecified, nil
		}),
		prim("vector-append", 0, -1, func(_ *Interp, a []Value) (Value, error) {
			n := 0
			for _, x := range a {
				v, err := vectorArg(x)
				if err != nil {
					return nil, err
				}
				n += len(v.Items)
			}
			if n > maxVectorLength {
				return nil, Errorf("result length %d is too large (at most %d)", n, maxVectorLength)
			}
			items := make([]Value, 0, n)
			for _, x := range a {
				items = append(items, x.(*Vector).Items...)
			}
			return &Vector{Items: items}, nil
		}),
		prim("vector-fill!", 2, 4, func(_ *Interp, a []Value) (Value, error) {
			v, err := mutableVectorArg(a[0])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 2, "vector", len(v.Items))
			if err != nil {
				return nil, err
			}
			for i := start; i < end; i++ {
				v.Items[i] = a[1]
			}
			return Unspecified, nil
		}),

		prim("bytevector?", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			_, ok := a[0].(*Bytevector)
			return ok, nil
		}),
		prim("make-bytevector", 1, 2, func(_ *Interp, a []Value) (Value, error) {
			k, err := sizeArg(a[0], "length", maxBytevectorLength)
			if err != nil {
				return nil, err
			}
			var fill byte
			if len(a) > 1 {
				if fill, err = byteArg(a[1]); err != nil {
					return nil, err
				}
			}
			b := make([]byte, k)
			if fill != 0 {
				for i := range b {
					b[i] = fill
				}
			}
			return &Bytevector{B: b}, nil
		}),
		prim("bytevector", 0, -1, func(_ *Interp, a []Value) (Value, error) {
			b := make([]byte, len(a))
			for i, v := range a {
				x, err := byteArg(v)
				if err != nil {
					return nil, err
				}
				b[i] = x
			}
			return &Bytevector{B: b}, nil
		}),
		prim("bytevector-length", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			bv, err := bytevectorArg(a[0])
			if err != nil {
				return nil, err
			}
			return len(bv.B), nil
		}),
		prim("bytevector-u8-ref", 2, 2, func(_ *Interp, a []Value) (Value, error) {
			bv, err := bytevectorArg(a[0])
			if err != nil {
				return nil, err
			}
			i, err := indexArg(a[1], "bytevector", len(bv.B))
			if err != nil {
				return nil, err
			}
			return int(bv.B[i]), nil
		}),
		prim("bytevector-u8-set!", 3, 3, func(_ *Interp, a []Value) (Value, error) {
			bv, err := mutableBytevectorArg(a[0])
			if err != nil {
				return nil, err
			}
			i, err := indexArg(a[1], "bytevector", len(bv.B))
			if err != nil {
				return nil, err
			}
			x, err := byteArg(a[2])
			if err != nil {
				return nil, err
			}
			bv.B[i] = x
			return Unspecified, nil
		}),
		prim("bytevector-copy", 1, 3, func(_ *Interp, a []Value) (Value, error) {
			bv, err := bytevectorArg(a[0])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 1, "bytevector", len(bv.B))
			if err != nil {
				return nil, err
			}
			return &Bytevector{B: append(make([]byte, 0, end-start), bv.B[start:end]...)}, nil
		}),
		prim("bytevector-copy!", 3, 5, func(_ *Interp, a []Value) (Value, error) {
			to, err := mutableBytevectorArg(a[0])
			if err != nil {
				return nil, err
			}
			at, err := intArg(a[1])
			if err != nil {
				return nil, err
			}
			from, err := bytevectorArg(a[2])
			if err != nil {
				return nil, err
			}
			start, end, err := rangeArgs(a, 3, "bytevector", len(from.B))
			if err != nil {
				return nil, err
			}
			if at < 0 || at > len(to.B) || len(to.B)-at < end-start {
				return nil, Errorf("cannot copy %d bytes to index %d of a bytevector of length %d", end-start, at, len(to.B))
			}
			copy(to.B[at:], from.B[start:end])
			return Unspecified, nil
		}),
		prim("bytevector-append", 0, -1, func(_ *Interp, a []Value) (Value, error) {
			n := 0
			for _, x := range a {
				bv, err := bytevectorArg(x)
				if err != nil {
					return nil, err
				}
				n += len(bv.B)
			}
			if n > maxBytevectorLength {
				return nil, Errorf("result length %d is too large (at most %d)", n, maxBytevectorLength)
			}
			b := make([]byte, 0, n)
			for _, x := range a {
				b = append(b, x.(*Bytevector).B...)
			}
			return &Bytevector{B: b}, nil
		}),
	)
}
