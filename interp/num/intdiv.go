package num

import (
	"math"
	"math/big"
	"sync"
)

func notInteger(v any) error { return &TypeErr{Want: "an integer", Got: v} }

func notExactInteger(v any) error { return &TypeErr{Want: "an exact integer", Got: v} }

// checkIntegers verifies that a and b are integers (exact or integral
// floats) and b is not zero; inexact reports whether either is a float.
func checkIntegers(a, b any) (inexact bool, err error) {
	if !IsInteger(a) {
		return false, notInteger(a)
	}
	if !IsInteger(b) {
		return false, notInteger(b)
	}
	if z, _ := IsZero(b); z {
		return false, ErrDivByZero
	}
	return IsInexact(a) || IsInexact(b), nil
}

// TruncateDiv returns the quotient and remainder of a/b with the quotient
// rounded toward zero (R7RS truncate/): the remainder has the sign of a.
func TruncateDiv(a, b any) (q, r any, err error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok && y != 0 && !(x == math.MinInt && y == -1) {
			return x / y, x % y, nil
		}
	}
	return divSlow(a, b, false)
}

// FloorDiv returns the quotient and remainder of a/b with the quotient
// rounded toward minus infinity (R7RS floor/): the remainder has the sign
// of b.
func FloorDiv(a, b any) (q, r any, err error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok && y != 0 && !(x == math.MinInt && y == -1) {
			q, r := x/y, x%y
			if r != 0 && (r < 0) != (y < 0) {
				q--
				r += y
			}
			return q, r, nil
		}
	}
	return divSlow(a, b, true)
}

func divSlow(a, b any, floor bool) (q, r any, err error) {
	if IsExactInteger(a) && IsExactInteger(b) {
		if isExactZero(b) {
			return nil, nil, ErrDivByZero
		}
		var ta, tb big.Int
		x, y := bigArg(a, &ta), bigArg(b, &tb)
		bq, br := new(big.Int).QuoRem(x, y, new(big.Int))
		if floor && br.Sign() != 0 && (br.Sign() < 0) != (y.Sign() < 0) {
			bq.Sub(bq, bigOne)
			br.Add(br, y)
		}
		return normBig(bq), normBig(br), nil
	}
	if _, err := checkIntegers(a, b); err != nil {
		return nil, nil, err
	}
	// integers, not both exact: the result is inexact
	x, y := mustFloat(a), mustFloat(b)
	rf := math.Mod(x, y)
	qf := math.Trunc((x - rf) / y)
	if floor && rf != 0 && (rf < 0) != (y < 0) {
		rf += y
		qf--
	}
	return qf, rf, nil
}

// divWork is the scratch space of a division of exact integers: q or r
// receives the half of the division that is not returned (math/big needs
// room for it, the remainder's as large as the dividend), w the words of
// int operands. It is kept between calls in divScratch instead of
// allocated and dropped by each.
type divWork struct {
	q, r big.Int
	w    [2]big.Word
}

var divScratch = sync.Pool{New: func() any { return new(divWork) }}

// maxScratchWords bounds the dividends whose division uses divScratch, so
// that it does not keep huge buffers.
const maxScratchWords = 1 << 12

// quoExact returns a/b truncated, for exact integers with b != 0.
func quoExact(a, b any) any {
	var ta, tb big.Int
	la, lb := wordsOf(a), wordsOf(b)
	if la < lb {
		return 0 // |a| < 2^(W·la) <= |b|, W the bits of a word
	}
	if la > maxScratchWords {
		return normBig(new(big.Int).Quo(bigArg(a, &ta), bigArg(b, &tb)))
	}
	d := divScratch.Get().(*divWork)
	spare := d.w[:]
	x, y := bigArgIn(a, &ta, &spare), bigArgIn(b, &tb, &spare)
	// math/big's quotient takes la-lb+1 words
	q, _ := newBig(la-lb+1).QuoRem(x, y, &d.r)
	divScratch.Put(d)
	return normBig(q)
}

// remExact returns the remainder of a/b for exact integers with b != 0,
// truncated (the sign of a) or, when floor is true, floored (the sign of
// b). It is computed in scratch space, as large as a, and copied out at
// its size, which is at most b's.
func remExact(a, b any, floor bool) any {
	var ta, tb big.Int
	if wordsOf(a) > maxScratchWords {
		y := bigArg(b, &tb)
		r := new(big.Int).Rem(bigArg(a, &ta), y)
		if floor && r.Sign() != 0 && (r.Sign() < 0) != (y.Sign() < 0) {
			r.Add(r, y)
		}
		return normBig(r)
	}
	d := divScratch.Get().(*divWork)
	spare := d.w[:]
	x, y := bigArgIn(a, &ta, &spare), bigArgIn(b, &tb, &spare)
	r := &d.r
	d.q.QuoRem(x, y, r)
	if floor && r.Sign() != 0 && (r.Sign() < 0) != (y.Sign() < 0) {
		r.Add(r, y)
	}
	var res any
	if v := normBig(r); v != r {
		res = v
	} else {
		res = newBig(len(r.Bits())).Set(r)
	}
	divScratch.Put(d)
	return res
}

// Quotient is R7RS quotient (truncate-quotient).
func Quotient(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok && y != 0 && !(x == math.MinInt && y == -1) {
			return x / y, nil
		}
	}
	if IsExactInteger(a) && IsExactInteger(b) && !isExactZero(b) {
		return quoExact(a, b), nil
	}
	q, _, err := TruncateDiv(a, b)
	return q, err
}

