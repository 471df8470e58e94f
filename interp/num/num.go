// Package num is the numeric tower of the popsh Scheme interpreter.
//
// Numbers are plain Go values held in an any:
//
//	exact integer     int, or *big.Int only when the value does not fit in an int
//	exact rational    *big.Rat, only when the value is not an integer
//	inexact real      float64
//	non-real complex  *Complex (parts both exact or both float64)
//
// Every function here returns numbers in that normal form (a *big.Int that
// fits is turned back into an int, a *big.Rat with denominator 1 into an
// integer, a complex number with an exact zero imaginary part into its
// real part) and never modifies its arguments. The package imports nothing
// from the interpreter: errors about a wrong argument are *TypeErr values
// that the caller turns into its own error objects, and division by an
// exact zero is ErrDivByZero.
//
// Operations that need an order (<, floor, max, atan with two arguments...)
// accept only reals and report a *Complex as "expected a real number". The
// square root, logarithm, arc sine and arc cosine of a real outside their
// real domain, and a negative base to a fractional power, are complex.
package num

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"unsafe"
)

// TypeErr reports an argument of the wrong type: Want is the expected kind
// with its article ("a number", "an integer"), Got the offending value.
type TypeErr struct {
	Want string
	Got  any
}

// Error returns "expected WANT, got GOT", with GOT formatted by Go (the
// interpreter formats it as Scheme instead).
func (e *TypeErr) Error() string {
	if IsNumber(e.Got) {
		return "expected " + e.Want + ", got " + Format(e.Got, 10)
	}
	return fmt.Sprintf("expected %s, got %v", e.Want, e.Got)
}

// ErrDivByZero is returned for a division by an exact zero.
var ErrDivByZero = errors.New("division by zero")

// ErrNotFinite is returned when an infinity or a NaN must become exact.
var ErrNotFinite = errors.New("no exact representation of an infinity or a NaN")

// ErrTooBig is returned when an exact result would be unreasonably large
// (for example an exact power with an enormous exponent).
var ErrTooBig = errors.New("exact result too large")

// maxExactBits bounds the size of exact results built by Expt and
// ArithmeticShift, so that a typo cannot exhaust memory.
const maxExactBits = 1 << 26

// Levels of the tower, in order of contagion.
const (
	lvlInt = iota
	lvlBig
	lvlRat
	lvlFloat
	lvlNone
)

func level(v any) int {
	switch v.(type) {
	case int:
		return lvlInt
	case *big.Int:
		return lvlBig
	case *big.Rat:
		return lvlRat
	case float64:
		return lvlFloat
	}
	return lvlNone
}

// notNumber is the error for an argument that is not a number, or not a
// real number where only reals are accepted (a *Complex).
func notNumber(v any) error {
	if IsComplex(v) {
		return notReal(v)
	}
	return &TypeErr{Want: "a number", Got: v}
}

// IsNumber reports whether v is a number of the tower (real or complex).
func IsNumber(v any) bool { return level(v) != lvlNone || IsComplex(v) }

// IsExact reports whether v is an exact number.
func IsExact(v any) bool {
	l := level(v)
	if l == lvlNone {
		if c, ok := v.(*Complex); ok {
			return IsExact(c.Re)
		}
	}
	return l == lvlInt || l == lvlBig || l == lvlRat
}

// IsInexact reports whether v is an inexact number.
func IsInexact(v any) bool {
	switch x := v.(type) {
	case float64:
		return true
	case *Complex:
		return IsInexact(x.Re)
	}
	return false
}

// IsExactInteger reports whether v is an exact integer.
func IsExactInteger(v any) bool {
	switch v.(type) {
	case int, *big.Int:
		return true
	}
	return false
}

// IsInteger reports whether v is an integer, exact or inexact (2.0 is).
func IsInteger(v any) bool {
	switch x := v.(type) {
	case int, *big.Int:
		return true
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x) && x == math.Trunc(x)
	}
	return false
}

// IsRational reports whether v is a rational number: any exact number or
// a finite float.
func IsRational(v any) bool {
	switch x := v.(type) {
	case int, *big.Int, *big.Rat:
		return true
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	}
	return false
}

