package num

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// p parses a number for a test table, failing loudly.
func p(s string) any {
	v, ok := Parse(s, 10)
	if !ok {
		panic("bad test number " + s)
	}
	return v
}

type binCase struct {
	a, b string
	want string // Format of the result, or "error: substring"
}

func runBin(t *testing.T, name string, f func(a, b any) (any, error), cases []binCase) {
	t.Helper()
	for _, c := range cases {
		got, err := f(p(c.a), p(c.b))
		checkResult(t, name+"("+c.a+", "+c.b+")", got, err, c.want)
	}
}

func checkResult(t *testing.T, what string, got any, err error, want string) {
	t.Helper()
	if msg, ok := strings.CutPrefix(want, "error: "); ok {
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s = %v, %v; want error containing %q", what, got, err, msg)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: unexpected error %v", what, err)
		return
	}
	if !same(Normalize(got), got) {
		t.Errorf("%s = %#v: not in normal form", what, got)
	}
	if s := Format(got, 10); s != want {
		t.Errorf("%s = %s, want %s", what, s, want)
	}
}

const (
	maxInt  = "9223372036854775807"
	minInt  = "-9223372036854775808"
	maxInt1 = "9223372036854775808"
)

func TestAdd(t *testing.T) {
	runBin(t, "Add", Add, []binCase{
		{"1", "2", "3"},
		{maxInt, "1", maxInt1},
		{minInt, "-1", "-9223372036854775809"},
		{maxInt1, "-1", maxInt},
		{"1/2", "1/2", "1"},
		{"1/3", "1/6", "1/2"},
		{"1", "0.5", "1.5"},
		{"1/2", "0.25", "0.75"},
		{maxInt1, "1.0", "9223372036854776000.0"},
		{"+inf.0", "-inf.0", "+nan.0"},
	})
	if _, err := Add(1, "x"); err == nil {
		t.Error("Add(1, \"x\") succeeded")
	} else {
		var te *TypeErr
		if !errors.As(err, &te) || te.Want != "a number" || te.Got != "x" {
			t.Errorf("Add(1, \"x\") error = %#v", err)
		}
	}
	if _, err := Add(nil, 1); err == nil {
		t.Error("Add(nil, 1) succeeded")
	}
}

func TestSubMul(t *testing.T) {
	runBin(t, "Sub", Sub, []binCase{
		{"5", "7", "-2"},
		{minInt, "1", "-9223372036854775809"},
		{"0", minInt, maxInt1},
		{maxInt1, "1", maxInt},
		{"1/2", "1/2", "0"},
		{"1", "1/3", "2/3"},
		{"3", "0.5", "2.5"},
	})
	runBin(t, "Mul", Mul, []binCase{
		{"6", "7", "42"},
		{"4294967296", "4294967296", "18446744073709551616"},
		{"-4294967296", "2147483648", minInt},
		{"4294967296", "2147483648", maxInt1},
		{minInt, "-1", maxInt1},
		{minInt, "1", minInt},
		{"3037000499", "3037000499", "9223372030926249001"},
		{"3037000500", "3037000500", "9223372037000250000"},
		{maxInt1, "0", "0"},
		{"2/3", "3/2", "1"},
		{"2/3", "3", "2"},
		{"1/2", "0.5", "0.25"},
		{"0", "1.5", "0.0"},
	})
}

