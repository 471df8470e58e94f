package interp

import (
	"bytes"
	"fmt"

	"popsh/interp/num"
)

// syntaxRules is a compiled syntax-rules transformer.
type syntaxRules struct {
	name     string
	ellipsis Value // nil: the standard ellipsis (any identifier named ...)
	// noEllipsis: the ellipsis is one of the literals, so it matches and
	// is copied as itself (R7RS 4.3.2: a literal takes precedence)
	noEllipsis bool
	literals   []Value
	rules      [][2]Value // pattern, template
	env        *scope
	// lib: defined by library code; the free names of its templates mean
	// the library's bindings (Interp.view)
	lib bool
}

// makeMacro builds a macro from a transformer spec: (syntax-rules ...),
// (er-macro-transformer proc), or an expression evaluating to an
// explicit-renaming procedure (lambda (form rename compare) ...).
func (c *compiler) makeMacro(spec Value, env *scope, name string) *macro {
	if p, ok := spec.(*Pair); ok {
		sf, m := c.head(p.Car, env)
		if sf != nil {
			switch sf.name {
			case "syntax-rules":
				sr := c.parseSyntaxRules(p, env, name)
				sr.lib = c.it.libDepth > 0
				return &macro{name: name, env: env, rules: sr}
			case "er-macro-transformer":
				args := c.list(p.Cdr, "er-macro-transformer")
				if len(args) != 1 {
					c.fail(p, "er-macro-transformer: expected one procedure")
				}
				return &macro{name: name, env: env, er: c.evalTransformer(args[0], name), lib: c.it.libDepth > 0}
			}
		}
		_ = m
	}
	if isIdent(spec) {
		if _, m := c.head(spec, env); m != nil {
			return m
		}
	}
	return &macro{name: name, env: env, er: c.evalTransformer(spec, name), lib: c.it.libDepth > 0}
}

func (c *compiler) evalTransformer(expr Value, name string) Value {
	clo, err := c.it.compileTop(expr, c.posmap, c.cur)
	if err != nil {
		panic(compileError{err.(*ErrorObject)})
	}
	v, err := c.it.vm.apply(clo, nil)
	if err != nil {
		e, ok := err.(*ErrorObject)
		if !ok {
			e = &ErrorObject{Message: err.Error(), Cause: err}
		}
		panic(compileError{e})
	}
	if !isProcedure(v) {
		c.fail(expr, "define-syntax %s: transformer is not a procedure or syntax-rules: %s", name, WriteString(v))
	}
	return v
}

func (c *compiler) parseSyntaxRules(p *Pair, env *scope, name string) *syntaxRules {
	args := c.list(p.Cdr, "syntax-rules")
	sr := &syntaxRules{name: name, env: env}
	if len(args) > 0 && isIdent(args[0]) {
		sr.ellipsis = args[0]
		args = args[1:]
	}
	if len(args) == 0 {
		c.fail(p, "syntax-rules: missing literals list")
	}
	for _, l := range c.list(args[0], "syntax-rules") {
		if !isIdent(l) {
			c.fail(p, "syntax-rules: bad literal %s", WriteString(stripSyntax(l)))
		}
		sr.literals = append(sr.literals, l)
		if sr.ellipsis != nil && l == sr.ellipsis ||
			sr.ellipsis == nil && symbolName(l) == "..." {
			sr.noEllipsis = true
		}
	}
	for _, r := range args[1:] {
		parts := c.list(r, "syntax-rules")
		if len(parts) != 2 {
			c.fail(p, "syntax-rules: bad rule %s", WriteString(stripSyntax(r)))
		}
		if _, ok := parts[0].(*Pair); !ok {
			if !isIdent(parts[0]) {
				c.fail(p, "syntax-rules: bad pattern %s", WriteString(stripSyntax(parts[0])))
			}
		}
		sr.rules = append(sr.rules, [2]Value{parts[0], parts[1]})
	}
	return sr
}

type mbind struct {
	v     Value
	seq   []*mbind
	isSeq bool
}

type matcher struct {
	c  *compiler
	sr *syntaxRules
	sc *scope // use environment
}

// isEllipsis recognises the ellipsis: a custom one by identity, the
// standard one by name, so that a "..." renamed by an outer macro (as in
// a macro-defining macro using (... ...)) is still an ellipsis.
func (m *matcher) isEllipsis(x Value) bool {
	if !isIdent(x) || m.sr.noEllipsis || m.isLiteral(x) {
		return false
	}
	if m.sr.ellipsis != nil {
		return x == m.sr.ellipsis || baseSymbol(x) == baseSymbol(m.sr.ellipsis)
	}
	if symbolName(x) != "..." {
		return false
	}
	// a ... bound as a variable or a macro where the macro is defined
	// is not the ellipsis (R7RS: ... is a binding of (scheme base))
	if m.sr.env != nil {
		if r := m.c.lookup(x, m.sr.env); r.v != nil || r.mac != nil {
			return false
		}
	}
	return true
}

