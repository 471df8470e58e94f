package scsh

import (
	"os"
	"path/filepath"
	"strings"

	"popsh/interp"
)

// The scsh forms written in Go: each transformer receives the whole form
// and returns the expansion, which the evaluator analyses again. Names the
// expansions introduce are gensyms; the procedures they call are
// %-prefixed primitives of this layer or standard procedures.

func sym(name string) *interp.Symbol { return interp.Intern(name) }

func list(vals ...interp.Value) interp.Value { return interp.List(vals...) }

func syntaxErr(who, msg string, form interp.Value) error {
	return &interp.ErrorObject{Who: who, Message: msg, Kind: interp.KindSyntax, Irritants: []interp.Value{form}}
}

func formItems(who string, form interp.Value, min int) ([]interp.Value, error) {
	items, ok := interp.ListToSlice(form)
	if !ok || len(items) < min {
		return nil, syntaxErr(who, "bad syntax", form)
	}
	return items, nil
}

// appendList returns (head... . tail-list).
func appendList(head []interp.Value, tail interp.Value) interp.Value {
	l := tail
	for i := len(head) - 1; i >= 0; i-- {
		l = interp.Cons(head[i], l)
	}
	return l
}

func (e *scshEnv) installRecords() {
	// recArg reads the record argument, argument pos (0: the only one).
	recArg := func(rt *interp.RecordType, v interp.Value, pos int) (*interp.Record, error) {
		r, ok := v.(*interp.Record)
		if !ok || r.Type != rt {
			return nil, argType(pos, "record", "a "+rt.Name+" record", v)
		}
		return r, nil
	}
	e.it.DefineBuiltins("scsh: records and syntax", []interp.Builtin{
		{Name: "%record-type", MinArgs: 2, MaxArgs: 2,
			Doc: "(%record-type name fields): a new record type",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name := a[0].(*interp.Symbol)
				fs, _ := interp.ListToSlice(a[1])
				syms := make([]*interp.Symbol, len(fs))
				for i, f := range fs {
					syms[i] = f.(*interp.Symbol)
				}
				rt := &interp.RecordType{Name: name.Name, Fields: syms}
				rt.Printer = func(r *interp.Record) string { return "#{" + rt.Name + "}" }
				return rt, nil
			}},
		e.setDiscloserBuiltin("%record-set-discloser!", "(%record-set-discloser! type proc): set how records of type print"),
		e.setDiscloserBuiltin("define-record-discloser", "(define-record-discloser type proc): records of type print as #{item ...}, the list proc makes of each"),
		{Name: "%make-record", MinArgs: 1, MaxArgs: -1,
			Doc: "(%make-record type field ...): a record of type with the fields",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				rt := a[0].(*interp.RecordType)
				return &interp.Record{Type: rt, Fields: append([]interp.Value(nil), a[1:]...)}, nil
			}},
		{Name: "%record-predicate", MinArgs: 1, MaxArgs: 1,
			Doc: "(%record-predicate type): the predicate of records of type",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				rt := a[0].(*interp.RecordType)
				return &interp.Primitive{Name: rt.Name + "?", MinArgs: 1, MaxArgs: 1, Fn: func(it *interp.Interp, b []interp.Value) (interp.Value, error) {
					r, ok := b[0].(*interp.Record)
					return ok && r.Type == rt, nil
				}}, nil
			}},
		{Name: "%record-accessor", MinArgs: 3, MaxArgs: 3,
			Doc: "(%record-accessor type field who): the accessor of field",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				rt, i, who := a[0].(*interp.RecordType), a[1].(int), a[2].(*interp.Symbol).Name
				return &interp.Primitive{Name: who, MinArgs: 1, MaxArgs: 1, Fn: func(it *interp.Interp, b []interp.Value) (interp.Value, error) {
					r, err := recArg(rt, b[0], 0)
					if err != nil {
						return nil, err
					}
					return r.Fields[i], nil
				}}, nil
			}},
		{Name: "%record-modifier", MinArgs: 3, MaxArgs: 3,
			Doc: "(%record-modifier type field who): the modifier of field",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				rt, i, who := a[0].(*interp.RecordType), a[1].(int), a[2].(*interp.Symbol).Name
				return &interp.Primitive{Name: who, MinArgs: 2, MaxArgs: 2, Fn: func(it *interp.Interp, b []interp.Value) (interp.Value, error) {
					r, err := recArg(rt, b[0], 1)
					if err != nil {
						return nil, err
					}
					r.Fields[i] = b[1]
					return interp.Unspecified, nil
				}}, nil
			}},
		{Name: "%record-copier", MinArgs: 2, MaxArgs: 2,
			Doc: "(%record-copier type who): the copier of records of type",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				rt, who := a[0].(*interp.RecordType), a[1].(*interp.Symbol).Name
				return &interp.Primitive{Name: who, MinArgs: 1, MaxArgs: 1, Fn: func(it *interp.Interp, b []interp.Value) (interp.Value, error) {
					r, err := recArg(rt, b[0], 0)
					if err != nil {
						return nil, err
					}
					return &interp.Record{Type: rt, Fields: append([]interp.Value(nil), r.Fields...)}, nil
				}}, nil
			}},
	}...)
}

