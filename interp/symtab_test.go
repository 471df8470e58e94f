package interp

import (
	"fmt"
	"sync"
	"testing"
)

// Interning from several goroutines at once, through the table's growth,
// gives one symbol per name.
func TestInternConcurrentGrowth(t *testing.T) {
	const names, workers = 6000, 4
	got := make([][]*Symbol, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[w] = make([]*Symbol, names)
			for k := range names {
				i := k
				if w%2 == 1 {
					i = names - 1 - k // the other end first
				}
				got[w][i] = Intern(fmt.Sprintf("intern-test-%d", i))
			}
		}()
	}
	wg.Wait()
	for i := range names {
		want := fmt.Sprintf("intern-test-%d", i)
		s := Intern(want)
		if s.Name != want {
			t.Fatalf("Intern(%q).Name = %q", want, s.Name)
		}
		for w := range workers {
			if got[w][i] != s {
				t.Fatalf("worker %d got another symbol for %q", w, want)
			}
		}
	}
	if Intern("intern-test-1") == Intern("intern-test-10") {
		t.Fatal("two names share a symbol")
	}
}
