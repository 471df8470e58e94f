package interp

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// groupNames returns the static names of the deferred group k.
func groupNames(k int) []string {
	var out []string
	for i := range staticSymbols {
		if int(staticSymbols[i].group) == k {
			out = append(out, staticSymbols[i].Name)
		}
	}
	return out
}

// deferTestGroup defers, in it, a group of the static table (the first),
// whose install binds each of its names to the string "NAME from the group"
// and counts its runs.
func deferTestGroup(t *testing.T, it *Interp) (names []string, runs *int) {
	t.Helper()
	if len(staticGroups) < 2 {
		t.Fatal("no deferred group in the static table: run go generate .")
	}
	names = groupNames(1)
	if len(names) < 2 {
		t.Fatalf("group %q has %d names", staticGroups[1], len(names))
	}
	runs = new(int)
	it.DeferGroup(staticGroups[1], func() {
		*runs++
		for _, n := range names {
			it.Define(n, NewString(n+" from the group"))
		}
	})
	return names, runs
}

// A deferred group is installed when one of its names is first referred
// to, once, and only in its interpreter.
func TestDeferredGroupOnFirstReference(t *testing.T) {
	a, b := New(), New()
	names, runs := deferTestGroup(t, a)
	_, bruns := deferTestGroup(t, b)
	if *runs != 0 {
		t.Fatalf("the group was installed at DeferGroup (%d runs)", *runs)
	}
	v, err := a.EvalString(context.Background(), "(string-append \"\" "+names[0]+")", "t")
	if err != nil || DisplayString(v) != names[0]+" from the group" {
		t.Fatalf("%s: %v %v", names[0], DisplayString(v), err)
	}
	if *runs != 1 {
		t.Fatalf("the group ran %d times, want 1", *runs)
	}
	if v, ok := a.Lookup(names[1]); !ok || DisplayString(v) != names[1]+" from the group" {
		t.Errorf("%s after its group ran: %v %v", names[1], v, ok)
	}
	if *runs != 1 || *bruns != 0 {
		t.Errorf("runs: %d in a (want 1), %d in b (want 0)", *runs, *bruns)
	}
}

// A program's own definition of a deferred name, before any reference,
// wins over the group's; set! of a name never referred to assigns it.
func TestDeferredGroupShadowAndSet(t *testing.T) {
	it := New()
	names, runs := deferTestGroup(t, it)
	ctx := context.Background()
	if _, err := it.EvalString(ctx, "(define "+names[0]+" 'mine)", "t"); err != nil {
		t.Fatal(err)
	}
	if v, _ := it.Lookup(names[0]); WriteString(v) != "mine" {
		t.Errorf("%s = %s after the program's define, want mine", names[0], WriteString(v))
	}
	if *runs != 1 {
		t.Errorf("the group ran %d times, want 1", *runs)
	}
	it2 := New()
	names2, _ := deferTestGroup(t, it2)
	if _, err := it2.EvalString(ctx, "(set! "+names2[1]+" 7)", "t"); err != nil {
		t.Fatalf("set! of a name never referred to: %v", err)
	}
	if v, _ := it2.Lookup(names2[1]); v != 7 {
		t.Errorf("%s = %v after set!, want 7", names2[1], v)
	}
	// A Go Define before any reference wins too.
	it3 := New()
	names3, _ := deferTestGroup(t, it3)
	it3.Define(names3[0], 1)
	if v, _ := it3.Lookup(names3[0]); v != 1 {
		t.Errorf("%s = %v after Define, want 1", names3[0], v)
	}
}

// Completion lists a deferred name without installing its group; Doc
// installs it and finds the doc line.
func TestDeferredGroupNamesAndDoc(t *testing.T) {
	it := New()
	names := groupNames(1)
	runs := 0
	it.DeferGroup(staticGroups[1], func() {
		runs++
		rows := make([]Builtin, len(names))
		for i, n := range names {
			rows[i] = Builtin{Name: n, MaxArgs: -1, Doc: "(" + n + "): a test procedure",
				Fn: func(*Interp, []Value) (Value, error) { return n, nil }}
		}
		it.DefineBuiltins("test group", rows...)
	})
	all := it.GlobalNames()
	for _, n := range names {
		if !slices.Contains(all, n) {
			t.Fatalf("GlobalNames lacks the deferred %s", n)
		}
	}
	if runs != 0 {
		t.Fatalf("GlobalNames installed the group")
	}
	d, ok := it.Doc(names[len(names)-1])
	if !ok || d.Section != "test group" || !strings.Contains(d.Doc, "a test procedure") {
		t.Errorf("Doc of a deferred name: %+v %v", d, ok)
	}
	if runs != 1 {
		t.Errorf("the group ran %d times, want 1", runs)
	}
}

// A group the static table does not list, and every group while bindings
// are recorded, is installed at once.
func TestUnlistedGroupNow(t *testing.T) {
	it := New()
	ran := false
	it.DeferGroup("a group popsh does not have", func() { ran = true })
	if !ran {
		t.Error("an unlisted group was deferred")
	}
	var got []string
	SetBindingRecorder(func(name, group string) { got = append(got, group+":"+name) })
	defer SetBindingRecorder(nil)
	ran = false
	it.DeferGroup(staticGroups[1], func() { ran = true; it.Define("recorded-name", 1) })
	if !ran || !slices.Contains(got, staticGroups[1]+":recorded-name") {
		t.Errorf("while recording: ran %v, recorded %q", ran, got)
	}
}

