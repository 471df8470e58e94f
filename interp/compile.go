package interp

import (
	"fmt"
)

// The analyser turns a datum into a tree of nodes with every identifier
// resolved; compile_gen.go turns the tree into bytecode.

type node interface{}

type (
	nConst struct{ v Value }
	nRef   struct{ v *variable }
	nGRef  struct {
		g   *Global
		pos Pos
	}
	nSet struct {
		v   *variable
		val node
		// define: the set of an internal definition; fix: the closures
		// of its letrec group to patch after it (fixGroups)
		define bool
		fix    []*variable
	}
	nGSet struct {
		g      *Global
		val    node
		define bool
		pos    Pos
	}
	nIf     struct{ c, t, e node }
	nLambda struct{ fn *fnState }
	nSeq    struct{ body []node }
	nCall   struct {
		f    node
		args []node
		pos  Pos
	}
	// nLet binds vars in the current frame; rec: letrec* (vars visible in inits).
	nLet struct {
		vars  []*variable
		inits []node
		body  node
		rec   bool
		fix   [][]*variable // rec: the closures to patch after each init (fixGroups)
	}
	nPrim struct {
		op   opcode
		imm  int
		g    *Global
		args []node
		pos  Pos
	}
	nCaseLambda struct {
		fns  []*fnState
		name string
	}
)

// variable is a lexical variable.
type variable struct {
	name     Value
	fn       *fnState
	slot     int
	captured bool
	mutated  bool // assigned after its binding (letrec, internal define, set!)
	assigned bool // target of set!
	// konst is the literal a let binds the variable to: while the
	// variable is never assigned, its uses are that constant
	konst *nConst
	// firstCapture is the seq of the earliest lambda (the one made in
	// the variable's own frame) that captures it; captureUnknown is set
	// when a capturing lambda has no seq. fixed says the variable, bound
	// to a lambda in a letrec group and never assigned, is not boxed: the
	// group's closures are patched once all of them exist (see fixGroup).
	firstCapture   int
	captureUnknown bool
	fixed          bool
	lambda         *fnState // the lambda a letrec group binds it to
}

// boxed says whether the variable lives in a box: when a closure captures
// it and it is assigned later, and whenever set! assigns it (so that
// re-entering a continuation, which copies the stack back, does not bring
// back an old value).
func (v *variable) boxed() bool {
	return v.assigned || (v.captured && v.mutated && !v.fixed)
}

// fnState is a lambda being compiled.
type fnState struct {
	parent  *fnState
	name    string
	params  []*variable
	nreq    int
	rest    bool
	nslots  int
	free    []*variable
	freeIdx map[*variable]int
	body    node
	pos     Pos
	// self is the letrec (named let, internal define) variable bound to
	// this very lambda and never assigned: a tail call through it is a
	// jump to the start (set by the code generator)
	self *variable
	// seq numbers the lambdas in the order the compiler analyses them
	// (0: not numbered); closures of a body are made in that order
	seq int
	// proto is the generated code (set by the code generator)
	proto *Proto
}

func (f *fnState) newSlot() int {
	f.nslots++
	return f.nslots - 1
}

func (f *fnState) addFree(v *variable) int {
	if i, ok := f.freeIdx[v]; ok {
		return i
	}
	if f.freeIdx == nil {
		f.freeIdx = make(map[*variable]int)
	}
	f.free = append(f.free, v)
	f.freeIdx[v] = len(f.free) - 1
	return len(f.free) - 1
}

// binding is what an identifier denotes in a scope: a variable or a macro.
type binding struct {
	v   *variable
	mac *macro
}

// scope is a lexical contour.
type scope struct {
	parent *scope
	fn     *fnState
	names  []Value
	binds  []binding
	// lib: the top level of a library body (define-library): the cells
	// of the names the library defines or renames on import. A name not
	// in it is looked up among the globals.
	lib map[*Symbol]*Global
}

