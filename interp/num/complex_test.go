package num

import (
	"math"
	"strings"
	"testing"
)

// TestNoPanicOnAnyNumber calls every operation of the package on every pair
// of a set of numbers that includes complex numbers, infinities, NaNs,
// huge and negative values and a non-number: none may panic, results must
// be numbers in normal form, and an error must say what was expected.
func TestNoPanicOnAnyNumber(t *testing.T) {
	texts := []string{"0", "1", "-1", "2", "1/3", "-7/2", "0.0", "-0.0", "2.5", "-2.5", "+inf.0", "-inf.0", "+nan.0",
		"123456789012345678901234567890", "-123456789012345678901234567890",
		"1+2i", "-i", "+i", "1/2-3/4i", "1.0+2.0i", "0.0+0.0i", "+inf.0-inf.0i", "+nan.0+1.0i", "-3+4i", "123456789012345678901234567890+1i"}
	vals := []any{"x"}
	for _, s := range texts {
		vals = append(vals, p(s))
	}
	unary := map[string]func(any) (any, error){
		"Negate": Negate, "Abs": Abs, "BitNot": BitNot, "BitCount": BitCount, "IntegerLength": IntegerLength,
		"FirstSetBit": FirstSetBit, "RealPart": RealPart, "ImagPart": ImagPart, "Magnitude": Magnitude, "Angle": Angle,
		"Numerator": Numerator, "Denominator": Denominator, "Floor": Floor, "Ceiling": Ceiling, "Truncate": Truncate,
		"Round": Round, "Sqrt": Sqrt, "Log": Log, "Exp": Exp, "Sin": Sin, "Cos": Cos, "Tan": Tan, "Atan": Atan,
		"Asin": Asin, "Acos": Acos, "Inexact": Inexact, "Exact": Exact,
	}
	binary := map[string]func(a, b any) (any, error){
		"Add": Add, "Sub": Sub, "Mul": Mul, "Div": Div, "Max": Max, "Min": Min, "BitAnd": BitAnd, "BitOr": BitOr,
		"BitXor": BitXor, "MakeRectangular": MakeRectangular, "MakePolar": MakePolar, "Quotient": Quotient,
		"Remainder": Remainder, "Modulo": Modulo, "FloorQuotient": FloorQuotient, "Gcd": Gcd, "Lcm": Lcm,
		"LogBase": LogBase, "Atan2": Atan2, "Rationalize": Rationalize,
	}
	check := func(what string, v any, err error) {
		t.Helper()
		if err != nil {
			if err.Error() == "" {
				t.Errorf("%s: empty error", what)
			}
			return
		}
		if !IsNumber(v) {
			t.Errorf("%s = %#v: not a number", what, v)
			return
		}
		if !same(Normalize(v), v) {
			t.Errorf("%s = %#v: not in normal form", what, v)
		}
		if back, ok := Parse(Format(v, 10), 10); !ok || (!IsNaN(v) && !Eqv(back, v)) {
			t.Errorf("%s = %s does not read back (%v, %v)", what, Format(v, 10), back, ok)
		}
	}
	for _, a := range vals {
		sa := Format(a, 10)
		for name, f := range unary {
			v, err := f(a)
			check(name+"("+sa+")", v, err)
		}
		IsExact(a)
		IsInexact(a)
		IsInteger(a)
		IsRational(a)
		IsZero(a)
		Sign(a)
		HashKey(a)
		ExactIntegerSqrt(a)
		for _, b := range vals {
			sb := Format(b, 10)
			for name, f := range binary {
				if name == "Expt" {
					continue
				}
				v, err := f(a, b)
				check(name+"("+sa+", "+sb+")", v, err)
			}
			// Expt with huge exact exponents is bounded by ErrTooBig.
			v, err := Expt(a, b)
			check("Expt("+sa+", "+sb+")", v, err)
			Compare(a, b)
			NumEq(a, b)
			Eqv(a, b)
			TruncateDiv(a, b)
			FloorDiv(a, b)
			ArithmeticShift(a, b)
			BitSet(a, b)
		}
	}
}

// TestComplexErrors checks the wording of errors about complex arguments.
func TestComplexErrors(t *testing.T) {
	z := p("1+2i")
	for name, err := range map[string]error{
		"Compare":         second(Compare(z, 1)),
		"Floor":           second(Floor(z)),
		"Atan2":           second(Atan2(z, 1)),
		"MakeRectangular": second(MakeRectangular(z, 1)),
		"Max":             second(Max(1, z)),
	} {
		if err == nil || !strings.Contains(err.Error(), "expected a real number, got 1+2i") {
			t.Errorf("%s: err = %v, want \"expected a real number, got 1+2i\"", name, err)
		}
	}
	if _, err := Div(z, 0); err != ErrDivByZero {
		t.Errorf("Div(1+2i, 0): err = %v, want ErrDivByZero", err)
	}
	if v, err := Div(z, 0.0); err != nil || !IsInf(v) {
		t.Errorf("Div(1+2i, 0.0) = %v, %v; want infinite parts", v, err)
	}
	if !math.IsNaN(mustFloat(p("+nan.0"))) {
		t.Errorf("+nan.0 does not parse as a NaN")
	}
}

func second[T any](_ T, err error) error { return err }
