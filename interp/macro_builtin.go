package interp

import (
	"strconv"
	"strings"
)

// macro is a syntactic keyword bound to a transformer.
type macro struct {
	name    string
	env     *scope // definition environment (nil: global)
	rules   *syntaxRules
	builtin func(c *compiler, p *Pair, sc *scope) Value
	gofn    func(form Value) (Value, error)
	er      Value // explicit-renaming transformer procedure
	// lazy is the library form that defines the macro, evaluated at the
	// first expansion (lib_lazy.go)
	lazy *libForm
	// lib: an explicit-renaming macro of library code (see syntaxRules.lib)
	lib bool
}

// SchemeString gives the printed form of a macro.
func (m *macro) SchemeString() string { return "#<macro " + m.name + ">" }

// builtinMacros are the derived forms written in Go, filled in init.
var builtinMacros = map[string]*macro{}

func defMacro(name string, f func(c *compiler, p *Pair, sc *scope) Value) {
	builtinMacros[name] = &macro{name: name, builtin: f}
}

// SchemeString gives the printed form of a global cell used as an
// identifier in expansions.
func (g *Global) SchemeString() string { return g.Name.Name }

// gref returns what a Go expander puts in its expansion to refer to the
// procedure name: the value the interpreter itself installed under that
// name (a snapshot taken when New finished), so that neither a local binding
// nor a later global redefinition (by the user or by another layer) changes
// what a derived form does. Before the snapshot it is the built-in
// primitive, else the global cell.
func (c *compiler) gref(name string) Value {
	if v, ok := c.it.coreRefs[name]; ok {
		if p, ok := v.(*Primitive); ok && lazyStubs[p] != nil {
			// a library procedure not compiled yet: compile it now, so
			// that the expansion calls it directly
			if lv, err := lazyStubs[p].load(c.it); err == nil {
				return lv
			}
		}
		return v
	}
	g := c.it.global(Intern(name))
	if g.builtin != nil {
		return g.builtin
	}
	return g
}

// expanderRefs are the procedures the Go expanders refer to.
var expanderRefs = []string{
	"%make-lazy-promise", "make-promise", "%parameterize", "%list", "%memv", "eqv?", "call/cc",
	"raise-continuable", "with-exception-handler", "call-with-values", "apply", "values", "error",
	"%make-record-type", "%record-constructor", "%record-predicate", "%record-accessor",
	"%record-modifier", "%append2", "cons", "%list->vector", "%library-export",
}

// snapshotCoreRefs records the current values of expanderRefs.
func (it *Interp) snapshotCoreRefs() {
	it.coreRefs = make(map[string]Value, len(expanderRefs))
	for _, name := range expanderRefs {
		if g := it.cell(Intern(name)); g != nil && g.value != unbound && isProcedure(g.value) {
			it.coreRefs[name] = g.value
		}
	}
}

func tmp(name string) *Symbol { return &Symbol{Name: name} }

func quoteV(v Value) Value { return List(kw("quote"), v) }

// isKeyword reports whether x is the identifier name not bound locally
// (else, =>, ... in clauses).
func (c *compiler) isKeyword(x Value, name string, sc *scope) bool {
	if !isIdent(x) {
		return false
	}
	if symbolName(x) != name {
		if sym, ok := x.(*Symbol); !ok || c.it.auxNames[sym] != name {
			return false
		}
	}
	r := c.lookup(x, sc)
	return r.g != nil
}