func (m *matcher) isLiteral(x Value) bool {
	for _, l := range m.sr.literals {
		if l == x {
			return true
		}
	}
	return false
}

func (sr *syntaxRules) expand(c *compiler, p *Pair, sc *scope) (Value, error) {
	m := &matcher{c: c, sr: sr, sc: sc}
	for _, r := range sr.rules {
		pat := r[0]
		b := map[Value]*mbind{}
		var ok bool
		if pp, isPair := pat.(*Pair); isPair {
			ok = m.match(pp.Cdr, p.Cdr, b, 0)
		} else {
			ok = true
		}
		if ok {
			return m.instantiate(r[1], b, map[Value]*alias{}, false)
		}
	}
	return nil, &ErrorObject{Kind: KindSyntax, Message: fmt.Sprintf("%s: no syntax rule matches %s", sr.name, WriteString(stripSyntax(p)))}
}

func (m *matcher) match(pat, form Value, b map[Value]*mbind, depth int) bool {
	if depth > 10000 {
		return false
	}
	switch t := pat.(type) {
	case *Symbol, *alias:
		if m.isLiteral(t) {
			return isIdent(form) && m.c.sameBinding(form, m.sc, t, m.sr.env)
		}
		if symbolName(t) == "_" && baseSymbol(t) == Intern("_") {
			return true
		}
		b[t] = &mbind{v: form}
		return true
	case *Pair:
		if next, ok := t.Cdr.(*Pair); ok && m.isEllipsis(next.Car) {
			rest := next.Cdr
			minRest := 0
			for x := rest; ; {
				if xp, ok := x.(*Pair); ok {
					minRest++
					x = xp.Cdr
					continue
				}
				break
			}
			var items []Value
			x := form
			for {
				if xp, ok := x.(*Pair); ok {
					items = append(items, xp.Car)
					x = xp.Cdr
					continue
				}
				break
			}
			n := len(items) - minRest
			if n < 0 {
				return false
			}
			vars := m.patternVars(t.Car, nil)
			seqs := make(map[Value]*mbind, len(vars))
			for _, v := range vars {
				seqs[v] = &mbind{isSeq: true}
			}
			f := form
			for i := 0; i < n; i++ {
				fp := f.(*Pair)
				nb := map[Value]*mbind{}
				if !m.match(t.Car, fp.Car, nb, depth+1) {
					return false
				}
				for _, v := range vars {
					seqs[v].seq = append(seqs[v].seq, nb[v])
				}
				f = fp.Cdr
			}
			for k, v := range seqs {
				b[k] = v
			}
			return m.match(rest, f, b, depth+1)
		}
		fp, ok := form.(*Pair)
		if !ok {
			return false
		}
		return m.match(t.Car, fp.Car, b, depth+1) && m.match(t.Cdr, fp.Cdr, b, depth+1)
	case *EmptyList:
		return form == Value(Null)
	case *Vector:
		fv, ok := form.(*Vector)
		if !ok {
			return false
		}
		return m.match(List(t.Items...), List(fv.Items...), b, depth+1)
	}
	return equalDatum(pat, form)
}

func (m *matcher) patternVars(pat Value, out []Value) []Value {
	switch t := pat.(type) {
	case *Symbol, *alias:
		if m.isLiteral(t) || m.isEllipsis(t) || symbolName(t) == "_" {
			return out
		}
		return append(out, t)
	case *Pair:
		return m.patternVars(t.Cdr, m.patternVars(t.Car, out))
	case *Vector:
		for _, e := range t.Items {
			out = m.patternVars(e, out)
		}
	}
	return out
}

func (m *matcher) rename(id Value, renames map[Value]*alias) Value {
	if a, ok := renames[id]; ok {
		return a
	}
	a := &alias{name: id, env: m.sr.env, lib: m.sr.lib}
	renames[id] = a
	return a
}

