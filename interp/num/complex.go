package num

import (
	"math"
	"math/cmplx"
)

// Complex is a non-real complex number Re+Im·i. Re and Im are both exact
// (int, *big.Int, *big.Rat) or both float64; an exact complex number never
// has an exact zero imaginary part (MakeRectangular returns the real part
// instead), so every *Complex is non-real in the sense of real?. An inexact
// one may have Im == 0.0: -2.5+0.0i is not real? (R7RS 6.2.6).
type Complex struct {
	Re, Im any
}

// IsComplex reports whether v is a non-real complex number (*Complex).
func IsComplex(v any) bool { _, ok := v.(*Complex); return ok }

// IsReal reports whether v is a real number (every number but *Complex).
func IsReal(v any) bool { return level(v) != lvlNone }

// MakeRectangular returns re+im·i. Both must be real numbers. An exact zero
// im gives re itself; if either part is inexact, both become inexact.
func MakeRectangular(re, im any) (any, error) {
	if !IsReal(re) {
		return nil, notReal(re)
	}
	if !IsReal(im) {
		return nil, notReal(im)
	}
	return mkRect(re, im), nil
}

// mkRect is MakeRectangular for parts known to be real.
func mkRect(re, im any) any {
	if isExactZero(im) {
		return re
	}
	if IsInexact(re) || IsInexact(im) {
		return &Complex{mustFloat(re), mustFloat(im)}
	}
	return &Complex{re, im}
}

// MakePolar returns the complex number with magnitude m and angle a
// (inexact unless a is an exact zero).
func MakePolar(m, a any) (any, error) {
	if !IsReal(m) {
		return nil, notReal(m)
	}
	if !IsReal(a) {
		return nil, notReal(a)
	}
	if isExactZero(a) {
		return m, nil
	}
	fm, fa := mustFloat(m), mustFloat(a)
	s, c := math.Sincos(fa)
	return &Complex{fm * c, fm * s}, nil
}

func notReal(v any) error { return &TypeErr{Want: "a real number", Got: v} }

// parts returns the real and imaginary parts of a number; ok is false for
// a non-number. The imaginary part of a real is the exact 0.
func parts(v any) (re, im any, ok bool) {
	if c, isC := v.(*Complex); isC {
		return c.Re, c.Im, true
	}
	if IsReal(v) {
		return v, 0, true
	}
	return nil, nil, false
}

// RealPart returns the real part of a number.
func RealPart(v any) (any, error) {
	re, _, ok := parts(v)
	if !ok {
		return nil, notNumber(v)
	}
	return re, nil
}

// ImagPart returns the imaginary part of a number (exact 0 for a real).
func ImagPart(v any) (any, error) {
	_, im, ok := parts(v)
	if !ok {
		return nil, notNumber(v)
	}
	return im, nil
}

// Magnitude returns the magnitude of a number: abs for a real; exact when
// the parts are exact and the sum of their squares is a perfect square.
func Magnitude(v any) (any, error) {
	c, ok := v.(*Complex)
	if !ok {
		return Abs(v)
	}
	if f, ok := c.Re.(float64); ok {
		return math.Hypot(f, c.Im.(float64)), nil
	}
	rr, _ := Mul(c.Re, c.Re)
	ii, _ := Mul(c.Im, c.Im)
	s, _ := Add(rr, ii)
	return Sqrt(s)
}

// Angle returns the angle of a number: exact 0 for a non-negative exact
// real, 0.0 for a non-negative float, pi for a negative real, else
// atan2(im, re).
func Angle(v any) (any, error) {
	if c, ok := v.(*Complex); ok {
		return math.Atan2(mustFloat(c.Im), mustFloat(c.Re)), nil
	}
	s, err := Sign(v)
	if err != nil {
		return nil, err
	}
	if f, ok := v.(float64); ok {
		if math.IsNaN(f) {
			return f, nil
		}
		return math.Atan2(0, f), nil
	}
	if s < 0 {
		return math.Pi, nil
	}
	return 0, nil
}

// toC128 converts a number to a Go complex128.
func toC128(v any) complex128 {
	re, im, _ := parts(v)
	return complex(mustFloat(re), mustFloat(im))
}

// fromC128 converts a complex128 to a number: a float when the imaginary
// part is 0 and real is true, else an inexact *Complex.
func fromC128(z complex128, real bool) any {
	if real && imag(z) == 0 {
		return real64(z)
	}
	return &Complex{real64(z), imag(z)}
}

func real64(z complex128) float64 { return real(z) }

