package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestLazyLibrary(t *testing.T) {
	it := New()
	ctx := context.Background()
	before, _ := it.Lookup("filter")
	if _, ok := before.(*Primitive); !ok {
		t.Fatalf("filter is compiled at New: %s", WriteString(before))
	}
	v, err := it.EvalString(ctx, "(filter (lambda (x) (memv x '(2 4))) '(1 2 3 4))", "t")
	if err != nil || WriteString(v) != "(2 4)" {
		t.Fatalf("filter: %s %v", WriteString(v), err)
	}
	after, _ := it.Lookup("filter")
	if _, ok := after.(*Primitive); ok {
		t.Error("filter still a stub after its first call")
	}
	// A procedure value taken before the first call still works.
	v, err = it.EvalString(ctx, "(define r remove) (r (lambda (x) (eqv? x 1)) '(1 2 1 3))", "t")
	if err != nil || WriteString(v) != "(2 3)" {
		t.Errorf("remove through a saved stub: %s %v", WriteString(v), err)
	}
	// Errors inside a library procedure are reported at the user's call.
	_, err = it.EvalString(ctx, "(list 1\n (filter (lambda (x) #t) '(1 . 2)))", "t")
	if err == nil || !strings.Contains(err.Error(), "filter: expected a proper list, got (1 . 2)") {
		t.Fatalf("filter on an improper list: %v", err)
	}
	if eo := err.(*ErrorObject); eo.Pos.File != "t" || eo.Pos.Line != 2 {
		t.Errorf("error at %s, want t:2", eo.Pos)
	}
	// Every library definition compiles and binds its name.
	for _, p := range builtins {
		if p.MaxArgs != -1 || p.MinArgs != 0 {
			continue
		}
		for _, f := range []string{"10-lists.scm", "11-sequences.scm", "12-io.scm"} {
			b, _ := libFS.ReadFile("scm/lib/" + f)
			for _, d := range splitForms(f, string(b), true) {
				if d.name != p.Name {
					continue
				}
				if _, err := it.evalLibrary(d.src, d.file, d.line); err != nil {
					t.Errorf("%s: %v", d.name, err)
				}
				if v, _ := it.Lookup(d.name); fmt.Sprint(v) == fmt.Sprint(p) {
					t.Errorf("%s: not defined by its source", d.name)
				}
			}
		}
	}
}
