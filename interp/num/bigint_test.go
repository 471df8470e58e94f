package num

import (
	"math"
	"math/big"
	"testing"
)

// integerGrid is a set of exact integers around the places where the
// arithmetic changes representation or path: zero and one, the fixnum
// bounds, one-word and two-word bignums, and larger ones, all with both
// signs.
func integerGrid() []*big.Int {
	var g []*big.Int
	add := func(v *big.Int) {
		g = append(g, v, new(big.Int).Neg(v))
	}
	for _, v := range []int64{0, 1, 2, 3, 7, 10, 1 << 31, 1<<32 - 1, 1 << 32, 3037000499, 3037000500, 1 << 62, math.MaxInt64 - 1, math.MaxInt64} {
		add(big.NewInt(v))
	}
	one := big.NewInt(1)
	for _, k := range []uint{63, 64, 65, 127, 128, 200, 256, 511, 512, 513, 1000} {
		p := new(big.Int).Lsh(one, k)
		add(p)
		add(new(big.Int).Sub(p, one))
		add(new(big.Int).Add(p, one))
	}
	big10 := new(big.Int).Exp(big.NewInt(10), big.NewInt(60), nil)
	add(big10)
	add(new(big.Int).Add(big10, big.NewInt(123456789)))
	return g
}

// num returns b in the interpreter's normal form, a fresh copy.
func asNum(b *big.Int) any { return normBig(new(big.Int).Set(b)) }

// wantNum checks that got is the exact integer want in normal form.
func wantNum(t *testing.T, what string, got any, err error, want *big.Int) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: error %v", what, err)
		return
	}
	switch g := got.(type) {
	case int:
		if !want.IsInt64() || int64(g) != want.Int64() {
			t.Errorf("%s = %d, want %v", what, g, want)
		}
	case *big.Int:
		if want.IsInt64() {
			t.Errorf("%s = %v as a *big.Int: not in normal form", what, g)
		} else if g.Cmp(want) != 0 {
			t.Errorf("%s = %v, want %v", what, g, want)
		}
	default:
		t.Errorf("%s = %#v, want the integer %v", what, got, want)
	}
}

// TestIntegerArithmeticGrid checks + - * quotient remainder modulo
// truncate/ floor/ and the comparisons on every pair of integerGrid
// against math/big computed afresh, the results in normal form and the
// arguments unchanged (a bignum argument is shared, never written).
func TestIntegerArithmeticGrid(t *testing.T) {
	grid := integerGrid()
	for _, x := range grid {
		for _, y := range grid {
			a, b := asNum(x), asNum(y)
			name := func(op string) string { return op + "(" + x.String() + ", " + y.String() + ")" }
			r, err := Add(a, b)
			wantNum(t, name("Add"), r, err, new(big.Int).Add(x, y))
			r, err = Sub(a, b)
			wantNum(t, name("Sub"), r, err, new(big.Int).Sub(x, y))
			r, err = Mul(a, b)
			wantNum(t, name("Mul"), r, err, new(big.Int).Mul(x, y))
			c, err := Compare(a, b)
			if err != nil || c != x.Cmp(y) {
				t.Errorf("%s = %d, %v; want %d", name("Compare"), c, err, x.Cmp(y))
			}
			if eq, err := NumEq(a, b); err != nil || eq != (x.Cmp(y) == 0) {
				t.Errorf("%s = %v, %v", name("NumEq"), eq, err)
			}
			if y.Sign() == 0 {
				if _, err := Quotient(a, b); err != ErrDivByZero {
					t.Errorf("%s: error %v, want division by zero", name("Quotient"), err)
				}
				if _, err := Remainder(a, b); err != ErrDivByZero {
					t.Errorf("%s: error %v, want division by zero", name("Remainder"), err)
				}
				if _, err := Modulo(a, b); err != ErrDivByZero {
					t.Errorf("%s: error %v, want division by zero", name("Modulo"), err)
				}
				if _, _, err := FloorDiv(a, b); err != ErrDivByZero {
					t.Errorf("%s: error %v, want division by zero", name("FloorDiv"), err)
				}
				continue
			}
			tq, tr := new(big.Int).QuoRem(x, y, new(big.Int))
			// floor: from the Euclidean division (remainder >= 0)
			fq, fr := new(big.Int).DivMod(x, y, new(big.Int))
			if y.Sign() < 0 && fr.Sign() != 0 {
				fq.Sub(fq, big.NewInt(1))
				fr.Add(fr, y)
			}
			r, err = Quotient(a, b)
			wantNum(t, name("Quotient"), r, err, tq)
			r, err = Remainder(a, b)
			wantNum(t, name("Remainder"), r, err, tr)
			r, err = Modulo(a, b)
			wantNum(t, name("Modulo"), r, err, fr)
			q, m, err := TruncateDiv(a, b)
			wantNum(t, name("TruncateDiv q"), q, err, tq)
			wantNum(t, name("TruncateDiv r"), m, err, tr)
			q, m, err = FloorDiv(a, b)
			wantNum(t, name("FloorDiv q"), q, err, fq)
			wantNum(t, name("FloorDiv r"), m, err, fr)
			r, err = FloorQuotient(a, b)
			wantNum(t, name("FloorQuotient"), r, err, fq)
			if ab, ok := a.(*big.Int); ok && ab.Cmp(x) != 0 {
				t.Fatalf("an operation changed its argument %v to %v", x, ab)
			}
			if bb, ok := b.(*big.Int); ok && bb.Cmp(y) != 0 {
				t.Fatalf("an operation changed its argument %v to %v", y, bb)
			}
		}
	}
}