// expandDefineRecord expands scsh's (define-record NAME field ... [method]).
func expandDefineRecord(form interp.Value) (interp.Value, error) {
	items, err := formItems("define-record", form, 2)
	if err != nil {
		return nil, err
	}
	nameSym, ok := items[1].(*interp.Symbol)
	if !ok {
		return nil, syntaxErr("define-record", "record name must be a symbol", form)
	}
	name := nameSym.Name
	type field struct {
		name    *interp.Symbol
		def     interp.Value
		hasDef  bool
		plain   bool
		param   *interp.Symbol
		explict bool
	}
	var fields []field
	var discloser interp.Value
	for _, spec := range items[2:] {
		switch x := spec.(type) {
		case *interp.Symbol:
			fields = append(fields, field{name: x, plain: true, param: interp.Gensym("%" + x.Name)})
		case *interp.Pair:
			if hd, ok := x.Car.(*interp.Pair); ok {
				// method clause ((disclose self) body ...)
				if m, ok := hd.Car.(*interp.Symbol); ok && m.Name == "disclose" {
					discloser = interp.Cons(sym("lambda"), interp.Cons(hd.Cdr, x.Cdr))
					continue
				}
				return nil, syntaxErr("define-record", "unknown method clause", spec)
			}
			fi, ok := interp.ListToSlice(x)
			fn, ok2 := fi[0].(*interp.Symbol)
			if !ok || !ok2 || len(fi) > 2 {
				return nil, syntaxErr("define-record", "bad field spec", spec)
			}
			f := field{name: fn}
			if len(fi) == 2 {
				f.def, f.hasDef = fi[1], true
			}
			fields = append(fields, f)
		default:
			return nil, syntaxErr("define-record", "bad field spec", spec)
		}
	}
	typeName := sym("type/" + name)
	fieldSyms := make([]interp.Value, len(fields))
	for i, f := range fields {
		fieldSyms[i] = f.name
	}
	out := []interp.Value{sym("begin"),
		list(sym("define"), typeName, list(sym("%record-type"), list(sym("quote"), nameSym), list(sym("quote"), interp.List(fieldSyms...))))}
	var params, vals []interp.Value
	for _, f := range fields {
		switch {
		case f.plain:
			params = append(params, f.param)
			vals = append(vals, f.param)
		case f.hasDef:
			vals = append(vals, f.def)
		default:
			vals = append(vals, list(sym("if"), false, false))
		}
	}
	out = append(out, list(sym("define"), appendList([]interp.Value{sym("make-" + name)}, interp.List(params...)),
		appendList([]interp.Value{sym("%make-record"), typeName}, interp.List(vals...))))
	out = append(out, list(sym("define"), sym(name+"?"), list(sym("%record-predicate"), typeName)))
	for i, f := range fields {
		acc := sym(name + ":" + f.name.Name)
		set := sym("set-" + name + ":" + f.name.Name)
		out = append(out,
			list(sym("define"), acc, list(sym("%record-accessor"), typeName, i, list(sym("quote"), acc))),
			list(sym("define"), set, list(sym("%record-modifier"), typeName, i, list(sym("quote"), set))))
		r, p := interp.Gensym("%r"), interp.Gensym("%proc")
		out = append(out, list(sym("define"), list(sym("modify-"+name+":"+f.name.Name), r, p),
			list(set, r, list(p, list(acc, r)))))
	}
	out = append(out, list(sym("define"), sym("copy-"+name), list(sym("%record-copier"), typeName, list(sym("quote"), sym("copy-"+name)))))
	if discloser != nil {
		out = append(out, list(sym("%record-set-discloser!"), typeName, discloser))
	}
	out = append(out, list(sym("quote"), nameSym))
	return interp.List(out...), nil
}

