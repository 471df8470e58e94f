package num

import (
	"math"
	"math/big"
	"math/cmplx"
)

// Sqrt returns the principal square root of a number: exact when a is an
// exact perfect square (integer or rational, e.g. 1/4 → 1/2, -4 → +2i,
// -3+4i → 1+2i), else inexact. A negative real gives an imaginary number
// ((sqrt -2.0) is +1.4142135623730951i with an inexact 0.0 real part);
// -0.0 gives -0.0 and a NaN gives a NaN.
func Sqrt(a any) (any, error) {
	switch x := a.(type) {
	case *Complex:
		return sqrtComplex(x), nil
	case int:
		if x >= 0 {
			s := isqrt(x)
			if s*s == x {
				return s, nil
			}
			return math.Sqrt(float64(x)), nil
		}
	case *big.Int:
		if x.Sign() >= 0 {
			s := new(big.Int).Sqrt(x)
			if new(big.Int).Mul(s, s).Cmp(x) == 0 {
				return normBig(s), nil
			}
			return bigSqrtFloat(new(big.Float).SetInt(x)), nil
		}
	case *big.Rat:
		if x.Sign() >= 0 {
			n, d := new(big.Int).Sqrt(x.Num()), new(big.Int).Sqrt(x.Denom())
			if new(big.Int).Mul(n, n).Cmp(x.Num()) == 0 && new(big.Int).Mul(d, d).Cmp(x.Denom()) == 0 {
				return normRat(new(big.Rat).SetFrac(n, d)), nil
			}
			return bigSqrtFloat(new(big.Float).SetPrec(128).SetRat(x)), nil
		}
	case float64:
		if !(x < 0) {
			return math.Sqrt(x), nil
		}
	default:
		return nil, notNumber(a)
	}
	// A negative real: i times the root of its negation.
	n, _ := Negate(a)
	r, _ := Sqrt(n)
	if f, ok := r.(float64); ok {
		return &Complex{0.0, f}, nil
	}
	return mkRect(0, r), nil
}

// sqrtComplex returns the principal square root of a non-real number,
// exact when both parts of the root are exact:
// sqrt(z) = sqrt((|z|+re)/2) + sign(im)·sqrt((|z|-re)/2)·i.
func sqrtComplex(z *Complex) any {
	if IsExact(z.Re) {
		m, _ := Magnitude(z)
		if IsExact(m) {
			s1, _ := Add(m, z.Re)
			s1, _ = Div(s1, 2)
			s2, _ := Sub(m, z.Re)
			s2, _ = Div(s2, 2)
			r1, _ := Sqrt(s1)
			r2, _ := Sqrt(s2)
			if IsExact(r1) && IsExact(r2) {
				if sg, _ := Sign(z.Im); sg < 0 {
					r2, _ = Negate(r2)
				}
				return mkRect(r1, r2)
			}
		}
	}
	return complexUnary(z, cmplx.Sqrt)
}

// isqrt returns the largest s with s*s <= x, for x >= 0.
func isqrt(x int) int {
	s := int(math.Sqrt(float64(x)))
	for s > 0 && s > x/s {
		s--
	}
	for s+1 <= x/(s+1) {
		s++
	}
	return s
}

func bigSqrtFloat(f *big.Float) float64 {
	r, _ := new(big.Float).SetPrec(128).Sqrt(f).Float64()
	return r
}

// ExactIntegerSqrt returns s and r with s*s + r = a and s as large as
// possible, for an exact non-negative integer a.
func ExactIntegerSqrt(a any) (s, r any, err error) {
	switch x := a.(type) {
	case int:
		if x >= 0 {
			si := isqrt(x)
			return si, x - si*si, nil
		}
	case *big.Int:
		if x.Sign() >= 0 {
			bs := bigSqrt(x)
			br := new(big.Int).Sub(x, new(big.Int).Mul(bs, bs))
			return normBig(bs), normBig(br), nil
		}
	}
	return nil, nil, &TypeErr{Want: "an exact non-negative integer", Got: a}
}