func TestDiv(t *testing.T) {
	runBin(t, "Div", Div, []binCase{
		{"6", "3", "2"},
		{"1", "3", "1/3"},
		{"-6", "4", "-3/2"},
		{"6", "-4", "-3/2"},
		{minInt, "-1", maxInt1},
		{"1/2", "1/4", "2"},
		{"1", "2.0", "0.5"},
		{"1.0", "0.0", "+inf.0"},
		{"-1", "0.0", "-inf.0"},
		{"0.0", "0.0", "+nan.0"},
		{"1", "0", "error: division by zero"},
		{"1.5", "0", "error: division by zero"},
		{"1/2", "0", "error: division by zero"},
		{maxInt1, maxInt1, "1"},
		{maxInt1, "2", "4611686018427387904"},
	})
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "2", -1},
		{"2", "1", 1},
		{"2", "2", 0},
		{"1/3", "0.3333333333333333", 1}, // exact comparison, no rounding
		{"0.3333333333333333", "1/3", -1},
		{"9007199254740993", "9007199254740992.0", 1},
		{"9007199254740992.0", "9007199254740993", -1},
		{maxInt1, "9223372036854775808.0", 0},
		{maxInt, "9223372036854775808.0", -1},
		{"1", "1.0", 0},
		{"1/2", "0.5", 0},
		{"+inf.0", maxInt1, 1},
		{"-inf.0", "-1/2", -1},
		{"+nan.0", "1", Unordered},
		{"1", "+nan.0", Unordered},
		{"+nan.0", "+nan.0", Unordered},
		{"-0.0", "0", 0},
		{"-1/2", "-1/3", -1},
		{"-9223372036854775809", minInt, -1},
	}
	for _, tt := range tests {
		got, err := Compare(p(tt.a), p(tt.b))
		if err != nil || got != tt.want {
			t.Errorf("Compare(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	nan := math.NaN()
	for _, f := range []func(a, b any) (bool, error){NumEq, Less, LessEq, Greater, GreaterEq} {
		if r, err := f(nan, 1); r || err != nil {
			t.Errorf("comparison with NaN = %v, %v; want false", r, err)
		}
	}
	if r, _ := LessEq(1, 1.0); !r {
		t.Error("LessEq(1, 1.0) = false")
	}
	if _, err := Compare(1, "a"); err == nil {
		t.Error("Compare(1, \"a\") succeeded")
	}
}

func TestMaxMinContagion(t *testing.T) {
	runBin(t, "Max", Max, []binCase{
		{"1", "2", "2"},
		{"1", "2.0", "2.0"},
		{"3", "2.0", "3.0"},
		{"1/2", "1/3", "1/2"},
		{"1", "+nan.0", "+nan.0"},
	})
	runBin(t, "Min", Min, []binCase{
		{"1", "2", "1"},
		{"1", "2.0", "1.0"},
		{"-1/2", "0", "-1/2"},
	})
}

func TestIntegerDivision(t *testing.T) {
	// R7RS 6.2.6 examples plus the corners.
	type qr struct{ a, b, fq, fr, tq, tr string }
	tests := []qr{
		{"5", "2", "2", "1", "2", "1"},
		{"-5", "2", "-3", "1", "-2", "-1"},
		{"5", "-2", "-3", "-1", "-2", "1"},
		{"-5", "-2", "2", "-1", "2", "-1"},
		{"-5.0", "2", "-3.0", "1.0", "-2.0", "-1.0"},
		{minInt, "-1", maxInt1, "0", maxInt1, "0"},
		{minInt, "2", "-4611686018427387904", "0", "-4611686018427387904", "0"},
		{"-" + maxInt1 + "1", "10", "-9223372036854775809", "9", minInt, "-1"},
		{"100000000000000000000", "-7", "-14285714285714285715", "-5", "-14285714285714285714", "2"},
		{"7", "100000000000000000000", "0", "7", "0", "7"},
	}
	for _, tt := range tests {
		a, b := p(tt.a), p(tt.b)
		q, r, err := FloorDiv(a, b)
		checkResult(t, "FloorDiv q "+tt.a+" "+tt.b, q, err, tt.fq)
		checkResult(t, "FloorDiv r "+tt.a+" "+tt.b, r, err, tt.fr)
		q, r, err = TruncateDiv(a, b)
		checkResult(t, "TruncateDiv q "+tt.a+" "+tt.b, q, err, tt.tq)
		checkResult(t, "TruncateDiv r "+tt.a+" "+tt.b, r, err, tt.tr)
		v, err := Quotient(a, b)
		checkResult(t, "Quotient", v, err, tt.tq)
		v, err = Remainder(a, b)
		checkResult(t, "Remainder", v, err, tt.tr)
		v, err = Modulo(a, b)
		checkResult(t, "Modulo", v, err, tt.fr)
	}
	runBin(t, "Modulo", Modulo, []binCase{
		{"1", "0", "error: division by zero"},
		{"1.0", "0.0", "error: division by zero"},
		{"1/2", "3", "error: expected an integer"},
		{"3", "1.5", "error: expected an integer"},
	})
}

func TestGcdLcm(t *testing.T) {
	runBin(t, "Gcd", Gcd, []binCase{
		{"32", "-36", "4"},
		{"0", "0", "0"},
		{"0", "5", "5"},
		{minInt, "0", maxInt1},
		{minInt, minInt, maxInt1},
		{"100000000000000000000", "30", "10"},
		{"4.0", "6", "2.0"},
		{"1/2", "6", "error: expected an integer"},
	})
	runBin(t, "Lcm", Lcm, []binCase{
		{"32", "-36", "288"},
		{"32.0", "-36", "288.0"},
		{"0", "5", "0"},
		{"0", "0", "0"},
		{maxInt, "2", "18446744073709551614"},
	})
}

func TestRounding(t *testing.T) {
	tests := []struct {
		in                      string
		floor, ceil, trunc, rnd string
	}{
		{"-4.3", "-5.0", "-4.0", "-4.0", "-4.0"},
		{"3.5", "3.0", "4.0", "3.0", "4.0"},
		{"2.5", "2.0", "3.0", "2.0", "2.0"},
		{"-2.5", "-3.0", "-2.0", "-2.0", "-2.0"},
		{"7/2", "3", "4", "3", "4"},
		{"5/2", "2", "3", "2", "2"},
		{"-5/2", "-3", "-2", "-2", "-2"},
		{"-7/2", "-4", "-3", "-3", "-4"},
		{"1/3", "0", "1", "0", "0"},
		{"-1/3", "-1", "0", "0", "0"},
		{"2/3", "0", "1", "0", "1"},
		{"7", "7", "7", "7", "7"},
		{maxInt1, maxInt1, maxInt1, maxInt1, maxInt1},
		{"+inf.0", "+inf.0", "+inf.0", "+inf.0", "+inf.0"},
	}
	for _, tt := range tests {
		a := p(tt.in)
		v, err := Floor(a)
		checkResult(t, "Floor "+tt.in, v, err, tt.floor)
		v, err = Ceiling(a)
		checkResult(t, "Ceiling "+tt.in, v, err, tt.ceil)
		v, err = Truncate(a)
		checkResult(t, "Truncate "+tt.in, v, err, tt.trunc)
		v, err = Round(a)
		checkResult(t, "Round "+tt.in, v, err, tt.rnd)
	}
}

func TestExactInexact(t *testing.T) {
	tests := []struct{ in, exact, inexact string }{
		{"0.5", "1/2", "0.5"},
		{"0.1", "3602879701896397/36028797018963968", "0.1"},
		{"1e20", "100000000000000000000", "100000000000000000000.0"},
		{"-2.0", "-2", "-2.0"},
		{"1/3", "1/3", "0.3333333333333333"},
		{maxInt1, maxInt1, "9223372036854776000.0"},
		// a huge rational whose parts both overflow a float
		{"1" + strings.Repeat("0", 400) + "/3" + strings.Repeat("0", 399), "10/3", "3.3333333333333335"},
		{"1/1" + strings.Repeat("0", 400), "1/1" + strings.Repeat("0", 400), "0.0"},
		{"1" + strings.Repeat("0", 400), "1" + strings.Repeat("0", 400), "+inf.0"},
	}
	for _, tt := range tests {
		v, err := Exact(p(tt.in))
		checkResult(t, "Exact "+tt.in, v, err, tt.exact)
		v, err = Inexact(p(tt.in))
		checkResult(t, "Inexact "+tt.in, v, err, tt.inexact)
	}
	for _, s := range []string{"+inf.0", "-inf.0", "+nan.0"} {
		if _, err := Exact(p(s)); !errors.Is(err, ErrNotFinite) {
			t.Errorf("Exact(%s) error = %v", s, err)
		}
	}
	// Huge rational to float is correctly rounded.
	r := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(3), 2000), new(big.Int).Lsh(big.NewInt(1), 2001))
	if f, _ := ToFloat(r); f != 1.5 {
		t.Errorf("ToFloat(3*2^2000/2^2001) = %v", f)
	}
}