func init() {
	defMacro("and", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "and")
		switch len(args) {
		case 0:
			return true
		case 1:
			return args[0]
		}
		return List(kw("if"), args[0], &Pair{kw("and"), List(args[1:]...)}, false)
	})
	defMacro("or", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "or")
		switch len(args) {
		case 0:
			return false
		case 1:
			return args[0]
		}
		t := tmp("t")
		return List(kw("let"), List(List(t, args[0])),
			List(kw("if"), t, t, &Pair{kw("or"), List(args[1:]...)}))
	})
	defMacro("when", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "when")
		if len(args) < 1 {
			c.fail(p, "when: expected (when test body...)")
		}
		if len(args) == 1 {
			return List(kw("if"), args[0], quoteV(Unspecified))
		}
		return List(kw("if"), args[0], &Pair{kw("begin"), List(args[1:]...)})
	})
	defMacro("unless", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "unless")
		if len(args) < 1 {
			c.fail(p, "unless: expected (unless test body...)")
		}
		if len(args) == 1 {
			return List(kw("if"), args[0], quoteV(Unspecified), quoteV(Unspecified))
		}
		return List(kw("if"), args[0], quoteV(Unspecified), &Pair{kw("begin"), List(args[1:]...)})
	})
	defMacro("let*", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "let*")
		if len(args) < 2 {
			c.fail(p, "let*: expected (let* bindings body...)")
		}
		binds := c.list(args[0], "let*")
		if len(binds) <= 1 {
			return &Pair{kw("let"), p.Cdr}
		}
		return List(kw("let"), List(binds[0]), &Pair{kw("let*"), &Pair{List(binds[1:]...), List(args[1:]...)}})
	})
	defMacro("cond", func(c *compiler, p *Pair, sc *scope) Value {
		return c.condClauses(p, c.list(p.Cdr, "cond"), sc)
	})
	defMacro("case", expandCase)
	defMacro("do", expandDo)
	defMacro("delay", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "delay")
		if len(args) != 1 {
			c.fail(p, "delay: expected (delay expr)")
		}
		return List(c.gref("%make-lazy-promise"), List(kw("lambda"), Null, List(c.gref("make-promise"), args[0])))
	})
	lazy := func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "delay-force")
		if len(args) != 1 {
			c.fail(p, "delay-force: expected (delay-force expr)")
		}
		return List(c.gref("%make-lazy-promise"), List(kw("lambda"), Null, args[0]))
	}
	defMacro("delay-force", lazy)
	defMacro("make-promise-lazy", lazy)
	defMacro("parameterize", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "parameterize")
		if len(args) < 2 {
			c.fail(p, "parameterize: expected (parameterize ((param value) ...) body...)")
		}
		var ps, vs []Value
		for _, b := range c.list(args[0], "parameterize") {
			parts := c.list(b, "parameterize")
			if len(parts) != 2 {
				c.fail(p, "parameterize: bad binding %s", WriteString(stripSyntax(b)))
			}
			ps = append(ps, parts[0])
			vs = append(vs, parts[1])
		}
		return List(c.gref("%parameterize"), &Pair{c.gref("%list"), List(ps...)},
			&Pair{c.gref("%list"), List(vs...)},
			&Pair{kw("lambda"), &Pair{Null, List(args[1:]...)}})
	})
	defMacro("guard", expandGuard)
	defMacro("let-values", func(c *compiler, p *Pair, sc *scope) Value { return c.letValues(p, false) })
	defMacro("let*-values", func(c *compiler, p *Pair, sc *scope) Value { return c.letValues(p, true) })
	defMacro("define-record-type", expandDefineRecordType)
	defMacro("quasiquote", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "quasiquote")
		if len(args) != 1 {
			c.fail(p, "quasiquote: expected one template")
		}
		return c.qq(args[0], 1, sc)
	})
	defMacro("unquote", func(c *compiler, p *Pair, sc *scope) Value {
		c.fail(p, "unquote: not inside quasiquote")
		return nil
	})
	defMacro("unquote-splicing", func(c *compiler, p *Pair, sc *scope) Value {
		c.fail(p, "unquote-splicing: not inside quasiquote")
		return nil
	})
	defMacro("cond-expand", func(c *compiler, p *Pair, sc *scope) Value {
		for _, cl := range c.list(p.Cdr, "cond-expand") {
			parts := c.list(cl, "cond-expand")
			if len(parts) == 0 {
				c.fail(p, "cond-expand: empty clause")
			}
			if c.featureMatch(parts[0]) {
				return &Pair{kw("begin"), List(parts[1:]...)}
			}
		}
		return quoteV(Unspecified)
	})
	defMacro("assert", func(c *compiler, p *Pair, sc *scope) Value {
		args := c.list(p.Cdr, "assert")
		if len(args) != 1 {
			c.fail(p, "assert: expected (assert expr)")
		}
		return List(kw("if"), args[0], quoteV(Unspecified),
			List(c.gref("error"), immutableString("assertion failed"), quoteV(stripSyntax(args[0]))))
	})
}

