package interp

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// Every name of the static table is found there, as the symbol Intern
// returns, and a name outside it is interned at run time.
func TestStaticSymbols(t *testing.T) {
	for i := range staticSymbols {
		s := &staticSymbols[i]
		if s.id != int32(i+1) {
			t.Fatalf("static symbol %q has id %d, want %d", s.Name, s.id, i+1)
		}
		if got := staticSymbol(s.Name); got != s {
			t.Fatalf("staticSymbol(%q) = %p, want the table's %p", s.Name, got, s)
		}
		if Intern(s.Name) != s {
			t.Fatalf("Intern(%q) is not the static symbol", s.Name)
		}
	}
	if staticSymbol("car") == nil || staticSymbol("define") == nil {
		t.Fatal("car or define is not static: the table is empty or stale")
	}
	s := Intern("a-name-no-library-binds")
	if s.id != 0 || staticSymbol(s.Name) != nil {
		t.Fatalf("a run-time name got static id %d", s.id)
	}
	if Intern("a-name-no-library-binds") != s {
		t.Fatal("a run-time name interned twice gave two symbols")
	}
}

// The cells of static names are per interpreter, and an uninterned symbol
// spelt as a static name is another variable.
func TestStaticCells(t *testing.T) {
	a, b := New(), New()
	ctx := context.Background()
	if _, err := a.EvalString(ctx, "(define car 'mine) (set! cdr 'set)", "t"); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Lookup("car"); WriteString(v) != "mine" {
		t.Errorf("car in a = %s, want mine", WriteString(v))
	}
	if v, _ := b.Lookup("car"); WriteString(v) != "#<procedure car>" {
		t.Errorf("car in b = %s, want the built-in", WriteString(v))
	}
	if v, _ := b.Lookup("cdr"); WriteString(v) != "#<procedure cdr>" {
		t.Errorf("cdr in b = %s, want the built-in", WriteString(v))
	}
	if a.global(&Symbol{Name: "car"}) == a.global(Intern("car")) {
		t.Error("an uninterned symbol named car shares car's cell")
	}
	// A static name bound by no one is unbound, and not listed.
	name := ""
	for i := range staticSymbols {
		if n := staticSymbols[i].Name; n == "else" {
			name = n
		}
	}
	if name == "" {
		t.Fatal("else is not a static symbol")
	}
	if _, ok := b.Lookup(name); ok {
		t.Errorf("%s is bound in a new interpreter", name)
	}
	if slices.Contains(b.GlobalNames(), name) {
		t.Errorf("GlobalNames lists the unbound %s", name)
	}
	if _, err := b.EvalString(ctx, "else", "t"); err == nil || !strings.Contains(err.Error(), "unbound variable") {
		t.Errorf("else evaluated: %v, want an unbound-variable error", err)
	}
}