func TestSqrtExpt(t *testing.T) {
	un := []struct {
		f    func(any) (any, error)
		name string
		in   string
		want string
	}{
		{Sqrt, "Sqrt", "16", "4"},
		{Sqrt, "Sqrt", "2", "1.4142135623730951"},
		{Sqrt, "Sqrt", "1/4", "1/2"},
		{Sqrt, "Sqrt", "2/9", "0.4714045207910317"},
		{Sqrt, "Sqrt", "16.0", "4.0"},
		{Sqrt, "Sqrt", maxInt, "3037000499.97605"},
		{Sqrt, "Sqrt", "1" + strings.Repeat("0", 40), "100000000000000000000"},
		{Sqrt, "Sqrt", "1" + strings.Repeat("0", 401), "3.1622776601683794e+200"},
		{Sqrt, "Sqrt", "-4", "+2i"},
		{Sqrt, "Sqrt", "-2", "0.0+1.4142135623730951i"},
		{Sqrt, "Sqrt", "-1/4", "+1/2i"},
		{Sqrt, "Sqrt", "-3+4i", "1+2i"},
		{Sqrt, "Sqrt", "-3-4i", "1-2i"},
		{Sqrt, "Sqrt", "-1.0+0.0i", "0.0+1.0i"},
		{Sqrt, "Sqrt", "-4.0", "0.0+2.0i"},
		{Sqrt, "Sqrt", "-0.0", "-0.0"},
		{Exp, "Exp", "0", "1.0"},
		{Exp, "Exp", "1", "2.718281828459045"},
		{Log, "Log", "1", "0.0"},
		{Log, "Log", "0", "-inf.0"},
		{Log, "Log", "-1", "0.0+3.141592653589793i"},
		{Log, "Log", "+i", "0.0+1.5707963267948966i"},
		{Exp, "Exp", "+3.141592653589793i", "-1.0+1.2246467991473515e-16i"},
		{Log, "Log", "1" + strings.Repeat("0", 400), "921.0340371976183"},
		{Sin, "Sin", "0", "0.0"},
		{Cos, "Cos", "0", "1.0"},
		{Asin, "Asin", "2", "1.5707963267948966-1.3169578969248166i"},
		{Asin, "Asin", "-2", "-1.5707963267948966+1.3169578969248166i"},
		{Acos, "Acos", "2", "0.0+1.3169578969248166i"},
		{Acos, "Acos", "-2", "3.141592653589793-1.3169578969248166i"},
		{Acos, "Acos", "1", "0.0"},
		{Acos, "Acos", "-1", "3.141592653589793"},
		{Atan, "Atan", "1", "0.7853981633974483"},
	}
	for _, u := range un {
		v, err := u.f(p(u.in))
		checkResult(t, u.name+" "+u.in, v, err, u.want)
	}
	runBin(t, "Expt", Expt, []binCase{
		{"2", "10", "1024"},
		{"2", "63", maxInt1},
		{"-2", "63", minInt},
		{"2", "100", "1267650600228229401496703205376"},
		{"2", "-2", "1/4"},
		{"2/3", "3", "8/27"},
		{"2/3", "-3", "27/8"},
		{"0", "0", "1"},
		{"0.0", "0", "1.0"},
		{"0", "-1", "error: division by zero"},
		{"-1", "100000000000000000001", "-1"},
		{"4", "1/2", "2.0"},
		{"2.0", "3", "8.0"},
		{"2", "0.5", "1.4142135623730951"},
		{"-8", "1/3", "1.0+1.732050807568877i"},
		{"1+i", "4", "-4"},
		{"1+i", "-1", "1/2-1/2i"},
		{"+i", "+i", "0.20787957635076193+0.0i"},
		{"2", "100000000000", "error: too large"},
	})
	v, err := LogBase(100, 10)
	checkResult(t, "LogBase 100 10", v, err, "2.0")
	v, err = LogBase(4096, 2)
	checkResult(t, "LogBase 4096 2", v, err, "12.0")
	v, err = LogBase(8, 0.5)
	checkResult(t, "LogBase 8 0.5", v, err, "-3.0")
	v, err = Atan2(1, 1)
	checkResult(t, "Atan2 1 1", v, err, "0.7853981633974483")
	s, r, err := ExactIntegerSqrt(17)
	checkResult(t, "ExactIntegerSqrt 17 s", s, err, "4")
	checkResult(t, "ExactIntegerSqrt 17 r", r, err, "1")
	s, r, err = ExactIntegerSqrt(p("1" + strings.Repeat("0", 40)))
	checkResult(t, "ExactIntegerSqrt 1e40 s", s, err, "100000000000000000000")
	checkResult(t, "ExactIntegerSqrt 1e40 r", r, err, "0")
	if _, _, err := ExactIntegerSqrt(-1); err == nil {
		t.Error("ExactIntegerSqrt(-1) succeeded")
	}
	if _, _, err := ExactIntegerSqrt(4.0); err == nil {
		t.Error("ExactIntegerSqrt(4.0) succeeded")
	}
}

