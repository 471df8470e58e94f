package interp

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// specialForm is a core syntactic form known to the analyser.
type specialForm struct {
	name    string
	analyze func(c *compiler, p *Pair, sc *scope, fn *fnState) node
}

// SchemeString gives the printed form of a syntactic keyword.
func (s *specialForm) SchemeString() string { return "#<syntax " + s.name + ">" }

// specialForms is the table of core forms, filled in init and never changed.
var specialForms = map[string]*specialForm{}

func defSpecial(name string, f func(c *compiler, p *Pair, sc *scope, fn *fnState) node) {
	specialForms[name] = &specialForm{name: name, analyze: f}
}

// kw returns the special form or built-in macro named name, for use as the
// head of forms built by Go expanders (immune to user rebinding).
func kw(name string) Value {
	if sf, ok := specialForms[name]; ok {
		return sf
	}
	if m, ok := builtinMacros[name]; ok {
		return m
	}
	panic("kw: unknown keyword " + name)
}

func init() {
	defSpecial("quote", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		args := c.list(p.Cdr, "quote")
		if len(args) != 1 {
			c.fail(p, "quote: expected one datum")
		}
		return &nConst{stripSyntax(args[0])}
	})
	defSpecial("if", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		args := c.list(p.Cdr, "if")
		if len(args) < 2 || len(args) > 3 {
			c.fail(p, "if: expected (if test then [else])")
		}
		n := &nIf{c: c.analyze(args[0], sc, fn), t: c.analyze(args[1], sc, fn)}
		if len(args) == 3 {
			n.e = c.analyze(args[2], sc, fn)
		} else {
			n.e = &nConst{Unspecified}
		}
		return n
	})
	defSpecial("lambda", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		args := c.list(p.Cdr, "lambda")
		if len(args) < 2 {
			c.fail(p, "lambda: expected (lambda formals body...)")
		}
		return &nLambda{c.analyzeLambda(args[0], args[1:], sc, fn, "")}
	})
	defSpecial("named-lambda", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		args := c.list(p.Cdr, "named-lambda")
		if len(args) < 2 {
			c.fail(p, "named-lambda: expected (named-lambda (name . formals) body...)")
		}
		h, ok := args[0].(*Pair)
		if !ok || !isIdent(h.Car) {
			c.fail(p, "named-lambda: expected (named-lambda (name . formals) body...)")
		}
		return &nLambda{c.analyzeLambda(h.Cdr, args[1:], sc, fn, symbolName(h.Car))}
	})
	defSpecial("set!", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		args := c.list(p.Cdr, "set!")
		if len(args) != 2 || !isIdent(args[0]) {
			c.fail(p, "set!: expected (set! variable expr)")
		}
		r := c.lookup(args[0], sc)
		val := c.analyze(args[1], sc, fn)
		switch {
		case r.v != nil:
			r.v.mutated = true
			r.v.assigned = true
			c.capture(r.v, fn)
			return &nSet{v: r.v, val: val}
		case r.mac != nil:
			c.fail(p, "set!: %s is a syntax keyword", symbolName(args[0]))
		}
		if r.g.special != nil || r.g.macro != nil {
			c.fail(p, "set!: %s is a syntax keyword", symbolName(args[0]))
		}
		return &nGSet{g: r.g, val: val, pos: c.cur}
	})
	defSpecial("begin", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		forms := c.list(p.Cdr, "begin")
		if len(forms) == 0 {
			return &nConst{Unspecified}
		}
		seq := make([]node, len(forms))
		for i, f := range forms {
			seq[i] = c.analyze(f, sc, fn)
		}
		if len(seq) == 1 {
			return seq[0]
		}
		return &nSeq{seq}
	})
	defSpecial("define", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		c.fail(p, "define: not allowed in an expression context")
		return nil
	})
	defSpecial("define-values", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		c.fail(p, "define-values: not allowed in an expression context")
		return nil
	})
	defSpecial("define-syntax", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		c.fail(p, "define-syntax: not allowed in an expression context")
		return nil
	})
	defSpecial("syntax-rules", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		c.fail(p, "syntax-rules: only valid as a macro transformer")
		return nil
	})
	defSpecial("er-macro-transformer", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		c.fail(p, "er-macro-transformer: only valid as a macro transformer")
		return nil
	})
	defSpecial("let", analyzeLet)
	defSpecial("letrec", func(c *compiler, p *Pair, sc *scope, fn *fnState) node { return analyzeLetrecKind(c, p, sc, fn, false) })
	defSpecial("letrec*", analyzeLetrec)
	defSpecial("let-syntax", analyzeLetSyntax)
	defSpecial("letrec-syntax", analyzeLetSyntax)
	defSpecial("case-lambda", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		clauses := c.list(p.Cdr, "case-lambda")
		n := &nCaseLambda{}
		for _, cl := range clauses {
			cp, ok := cl.(*Pair)
			if !ok {
				c.fail(p, "case-lambda: bad clause %s", WriteString(stripSyntax(cl)))
			}
			n.fns = append(n.fns, c.analyzeLambda(cp.Car, c.list(cp.Cdr, "case-lambda"), sc, fn, ""))
		}
		return n
	})
	defSpecial("include", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		return c.analyze(&Pair{kw("begin"), c.includeForms(p, false)}, sc, fn)
	})
	defSpecial("include-ci", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		return c.analyze(&Pair{kw("begin"), c.includeForms(p, true)}, sc, fn)
	})
	defSpecial("import", analyzeImport)
	defSpecial("define-library", analyzeDefineLibrary)
}

