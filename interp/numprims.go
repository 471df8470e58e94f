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

// numArgErr is numErr for a procedure of several arguments a: a type
// error names the argument it is about (the first one that is the value
// it reports) by its position and its parameter, params[i] for argument
// i+1 and the last of params for the arguments after them.
func numArgErr(err error, a []Value, params ...string) error {
	var te *num.TypeErr
	if errors.As(err, &te) {
		for i, v := range a {
			if Eqv(v, te.Got) {
				return ArgTypeError(i+1, params[min(i, len(params)-1)], te.Want, te.Got)
			}
		}
	}
	return numErr(err)
}

// numArgCheck is check(a[i]) with the error naming argument i+1, param.
func numArgCheck(check func(Value) error, a []Value, i int, param string) error {
	if err := check(a[i]); err != nil {
		return argAt(i+1, param, err)
	}
	return nil
}

func checkNumber(v Value) error {
	if !num.IsNumber(v) {
		return TypeError("a number", v)
	}
	return nil
}

// numFold folds a binary num operation over args, starting from args[0]
// (checked to be a number); its errors name the arguments first (the
// first) and rest.
func numFold(a []Value, f func(x, y any) (any, error), first, rest string) (Value, error) {
	acc := a[0]
	if len(a) == 1 {
		if err := numArgCheck(checkNumber, a, 0, first); err != nil {
			return nil, err
		}
		return acc, nil
	}
	for _, v := range a[1:] {
		var err error
		if acc, err = f(acc, v); err != nil {
			return nil, numArgErr(err, a, first, rest)
		}
	}
	return acc, nil
}

func primAdd(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Add(a[0], a[1])
		if err != nil {
			return nil, numArgErr(err, a, "z", "z")
		}
		return r, nil
	}
	if len(a) == 0 {
		return 0, nil
	}
	return numFold(a, num.Add, "z", "z")
}

func primMul(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Mul(a[0], a[1])
		if err != nil {
			return nil, numArgErr(err, a, "z", "z")
		}
		return r, nil
	}
	if len(a) == 0 {
		return 1, nil
	}
	return numFold(a, num.Mul, "z", "z")
}

func primSub(it *Interp, a []Value) (Value, error) {
	if len(a) == 2 {
		r, err := num.Sub(a[0], a[1])
		if err != nil {
			return nil, numArgErr(err, a, "z1", "z2")
		}
		return r, nil
	}
	if len(a) == 1 {
		r, err := num.Negate(a[0])
		if err != nil {
			return nil, numArgErr(err, a, "z1", "z2")
		}
		return r, nil
	}
	return numFold(a, num.Sub, "z1", "z2")
}

func primDiv(it *Interp, a []Value) (Value, error) {
	if len(a) == 1 {
		r, err := num.Div(1, a[0])
		if err != nil {
			return nil, numArgErr(err, a, "z1")
		}
		return r, nil
	}
	return numFold(a, num.Div, "z1", "z2")
}

// compPrim makes an n-ary comparison; ok tells whether Compare's result
// satisfies it. Every argument is checked to be a number.
func compPrim(name, doc string, ok func(c int) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: -1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		if len(a) == 2 {
			c, err := num.Compare(a[0], a[1])
			if err != nil {
				return nil, numArgErr(err, a, "x1", "x2")
			}
			return ok(c), nil
		}
		if err := numArgCheck(checkNumber, a, 0, "x1"); err != nil {
			return nil, err
		}
		res := true
		for i := 1; i < len(a); i++ {
			c, err := num.Compare(a[i-1], a[i])
			if err != nil {
				return nil, numArgErr(err, a, "x1", "x2")
			}
			if !ok(c) {
				res = false
			}
		}
		return res, nil
	}}
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
	if err := numArgCheck(checkNumber, a, 0, "z1"); err != nil {
		return nil, err
	}
	res := true
	for i := 1; i < len(a); i++ {
		eq, err := num.NumEq(a[i-1], a[i])
		if err != nil {
			return nil, numArgErr(err, a, "z1", "z2")
		}
		if !eq {
			res = false
		}
	}
	return res, nil
}

// unaryNum makes a one-argument primitive from a num function.
func unaryNum(name, doc string, f func(any) (any, error)) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		r, err := f(a[0])
		if err != nil {
			return nil, numErr(err)
		}
		return r, nil
	}}
}

// binaryNum makes a two-argument primitive from a num function.
func binaryNum(name, doc string, f func(a, b any) (any, error)) Builtin {
	return Builtin{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		r, err := f(a[0], a[1])
		if err != nil {
			return nil, numArgErr(err, a, docParams(doc)...)
		}
		return r, nil
	}}
}