func TestRationalize(t *testing.T) {
	runBin(t, "Rationalize", Rationalize, []binCase{
		{"3/10", "1/10", "1/3"},
		{".3", "1/10", "0.3333333333333333"},
		{"-3/10", "1/10", "-1/3"},
		{"1/4", "1/2", "0"},
		{"5/2", "0", "5/2"},
		{"+inf.0", "3", "+inf.0"},
		{"3", "+inf.0", "0.0"},
	})
}

func TestBitwise(t *testing.T) {
	runBin(t, "BitAnd", BitAnd, []binCase{
		{"12", "10", "8"},
		{"-1", maxInt1, maxInt1},
		{"-4", "7", "4"},
		{"1.0", "1", "error: expected an exact integer"},
	})
	runBin(t, "BitOr", BitOr, []binCase{{"12", "10", "14"}, {maxInt1, "1", "9223372036854775809"}})
	runBin(t, "BitXor", BitXor, []binCase{{"12", "10", "6"}, {maxInt1, maxInt1, "0"}})
	runBin(t, "ArithmeticShift", ArithmeticShift, []binCase{
		{"1", "10", "1024"},
		{"1", "63", maxInt1},
		{"-1", "63", minInt},
		{"3", "62", "13835058055282163712"},
		{"1024", "-3", "128"},
		{"-5", "-1", "-3"},
		{"-5", "-100", "-1"},
		{"5", "-100", "0"},
		{"18446744073709551616", "-64", "1"},
		{"1", "100000000000", "error: too large"},
	})
	for _, tt := range []struct{ in, want string }{{"0", "0"}, {"7", "3"}, {"-1", "0"}, {"-8", "3"}, {maxInt1, "1"}} {
		v, err := BitCount(p(tt.in))
		checkResult(t, "BitCount "+tt.in, v, err, tt.want)
	}
	for _, tt := range []struct {
		i    int
		n    string
		want bool
	}{{0, "5", true}, {1, "5", false}, {2, "-4", true}, {1, "-4", false}, {100, "-1", true}, {100, "5", false},
		{64, "18446744073709551616", true}, {64, "-18446744073709551616", true}, {63, "-18446744073709551616", false}} {
		got, err := BitSet(tt.i, p(tt.n))
		if err != nil || got != tt.want {
			t.Errorf("BitSet(%d, %s) = %v, %v", tt.i, tt.n, got, err)
		}
	}
	if _, err := BitSet(-1, 5); err == nil {
		t.Error("BitSet(-1, 5) succeeded")
	}
	for _, tt := range []struct{ in, want string }{{"0", "-1"}, {"8", "3"}, {"-8", "3"}, {"18446744073709551616", "64"}, {minInt, "63"}} {
		v, err := FirstSetBit(p(tt.in))
		checkResult(t, "FirstSetBit "+tt.in, v, err, tt.want)
	}
	v, err := BitNot(p(maxInt))
	checkResult(t, "BitNot", v, err, minInt)
	v, err = BitNot(p(minInt))
	checkResult(t, "BitNot", v, err, maxInt)
}