func (s *scope) bind(name Value, b binding) {
	s.names = append(s.names, name)
	s.binds = append(s.binds, b)
}

// alias is an identifier introduced by a macro expansion: it denotes what
// its name denotes in env (the macro's definition environment), unless a
// binding form of the same expansion binds it.
type alias struct {
	name Value // *Symbol or *alias
	env  *scope
	lib  bool // made by a macro of library code
}

// SchemeString prints an alias as its name.
func (a *alias) SchemeString() string { return symbolName(a) }

// resolved is the outcome of looking an identifier up.
type resolved struct {
	v   *variable
	mac *macro
	g   *Global
}

func symbolName(id Value) string {
	for {
		switch t := id.(type) {
		case *Symbol:
			return t.Name
		case *alias:
			id = t.name
		default:
			return WriteString(id)
		}
	}
}

func isIdent(x Value) bool {
	switch x.(type) {
	case *Symbol, *alias:
		return true
	}
	return false
}

// baseSymbol strips aliases.
func baseSymbol(id Value) *Symbol {
	for {
		switch t := id.(type) {
		case *Symbol:
			return t
		case *alias:
			id = t.name
		default:
			return nil
		}
	}
}

// compiler holds the state of compiling one top-level form.
type compiler struct {
	it       *Interp
	posmap   map[*Pair]Pos
	cur      Pos
	expanded int
	depth    int
	lambdas  int // lambdas analysed so far (fnState.seq)
	// top is the scope of the top level: nil (the globals), or the names
	// of an environment made by environment with renaming import sets
	top *scope
}

// maxCompileDepth bounds the nesting of forms (after expansion) so that a
// runaway recursive macro or a hostile input cannot exhaust the Go stack.
const maxCompileDepth = 20000

// compileError is panicked inside the compiler and recovered at its entry.
type compileError struct{ e *ErrorObject }

func (c *compiler) fail(x Value, format string, args ...any) {
	p := c.cur
	if pr, ok := x.(*Pair); ok {
		if pp, ok := c.posmap[pr]; ok {
			p = pp
		}
	}
	panic(compileError{&ErrorObject{Kind: KindSyntax, Message: fmt.Sprintf(format, args...), Pos: p}})
}

func (c *compiler) lookup(id Value, sc *scope) resolved {
	lib := false // an alias a library macro made: its global is the library's
	for {
		for s := sc; s != nil; s = s.parent {
			for i := len(s.names) - 1; i >= 0; i-- {
				if s.names[i] == id {
					b := s.binds[i]
					return resolved{v: b.v, mac: b.mac}
				}
			}
			if s.lib != nil {
				if sym, ok := id.(*Symbol); ok {
					if g := s.lib[sym]; g != nil {
						return resolved{g: g}
					}
				}
			}
		}
		a, ok := id.(*alias)
		if !ok {
			g := c.it.global(id.(*Symbol))
			if lib && g.lib != nil {
				g = g.lib
			}
			if g.pending {
				if err := c.it.forceGlobal(g); err != nil {
					c.fail(id, "%s: %v", g.Name.Name, err)
				}
			}
			return resolved{g: g}
		}
		lib = lib || a.lib
		id, sc = a.name, a.env
	}
}

// sameBinding reports whether identifiers a (in sa) and b (in sb) denote the
// same binding (free-identifier=?).
func (c *compiler) sameBinding(a Value, sa *scope, b Value, sb *scope) bool {
	ra, rb := c.lookup(a, sa), c.lookup(b, sb)
	if ra.g != nil || rb.g != nil {
		return ra.g == rb.g
	}
	if ra.v != nil || rb.v != nil {
		return ra.v == rb.v
	}
	return ra.mac == rb.mac
}

func (c *compiler) withPos(x Value) func() {
	if p, ok := x.(*Pair); ok {
		if pp, ok := c.posmap[p]; ok {
			old := c.cur
			c.cur = pp
			return func() { c.cur = old }
		}
	}
	return func() {}
}

