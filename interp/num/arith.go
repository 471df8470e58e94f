package num

import (
	"math"
	"math/big"
	"math/bits"
)

// maxLevel returns the contagion level of a binary operation, or lvlNone
// with the offending argument.
func maxLevel(a, b any) (int, any) {
	la, lb := level(a), level(b)
	if la == lvlNone {
		return lvlNone, a
	}
	if lb == lvlNone {
		return lvlNone, b
	}
	if la > lb {
		return la, nil
	}
	return lb, nil
}

// Add returns a+b. Two ints that do not overflow take a fast path that
// allocates nothing.
func Add(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			s := x + y
			if (x^s)&(y^s) >= 0 {
				return s, nil
			}
		}
	}
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok {
			return x + y, nil
		}
	}
	return addSlow(a, b)
}

func addSlow(a, b any) (any, error) {
	l, bad := maxLevel(a, b)
	if l == lvlNone {
		if r, done, err := complexBinary('+', a, b); done {
			return r, err
		}
	}
	switch l {
	case lvlInt, lvlBig:
		var ta, tb big.Int
		z, x, y := bigArgs(max(wordsOf(a), wordsOf(b))+1, a, b, &ta, &tb)
		return normBig(z.Add(x, y)), nil
	case lvlRat:
		return normRat(new(big.Rat).Add(toRat(a), toRat(b))), nil
	case lvlFloat:
		return mustFloat(a) + mustFloat(b), nil
	}
	return nil, notNumber(bad)
}

// Sub returns a-b.
func Sub(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			s := x - y
			if (x^y)&(x^s) >= 0 {
				return s, nil
			}
		}
	}
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok {
			return x - y, nil
		}
	}
	l, bad := maxLevel(a, b)
	if l == lvlNone {
		if r, done, err := complexBinary('-', a, b); done {
			return r, err
		}
	}
	switch l {
	case lvlInt, lvlBig:
		var ta, tb big.Int
		z, x, y := bigArgs(max(wordsOf(a), wordsOf(b))+1, a, b, &ta, &tb)
		return normBig(z.Sub(x, y)), nil
	case lvlRat:
		return normRat(new(big.Rat).Sub(toRat(a), toRat(b))), nil
	case lvlFloat:
		return mustFloat(a) - mustFloat(b), nil
	}
	return nil, notNumber(bad)
}

// mulInt multiplies two ints; ok is false on overflow.
func mulInt(x, y int) (int, bool) {
	if uint64(x+(1<<31)) < 1<<32 && uint64(y+(1<<31)) < 1<<32 {
		return x * y, true
	}
	neg := (x < 0) != (y < 0)
	ux, uy := uint64(x), uint64(y)
	if x < 0 {
		ux = -ux
	}
	if y < 0 {
		uy = -uy
	}
	hi, lo := bits.Mul64(ux, uy)
	if hi != 0 {
		return 0, false
	}
	if neg {
		if lo > 1<<63 {
			return 0, false
		}
		return int(-lo), true
	}
	if lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// mulIntWide returns the product of two ints that overflows an int, as a
// *big.Int of one or two words computed in machine words (64-bit words
// only), in one allocation at its size.
func mulIntWide(x, y int) *big.Int {
	hi, lo := bits.Mul64(absUint(x), absUint(y))
	z, w := newBigSpare(0, 2)
	w[0], w[1] = big.Word(lo), big.Word(hi)
	z.SetBits(w)
	if (x < 0) != (y < 0) {
		z.Neg(z)
	}
	return z
}

// Mul returns a*b.
func Mul(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			if p, ok := mulInt(x, y); ok {
				return p, nil
			}
			if bits.UintSize == 64 {
				return mulIntWide(x, y), nil
			}
		}
	}
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok {
			return x * y, nil
		}
	}
	l, bad := maxLevel(a, b)
	if l == lvlNone {
		if r, done, err := complexBinary('*', a, b); done {
			return r, err
		}
	}
	switch l {
	case lvlInt, lvlBig:
		var ta, tb big.Int
		z, x, y := bigArgs(wordsOf(a)+wordsOf(b), a, b, &ta, &tb)
		return normBig(z.Mul(x, y)), nil
	case lvlRat:
		return normRat(new(big.Rat).Mul(toRat(a), toRat(b))), nil
	case lvlFloat:
		return mustFloat(a) * mustFloat(b), nil
	}
	return nil, notNumber(bad)
}

// isExactZero reports whether v is the exact integer 0.
func isExactZero(v any) bool { i, ok := v.(int); return ok && i == 0 }

// Div returns a/b: exact when both are exact (an int when the division is
// even, else a rational). Dividing by an exact zero is ErrDivByZero, also
// when a is inexact; dividing by 0.0 follows IEEE (+inf.0, -inf.0, +nan.0).
func Div(a, b any) (any, error) {
	l, bad := maxLevel(a, b)
	if l == lvlNone {
		if r, done, err := complexBinary('/', a, b); done {
			return r, err
		}
		return nil, notNumber(bad)
	}
	if isExactZero(b) {
		return nil, ErrDivByZero
	}
	switch l {
	case lvlInt:
		x, y := a.(int), b.(int)
		if !(x == math.MinInt && y == -1) && x%y == 0 {
			return x / y, nil
		}
		return normRat(new(big.Rat).SetFrac(big.NewInt(int64(x)), big.NewInt(int64(y)))), nil
	case lvlBig:
		return normRat(new(big.Rat).SetFrac(toBig(a), toBig(b))), nil
	case lvlRat:
		return normRat(new(big.Rat).Quo(toRat(a), toRat(b))), nil
	}
	return mustFloat(a) / mustFloat(b), nil
}

