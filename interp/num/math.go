package num

import (
	"math"
	"math/big"
	"math/bits"
	"math/cmplx"
	"sync"
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
			if s, r := sqrtRemNum(x); isExactZero(r) {
				return s, nil
			}
			return bigSqrtFloat(new(big.Float).SetInt(x)), nil
		}
	case *big.Rat:
		if x.Sign() >= 0 {
			n, rn := bigSqrtRem(x.Num())
			d, rd := bigSqrtRem(x.Denom())
			if rn.Sign() == 0 && rd.Sign() == 0 {
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
	return int(isqrt64(uint64(x)))
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
			if w := x.Bits(); len(w) == 2 && bits.UintSize == 64 {
				// two words: in machine words, the results made only
				// when they are bignums
				if si, rhi, rlo, ok := sqrtRem128(uint64(w[1]), uint64(w[0])); ok {
					return fromUint128(0, si), fromUint128(rhi, rlo), nil
				}
			}
			s, r := sqrtRemNum(x)
			return s, r, nil
		}
	}
	return nil, nil, &TypeErr{Want: "an exact non-negative integer", Got: a}
}

// fromUint128 returns the exact integer hi·2^64 + lo (64-bit words).
func fromUint128(hi, lo uint64) any {
	if hi == 0 && lo <= math.MaxInt {
		return int(lo)
	}
	z, w := newBigSpare(0, 2)
	w[0], w[1] = big.Word(lo), big.Word(hi)
	return z.SetBits(w)
}

// bigSqrt returns the integer square root of n >= 0.
func bigSqrt(n *big.Int) *big.Int {
	s, _ := bigSqrtRem(n)
	return s
}

// bigSqrtRem returns s, the integer square root of n >= 0, and the
// remainder n - s*s, by the divide-and-conquer square root (Zimmermann's
// "Karatsuba square root"). With n of 2m or 2m-1 bits, l <= m/2 and h =
// m-l, n = A·2^(2l) + a1·2^l + a0 with a1, a0 < 2^l. The root s1 of A (h
// bits, remainder r1) gives the top of s; dividing r1·2^l + a1 by 2·s1
// gives its low part q and a remainder u; then s = s1·2^l + q and
// r = u·2^l + a0 - q², too large by one at most, which one step corrects.
// Since A has its top bit in one of its two top positions, s1 >= 2^(h-1)
// and that single correction suffices (the condition is l <= h). The
// costs are a division of an m-bit number by an m/2-bit one and the
// square of an m/2-bit number per level, instead of the divisions of the
// whole n by m-bit numbers of Newton's method (big.Int.Sqrt).
func bigSqrtRem(n *big.Int) (s, r *big.Int) {
	a, b := sqrtRemNum(n)
	return toBig(a), toBig(b)
}

// sqrtRemNum is bigSqrtRem with the results in normal form: they are
// formed in the work space and copied out at their sizes, an int when
// they fit (the remainder often does), so that a root allocates no more
// than its results.
func sqrtRemNum(n *big.Int) (s, r any) {
	nw := len(n.Bits())
	if nw > maxPooledSqrt {
		bs, br := sqrtRemLevel(n, newSqrtWork(nw), 0)
		return copyOut(bs), copyOut(br) // not views of the whole work space
	}
	w := sqrtPool.Get().(*sqrtWork)
	w.reserve(nw/2 + 4)
	bs, br := sqrtRemLevel(n, w, 0)
	s, r = copyOut(bs), copyOut(br)
	sqrtPool.Put(w)
	return s, r
}

// copyOut returns the exact integer x in normal form, a new big.Int at
// its size when it does not fit in an int (x itself is left as it is).
func copyOut(x *big.Int) any {
	if v := normBig(x); v != any(x) {
		return v
	}
	return newBig(len(x.Bits())).Set(x)
}

// maxPooledSqrt is the size in words beyond which bigSqrtRem allocates its
// work space instead of keeping it in sqrtPool.
const maxPooledSqrt = 1 << 14

// sqrtWork is the work space of one square root: the roots and
// remainders of the levels (two pairs, taken in turn by a level and the
// one under it, whose results it reads while it writes its own), the numbers a level passes to the one under it (copies in a, views
// of the argument's words in view: a view is never a receiver, it would
// write into the argument), and the temporaries of one level. big.Int
// reuses a receiver's words when they suffice, so that once the buffers
// have grown to a size, roots of that size allocate only their results.
type sqrtWork struct {
	s, r                       [2]big.Int
	a                          []*big.Int // by depth
	num, den, quo, urem, field big.Int
}