// bigSqrt returns the integer square root of n >= 0. It roots the top half
// of n's bits first (recursively) and refines that at full size with
// Newton's method, which then needs two or three full-size divisions;
// big.Int.Sqrt starts from a power of two and divides once per step of a
// much longer descent.
func bigSqrt(n *big.Int) *big.Int {
	b := n.BitLen()
	if b <= 512 {
		return new(big.Int).Sqrt(n)
	}
	k := uint(b / 4)
	// s = isqrt(n >> 2k); then sqrt(n) < (s+1) << k, a start from above
	x := bigSqrt(new(big.Int).Rsh(n, 2*k))
	x.Add(x, big.NewInt(1))
	x.Lsh(x, k)
	y := new(big.Int)
	for {
		// from above, x + n/x halved decreases to the root and stops there
		y.Quo(n, x)
		y.Add(y, x)
		y.Rsh(y, 1)
		if y.Cmp(x) >= 0 {
			return x
		}
		x, y = y, x
	}
}

// Expt returns base raised to the power e. The result is exact when base
// is exact and e is an exact integer (a negative e gives a rational; the
// size of the result is bounded, see ErrTooBig); otherwise it is a float.
// (expt 0 0) is 1; 0 to a negative exact power is ErrDivByZero; a negative
// base with a non-integral exponent, or a complex argument, gives the
// principal value (a complex number; exact for an exact base and an exact
// integer exponent).
func Expt(base, e any) (any, error) {
	l, bad := maxLevel(base, e)
	if l == lvlNone {
		if IsNumber(base) && IsNumber(e) {
			return exptComplex(base, e)
		}
		return nil, notNumber(bad)
	}
	if IsExact(base) && IsExactInteger(e) {
		return exptExact(base, e)
	}
	b, x := mustFloat(base), mustFloat(e)
	if b < 0 && !IsInteger(e) && !math.IsInf(x, 0) {
		return exptComplex(base, e)
	}
	return math.Pow(b, x), nil
}

func exptExact(base, e any) (any, error) {
	if s, _ := Sign(e); s < 0 {
		if isExactZero(base) {
			return nil, ErrDivByZero
		}
		ne, _ := Negate(e)
		p, err := exptExact(base, ne)
		if err != nil {
			return nil, err
		}
		return Div(1, p)
	}
	// Trivial bases never grow.
	switch base {
	case 0:
		if isExactZero(e) {
			return 1, nil
		}
		return 0, nil
	case 1:
		return 1, nil
	case -1:
		if odd, _ := IsOdd(e); odd {
			return -1, nil
		}
		return 1, nil
	}
	n, ok := e.(int)
	if !ok {
		return nil, ErrTooBig
	}
	if x, ok := base.(int); ok {
		r, ok := powInt(x, n)
		if ok {
			return r, nil
		}
	}
	if r, ok := base.(*big.Rat); ok {
		if int64(r.Num().BitLen()+r.Denom().BitLen())*int64(n) > maxExactBits {
			return nil, ErrTooBig
		}
		bn := big.NewInt(int64(n))
		num := new(big.Int).Exp(r.Num(), bn, nil)
		den := new(big.Int).Exp(r.Denom(), bn, nil)
		return normRat(new(big.Rat).SetFrac(num, den)), nil
	}
	bb := toBig(base)
	if int64(bb.BitLen())*int64(n) > maxExactBits {
		return nil, ErrTooBig
	}
	return normBig(new(big.Int).Exp(bb, big.NewInt(int64(n)), nil)), nil
}

// powInt computes x**n (n >= 0) in ints; ok is false on overflow.
func powInt(x, n int) (int, bool) {
	r := 1
	for n > 0 {
		if n&1 != 0 {
			var ok bool
			if r, ok = mulInt(r, x); !ok {
				return 0, false
			}
		}
		n >>= 1
		if n > 0 {
			var ok bool
			if x, ok = mulInt(x, x); !ok {
				return 0, false
			}
		}
	}
	return r, true
}

