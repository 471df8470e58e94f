package num

import (
	"math"
	"math/big"
	"testing"
)

func bigInt(s string) *big.Int {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return b
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// same reports whether a and b are the same number with the same
// representation (NaN equals NaN, -0.0 differs from 0.0).
func same(a, b any) bool {
	switch x := a.(type) {
	case *Complex:
		y, ok := b.(*Complex)
		return ok && same(x.Re, y.Re) && same(x.Im, y.Im) && !isExactZero(x.Im) && IsExact(x.Re) == IsExact(x.Im)
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
		return x == y && math.Signbit(x) == math.Signbit(y)
	}
	return false
}

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		radix int
		want  any // nil: not a number
	}{
		{"0", 10, 0},
		{"-0", 10, 0},
		{"42", 10, 42},
		{"+42", 10, 42},
		{"-42", 10, -42},
		{"9223372036854775807", 10, math.MaxInt},
		{"-9223372036854775808", 10, math.MinInt},
		{"9223372036854775808", 10, bigInt("9223372036854775808")},
		{"-9223372036854775809", 10, bigInt("-9223372036854775809")},
		{"123456789012345678901234567890", 10, bigInt("123456789012345678901234567890")},
		{"1.5", 10, 1.5},
		{"1.", 10, 1.0},
		{".5", 10, 0.5},
		{"-.5", 10, -0.5},
		{"-0.0", 10, math.Copysign(0, -1)},
		{"1e10", 10, 1e10},
		{"1E10", 10, 1e10},
		{"-1.5e-3", 10, -1.5e-3},
		{"1e+2", 10, 100.0},
		{"1s2", 10, 100.0},
		{"1F2", 10, 100.0},
		{"1d2", 10, 100.0},
		{"-1L-2", 10, -0.01},
		{"#e1d2", 10, 100},
		{"-.0", 10, math.Copysign(0, -1)},
		{"#e-.0", 10, 0},
		{"1e400", 10, math.Inf(1)},
		{"1e-400", 10, 0.0},
		{"1/3", 10, rat("1/3")},
		{"-2/4", 10, rat("-1/2")},
		{"4/2", 10, 2},
		{"0/5", 10, 0},
		{"+inf.0", 10, math.Inf(1)},
		{"-inf.0", 10, math.Inf(-1)},
		{"+INF.0", 10, math.Inf(1)},
		{"+nan.0", 10, math.NaN()},
		{"-nan.0", 10, math.NaN()},
		{"#e1.5", 10, rat("3/2")},
		{"#e1e3", 10, 1000},
		{"#e-1.25e-1", 10, rat("-1/8")},
		{"#e1e30", 10, bigInt("1000000000000000000000000000000")},
		{"#e0.0", 10, 0},
		{"#e-0.0", 10, 0},
		{"#i1/3", 10, 1.0 / 3},
		{"#i3", 10, 3.0},
		{"#x-ff", 10, -255},
		{"#XFF", 10, 255},
		{"#xff/2", 10, rat("255/2")},
		{"#x1e2", 10, 0x1e2},
		{"#o17", 10, 15},
		{"#b101", 10, 5},
		{"#d99", 16, 99},
		{"#e#x10", 10, 16},
		{"#x#e10", 10, 16},
		{"#i#x10", 10, 16.0},
		{"#x#i10", 10, 16.0},
		{"ff", 16, 255},
		{"101", 2, 5},
		{"#xffffffffffffffffffff", 10, bigInt("1208925819614629174706175")},
		// not numbers
		{"", 10, nil},
		{"+", 10, nil},
		{"-", 10, nil},
		{"...", 10, nil},
		{".", 10, nil},
		{"1+", 10, nil},
		{"-ERR", 10, nil},
		{"+ERR", 10, nil},
		{"abc", 10, nil},
		{"1e", 10, nil},
		{"1d", 10, nil},
		{"1x2", 10, nil},
		{"e1", 10, nil},
		{"1e+", 10, nil},
		{"1.2.3", 10, nil},
		{"1/0", 10, nil},
		{"1/", 10, nil},
		{"/2", 10, nil},
		{"1/-2", 10, nil},
		{"1/2/3", 10, nil},
		{"1.5/2", 10, nil},
		{"#x1.5", 10, nil},
		{"#b2", 10, nil},
		{"#o8", 10, nil},
		{"12", 2, nil},
		{"#e+inf.0", 10, nil},
		{"#e+nan.0", 10, nil},
		{"#x#x1", 10, nil},
		{"#e#i1", 10, nil},
		{"#q1", 10, nil},
		{"#", 10, nil},
		{"#x", 10, nil},
		{"inf.0", 10, nil},
		{"+inf.00", 10, nil},
		{"1_000", 10, nil},
		{"0x10", 10, nil},
		{" 1", 10, nil},
		{"1 ", 10, nil},
		{"#e1e999999999", 10, nil},
		{"1", 7, nil},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in, tt.radix)
		if tt.want == nil {
			if ok {
				t.Errorf("Parse(%q, %d) = %v, want not a number", tt.in, tt.radix, got)
			}
			continue
		}
		if !ok || !same(got, tt.want) {
			t.Errorf("Parse(%q, %d) = %#v, %v; want %#v", tt.in, tt.radix, got, ok, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v     any
		radix int
		want  string
	}{
		{0, 10, "0"},
		{-42, 10, "-42"},
		{math.MinInt, 10, "-9223372036854775808"},
		{255, 16, "ff"},
		{-255, 16, "-ff"},
		{5, 2, "101"},
		{8, 8, "10"},
		{bigInt("123456789012345678901234567890"), 10, "123456789012345678901234567890"},
		{bigInt("-1208925819614629174706175"), 16, "-ffffffffffffffffffff"},
		{rat("1/3"), 10, "1/3"},
		{rat("-255/2"), 16, "-ff/2"},
		{1.0, 10, "1.0"},
		{0.5, 10, "0.5"},
		{-0.5, 10, "-0.5"},
		{0.0, 10, "0.0"},
		{math.Copysign(0, -1), 10, "-0.0"},
		{100.0, 10, "100.0"},
		{1e20, 10, "100000000000000000000.0"},
		{1e21, 10, "1.0e+21"},
		{1.5e300, 10, "1.5e+300"},
		{-1e-7, 10, "-1.0e-7"},
		{1e-6, 10, "0.000001"},
		{1.5e-7, 10, "1.5e-7"},
		{0.1, 10, "0.1"},
		{1.0 / 3, 10, "0.3333333333333333"},
		{math.MaxFloat64, 10, "1.7976931348623157e+308"},
		{5e-324, 10, "5.0e-324"},
		{math.Inf(1), 10, "+inf.0"},
		{math.Inf(-1), 10, "-inf.0"},
		{math.NaN(), 10, "+nan.0"},
		{2.0, 16, "2.0"},
		{7, 3, "7"},
	}
	for _, tt := range tests {
		if got := Format(tt.v, tt.radix); got != tt.want {
			t.Errorf("Format(%v, %d) = %q, want %q", tt.v, tt.radix, got, tt.want)
		}
	}
}