// complexArgs returns the parts of a and b when both are numbers and at
// least one is a *Complex; ok is false otherwise. bad is a non-number
// argument, if any.
func complexArgs(a, b any) (ar, ai, br, bi any, ok bool, bad any) {
	_, ca := a.(*Complex)
	_, cb := b.(*Complex)
	var oka, okb bool
	ar, ai, oka = parts(a)
	br, bi, okb = parts(b)
	switch {
	case !oka:
		return nil, nil, nil, nil, false, a
	case !okb:
		return nil, nil, nil, nil, false, b
	}
	return ar, ai, br, bi, ca || cb, nil
}

// complexBinary handles +, -, * and / when an argument is complex. done
// is false when neither argument is complex (the caller goes on).
func complexBinary(op byte, a, b any) (r any, done bool, err error) {
	ar, ai, br, bi, ok, bad := complexArgs(a, b)
	if bad != nil {
		return nil, true, notNumber(bad)
	}
	if !ok {
		return nil, false, nil
	}
	switch op {
	case '+':
		re, _ := Add(ar, br)
		im, _ := Add(ai, bi)
		return mkRect(re, im), true, nil
	case '-':
		re, _ := Sub(ar, br)
		im, _ := Sub(ai, bi)
		return mkRect(re, im), true, nil
	case '*':
		if IsInexact(ar) || IsInexact(br) || IsInexact(ai) || IsInexact(bi) {
			return fromC128(toC128(a)*toC128(b), false), true, nil
		}
		ac, _ := Mul(ar, br)
		bd, _ := Mul(ai, bi)
		ad, _ := Mul(ar, bi)
		bc, _ := Mul(ai, br)
		re, _ := Sub(ac, bd)
		im, _ := Add(ad, bc)
		return mkRect(re, im), true, nil
	}
	// Division.
	if _, isC := b.(*Complex); !isC {
		if isExactZero(b) {
			return nil, true, ErrDivByZero
		}
		re, err := Div(ar, b)
		if err != nil {
			return nil, true, err
		}
		im, err := Div(ai, b)
		if err != nil {
			return nil, true, err
		}
		return mkRect(re, im), true, nil
	}
	if IsInexact(ar) || IsInexact(br) || IsInexact(ai) || IsInexact(bi) {
		return fromC128(toC128(a)/toC128(b), false), true, nil
	}
	// (ar+ai i)/(br+bi i) = ((ar br + ai bi) + (ai br - ar bi) i) / (br² + bi²)
	b2, _ := Mul(br, br)
	i2, _ := Mul(bi, bi)
	den, _ := Add(b2, i2)
	t1, _ := Mul(ar, br)
	t2, _ := Mul(ai, bi)
	t3, _ := Mul(ai, br)
	t4, _ := Mul(ar, bi)
	n1, _ := Add(t1, t2)
	n2, _ := Sub(t3, t4)
	re, err := Div(n1, den)
	if err != nil {
		return nil, true, err
	}
	im, err := Div(n2, den)
	if err != nil {
		return nil, true, err
	}
	return mkRect(re, im), true, nil
}

// complexEq compares two numbers for = when one is complex.
func complexEq(a, b any) (eq, done bool, err error) {
	ar, ai, br, bi, ok, bad := complexArgs(a, b)
	if bad != nil {
		return false, true, notNumber(bad)
	}
	if !ok {
		return false, false, nil
	}
	c1, _ := Compare(ar, br)
	c2, _ := Compare(ai, bi)
	return c1 == 0 && c2 == 0, true, nil
}

// complexUnary applies a math/cmplx function to a complex argument.
func complexUnary(a any, f func(complex128) complex128) any {
	return fromC128(f(toC128(a)), false)
}

// exptComplex raises base to e when either is complex or the result is.
func exptComplex(base, e any) (any, error) {
	if IsExact(base) && IsExactInteger(e) {
		n, ok := e.(int)
		if !ok {
			return nil, ErrTooBig
		}
		neg := n < 0
		if neg {
			n = -n
		}
		var r any = 1
		x := base
		for n > 0 {
			if n&1 != 0 {
				r, _ = Mul(r, x)
			}
			n >>= 1
			if n > 0 {
				x, _ = Mul(x, x)
			}
		}
		if neg {
			return Div(1, r)
		}
		return r, nil
	}
	if z, _ := IsZero(base); z {
		if isExactZero(base) && isExactZero(e) {
			return 1, nil
		}
	}
	return fromC128(cmplx.Pow(toC128(base), toC128(e)), false), nil
}

// complexKey is the HashKey of a complex number.
type complexKey struct{ re, im any }