// logExact returns the natural logarithm of a positive exact number, also
// when it is beyond the range of a float.
func logExact(a any) float64 {
	f := mustFloat(a)
	if f != 0 && !math.IsInf(f, 0) {
		return math.Log(f)
	}
	switch x := a.(type) {
	case *big.Int:
		return logBig(x)
	case *big.Rat:
		return logBig(x.Num()) - logBig(x.Denom())
	}
	return math.Log(f)
}

func logBig(x *big.Int) float64 {
	k := x.BitLen() - 64
	if k < 0 {
		k = 0
	}
	top := new(big.Int).Rsh(x, uint(k))
	f, _ := new(big.Float).SetInt(top).Float64()
	// k*ln 2 in two parts (as fdlibm does) so that the product stays exact.
	const ln2Hi, ln2Lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
	fk := float64(k)
	return fk*ln2Hi + (math.Log(f) + fk*ln2Lo)
}

// Log returns the natural logarithm of a (-inf.0 for zero). A negative or
// complex argument gives the principal complex logarithm. Like every
// transcendental function here, the result is always inexact: (log 1) is 0.0.
func Log(a any) (any, error) {
	if c, ok := a.(*Complex); ok {
		return complexUnary(c, cmplx.Log), nil
	}
	s, err := Sign(a)
	if err != nil {
		return nil, err
	}
	if IsNaN(a) {
		return a, nil
	}
	switch {
	case s < 0:
		n, _ := Negate(a)
		l, _ := Log(n)
		return &Complex{l, math.Pi}, nil
	case s == 0:
		return math.Inf(-1), nil
	}
	if f, ok := a.(float64); ok {
		return math.Log(f), nil
	}
	return logExact(a), nil
}

// LogBase returns the logarithm of a in base b (exact powers of 2 and 10
// give exact-looking results: (log 4096 2) is 12.0).
func LogBase(a, b any) (any, error) {
	la, err := Log(a)
	if err != nil {
		return nil, err
	}
	lb, err := Log(b)
	if err != nil {
		return nil, err
	}
	if IsComplex(la) || IsComplex(lb) {
		return Div(la, lb)
	}
	if fa, ok := a.(float64); ok || IsExact(a) && !math.IsInf(mustFloat(a), 0) {
		if !ok {
			fa = mustFloat(a)
		}
		switch b {
		case 2, 2.0:
			return math.Log2(fa), nil
		case 10, 10.0:
			return math.Log10(fa), nil
		}
	}
	return la.(float64) / lb.(float64), nil
}

// Exp returns e to the power a.
func Exp(a any) (any, error) { return unaryFloat(a, math.Exp, cmplx.Exp) }

// Sin returns the sine of a.
func Sin(a any) (any, error) { return unaryFloat(a, math.Sin, cmplx.Sin) }

// Cos returns the cosine of a.
func Cos(a any) (any, error) { return unaryFloat(a, math.Cos, cmplx.Cos) }

// Tan returns the tangent of a.
func Tan(a any) (any, error) { return unaryFloat(a, math.Tan, cmplx.Tan) }

// Atan returns the arc tangent of a.
func Atan(a any) (any, error) { return unaryFloat(a, math.Atan, cmplx.Atan) }

// Asin returns the arc sine of a; outside [-1, 1] it is complex.
func Asin(a any) (any, error) {
	if !inUnit(a) {
		if r, ok := realOutOfUnit(a, true); ok {
			return r, nil
		}
		return unaryComplex(a, cmplx.Asin)
	}
	return unaryFloat(a, math.Asin, cmplx.Asin)
}

// Acos returns the arc cosine of a; outside [-1, 1] it is complex.
func Acos(a any) (any, error) {
	if !inUnit(a) {
		if r, ok := realOutOfUnit(a, false); ok {
			return r, nil
		}
		return unaryComplex(a, cmplx.Acos)
	}
	return unaryFloat(a, math.Acos, cmplx.Acos)
}

// inUnit reports whether a is a real in [-1, 1] or a NaN or not a number
// (those are left to unaryFloat).
func inUnit(a any) bool {
	if !IsReal(a) || IsNaN(a) {
		return !IsComplex(a)
	}
	c1, _ := Compare(a, 1)
	c2, _ := Compare(a, -1)
	return c1 != 1 && c2 != -1
}