// Features lists what cond-expand and (features) know in every
// interpreter; a layer adds its own with AddFeatures. srfi-N names a SRFI
// the interpreter provides, and then (library (srfi N)) holds too.
var Features = []string{"r7rs", "exact-closed", "exact-complex", "ieee-float", "full-unicode", "ratios", "popsh", "scsh", "posix", "unix", "linux",
	"srfi-0", "srfi-6", "srfi-9", "srfi-11", "srfi-16", "srfi-23", "srfi-30", "srfi-34", "srfi-62", "srfi-87", "srfi-98"}

// r7rsLibraries are the libraries of R7RS-small, all of them built in.
var r7rsLibraries = map[string]bool{"base": true, "case-lambda": true, "char": true, "complex": true, "cxr": true,
	"eval": true, "file": true, "inexact": true, "lazy": true, "load": true, "process-context": true,
	"read": true, "repl": true, "time": true, "write": true, "r5rs": true}

// AddFeatures adds feature identifiers to those cond-expand and
// (features) know in this interpreter (a layer's SRFIs: "srfi-1").
func (it *Interp) AddFeatures(names ...string) {
	for _, n := range names {
		if !it.HasFeature(n) {
			it.features = append(it.features, n)
		}
	}
}

// HasFeature reports whether cond-expand knows the feature identifier name.
func (it *Interp) HasFeature(name string) bool {
	for _, f := range Features {
		if f == name {
			return true
		}
	}
	for _, f := range it.features {
		if f == name {
			return true
		}
	}
	return false
}

func (c *compiler) featureMatch(req Value) bool {
	switch t := req.(type) {
	case *Symbol, *alias:
		name := symbolName(t)
		if name == "else" {
			return true
		}
		return c.it.HasFeature(name)
	case *Pair:
		args := c.list(t.Cdr, "cond-expand")
		switch symbolName(t.Car) {
		case "and":
			for _, a := range args {
				if !c.featureMatch(a) {
					return false
				}
			}
			return true
		case "or":
			for _, a := range args {
				if c.featureMatch(a) {
					return true
				}
			}
			return false
		case "not":
			return len(args) == 1 && !c.featureMatch(args[0])
		case "library":
			if len(args) == 1 {
				if lp, ok := args[0].(*Pair); ok {
					if _, user := c.it.libs[libKey(lp)]; user {
						return true
					}
					parts, _ := ListToSlice(stripSyntax(lp))
					switch symbolName(lp.Car) {
					case "scheme":
						return len(parts) == 2 && r7rsLibraries[symbolName(parts[1])]
					case "srfi":
						if len(parts) >= 2 {
							if n, ok := parts[1].(int); ok {
								return c.it.HasFeature("srfi-" + strconv.Itoa(n))
							}
						}
						return false
					case "popsh", "scsh":
						return true
					}
					// a library import would load: available too
					_, _, found := c.libraryFile(lp)
					return found
				}
			}
			return false
		}
	}
	return false
}