// A user's library (define-library) has a top level of its own: each name
// it defines lives in a cell that only the library's body sees (a scope
// with lib set), except the names it exports, whose cells are the globals
// of their external names. Names it does not define are the globals, so
// the standard libraries are always visible. Macros the library defines
// close over its top level: an exported macro whose template refers to
// the library's own helpers works wherever it is used. import of a user's
// library or a standard one supports prefix, rename, only and except by
// defining the new names (syntax: the new name is the same keyword);
// inside a library, renamed imports are cells of its top level.

func libKey(name Value) string { return WriteString(stripSyntax(name)) }

func analyzeDefineLibrary(c *compiler, p *Pair, sc *scope, fn *fnState) node {
	if sc != nil {
		c.fail(p, "define-library: only allowed at top level")
	}
	decls := c.list(p.Cdr, "define-library")
	if len(decls) == 0 {
		c.fail(p, "define-library: missing library name")
	}
	type export struct{ in, out *Symbol }
	var exports []export
	var body []Value
	lsc := &scope{fn: fn, lib: map[*Symbol]*Global{}}
	var declare func(ds []Value)
	declare = func(ds []Value) {
		for _, d := range ds {
			dp, ok := d.(*Pair)
			if !ok {
				c.fail(p, "define-library: bad declaration %s", WriteString(stripSyntax(d)))
			}
			switch symbolName(dp.Car) {
			case "export":
				for _, e := range c.list(dp.Cdr, "export") {
					if isIdent(e) {
						exports = append(exports, export{baseSymbol(e), baseSymbol(e)})
						continue
					}
					parts := c.list(e, "export")
					if len(parts) != 3 || symbolName(parts[0]) != "rename" || !isIdent(parts[1]) || !isIdent(parts[2]) {
						c.fail(p, "define-library: bad export spec %s", WriteString(stripSyntax(e)))
					}
					exports = append(exports, export{baseSymbol(parts[1]), baseSymbol(parts[2])})
				}
			case "begin":
				body = append(body, c.list(dp.Cdr, "begin")...)
			case "include", "include-ci":
				forms, _ := ListToSlice(c.includeForms(dp, symbolName(dp.Car) == "include-ci"))
				body = append(body, forms...)
			case "include-library-declarations":
				forms, _ := ListToSlice(c.includeForms(dp, false))
				declare(forms)
			case "import":
				// standard libraries are always visible and user libraries
				// are global; a renamed name is a cell of the library
				for _, set := range c.list(dp.Cdr, "import") {
					for _, k := range c.keptStandard(set) {
						lsc.lib[k.name] = &Global{Name: k.name, value: k.value}
					}
					pairs, _, std := c.importSetStd(set)
					for _, pr := range pairs {
						if v, ok := c.keptValue(pr[1]); ok && std && pr[0] != pr[1] {
							lsc.lib[Intern(pr[0])] = &Global{Name: Intern(pr[0]), value: v}
						} else if pr[0] != pr[1] {
							g := c.lookup(Intern(pr[1]), nil).g
							lsc.lib[Intern(pr[0])] = g
							if !g.bound() {
								c.it.noteAuxName(pr[0], pr[1])
							}
						}
					}
				}
			case "cond-expand":
				for _, cl := range c.list(dp.Cdr, "cond-expand") {
					parts := c.list(cl, "cond-expand")
					if len(parts) == 0 {
						c.fail(p, "cond-expand: empty clause")
					}
					if c.featureMatch(parts[0]) {
						declare(parts[1:])
						break
					}
				}
			default:
				c.fail(p, "define-library: unknown declaration %s", symbolName(dp.Car))
			}
		}
	}
	declare(decls[1:])

	// the cell of each name the body defines
	outOf := map[*Symbol]*Symbol{}
	for _, e := range exports {
		if _, dup := outOf[e.in]; !dup {
			outOf[e.in] = e.out
		}
	}
	defined := map[*Symbol]bool{}
	cellFor := func(id Value) *Global {
		sym := baseSymbol(id)
		if defined[sym] {
			return lsc.lib[sym]
		}
		defined[sym] = true
		g := &Global{Name: sym, value: unbound}
		if out, ok := outOf[sym]; ok {
			g = c.it.global(out)
		}
		lsc.lib[sym] = g
		return g
	}
	// scan the body for definitions (expanding macro uses), so that every
	// form sees all of the library's names, then analyse it in order
	type item struct {
		g       *Global
		cells   []*Global // define-values
		formals Value
		expr    Value
		pos     Pos
	}
	var items []item
	c.scanBody(body, lsc, bodyDefs{
		define: func(name, expr Value) {
			items = append(items, item{g: cellFor(name), expr: expr, pos: c.cur})
		},
		defineValues: func(formals, expr Value, ids []Value) {
			var cells []*Global
			for _, id := range ids {
				cells = append(cells, cellFor(id))
			}
			items = append(items, item{cells: cells, formals: formals, expr: expr, pos: c.cur})
		},
		defineSyntax: func(name, spec Value) {
			g := cellFor(name)
			m := c.makeMacro(spec, lsc, symbolName(name))
			g.macro, g.special, g.value = m, nil, unbound
		},
		expr: func(f Value) { items = append(items, item{expr: f, pos: c.cur}) },
	})
	var seq []node
	for _, it := range items {
		old := c.cur
		c.cur = it.pos
		switch {
		case it.g != nil:
			val := c.analyze(it.expr, lsc, fn)
			nameLambda(val, it.g.Name.Name)
			seq = append(seq, &nGSet{g: it.g, val: val, define: true, pos: c.cur})
		case it.cells != nil:
			vars := make([]*variable, len(it.cells))
			for i, g := range it.cells {
				vars[i] = &variable{name: g.Name, fn: fn, slot: fn.newSlot(), mutated: true}
			}
			vs := []node{c.defineValuesNode(it.formals, vars, it.expr, lsc, fn)}
			for i, g := range it.cells {
				vs = append(vs, &nGSet{g: g, val: &nRef{vars[i]}, define: true, pos: c.cur})
			}
			vs = append(vs, &nConst{Unspecified})
			seq = append(seq, &nLet{vars: vars, body: &nSeq{vs}, rec: true})
		default:
			seq = append(seq, c.analyze(it.expr, lsc, fn))
		}
		c.cur = old
	}
	// exports whose cell is not the global of their external name: names
	// exported twice or under a new name without being defined here
	var names []string
	for _, e := range exports {
		names = append(names, e.out.Name)
		src := c.lookup(e.in, lsc).g
		dst := c.it.global(e.out)
		if src == dst {
			continue
		}
		if src.macro != nil || src.special != nil {
			dst.macro, dst.special, dst.value = src.macro, src.special, unbound
			continue
		}
		seq = append(seq, &nGSet{g: dst, val: &nGRef{g: src, pos: c.cur}, define: true, pos: c.cur})
	}
	seq = append(seq, &nConst{Unspecified})
	if c.it.libs == nil {
		c.it.libs = map[string][]string{}
	}
	c.it.libs[libKey(decls[0])] = names
	return &nSeq{seq}
}