// realOutOfUnit returns asin (or acos) of a real beyond [-1, 1] with the
// branch cuts of R7RS (those of Common Lisp): asin 2 = pi/2 - i acosh 2,
// acos 2 = i acosh 2, asin -2 = -pi/2 + i acosh 2, acos -2 = pi - i acosh 2.
func realOutOfUnit(a any, asin bool) (any, bool) {
	if !IsReal(a) {
		return nil, false
	}
	x := mustFloat(a)
	h := math.Acosh(math.Abs(x))
	switch {
	case asin && x > 0:
		return &Complex{math.Pi / 2, -h}, true
	case asin:
		return &Complex{-math.Pi / 2, h}, true
	case x > 0:
		return &Complex{0.0, h}, true
	}
	return &Complex{math.Pi, -h}, true
}

// unaryComplex applies fc to a number seen as complex.
func unaryComplex(a any, fc func(complex128) complex128) (any, error) {
	if !IsNumber(a) {
		return nil, notNumber(a)
	}
	return complexUnary(a, fc), nil
}

// Atan2 returns the angle of the point (x, y), R7RS (atan y x).
func Atan2(y, x any) (any, error) {
	l, bad := maxLevel(y, x)
	if l == lvlNone {
		return nil, notNumber(bad)
	}
	return math.Atan2(mustFloat(y), mustFloat(x)), nil
}

// unaryFloat applies f to a as a float, or fc to a complex a.
func unaryFloat(a any, f func(float64) float64, fc func(complex128) complex128) (any, error) {
	if c, ok := a.(*Complex); ok {
		return complexUnary(c, fc), nil
	}
	x, err := ToFloat(a)
	if err != nil {
		return nil, err
	}
	return f(x), nil
}

// Rationalize returns the simplest rational that differs from x by no more
// than y (R7RS rationalize); inexact when either argument is.
func Rationalize(x, y any) (any, error) {
	l, bad := maxLevel(x, y)
	if l == lvlNone {
		return nil, notNumber(bad)
	}
	if l == lvlFloat {
		fx, fy := mustFloat(x), math.Abs(mustFloat(y))
		switch {
		case math.IsNaN(fx) || math.IsNaN(fy):
			return math.NaN(), nil
		case math.IsInf(fy, 0):
			if math.IsInf(fx, 0) {
				return math.NaN(), nil
			}
			return 0.0, nil
		case math.IsInf(fx, 0):
			return fx, nil
		}
		ex, _ := Exact(fx)
		ey, _ := Exact(fy)
		r, err := Rationalize(ex, ey)
		if err != nil {
			return nil, err
		}
		return mustFloat(r), nil
	}
	ry := new(big.Rat).Abs(toRat(y))
	rx := toRat(x)
	lo := new(big.Rat).Sub(rx, ry)
	hi := new(big.Rat).Add(rx, ry)
	return normRat(simplest(lo, hi)), nil
}

// simplest returns the simplest rational in [lo, hi].
func simplest(lo, hi *big.Rat) *big.Rat {
	switch {
	case lo.Sign() > 0:
		return simplestPos(lo, hi)
	case hi.Sign() < 0:
		r := simplestPos(new(big.Rat).Neg(hi), new(big.Rat).Neg(lo))
		return r.Neg(r)
	}
	return new(big.Rat)
}

// simplestPos returns the simplest rational in [lo, hi], 0 < lo <= hi.
func simplestPos(lo, hi *big.Rat) *big.Rat {
	fl := floorRat(lo)
	if lo.IsInt() {
		return new(big.Rat).SetInt(fl)
	}
	if fl.Cmp(floorRat(hi)) < 0 {
		return new(big.Rat).SetInt(fl.Add(fl, big.NewInt(1)))
	}
	flr := new(big.Rat).SetInt(fl)
	a := new(big.Rat).Inv(new(big.Rat).Sub(hi, flr))
	b := new(big.Rat).Inv(new(big.Rat).Sub(lo, flr))
	r := simplestPos(a, b)
	return r.Add(flr, r.Inv(r))
}
