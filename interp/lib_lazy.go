package interp

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The library procedures written in Scheme (map, for-each, filter, sort,
// call-with-output-file...) live in scm/lib/*.scm, and the control
// procedures (dynamic-wind, force...) in scm/*.scm. Compiling all of them
// in every New would cost more than the rest of start-up, so a procedure
// definition is compiled on first use instead: the name is bound to a
// stub primitive which, when called, evaluates that one definition and
// tail-calls the result (the global then holds the compiled procedure,
// unless the program has bound the name to something else meanwhile).
// Error positions still name the line in the embedded file.
//
// A library may also defer variable definitions (NewLibrary's deferred
// names, DefineLazy): the cell stays unbound, marked pending (the
// definition is in Interp.pending), until the name is first referred to
// by code being compiled (the compiler's lookup) or by Lookup, which
// evaluate it then. Compiled code
// always reaches a cell through the compiler, so it never reads a cell
// whose definition is still pending. A start thus compiles no Scheme at
// all. A definition is evaluated without a thread switch (noYield), so
// two threads referring to one name see one value, made once.

// libForm is one top-level form, or a run of consecutive ones, of a
// library source.
type libForm struct {
	// name is the global a lazy definition defines; "" for forms that
	// are evaluated when the library is installed
	name string
	file string // for positions
	line int    // the line of the text's first character
	src  string // the text of the form(s)
	// stub stands for a procedure definition until its first call; mac
	// for a define-syntax form until its first use
	stub *Primitive
	mac  *macro
	// deferred: a variable definition evaluated when the name is first
	// referred to instead of at install (see NewLibrary); make, when set,
	// gives the value in place of src (DefineLazy)
	deferred bool
	make     func(it *Interp) (Value, error)
}

// splitForms cuts a library source into its top-level forms: a form
// starts at each line that begins with "(" (these sources are written
// so). A procedure definition, (define (name ...) ...), and a macro
// definition, (define-syntax name ...), are lazy; with allDefines, so is
// every (define name ...). Consecutive other forms are kept together, to
// be evaluated at install, except the definitions of the names in
// deferred, each a form of its own. Text before the first form (comments)
// is dropped.
func splitForms(file, src string, allDefines bool, deferred ...string) []*libForm {
	// The forms are values in one block, at most one per line starting
	// with "(": one allocation instead of one per form.
	vals := make([]libForm, 0, strings.Count(src, "\n(")+1)
	start := -1 // offset where the last form's text starts
	line := 1
	for off := 0; off < len(src); line++ {
		eol := strings.IndexByte(src[off:], '\n')
		next := len(src)
		if eol >= 0 {
			next = off + eol + 1
		}
		if src[off] == '(' {
			name, syntax := lazyName(src[off:next], allDefines)
			isDeferred := false
			if name == "" && len(deferred) > 0 {
				if n, _ := lazyName(src[off:next], true); n != "" && slices.Contains(deferred, n) {
					name, isDeferred = n, true
				}
			}
			if name != "" || len(vals) == 0 || vals[len(vals)-1].name != "" {
				if len(vals) > 0 {
					vals[len(vals)-1].src = src[start:off]
				}
				vals = append(vals, libForm{name: name, file: file, line: line, deferred: isDeferred})
				if syntax {
					vals[len(vals)-1].mac = &macro{name: name}
				}
				start = off
			}
		}
		off = next
	}
	if len(vals) > 0 {
		vals[len(vals)-1].src = src[start:]
	}
	forms := make([]*libForm, len(vals))
	for i := range vals {
		d := &vals[i]
		if d.mac != nil {
			d.mac.lazy = d
		}
		forms[i] = d
	}
	return forms
}

// lazyName returns the name a top-level form starting with line defines,
// when the form may be compiled lazily, else "", and whether it defines
// a macro.
func lazyName(line string, allDefines bool) (name string, syntax bool) {
	rest, ok := strings.CutPrefix(line, "(define ")
	if !ok {
		if rest, ok = strings.CutPrefix(line, "(define-syntax "); !ok {
			return "", false
		}
		syntax = true
	} else if r, ok := strings.CutPrefix(rest, "("); ok {
		rest = r
	} else if !allDefines {
		return "", false
	}
	end := strings.IndexAny(rest, " )\t\n")
	if end < 0 {
		end = len(rest)
	}
	name = rest[:end]
	if name == "" || strings.ContainsAny(name, "(\";'`,#|") {
		return "", false
	}
	return name, syntax
}

// newStub makes the primitive that stands for a lazy definition until
// its first call. It is shared by every interpreter; each compiles its own
// copy of the definition.
func (d *libForm) newStub(p *Primitive) {
	d.stub = p
	*p = Primitive{Name: d.name, MinArgs: 0, MaxArgs: -1, lazy: d, Fn: func(it *Interp, args []Value) (Value, error) {
		proc, err := d.load(it)
		if err != nil {
			return nil, err
		}
		return &TailCall{Proc: proc, Args: append([]Value(nil), args...)}, nil
	}}
}

// load returns the procedure the definition gives in it, compiling the
// definition on first use. While the global still holds the stub, the
// compiled procedure replaces it; when the program has bound the name to
// something else meanwhile (its own definition, a macro), that binding
// stays, and the stub, wherever it was kept, goes on standing for the
// library's procedure.
func (d *libForm) load(it *Interp) (Value, error) {
	if v, ok := it.lazyLoaded[d]; ok {
		return v, nil
	}
	defer it.inLibrary()()
	g := it.global(Intern(d.name))
	saved, special, mac := g.value, g.special, g.macro
	restore := func() {
		if d.stub != nil && saved == Value(d.stub) || d.mac != nil && mac == d.mac {
			return
		}
		g.special, g.macro = special, mac
		g.set(saved)
	}
	if err := d.eval(it); err != nil {
		restore()
		return nil, err
	}
	var v Value = g.value
	if d.mac != nil {
		v = unbound
		if g.macro != nil && g.macro != d.mac {
			v = g.macro
		}
	}
	restore()
	if d.deferred && v == unbound {
		return nil, Errorf("library definition of %s did not define it", d.name)
	}
	if d.mac == nil && !d.deferred && (v == unbound || v == Value(d.stub) || !isProcedure(v)) {
		return nil, Errorf("library definition of %s did not give a procedure", d.name)
	}
	if v == unbound {
		return nil, Errorf("library definition of %s did not give a macro", d.name)
	}
	if it.lazyLoaded == nil {
		it.lazyLoaded = make(map[*libForm]Value)
	}
	it.lazyLoaded[d] = v
	// The places where Go keeps a procedure it took from a global at New.
	if it.deliver == Value(d.stub) {
		it.deliver = v
	}
	for k, r := range it.coreRefs {
		if r == Value(d.stub) {
			it.coreRefs[k] = v
		}
	}
	return v, nil
}

// evalLibrary evaluates the library text src, whose first line is line
// of file. The text is the interpreter's or an embedder's own: the read
// limit for program text does not apply to it.
func (it *Interp) evalLibrary(src, file string, line int) (Value, error) {
	return it.evalLibraryForms(src, file, line, false)
}

// evalLibraryForms is evalLibrary; with simple, the forms that
// evalSimple can do are done without compiling them.
func (it *Interp) evalLibraryForms(src, file string, line int, simple bool) (Value, error) {
	defer it.inLibrary()()
	// A buffer the size of the text (these are small), and room for the
	// positions of its pairs (about one per five bytes), rather than
	// growing both as a file's reader does.
	rd := NewReader(bufio.NewReaderSize(strings.NewReader(src), min(len(src), 4096)), file)
	rd.pos = make(map[*Pair]Pos, len(src)/5)
	rd.line = line
	var last Value = Unspecified
	for {
		x, err := rd.Read()
		if err == io.EOF {
			return last, nil
		}
		if err != nil {
			return nil, err
		}
		if simple {
			if ok, err := it.evalSimple(x); err != nil {
				if e, isErr := err.(*ErrorObject); isErr && !e.Pos.IsValid() {
					e.Pos = rd.LastPos()
				}
				return nil, err
			} else if ok {
				last = Unspecified
				continue
			}
		}
		if last, err = it.evalTop(x, rd.pos, rd.LastPos()); err != nil {
			return nil, err
		}
	}
}

// installForms binds the lazy definitions of forms to their stubs, defers
// the deferred ones and evaluates the others, in source order.
func (it *Interp) installForms(forms []*libForm) error {
	defer it.inLibrary()()
	for _, d := range forms {
		if d.deferred {
			if err := it.deferGlobal(d); err != nil {
				return err
			}
			continue
		}
		if d.mac != nil {
			it.recordBinding(d.name)
			g := it.global(Intern(d.name))
			g.macro, g.special = d.mac, nil
			g.set(unbound)
			continue
		}
		if d.name != "" {
			it.Define(d.name, d.stub)
			continue
		}
		if _, err := it.evalLibraryForms(d.src, d.file, d.line, true); err != nil {
			return err
		}
	}
	return nil
}

// evalSimple does a library form evaluated at install without compiling
// it, when it is one of two simple kinds, and reports whether it did:
// (define a b), a copy of the global b (which must be bound; when b is a
// deferred definition not yet evaluated, a is deferred too, to the value
// of b's definition); or a call of a Go primitive whose arguments are
// quoted data or self-evaluating constants. The result is the one
// compiling the form would give; a start then compiles nothing.
func (it *Interp) evalSimple(x Value) (bool, error) {
	p, ok := x.(*Pair)
	if !ok {
		return false, nil
	}
	head, ok := p.Car.(*Symbol)
	if !ok {
		return false, nil
	}
	hg := it.cell(head)
	if hg == nil {
		return false, nil
	}
	args, ok := ListToSlice(p.Cdr)
	if !ok {
		return false, nil
	}
	if hg.special != nil {
		if hg.special.name != "define" || len(args) != 2 {
			return false, nil
		}
		a, ok1 := args[0].(*Symbol)
		b, ok2 := args[1].(*Symbol)
		if !ok1 || !ok2 {
			return false, nil
		}
		bg := it.cell(b)
		switch {
		case bg == nil || bg.special != nil || bg.macro != nil:
			return false, nil
		case bg.value == unbound && bg.pending:
			db := it.pending[bg]
			return true, it.deferGlobal(&libForm{name: a.Name, deferred: true,
				make: func(it *Interp) (Value, error) { return it.formValue(db) }})
		case bg.value == unbound:
			return false, nil
		}
		it.Define(a.Name, bg.value)
		return true, nil
	}
	prim, ok := hg.value.(*Primitive)
	if !ok || hg.macro != nil {
		return false, nil
	}
	for i, a := range args {
		switch v := a.(type) {
		case *Pair:
			q, ok := v.Car.(*Symbol)
			if !ok || q.Name != "quote" || it.cell(q) == nil || it.cell(q).special == nil {
				return false, nil
			}
			rest, ok := v.Cdr.(*Pair)
			if !ok || rest.Cdr != Value(Null) {
				return false, nil
			}
			args[i] = rest.Car
		case *String, bool, int, float64, Char:
		default:
			return false, nil
		}
	}
	_, err := it.vm.apply(prim, args)
	return true, err
}

// formValue returns the value the deferred definition d gives in it,
// evaluating it if that has not been done yet (the global keeps any
// other binding the program gave it meanwhile).
func (it *Interp) formValue(d *libForm) (Value, error) {
	if v, ok := it.lazyLoaded[d]; ok {
		return v, nil
	}
	if g := it.cell(Intern(d.name)); g != nil && g.pending && it.pending[g] == d {
		if err := it.forceGlobal(g); err != nil {
			return nil, err
		}
		if v, ok := it.lazyLoaded[d]; ok {
			return v, nil
		}
	}
	return d.load(it)
}

// libForms are the forms of scm/lib/*.scm; their stubs are built-in
// primitives, bound by New with the others.
var libForms = func() []*libForm {
	var all []*libForm
	for _, f := range libSources {
		for _, d := range indexedForms(f.idx, preludePrefix+f.name, f.text, true, nil) {
			if d.name == "" || d.mac != nil {
				panic("popsh: embedded library " + f.name + ": a form other than a definition at line " + fmt.Sprint(d.line))
			}
			all = append(all, d)
		}
	}
	return all
}()

func init() { registerLazy(libForms) }

// countStubs counts the forms of forms that get a stub: every named one
// with all, else the procedure definitions.
func countStubs(forms []*libForm, all bool) int {
	n := 0
	for _, d := range forms {
		if d.name != "" && (all || d.mac == nil && !d.deferred) {
			n++
		}
	}
	return n
}

// registerLazy adds the stubs of the lazy definitions among forms to the
// built-in table (call from init only).
func registerLazy(forms []*libForm) {
	stubs := make([]Primitive, 0, countStubs(forms, true))
	for _, d := range forms {
		if d.name != "" {
			stubs = append(stubs, Primitive{})
			d.newStub(&stubs[len(stubs)-1])
			addBuiltin(d.stub)
			lazyStubs[d.stub] = d
		}
	}
}

// lazyStubs maps the stubs of the built-in library's lazy definitions
// (scm/lib and the prelude) to their definitions. Filled by init, read
// only afterwards.
var lazyStubs = make(map[*Primitive]*libForm, 80)

// LazyLibrary is Scheme source whose procedure definitions are compiled
// one at a time on first use, as the built-in library's are: Install
// binds each name to a stub that compiles its definition when first
// called. Embedders use it to keep New-plus-install fast when they add
// large Scheme libraries.
type LazyLibrary struct {
	forms []*libForm
}

// NewLazyLibrary makes a library of src, made only of top-level
// definitions whose values are procedures ((define (f ...) ...), or
// (define g <expression giving a procedure>)), every one compiled on
// first use. src is split at each line that starts with "("; file names
// the source in error positions. Other top-level forms are evaluated by
// Install. The stubs are shared by every interpreter the library is
// installed in (each compiles its own copy).
func NewLazyLibrary(file, src string) *LazyLibrary {
	return newLibrary(file, src, true)
}

// NewLibrary makes a library of src, any Scheme source split at each line
// that starts with "(": the procedure definitions written (define (f
// ...) ...) are compiled on first use; every other top-level form
// (define-syntax, (define x <expression>), ...) is evaluated by Install,
// in source order, except the definitions (define x <expression>) of the
// names in deferred: each of those is evaluated when x is first referred
// to (by code being compiled, or Lookup), so list only names whose
// expression gives the same value whenever it is evaluated (a new
// parameter or predicate, not a copy of another variable or the
// environment). file names the source in error positions.
func NewLibrary(file, src string, deferred ...string) *LazyLibrary {
	return newLibrary(file, src, false, deferred...)
}

func newLibrary(file, src string, allDefines bool, deferred ...string) *LazyLibrary {
	return makeLibrary(splitForms(file, src, allDefines, deferred...))
}

// makeLibrary makes the library of forms, with a stub for each lazy
// procedure definition.
func makeLibrary(forms []*libForm) *LazyLibrary {
	stubs := make([]Primitive, 0, countStubs(forms, false))
	for _, d := range forms {
		if d.name != "" && d.mac == nil && !d.deferred {
			stubs = append(stubs, Primitive{})
			d.newStub(&stubs[len(stubs)-1])
		}
	}
	return &LazyLibrary{forms: forms}
}

// Install binds every lazy definition of the library in it to its stub
// and evaluates the library's other forms. It panics if one of those
// fails (use Load to get the error).
func (l *LazyLibrary) Install(it *Interp) {
	if err := l.Load(it); err != nil {
		panic("lazy library: " + err.Error())
	}
}

// Load is Install returning the error of a form evaluated at install.
func (l *LazyLibrary) Load(it *Interp) error {
	if l.bindOnly() {
		// only stubs and macros to bind: nothing is evaluated
		return it.installForms(l.forms)
	}
	done, err := it.enter(nil)
	if err != nil {
		return err
	}
	defer done()
	_, err = it.finish(Unspecified, it.installForms(l.forms))
	return err
}

// Value returns the value the library's definition of name (a deferred
// one or a lazy procedure) gives in it, evaluating the definition if that
// has not been done yet. It is the library's value even when the program
// has since bound name to something else.
func (l *LazyLibrary) Value(it *Interp, name string) (Value, error) {
	for _, d := range l.forms {
		if d.name != name || d.mac != nil {
			continue
		}
		if v, ok := it.lazyLoaded[d]; ok {
			return v, nil
		}
		done, err := it.enter(nil)
		if err != nil {
			return nil, err
		}
		defer done()
		return it.finish(it.formValue(d))
	}
	return nil, fmt.Errorf("library %s does not define %s", l.file(), name)
}

func (l *LazyLibrary) file() string {
	if len(l.forms) > 0 {
		return l.forms[0].file
	}
	return "(empty)"
}

// bindOnly reports whether installing the library only binds names to
// stubs and macros (every form a lazy procedure or macro definition).
func (l *LazyLibrary) bindOnly() bool {
	for _, d := range l.forms {
		if d.name == "" || d.deferred {
			return false
		}
	}
	return true
}

// Names returns the names the library defines lazily, in source order.
func (l *LazyLibrary) Names() []string {
	var names []string
	for _, d := range l.forms {
		if d.name != "" {
			names = append(names, d.name)
		}
	}
	return names
}

// loadMacro returns the macro a lazy define-syntax form defines in it,
// evaluating the form on first use.
func (d *libForm) loadMacro(it *Interp) (*macro, error) {
	v, err := d.load(it)
	if err != nil {
		return nil, err
	}
	return v.(*macro), nil
}

// DefineLazy binds name to the value mk gives, made when the name is
// first referred to (by code being compiled, or Lookup) rather than now.
// mk runs with the interpreter lock held and no thread switch; it must
// give the same value whenever it runs (capture anything from the
// environment before calling DefineLazy). When name already has a cell
// (code may have referred to it), mk runs now.
func (it *Interp) DefineLazy(name string, mk func(it *Interp) (Value, error)) error {
	return it.deferGlobal(&libForm{name: name, deferred: true, make: mk})
}

// deferGlobal binds the cell of d's name to d, to be evaluated on first
// reference; when the cell exists already (compiled code may hold it and
// read it without compiling again), d is evaluated at once.
func (it *Interp) deferGlobal(d *libForm) error {
	it.recordBinding(d.name)
	sym := Intern(d.name)
	if g := it.cell(sym); g != nil {
		g.special, g.macro = nil, nil
		g.set(unbound)
		it.setPending(g, d)
		return it.forceGlobal(g)
	}
	it.setPending(it.global(sym), d)
	return nil
}

// setPending records d as the deferred definition of g, or, with d nil,
// drops g's.
func (it *Interp) setPending(g *Global, d *libForm) {
	if d == nil {
		delete(it.pending, g)
		g.pending = false
		return
	}
	if it.pending == nil {
		it.pending = make(map[*Global]*libForm)
	}
	it.pending[g] = d
	g.pending = true
}

// forceGlobal evaluates the deferred definition of g, if it still has one
// and nothing has bound g meanwhile. The evaluation runs without a thread
// switch, so that two threads referring to the name see one definition
// made once.
func (it *Interp) forceGlobal(g *Global) error {
	if !g.pending {
		return nil
	}
	d := it.pending[g]
	it.setPending(g, nil)
	if g.value != unbound || g.special != nil || g.macro != nil {
		return nil
	}
	if v, ok := it.lazyLoaded[d]; ok {
		// made already (formValue) while the program had the name bound
		g.set(v)
		return nil
	}
	err := d.eval(it)
	if err == nil && g.value == unbound {
		err = Errorf("library definition of %s did not define it", d.name)
	}
	if err != nil {
		if g.value == unbound {
			it.setPending(g, d)
		}
		return err
	}
	if it.lazyLoaded == nil {
		it.lazyLoaded = make(map[*libForm]Value)
	}
	it.lazyLoaded[d] = g.value
	return nil
}

// eval evaluates the definition d, in one go: no other thread runs
// meanwhile, so a definition is not evaluated twice by two threads that
// refer to the name at once.
func (d *libForm) eval(it *Interp) error {
	it.noYield++
	defer func() { it.noYield-- }()
	defer it.inLibrary()()
	if d.make != nil {
		v, err := d.make(it)
		if err == nil {
			it.global(Intern(d.name)).set(v)
		}
		return err
	}
	_, err := it.evalLibrary(d.src, d.file, d.line)
	return err
}

// forceFromGo is forceGlobal for Go callers (Lookup), which may be outside
// any evaluation.
func (it *Interp) forceFromGo(g *Global) error {
	done, err := it.enter(nil)
	if err != nil {
		return err
	}
	defer done()
	_, err = it.finish(Unspecified, it.forceGlobal(g))
	return err
}