// importSet returns the (new name, exported name) pairs an import set
// gives for a user's library or a standard library (R7RS's, whose names
// are listed in stdLibExports); ok is false for other libraries (SRFIs,
// scsh's), whose names are always visible and not listed. std is true
// when the set's library is a standard one: its names are bound anyway,
// so only and rename may name one the list does not hold (one of popsh's
// own) and keep it.
func (c *compiler) importSet(x Value) (pairs [][2]string, ok bool) {
	pairs, ok, _ = c.importSetStd(x)
	return pairs, ok
}

func (c *compiler) importSetStd(x Value) (pairs [][2]string, ok, std bool) {
	xp, isPair := x.(*Pair)
	if !isPair {
		c.fail(x, "import: bad import set %s", WriteString(stripSyntax(x)))
	}
	args, _ := ListToSlice(xp.Cdr)
	if isIdent(xp.Car) && len(args) >= 1 {
		switch op := symbolName(xp.Car); op {
		case "prefix", "rename", "only", "except":
			inner, ok, std := c.importSetStd(args[0])
			if !ok {
				// a library whose names are always visible but not
				// listed: only what only and rename name is known
				switch op {
				case "only", "rename":
					std = true
				case "prefix":
					c.fail(x, "import: prefix of %s: popsh does not know the names it exports", libKey(innermostLibrary(args[0])))
				default:
					return nil, false, false
				}
			}
			has := map[string]bool{}
			for _, pr := range inner {
				has[pr[0]] = true
			}
			var out [][2]string
			switch op {
			case "prefix":
				if len(args) != 2 || !isIdent(args[1]) {
					c.fail(x, "import: bad prefix set")
				}
				for _, pr := range inner {
					out = append(out, [2]string{symbolName(args[1]) + pr[0], pr[1]})
				}
			case "rename":
				ren := map[string]string{}
				for _, r := range args[1:] {
					rp, _ := ListToSlice(r)
					if len(rp) != 2 || !isIdent(rp[0]) || !isIdent(rp[1]) {
						c.fail(x, "import: bad rename %s", WriteString(stripSyntax(r)))
					}
					from := symbolName(rp[0])
					if !has[from] {
						if !std {
							c.fail(x, "import: %s is not in the import set %s", from, WriteString(stripSyntax(args[0])))
						}
						inner = append(inner, [2]string{from, from})
						has[from] = true
					}
					ren[from] = symbolName(rp[1])
				}
				for _, pr := range inner {
					if n, ok := ren[pr[0]]; ok {
						pr[0] = n
					}
					out = append(out, pr)
				}
			case "only", "except":
				set := map[string]bool{}
				for _, n := range args[1:] {
					if !isIdent(n) {
						c.fail(x, "import: bad name %s in %s", WriteString(stripSyntax(n)), op)
					}
					set[symbolName(n)] = true
					if op == "only" && std && !has[symbolName(n)] {
						inner = append(inner, [2]string{symbolName(n), symbolName(n)})
						has[symbolName(n)] = true
					}
				}
				for _, pr := range inner {
					if set[pr[0]] == (op == "only") {
						out = append(out, pr)
					}
				}
			}
			return out, true, std
		}
	}
	if names, known := standardExports(libKey(x)); known {
		for _, n := range names {
			pairs = append(pairs, [2]string{n, n})
		}
		return pairs, true, true
	}
	names, known := c.it.libs[libKey(x)]
	if !known && c.loadLibrary(xp) {
		names, known = c.it.libs[libKey(x)]
	}
	if !known {
		return nil, false, false
	}
	for _, n := range names {
		pairs = append(pairs, [2]string{n, n})
	}
	return pairs, true, false
}

