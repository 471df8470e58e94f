package interp

import (
	"io"
	"os"
	"path/filepath"
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
	defSpecial("letrec", analyzeLetrec)
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
	defSpecial("import", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		return &nConst{Unspecified}
	})
	defSpecial("define-library", func(c *compiler, p *Pair, sc *scope, fn *fnState) node {
		// A library's definitions become global; export lists are accepted.
		decls := c.list(p.Cdr, "define-library")
		var body []Value
		for _, d := range decls[1:] {
			dp, ok := d.(*Pair)
			if !ok {
				continue
			}
			switch symbolName(dp.Car) {
			case "begin":
				body = append(body, c.list(dp.Cdr, "begin")...)
			case "include", "include-ci":
				body = append(body, d)
			case "include-library-declarations":
			}
		}
		if sc != nil {
			c.fail(p, "define-library: only allowed at top level")
		}
		return c.analyzeTop(&Pair{kw("begin"), List(body...)}, fn)
	})
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
		rd.foldCase = fold
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
		return &nLet{vars: []*variable{v}, inits: []node{&nLambda{lam}}, body: call, rec: true}
	}
	names, inits := c.bindingList(args[0], "let")
	n := &nLet{}
	for _, in := range inits {
		n.inits = append(n.inits, c.analyze(in, sc, fn))
	}
	lsc := &scope{parent: sc, fn: fn}
	for i, name := range names {
		v := &variable{name: name, fn: fn, slot: fn.newSlot()}
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
	return n
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
