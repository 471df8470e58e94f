package interp

import "strings"

// Builtin is one row of a table of procedures written in Go, the one way
// popsh defines a built-in: interp's own tables are in the lib_*.go files,
// the bindings' in their install functions. Interp.DefineBuiltins installs a
// table; the same rows answer Interp.Doc, which feeds the REPL's ,doc and
// ,apropos and the generated procedure reference (docs/reference.md).
//
// The procedure's arguments are checked against MinArgs and MaxArgs before
// Fn runs; Fn unpacks them with UnpackArgs or the Arg helpers, whose errors
// all read the same way ("vector-ref: argument 2 (k): expected an exact
// integer, got x").
type Builtin struct {
	Name    string
	MinArgs int
	MaxArgs int // < 0: any number
	Fn      PrimFn
	// Doc is one line: the call with its parameters, a colon and what it
	// does, e.g. "(vector-ref vector k): the element of vector at index
	// k". Optional parameters are in brackets, a rest parameter is
	// followed by "...".
	Doc string
}

// DocLine documents a name bound some other way than by a Builtin: syntax,
// a procedure written in Scheme, a parameter or a variable. Doc has the
// form of Builtin.Doc ("(when test body ...): ..." or, for a variable,
// "pop3-line-ending: ...").
type DocLine struct {
	Name string
	Doc  string
}

// Documentation is what the interpreter knows of a documented name.
type Documentation struct {
	Name    string
	Section string // the table it came from, e.g. "lists" or "scsh: regular expressions"
	Doc     string
}

// docTable is one call of Document (or of DefineBuiltins, through its
// Primitives): kept as given, indexed on first use.
type docTable struct {
	section string
	lines   []DocLine
}

// primitives turns rows into Primitives of section, allocated together.
func primitives(section string, table []Builtin) []Primitive {
	block := make([]Primitive, len(table))
	for i := range table {
		b := &table[i]
		block[i] = Primitive{Name: b.Name, MinArgs: b.MinArgs, MaxArgs: b.MaxArgs, Fn: b.Fn, Doc: b.Doc, Section: section}
	}
	return block
}

// DefineBuiltins defines every procedure of table, documented under
// section (a short title: "scsh: file system").
func (it *Interp) DefineBuiltins(section string, table ...Builtin) {
	block := primitives(section, table)
	for i := range block {
		it.Define(block[i].Name, &block[i])
	}
}

// DefinePrimitive defines one undocumented Go procedure: a shorthand for
// tests and one-off embedder procedures. popsh's own procedures are rows of
// Builtin tables, each with its doc line. max < 0 means any number of
// arguments.
func (it *Interp) DefinePrimitive(name string, min, max int, fn PrimFn) {
	it.Define(name, &Primitive{Name: name, MinArgs: min, MaxArgs: max, Fn: fn})
}

// Document records doc lines for names bound some other way than by
// DefineBuiltins (syntax, Scheme definitions, parameters), under section.
// The lines are indexed when documentation is first asked for, so
// documenting costs an installation nothing.
func (it *Interp) Document(section string, lines ...DocLine) {
	it.docs = append(it.docs, docTable{section, lines})
	it.docIndex = nil
}

// Doc returns the documentation of name: the doc line of the Go procedure it
// is bound to, else a line given to Document. ok is false when name is not
// bound or has no doc line.
func (it *Interp) Doc(name string) (d Documentation, ok bool) {
	g := it.cell(Intern(name))
	if g == nil || (g.value == unbound && g.special == nil && g.macro == nil && !g.pending) {
		return Documentation{}, false
	}
	if p, isPrim := g.value.(*Primitive); isPrim && p.Doc != "" {
		return Documentation{Name: name, Section: p.Section, Doc: p.Doc}, true
	}
	if it.docIndex == nil {
		it.indexDocs()
	}
	d, ok = it.docIndex[name]
	return d, ok
}

// Documented returns the documentation of every documented bound name,
// sorted by name.
func (it *Interp) Documented() []Documentation {
	var out []Documentation
	for _, name := range it.GlobalNames() {
		if d, ok := it.Doc(name); ok {
			out = append(out, d)
		}
	}
	return out
}

func (it *Interp) indexDocs() {
	idx := make(map[string]Documentation)
	for _, t := range globalDocs {
		for _, l := range t.lines {
			idx[l.Name] = Documentation{Name: l.Name, Section: t.section, Doc: l.Doc}
		}
	}
	for _, t := range it.docs {
		for _, l := range t.lines {
			idx[l.Name] = Documentation{Name: l.Name, Section: t.section, Doc: l.Doc}
		}
	}
	it.docIndex = idx
}

// globalDocs holds interp's own doc lines for its syntax and Scheme-defined
// procedures (added from init functions, like builtins).
var globalDocs []docTable

// registerDocs adds interp's doc lines for names it binds without a
// Builtin (call from init only).
func registerDocs(section string, lines ...DocLine) {
	globalDocs = append(globalDocs, docTable{section, lines})
}

// DocSignature returns the call part of a doc line, before ": " (the whole
// line when it has no colon).
func DocSignature(doc string) string {
	if i := strings.Index(doc, ": "); i >= 0 {
		return doc[:i]
	}
	return doc
}

// registerBuiltins adds a table of interp's own procedures to the set every
// new interpreter installs (call from init only).
func registerBuiltins(section string, table ...Builtin) {
	block := primitives(section, table)
	for i := range block {
		addBuiltin(&block[i])
	}
}

// builtinsHash is a hash of the names of builtins in order, kept as they
// are added: the static table records the one of its build (defaults.go).
var builtinsHash uint64 = 14695981039346656037

// addBuiltin appends p to builtins (call from init only).
func addBuiltin(p *Primitive) {
	builtins = append(builtins, p)
	builtinsHash = (builtinsHash ^ staticHash(p.Name)) * 1099511628211
}