// noteAuxName records that the name alias, given by an import, is the
// auxiliary keyword name (else, =>).
func (it *Interp) noteAuxName(alias, name string) {
	if it.auxNames == nil {
		it.auxNames = map[*Symbol]string{}
	}
	it.auxNames[Intern(alias)] = name
}

// innermostLibrary returns the library name an import set is made from.
func innermostLibrary(set Value) Value {
	for {
		p, ok := set.(*Pair)
		if !ok || !isIdent(p.Car) {
			return set
		}
		switch symbolName(p.Car) {
		case "prefix", "rename", "only", "except":
			if q, ok := p.Cdr.(*Pair); ok {
				set = q.Car
				continue
			}
		}
		return set
	}
}

// libraryFile finds the file that defines the library named name (see
// loadLibrary); rel is its name relative to a library directory.
func (c *compiler) libraryFile(name *Pair) (file, rel string, found bool) {
	parts, ok := ListToSlice(stripSyntax(name))
	if !ok || len(parts) == 0 {
		return "", "", false
	}
	var segs []string
	for _, p := range parts {
		switch t := p.(type) {
		case *Symbol:
			segs = append(segs, t.Name)
		case int:
			segs = append(segs, strconv.Itoa(t))
		default:
			return "", "", false
		}
	}
	switch segs[0] {
	case "scheme", "srfi", "popsh", "scsh":
		return "", "", false
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00") {
			return "", "", false
		}
	}
	rel = filepath.Join(segs...) + ".sld"
	if c.it.libFinder != nil {
		file, found = c.it.libFinder(rel)
	}
	if !found {
		var dirs []string
		if c.cur.File != "" {
			dirs = append(dirs, filepath.Dir(c.cur.File))
		}
		for _, d := range append(append(dirs, c.it.libRoots...), ".") {
			f := filepath.Join(d, rel)
			if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
				file, found = f, true
				break
			}
		}
	}
	return file, rel, found
}

