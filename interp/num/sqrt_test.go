package num

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestBigSqrt checks bigSqrt against the definition (r*r <= n < (r+1)^2)
// and against big.Int.Sqrt, on random sizes and on squares and their
// neighbours.
func TestBigSqrt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	one := big.NewInt(1)
	check := func(n *big.Int) {
		r := bigSqrt(n)
		want := new(big.Int).Sqrt(n)
		if r.Cmp(want) != 0 {
			t.Fatalf("bigSqrt of a %d-bit number: got %v, want %v", n.BitLen(), r, want)
		}
		r1 := new(big.Int).Add(r, one)
		if new(big.Int).Mul(r, r).Cmp(n) > 0 || new(big.Int).Mul(r1, r1).Cmp(n) <= 0 {
			t.Fatalf("bigSqrt of %v = %v is not the floor of the root", n, r)
		}
	}
	for i := 0; i < 300; i++ {
		bits := 1 + rng.IntN(20000)
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
	}
}