// Negate returns -a.
func Negate(a any) (any, error) {
	switch x := a.(type) {
	case int:
		if x != math.MinInt {
			return -x, nil
		}
		return new(big.Int).Neg(big.NewInt(int64(x))), nil
	case *big.Int:
		return normBig(new(big.Int).Neg(x)), nil
	case *big.Rat:
		return new(big.Rat).Neg(x), nil
	case float64:
		return -x, nil
	case *Complex:
		re, _ := Negate(x.Re)
		im, _ := Negate(x.Im)
		return &Complex{re, im}, nil
	}
	return nil, notNumber(a)
}

// Abs returns the absolute value of a.
func Abs(a any) (any, error) {
	s, err := Sign(a)
	if err != nil {
		return nil, err
	}
	if f, ok := a.(float64); ok {
		return math.Abs(f), nil
	}
	if s < 0 {
		return Negate(a)
	}
	return a, nil
}

// Unordered is the result of Compare when either argument is a NaN.
const Unordered = 2

// Compare returns -1, 0 or +1 as a is less than, equal to or greater than
// b, comparing exactly (an exact number and a float are compared by value,
// without rounding), or Unordered when either is a NaN.
func Compare(a, b any) (int, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			return cmpInt(x, y), nil
		}
	}
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok {
			return cmpFloat(x, y), nil
		}
	}
	l, bad := maxLevel(a, b)
	switch l {
	case lvlNone:
		return 0, notNumber(bad)
	case lvlInt, lvlBig:
		return cmpIntegers(a, b), nil
	case lvlRat:
		return toRat(a).Cmp(toRat(b)), nil
	}
	// One exact, one float.
	if x, ok := a.(float64); ok {
		c := cmpExactFloat(b, x)
		if c != Unordered {
			c = -c
		}
		return c, nil
	}
	return cmpExactFloat(a, b.(float64)), nil
}

// cmpIntegers compares two exact integers, one of them a *big.Int,
// without allocating.
func cmpIntegers(a, b any) int {
	x, xb := a.(*big.Int)
	y, yb := b.(*big.Int)
	switch {
	case xb && yb:
		return x.Cmp(y)
	case xb:
		return cmpBigInt(x, b.(int))
	}
	return -cmpBigInt(y, a.(int))
}

// cmpBigInt compares a *big.Int with an int.
func cmpBigInt(x *big.Int, y int) int {
	if x.IsInt64() {
		switch i := x.Int64(); {
		case i < int64(y):
			return -1
		case i > int64(y):
			return 1
		}
		return 0
	}
	return x.Sign()
}

func cmpInt(x, y int) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	}
	return Unordered
}

// cmpExactFloat compares an exact number with a float.
func cmpExactFloat(e any, f float64) int {
	switch {
	case math.IsNaN(f):
		return Unordered
	case math.IsInf(f, 1):
		return -1
	case math.IsInf(f, -1):
		return 1
	}
	if i, ok := e.(int); ok && i >= -(1<<53) && i <= 1<<53 {
		return cmpFloat(float64(i), f)
	}
	r := new(big.Rat).SetFloat64(f)
	return toRat(e).Cmp(r)
}

// NumEq reports whether a = b (false when either is a NaN). Unlike the
// other comparisons it accepts complex numbers.
func NumEq(a, b any) (bool, error) {
	c, err := Compare(a, b)
	if err != nil {
		if eq, done, err := complexEq(a, b); done {
			return eq, err
		}
	}
	return c == 0 && err == nil, err
}

// Less reports whether a < b.
func Less(a, b any) (bool, error) {
	c, err := Compare(a, b)
	return c == -1 && err == nil, err
}

// LessEq reports whether a <= b.
func LessEq(a, b any) (bool, error) {
	c, err := Compare(a, b)
	return (c == -1 || c == 0) && err == nil, err
}

// Greater reports whether a > b.
func Greater(a, b any) (bool, error) {
	c, err := Compare(a, b)
	return c == 1 && err == nil, err
}

// GreaterEq reports whether a >= b.
func GreaterEq(a, b any) (bool, error) {
	c, err := Compare(a, b)
	return (c == 1 || c == 0) && err == nil, err
}

// Max returns the larger of a and b; the result is inexact when either
// argument is (R7RS), and a NaN when either is a NaN.
func Max(a, b any) (any, error) { return minMax(a, b, 1) }

// Min returns the smaller of a and b, with the contagion rules of Max.
func Min(a, b any) (any, error) { return minMax(a, b, -1) }

func minMax(a, b any, want int) (any, error) {
	c, err := Compare(a, b)
	if err != nil {
		return nil, err
	}
	r := a
	switch c {
	case Unordered:
		return math.NaN(), nil
	case -want:
		r = b
	}
	if IsInexact(a) || IsInexact(b) {
		return mustFloat(r), nil
	}
	return r, nil
}
