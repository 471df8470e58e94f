//go:build !race

package interp

import (
	"sync"
	"testing"
)

// Interpreters on several goroutines box the same numbers at once, each
// for the first time: every box holds its number. (Not built with -race,
// which reports the concurrent stores of one number that fixnum allows.)
func TestFixnumBoxingConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan int, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := fixEager + g; n < fixEager+200000; n += 3 {
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
}