// loadLibrary loads the file that defines the library named name, when
// the library is not known yet and is not one of the built-in families:
// for (a b c), a/b/c.sld found on the library path (SetLibraryFinder),
// else in the directory of the file being compiled, else in a directory
// where an earlier library was found this way, else in the current
// directory. It reports whether a file was loaded; a library that is not
// found stays unknown, as before, and its names unbound.
func (c *compiler) loadLibrary(name *Pair) bool {
	file, rel, found := c.libraryFile(name)
	if !found {
		return false
	}
	key := libKey(name)
	if c.it.libLoading[key] {
		c.fail(name, "import: library %s imports itself", key)
	}
	// the directory holding a/b/c.sld for (a b c) is a root where the
	// libraries it imports are looked for too
	if root := strings.TrimSuffix(filepath.Clean(file), rel); root != filepath.Clean(file) {
		known := false
		for _, r := range c.it.libRoots {
			known = known || r == root
		}
		if !known {
			c.it.libRoots = append(c.it.libRoots, root)
		}
	}
	if c.it.libLoading == nil {
		c.it.libLoading = map[string]bool{}
	}
	c.it.libLoading[key] = true
	defer delete(c.it.libLoading, key)
	if _, err := c.it.load(file); err != nil {
		e, ok := err.(*ErrorObject)
		if !ok {
			e = &ErrorObject{Who: "import", Message: err.Error(), Cause: err}
		}
		panic(compileError{e})
	}
	return true
}