// TestIntegerAliasedOperands passes the same bignum as both operands.
func TestIntegerAliasedOperands(t *testing.T) {
	for _, x := range integerGrid() {
		a := asNum(x)
		r, err := Add(a, a)
		wantNum(t, "Add(x, x)", r, err, new(big.Int).Add(x, x))
		r, err = Mul(a, a)
		wantNum(t, "Mul(x, x)", r, err, new(big.Int).Mul(x, x))
		r, err = Sub(a, a)
		wantNum(t, "Sub(x, x)", r, err, new(big.Int))
		if x.Sign() != 0 {
			r, err = Quotient(a, a)
			wantNum(t, "Quotient(x, x)", r, err, big.NewInt(1))
			r, err = Modulo(a, a)
			wantNum(t, "Modulo(x, x)", r, err, new(big.Int))
		}
		if ab, ok := a.(*big.Int); ok && ab.Cmp(x) != 0 {
			t.Fatalf("an operation changed its argument %v to %v", x, ab)
		}
	}
}

// TestIntegerDivisionInexact covers the mixed exact/inexact cases that
// share the division code: an inexact result, the sign of a zero
// remainder, and a bignum with an integral float.
func TestIntegerDivisionInexact(t *testing.T) {
	runBin(t, "Remainder", Remainder, []binCase{
		{"-4.0", "2", "-0.0"},
		{"4.0", "-2", "0.0"},
		{"7", "2.0", "1.0"},
		{maxInt1, "2.0", "0.0"},
		{"7.5", "2", "error: expected an integer"},
	})
	runBin(t, "Quotient", Quotient, []binCase{
		{"7", "2.0", "3.0"},
		{"-7.0", "2", "-3.0"},
		{maxInt1, "2.0", "4611686018427388000.0"},
		{"7", "0.0", "error: division by zero"},
		{maxInt1, "0", "error: division by zero"},
		{"1/2", maxInt1, "error: expected an integer"},
	})
	runBin(t, "Modulo", Modulo, []binCase{
		{"-7.0", "2", "1.0"},
		{"7", "-2.0", "-1.0"},
		{"-" + maxInt1, "10.0", "2.0"},
	})
}

// TestIntegerDivisionConcurrent divides bignums from several goroutines at
// once and checks every result again after all are done: the scratch
// space of a division must belong to one call, and a result must never
// share it.
func TestIntegerDivisionConcurrent(t *testing.T) {
	const workers = 4
	type res struct {
		x, y    *big.Int
		q, r, m any
	}
	out := make(chan []res, workers)
	for g := 0; g < workers; g++ {
		go func(g int) {
			var rs []res
			x := new(big.Int).Exp(big.NewInt(int64(3+g)), big.NewInt(700), nil)
			for i := 1; i < 200; i++ {
				y := new(big.Int).Exp(big.NewInt(int64(7+i)), big.NewInt(int64(20+i%50)), nil)
				if i%3 == 0 {
					y.Neg(y)
				}
				a, b := normBig(x), normBig(y)
				q, _ := Quotient(a, b)
				r, _ := Remainder(a, b)
				m, _ := Modulo(a, b)
				rs = append(rs, res{x, y, q, r, m})
			}
			out <- rs
		}(g)
	}
	for g := 0; g < workers; g++ {
		for _, c := range <-out {
			tq, tr := new(big.Int).QuoRem(c.x, c.y, new(big.Int))
			fr := new(big.Int).Set(tr)
			if fr.Sign() != 0 && (fr.Sign() < 0) != (c.y.Sign() < 0) {
				fr.Add(fr, c.y)
			}
			wantNum(t, "Quotient", c.q, nil, tq)
			wantNum(t, "Remainder", c.r, nil, tr)
			wantNum(t, "Modulo", c.m, nil, fr)
		}
	}
}