func (c *compiler) condClauses(p *Pair, clauses []Value, sc *scope) Value {
	if len(clauses) == 0 {
		return quoteV(Unspecified)
	}
	cl := c.list(clauses[0], "cond")
	if len(cl) == 0 {
		c.fail(p, "cond: empty clause")
	}
	rest := clauses[1:]
	if c.isKeyword(cl[0], "else", sc) {
		if len(rest) > 0 {
			c.fail(p, "cond: else clause must be last")
		}
		if len(cl) == 1 {
			c.fail(p, "cond: empty else clause")
		}
		return &Pair{kw("begin"), List(cl[1:]...)}
	}
	if len(cl) == 1 {
		if len(rest) == 0 {
			return cl[0]
		}
		return List(kw("or"), cl[0], c.condClauses(p, rest, sc))
	}
	if c.isKeyword(cl[1], "=>", sc) {
		if len(cl) != 3 {
			c.fail(p, "cond: bad => clause")
		}
		t := tmp("t")
		return List(kw("let"), List(List(t, cl[0])),
			List(kw("if"), t, List(cl[2], t), c.condClauses(p, rest, sc)))
	}
	body := &Pair{kw("begin"), List(cl[1:]...)}
	if len(rest) == 0 {
		return List(kw("if"), cl[0], body)
	}
	return List(kw("if"), cl[0], body, c.condClauses(p, rest, sc))
}

func expandCase(c *compiler, p *Pair, sc *scope) Value {
	args := c.list(p.Cdr, "case")
	if len(args) < 1 {
		c.fail(p, "case: expected (case key clause...)")
	}
	t := tmp("key")
	var build func(cls []Value) Value
	build = func(cls []Value) Value {
		if len(cls) == 0 {
			return quoteV(Unspecified)
		}
		cl := c.list(cls[0], "case")
		if len(cl) < 2 {
			c.fail(p, "case: bad clause %s", WriteString(stripSyntax(cls[0])))
		}
		var body Value
		if c.isKeyword(cl[1], "=>", sc) {
			if len(cl) != 3 {
				c.fail(p, "case: bad => clause")
			}
			body = List(cl[2], t)
		} else {
			body = &Pair{kw("begin"), List(cl[1:]...)}
		}
		if c.isKeyword(cl[0], "else", sc) {
			if len(cls) > 1 {
				c.fail(p, "case: else clause must be last")
			}
			return body
		}
		data := c.list(cl[0], "case")
		var test Value
		if len(data) == 1 {
			test = List(c.gref("eqv?"), t, quoteV(stripSyntax(data[0])))
		} else {
			test = List(c.gref("%memv"), t, quoteV(stripSyntax(cl[0])))
		}
		return List(kw("if"), test, body, build(cls[1:]))
	}
	return List(kw("let"), List(List(t, args[0])), build(args[1:]))
}

func expandDo(c *compiler, p *Pair, sc *scope) Value {
	args := c.list(p.Cdr, "do")
	if len(args) < 2 {
		c.fail(p, "do: expected (do ((var init step)...) (test expr...) command...)")
	}
	loop := tmp("do-loop")
	var binds, steps []Value
	for _, b := range c.list(args[0], "do") {
		parts := c.list(b, "do")
		if len(parts) < 2 || len(parts) > 3 || !isIdent(parts[0]) {
			c.fail(p, "do: bad binding %s", WriteString(stripSyntax(b)))
		}
		binds = append(binds, List(parts[0], parts[1]))
		if len(parts) == 3 {
			steps = append(steps, parts[2])
		} else {
			steps = append(steps, parts[0])
		}
	}
	end := c.list(args[1], "do")
	if len(end) == 0 {
		c.fail(p, "do: missing test")
	}
	var result Value
	if len(end) == 1 {
		result = quoteV(Unspecified)
	} else {
		result = &Pair{kw("begin"), List(end[1:]...)}
	}
	again := &Pair{loop, List(steps...)}
	var body Value
	if len(args) > 2 {
		body = &Pair{kw("begin"), List(append(append([]Value{}, args[2:]...), again)...)}
	} else {
		body = again
	}
	return List(kw("let"), loop, List(binds...), List(kw("if"), end[0], result, body))
}