// expandLetOptionals expands let-optionals (star=false: LET scope, the
// defaults do not see the earlier variables) and let-optionals*.
// Clauses: (var default [arg-check [supplied?]]); a final bare symbol is a
// rest variable. Defaults are evaluated only when needed.
func expandLetOptionals(star bool) func(interp.Value) (interp.Value, error) {
	who := "let-optionals"
	if star {
		who = "let-optionals*"
	}
	return func(form interp.Value) (interp.Value, error) {
		items, err := formItems(who, form, 3)
		if err != nil {
			return nil, err
		}
		clausesV := items[2]
		var clauses []interp.Value
		var rest *interp.Symbol
		for l := clausesV; ; {
			p, ok := l.(*interp.Pair)
			if !ok {
				if s, ok := l.(*interp.Symbol); ok {
					rest = s // dotted rest: (a b . rest)
				} else if l != interp.Null {
					return nil, syntaxErr(who, "bad clause list", form)
				}
				break
			}
			if s, ok := p.Car.(*interp.Symbol); ok && p.Cdr == interp.Null {
				rest = s
				break
			}
			clauses = append(clauses, p.Car)
			l = p.Cdr
		}
		body := interp.List(items[3:]...)
		g := interp.Gensym("%args")
		bindings := []interp.Value{list(g, items[1])}
		var finals []interp.Value
		for _, c := range clauses {
			ci, ok := interp.ListToSlice(c)
			if !ok || len(ci) < 2 || len(ci) > 4 {
				return nil, syntaxErr(who, "bad clause", c)
			}
			if vars, ok := interp.ListToSlice(ci[0]); ok && len(ci) == 2 && ci[0] != interp.Null {
				if _, isPair := ci[0].(*interp.Pair); isPair {
					// ((v1 ... vn) parser): (parser args) returns the rest of
					// the list and then the n values.
					tl := interp.Gensym("%parsed")
					bindings = append(bindings, list(tl, list(sym("call-with-values"),
						list(sym("lambda"), interp.Null, list(ci[1], g)), sym("list"))))
					for j, pv := range vars {
						vs, ok := pv.(*interp.Symbol)
						if !ok {
							return nil, syntaxErr(who, "bad parser clause", c)
						}
						tmp := vs
						if !star {
							tmp = interp.Gensym("%" + vs.Name)
							finals = append(finals, list(vs, tmp))
						}
						bindings = append(bindings, list(tmp, list(sym("list-ref"), tl, j+1)))
					}
					ng := interp.Gensym("%args")
					bindings = append(bindings, list(ng, list(sym("car"), tl)))
					g = ng
					continue
				}
			}
			v, ok := ci[0].(*interp.Symbol)
			if !ok {
				return nil, syntaxErr(who, "bad clause", c)
			}
			tmp := v
			if !star {
				tmp = interp.Gensym("%" + v.Name)
			}
			x := interp.Gensym("%x")
			supplied := list(sym("car"), g)
			if len(ci) >= 3 {
				// (let ((x (car g))) (if (let ((v x)) check) x (error ...)))
				supplied = list(sym("let"), list(list(x, list(sym("car"), g))),
					list(sym("if"), list(sym("let"), list(list(v, x)), ci[2]), x,
						list(sym("error"), interp.NewString("Optional argument failed test"), list(sym("quote"), ci[2]), x)))
			}
			val := list(sym("if"), list(sym("pair?"), g), supplied, ci[1])
			bindings = append(bindings, list(tmp, val))
			if len(ci) == 4 {
				sv, ok := ci[3].(*interp.Symbol)
				if !ok {
					return nil, syntaxErr(who, "supplied? must be a symbol", c)
				}
				st := sv
				if !star {
					st = interp.Gensym("%" + sv.Name)
					finals = append(finals, list(sv, st))
				}
				bindings = append(bindings, list(st, list(sym("pair?"), g)))
			}
			if !star {
				finals = append(finals, list(v, tmp))
			}
			ng := interp.Gensym("%args")
			bindings = append(bindings, list(ng, list(sym("if"), list(sym("pair?"), g), list(sym("cdr"), g), list(sym("quote"), interp.Null))))
			g = ng
		}
		var tail interp.Value
		if rest != nil {
			if star {
				bindings = append(bindings, list(rest, g))
			} else {
				finals = append(finals, list(rest, g))
			}
			tail = body
		} else {
			check := list(sym("if"), list(sym("pair?"), g),
				list(sym("error"), interp.NewString("Too many optional arguments."), g))
			tail = interp.Cons(check, body)
		}
		inner := interp.Cons(sym("let"), interp.Cons(interp.List(finals...), tail))
		if star {
			inner = interp.Cons(sym("let"), interp.Cons(interp.Null, tail))
		}
		return list(sym("let*"), interp.List(bindings...), inner), nil
	}
}

