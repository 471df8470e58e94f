package interp

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// indexVar is the name of the FormIndex variable of an embedded file:
// "10-lists.scm" has listsIndex.
func indexVar(name string) string {
	base := strings.TrimSuffix(name, ".scm")
	if i := strings.IndexByte(base, '-'); i >= 0 {
		base = base[i+1:]
	}
	return base + "Index"
}

// The generated split of the embedded sources (forms_index.go) is what
// cutting them gives today; with POPSH_WRITE_INDEX=1 (go generate) the
// test writes the file instead.
func TestFormIndexCurrent(t *testing.T) {
	var libs []IndexedSource
	for _, f := range append(append([]embeddedSource(nil), preludeSources...), libSources...) {
		libs = append(libs, IndexedSource{Var: indexVar(f.name), File: preludePrefix + f.name, Src: f.text, Lazy: true})
		want := indexOf(preludePrefix+f.name, f.text, true, nil)
		if os.Getenv("POPSH_WRITE_INDEX") != "1" && (!f.idx.fits(want.File, f.text, true, nil) || !sameIndex(f.idx, want)) {
			t.Errorf("the index of %s is stale: run go generate ./interp", f.name)
		}
	}
	checkGenerated(t, "forms_index.go", FormIndexSource("interp", "go generate ./interp", libs...))
}

// sameIndex reports whether a and b are the same index.
func sameIndex(a, b *FormIndex) bool {
	if a.File != b.File || a.Len != b.Len || a.Mode != b.Mode || len(a.Forms) != len(b.Forms) {
		return false
	}
	for i := range a.Forms {
		if a.Forms[i] != b.Forms[i] {
			return false
		}
	}
	return true
}

// checkGenerated fails when file's text is not want, or, with
// POPSH_WRITE_INDEX=1, writes want to file.
func checkGenerated(t *testing.T, file string, want []byte) {
	t.Helper()
	if os.Getenv("POPSH_WRITE_INDEX") == "1" {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go generate)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate in its folder", file)
	}
}

// sameForms fails unless got and want are the same cut of one source.
func sameForms(t *testing.T, what string, got, want []*libForm) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d forms, want %d", what, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.name != w.name || g.file != w.file || g.line != w.line || g.src != w.src || g.deferred != w.deferred ||
			(g.mac == nil) != (w.mac == nil) {
			t.Fatalf("%s: form %d is %q line %d, want %q line %d", what, i, g.name, g.line, w.name, w.line)
		}
		if g.mac != nil && (g.mac.name != w.mac.name || g.mac.lazy != g) {
			t.Fatalf("%s: form %d: macro %q not tied to its form", what, i, g.name)
		}
	}
}

// The embedded sources are cut by their generated index, into the forms
// reading the text gives.
func TestIndexedFormsAsSplit(t *testing.T) {
	for _, f := range append(append([]embeddedSource(nil), preludeSources...), libSources...) {
		file := preludePrefix + f.name
		if !f.idx.fits(file, f.text, true, nil) {
			t.Fatalf("the index of %s does not fit its source", f.name)
		}
		sameForms(t, f.name, indexedForms(f.idx, file, f.text, true, nil), splitForms(file, f.text, true))
	}
	idx := indexOf("mixed.scm", mixedLib, false, []string{"p"})
	sameForms(t, "mixed", indexedForms(idx, "mixed.scm", mixedLib, false, []string{"p"}),
		splitForms("mixed.scm", mixedLib, false, "p"))
}

// An index that no longer fits its source (the source edited, or cut
// another way, without go generate) is not used: the library is cut from
// the text.
func TestStaleIndexNotUsed(t *testing.T) {
	idx := indexOf("mixed.scm", mixedLib, false, []string{"p"})
	for _, c := range []struct {
		what     string
		src      string
		file     string
		all      bool
		deferred []string
	}{
		{"a form added", mixedLib + "(define (added) 1)\n", "mixed.scm", false, []string{"p"}},
		{"a form moved, same length", "\n" + strings.Replace(mixedLib, "\n(", "(", 1), "mixed.scm", false, []string{"p"}},
		{"other deferred names", mixedLib, "mixed.scm", false, nil},
		{"cut for a lazy library", mixedLib, "mixed.scm", true, nil},
		{"another file", mixedLib, "other.scm", false, []string{"p"}},
	} {
		if idx.fits(c.file, c.src, c.all, c.deferred) {
			t.Errorf("%s: the index still fits", c.what)
		}
		sameForms(t, c.what, indexedForms(idx, c.file, c.src, c.all, c.deferred), splitForms(c.file, c.src, c.all, c.deferred...))
	}
	// A library made with a stale index behaves as one cut from its text.
	it := New()
	NewIndexedLibrary(idx, mixedLib+"(define (added) 41)\n", "p").Install(it)
	if v, err := it.EvalString(context.Background(), "(+ (added) 1)", "t"); err != nil || v != 42 {
		t.Errorf("(added) through a stale index: %v %v", v, err)
	}
}
