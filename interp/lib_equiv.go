package interp

import (
	"popsh/interp/num"

	"math"
	"math/big"
	"reflect"
)

// Eq reports whether a and b are eq?: the same object, or equal immediate
// values (fixnums, characters, booleans).
func Eq(a, b Value) bool {
	switch x := a.(type) {
	case int:
		y, ok := b.(int)
		return ok && x == y
	case Char:
		y, ok := b.(Char)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case *Pair:
		y, ok := b.(*Pair)
		return ok && x == y
	case *Symbol:
		y, ok := b.(*Symbol)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case *String:
		y, ok := b.(*String)
		return ok && x == y
	case *Vector:
		y, ok := b.(*Vector)
		return ok && x == y
	case *EmptyList:
		y, ok := b.(*EmptyList)
		return ok && x == y
	case *Special:
		y, ok := b.(*Special)
		return ok && x == y
	}
	if a == nil || b == nil {
		return a == b
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}

// Eqv reports whether a and b are eqv?: eq?, or numbers of the same
// exactness and value.
func Eqv(a, b Value) bool {
	switch x := a.(type) {
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case *num.Complex:
		return num.Eqv(x, b)
	}
	return Eq(a, b)
}

// equalFastSteps is how many node comparisons Equal makes before it starts
// remembering compared pairs (so that it terminates on cycles).
const equalFastSteps = 100000

// Equal reports whether a and b are equal?: eqv?, or pairs, vectors,
// strings and bytevectors with equal contents. It terminates on cyclic
// structure (two structures are equal when no finite walk tells them
// apart).
func Equal(a, b Value) bool {
	type job struct{ a, b Value }
	var arr [16]job
	stack := append(arr[:0], job{a, b})
	steps := 0
	var assumed map[job]bool
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := j.a, j.b
		for {
			if Eqv(x, y) {
				break
			}
			steps++
			if steps > equalFastSteps {
				if assumed == nil {
					assumed = make(map[job]bool)
				}
				k := job{x, y}
				if isContainer(x) {
					if assumed[k] {
						break
					}
					assumed[k] = true
				}
			}
			switch xa := x.(type) {
			case *Pair:
				yb, ok := y.(*Pair)
				if !ok {
					return false
				}
				stack = append(stack, job{xa.Car, yb.Car})
				x, y = xa.Cdr, yb.Cdr
				continue
			case *String:
				yb, ok := y.(*String)
				if !ok || !xa.Equal(yb) {
					return false
				}
			case *Vector:
				yb, ok := y.(*Vector)
				if !ok || len(xa.Items) != len(yb.Items) {
					return false
				}
				for i := len(xa.Items) - 1; i >= 0; i-- {
					stack = append(stack, job{xa.Items[i], yb.Items[i]})
				}
			case *Bytevector:
				yb, ok := y.(*Bytevector)
				if !ok || string(xa.B) != string(yb.B) {
					return false
				}
			default:
				return false
			}
			break
		}
	}
	return true
}

func init() {
	registerBuiltins("equivalence", []Builtin{
		{Name: "eq?", MinArgs: 2, MaxArgs: 2, Doc: "(eq? obj1 obj2): whether obj1 and obj2 are the same object",
			Fn: func(_ *Interp, a []Value) (Value, error) { return Eq(a[0], a[1]), nil }},
		{Name: "eqv?", MinArgs: 2, MaxArgs: 2, Doc: "(eqv? obj1 obj2): eq?, and numbers of the same exactness and value, equal characters",
			Fn: func(_ *Interp, a []Value) (Value, error) { return Eqv(a[0], a[1]), nil }},
		{Name: "equal?", MinArgs: 2, MaxArgs: 2, Doc: "(equal? obj1 obj2): eqv?, and pairs, vectors, strings and bytevectors of equal contents",
			Fn: func(_ *Interp, a []Value) (Value, error) { return Equal(a[0], a[1]), nil }},
		{Name: "not", MinArgs: 1, MaxArgs: 1, Doc: "(not obj): #t if obj is #f, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) { return a[0] == false, nil }},
		{Name: "boolean?", MinArgs: 1, MaxArgs: 1, Doc: "(boolean? obj): whether obj is #t or #f",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(bool)
				return ok, nil
			}},
		{Name: "boolean=?", MinArgs: 1, MaxArgs: -1, Doc: "(boolean=? bool1 bool2 ...): whether the booleans are all the same",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				res := true
				for i, v := range a {
					b, ok := v.(bool)
					if !ok {
						if i == 0 {
							return nil, ArgTypeError(1, "bool1", "a boolean", v)
						}
						return nil, ArgTypeError(i+1, "bool2", "a boolean", v)
					}
					if i > 0 && b != a[0].(bool) {
						res = false
					}
				}
				return res, nil
			}},
	}...)
}
