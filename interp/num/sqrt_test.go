package num

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestBigSqrt checks bigSqrtRem against the definition (s*s <= n <
// (s+1)^2, r = n - s*s) and against big.Int.Sqrt, on random sizes, on
// squares and their neighbours, and on numbers around powers of two (the
// splits of the divide-and-conquer root fall at bit and word boundaries).
func TestBigSqrt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	one := big.NewInt(1)
	check := func(n *big.Int) {
		t.Helper()
		n0 := new(big.Int).Set(n)
		s, r := bigSqrtRem(n)
		if n.Cmp(n0) != 0 {
			t.Fatalf("bigSqrtRem modified its argument %v", n0)
		}
		want := new(big.Int).Sqrt(n)
		if s.Cmp(want) != 0 {
			t.Fatalf("bigSqrtRem of a %d-bit number: got %v, want %v", n.BitLen(), s, want)
		}
		s1 := new(big.Int).Add(s, one)
		if new(big.Int).Mul(s, s).Cmp(n) > 0 || new(big.Int).Mul(s1, s1).Cmp(n) <= 0 {
			t.Fatalf("bigSqrtRem of %v = %v is not the floor of the root", n, s)
		}
		if wr := new(big.Int).Sub(n, new(big.Int).Mul(s, s)); r.Cmp(wr) != 0 {
			t.Fatalf("bigSqrtRem of %v: remainder %v, want %v", n, r, wr)
		}
		if b := bigSqrt(n); b.Cmp(s) != 0 {
			t.Fatalf("bigSqrt of %v = %v, bigSqrtRem gave %v", n, b, s)
		}
	}
	for _, v := range []int64{0, 1, 2, 3, 4, 15, 16, 17, 1 << 62, 1<<63 - 1} {
		check(big.NewInt(v))
	}
	for k := uint(1); k <= 1100; k++ {
		p := new(big.Int).Lsh(one, k)
		check(p)
		check(new(big.Int).Sub(p, one))
		check(new(big.Int).Add(p, one))
		m := new(big.Int).Sub(p, one) // 2^k-1 and its square: all ones, the largest roots
		sq := new(big.Int).Mul(m, m)
		check(sq)
		check(new(big.Int).Sub(sq, one))
		check(new(big.Int).Add(sq, one))
	}
	for i := 0; i < 1200; i++ {
		bits := 1 + rng.IntN(20000)
		if i%4 != 0 {
			bits = 1 + rng.IntN(1000)
		}
		n := new(big.Int)
		for n.BitLen() < bits {
			n.Lsh(n, 64)
			n.Or(n, new(big.Int).SetUint64(rng.Uint64()))
		}
		n.Rsh(n, uint(n.BitLen()-bits))
		check(n)
		sq := new(big.Int).Mul(n, n)
		check(sq)
		check(new(big.Int).Sub(sq, one))
		check(new(big.Int).Add(sq, one))
		check(new(big.Int).Add(sq, new(big.Int).Lsh(n, 1))) // (n+1)^2 - 1
	}
}

// TestBigSqrtConcurrent runs roots of different sizes at once: the work
// buffers that bigSqrtRem keeps between calls must never be shared by two
// calls, nor by a call and a result it returned.
func TestBigSqrtConcurrent(t *testing.T) {
	const workers = 4
	errc := make(chan string, workers)
	for g := 0; g < workers; g++ {
		go func(g int) {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			var kept [][3]*big.Int // n, s, r of earlier calls, checked again at the end
			for i := 0; i < 300; i++ {
				n := new(big.Int)
				for n.BitLen() < 300+rng.IntN(6000) {
					n.Lsh(n, 64)
					n.Or(n, new(big.Int).SetUint64(rng.Uint64()))
				}
				s, r := bigSqrtRem(n)
				kept = append(kept, [3]*big.Int{n, s, r})
			}
			for _, k := range kept {
				n, s, r := k[0], k[1], k[2]
				if new(big.Int).Add(new(big.Int).Mul(s, s), r).Cmp(n) != 0 || r.Sign() < 0 || r.Cmp(new(big.Int).Lsh(s, 1)) > 0 {
					errc <- "a root or remainder changed after its call, or was wrong: " + n.String()
					return
				}
			}
			errc <- ""
		}(g)
	}
	for g := 0; g < workers; g++ {
		if msg := <-errc; msg != "" {
			t.Fatal(msg)
		}
	}
}
