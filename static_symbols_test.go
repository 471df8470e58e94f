package main

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"popsh/interp"
)

// staticSymbolsFile is where go generate writes the static symbols.
const staticSymbolsFile = "interp/static_symbols.go"

// staticNames returns the names interned when popsh is built: every name a
// new interpreter with popsh's bindings has bound, and the syntax words its
// libraries use without binding them; and the deferred group of each name
// bound by a group that binds only names nothing else binds after New (a
// group may rebind interp's own names: the cell of such a name installs
// the group on first use, which rebinds it as an eager installation does).
func staticNames(t *testing.T) ([]string, map[string]string) {
	binders := map[string]map[string]bool{} // name -> the groups that bind it ("" for none)
	interp.SetBindingRecorder(func(name, group string) {
		if binders[name] == nil {
			binders[name] = map[string]bool{}
		}
		binders[name][group] = true
	})
	it, err := newInterp([]string{"popsh"})
	interp.SetBindingRecorder(nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := map[string]bool{} // groups that bind a name something else binds
	for _, gs := range binders {
		if len(gs) > 1 {
			for g := range gs {
				shared[g] = true
			}
		}
	}
	groupOf := map[string]string{}
	for n, gs := range binders {
		for g := range gs {
			if g != "" && !shared[g] {
				groupOf[n] = g
			}
		}
	}
	return append(it.GlobalNames(), "else", "=>", "...", "_", "unquote", "unquote-splicing"), groupOf
}

// The static symbols (interp/static_symbols.go) are the names popsh binds
// at start today; with POPSH_WRITE_INDEX=1 (go generate) the test writes
// the file instead.
//
//go:generate env POPSH_WRITE_INDEX=1 go test -run ^TestStaticSymbolsCurrent$ .
func TestStaticSymbolsCurrent(t *testing.T) {
	names, groupOf := staticNames(t)
	// The big groups stay deferrable: a change that binds one of their
	// names elsewhere would make every start install them again.
	deferred := map[string]bool{}
	for _, g := range groupOf {
		deferred[g] = true
	}
	for _, g := range []string{"scsh: strings", "scsh: regexp-data", "scsh: srfi.scm", "scsh: system", "mail: pop3"} {
		if !deferred[g] {
			t.Errorf("the group %q is no longer deferred: one of its names is bound by other code too", g)
		}
	}
	want := interp.StaticSymbolsSource("go generate .", names, groupOf)
	if os.Getenv("POPSH_WRITE_INDEX") == "1" {
		if err := os.WriteFile(staticSymbolsFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(staticSymbolsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate . (a name bound at start was added or removed)", staticSymbolsFile)
	}
}

// In popsh, a name of a deferred scsh group defined by the program before
// any use keeps the program's value when the group is installed for
// another of its names; the deferred names are listed for completion and
// documented.
func TestDeferredScshGroup(t *testing.T) {
	it, err := newInterp([]string{"popsh"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	it.SetOutput(&out)
	names := it.GlobalNames()
	for _, n := range []string{"char->ascii", "ascii->char", "regexp-search", "string-index"} {
		if !slices.Contains(names, n) {
			t.Errorf("GlobalNames lacks %s", n)
		}
	}
	if d, ok := it.Doc("regexp-search"); !ok || !strings.Contains(d.Doc, "regexp-search") {
		t.Errorf("Doc(regexp-search) = %+v, %v", d, ok)
	}
	if _, err := it.EvalString(context.Background(), `(define char->ascii 'mine) (write (list char->ascii (ascii->char 65)))`, "t"); err != nil {
		t.Fatal(err)
	}
	it.FlushOutput()
	if got := out.String(); got != `(mine #\A)` {
		t.Errorf("got %s, want (mine #\\A)", got)
	}
}

// Scheme48's enum sets are a group installed when one of its names is
// first referred to: each of its names, used first, finds it.
func TestEnumGroupOnFirstReference(t *testing.T) {
	for _, src := range []string{
		`(display (enum-set? 5))`,
		`(display (procedure? enum-set-union))`,
		`(begin (define-enumerated-type c :c c? cs c-name c-index (a b)) (display (c-name (c b))))`,
	} {
		r := runPopsh(t, "", "", "-c", src)
		if r.code != 0 || (r.stdout != "#f" && r.stdout != "#t" && r.stdout != "b") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", src, r.code, r.stdout, r.stderr)
		}
	}
}
