package interp

// Fallback primitives: minimal versions of a few procedures owned by
// interp-lib and interp-num, installed by New only when no built-in of the
// same name is registered, so the evaluator and its tests work on their own.

import (
	"fmt"
)

// fallbackPrims is filled in init and never changed afterwards.
var fallbackPrims []*Primitive

func fallback(ps ...*Primitive) { fallbackPrims = append(fallbackPrims, ps...) }

func fbInts(name string, a []Value) ([]int, error) {
	out := make([]int, len(a))
	for i, v := range a {
		n, ok := v.(int)
		if !ok {
			return nil, TypeError("a number", v)
		}
		out[i] = n
	}
	return out, nil
}

func fbCompare(name string, cmp func(a, b int) bool) *Primitive {
	return prim(name, 1, -1, func(it *Interp, a []Value) (Value, error) {
		ns, err := fbInts(name, a)
		if err != nil {
			return nil, err
		}
		for i := 1; i < len(ns); i++ {
			if !cmp(ns[i-1], ns[i]) {
				return false, nil
			}
		}
		return true, nil
	})
}

func init() {
	fallback(
		prim("+", 0, -1, func(it *Interp, a []Value) (Value, error) {
			ns, err := fbInts("+", a)
			if err != nil {
				return nil, err
			}
			s := 0
			for _, n := range ns {
				s += n
			}
			return s, nil
		}),
		prim("*", 0, -1, func(it *Interp, a []Value) (Value, error) {
			ns, err := fbInts("*", a)
			if err != nil {
				return nil, err
			}
			s := 1
			for _, n := range ns {
				s *= n
			}
			return s, nil
		}),
		prim("-", 1, -1, func(it *Interp, a []Value) (Value, error) {
			ns, err := fbInts("-", a)
			if err != nil {
				return nil, err
			}
			if len(ns) == 1 {
				return -ns[0], nil
			}
			s := ns[0]
			for _, n := range ns[1:] {
				s -= n
			}
			return s, nil
		}),
		fbCompare("=", func(a, b int) bool { return a == b }),
		fbCompare("<", func(a, b int) bool { return a < b }),
		fbCompare(">", func(a, b int) bool { return a > b }),
		fbCompare("<=", func(a, b int) bool { return a <= b }),
		fbCompare(">=", func(a, b int) bool { return a >= b }),
		prim("zero?", 1, 1, func(it *Interp, a []Value) (Value, error) {
			n, ok := a[0].(int)
			if !ok {
				return nil, TypeError("a number", a[0])
			}
			return n == 0, nil
		}),
		prim("car", 1, 1, func(it *Interp, a []Value) (Value, error) {
			p, ok := a[0].(*Pair)
			if !ok {
				return nil, TypeError("a pair", a[0])
			}
			return p.Car, nil
		}),
		prim("cdr", 1, 1, func(it *Interp, a []Value) (Value, error) {
			p, ok := a[0].(*Pair)
			if !ok {
				return nil, TypeError("a pair", a[0])
			}
			return p.Cdr, nil
		}),
		prim("cons", 2, 2, func(it *Interp, a []Value) (Value, error) { return &Pair{a[0], a[1]}, nil }),
		prim("list", 0, -1, func(it *Interp, a []Value) (Value, error) { return List(a...), nil }),
		prim("null?", 1, 1, func(it *Interp, a []Value) (Value, error) { return a[0] == Value(Null), nil }),
		prim("pair?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Pair); return ok, nil }),
		prim("not", 1, 1, func(it *Interp, a []Value) (Value, error) { return a[0] == Value(false), nil }),
		prim("eq?", 2, 2, func(it *Interp, a []Value) (Value, error) { return a[0] == a[1], nil }),
		prim("eqv?", 2, 2, func(it *Interp, a []Value) (Value, error) { return eqv(a[0], a[1]), nil }),
		prim("display", 1, 2, func(it *Interp, a []Value) (Value, error) {
			return Unspecified, fbPort(it, a).WriteString(DisplayString(a[0]))
		}),
		prim("write", 1, 2, func(it *Interp, a []Value) (Value, error) {
			return Unspecified, fbPort(it, a).WriteString(WriteString(a[0]))
		}),
		prim("newline", 0, 1, func(it *Interp, a []Value) (Value, error) {
			p := it.CurrentOutput()
			if len(a) == 1 {
				if q, ok := a[0].(*Port); ok {
					p = q
				}
			}
			return Unspecified, p.WriteString("\n")
		}),
		prim("length", 1, 1, func(it *Interp, a []Value) (Value, error) {
			items, ok := ListToSlice(a[0])
			if !ok {
				return nil, TypeError("a proper list", a[0])
			}
			return len(items), nil
		}),
		prim("symbol?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Symbol); return ok, nil }),
		prim("string?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*String); return ok, nil }),
		prim("vector", 0, -1, func(it *Interp, a []Value) (Value, error) {
			return &Vector{Items: append([]Value(nil), a...)}, nil
		}),
		prim("number->string", 1, 2, func(it *Interp, a []Value) (Value, error) {
			return NewString(fmt.Sprint(a[0])), nil
		}),
		prim("string-length", 1, 1, func(it *Interp, a []Value) (Value, error) {
			s, ok := a[0].(*String)
			if !ok {
				return nil, TypeError("a string", a[0])
			}
			return len(s.R), nil
		}),
		prim("string-append", 0, -1, func(it *Interp, a []Value) (Value, error) {
			n := 0
			for _, v := range a {
				s, ok := v.(*String)
				if !ok {
					return nil, TypeError("a string", v)
				}
				n += len(s.R)
			}
			r := make([]rune, 0, n)
			for _, v := range a {
				r = append(r, v.(*String).R...)
			}
			return &String{R: r}, nil
		}),
		prim("substring", 2, 3, func(it *Interp, a []Value) (Value, error) {
			s, ok := a[0].(*String)
			if !ok {
				return nil, TypeError("a string", a[0])
			}
			start, ok := a[1].(int)
			end := len(s.R)
			if len(a) == 3 {
				e, ok2 := a[2].(int)
				ok = ok && ok2
				end = e
			}
			if !ok || start < 0 || end > len(s.R) || start > end {
				return nil, &ErrorObject{Message: "bad substring range", Irritants: a[1:]}
			}
			return &String{R: append([]rune(nil), s.R[start:end]...)}, nil
		}),
		prim("string=?", 1, -1, func(it *Interp, a []Value) (Value, error) {
			for _, v := range a {
				if _, ok := v.(*String); !ok {
					return nil, TypeError("a string", v)
				}
			}
			for i := 1; i < len(a); i++ {
				if string(a[i-1].(*String).R) != string(a[i].(*String).R) {
					return false, nil
				}
			}
			return true, nil
		}),
	)
}

func fbPort(it *Interp, a []Value) *Port {
	if len(a) == 2 {
		if p, ok := a[1].(*Port); ok {
			return p
		}
	}
	return it.CurrentOutput()
}