// expandOptional expands (:optional rest default [arg-test]).
func expandOptional(form interp.Value) (interp.Value, error) {
	items, err := formItems(":optional", form, 3)
	if err != nil || len(items) > 4 {
		return nil, syntaxErr(":optional", "bad syntax", form)
	}
	g, x := interp.Gensym("%maybe-arg"), interp.Gensym("%val")
	one := list(sym("car"), g)
	if len(items) == 4 {
		one = list(sym("let"), list(list(x, list(sym("car"), g))),
			list(sym("if"), list(items[3], x), x,
				list(sym("error"), interp.NewString("Optional argument failed test"), list(sym("quote"), items[3]), x)))
	}
	return list(sym("let"), list(list(g, items[1])),
		list(sym("cond"),
			list(list(sym("null?"), g), items[2]),
			list(list(sym("null?"), list(sym("cdr"), g)), one),
			list(sym("else"), list(sym("error"), interp.NewString("too many optional arguments"), g)))), nil
}

// expandReceive expands SRFI-8 (receive formals expr body ...).
func expandReceive(form interp.Value) (interp.Value, error) {
	items, err := formItems("receive", form, 4)
	if err != nil {
		return nil, err
	}
	return list(sym("call-with-values"), list(sym("lambda"), interp.Null, items[2]),
		interp.Cons(sym("lambda"), interp.Cons(items[1], interp.List(items[3:]...)))), nil
}

// hasUnquote reports whether an SRE contains , or ,@.
func hasUnquote(v interp.Value) bool {
	p, ok := v.(*interp.Pair)
	if !ok {
		return false
	}
	if s, ok := p.Car.(*interp.Symbol); ok && (s.Name == "unquote" || s.Name == "unquote-splicing") {
		return true
	}
	for l := v; ; {
		q, ok := l.(*interp.Pair)
		if !ok {
			return false
		}
		if hasUnquote(q.Car) {
			return true
		}
		l = q.Cdr
	}
}

// expandRx expands (rx sre ...): a constant regexp compiled now when the
// SREs hold no unquote, else a run-time translation of the quasiquoted SREs.
func expandRx(form interp.Value) (interp.Value, error) {
	items, err := formItems("rx", form, 1)
	if err != nil {
		return nil, err
	}
	sres := items[1:]
	if !hasUnquote(interp.List(sres...)) {
		r, err := compileSRE(sres)
		if err != nil {
			return nil, err
		}
		return list(sym("quote"), regexpValue(r)), nil
	}
	return list(sym("%sre->regexp"), list(sym("quasiquote"), rxUnquotes(interp.List(sres...)))), nil
}