func expandGuard(c *compiler, p *Pair, sc *scope) Value {
	args := c.list(p.Cdr, "guard")
	if len(args) < 2 {
		c.fail(p, "guard: expected (guard (var clause...) body...)")
	}
	spec, ok := args[0].(*Pair)
	if !ok || !isIdent(spec.Car) {
		c.fail(p, "guard: expected (guard (var clause...) body...)")
	}
	v := spec.Car
	clauses := c.list(spec.Cdr, "guard")
	gk, cond, hk, vals := tmp("guard-k"), tmp("condition"), tmp("handler-k"), tmp("vals")
	hasElse := false
	if len(clauses) > 0 {
		if last, ok := clauses[len(clauses)-1].(*Pair); ok && c.isKeyword(last.Car, "else", sc) {
			hasElse = true
		}
	}
	if !hasElse {
		clauses = append(clauses, List(tmpElse(c), List(hk, List(kw("lambda"), Null, List(c.gref("raise-continuable"), cond)))))
	}
	callcc := c.gref("call/cc")
	handler := List(kw("lambda"), List(cond),
		List(List(callcc, List(kw("lambda"), List(hk),
			List(gk, List(kw("lambda"), Null,
				List(kw("let"), List(List(v, cond)), &Pair{kw("cond"), List(clauses...)})))))))
	thunk := List(kw("lambda"), Null,
		List(c.gref("call-with-values"), &Pair{kw("lambda"), &Pair{Null, List(args[1:]...)}},
			List(kw("lambda"), vals, List(gk, List(kw("lambda"), Null, List(c.gref("apply"), c.gref("values"), vals))))))
	return List(List(callcc, List(kw("lambda"), List(gk),
		List(c.gref("with-exception-handler"), handler, thunk))))
}

// tmpElse is an `else` that cond recognises whatever the user bound.
func tmpElse(c *compiler) Value { return Intern("else") }

func (c *compiler) letValues(p *Pair, sequential bool) Value {
	name := "let-values"
	if sequential {
		name = "let*-values"
	}
	args := c.list(p.Cdr, name)
	if len(args) < 2 {
		c.fail(p, "%s: expected (%s (((formals) expr) ...) body...)", name, name)
	}
	binds := c.list(args[0], name)
	body := &Pair{kw("let"), &Pair{Null, List(args[1:]...)}}
	if sequential {
		var out Value = body
		for i := len(binds) - 1; i >= 0; i-- {
			parts := c.list(binds[i], name)
			if len(parts) != 2 {
				c.fail(p, "%s: bad binding %s", name, WriteString(stripSyntax(binds[i])))
			}
			out = List(c.gref("call-with-values"), List(kw("lambda"), Null, parts[1]),
				List(kw("named-lambda"), &Pair{Intern(name), parts[0]}, out))
		}
		return out
	}
	// evaluate every expression outside the new scope: bind temporaries, then the formals
	var finalBinds []Value
	type step struct{ formals, expr Value }
	var steps []step
	for _, b := range binds {
		parts := c.list(b, name)
		if len(parts) != 2 {
			c.fail(p, "%s: bad binding %s", name, WriteString(stripSyntax(b)))
		}
		// mirror formals with temporaries
		var tf Value
		var head, tail *Pair
		x := parts[0]
		for {
			if xp, ok := x.(*Pair); ok {
				t := tmp(symbolName(xp.Car))
				finalBinds = append(finalBinds, List(xp.Car, t))
				np := &Pair{t, Null}
				if head == nil {
					head = np
				} else {
					tail.Cdr = np
				}
				tail = np
				x = xp.Cdr
				continue
			}
			break
		}
		if isIdent(x) {
			t := tmp(symbolName(x))
			finalBinds = append(finalBinds, List(x, t))
			if head == nil {
				tf = t
			} else {
				tail.Cdr = t
				tf = head
			}
		} else if head == nil {
			tf = Null
		} else {
			tf = head
		}
		steps = append(steps, step{tf, parts[1]})
	}
	var out Value = &Pair{kw("let"), &Pair{List(finalBinds...), List(args[1:]...)}}
	for i := len(steps) - 1; i >= 0; i-- {
		out = List(c.gref("call-with-values"), List(kw("lambda"), Null, steps[i].expr),
			List(kw("named-lambda"), &Pair{Intern(name), steps[i].formals}, out))
	}
	return out
}