func (c *compiler) list(x Value, what string) []Value {
	items, ok := ListToSlice(x)
	if !ok {
		c.fail(x, "%s: bad syntax (not a proper list): %s", what, WriteString(stripSyntax(x)))
	}
	return items
}

// analyze analyses an expression in scope sc (which belongs to fn).
func (c *compiler) analyze(x Value, sc *scope, fn *fnState) node {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxCompileDepth {
		c.fail(x, "form nested too deeply (runaway macro?)")
	}
	switch t := x.(type) {
	case *Symbol, *alias:
		return c.ref(t, sc, fn, true)
	case *Pair:
		defer c.withPos(t)()
		return c.analyzePair(t, sc, fn)
	case *EmptyList:
		c.fail(x, "missing procedure expression in ()")
	case *Global:
		if t.special != nil || t.macro != nil {
			c.fail(x, "syntax keyword %s used as a variable", t.Name.Name)
		}
		return &nGRef{g: t, pos: c.cur}
	case *specialForm, *macro:
		c.fail(x, "syntax keyword used as an expression")
	case *Vector:
		return &nConst{stripSyntax(t)}
	}
	return &nConst{x}
}

// ref analyses a reference to the variable id. A reference that takes a
// library procedure as a value (asValue: not the operator of a call) in
// the program's code compiles the procedure's lazy definition now, so the
// value is the procedure itself and not the stub standing for it until its
// first call: a stub kept in a variable would not be eqv? to the global
// once the first call had replaced it.
func (c *compiler) ref(id Value, sc *scope, fn *fnState, asValue bool) node {
	r := c.lookup(id, sc)
	switch {
	case r.v != nil:
		c.capture(r.v, fn)
		return &nRef{r.v}
	case r.mac != nil:
		c.fail(id, "syntax keyword %s used as a variable", symbolName(id))
	}
	if r.g.special != nil || r.g.macro != nil {
		c.fail(id, "syntax keyword %s used as a variable", symbolName(id))
	}
	if p, ok := r.g.value.(*Primitive); ok && p.lazy != nil && asValue && c.it.libDepth == 0 {
		// an error here is the first call's to report
		_, _ = p.lazy.load(c.it)
	}
	return &nGRef{g: r.g, pos: c.cur}
}

func (c *compiler) capture(v *variable, fn *fnState) {
	if v.fn == fn {
		return
	}
	v.captured = true
	outer := fn
	for f := fn; f != nil && f != v.fn; f = f.parent {
		f.addFree(v)
		outer = f
	}
	switch {
	case outer.seq == 0:
		v.captureUnknown = true
	case v.firstCapture == 0 || outer.seq < v.firstCapture:
		v.firstCapture = outer.seq
	}
}

// fixGroup marks the variables of a letrec group that need no box: vars
// are bound, in order, to constants and to the closures of lambdas (the
// first numbered start), nothing assigns them and no closure made before
// the group captures them. It returns the members whose closures the
// code generator patches after the group (none when nothing is fixed).
func fixGroup(vars []*variable, inits []node, start int) []*variable {
	any := false
	for _, v := range vars {
		if !v.assigned && !v.captureUnknown && (v.firstCapture == 0 || v.firstCapture >= start) {
			v.fixed = true
			any = any || v.captured
		}
	}
	if !any {
		return nil
	}
	var lams []*variable
	for i, v := range vars {
		if l, ok := inits[i].(*nLambda); ok {
			v.lambda = l.fn
			lams = append(lams, v)
		}
	}
	return lams
}