// rxUnquotes gives rx's two unquotes their scsh meanings: ,exp embeds a
// regexp with its submatches hidden; ,@exp embeds it with them kept (the
// submatches that follow are numbered after them).
func rxUnquotes(v interp.Value) interp.Value {
	p, ok := v.(*interp.Pair)
	if !ok {
		return v
	}
	if h, ok := p.Car.(*interp.Symbol); ok {
		if arg, ok := p.Cdr.(*interp.Pair); ok && arg.Cdr == interp.Null {
			switch h.Name {
			case "unquote":
				return list(sym("unquote"), list(sym("%rx-flush"), arg.Car))
			case "unquote-splicing":
				return list(sym("unquote"), arg.Car)
			}
		}
	}
	return interp.Cons(rxUnquotes(p.Car), rxUnquotes(p.Cdr))
}

// epfThunks replaces (begin body ...) process forms by ,(lambda () body ...)
// so that the quasiquoted form carries a procedure.
func epfThunks(pf interp.Value) interp.Value {
	p, ok := pf.(*interp.Pair)
	if !ok {
		return pf
	}
	h, _ := p.Car.(*interp.Symbol)
	if h == nil {
		return pf
	}
	switch h.Name {
	case "begin":
		return list(sym("unquote"), interp.Cons(sym("lambda"), interp.Cons(interp.Null, p.Cdr)))
	case "|", "pipe":
		items, ok := interp.ListToSlice(pf)
		if !ok {
			return pf
		}
		out := []interp.Value{h}
		for _, x := range items[1:] {
			out = append(out, epfThunks(x))
		}
		return interp.List(out...)
	case "epf":
		items, ok := interp.ListToSlice(pf)
		if !ok || len(items) < 2 {
			return pf
		}
		out := append([]interp.Value{h, epfThunks(items[1])}, items[2:]...)
		return interp.List(out...)
	}
	return pf
}

// expandRun makes a transformer (NAME pf redir ...) -> (wrap (prim `(pf' redir ...))).
func expandRun(name, prim string, wrap string) func(interp.Value) (interp.Value, error) {
	return func(form interp.Value) (interp.Value, error) {
		items, err := formItems(name, form, 2)
		if err != nil {
			return nil, err
		}
		epf := append([]interp.Value{epfThunks(items[1])}, items[2:]...)
		call := list(sym(prim), list(sym("quasiquote"), interp.List(epf...)))
		if wrap != "" {
			return list(sym(wrap), call), nil
		}
		return call, nil
	}
}

// expandRunCollecting expands (run/collecting fds pf redir ...) into
// (%run/collecting 'fds `(pf redir ...)).
func expandRunCollecting(form interp.Value) (interp.Value, error) {
	items, err := formItems("run/collecting", form, 3)
	if err != nil {
		return nil, err
	}
	epf := append([]interp.Value{epfThunks(items[2])}, items[3:]...)
	return list(sym("%run/collecting"), list(sym("quote"), items[1]),
		list(sym("quasiquote"), interp.List(epf...))), nil
}

// expandShortCircuit expands (|| pf ...) and (&& pf ...).
func expandShortCircuit(name string, or bool) func(interp.Value) (interp.Value, error) {
	return func(form interp.Value) (interp.Value, error) {
		items, err := formItems(name, form, 1)
		if err != nil {
			return nil, err
		}
		head := sym("and")
		if or {
			head = sym("or")
		}
		out := []interp.Value{head}
		for _, pf := range items[1:] {
			out = append(out, list(sym("zero?"), list(sym("%run"), list(sym("quasiquote"), list(epfThunks(pf))))))
		}
		if len(items) == 1 {
			return !or, nil
		}
		return list(sym("if"), interp.List(out...), true, false), nil
	}
}

// expandWithPort makes (NAME port body ...) -> (NAME* port (lambda () body ...)).
func expandWithThunk(name string, nargs int) func(interp.Value) (interp.Value, error) {
	return func(form interp.Value) (interp.Value, error) {
		items, err := formItems(name, form, 1+nargs)
		if err != nil {
			return nil, err
		}
		out := []interp.Value{sym(name + "*")}
		out = append(out, items[1:1+nargs]...)
		out = append(out, interp.Cons(sym("lambda"), interp.Cons(interp.Null, interp.List(items[1+nargs:]...))))
		return interp.List(out...), nil
	}
}