// isScheme48RecordForm reports whether the operands of a define-record-type
// are Scheme48's form, which has a type variable after the record name:
// (name :type (ctor field...) pred spec...) or (name :type #f pred spec...).
// SRFI 9 puts the constructor spec second, and SRFI 99's bare constructor
// name is followed by the predicate name, not by a constructor spec.
func isScheme48RecordForm(args []Value) bool {
	if len(args) < 4 || !isIdent(args[0]) || !isIdent(args[1]) || !isIdent(args[3]) {
		return false
	}
	switch ctor := args[2].(type) {
	case *Pair:
		return true
	case bool:
		return !ctor
	}
	return false
}

func expandDefineRecordType(c *compiler, p *Pair, sc *scope) Value {
	args := c.list(p.Cdr, "define-record-type")
	if len(args) < 2 {
		c.fail(p, "define-record-type: expected (define-record-type name (ctor field...) pred field-spec...)")
	}
	typeName := args[0]
	if tp, ok := typeName.(*Pair); ok { // SRFI-99 style (name extra...)
		typeName = tp.Car
	}
	if !isIdent(typeName) {
		c.fail(p, "define-record-type: bad type name")
	}
	printName := strings.TrimSuffix(strings.TrimPrefix(symbolName(typeName), "<"), ">")
	if isScheme48RecordForm(args) {
		// Scheme48: (define-record-type name type-var (ctor field...) pred field-spec...):
		// name is what records print as, type-var is bound to the type.
		printName = symbolName(typeName)
		typeName = args[1]
		args = args[1:]
	}
	var fields []Value
	type acc struct {
		field, name Value
		modifier    bool
	}
	var accs []acc
	if len(args) < 3 {
		c.fail(p, "define-record-type: missing predicate name")
	}
	for _, fs := range args[3:] {
		var parts []Value
		if isIdent(fs) {
			parts = []Value{fs}
		} else {
			parts = c.list(fs, "define-record-type")
		}
		if len(parts) == 0 || !isIdent(parts[0]) || len(parts) > 3 {
			c.fail(p, "define-record-type: bad field spec %s", WriteString(stripSyntax(fs)))
		}
		fields = append(fields, stripSyntax(parts[0]))
		if len(parts) > 1 {
			accs = append(accs, acc{parts[0], parts[1], false})
		}
		if len(parts) > 2 {
			accs = append(accs, acc{parts[0], parts[2], true})
		}
	}
	out := []Value{kw("begin"),
		List(kw("define"), typeName, List(c.gref("%make-record-type"), quoteV(Intern(printName)), quoteV(List(fields...))))}
	switch ctor := args[1].(type) {
	case *Pair:
		cf := c.list(ctor.Cdr, "define-record-type")
		out = append(out, List(kw("define"), ctor.Car,
			List(c.gref("%record-constructor"), typeName, quoteV(stripSyntax(List(cf...))), quoteV(stripSyntax(ctor.Car)))))
	case *Symbol, *alias:
		out = append(out, List(kw("define"), ctor,
			List(c.gref("%record-constructor"), typeName, quoteV(List(fields...)), quoteV(stripSyntax(ctor)))))
	default:
		if b, ok := ctor.(bool); !ok || b {
			c.fail(p, "define-record-type: bad constructor spec")
		}
	}
	if isIdent(args[2]) {
		out = append(out, List(kw("define"), args[2], List(c.gref("%record-predicate"), typeName, quoteV(stripSyntax(args[2])))))
	}
	for _, a := range accs {
		f := "%record-accessor"
		if a.modifier {
			f = "%record-modifier"
		}
		out = append(out, List(kw("define"), a.name, List(c.gref(f), typeName, quoteV(stripSyntax(a.field)), quoteV(stripSyntax(a.name)))))
	}
	return List(out...)
}