// fixGroups finds among vars (inits[i] is the value of vars[i]; nil for
// none) the runs bound to lambdas and constants (which call nothing, so
// no closure of the run runs before the run ends) and marks them with
// fixGroup; fix[i] lists the closures to patch after vars[i] is set.
func fixGroups(vars []*variable, inits []node) (fix [][]*variable) {
	fix = make([][]*variable, len(vars))
	for i := 0; i < len(vars); {
		j, start := i, 0
		for ; j < len(vars); j++ {
			if l, ok := inits[j].(*nLambda); ok && l.fn.seq != 0 {
				if start == 0 {
					start = l.fn.seq
				}
				continue
			}
			if _, ok := inits[j].(*nConst); ok && vars[j] != nil {
				continue
			}
			break
		}
		if start != 0 {
			fix[j-1] = fixGroup(vars[i:j], inits[i:j], start)
		}
		i = max(j, i+1)
	}
	return fix
}

// headKind classifies the head of a form.
func (c *compiler) head(x Value, sc *scope) (sf *specialForm, m *macro) {
	switch t := x.(type) {
	case *specialForm:
		return t, nil
	case *macro:
		return nil, t
	case *Global:
		return t.special, t.macro
	case *Symbol, *alias:
		r := c.lookup(t, sc)
		if r.mac != nil {
			return nil, r.mac
		}
		if r.g != nil {
			return r.g.special, r.g.macro
		}
	}
	return nil, nil
}

func (c *compiler) analyzePair(p *Pair, sc *scope, fn *fnState) node {
	sf, m := c.head(p.Car, sc)
	if sf != nil {
		return sf.analyze(c, p, sc, fn)
	}
	if m != nil {
		return c.analyze(c.expand(m, p, sc), sc, fn)
	}
	args := c.list(p.Cdr, "procedure call")
	// inlined primitives
	if g, ok := p.Car.(*Global); ok || isIdent(p.Car) {
		var r resolved
		if ok {
			r.g = g
		} else {
			r = c.lookup(p.Car, sc)
		}
		if r.g != nil && r.g.builtin != nil {
			if op, ok := inlineOps[r.g.Name.Name]; ok && (op.arity == len(args) || op.arity < 0 && len(args) <= maxInlineList) {
				n := &nPrim{op: op.op, imm: op.imm, g: r.g, pos: c.cur}
				for _, a := range args {
					n.args = append(n.args, c.analyze(a, sc, fn))
				}
				return n
			}
		}
	}
	call := &nCall{pos: c.cur}
	if isIdent(p.Car) {
		call.f = c.ref(p.Car, sc, fn, false)
	} else {
		call.f = c.analyze(p.Car, sc, fn)
	}
	for _, a := range args {
		call.args = append(call.args, c.analyze(a, sc, fn))
	}
	return call
}

const maxExpansions = 200000

// expand expands one macro use.
func (c *compiler) expand(m *macro, p *Pair, sc *scope) Value {
	c.expanded++
	if c.expanded > maxExpansions {
		c.fail(p, "%s: too many macro expansions (runaway macro?)", m.name)
	}
	if m.lazy != nil {
		real, err := m.lazy.loadMacro(c.it)
		if err != nil {
			c.fail(p, "%s: %v", m.name, err)
		}
		m = real
	}
	var out Value
	var err error
	switch {
	case m.rules != nil:
		out, err = m.rules.expand(c, p, sc)
	case m.builtin != nil:
		out = m.builtin(c, p, sc)
	case m.gofn != nil:
		out, err = m.gofn(stripSyntax(p))
	case m.er != nil:
		out, err = c.erExpand(m, p, sc)
	}
	if err != nil {
		if e, ok := err.(*ErrorObject); ok {
			if !e.Pos.IsValid() {
				e.Pos = c.cur
			}
			panic(compileError{e})
		}
		c.fail(p, "%s: %v", m.name, err)
	}
	if op, ok := out.(*Pair); ok {
		if _, has := c.posmap[op]; !has {
			c.posmap[op] = c.cur
		}
	}
	return out
}

// stripSyntax removes aliases from a datum (syntax->datum), copying only
// what contains aliases.
func stripSyntax(x Value) Value {
	return strip(x, 0)
}