// expandWithErrnoHandler expands
// (with-errno-handler ((errno data) ((errno/x ...) body ...) ... [(else body ...)]) body ...)
// as scsh does: the first clause whose list holds the errno of a
// syscall-error runs, and its value is returned from the whole form;
// with no matching clause the condition is passed on.
func expandWithErrnoHandler(form interp.Value) (interp.Value, error) {
	items, err := formItems("with-errno-handler", form, 2)
	if err != nil {
		return nil, err
	}
	spec, err := formItems("with-errno-handler", items[1], 1)
	if err != nil {
		return nil, err
	}
	vars := spec[0]
	vs, ok := interp.ListToSlice(vars)
	if !ok || len(vs) != 2 {
		return nil, syntaxErr("with-errno-handler", "expected (errno data)", form)
	}
	k := interp.Gensym("%k")
	condClauses := []interp.Value{sym("cond")}
	for _, c := range spec[1:] {
		ci, err := formItems("with-errno-handler", c, 1)
		if err != nil {
			return nil, err
		}
		body := list(sym("call-with-values"),
			interp.Cons(sym("lambda"), interp.Cons(interp.Null, interp.List(ci[1:]...))), k)
		if s, ok := ci[0].(*interp.Symbol); ok && s.Name == "else" {
			condClauses = append(condClauses, list(sym("else"), body))
			continue
		}
		test := list(sym("memv"), vs[0], interp.Cons(sym("list"), ci[0]))
		condClauses = append(condClauses, list(test, body))
	}
	handler := list(sym("lambda"), vars, interp.List(condClauses...))
	thunk := interp.Cons(sym("lambda"), interp.Cons(interp.Null, interp.List(items[2:]...)))
	return list(sym("call-with-current-continuation"),
		list(sym("lambda"), list(k), list(sym("with-errno-handler*"), handler, thunk))), nil
}

func (e *scshEnv) installMacros() {
	m := func(name string, f func(interp.Value) (interp.Value, error)) { e.it.DefineMacro(name, f) }
	m("define-record", expandDefineRecord)
	m("let-optionals", expandLetOptionals(false))
	m("let-optionals*", expandLetOptionals(true))
	m(":optional", expandOptional)
	m("receive", expandReceive)
	m("rx", expandRx)
	m("run", expandRun("run", "%run", ""))
	m("run/strings", expandRun("run/strings", "%run/strings", ""))
	m("run/string", expandRun("run/string", "%run/string", ""))
	m("run/port", expandRun("run/port", "%run/port", ""))
	m("run/sexp", expandRun("run/sexp", "%run/port", "read"))
	m("run/sexps", expandRun("run/sexps", "%run/port", "port->sexp-list"))
	m("run/collecting", expandRunCollecting)
	m("run/file", expandRun("run/file", "%run/file", ""))
	m("run/port+proc", expandRun("run/port+proc", "%run/port+proc", ""))
	m("awk", expandAwk)
	m("awk/posix-string", expandAwkPosix)
	m("&", expandRun("&", "%&", ""))
	m("exec-epf", expandRun("exec-epf", "%exec-epf", ""))
	m("||", expandShortCircuit("||", true))
	m("&&", expandShortCircuit("&&", false))
	for _, n := range []string{"with-current-output-port", "with-current-input-port", "with-current-error-port", "with-error-output-port", "with-cwd", "with-umask"} {
		m(n, expandWithThunk(n, 1))
	}
	m("with-errno-handler", expandWithErrnoHandler)
	m("define-interface", expandDefineInterface)
	m("define-structure", expandDefineStructure)
	m("define-structures", expandDefineStructures)
	e.it.DefineBuiltins("scsh: syntax", interp.Builtin{Name: "%structure-file", MinArgs: 1, MaxArgs: 1,
		Doc: "(%structure-file name): the file (files name) loads: name beside the file being loaded if there, else name",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], 0, "name")
			if err != nil {
				return nil, err
			}
			return interp.NewString(structureFile(it.LoadingFile(), s.String())), nil
		}})
}

