package num

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"
)

// TestNewBigSpareLayout checks, for every size up to past the largest
// block, that newBigSpare returns a zero big.Int with room for exactly n
// words and k spare words that the big.Int's words never reach.
func TestNewBigSpareLayout(t *testing.T) {
	for n := 0; n <= maxBlockWords+3; n++ {
		for k := 0; k <= 3; k++ {
			z, spare := newBigSpare(n, k)
			w := z.Bits()
			if z.Sign() != 0 || len(w) != 0 || cap(w) != n || len(spare) != k {
				t.Fatalf("newBigSpare(%d, %d): sign %d, %d words of %d, %d spare", n, k, z.Sign(), len(w), cap(w), len(spare))
			}
			for i := range spare {
				spare[i] = big.Word(0x5a5a + i)
			}
			w = w[:n]
			for i := range w {
				w[i] = ^big.Word(0)
			}
			for i := range spare {
				if spare[i] != big.Word(0x5a5a+i) {
					t.Fatalf("newBigSpare(%d, %d): the big.Int's words overlap the spare ones", n, k)
				}
			}
		}
	}
}

// TestNewBigSpareAllocations checks that a result up to the largest block
// takes one allocation, header and words together, and a larger one two.
func TestNewBigSpareAllocations(t *testing.T) {
	allocs := func(words int) float64 {
		if words > maxBlockWords {
			return 2
		}
		return 1
	}
	for _, n := range []int{1, 2, 5, 8, 9, 26, 61, 100, maxBlockWords - 1, maxBlockWords, maxBlockWords + 1, 2000} {
		if got, want := testing.AllocsPerRun(50, func() { newBigSpare(n, 1) }), allocs(n+1); got != want {
			t.Errorf("newBigSpare(%d, 1): %v allocations, want %v", n, got, want)
		}
		if got, want := testing.AllocsPerRun(50, func() { newBig(n) }), allocs(n); got != want {
			t.Errorf("newBig(%d): %v allocations, want %v", n, got, want)
		}
	}
}

// TestBlockSizesFillSizeClasses checks that each block takes all of the
// memory the allocator gives it: its size class has no room for one word
// more (a block over 512 bytes, which holds a pointer, carries the
// allocator's 8-byte header). If the runtime's size classes change, the
// list of blocks should follow them.
func TestBlockSizesFillSizeClasses(t *testing.T) {
	if bits.UintSize != 64 {
		t.Skip("the block sizes are chosen for 64-bit words")
	}
	for i := 1; i < len(blockWords); i++ {
		if blockWords[i] <= blockWords[i-1] {
			t.Fatalf("blockWords not ascending at %d", i)
		}
	}
	for i, alloc := range blockAllocs {
		z, w := alloc()
		if len(w) != blockWords[i] || z == nil {
			t.Fatalf("block %d: %d words, want %d", i, len(w), blockWords[i])
		}
		size := uint64(unsafe.Sizeof(big.Int{})) + uint64(len(w))*8
		if size > 512 {
			size += 8
		}
		const count = 10000
		var before, after runtime.MemStats
		keep := make([]*big.Int, 0, count)
		runtime.ReadMemStats(&before)
		for range count {
			z, _ := alloc()
			keep = append(keep, z)
		}
		runtime.ReadMemStats(&after)
		// other allocations of the process (the runtime's, the test's)
		// may add a little; a block in a larger class would add 8 bytes
		// or more to each
		per := float64(after.TotalAlloc-before.TotalAlloc) / count
		if per < float64(size) || per >= float64(size)+4 {
			t.Errorf("block of %d words (%d bytes with headers) takes %.1f bytes", blockWords[i], size, per)
		}
		runtime.KeepAlive(keep)
	}
}

// TestBlockFor checks that blockFor picks the smallest block with room.
func TestBlockFor(t *testing.T) {
	for n := 0; n <= maxBlockWords; n++ {
		i := blockFor[n]
		if blockWords[i] < n || i > 0 && blockWords[i-1] >= n {
			t.Fatalf("blockFor[%d] = block of %d words", n, blockWords[i])
		}
	}
	if blockWords[len(blockWords)-1] != maxBlockWords {
		t.Fatalf("the largest block has %d words, maxBlockWords is %d", blockWords[len(blockWords)-1], maxBlockWords)
	}
}