func TestPredicates(t *testing.T) {
	tests := []struct {
		in                               string
		number, exact, integer, rational bool
	}{
		{"1", true, true, true, true},
		{maxInt1, true, true, true, true},
		{"1/2", true, true, false, true},
		{"2.0", true, false, true, true},
		{"2.5", true, false, false, true},
		{"+inf.0", true, false, false, false},
		{"+nan.0", true, false, false, false},
	}
	for _, tt := range tests {
		v := p(tt.in)
		if IsNumber(v) != tt.number || IsExact(v) != tt.exact || IsInteger(v) != tt.integer || IsRational(v) != tt.rational {
			t.Errorf("predicates of %s: number %v exact %v integer %v rational %v", tt.in, IsNumber(v), IsExact(v), IsInteger(v), IsRational(v))
		}
	}
	for _, v := range []any{"1", nil, int64(1), true} {
		if IsNumber(v) {
			t.Errorf("IsNumber(%#v) = true", v)
		}
	}
	if odd, _ := IsOdd(p("-9223372036854775809")); !odd {
		t.Error("IsOdd(-2^63-1) = false")
	}
	if odd, _ := IsOdd(3.0); !odd {
		t.Error("IsOdd(3.0) = false")
	}
	if _, err := IsOdd(1.5); err == nil {
		t.Error("IsOdd(1.5) succeeded")
	}
}

func BenchmarkAddInt(b *testing.B) {
	var x any = 0
	var one any = 1
	for i := 0; i < b.N; i++ {
		x, _ = Add(x, one)
		if x.(int) > 200 {
			x = 0
		}
	}
}

func BenchmarkAddIntBoxed(b *testing.B) {
	var x any = 1000
	var y any = 1 << 40
	var r any
	for i := 0; i < b.N; i++ {
		r, _ = Add(x, y)
	}
	_ = r
}