// structureFile is the file a (files name) clause of a structure defined
// in the file from means: Scheme48 reads it from from's directory; a name
// not there is taken from the working directory, as popsh did before.
func structureFile(from, name string) string {
	if from == "" || filepath.IsAbs(name) {
		return name
	}
	p := filepath.Join(filepath.Dir(from), name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return name
}

// expandDefineInterface accepts (define-interface name spec) and drops it:
// popsh has one global environment, so interfaces restrict nothing.
func expandDefineInterface(form interp.Value) (interp.Value, error) {
	items, err := formItems("define-interface", form, 2)
	if err != nil {
		return nil, err
	}
	return list(sym("quote"), items[1]), nil
}

// structureBody turns the clauses of a Scheme48 structure definition into
// top-level forms: (files f ...) loads each file (".scm" added when the
// name has no extension; a relative name is looked for beside the file
// holding the definition first, as Scheme48 does, then from the working
// directory), (begin form ...) splices its forms; open,
// access, for-syntax, optimize and the like are accepted and ignored.
func structureBody(who string, clauses []interp.Value) ([]interp.Value, error) {
	var out []interp.Value
	for _, c := range clauses {
		ci, ok := interp.ListToSlice(c)
		if !ok || len(ci) == 0 {
			return nil, syntaxErr(who, "bad clause", c)
		}
		h, _ := ci[0].(*interp.Symbol)
		if h == nil {
			return nil, syntaxErr(who, "bad clause", c)
		}
		switch h.Name {
		case "files":
			for _, f := range ci[1:] {
				var name string
				switch x := f.(type) {
				case *interp.Symbol:
					name = x.Name
				case *interp.String:
					name = x.String()
				default:
					return nil, syntaxErr(who, "bad file name", f)
				}
				if !strings.Contains(name[strings.LastIndexByte(name, '/')+1:], ".") {
					name += ".scm"
				}
				out = append(out, list(sym("load"), list(sym("%structure-file"), interp.NewString(name))))
			}
		case "begin":
			out = append(out, ci[1:]...)
		}
	}
	return out, nil
}

// expandDefineStructure flattens (define-structure name interface clause ...)
// into the global environment.
func expandDefineStructure(form interp.Value) (interp.Value, error) {
	items, err := formItems("define-structure", form, 3)
	if err != nil {
		return nil, err
	}
	body, err := structureBody("define-structure", items[3:])
	if err != nil {
		return nil, err
	}
	return interp.Cons(sym("begin"), interp.List(append(body, list(sym("quote"), items[1]))...)), nil
}

// expandDefineStructures flattens (define-structures ((name iface) ...) clause ...).
func expandDefineStructures(form interp.Value) (interp.Value, error) {
	items, err := formItems("define-structures", form, 2)
	if err != nil {
		return nil, err
	}
	body, err := structureBody("define-structures", items[2:])
	if err != nil {
		return nil, err
	}
	return interp.Cons(sym("begin"), interp.List(append(body, list(sym("quote"), false))...)), nil
}

// setDiscloserBuiltin makes a procedure setting how the records of a type
// print: as #{...} of the list the given procedure makes of the record.
func (e *scshEnv) setDiscloserBuiltin(name, doc string) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			rt, ok := a[0].(*interp.RecordType)
			if !ok {
				return nil, argType(1, "type", "a record type", a[0])
			}
			if !interp.IsProcedure(a[1]) {
				return nil, argType(2, "proc", "a procedure", a[1])
			}
			proc := a[1]
			rt.Printer = func(r *interp.Record) string {
				v, err := e.call(proc, r)
				if err != nil {
					return "#{" + rt.Name + "}"
				}
				items, ok := interp.ListToSlice(v)
				if !ok {
					return "#{" + interp.DisplayString(v) + "}"
				}
				parts := make([]string, len(items))
				for i, x := range items {
					if i == 0 {
						parts[i] = interp.DisplayString(x)
					} else {
						parts[i] = interp.WriteString(x)
					}
				}
				return "#{" + strings.Join(parts, " ") + "}"
			}
			return interp.Unspecified, nil
		}}
}
