package interp

// The Scheme numeric primitives (R7RS 6.2 and the scsh/SRFI 151 bitwise
// set). The arithmetic itself is in package num; this file gives it Scheme
// names, checks arguments and turns num's errors into error objects.
//
// Choices where R7RS leaves room:
//   - complex numbers (num.Complex) have parts both exact or both inexact;
//     (sqrt -4) is the exact +2i, (log -1) is 0.0+3.141592653589793i;
//   - dividing by an exact 0 is an error, also in (/ 1.5 0); dividing by
//     0.0 gives +inf.0, -inf.0 or +nan.0;
//   - = < > <= >= accept one argument or more;
//   - number->string of an inexact number accepts only radix 10.

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"

	"popsh/interp/num"
)

// numErr turns an error from package num into an error object.
func numErr(err error) error {
	var te *num.TypeErr
	if errors.As(err, &te) {
		return TypeError(te.Want, te.Got)
	}
	return &ErrorObject{Message: err.Error(), Cause: err}
}

func checkNumber(v Value) error {
	if !num.IsNumber(v) {
		return TypeError("a number", v)
	}
	return nil
}

// numFold folds a binary num operation over args, starting from args[0]
// (checked to be a number).
func numFold(a []Value, f func(x, y any) (any, error)) (Value, error) {
	acc := a[0]
	if len(a) == 1 {
		if err := checkNumber(acc); err != nil {
			return nil, err
		}
		return acc, nil
	}
	for _, v := range a[1:] {
		var err error
		if acc, err = f(acc, v); err != nil {
			return nil, numErr(err)
		}
	}
	return acc, nil
}

func primAdd(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Add(a[0], a[1])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}
	if len(a) == 0 {
		return 0, nil
	}
	return numFold(a, num.Add)
}

func primMul(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Mul(a[0], a[1])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}
	if len(a) == 0 {
		return 1, nil
	}
	return numFold(a, num.Mul)
}

func primSub(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Sub(a[0], a[1])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}
	if len(a) == 1 {
		r, err := num.Negate(a[0])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}
	return numFold(a, num.Sub)
}

func primDiv(it *Interp, a []Value) (Value, error) {
	if len(a) == 1 {
		r, err := num.Div(1, a[0])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}
	return numFold(a, num.Div)
}

// compPrim makes an n-ary comparison; ok tells whether Compare's result
// satisfies it. Every argument is checked to be a number.
func compPrim(name string, ok func(c int) bool) *Primitive {
	return prim(name, 1, -1, func(it *Interp, a []Value) (Value, error) {
		if len(a) == 2 {
			c, err := num.Compare(a[0], a[1])
			if err != nil {
				return nil, numErr(err)
			}
			return ok(c), nil
		}
		if err := checkNumber(a[0]); err != nil {
			return nil, err
		}
		res := true
		for i := 1; i < len(a); i++ {
			c, err := num.Compare(a[i-1], a[i])
			if err != nil {
				return nil, numErr(err)
			}
			if !ok(c) {
				res = false
			}
		}
		return res, nil
	})
}

// primNumEq is =, which unlike < and > accepts complex numbers.
func primNumEq(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		if x, ok := a[0].(int); ok {
			if y, ok := a[1].(int); ok {
				return x == y, nil
			}
		}
	}
	if err := checkNumber(a[0]); err != nil {
		return nil, err
	}
	res := true
	for i := 1; i < len(a); i++ {
		eq, err := num.NumEq(a[i-1], a[i])
		if err != nil {
			return nil, numErr(err)
		}
		if !eq {
			res = false
		}
	}
	return res, nil
}

// unaryNum makes a one-argument primitive from a num function.
func unaryNum(name string, f func(any) (any, error)) *Primitive {
	return prim(name, 1, 1, func(it *Interp, a []Value) (Value, error) {
		r, err := f(a[0])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	})
}

// binaryNum makes a two-argument primitive from a num function.
func binaryNum(name string, f func(a, b any) (any, error)) *Primitive {
	return prim(name, 2, 2, func(it *Interp, a []Value) (Value, error) {
		r, err := f(a[0], a[1])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	})
}

// foldNum makes an n-ary primitive that folds f from identity.
func foldNum(name string, identity Value, f func(a, b any) (any, error), check func(Value) error) *Primitive {
	return prim(name, 0, -1, func(it *Interp, a []Value) (Value, error) {
		if len(a) == 0 {
			return identity, nil
		}
		if err := check(a[0]); err != nil {
			return nil, err
		}
		if len(a) == 1 {
			// Run the operation once so the result is normalised (e.g. gcd's sign).
			r, err := f(a[0], identity)
			if err != nil {
				return nil, numErr(err)
			}
			return r, nil
		}
		return numFold(a, f)
	})
}