var sqrtPool = sync.Pool{New: func() any { return new(sqrtWork) }}

func newSqrtWork(nw int) *sqrtWork {
	w := new(sqrtWork)
	w.reserve(nw/2 + 4)
	return w
}

// reserve gives every receiver room for n words.
func (w *sqrtWork) reserve(n int) {
	for _, z := range []*big.Int{&w.s[0], &w.s[1], &w.r[0], &w.r[1], &w.num, &w.den, &w.quo, &w.urem, &w.field} {
		if cap(z.Bits()) < n {
			z.SetBits(make([]big.Word, 0, n))
		}
	}
}

// sqrtRemLevel is bigSqrtRem at depth d of the recursion, in the work
// space w, where its results live (depth 0 reads those of depth 1 before
// it writes its own, depth 1 those of depth 2, and so on).
func sqrtRemLevel(n *big.Int, w *sqrtWork, d int) (s, r *big.Int) {
	s, r = &w.s[d%2], &w.r[d%2]
	nb := n.BitLen()
	if nb <= 64 {
		x := n.Uint64()
		si := isqrt64(x)
		return s.SetUint64(si), r.SetUint64(x - si*si)
	}
	if nb <= 128 && bits.UintSize == 64 {
		nw := n.Bits()
		if si, rhi, rlo, ok := sqrtRem128(uint64(nw[1]), uint64(nw[0])); ok {
			return s.SetUint64(si), setWords2(r, rhi, rlo)
		}
	}
	m := uint(nb+1) / 2
	l := m / 2
	// What this level reads of n it reads through nw and views made here:
	// n may be a view (a header that the level under this one reuses) or
	// a number in w.a[d-1], which no level under this one writes.
	nw := n.Bits()
	var view big.Int
	var s1, r1 *big.Int
	num, den, q, u, field := &w.num, &w.den, &w.quo, &w.urem, &w.field
	if l < bits.UintSize {
		// a few words: split at any bit
		for len(w.a) <= d {
			w.a = append(w.a, new(big.Int))
		}
		s1, r1 = sqrtRemLevel(w.a[d].Rsh(n, 2*l), w, d+1)
		view.SetBits(nw)
		num.Lsh(r1, l)
		num.Or(num, lowBits(field.Rsh(&view, l), l))
		den.Lsh(s1, 1)
		q.QuoRem(num, den, u)
		s.Lsh(s1, l)
		s.Add(s, q)
		r.Lsh(u, l)
		r.Or(r, lowBits(field.Set(&view), l))
		return sqrtFix(s, r, num.Mul(q, q))
	}
	// Split at a word boundary: A, a1 and a0 are views of n's words (never
	// written), and the shifts by l are copies of words.
	lw := int(l / bits.UintSize)
	s1, r1 = sqrtRemLevel(view.SetBits(nw[2*lw:]), w, d+1)
	shiftInto(num, r1, nw[lw:2*lw], lw)
	den.Lsh(s1, 1)
	q.QuoRem(num, den, u)
	shiftInto(s, s1, nil, lw)
	s.Add(s, q)
	shiftInto(r, u, nw[:lw], lw)
	return sqrtFix(s, r, num.Mul(q, q))
}

// setWords2 sets z to hi·2^64 + lo (64-bit words).
func setWords2(z *big.Int, hi, lo uint64) *big.Int {
	zw := z.Bits()
	if cap(zw) < 2 {
		zw = make([]big.Word, 2)
	}
	zw = zw[:2]
	zw[0], zw[1] = big.Word(lo), big.Word(hi)
	return z.SetBits(zw)
}

// sqrtFix finishes a step of bigSqrtRem: r -= q2, and when that is
// negative, s was one too large.
func sqrtFix(s, r, q2 *big.Int) (*big.Int, *big.Int) {
	r.Sub(r, q2)
	if r.Sign() < 0 {
		// (s-1)² = s² - 2s + 1
		r.Add(r, s)
		r.Add(r, s)
		r.Sub(r, bigOne)
		s.Sub(s, bigOne)
	}
	return s, r
}