// SetLibraryFinder sets how import looks for the file of a library it does
// not know: find gets a name relative to a library directory ("a/b/c.sld")
// and returns the file to load, if any. The directory of the importing file
// and the current directory are searched after it.
func (it *Interp) SetLibraryFinder(find func(rel string) (file string, found bool)) {
	it.libFinder = find
}

// importNames gives the new names of import sets (environment's
// arguments, data) as cells of the globals they denote; nil when the sets
// rename nothing.
func (it *Interp) importNames(sets []Value) (names map[*Symbol]*Global, err error) {
	c := &compiler{it: it, posmap: map[*Pair]Pos{}}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			names, err = nil, ce.e
		}
	}()
	for _, set := range sets {
		pairs, _ := c.importSet(set)
		for _, pr := range pairs {
			if pr[0] != pr[1] {
				if names == nil {
					names = map[*Symbol]*Global{}
				}
				names[Intern(pr[0])] = it.global(Intern(pr[1]))
			}
		}
	}
	return names, nil
}

// keptStandard returns the standard bindings (KeepStandard) that the
// import set gives back: those of its library when it is imported whole
// or with only naming them.
func (c *compiler) keptStandard(set Value) []keptBinding {
	var names map[string]bool
	if p, ok := set.(*Pair); ok && isIdent(p.Car) && symbolName(p.Car) == "only" {
		args, _ := ListToSlice(p.Cdr)
		if len(args) == 0 {
			return nil
		}
		set, names = args[0], map[string]bool{}
		for _, n := range args[1:] {
			if isIdent(n) {
				names[symbolName(n)] = true
			}
		}
	}
	if _, ok := set.(*Pair); !ok || len(c.it.kept) == 0 {
		return nil
	}
	var out []keptBinding
	for _, k := range c.it.kept[libKey(set)] {
		if names == nil || names[k.name.Name] {
			out = append(out, k)
		}
	}
	return out
}

// keptValue returns the standard binding kept for name (KeepStandard).
func (c *compiler) keptValue(name string) (Value, bool) {
	for _, ks := range c.it.kept {
		for _, k := range ks {
			if k.name.Name == name {
				return k.value, true
			}
		}
	}
	return nil, false
}

func analyzeImport(c *compiler, p *Pair, sc *scope, fn *fnState) node {
	var defs []Value
	var restore []node
	for _, set := range c.list(p.Cdr, "import") {
		for _, k := range c.keptStandard(set) {
			restore = append(restore, &nGSet{g: c.it.global(k.name), val: &nConst{k.value}, define: true, pos: c.cur})
		}
		pairs, ok, std := c.importSetStd(set)
		if !ok || sc != nil {
			continue
		}
		for _, pr := range pairs {
			if pr[0] == pr[1] {
				continue
			}
			if v, ok := c.keptValue(pr[1]); ok && std {
				// the standard version of a name the embedder rebinds
				restore = append(restore, &nGSet{g: c.it.global(Intern(pr[0])), val: &nConst{v}, define: true, pos: c.cur})
				continue
			}
			src := c.lookup(Intern(pr[1]), nil).g
			if src.macro != nil || src.special != nil {
				// syntax (if, define, a library's macro): the new name is
				// the same keyword from now on
				dst := c.it.global(Intern(pr[0]))
				dst.macro, dst.special, dst.value = src.macro, src.special, unbound
				continue
			}
			if std && !src.bound() {
				// an auxiliary keyword (else, =>), known by its name
				c.it.noteAuxName(pr[0], pr[1])
				continue
			}
			defs = append(defs, List(kw("define"), Intern(pr[0]), Intern(pr[1])))
		}
	}
	if sc != nil || len(defs)+len(restore) == 0 {
		return &nConst{Unspecified}
	}
	if len(defs) > 0 {
		restore = append(restore, c.analyzeTop(&Pair{kw("begin"), List(defs...)}, fn))
	}
	return &nSeq{append(restore, &nConst{Unspecified})}
}