func BenchmarkAddFloat(b *testing.B) {
	var x any = 1.5
	var y any = 2.5
	var r any
	for i := 0; i < b.N; i++ {
		r, _ = Add(x, y)
	}
	_ = r
}

func BenchmarkAddBig(b *testing.B) {
	x := p("123456789012345678901234567890")
	var r any
	for i := 0; i < b.N; i++ {
		r, _ = Add(x, 1)
	}
	_ = r
}

func BenchmarkCompareInt(b *testing.B) {
	var x any = 1000
	var y any = 1 << 40
	n := 0
	for i := 0; i < b.N; i++ {
		c, _ := Compare(x, y)
		n += c
	}
	_ = n
}

func BenchmarkLessIntFloat(b *testing.B) {
	var x any = 1000
	var y any = 1e6
	n := 0
	for i := 0; i < b.N; i++ {
		if l, _ := Less(x, y); l {
			n++
		}
	}
	_ = n
}

func TestEqvHashKey(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "1", true},
		{"1", "1.0", false},
		{"100000000000000000000", "100000000000000000000", true},
		{"1/3", "2/6", true},
		{"0.0", "-0.0", false},
		{"+nan.0", "+nan.0", true},
		{"1.5", "1.5", true},
		{"1/2", "0.5", false},
	}
	for _, tt := range tests {
		a, b := p(tt.a), p(tt.b)
		if got := Eqv(a, b); got != tt.want {
			t.Errorf("Eqv(%s, %s) = %v", tt.a, tt.b, got)
		}
		if got := HashKey(a) == HashKey(b); got != tt.want {
			t.Errorf("HashKey(%s) == HashKey(%s) is %v", tt.a, tt.b, got)
		}
	}
	if Eqv("a", "a") {
		t.Error("Eqv of non-numbers is true")
	}
}

// FuzzArith checks algebraic identities on two parsed numbers: a+b-b = a
// and a*b/b = a for exact numbers, floor/ and truncate/ satisfy
// q*b + r = a, and Compare is antisymmetric.
func FuzzArith(f *testing.F) {
	f.Add("7", "-2")
	f.Add("9223372036854775807", "3")
	f.Add("-9223372036854775808", "-1")
	f.Add("1/3", "2/7")
	f.Add("1.5", "-0.25")
	f.Add("100000000000000000000", "7")
	f.Fuzz(func(t *testing.T, sa, sb string) {
		a, ok1 := Parse(sa, 10)
		b, ok2 := Parse(sb, 10)
		if !ok1 || !ok2 {
			return
		}
		c1, err1 := Compare(a, b)
		c2, err2 := Compare(b, a)
		if err1 != nil || err2 != nil {
			t.Fatalf("Compare errors %v %v", err1, err2)
		}
		if c1 == Unordered {
			if c2 != Unordered {
				t.Fatalf("Compare(%s,%s)=%d but reversed %d", sa, sb, c1, c2)
			}
		} else if c1 != -c2 {
			t.Fatalf("Compare(%s,%s)=%d but reversed %d", sa, sb, c1, c2)
		}
		if !IsExact(a) || !IsExact(b) {
			return
		}
		s, _ := Add(a, b)
		back, _ := Sub(s, b)
		if !Eqv(back, a) || !same(Normalize(s), s) {
			t.Fatalf("(%s + %s) - %s = %v", sa, sb, sb, back)
		}
		if z, _ := IsZero(b); !z {
			m, _ := Mul(a, b)
			d, err := Div(m, b)
			if err != nil || !Eqv(d, a) {
				t.Fatalf("(%s * %s) / %s = %v, %v", sa, sb, sb, d, err)
			}
			if IsInteger(a) && IsInteger(b) {
				for _, div := range []func(a, b any) (any, any, error){FloorDiv, TruncateDiv} {
					q, r, err := div(a, b)
					if err != nil {
						t.Fatal(err)
					}
					qb, _ := Mul(q, b)
					sum, _ := Add(qb, r)
					if !Eqv(sum, a) {
						t.Fatalf("q*b+r = %v for %s, %s (q=%v r=%v)", sum, sa, sb, q, r)
					}
					if ar, _ := Abs(r); func() bool { ab, _ := Abs(b); l, _ := Less(ar, ab); return !l }() {
						t.Fatalf("|r| >= |b| for %s, %s", sa, sb)
					}
				}
			}
		}
	})
}