// oneOrTwoNum makes a primitive of one or two arguments from two num
// functions.
func oneOrTwoNum(name, doc string, one func(any) (any, error), two func(a, b any) (any, error)) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 2, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		var r any
		var err error
		if len(a) == 2 {
			r, err = two(a[0], a[1])
		} else {
			r, err = one(a[0])
		}
		if err != nil {
			return nil, numArgErr(err, a, docParams(doc)...)
		}
		return r, nil
	}}
}

// foldNum makes an n-ary primitive, (name n ...), that folds f from
// identity.
func foldNum(name, doc string, identity Value, f func(a, b any) (any, error), check func(Value) error) Builtin {
	return Builtin{Name: name, MinArgs: 0, MaxArgs: -1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		if len(a) == 0 {
			return identity, nil
		}
		if err := numArgCheck(check, a, 0, "n"); err != nil {
			return nil, err
		}
		if len(a) == 1 {
			// Run the operation once so the result is normalised (e.g. gcd's sign).
			r, err := f(a[0], identity)
			if err != nil {
				return nil, numArgErr(err, a, "n")
			}
			return r, nil
		}
		return numFold(a, f, "n", "n")
	}}
}

// numPred makes a type predicate that accepts any argument.
func numPred(name, doc string, f func(any) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) { return f(a[0]), nil }}
}