func (m *matcher) instantiate(t Value, b map[Value]*mbind, renames map[Value]*alias, noEllipsis bool) (Value, error) {
	switch x := t.(type) {
	case *Symbol, *alias:
		if mb, ok := b[x]; ok {
			if mb.isSeq {
				return nil, &ErrorObject{Kind: KindSyntax, Message: fmt.Sprintf("%s: pattern variable %s used without an ellipsis", m.sr.name, symbolName(x))}
			}
			return mb.v, nil
		}
		return m.rename(x, renames), nil
	case *Pair:
		if !noEllipsis && m.isEllipsis(x.Car) {
			// (... template): escape
			if tp, ok := x.Cdr.(*Pair); ok {
				return m.instantiate(tp.Car, b, renames, true)
			}
			return nil, &ErrorObject{Kind: KindSyntax, Message: m.sr.name + ": bad ellipsis escape"}
		}
		// count ellipses after the element
		k := 0
		rest := x.Cdr
		if !noEllipsis {
			for {
				if rp, ok := rest.(*Pair); ok && m.isEllipsis(rp.Car) {
					k++
					rest = rp.Cdr
					continue
				}
				break
			}
		}
		var head []Value
		if k > 0 {
			items, err := m.expandEllipsis(x.Car, b, renames, k)
			if err != nil {
				return nil, err
			}
			head = items
		} else {
			v, err := m.instantiate(x.Car, b, renames, noEllipsis)
			if err != nil {
				return nil, err
			}
			head = []Value{v}
		}
		tail, err := m.instantiate(rest, b, renames, noEllipsis)
		if err != nil {
			return nil, err
		}
		for i := len(head) - 1; i >= 0; i-- {
			tail = &Pair{head[i], tail}
		}
		return tail, nil
	case *Vector:
		l, err := m.instantiate(List(x.Items...), b, renames, noEllipsis)
		if err != nil {
			return nil, err
		}
		items, _ := ListToSlice(l)
		return &Vector{Items: items, Immutable: true}, nil
	}
	return t, nil
}

func (m *matcher) templateVars(t Value, b map[Value]*mbind, out []Value) []Value {
	switch x := t.(type) {
	case *Symbol, *alias:
		if mb, ok := b[x]; ok && mb.isSeq {
			for _, o := range out {
				if o == x {
					return out
				}
			}
			return append(out, x)
		}
	case *Pair:
		return m.templateVars(x.Cdr, b, m.templateVars(x.Car, b, out))
	case *Vector:
		for _, e := range x.Items {
			out = m.templateVars(e, b, out)
		}
	}
	return out
}

func (m *matcher) expandEllipsis(elem Value, b map[Value]*mbind, renames map[Value]*alias, k int) ([]Value, error) {
	if k == 0 {
		v, err := m.instantiate(elem, b, renames, false)
		if err != nil {
			return nil, err
		}
		return []Value{v}, nil
	}
	vars := m.templateVars(elem, b, nil)
	if len(vars) == 0 {
		return nil, &ErrorObject{Kind: KindSyntax, Message: m.sr.name + ": no pattern variable before ellipsis in template"}
	}
	n := -1
	for _, v := range vars {
		l := len(b[v].seq)
		if n >= 0 && l != n {
			return nil, &ErrorObject{Kind: KindSyntax, Message: fmt.Sprintf("%s: pattern variables under one ellipsis matched different lengths", m.sr.name)}
		}
		n = l
	}
	var out []Value
	for i := 0; i < n; i++ {
		nb := make(map[Value]*mbind, len(b))
		for kk, vv := range b {
			nb[kk] = vv
		}
		for _, v := range vars {
			nb[v] = b[v].seq[i]
		}
		items, err := m.expandEllipsis(elem, nb, renames, k-1)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// equalDatum compares literal data in patterns.
func equalDatum(a, b Value) bool {
	switch x := a.(type) {
	case *String:
		y, ok := b.(*String)
		return ok && x.String() == y.String()
	case *Bytevector:
		// a bytevector is a pattern datum too (R7RS errata to 7.1.5)
		y, ok := b.(*Bytevector)
		return ok && bytes.Equal(x.B, y.B)
	case *Pair, *Vector:
		return false
	}
	if a == b {
		return true
	}
	// numbers held by pointer (bignums, ratios, complex) match by value
	return num.IsNumber(a) && num.Eqv(a, b)
}

// erExpand runs an explicit-renaming transformer.
func (c *compiler) erExpand(m *macro, p *Pair, sc *scope) (Value, error) {
	renames := map[Value]*alias{}
	rename := &Primitive{Name: "rename", MinArgs: 1, MaxArgs: 1, Fn: func(it *Interp, args []Value) (Value, error) {
		id := args[0]
		if !isIdent(id) {
			return nil, TypeError("a symbol", id)
		}
		if a, ok := renames[id]; ok {
			return a, nil
		}
		a := &alias{name: id, env: m.env, lib: m.lib}
		renames[id] = a
		return a, nil
	}}
	compare := &Primitive{Name: "compare", MinArgs: 2, MaxArgs: 2, Fn: func(it *Interp, args []Value) (Value, error) {
		if !isIdent(args[0]) || !isIdent(args[1]) {
			return args[0] == args[1], nil
		}
		return c.sameBinding(args[0], sc, args[1], sc), nil
	}}
	return c.it.vm.apply(m.er, []Value{stripSyntax(p), rename, compare})
}
