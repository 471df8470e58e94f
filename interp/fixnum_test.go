package interp

import (
	"sync"
	"testing"
)

// Interpreters on several goroutines box the same numbers at once, each
// for the first time: every box holds its number, every entry is written
// (boxing the number again allocates nothing), and under -race the
// detector finds no write of an entry unordered with a read through a
// box (a store of the same word by two threads would be one).
func TestFixnumBoxingConcurrent(t *testing.T) {
	const lo, hi = fixEager + 1000, fixEager + 150000
	var wg sync.WaitGroup
	errs := make(chan int, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// All four walk the same numbers, two of them downwards,
			// so that first boxings of one number meet.
			for i := range hi - lo {
				n := lo + i
				if g%2 == 1 {
					n = hi - 1 - i
				}
				if v := fixnum(n); v.(int) != n {
					errs <- n
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for n := range errs {
		t.Errorf("fixnum(%d) boxed another number", n)
	}
	for _, n := range []int{lo, lo + 1, (lo + hi) / 2, hi - 1} {
		if a := testing.AllocsPerRun(10, func() { fixnumSink = fixnum(n) }); a != 0 {
			t.Errorf("fixnum(%d) allocates %v times after its first boxing", n, a)
		}
		if got := fixnumSink.(int); got != n {
			t.Errorf("fixnum(%d) = %d", n, got)
		}
	}
}

var fixnumSink Value

// BenchmarkFixnumBox boxes numbers of the lazily written table that are
// already written (the hot path) and, for comparison, of the built-in
// part.
func BenchmarkFixnumBox(b *testing.B) {
	for _, r := range []struct {
		name string
		lo   int
	}{{"static", fixLow}, {"lazy", fixEager + 4096}} {
		for n := r.lo; n < r.lo+4096; n++ {
			fixnumSink = fixnum(n)
		}
		b.Run(r.name, func(b *testing.B) {
			var s int
			for i := 0; i < b.N; i++ {
				s += fixnum(r.lo + i&4095).(int)
			}
			fixnumSink = s
		})
	}
}