// numTest makes a predicate on numbers that rejects other arguments.
func numTest(name, doc, want string, valid func(any) bool, f func(any) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		if !valid(a[0]) {
			return nil, TypeError(want, a[0])
		}
		return f(a[0]), nil
	}}
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
func twoValues(name, doc string, f func(a, b any) (any, any, error)) Builtin {
	return Builtin{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		q, r, err := f(a[0], a[1])
		if err != nil {
			return nil, numArgErr(err, a, docParams(doc)...)
		}
		return Values(q, r), nil
	}}
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
	registerBuiltins("numbers", []Builtin{
		numPred("number?", "(number? obj): whether obj is a number", num.IsNumber),
		numPred("complex?", "(complex? obj): whether obj is a number (every number is complex)", num.IsNumber),
		numPred("real?", "(real? obj): whether obj is a real number", num.IsReal),
		numPred("rational?", "(rational? obj): whether obj is a rational number (a finite real)", num.IsRational),
		numPred("integer?", "(integer? obj): whether obj is an integer, exact or not", num.IsInteger),
		numPred("exact-integer?", "(exact-integer? obj): whether obj is an exact integer", num.IsExactInteger),
		numPred("exact-rational?", "(exact-rational? obj): whether obj is an exact real number", func(v any) bool { return num.IsExact(v) && num.IsReal(v) }),
		numPred("exact-nonnegative-integer?", "(exact-nonnegative-integer? obj): whether obj is an exact integer ≥ 0", func(v any) bool {
			s, err := num.Sign(v)
			return err == nil && num.IsExactInteger(v) && s >= 0
		}),
		numTest("exact?", "(exact? z): whether the number z is exact", "a number", num.IsNumber, num.IsExact),
		numTest("inexact?", "(inexact? z): whether the number z is inexact", "a number", num.IsNumber, num.IsInexact),
		numTest("nan?", "(nan? z): whether z is a NaN (or has a NaN part)", "a number", num.IsNumber, num.IsNaN),
		numTest("infinite?", "(infinite? z): whether z is an infinity (or has an infinite part)", "a number", num.IsNumber, num.IsInf),
		numTest("finite?", "(finite? z): whether z is neither infinite nor a NaN", "a number", num.IsNumber, func(v any) bool { return !num.IsNaN(v) && !num.IsInf(v) }),
		numTest("zero?", "(zero? z): whether z is zero", "a number", num.IsNumber, func(v any) bool { z, _ := num.IsZero(v); return z }),
		numTest("positive?", "(positive? x): whether the real x is greater than zero", "a real number", isReal, func(v any) bool { s, _ := num.Sign(v); return s > 0 }),
		numTest("negative?", "(negative? x): whether the real x is less than zero", "a real number", isReal, func(v any) bool { s, _ := num.Sign(v); return s < 0 }),
		numTest("odd?", "(odd? n): whether the integer n is odd", "an integer", num.IsInteger, func(v any) bool { o, _ := num.IsOdd(v); return o }),
		numTest("even?", "(even? n): whether the integer n is even", "an integer", num.IsInteger, func(v any) bool { o, _ := num.IsOdd(v); return !o }),

		{Name: "=", MinArgs: 1, MaxArgs: -1, Doc: "(= z1 z2 ...): whether the numbers are all equal",
			Fn: primNumEq},
		compPrim("<", "(< x1 x2 ...): whether the reals are in increasing order", func(c int) bool { return c == -1 }),
		compPrim(">", "(> x1 x2 ...): whether the reals are in decreasing order", func(c int) bool { return c == 1 }),
		compPrim("<=", "(<= x1 x2 ...): whether the reals are in non-decreasing order", func(c int) bool { return c == -1 || c == 0 }),
		compPrim(">=", "(>= x1 x2 ...): whether the reals are in non-increasing order", func(c int) bool { return c == 1 || c == 0 }),
		{Name: "max", MinArgs: 1, MaxArgs: -1, Doc: "(max x1 x2 ...): the largest of the reals (inexact if any is)",
			Fn: func(it *Interp, a []Value) (Value, error) { return numFold(a, num.Max, "x1", "x2") }},
		{Name: "min", MinArgs: 1, MaxArgs: -1, Doc: "(min x1 x2 ...): the smallest of the reals (inexact if any is)",
			Fn: func(it *Interp, a []Value) (Value, error) { return numFold(a, num.Min, "x1", "x2") }},

		{Name: "+", MinArgs: 0, MaxArgs: -1, Doc: "(+ z ...): the sum of the numbers (0 for none)",
			Fn: primAdd},
		{Name: "*", MinArgs: 0, MaxArgs: -1, Doc: "(* z ...): the product of the numbers (1 for none)",
			Fn: primMul},
		{Name: "-", MinArgs: 1, MaxArgs: -1, Doc: "(- z1 z2 ...): z1 minus the others; with one argument, its negation",
			Fn: primSub},
		{Name: "/", MinArgs: 1, MaxArgs: -1, Doc: "(/ z1 z2 ...): z1 divided by the others; with one argument, its reciprocal",
			Fn: primDiv},
		unaryNum("abs", "(abs x): the absolute value of the real x", num.Abs),
		unaryNum("magnitude", "(magnitude z): the magnitude of z", num.Magnitude),
		unaryNum("real-part", "(real-part z): the real part of z", num.RealPart),
		unaryNum("imag-part", "(imag-part z): the imaginary part of z", num.ImagPart),
		unaryNum("angle", "(angle z): the angle of z", num.Angle),
		binaryNum("make-rectangular", "(make-rectangular x1 x2): the complex number x1 + x2 i", num.MakeRectangular),
		binaryNum("make-polar", "(make-polar x1 x2): the complex number of magnitude x1 and angle x2", num.MakePolar),
		twoValues("floor/", "(floor/ n1 n2): two values, the floor quotient and remainder of n1 by n2", num.FloorDiv),
		binaryNum("floor-quotient", "(floor-quotient n1 n2): n1 divided by n2, rounded down", num.FloorQuotient),
		binaryNum("floor-remainder", "(floor-remainder n1 n2): the remainder of floor-quotient (the sign of n2)", num.Modulo),
		twoValues("truncate/", "(truncate/ n1 n2): two values, the truncated quotient and remainder of n1 by n2", num.TruncateDiv),
		binaryNum("truncate-quotient", "(truncate-quotient n1 n2): n1 divided by n2, rounded toward zero", num.Quotient),
		binaryNum("truncate-remainder", "(truncate-remainder n1 n2): the remainder of truncate-quotient (the sign of n1)", num.Remainder),
		binaryNum("quotient", "(quotient n1 n2): truncate-quotient", num.Quotient),
		binaryNum("remainder", "(remainder n1 n2): truncate-remainder", num.Remainder),
		binaryNum("modulo", "(modulo n1 n2): floor-remainder", num.Modulo),
		foldNum("gcd", "(gcd n ...): the greatest common divisor of the integers (0 for none)", 0, num.Gcd, checkInteger),
		foldNum("lcm", "(lcm n ...): the least common multiple of the integers (1 for none)", 1, num.Lcm, checkInteger),
		unaryNum("numerator", "(numerator q): the numerator of q in lowest terms", num.Numerator),
		unaryNum("denominator", "(denominator q): the denominator of q in lowest terms", num.Denominator),
		unaryNum("floor", "(floor x): the largest integer not greater than x", num.Floor),
		unaryNum("ceiling", "(ceiling x): the smallest integer not less than x", num.Ceiling),
		unaryNum("truncate", "(truncate x): x rounded toward zero", num.Truncate),
		unaryNum("round", "(round x): x rounded to the nearest integer, ties to even", num.Round),
		binaryNum("rationalize", "(rationalize x y): the simplest rational within y of x", num.Rationalize),

		unaryNum("exp", "(exp z): e to the power z", num.Exp),
		oneOrTwoNum("log", "(log z [base]): the natural logarithm of z, or its logarithm in base", num.Log, num.LogBase),
		unaryNum("sin", "(sin z): the sine of z", num.Sin),
		unaryNum("cos", "(cos z): the cosine of z", num.Cos),
		unaryNum("tan", "(tan z): the tangent of z", num.Tan),
		unaryNum("asin", "(asin z): the arcsine of z", num.Asin),
		unaryNum("acos", "(acos z): the arccosine of z", num.Acos),
		oneOrTwoNum("atan", "(atan y [x]): the arctangent of y, or of y/x in the quadrant of (x, y)", num.Atan, num.Atan2),
		unaryNum("square", "(square z): z times z", func(v any) (any, error) { return num.Mul(v, v) }),
		unaryNum("sqrt", "(sqrt z): the principal square root of z (exact when it can be)", num.Sqrt),
		{Name: "exact-integer-sqrt", MinArgs: 1, MaxArgs: 1, Doc: "(exact-integer-sqrt k): two values s and r with k = s*s + r, s as large as can be",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, r, err := num.ExactIntegerSqrt(a[0])
				if err != nil {
					return nil, numErr(err)
				}
				return Values(s, r), nil
			}},
		binaryNum("expt", "(expt z1 z2): z1 to the power z2", num.Expt),
		unaryNum("exact", "(exact z): the exact number nearest z", num.Exact),
		unaryNum("inexact", "(inexact z): the inexact number nearest z", num.Inexact),
		unaryNum("inexact->exact", "(inexact->exact z): exact", num.Exact),
		unaryNum("exact->inexact", "(exact->inexact z): inexact", num.Inexact),

		{Name: "number->string", MinArgs: 1, MaxArgs: 2, Doc: "(number->string z [radix]): the printed form of z in radix 2, 8, 10 or 16",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if err := numArgCheck(checkNumber, a, 0, "z"); err != nil {
					return nil, err
				}
				radix, err := radixArg(a, 1)
				if err != nil {
					return nil, argAt(2, "radix", err)
				}
				if radix != 10 && num.IsInexact(a[0]) {
					return nil, ArgError(2, "radix", "an inexact number can only be written in radix 10, got radix "+num.Format(radix, 10))
				}
				return NewString(num.Format(a[0], radix)), nil
			}},
		{Name: "string->number", MinArgs: 1, MaxArgs: 2, Doc: "(string->number string [radix]): the number string denotes in radix, else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, ok := a[0].(*String)
				if !ok {
					return nil, ArgTypeError(1, "string", "a string", a[0])
				}
				radix, err := radixArg(a, 1)
				if err != nil {
					return nil, argAt(2, "radix", err)
				}
				if v, ok := num.Parse(s.String(), radix); ok {
					return v, nil
				}
				return false, nil
			}},

		foldNum("bitwise-and", "(bitwise-and n ...): the bitwise and of the exact integers (-1 for none)", -1, num.BitAnd, checkExactInteger),
		foldNum("bitwise-ior", "(bitwise-ior n ...): the bitwise inclusive or of the exact integers (0 for none)", 0, num.BitOr, checkExactInteger),
		foldNum("bitwise-xor", "(bitwise-xor n ...): the bitwise exclusive or of the exact integers (0 for none)", 0, num.BitXor, checkExactInteger),
		unaryNum("bitwise-not", "(bitwise-not n): the bitwise complement of the exact integer n", num.BitNot),
		binaryNum("arithmetic-shift", "(arithmetic-shift n count): n shifted left by count bits (right when count < 0)", num.ArithmeticShift),
		unaryNum("bit-count", "(bit-count n): the number of 1 bits of n (of 0 bits when n < 0)", num.BitCount),
		unaryNum("integer-length", "(integer-length n): the number of bits needed to write n in two's complement", num.IntegerLength),
		unaryNum("first-set-bit", "(first-set-bit n): the index of the lowest 1 bit of n (-1 for 0)", num.FirstSetBit),
		{Name: "bit-set?", MinArgs: 2, MaxArgs: 2, Doc: "(bit-set? index n): whether bit index of the exact integer n is 1",
			Fn: func(it *Interp, a []Value) (Value, error) {
				r, err := num.BitSet(a[0], a[1])
				if err != nil {
					return nil, numArgErr(err, a, "index", "n")
				}
				return r, nil
			}},

		{Name: "random", MinArgs: 1, MaxArgs: 1, Doc: "(random n): a pseudo-random exact integer from 0 below n, or inexact real below n",
			Fn: primRandom},
	}...)
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