func strip(x Value, depth int) Value {
	if depth > 100000 {
		return x
	}
	switch t := x.(type) {
	case *alias:
		return baseSymbol(t)
	case *Pair:
		a := strip(t.Car, depth+1)
		d := strip(t.Cdr, depth+1)
		if a == t.Car && d == t.Cdr {
			return t
		}
		return &Pair{a, d}
	case *Vector:
		var items []Value
		for i, e := range t.Items {
			s := strip(e, depth+1)
			if s != e && items == nil {
				items = append([]Value(nil), t.Items...)
			}
			if items != nil {
				items[i] = s
			}
		}
		if items == nil {
			return t
		}
		return &Vector{Items: items, Immutable: true}
	}
	return x
}

// ---- bodies ----

// bodyItem is one form of a body after scanning for definitions.
type bodyItem struct {
	def  *variable // set for (define var expr)
	expr Value
	sc   *scope
	// several variables (define-values): formals and expr
	vals    []*variable
	formals Value
	pos     Pos
}

// bodyDefs receives the forms of a body as scanBody finds them, in order,
// with c.cur at each form: definitions, and the other forms (expanded).
type bodyDefs struct {
	define       func(name, expr Value)
	defineValues func(formals, expr Value, ids []Value)
	defineSyntax func(name, spec Value)
	expr         func(f Value)
}

// scanBody walks the forms of a body (a lambda's, or a library's top
// level) in scope sc: it expands macro uses at the head of forms, opens
// begin and include, and hands each definition and expression to d.
func (c *compiler) scanBody(forms []Value, sc *scope, d bodyDefs) {
	for _, f := range forms {
		restore := c.withPos(f)
		for {
			p, ok := f.(*Pair)
			if !ok {
				break
			}
			sf, m := c.head(p.Car, sc)
			if m != nil {
				f = c.expand(m, p, sc)
				continue
			}
			if sf == nil {
				break
			}
			switch sf.name {
			case "begin":
				c.scanBody(c.list(p.Cdr, "begin"), sc, d)
				f = nil
			case "include", "include-ci":
				forms, _ := ListToSlice(c.includeForms(p, sf.name == "include-ci"))
				c.scanBody(forms, sc, d)
				f = nil
			case "define":
				name, expr := c.parseDefine(p)
				d.define(name, expr)
				f = nil
			case "define-values":
				args := c.list(p.Cdr, "define-values")
				if len(args) != 2 {
					c.fail(p, "define-values: expected (define-values formals expr)")
				}
				d.defineValues(args[0], args[1], formalIDs(c, args[0]))
				f = nil
			case "define-syntax":
				args := c.list(p.Cdr, "define-syntax")
				if len(args) != 2 || !isIdent(args[0]) {
					c.fail(p, "define-syntax: expected (define-syntax name transformer)")
				}
				d.defineSyntax(args[0], args[1])
				f = nil
			}
			break
		}
		if f != nil {
			d.expr(f)
		}
		restore()
	}
}

