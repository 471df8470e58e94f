package interp

import (
	"context"
	"embed"
	"strings"
)

// The library procedures written in Scheme (map, for-each, filter, sort,
// call-with-output-file...) live in scm/lib/*.scm. Compiling all of them in
// every New would cost more than the rest of start-up, so each top-level
// definition is compiled on first use instead: the name is bound to a stub
// primitive which, when called, evaluates that one definition (rebinding
// the global to the compiled procedure) and tail-calls the result. Error
// positions still name the line in the embedded file.

//go:embed scm/lib/*.scm
var libFS embed.FS

// lazyDef is one top-level definition of a library file.
type lazyDef struct {
	name string // the global it defines
	file string // for positions: prelude/NAME
	src  string // the definition, preceded by newlines up to its line
	stub *Primitive
}

func init() {
	ents, err := libFS.ReadDir("scm/lib")
	if err != nil {
		panic("popsh: embedded library: " + err.Error())
	}
	for _, e := range ents {
		b, err := libFS.ReadFile("scm/lib/" + e.Name())
		if err != nil {
			panic("popsh: embedded library: " + err.Error())
		}
		for _, d := range splitDefinitions(e.Name(), string(b)) {
			d := d
			d.stub = &Primitive{Name: d.name, MinArgs: 0, MaxArgs: -1, Fn: func(it *Interp, args []Value) (Value, error) {
				return d.call(it, args)
			}}
			register(d.stub)
		}
	}
}

// splitDefinitions cuts a library source at each line that starts with
// "(define", the only top-level forms these files contain.
func splitDefinitions(file, src string) []*lazyDef {
	var defs []*lazyDef
	lines := strings.SplitAfter(src, "\n")
	var cur *lazyDef
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.src += body.String()
			defs = append(defs, cur)
		}
		body.Reset()
	}
	for i, line := range lines {
		if strings.HasPrefix(line, "(define") {
			flush()
			rest := strings.TrimPrefix(strings.TrimPrefix(line, "(define"), " ")
			rest = strings.TrimPrefix(rest, "(")
			end := strings.IndexAny(rest, " )\n")
			if end < 0 {
				end = len(rest)
			}
			cur = &lazyDef{name: rest[:end], file: "prelude/" + file, src: strings.Repeat("\n", i)}
		}
		if cur != nil {
			body.WriteString(line)
		}
	}
	flush()
	return defs
}

// call compiles the definition in it (once: afterwards the global holds
// the compiled procedure) and tail-calls it with args.
func (d *lazyDef) call(it *Interp, args []Value) (Value, error) {
	proc, ok := it.Lookup(d.name)
	if !ok || proc == Value(d.stub) {
		if _, err := it.EvalString(context.Background(), d.src, d.file); err != nil {
			return nil, err
		}
		proc, ok = it.Lookup(d.name)
		if !ok || proc == Value(d.stub) {
			return nil, Errorf("library definition of %s failed", d.name)
		}
	}
	return &TailCall{Proc: proc, Args: append([]Value(nil), args...)}, nil
}

// LazyLibrary is Scheme source made only of top-level definitions whose
// values are procedures ((define (f ...) ...), or (define g <expression
// giving a procedure>)), compiled one definition at a time on first use,
// as the built-in library is: Install binds each name to a stub that
// compiles its definition when first called. Embedders use it to keep
// New-plus-install fast when they add large Scheme libraries.
type LazyLibrary struct {
	defs []*lazyDef
}

// NewLazyLibrary splits src at each line that starts with "(define"; file
// names the source in error positions. The stubs are shared by every
// interpreter the library is installed in (each compiles its own copy).
func NewLazyLibrary(file, src string) *LazyLibrary {
	defs := splitDefinitions(file, src)
	for _, d := range defs {
		d := d
		d.file = file
		d.stub = &Primitive{Name: d.name, MinArgs: 0, MaxArgs: -1, Fn: func(it *Interp, args []Value) (Value, error) {
			return d.call(it, args)
		}}
	}
	return &LazyLibrary{defs: defs}
}

// Install binds every definition of the library in it to its stub.
func (l *LazyLibrary) Install(it *Interp) {
	for _, d := range l.defs {
		it.Define(d.name, d.stub)
	}
}

// Names returns the names the library defines, in source order.
func (l *LazyLibrary) Names() []string {
	names := make([]string, len(l.defs))
	for i, d := range l.defs {
		names[i] = d.name
	}
	return names
}