// numPred makes a type predicate that accepts any argument.
func numPred(name string, f func(any) bool) *Primitive {
	return prim(name, 1, 1, func(it *Interp, a []Value) (Value, error) { return f(a[0]), nil })
}

// numTest makes a predicate on numbers that rejects other arguments.
func numTest(name, want string, valid func(any) bool, f func(any) bool) *Primitive {
	return prim(name, 1, 1, func(it *Interp, a []Value) (Value, error) {
		if !valid(a[0]) {
			return nil, TypeError(want, a[0])
		}
		return f(a[0]), nil
	})
}

func isReal(v any) bool { return num.IsReal(v) }

func checkInteger(v Value) error {
	if !num.IsInteger(v) {
		return TypeError("an integer", v)
	}
	return nil
}

func checkExactInteger(v Value) error {
	if !num.IsExactInteger(v) {
		return TypeError("an exact integer", v)
	}
	return nil
}

// twoValues makes a primitive returning the two results of f as values.
func twoValues(name string, f func(a, b any) (any, any, error)) *Primitive {
	return prim(name, 2, 2, func(it *Interp, a []Value) (Value, error) {
		q, r, err := f(a[0], a[1])
		if err != nil {
			return nil, numErr(err)
		}
		return Values(q, r), nil
	})
}

func radixArg(a []Value, i int) (int, error) {
	if len(a) <= i {
		return 10, nil
	}
	r, ok := a[i].(int)
	if !ok || (r != 2 && r != 8 && r != 10 && r != 16) {
		return 0, TypeError("a radix (2, 8, 10 or 16)", a[i])
	}
	return r, nil
}