// TestFormatParseRoundTrip checks that Format's output reads back as the
// same number, in every radix that applies.
func TestFormatParseRoundTrip(t *testing.T) {
	vals := []any{
		0, 1, -1, math.MaxInt, math.MinInt, 1 << 40,
		bigInt("9223372036854775808"), bigInt("-99999999999999999999999999"),
		rat("1/3"), rat("-7/2"), rat("123456789012345678901/2"),
		0.1, -2.5, 1e21, 1e-7, 123456.789, math.SmallestNonzeroFloat64, math.MaxFloat64,
		math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
	}
	for _, v := range vals {
		radixes := []int{10}
		if IsExact(v) {
			radixes = []int{2, 8, 10, 16}
		}
		for _, r := range radixes {
			s := Format(v, r)
			back, ok := Parse(s, r)
			if !ok || !same(back, v) {
				t.Errorf("Parse(Format(%v, %d) = %q) = %#v, %v", v, r, s, back, ok)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "-1.5e-3", "#e1.5", "#x-ff/2", "+inf.0", "1/3", ".5", "1.", "#i#b101", "-ERR", "123456789012345678901234567890", "1+2i", "-i", "+i", "1@2", "#e1.5@0", "+inf.0-inf.0i", "1e-2+3e+4i", "#x1e-2i", "@1", "1/2-3/4i"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := Parse(s, 10)
		if !ok {
			return
		}
		if !IsNumber(v) {
			t.Fatalf("Parse(%q) = %#v, not a number", s, v)
		}
		if !same(Normalize(v), v) {
			t.Fatalf("Parse(%q) = %#v, not normalised", s, v)
		}
		out := Format(v, 10)
		back, ok := Parse(out, 10)
		if !ok || !same(back, v) {
			t.Fatalf("Parse(%q) = %#v; Format = %q; reparsed as %#v, %v", s, v, out, back, ok)
		}
	})
}

// TestReadWrite checks the printed form of numbers as read: each input
// must print as one of the accepted forms (R7RS leaves some latitude).
func TestReadWrite(t *testing.T) {
	tests := []struct {
		in  string
		out []string
	}{
		{"1", []string{"1"}},
		{"+1", []string{"1"}},
		{"#i1", []string{"1.0"}},
		{"#I-1", []string{"-1.0"}},
		{"1.", []string{"1.0"}},
		{".1", []string{"0.1"}},
		{"-.1", []string{"-0.1"}},
		{"-.0", []string{"-0.0"}},
		{"-0.", []string{"-0.0"}},
		{"#e1.0", []string{"1"}},
		{"#e-.0", []string{"0"}},
		{"1E2", []string{"100.0"}},
		{"1l2", []string{"100.0"}},
		{"+NAN.0", []string{"+nan.0"}},
		{"+InF.0", []string{"+inf.0"}},
		{"-iNF.0", []string{"-inf.0"}},
		{"#i+nan.0", []string{"+nan.0"}},
		{"1/2", []string{"1/2"}},
		{"#e1/2", []string{"1/2"}},
		{"10/2", []string{"5"}},
		{"0/10", []string{"0"}},
		{"#i3/2", []string{"1.5"}},
		{"#X11", []string{"17"}},
		{"#D11", []string{"11"}},
		{"#O11", []string{"9"}},
		{"#B11", []string{"3"}},
		{"#b-10", []string{"-2"}},
		{"#i#x10", []string{"16.0"}},
		{"#d1.", []string{"1.0"}},
		{"#d.1", []string{"0.1"}},
		{"#x1e2", []string{"482"}},
		{"#d1e2", []string{"100.0"}},
		{"#x10/2", []string{"8"}},
		{"#x11/2", []string{"17/2"}},
		{"#b11/10", []string{"3/2"}},
		{"123456789.123", []string{"123456789.123"}},
		{"1e300", []string{"1.0e+300"}},
		{"-1.25e-10", []string{"-1.25e-10"}},
	}
	for _, tt := range tests {
		v, ok := Parse(tt.in, 10)
		if !ok {
			t.Errorf("Parse(%q) failed", tt.in)
			continue
		}
		got := Format(v, 10)
		found := false
		for _, o := range tt.out {
			found = found || got == o
		}
		if !found {
			t.Errorf("Format(Parse(%q)) = %q, want one of %q", tt.in, got, tt.out)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"define", "-ERR", "12345", "3.25", "123456789012345678901234567890"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Parse(s, 10)
			}
		})
	}
}

func BenchmarkFormat(b *testing.B) {
	for _, v := range []any{12345, 3.25, 1.0 / 3} {
		b.Run(Format(v, 10), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Format(v, 10)
			}
		})
	}
}