// IsNaN reports whether v is a NaN, or a complex number with a NaN part.
func IsNaN(v any) bool {
	if c, ok := v.(*Complex); ok {
		return IsNaN(c.Re) || IsNaN(c.Im)
	}
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}

// IsInf reports whether v is an infinity, or a complex number with an
// infinite part.
func IsInf(v any) bool {
	if c, ok := v.(*Complex); ok {
		return IsInf(c.Re) || IsInf(c.Im)
	}
	f, ok := v.(float64)
	return ok && math.IsInf(f, 0)
}

// normBig returns b as an int when it fits.
func normBig(b *big.Int) any {
	if b.IsInt64() {
		i := b.Int64()
		if int64(int(i)) == i {
			return int(i)
		}
	}
	return b
}

// normRat returns r as an integer when its denominator is 1.
func normRat(r *big.Rat) any {
	if r.IsInt() {
		return normBig(new(big.Int).Set(r.Num()))
	}
	return r
}

// Normalize returns v in normal form: a *big.Int that fits becomes an int,
// a *big.Rat with denominator 1 an integer. Other values are returned as is.
func Normalize(v any) any {
	switch x := v.(type) {
	case *big.Int:
		return normBig(x)
	case *big.Rat:
		return normRat(x)
	case *Complex:
		return mkRect(Normalize(x.Re), Normalize(x.Im))
	}
	return v
}

// bigArg returns the exact integer v as a *big.Int to be read, never
// written: a *big.Int as it is, an int set into tmp, which the caller
// declares (on its stack) for the purpose. It saves the allocations of
// toBig's new big.Int and its five-word buffer for a one-word operand.
func bigArg(v any, tmp *big.Int) *big.Int {
	if x, ok := v.(*big.Int); ok {
		return x
	}
	return setInt(tmp, v.(int))
}

// setInt sets z to x with a buffer of exactly one word.
func setInt(z *big.Int, x int) *big.Int {
	if bits.UintSize != 64 {
		return z.SetInt64(int64(x))
	}
	w := make([]big.Word, 1)
	w[0] = big.Word(absUint(x))
	z.SetBits(w)
	if x < 0 {
		z.Neg(z)
	}
	return z
}

// bigArgs returns the exact integers a and b as operands x and y, and a
// new receiver z with room for n words for their result. A *big.Int
// operand is used as it is; an int is set into ta or tb (which the caller
// declares, on its stack) with its word in z's allocation, past z's
// capacity so that z never writes it. Operands are only read.
func bigArgs(n int, a, b any, ta, tb *big.Int) (z, x, y *big.Int) {
	k := 0
	if _, ok := a.(int); ok {
		k++
	}
	if _, ok := b.(int); ok {
		k++
	}
	z, spare := newBigSpare(n, k)
	x = bigArgIn(a, ta, &spare)
	y = bigArgIn(b, tb, &spare)
	return z, x, y
}

// bigArgIn is bigArg with an int's word taken from the front of *spare.
func bigArgIn(v any, tmp *big.Int, spare *[]big.Word) *big.Int {
	x, ok := v.(int)
	if !ok {
		return v.(*big.Int)
	}
	if bits.UintSize != 64 {
		return tmp.SetInt64(int64(x))
	}
	w := (*spare)[:1:1]
	*spare = (*spare)[1:]
	w[0] = big.Word(absUint(x))
	tmp.SetBits(w)
	if x < 0 {
		tmp.Neg(tmp)
	}
	return tmp
}

// wordsOf returns the number of words of an exact integer (one for an
// int).
func wordsOf(v any) int {
	if x, ok := v.(*big.Int); ok {
		return len(x.Bits())
	}
	return 1
}

// newBig returns a new zero big.Int with room for n words, so that an
// operation whose result takes at most n words (math/big's receivers reuse
// their words when they suffice) allocates it once at its size, instead
// of allocating the header and then words with a slack of four.
func newBig(n int) *big.Int {
	z, _ := newBigSpare(n, 0)
	return z
}