// analyzeBody analyses a body (lambda, let...) with internal definitions
// (letrec* semantics). sc is a fresh scope of fn that receives the defined
// names.
func (c *compiler) analyzeBody(forms []Value, sc *scope, fn *fnState, what string) node {
	if len(forms) == 0 {
		c.fail(nil, "%s: empty body", what)
	}
	var items []bodyItem
	var defined []*variable
	c.scanBody(forms, sc, bodyDefs{
		define: func(name, expr Value) {
			v := &variable{name: name, fn: fn, slot: fn.newSlot(), mutated: true}
			sc.bind(name, binding{v: v})
			defined = append(defined, v)
			items = append(items, bodyItem{def: v, expr: expr, pos: c.cur})
		},
		defineValues: func(formals, expr Value, ids []Value) {
			var vs []*variable
			for _, id := range ids {
				v := &variable{name: id, fn: fn, slot: fn.newSlot(), mutated: true}
				sc.bind(id, binding{v: v})
				defined = append(defined, v)
				vs = append(vs, v)
			}
			items = append(items, bodyItem{vals: vs, formals: formals, expr: expr, pos: c.cur})
		},
		defineSyntax: func(name, spec Value) {
			m := c.makeMacro(spec, sc, symbolName(name))
			sc.bind(name, binding{mac: m})
		},
		expr: func(f Value) { items = append(items, bodyItem{expr: f, pos: c.cur}) },
	})
	if len(items) == 0 {
		c.fail(nil, "%s: body has no expression", what)
	}
	var seq []node
	for _, it := range items {
		old := c.cur
		c.cur = it.pos
		switch {
		case it.def != nil:
			val := c.analyze(it.expr, sc, fn)
			nameLambda(val, symbolName(it.def.name))
			seq = append(seq, &nSet{v: it.def, val: val, define: true})
		case it.vals != nil:
			seq = append(seq, c.defineValuesNode(it.formals, it.vals, it.expr, sc, fn))
		default:
			seq = append(seq, c.analyze(it.expr, sc, fn))
		}
		c.cur = old
	}
	// runs of definitions by lambdas are letrec groups
	var gvars []*variable
	var ginits []node
	var gsets []*nSet
	for _, n := range seq {
		if set, ok := n.(*nSet); ok && set.define {
			gvars, ginits, gsets = append(gvars, set.v), append(ginits, set.val), append(gsets, set)
		} else {
			gvars, ginits, gsets = append(gvars, nil), append(ginits, nil), append(gsets, nil)
		}
	}
	for i, f := range fixGroups(gvars, ginits) {
		if f != nil {
			gsets[i].fix = f
		}
	}
	if _, isDef := seq[len(seq)-1].(*nSet); isDef && items[len(items)-1].def != nil {
		seq = append(seq, &nConst{Unspecified})
	}
	var body node
	if len(seq) == 1 {
		body = seq[0]
	} else {
		body = &nSeq{seq}
	}
	if len(defined) == 0 {
		return body
	}
	return &nLet{vars: defined, inits: nil, body: body, rec: true}
}

func nameLambda(n node, name string) {
	switch t := n.(type) {
	case *nLambda:
		if t.fn.name == "" {
			t.fn.name = name
		}
	case *nCaseLambda:
		if t.name == "" {
			t.name = name
		}
	}
}

// parseDefine returns the name and the value expression of a define form.
func (c *compiler) parseDefine(p *Pair) (Value, Value) {
	args := c.list(p.Cdr, "define")
	if len(args) == 0 {
		c.fail(p, "define: missing name")
	}
	switch t := args[0].(type) {
	case *Symbol, *alias:
		if len(args) == 1 {
			return t, Unspecified
		}
		if len(args) != 2 {
			c.fail(p, "define: expected (define name expr), got %d expressions", len(args)-1)
		}
		return t, args[1]
	case *Pair:
		// (define (name . formals) body...) and curried (define ((f a) b) ...)
		target, formals := t.Car, t.Cdr
		lam := &Pair{specialForms["lambda"], &Pair{formals, p.Cdr.(*Pair).Cdr}}
		for {
			if tp, ok := target.(*Pair); ok {
				lam = &Pair{specialForms["lambda"], &Pair{tp.Cdr, List(lam)}}
				target = tp.Car
				continue
			}
			break
		}
		if !isIdent(target) {
			c.fail(p, "define: bad name %s", WriteString(stripSyntax(target)))
		}
		c.posmap[lam] = c.cur
		return target, lam
	}
	c.fail(p, "define: bad name %s", WriteString(stripSyntax(args[0])))
	return nil, nil
}