// Threads referring to a deferred group's names at once install it once
// (run with -race).
func TestDeferredGroupThreads(t *testing.T) {
	it := New()
	names, runs := deferTestGroup(t, it)
	src := `(define (use) (eval '(list ` + names[0] + ` ` + names[len(names)-1] + `) (interaction-environment)))
(define ts (list (make-thread use) (make-thread use) (make-thread use)))
(for-each thread-start! ts)
(map thread-join! ts)`
	v, err := it.EvalString(context.Background(), src, "t")
	if err != nil {
		t.Fatal(err)
	}
	if *runs != 1 {
		t.Errorf("the group ran %d times, want 1", *runs)
	}
	want := `("` + names[0] + ` from the group" "` + names[len(names)-1] + ` from the group")`
	if got := WriteString(v); got != "("+want+" "+want+" "+want+")" {
		t.Errorf("threads got %s", got)
	}
}

// The static table describes this build's built-in bindings, so New
// leaves them to first use; a cell used once has its built-in binding,
// and a cell never used has none.
func TestBuiltinsBoundOnFirstUse(t *testing.T) {
	if !staticDefaultsValid() {
		t.Fatal("the static table does not describe the builtins: run go generate .")
	}
	it := New()
	if !it.lazyDefaults {
		t.Fatal("New bound the built-ins at once")
	}
	car := Intern("car")
	if it.staticCells[car.id-1].Name != nil {
		t.Fatal("car's cell is in use after New")
	}
	if !slices.Contains(it.GlobalNames(), "car") || !slices.Contains(it.GlobalNames(), "lambda") {
		t.Fatal("GlobalNames lacks car or lambda")
	}
	if it.staticCells[car.id-1].Name != nil {
		t.Fatal("GlobalNames used car's cell")
	}
	if d, ok := it.Doc("car"); !ok || !strings.Contains(d.Doc, "(car pair)") {
		t.Errorf("Doc(car) = %+v %v", d, ok)
	}
	g := &it.staticCells[car.id-1]
	if g.Name != car || !g.pure || g.builtin == nil || g.value != Value(g.builtin) {
		t.Errorf("car's cell after first use: %+v", g)
	}
	if v, err := it.EvalString(context.Background(), "(let loop ((i 0)) (if (< i 3) (loop (+ i 1)) (car (list i))))", "t"); err != nil || v != 3 {
		t.Errorf("a loop over built-ins: %v %v", v, err)
	}
	// set! of a built-in never used, and define before first use.
	if _, err := it.EvalString(context.Background(), "(set! cadr 'set) (define cddr 'mine)", "t"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"cadr": "set", "cddr": "mine"} {
		if v, _ := it.Lookup(name); WriteString(v) != want {
			t.Errorf("%s = %s, want %s", name, WriteString(v), want)
		}
	}
	if v, _ := New().Lookup("cadr"); WriteString(v) != "#<procedure cadr>" {
		t.Errorf("cadr in another interpreter = %s", WriteString(v))
	}
}

// A static table that no longer describes the builtins (one added, one
// renamed, two swapped, without go generate) is not used.
func TestStaleBuiltinTableNotUsed(t *testing.T) {
	hashOf := func(ps []*Primitive) uint64 {
		h := uint64(14695981039346656037)
		for _, p := range ps {
			h = (h ^ staticHash(p.Name)) * 1099511628211
		}
		return h
	}
	if hashOf(builtins) != builtinsHash {
		t.Fatal("builtinsHash is not the hash of the builtins' names")
	}
	if !describes(staticBuiltinsCount, staticBuiltinsHash, builtins, builtinsHash) {
		t.Fatal("the generated table does not describe the builtins")
	}
	added := append(slices.Clone(builtins), &Primitive{Name: "a-new-builtin"})
	renamed := slices.Clone(builtins)
	p := *renamed[3]
	p.Name = "a-renamed-builtin"
	renamed[3] = &p
	swapped := slices.Clone(builtins)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	for what, ps := range map[string][]*Primitive{"added": added, "renamed": renamed, "swapped": swapped} {
		if describes(staticBuiltinsCount, staticBuiltinsHash, ps, hashOf(ps)) {
			t.Errorf("a builtin %s: still described", what)
		}
	}
}

// A group one of whose names was used before DeferGroup, or deferred while
// New bound interp's names at once (a stale static table), is installed at
// once.
func TestGroupInstalledAtOnceWhenNeeded(t *testing.T) {
	it := New()
	names := groupNames(1)
	it.Lookup(names[0])
	runs := 0
	it.DeferGroup(staticGroups[1], func() { runs++ })
	if runs != 1 {
		t.Errorf("a group whose name was used before: %d runs at DeferGroup, want 1", runs)
	}
	it2 := New()
	it2.lazyDefaults = false
	runs = 0
	it2.DeferGroup(staticGroups[1], func() { runs++ })
	if runs != 1 {
		t.Errorf("with interp's names bound at once: %d runs at DeferGroup, want 1", runs)
	}
}

// A deferred group that rebinds one of interp's own names gives it the
// group's binding on first use, as an eager installation does.
func TestDeferredGroupRebindsBuiltin(t *testing.T) {
	var name string
	var k uint8
	for i := range staticSymbols {
		if s := &staticSymbols[i]; s.group != 0 && s.builtin != 0 {
			name, k = s.Name, s.group
			break
		}
	}
	if name == "" {
		t.Fatal("no deferred group rebinds a built-in (scsh: system rebinds delete-file): run go generate .")
	}
	it := New()
	it.DeferGroup(staticGroups[k], func() { it.Define(name, "the group's") })
	if v, _ := it.Lookup(name); v != "the group's" {
		t.Errorf("%s = %v, want the group's binding", name, v)
	}
}