// newBigSpare is newBig with k more words, returned apart, in the same
// allocation. Up to maxBlockWords words in all, the header is in it too
// (see bigBlock).
func newBigSpare(n, k int) (*big.Int, []big.Word) {
	var z *big.Int
	var w []big.Word
	if t := n + k; t <= maxBlockWords {
		z, w = blockAllocs[blockFor[t]]()
		w = w[:t]
	} else {
		z, w = new(big.Int), make([]big.Word, t)
	}
	z.SetBits(w[:0:n])
	return z, w[n:]
}

// bigBlock is a big.Int and the words it holds in one allocation (W is an
// array of words): one allocation per result instead of two, the header
// costing no more memory than it would apart. The block sizes follow the
// allocator's size classes, so that a block fills the memory it is given:
// a block of up to 512 bytes takes its size class whole, a larger one
// (which holds a pointer) shares it with the allocator's 8-byte header.
type bigBlock[W any] struct {
	z big.Int
	w W
}

// allocBlock allocates a bigBlock and returns its header and all its
// words.
func allocBlock[W any]() (*big.Int, []big.Word) {
	b := new(bigBlock[W])
	n := unsafe.Sizeof(b.w) / unsafe.Sizeof(big.Word(0))
	return &b.z, unsafe.Slice((*big.Word)(unsafe.Pointer(&b.w)), n)
}

// blockWords are the capacities of the blocks, in words, ascending, and
// blockAllocs their allocators; blockFor[n] is the index of the smallest
// block with room for n words.
var (
	blockWords = [...]int{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28,
		32, 36, 40, 44, 48, 52, 56, 60, // 48 to 512 bytes
		67, 75, 83, 91, 107, 123, 139, 155, 171, 187, 219, 251, 283, 331, 379, 395, 427, 507}
	blockAllocs = [len(blockWords)]func() (*big.Int, []big.Word){
		allocBlock[[2]big.Word], allocBlock[[4]big.Word], allocBlock[[6]big.Word],
		allocBlock[[8]big.Word], allocBlock[[10]big.Word], allocBlock[[12]big.Word],
		allocBlock[[14]big.Word], allocBlock[[16]big.Word], allocBlock[[18]big.Word],
		allocBlock[[20]big.Word], allocBlock[[22]big.Word], allocBlock[[24]big.Word],
		allocBlock[[26]big.Word], allocBlock[[28]big.Word], allocBlock[[32]big.Word],
		allocBlock[[36]big.Word], allocBlock[[40]big.Word], allocBlock[[44]big.Word],
		allocBlock[[48]big.Word], allocBlock[[52]big.Word], allocBlock[[56]big.Word],
		allocBlock[[60]big.Word], allocBlock[[67]big.Word], allocBlock[[75]big.Word],
		allocBlock[[83]big.Word], allocBlock[[91]big.Word], allocBlock[[107]big.Word],
		allocBlock[[123]big.Word], allocBlock[[139]big.Word], allocBlock[[155]big.Word],
		allocBlock[[171]big.Word], allocBlock[[187]big.Word], allocBlock[[219]big.Word],
		allocBlock[[251]big.Word], allocBlock[[283]big.Word], allocBlock[[331]big.Word],
		allocBlock[[379]big.Word], allocBlock[[395]big.Word], allocBlock[[427]big.Word],
		allocBlock[[507]big.Word],
	}
	blockFor [maxBlockWords + 1]uint8
)

// maxBlockWords is the largest block; beyond it (4 KiB) a result's words
// are allocated apart from its header.
const maxBlockWords = 507

func init() {
	i := 0
	for n := range blockFor {
		for blockWords[i] < n {
			i++
		}
		blockFor[n] = uint8(i)
	}
}

func toBig(v any) *big.Int {
	switch x := v.(type) {
	case int:
		return big.NewInt(int64(x))
	case *big.Int:
		return x
	}
	panic("num: toBig of a non-integer")
}

func toRat(v any) *big.Rat {
	switch x := v.(type) {
	case int:
		return new(big.Rat).SetInt64(int64(x))
	case *big.Int:
		return new(big.Rat).SetInt(x)
	case *big.Rat:
		return x
	}
	panic("num: toRat of an inexact or non-number")
}

// ToFloat converts a number to float64, correctly rounded.
func ToFloat(v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	case *big.Rat:
		f, _ := x.Float64()
		return f, nil
	}
	return 0, notNumber(v)
}