// TestMulOverflowingInts multiplies pairs of ints whose products leave the
// fixnum range, near its edges and at random magnitudes, against
// math/big; the product is in normal form either way.
func TestMulOverflowingInts(t *testing.T) {
	edges := []int{math.MinInt, math.MinInt + 1, math.MaxInt, math.MaxInt - 1, 1 << 62, -(1 << 62),
		1 << 32, -(1 << 32), 1<<32 + 1, 1 << 31, -(1 << 31), 3037000499, 3037000500, -3037000500,
		2, -2, 3, -1, 1, 0, 1<<63 - 1<<31}
	check := func(x, y int) {
		got, err := Mul(x, y)
		wantNum(t, "Mul", got, err, new(big.Int).Mul(big.NewInt(int64(x)), big.NewInt(int64(y))))
	}
	for _, x := range edges {
		for _, y := range edges {
			check(x, y)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		x := int(rng.Uint64() >> rng.UintN(64))
		y := int(rng.Uint64() >> rng.UintN(64))
		if rng.IntN(2) == 0 {
			x = -x
		}
		if rng.IntN(2) == 0 {
			y = -y
		}
		check(x, y)
	}
}

// TestQuotientOfSmallerMagnitude divides by divisors longer than the
// dividend (the quotient is 0 without dividing) and at the edge where the
// lengths are equal but the magnitudes not ordered (-2^63 by 2^63).
func TestQuotientOfSmallerMagnitude(t *testing.T) {
	two63 := new(big.Int).Lsh(big.NewInt(1), 63)
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	cases := []struct{ a, b *big.Int }{
		{big.NewInt(math.MinInt), two63},
		{big.NewInt(math.MinInt), new(big.Int).Neg(two63)},
		{big.NewInt(math.MinInt), two64},
		{big.NewInt(math.MaxInt), two64},
		{new(big.Int).Sub(two64, big.NewInt(1)), two64},
		{new(big.Int).Neg(new(big.Int).Sub(two64, big.NewInt(1))), new(big.Int).Lsh(two64, 70)},
		{new(big.Int).Lsh(two64, 64), new(big.Int).Lsh(two64, 65)},
		{big.NewInt(0), two64},
	}
	for _, c := range cases {
		q, err := Quotient(asNum(c.a), asNum(c.b))
		wantNum(t, "Quotient("+c.a.String()+", "+c.b.String()+")", q, err, new(big.Int).Quo(c.a, c.b))
	}
}

// TestIntegerResultsAllocateOnce checks that the exact operations on
// bignums allocate their result and nothing else, once the pooled scratch
// is warm: one allocation for a sum, difference, product, quotient or
// remainder, two for a square root and its remainder.
func TestIntegerResultsAllocateOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	x, y := randomBig(rng, 26*64), randomBig(rng, 13*64)
	xx := randomBig(rng, 104*64)
	a, b, aa := asNum(x), asNum(y), asNum(xx)
	small := asNum(randomBig(rng, 190))
	ops := []struct {
		name string
		want float64
		f    func()
	}{
		{"Add", 1, func() { Add(a, b) }},
		{"Sub", 1, func() { Sub(b, a) }},
		{"Mul", 1, func() { Mul(a, b) }},
		{"Mul (square)", 1, func() { Mul(a, a) }},
		{"Mul by an int", 1, func() { Mul(a, 1000003) }},
		{"Mul of two ints", 1, func() { Mul(1<<40+1, 1<<40+3) }},
		{"Quotient", 1, func() { Quotient(aa, a) }},
		{"Quotient by an int", 1, func() { Quotient(aa, 10) }},
		{"Remainder", 1, func() { Remainder(aa, b) }},
		{"Modulo", 1, func() { Modulo(aa, b) }},
		{"ExactIntegerSqrt", 2, func() { ExactIntegerSqrt(aa) }},
		{"ExactIntegerSqrt (3 words)", 2, func() { ExactIntegerSqrt(small) }},
	}
	if raceEnabled {
		t.Skip("allocation counts around pooled work spaces under the race detector")
	}
	for _, op := range ops {
		op.f() // warm the pools
		if got := testing.AllocsPerRun(100, op.f); got > op.want {
			t.Errorf("%s: %v allocations, want %v", op.name, got, op.want)
		}
	}
}