// includeForms reads the files named by an include form.
func (c *compiler) includeForms(p *Pair, fold bool) Value {
	args := c.list(p.Cdr, "include")
	var forms []Value
	for _, a := range args {
		s, ok := a.(*String)
		if !ok {
			c.fail(p, "include: expected a file name string, got %s", WriteString(a))
		}
		name := s.String()
		if !filepath.IsAbs(name) && c.cur.File != "" {
			cand := filepath.Join(filepath.Dir(c.cur.File), name)
			if _, err := os.Stat(cand); err == nil {
				name = cand
			}
		}
		f, err := os.Open(name)
		if err != nil {
			panic(compileError{&ErrorObject{Kind: KindFileError, Who: "include", Message: "cannot open " + name + ": " + strings.TrimPrefix(err.Error(), "open "+name+": "), Pos: c.cur, Cause: err}})
		}
		rd := NewReader(f, name)
		rd.it = c.it
		rd.foldCase = fold
		rd.sourceFile = true
		for {
			v, err := rd.Read()
			if err != nil {
				if err == io.EOF {
					break
				}
				f.Close()
				if e, ok := err.(*ErrorObject); ok {
					panic(compileError{e})
				}
				c.fail(p, "include: %v", err)
			}
			forms = append(forms, v)
		}
		f.Close()
		for k, v := range rd.pos {
			c.posmap[k] = v
		}
	}
	return List(forms...)
}

// bindingList parses ((name init) ...).
func (c *compiler) bindingList(x Value, what string) (names, inits []Value) {
	for _, b := range c.list(x, what) {
		bp, ok := b.(*Pair)
		if !ok {
			c.fail(x, "%s: bad binding %s", what, WriteString(stripSyntax(b)))
		}
		parts := c.list(bp, what)
		if !isIdent(parts[0]) || len(parts) != 2 {
			c.fail(x, "%s: bad binding %s", what, WriteString(stripSyntax(b)))
		}
		names = append(names, parts[0])
		inits = append(inits, parts[1])
	}
	for i := range names {
		for j := 0; j < i; j++ {
			if names[i] == names[j] {
				c.fail(x, "%s: duplicate binding %s", what, symbolName(names[i]))
			}
		}
	}
	return
}

func analyzeLet(c *compiler, p *Pair, sc *scope, fn *fnState) node {
	args := c.list(p.Cdr, "let")
	if len(args) < 2 {
		c.fail(p, "let: expected (let bindings body...)")
	}
	if isIdent(args[0]) {
		// named let: ((letrec ((name (lambda vars body...))) name) inits...)
		if len(args) < 3 {
			c.fail(p, "let: expected (let name bindings body...)")
		}
		names, inits := c.bindingList(args[1], "let")
		lsc := &scope{parent: sc, fn: fn}
		v := &variable{name: args[0], fn: fn, slot: fn.newSlot(), mutated: true}
		lsc.bind(args[0], binding{v: v})
		lam := c.analyzeLambda(List(names...), args[2:], lsc, fn, symbolName(args[0]))
		call := &nCall{pos: c.cur, f: &nRef{v}}
		for _, in := range inits {
			call.args = append(call.args, c.analyze(in, sc, fn))
		}
		// inits are evaluated outside the scope of name: analyse them before
		// binding by evaluating into the call's arguments (scope sc).
		n := &nLet{vars: []*variable{v}, inits: []node{&nLambda{lam}}, body: call, rec: true}
		n.fix = fixGroups(n.vars, n.inits)
		return n
	}
	names, inits := c.bindingList(args[0], "let")
	n := &nLet{}
	for _, in := range inits {
		n.inits = append(n.inits, c.analyze(in, sc, fn))
	}
	lsc := &scope{parent: sc, fn: fn}
	for i, name := range names {
		v := &variable{name: name, fn: fn, slot: fn.newSlot()}
		if k, ok := n.inits[i].(*nConst); ok {
			v.konst = k
		}
		n.vars = append(n.vars, v)
		nameLambda(n.inits[i], symbolName(name))
		lsc.bind(name, binding{v: v})
	}
	n.body = c.analyzeBody(args[1:], &scope{parent: lsc, fn: fn}, fn, "let")
	if len(n.vars) == 0 {
		return n.body
	}
	return n
}