func init() {
	register(
		numPred("number?", num.IsNumber),
		numPred("complex?", num.IsNumber),
		numPred("real?", num.IsReal),
		numPred("rational?", num.IsRational),
		numPred("integer?", num.IsInteger),
		numPred("exact-integer?", num.IsExactInteger),
		numPred("exact-rational?", func(v any) bool { return num.IsExact(v) && num.IsReal(v) }),
		numPred("exact-nonnegative-integer?", func(v any) bool {
			s, err := num.Sign(v)
			return err == nil && num.IsExactInteger(v) && s >= 0
		}),
		numTest("exact?", "a number", num.IsNumber, num.IsExact),
		numTest("inexact?", "a number", num.IsNumber, num.IsInexact),
		numTest("nan?", "a number", num.IsNumber, num.IsNaN),
		numTest("infinite?", "a number", num.IsNumber, num.IsInf),
		numTest("finite?", "a number", num.IsNumber, func(v any) bool { return !num.IsNaN(v) && !num.IsInf(v) }),
		numTest("zero?", "a number", num.IsNumber, func(v any) bool { z, _ := num.IsZero(v); return z }),
		numTest("positive?", "a real number", isReal, func(v any) bool { s, _ := num.Sign(v); return s > 0 }),
		numTest("negative?", "a real number", isReal, func(v any) bool { s, _ := num.Sign(v); return s < 0 }),
		numTest("odd?", "an integer", num.IsInteger, func(v any) bool { o, _ := num.IsOdd(v); return o }),
		numTest("even?", "an integer", num.IsInteger, func(v any) bool { o, _ := num.IsOdd(v); return !o }),

		prim("=", 1, -1, primNumEq),
		compPrim("<", func(c int) bool { return c == -1 }),
		compPrim(">", func(c int) bool { return c == 1 }),
		compPrim("<=", func(c int) bool { return c == -1 || c == 0 }),
		compPrim(">=", func(c int) bool { return c == 1 || c == 0 }),
		prim("max", 1, -1, func(it *Interp, a []Value) (Value, error) { return numFold(a, num.Max) }),
		prim("min", 1, -1, func(it *Interp, a []Value) (Value, error) { return numFold(a, num.Min) }),

		prim("+", 0, -1, primAdd),
		prim("*", 0, -1, primMul),
		prim("-", 1, -1, primSub),
		prim("/", 1, -1, primDiv),
		unaryNum("abs", num.Abs),
		unaryNum("magnitude", num.Magnitude),
		unaryNum("real-part", num.RealPart),
		unaryNum("imag-part", num.ImagPart),
		unaryNum("angle", num.Angle),
		binaryNum("make-rectangular", num.MakeRectangular),
		binaryNum("make-polar", num.MakePolar),
		twoValues("floor/", num.FloorDiv),
		binaryNum("floor-quotient", num.FloorQuotient),
		binaryNum("floor-remainder", num.Modulo),
		twoValues("truncate/", num.TruncateDiv),
		binaryNum("truncate-quotient", num.Quotient),
		binaryNum("truncate-remainder", num.Remainder),
		binaryNum("quotient", num.Quotient),
		binaryNum("remainder", num.Remainder),
		binaryNum("modulo", num.Modulo),
		foldNum("gcd", 0, num.Gcd, checkInteger),
		foldNum("lcm", 1, num.Lcm, checkInteger),
		unaryNum("numerator", num.Numerator),
		unaryNum("denominator", num.Denominator),
		unaryNum("floor", num.Floor),
		unaryNum("ceiling", num.Ceiling),
		unaryNum("truncate", num.Truncate),
		unaryNum("round", num.Round),
		binaryNum("rationalize", num.Rationalize),

		unaryNum("exp", num.Exp),
		prim("log", 1, 2, func(it *Interp, a []Value) (Value, error) {
			var r any
			var err error
			if len(a) == 2 {
				r, err = num.LogBase(a[0], a[1])
			} else {
				r, err = num.Log(a[0])
			}
			if err != nil {
				return nil, numErr(err)
			}
			return r, nil
		}),
		unaryNum("sin", num.Sin),
		unaryNum("cos", num.Cos),
		unaryNum("tan", num.Tan),
		unaryNum("asin", num.Asin),
		unaryNum("acos", num.Acos),
		prim("atan", 1, 2, func(it *Interp, a []Value) (Value, error) {
			var r any
			var err error
			if len(a) == 2 {
				r, err = num.Atan2(a[0], a[1])
			} else {
				r, err = num.Atan(a[0])
			}
			if err != nil {
				return nil, numErr(err)
			}
			return r, nil
		}),
		unaryNum("square", func(v any) (any, error) { return num.Mul(v, v) }),
		unaryNum("sqrt", num.Sqrt),
		prim("exact-integer-sqrt", 1, 1, func(it *Interp, a []Value) (Value, error) {
			s, r, err := num.ExactIntegerSqrt(a[0])
			if err != nil {
				return nil, numErr(err)
			}
			return Values(s, r), nil
		}),
		binaryNum("expt", num.Expt),
		unaryNum("exact", num.Exact),
		unaryNum("inexact", num.Inexact),
		unaryNum("inexact->exact", num.Exact),
		unaryNum("exact->inexact", num.Inexact),

		prim("number->string", 1, 2, func(it *Interp, a []Value) (Value, error) {
			if err := checkNumber(a[0]); err != nil {
				return nil, err
			}
			radix, err := radixArg(a, 1)
			if err != nil {
				return nil, err
			}
			if radix != 10 && num.IsInexact(a[0]) {
				return nil, &ErrorObject{Message: "an inexact number can only be written in radix 10, got radix " + num.Format(radix, 10)}
			}
			return NewString(num.Format(a[0], radix)), nil
		}),
		prim("string->number", 1, 2, func(it *Interp, a []Value) (Value, error) {
			s, ok := a[0].(*String)
			if !ok {
				return nil, TypeError("a string", a[0])
			}
			radix, err := radixArg(a, 1)
			if err != nil {
				return nil, err
			}
			if v, ok := num.Parse(s.String(), radix); ok {
				return v, nil
			}
			return false, nil
		}),

		foldNum("bitwise-and", -1, num.BitAnd, checkExactInteger),
		foldNum("bitwise-ior", 0, num.BitOr, checkExactInteger),
		foldNum("bitwise-xor", 0, num.BitXor, checkExactInteger),
		unaryNum("bitwise-not", num.BitNot),
		binaryNum("arithmetic-shift", num.ArithmeticShift),
		unaryNum("bit-count", num.BitCount),
		unaryNum("integer-length", num.IntegerLength),
		unaryNum("first-set-bit", num.FirstSetBit),
		prim("bit-set?", 2, 2, func(it *Interp, a []Value) (Value, error) {
			r, err := num.BitSet(a[0], a[1])
			if err != nil {
				return nil, numErr(err)
			}
			return r, nil
		}),

		prim("random", 1, 1, primRandom),
	)
}

// primRandom is (random n): a uniformly distributed number in [0, n), an
// exact integer for an exact positive integer n, a float for a positive
// float n.
func primRandom(it *Interp, a []Value) (Value, error) {
	switch n := a[0].(type) {
	case int:
		if n > 0 {
			return rand.IntN(n), nil
		}
	case *big.Int:
		if n.Sign() > 0 {
			// Uniform in [0, n): draw bits and reject values >= n.
			words := (n.BitLen() + 63) / 64
			for {
				r := new(big.Int)
				for i := 0; i < words; i++ {
					r.Lsh(r, 64)
					r.Or(r, new(big.Int).SetUint64(rand.Uint64()))
				}
				r.Rsh(r, uint(words*64-n.BitLen()))
				if r.Cmp(n) < 0 {
					return num.FromBig(r), nil
				}
			}
		}
	case float64:
		if n > 0 && !math.IsInf(n, 0) {
			return rand.Float64() * n, nil
		}
	}
	return nil, TypeError("a positive integer or real", a[0])
}