// TestSqrtAllocatesItsResultsOnly checks over many sizes, and at the
// numbers whose roots are powers of two and just below (where a step's
// root is largest before its correction), that a square root's two
// results are allocated at sizes that hold every step.
func TestSqrtAllocatesItsResultsOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	one := big.NewInt(1)
	for nb := 60; nb <= 3000; nb += 1 + nb/40 {
		p := new(big.Int).Lsh(one, uint(nb))
		for _, x := range []*big.Int{randomBig(rng, nb), new(big.Int).Sub(p, one), p,
			new(big.Int).Mul(new(big.Int).Sub(new(big.Int).Lsh(one, uint(nb/2)), one), new(big.Int).Lsh(one, uint(nb/2)))} {
			a := asNum(x)
			if _, ok := a.(*big.Int); !ok {
				continue
			}
			ExactIntegerSqrt(a) // warm the pool
			s, r, err := ExactIntegerSqrt(a)
			// one allocation for each result: a bignum, or an int boxed
			// (none for the small ints Go keeps boxed)
			want := 0.0
			for _, v := range []any{s, r} {
				if i, ok := v.(int); !ok || i < 0 || i > 255 {
					want++
				}
			}
			if got := testing.AllocsPerRun(5, func() { ExactIntegerSqrt(a) }); got > want && !raceEnabled {
				t.Errorf("ExactIntegerSqrt of %d bits: %v allocations, want %v", x.BitLen(), got, want)
			}
			root := new(big.Int).Sqrt(x)
			wantNum(t, "ExactIntegerSqrt root", s, err, root)
			wantNum(t, "ExactIntegerSqrt remainder", r, err, new(big.Int).Sub(x, new(big.Int).Mul(root, root)))
		}
	}
}

// randomBig returns a positive integer of exactly n bits.
func randomBig(rng *rand.Rand, n int) *big.Int {
	w := make([]big.Word, (n+bits.UintSize-1)/bits.UintSize)
	for i := range w {
		w[i] = big.Word(rng.Uint64())
	}
	z := new(big.Int).SetBits(w)
	z.SetBit(z, n-1, 1)
	for i := z.BitLen() - 1; i >= n; i-- {
		z.SetBit(z, i, 0)
	}
	return z
}

// TestExptExactIntegers raises integers around the fixnum edges, small
// and large, of both signs, to powers from 0 up, against math/big; the
// largest exponents take the path that leaves the work to math/big.
func TestExptExactIntegers(t *testing.T) {
	bases := []*big.Int{big.NewInt(2), big.NewInt(3), big.NewInt(10), big.NewInt(1 << 31),
		big.NewInt(1 << 32), big.NewInt(3037000499), big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64),
		new(big.Int).Lsh(big.NewInt(1), 64), new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1)),
		new(big.Int).Lsh(big.NewInt(12345), 300)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 6 {
		bases = append(bases, randomBig(rng, 1+rng.IntN(700)))
	}
	exps := []int{0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100, 255, 1000}
	for _, x := range bases {
		for _, s := range []int64{1, -1} {
			xs := new(big.Int).Mul(x, big.NewInt(s))
			for _, n := range exps {
				got, err := Expt(asNum(xs), n)
				want := new(big.Int).Exp(xs, big.NewInt(int64(n)), nil)
				wantNum(t, "Expt("+xs.String()+", "+big.NewInt(int64(n)).String()+")", got, err, want)
			}
		}
	}
	// past maxScratchWords words
	for _, c := range []struct{ base, n int }{{3, 200000}, {-7, 99999}} {
		got, err := Expt(c.base, c.n)
		want := new(big.Int).Exp(big.NewInt(int64(c.base)), big.NewInt(int64(c.n)), nil)
		wantNum(t, "Expt (large)", got, err, want)
	}
	if raceEnabled {
		return // allocation counts around a pooled work space
	}
	if got := testing.AllocsPerRun(50, func() { Expt(10, 500) }); got > 1 {
		t.Errorf("Expt(10, 500): %v allocations, want 1", got)
	}
	b := asNum(randomBig(rng, 200))
	if got := testing.AllocsPerRun(50, func() { Expt(b, 9) }); got > 1 {
		t.Errorf("Expt(bignum, 9): %v allocations, want 1", got)
	}
}

// TestExptConcurrent computes powers in several goroutines at once (their
// work space is pooled) and checks every one.
func TestExptConcurrent(t *testing.T) {
	const workers = 4
	errs := make(chan string, workers)
	for g := range workers {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for range 300 {
				x := randomBig(rng, 2+rng.IntN(300))
				n := rng.IntN(40)
				got, err := Expt(asNum(x), n)
				want := new(big.Int).Exp(x, big.NewInt(int64(n)), nil)
				if err != nil || cmpToBig(got, want) != 0 {
					errs <- "Expt(" + x.String() + ", " + big.NewInt(int64(n)).String() + ")"
					return
				}
			}
			errs <- ""
		}()
	}
	for range workers {
		if e := <-errs; e != "" {
			t.Error(e + " gave a wrong result")
		}
	}
}

// cmpToBig compares an exact integer with a *big.Int (2 for a non-integer).
func cmpToBig(v any, want *big.Int) int {
	switch x := v.(type) {
	case int:
		return big.NewInt(int64(x)).Cmp(want)
	case *big.Int:
		return x.Cmp(want)
	}
	return 2
}