// formalIDs lists the identifiers of a formals list (proper, dotted or a
// single identifier).
func formalIDs(c *compiler, formals Value) []Value {
	var ids []Value
	x := formals
	for {
		switch t := x.(type) {
		case *Pair:
			if !isIdent(t.Car) {
				c.fail(formals, "bad formal parameter %s", WriteString(stripSyntax(t.Car)))
			}
			ids = append(ids, t.Car)
			x = t.Cdr
			continue
		case *EmptyList:
		case *Symbol, *alias:
			ids = append(ids, t)
		default:
			c.fail(formals, "bad formal parameters %s", WriteString(stripSyntax(formals)))
		}
		break
	}
	for i := range ids {
		for j := 0; j < i; j++ {
			if ids[i] == ids[j] {
				c.fail(formals, "duplicate parameter %s", symbolName(ids[i]))
			}
		}
	}
	return ids
}

// analyzeLambda builds a lambda from formals and body.
func (c *compiler) analyzeLambda(formals Value, body []Value, sc *scope, parent *fnState, name string) *fnState {
	c.lambdas++
	fn := &fnState{parent: parent, name: name, pos: c.cur, seq: c.lambdas}
	nsc := &scope{parent: sc, fn: fn}
	x := formals
	for {
		switch t := x.(type) {
		case *Pair:
			if !isIdent(t.Car) {
				c.fail(formals, "lambda: bad parameter %s", WriteString(stripSyntax(t.Car)))
			}
			v := &variable{name: t.Car, fn: fn, slot: fn.newSlot()}
			fn.params = append(fn.params, v)
			fn.nreq++
			nsc.bind(t.Car, binding{v: v})
			x = t.Cdr
			continue
		case *EmptyList:
		case *Symbol, *alias:
			v := &variable{name: t, fn: fn, slot: fn.newSlot()}
			fn.params = append(fn.params, v)
			fn.rest = true
			nsc.bind(t, binding{v: v})
		default:
			c.fail(formals, "lambda: bad parameter list %s", WriteString(stripSyntax(formals)))
		}
		break
	}
	for i, a := range fn.params {
		for _, b := range fn.params[:i] {
			if a.name == b.name {
				c.fail(formals, "lambda: duplicate parameter %s", symbolName(a.name))
			}
		}
	}
	fn.body = c.analyzeBody(body, &scope{parent: nsc, fn: fn}, fn, "lambda")
	return fn
}

// defineValuesNode assigns the values of expr to vars according to formals.
func (c *compiler) defineValuesNode(formals Value, vars []*variable, expr Value, sc *scope, fn *fnState) node {
	// (call-with-values (lambda () expr) (lambda tmps (set! v tmp) ...))
	consumer := &fnState{parent: fn, pos: c.cur, name: "define-values"} // arity errors name the form
	nsc := &scope{parent: sc, fn: consumer}
	var sets []node
	x := formals
	i := 0
	for {
		switch t := x.(type) {
		case *Pair:
			p := &variable{name: t.Car, fn: consumer, slot: consumer.newSlot()}
			consumer.params = append(consumer.params, p)
			consumer.nreq++
			nsc.bind(Gensym("t"), binding{v: p})
			c.capture(vars[i], consumer)
			sets = append(sets, &nSet{v: vars[i], val: &nRef{p}})
			i++
			x = t.Cdr
			continue
		case *EmptyList:
		default:
			p := &variable{name: t, fn: consumer, slot: consumer.newSlot()}
			consumer.params = append(consumer.params, p)
			consumer.rest = true
			c.capture(vars[i], consumer)
			sets = append(sets, &nSet{v: vars[i], val: &nRef{p}})
		}
		break
	}
	sets = append(sets, &nConst{Unspecified})
	consumer.body = &nSeq{sets}
	producer := &fnState{parent: fn, pos: c.cur}
	producer.body = c.analyze(expr, &scope{parent: sc, fn: producer}, producer)
	return &nCall{f: c.analyze(c.gref("call-with-values"), sc, fn), args: []node{&nLambda{producer}, &nLambda{consumer}}, pos: c.cur}
}

// compileTop compiles a top-level form into a thunk.
func (it *Interp) compileTop(x Value, posmap map[*Pair]Pos, at Pos) (clo *Closure, err error) {
	return it.compileIn(x, posmap, at, nil)
}

