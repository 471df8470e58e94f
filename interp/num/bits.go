package num

import (
	"math"
	"math/big"
	"math/bits"
)

// BitAnd returns the bitwise and of two exact integers (two's complement).
func BitAnd(a, b any) (any, error) {
	return bitOp(a, b, func(x, y int) int { return x & y }, (*big.Int).And)
}

// BitOr returns the bitwise inclusive or of two exact integers.
func BitOr(a, b any) (any, error) {
	return bitOp(a, b, func(x, y int) int { return x | y }, (*big.Int).Or)
}

// BitXor returns the bitwise exclusive or of two exact integers.
func BitXor(a, b any) (any, error) {
	return bitOp(a, b, func(x, y int) int { return x ^ y }, (*big.Int).Xor)
}

func bitOp(a, b any, fi func(x, y int) int, fb func(z, x, y *big.Int) *big.Int) (any, error) {
	if x, ok := a.(int); ok {
		if y, ok := b.(int); ok {
			return fi(x, y), nil
		}
	}
	if !IsExactInteger(a) {
		return nil, notExactInteger(a)
	}
	if !IsExactInteger(b) {
		return nil, notExactInteger(b)
	}
	return normBig(fb(new(big.Int), toBig(a), toBig(b))), nil
}

// BitNot returns the bitwise complement of an exact integer (-a - 1).
func BitNot(a any) (any, error) {
	switch x := a.(type) {
	case int:
		return ^x, nil
	case *big.Int:
		return normBig(new(big.Int).Not(x)), nil
	}
	return nil, notExactInteger(a)
}

// ArithmeticShift returns a shifted left by n bits (right when n is
// negative, rounding toward minus infinity). Results larger than a bound
// are ErrTooBig.
func ArithmeticShift(a, n any) (any, error) {
	if !IsExactInteger(a) {
		return nil, notExactInteger(a)
	}
	c, ok := n.(int)
	if !ok {
		if !IsExactInteger(n) {
			return nil, notExactInteger(n)
		}
		// A huge count: everything shifts out, or the result is too big.
		if n.(*big.Int).Sign() < 0 {
			if s, _ := Sign(a); s < 0 {
				return -1, nil
			}
			return 0, nil
		}
		if isExactZero(a) {
			return 0, nil
		}
		return nil, ErrTooBig
	}
	if x, ok := a.(int); ok {
		switch {
		case c <= 0:
			if c <= -64 {
				if x < 0 {
					return -1, nil
				}
				return 0, nil
			}
			return x >> uint(-c), nil
		case x == 0:
			return 0, nil
		case c < 63 && (x<<uint(c))>>uint(c) == x:
			return x << uint(c), nil
		}
	}
	b := toBig(a)
	if c < 0 {
		if c < -math.MaxInt32 {
			c = -math.MaxInt32
		}
		return normBig(new(big.Int).Rsh(b, uint(-c))), nil
	}
	if b.Sign() == 0 {
		return 0, nil
	}
	if int64(b.BitLen())+int64(c) > maxExactBits {
		return nil, ErrTooBig
	}
	return normBig(new(big.Int).Lsh(b, uint(c))), nil
}

// BitCount returns the number of 1 bits of a non-negative exact integer,
// or of 0 bits of a negative one (SRFI 151 bit-count).
func BitCount(a any) (any, error) {
	switch x := a.(type) {
	case int:
		if x < 0 {
			x = ^x
		}
		return bits.OnesCount64(uint64(x)), nil
	case *big.Int:
		y := x
		if x.Sign() < 0 {
			y = new(big.Int).Not(x)
		}
		n := 0
		for _, w := range y.Bits() {
			n += bits.OnesCount(uint(w))
		}
		return n, nil
	}
	return nil, notExactInteger(a)
}

// IntegerLength returns the number of bits needed to represent the exact
// integer a in two's complement, without the sign bit.
func IntegerLength(a any) (any, error) {
	switch x := a.(type) {
	case int:
		if x < 0 {
			x = ^x
		}
		return bits.Len64(uint64(x)), nil
	case *big.Int:
		if x.Sign() < 0 {
			return new(big.Int).Not(x).BitLen(), nil
		}
		return x.BitLen(), nil
	}
	return nil, notExactInteger(a)
}

// BitSet reports whether bit index (0 = least significant) of the exact
// integer a is set, in two's complement (SRFI 151 bit-set?).
func BitSet(index, a any) (bool, error) {
	i, ok := index.(int)
	if !ok || i < 0 {
		return false, &TypeErr{Want: "a non-negative bit index", Got: index}
	}
	switch x := a.(type) {
	case int:
		if i >= 63 {
			return x < 0, nil
		}
		return x>>uint(i)&1 != 0, nil
	case *big.Int:
		if x.Sign() >= 0 {
			return x.Bit(i) != 0, nil
		}
		// In two's complement, bit i of x is the complement of bit i of -x-1.
		return new(big.Int).Not(x).Bit(i) == 0, nil
	}
	return false, notExactInteger(a)
}

// FirstSetBit returns the index of the lowest set bit of the exact integer
// a, or -1 for zero (SRFI 151 first-set-bit).
func FirstSetBit(a any) (any, error) {
	switch x := a.(type) {
	case int:
		if x == 0 {
			return -1, nil
		}
		return bits.TrailingZeros64(uint64(x)), nil
	case *big.Int:
		return int(new(big.Int).Abs(x).TrailingZeroBits()), nil
	}
	return nil, notExactInteger(a)
}