// Remainder is R7RS remainder (truncate-remainder): the sign of a.
func Remainder(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok && y != 0 {
			return x % y, nil // Go's MinInt % -1 is 0, not a fault
		}
	}
	if IsExactInteger(a) && IsExactInteger(b) && !isExactZero(b) {
		return remExact(a, b, false), nil
	}
	_, r, err := TruncateDiv(a, b)
	return r, err
}

// Modulo is R7RS modulo (floor-remainder): the sign of b.
func Modulo(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok && y != 0 {
			r := x % y
			if r != 0 && (r < 0) != (y < 0) {
				r += y
			}
			return r, nil
		}
	}
	if IsExactInteger(a) && IsExactInteger(b) && !isExactZero(b) {
		return remExact(a, b, true), nil
	}
	_, r, err := FloorDiv(a, b)
	return r, err
}

// FloorQuotient is R7RS floor-quotient.
func FloorQuotient(a, b any) (any, error) {
	q, _, err := FloorDiv(a, b)
	return q, err
}

func absUint(x int) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// Gcd returns the non-negative greatest common divisor of two integers
// (inexact when either is inexact).
func Gcd(a, b any) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			ux, uy := absUint(x), absUint(y)
			for uy != 0 {
				ux, uy = uy, ux%uy
			}
			if ux <= math.MaxInt {
				return int(ux), nil
			}
		}
	}
	if !IsInteger(a) {
		return nil, notInteger(a)
	}
	if !IsInteger(b) {
		return nil, notInteger(b)
	}
	if IsInexact(a) || IsInexact(b) {
		x, y := math.Abs(mustFloat(a)), math.Abs(mustFloat(b))
		for y != 0 {
			x, y = y, math.Mod(x, y)
		}
		return x, nil
	}
	g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(toBig(a)), new(big.Int).Abs(toBig(b)))
	return normBig(g), nil
}

// Lcm returns the non-negative least common multiple of two integers.
func Lcm(a, b any) (any, error) {
	g, err := Gcd(a, b)
	if err != nil {
		return nil, err
	}
	if z, _ := IsZero(g); z {
		return g, nil // both zero
	}
	p, err := Mul(a, b)
	if err != nil {
		return nil, err
	}
	if p, err = Abs(p); err != nil {
		return nil, err
	}
	return Quotient(p, g)
}

// IsOdd reports whether the integer a is odd.
func IsOdd(a any) (bool, error) {
	switch x := a.(type) {
	case int:
		return x&1 != 0, nil
	case *big.Int:
		return x.Bit(0) != 0, nil
	case float64:
		if IsInteger(a) {
			return math.Mod(x, 2) != 0, nil
		}
	}
	return false, notInteger(a)
}

// Numerator returns the numerator of a rational (inexact for a float).
func Numerator(a any) (any, error) {
	switch x := a.(type) {
	case int, *big.Int:
		return a, nil
	case *big.Rat:
		return normBig(new(big.Int).Set(x.Num())), nil
	case float64:
		e, err := Exact(x)
		if err != nil {
			return nil, err
		}
		n, _ := Numerator(e)
		return mustFloat(n), nil
	}
	return nil, notNumber(a)
}

// Denominator returns the positive denominator of a rational (inexact for
// a float).
func Denominator(a any) (any, error) {
	switch x := a.(type) {
	case int, *big.Int:
		return 1, nil
	case *big.Rat:
		return normBig(new(big.Int).Set(x.Denom())), nil
	case float64:
		e, err := Exact(x)
		if err != nil {
			return nil, err
		}
		d, _ := Denominator(e)
		return mustFloat(d), nil
	}
	return nil, notNumber(a)
}

// floorRat returns the largest integer <= r.
func floorRat(r *big.Rat) *big.Int {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() < 0 {
		q.Sub(q, big.NewInt(1))
	}
	return q
}

// Floor returns the largest integer not greater than a.
func Floor(a any) (any, error) { return roundOp(a, math.Floor, floorRat) }

// Ceiling returns the smallest integer not less than a.
func Ceiling(a any) (any, error) {
	return roundOp(a, math.Ceil, func(r *big.Rat) *big.Int {
		f := floorRat(r)
		return f.Add(f, big.NewInt(1)) // r is not an integer here
	})
}

// Truncate returns the integer nearest a toward zero.
func Truncate(a any) (any, error) {
	return roundOp(a, math.Trunc, func(r *big.Rat) *big.Int {
		return new(big.Int).Quo(r.Num(), r.Denom())
	})
}

// Round returns the integer nearest a, choosing the even one on a tie
// (R7RS: (round 2.5) is 2.0, (round 7/2) is 4).
func Round(a any) (any, error) {
	return roundOp(a, math.RoundToEven, func(r *big.Rat) *big.Int {
		f := floorRat(r)
		diff := new(big.Rat).Sub(r, new(big.Rat).SetInt(f))
		switch diff.Cmp(big.NewRat(1, 2)) {
		case 1:
			f.Add(f, big.NewInt(1))
		case 0:
			if f.Bit(0) != 0 {
				f.Add(f, big.NewInt(1))
			}
		}
		return f
	})
}

func roundOp(a any, ff func(float64) float64, rf func(*big.Rat) *big.Int) (any, error) {
	switch x := a.(type) {
	case int, *big.Int:
		return a, nil
	case *big.Rat:
		return normBig(rf(x)), nil
	case float64:
		return ff(x), nil
	}
	return nil, notNumber(a)
}