func analyzeLetrec(c *compiler, p *Pair, sc *scope, fn *fnState) node {
	return analyzeLetrecKind(c, p, sc, fn, true)
}

// analyzeLetrecKind analyses letrec* (star) or letrec. R7RS's letrec
// assigns the variables once every init has been evaluated (7.3 derives it
// with temporaries): a continuation captured in an init and called again
// later evaluates the rest of the inits and assigns every variable anew,
// from the values the inits gave in that pass. Each variable is also
// assigned as soon as its init is evaluated, as letrec* does: a valid
// letrec cannot tell, and programs written for Scheme48, whose letrec is
// sequential, keep working. When the inits are lambdas and constants,
// which capture no continuation, letrec is compiled as letrec*.
func analyzeLetrecKind(c *compiler, p *Pair, sc *scope, fn *fnState, star bool) node {
	args := c.list(p.Cdr, "letrec")
	if len(args) < 2 {
		c.fail(p, "letrec: expected (letrec bindings body...)")
	}
	names, inits := c.bindingList(args[0], "letrec")
	lsc := &scope{parent: sc, fn: fn}
	n := &nLet{rec: true}
	for _, name := range names {
		v := &variable{name: name, fn: fn, slot: fn.newSlot(), mutated: true}
		n.vars = append(n.vars, v)
		lsc.bind(name, binding{v: v})
	}
	for i, in := range inits {
		val := c.analyze(in, lsc, fn)
		nameLambda(val, symbolName(names[i]))
		n.inits = append(n.inits, val)
	}
	n.body = c.analyzeBody(args[1:], &scope{parent: lsc, fn: fn}, fn, "letrec")
	if !star && len(n.inits) > 1 && !lambdasAndConstants(n.inits) {
		var sets []node
		for i, v := range n.vars {
			t := &variable{name: v.name, fn: fn, slot: fn.newSlot()}
			n.inits[i] = &nSeq{[]node{&nSet{v: t, val: n.inits[i]}, &nRef{t}}}
			sets = append(sets, &nSet{v: v, val: &nRef{t}})
		}
		n.body = &nSeq{append(sets, n.body)}
		return n
	}
	n.fix = fixGroups(n.vars, n.inits)
	return n
}

// lambdasAndConstants reports whether every init is a lambda or a
// constant.
func lambdasAndConstants(inits []node) bool {
	for _, in := range inits {
		switch in.(type) {
		case *nLambda, *nConst:
		default:
			return false
		}
	}
	return true
}

func analyzeLetSyntax(c *compiler, p *Pair, sc *scope, fn *fnState) node {
	args := c.list(p.Cdr, "let-syntax")
	if len(args) < 2 {
		c.fail(p, "let-syntax: expected (let-syntax bindings body...)")
	}
	lsc := &scope{parent: sc, fn: fn}
	rec := symbolName(p.Car) == "letrec-syntax"
	for _, b := range c.list(args[0], "let-syntax") {
		parts := c.list(b, "let-syntax")
		if len(parts) != 2 || !isIdent(parts[0]) {
			c.fail(p, "let-syntax: bad binding %s", WriteString(stripSyntax(b)))
		}
		env := sc
		if rec {
			env = lsc
		}
		lsc.bind(parts[0], binding{mac: c.makeMacro(parts[1], env, symbolName(parts[0]))})
	}
	return c.analyzeBody(args[1:], &scope{parent: lsc, fn: fn}, fn, "let-syntax")
}