func mustFloat(v any) float64 {
	f, _ := ToFloat(v)
	return f
}

// Inexact returns v as an inexact number (R7RS inexact).
func Inexact(v any) (any, error) {
	if c, ok := v.(*Complex); ok {
		return &Complex{mustFloat(c.Re), mustFloat(c.Im)}, nil
	}
	f, err := ToFloat(v)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Exact returns v as an exact number (R7RS exact). A float becomes the
// exact rational it denotes; an infinity or NaN is ErrNotFinite.
func Exact(v any) (any, error) {
	switch x := v.(type) {
	case int, *big.Int, *big.Rat:
		return v, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, ErrNotFinite
		}
		if x == math.Trunc(x) && x >= -(1<<62) && x <= 1<<62 {
			return int(x), nil
		}
		return normRat(new(big.Rat).SetFloat64(x)), nil
	case *Complex:
		re, err := Exact(x.Re)
		if err != nil {
			return nil, err
		}
		im, err := Exact(x.Im)
		if err != nil {
			return nil, err
		}
		return mkRect(re, im), nil
	}
	return nil, notNumber(v)
}

// Int returns v as a Go int when v is an exact integer that fits.
func Int(v any) (int, bool) {
	i, ok := v.(int)
	return i, ok
}

// FromInt64 returns the exact integer n.
func FromInt64(n int64) any { return int(n) }

// FromBig returns the exact integer b in normal form (b is not copied).
func FromBig(b *big.Int) any { return normBig(b) }

// FromRat returns the exact rational r in normal form (r is not copied).
func FromRat(r *big.Rat) any { return normRat(r) }

// Sign returns -1, 0 or +1 for a number (0 for a NaN).
func Sign(v any) (int, error) {
	switch x := v.(type) {
	case int:
		switch {
		case x < 0:
			return -1, nil
		case x > 0:
			return 1, nil
		}
		return 0, nil
	case *big.Int:
		return x.Sign(), nil
	case *big.Rat:
		return x.Sign(), nil
	case float64:
		switch {
		case x < 0:
			return -1, nil
		case x > 0:
			return 1, nil
		}
		return 0, nil
	}
	return 0, notNumber(v)
}

// IsZero reports whether v is zero (exact or inexact).
func IsZero(v any) (bool, error) {
	switch x := v.(type) {
	case int:
		return x == 0, nil
	case float64:
		return x == 0, nil
	case *Complex:
		zr, _ := IsZero(x.Re)
		zi, _ := IsZero(x.Im)
		return zr && zi, nil
	}
	s, err := Sign(v)
	return s == 0 && err == nil && !IsNaN(v), err
}

// Eqv reports whether a and b are eqv? as numbers: both exact and equal,
// or both floats with the same bits (so 0.0 and -0.0 differ, and a NaN is
// eqv? to a NaN). It is false when either is not a number.
func Eqv(a, b any) bool {
	switch x := a.(type) {
	case int:
		y, ok := b.(int)
		return ok && x == y
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case float64:
		y, ok := b.(float64)
		if !ok {
			return false
		}
		if math.IsNaN(x) {
			return math.IsNaN(y)
		}
		return math.Float64bits(x) == math.Float64bits(y)
	case *Complex:
		y, ok := b.(*Complex)
		return ok && Eqv(x.Re, y.Re) && Eqv(x.Im, y.Im)
	}
	return false
}

// HashKey returns a comparable Go value for a number such that two numbers
// are Eqv exactly when their keys are ==; use it as a map key for eqv?
// hash tables. It returns v itself for a non-number.
func HashKey(v any) any {
	switch x := v.(type) {
	case *big.Int:
		return bigKey{x.Text(16)}
	case *big.Rat:
		return ratKey{x.Num().Text(16), x.Denom().Text(16)}
	case float64:
		if math.IsNaN(x) {
			return floatKey(math.Float64bits(math.NaN()))
		}
		return floatKey(math.Float64bits(x))
	case *Complex:
		return complexKey{HashKey(x.Re), HashKey(x.Im)}
	}
	return v
}

type bigKey struct{ hex string }
type ratKey struct{ num, den string }
type floatKey uint64