// shiftInto sets z to hi·2^(k·W) + lo for hi >= 0 and lo of at most k
// words (W the bits of a word), in z's words when they suffice, and
// returns z. z must not share words with hi or lo.
func shiftInto(z, hi *big.Int, lo []big.Word, k int) *big.Int {
	h := hi.Bits()
	n := k + len(h)
	zw := z.Bits()
	if cap(zw) < n {
		zw = make([]big.Word, n, n+1) // a word to spare for a carry
	}
	zw = zw[:n]
	copy(zw, lo)
	clear(zw[len(lo):k])
	copy(zw[k:], h)
	return z.SetBits(zw)
}

// lowBits truncates x >= 0 to its k low bits, in place.
func lowBits(x *big.Int, k uint) *big.Int {
	w := x.Bits()
	n := int(k / bits.UintSize)
	if n >= len(w) {
		return x
	}
	if rem := k % bits.UintSize; rem != 0 {
		w[n] &= 1<<rem - 1
		n++
	}
	return x.SetBits(w[:n])
}

var bigOne = big.NewInt(1)

// sqrtRem128 returns the integer square root s of hi·2^64 + lo, hi > 0,
// and the remainder rhi·2^64 + rlo; ok is false in the rare cases it
// leaves to the general method. Newton's method descends from above to
// the root, from a start close to it (the float root, rounded up).
func sqrtRem128(hi, lo uint64) (s, rhi, rlo uint64, ok bool) {
	f := math.Sqrt(float64(hi)*(1<<64) + float64(lo))
	x := uint64(math.MaxUint64)
	if f < 1<<64-1<<13 {
		x = uint64(f) + 1<<13 // above the root: f is off by 2^12 at most
	}
	for {
		if hi >= x {
			return 0, 0, 0, false
		}
		q, _ := bits.Div64(hi, lo, x)
		sum, c := bits.Add64(x, q, 0)
		y := sum>>1 | c<<63
		if y >= x {
			break
		}
		x = y
	}
	ph, pl := bits.Mul64(x, x)
	rl, b := bits.Sub64(lo, pl, 0)
	rh, _ := bits.Sub64(hi, ph, b)
	return x, rh, rl, true
}

// isqrt64 returns the largest s with s*s <= x.
func isqrt64(x uint64) uint64 {
	s := uint64(math.Sqrt(float64(x)))
	for s > 0 && s > x/s {
		s--
	}
	for s+1 <= x/(s+1) {
		s++
	}
	return s
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
	if int64(bitLen(base))*int64(n) > maxExactBits {
		return nil, ErrTooBig
	}
	return powBig(base, n), nil
}

// bitLen returns the length in bits of the magnitude of an exact integer.
func bitLen(v any) int {
	if x, ok := v.(int); ok {
		return bits.Len64(absUint(x))
	}
	return v.(*big.Int).BitLen()
}

// powWork is the work space of powBig: the power so far and the product
// being formed, taken in turn.
type powWork struct {
	acc, next big.Int
	w         [1]big.Word // an int base's word
}

var powScratch = sync.Pool{New: func() any { return new(powWork) }}

// powBig returns x^n for an exact integer x, |x| >= 2, and n >= 0, in
// normal form. Squarings
// and products by x, from the exponent's top bit down, are made in two
// pooled buffers with room for the result, which is then copied out at
// its size: one allocation, where math/big's Exp allocates its buffers
// anew as they grow. Results over maxScratchWords words are left to Exp.
func powBig(base any, n int) any {
	if n < 2 {
		if n == 0 {
			return 1
		}
		return base
	}
	// |x|^n < 2^(bits·n); a product takes as many words as its factors
	// together, one more at most than the words of its value
	k := (bitLen(base)*n+bits.UintSize-1)/bits.UintSize + 1
	var tx big.Int
	if k > maxScratchWords {
		return normBig(new(big.Int).Exp(bigArg(base, &tx), big.NewInt(int64(n)), nil))
	}
	w := powScratch.Get().(*powWork)
	spare := w.w[:]
	x := bigArgIn(base, &tx, &spare)
	acc, next := &w.acc, &w.next
	for _, z := range []*big.Int{acc, next} {
		if cap(z.Bits()) < k {
			z.SetBits(make([]big.Word, 0, k))
		}
	}
	acc.Set(x)
	for i := bits.Len(uint(n)) - 2; i >= 0; i-- {
		next.Mul(acc, acc)
		acc, next = next, acc
		if n>>i&1 != 0 {
			next.Mul(acc, x)
			acc, next = next, acc
		}
	}
	z := newBig(len(acc.Bits())).Set(acc)
	powScratch.Put(w)
	return normBig(z)
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