// compileIn compiles a top-level form against the top-level names of env
// (nil: the globals only).
func (it *Interp) compileIn(x Value, posmap map[*Pair]Pos, at Pos, env *Environment) (clo *Closure, err error) {
	c := &compiler{it: it, posmap: posmap, cur: at}
	if env != nil && env.names != nil {
		c.top = &scope{lib: env.names}
	}
	if c.posmap == nil {
		c.posmap = make(map[*Pair]Pos)
	}
	if p, ok := x.(*Pair); ok {
		if pp, ok := posmap[p]; ok {
			c.cur = pp
		}
	}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			clo, err = nil, ce.e
		}
	}()
	fn := &fnState{name: "", pos: c.cur}
	fn.body = c.analyzeTop(x, fn)
	proto := generate(fn, nil)
	if it.libDepth > 0 {
		it.registerLib(proto)
	}
	return &Closure{proto: proto}, nil
}

// analyzeTop analyses a top-level form: definitions are global.
func (c *compiler) analyzeTop(x Value, fn *fnState) node {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxCompileDepth {
		c.fail(x, "form nested too deeply (runaway macro?)")
	}
	restore := c.withPos(x)
	defer restore()
	p, ok := x.(*Pair)
	if !ok {
		return c.analyze(x, c.top, fn)
	}
	sf, m := c.head(p.Car, c.top)
	if m != nil {
		return c.analyzeTop(c.expand(m, p, c.top), fn)
	}
	if sf == nil {
		return c.analyze(x, c.top, fn)
	}
	switch sf.name {
	case "include", "include-ci":
		return c.analyzeTop(&Pair{kw("begin"), c.includeForms(p, sf.name == "include-ci")}, fn)
	case "begin":
		forms := c.list(p.Cdr, "begin")
		if len(forms) == 0 {
			return &nConst{Unspecified}
		}
		var seq []node
		for _, f := range forms {
			seq = append(seq, c.analyzeTop(f, fn))
		}
		return &nSeq{seq}
	case "define":
		name, expr := c.parseDefine(p)
		g := c.it.global(baseSymbol(name))
		val := c.analyze(expr, c.top, fn)
		nameLambda(val, g.Name.Name)
		return &nGSet{g: g, val: val, define: true, pos: c.cur}
	case "define-values":
		args := c.list(p.Cdr, "define-values")
		if len(args) != 2 {
			c.fail(p, "define-values: expected (define-values formals expr)")
		}
		// evaluate into fresh locals, then define globals
		ids := formalIDs(c, args[0])
		vars := make([]*variable, len(ids))
		for i, id := range ids {
			vars[i] = &variable{name: id, fn: fn, slot: fn.newSlot(), mutated: true}
		}
		seq := []node{c.defineValuesNode(args[0], vars, args[1], c.top, fn)}
		for i, id := range ids {
			seq = append(seq, &nGSet{g: c.it.global(baseSymbol(id)), val: &nRef{vars[i]}, define: true, pos: c.cur})
		}
		seq = append(seq, &nConst{Unspecified})
		return &nLet{vars: vars, body: &nSeq{seq}, rec: true}
	case "define-syntax":
		args := c.list(p.Cdr, "define-syntax")
		if len(args) != 2 || !isIdent(args[0]) {
			c.fail(p, "define-syntax: expected (define-syntax name transformer)")
		}
		g := c.it.global(baseSymbol(args[0]))
		if c.it.libDepth == 0 {
			if err := c.it.userDefine(g); err != nil {
				c.fail(p, "%s: %v", g.Name.Name, err)
			}
		}
		m := c.makeMacro(args[1], c.top, g.Name.Name)
		g.macro, g.special = m, nil
		g.value = unbound
		return &nConst{Unspecified}
	}
	return sf.analyze(c, p, c.top, fn)
}