// qq expands a quasiquote template at nesting depth. unquote,
// unquote-splicing and quasiquote are keywords only where they are not
// bound locally: (let ((unquote 1)) `(,x)) is the list (unquote x).
func (c *compiler) qq(x Value, depth int, sc *scope) Value {
	switch t := x.(type) {
	case *Pair:
		if isIdent(t.Car) {
			switch c.qqKeyword(t.Car, sc) {
			case "unquote":
				args := c.list(t.Cdr, "unquote")
				if depth > 1 {
					// the operands are a list at the lower level, where an
					// unquote-splicing among them splices
					return List(c.gref("cons"), quoteV(Intern("unquote")), c.qq(t.Cdr, depth-1, sc))
				}
				if len(args) != 1 {
					c.fail(t, "unquote: expected one expression")
				}
				return args[0]
			case "quasiquote":
				args := c.list(t.Cdr, "quasiquote")
				if len(args) != 1 {
					c.fail(t, "quasiquote: expected one template")
				}
				return List(c.gref("%list"), quoteV(Intern("quasiquote")), c.qq(args[0], depth+1, sc))
			}
		}
		// in a list, (unquote e ...) and (unquote-splicing e ...) take any
		// number of expressions (as in R6RS): their values, or the
		// elements of their values, are spliced in order
		if ip, ok := t.Car.(*Pair); ok && isIdent(ip.Car) && isUnquoteName(c.qqKeyword(ip.Car, sc)) {
			name := c.qqKeyword(ip.Car, sc)
			if name == "unquote-splicing" && depth > 1 {
				inner := List(c.gref("cons"), quoteV(Intern(name)), c.qq(ip.Cdr, depth-1, sc))
				return List(c.gref("cons"), inner, c.qq(t.Cdr, depth, sc))
			}
			if args := c.list(ip.Cdr, name); depth == 1 && (name == "unquote-splicing" || name == "unquote" && len(args) != 1) {
				rest := c.qq(t.Cdr, depth, sc)
				for i := len(args) - 1; i >= 0; i-- {
					if name == "unquote" {
						rest = List(c.gref("cons"), args[i], rest)
					} else {
						rest = List(c.gref("%append2"), args[i], rest)
					}
				}
				return rest
			}
		}
		if !hasUnquote(t, 0) {
			return quoteV(stripSyntax(t))
		}
		return List(c.gref("cons"), c.qq(t.Car, depth, sc), c.qq(t.Cdr, depth, sc))
	case *Vector:
		if !hasUnquote(t, 0) {
			return quoteV(stripSyntax(t))
		}
		return List(c.gref("%list->vector"), c.qq(List(t.Items...), depth, sc))
	case *Symbol, *alias, *EmptyList:
		return quoteV(stripSyntax(t))
	}
	return x
}

// qqKeyword returns the name of id when id is one of quasiquote's
// keywords (unquote, unquote-splicing, quasiquote) not bound locally; ""
// otherwise.
func (c *compiler) qqKeyword(id Value, sc *scope) string {
	switch name := symbolName(id); name {
	case "unquote", "unquote-splicing", "quasiquote":
		if c.isKeyword(id, name, sc) {
			return name
		}
	}
	return ""
}

// isUnquoteName reports whether name is one of the keywords an element of
// a quasiquoted list may start with to be spliced in; any other element,
// (version . "1.0") among them, is data.
func isUnquoteName(name string) bool { return name == "unquote" || name == "unquote-splicing" }

func hasUnquote(x Value, depth int) bool {
	if depth > 10000 {
		return true
	}
	switch t := x.(type) {
	case *Pair:
		if isIdent(t.Car) {
			switch symbolName(t.Car) {
			case "unquote", "unquote-splicing", "quasiquote":
				return true
			}
		}
		return hasUnquote(t.Car, depth+1) || hasUnquote(t.Cdr, depth+1)
	case *Vector:
		for _, e := range t.Items {
			if hasUnquote(e, depth+1) {
				return true
			}
		}
	}
	return false
}
