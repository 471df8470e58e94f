package scsh

import (
	"strconv"

	"popsh/interp"
)

// expandAwk expands scsh's awk loop:
//
//	(awk next-record (record field ...) [counter] ((state init) ...) clause ...)
//
// Each record is read by evaluating next-record (which returns as many values
// as there are record/field variables) until the record is an end-of-file
// object. Every clause whose test holds runs, in order; its body returns the
// new values of the state variables (nothing is required when there are
// none). A test is an integer (the record number, counted from 1), an SRE
// (a string, ("chars"), (: ...), (+ ...), any, ... searched in the record),
// (when expr) (true when expr is) or any other expression. Clauses:
// (test body ...), (test => proc), (test ==> (var ...) body ...) with the
// vars bound to the match's submatches 0, 1, ... (#f skips one),
// (range|:range|range:|:range: start stop body ...) with the colon marking
// an inclusive end, (else body ...) (runs when no clause ran since the
// previous else), and (after body ...), whose value is the value of awk at
// end of input; without it, awk returns the state values. A record or
// field variable may be #f.
func expandAwk(form interp.Value) (interp.Value, error) { return expandAwkTests(form, false) }

// expandAwkPosix expands awk/posix-string, scsh's older awk, where a
// string test is a POSIX regexp rather than an SRE.
func expandAwkPosix(form interp.Value) (interp.Value, error) { return expandAwkTests(form, true) }

func expandAwkTests(form interp.Value, posix bool) (interp.Value, error) {
	items, err := formItems("awk", form, 3)
	if err != nil {
		return nil, err
	}
	reader := items[1]
	vars, ok := interp.ListToSlice(items[2])
	if !ok || len(vars) == 0 {
		return nil, syntaxErr("awk", "expected a list of record and field variables", items[2])
	}
	for i, v := range vars {
		if v == false { // #f: a value nobody needs
			vars[i] = sym("%awk-anon-" + strconv.Itoa(i))
		}
	}
	rest := items[3:]
	counter := interp.Value(sym("%awk-counter"))
	if len(rest) > 0 {
		if s, ok := rest[0].(*interp.Symbol); ok {
			counter = s
			rest = rest[1:]
		}
	}
	if len(rest) == 0 {
		return nil, syntaxErr("awk", "missing state-variable declarations", form)
	}
	decls, ok := interp.ListToSlice(rest[0])
	if !ok {
		return nil, syntaxErr("awk", "bad state-variable declarations", rest[0])
	}
	var states, inits []interp.Value
	for _, d := range decls {
		b, ok := interp.ListToSlice(d)
		if !ok || len(b) != 2 {
			return nil, syntaxErr("awk", "bad state-variable declaration", d)
		}
		if _, ok := b[0].(*interp.Symbol); !ok {
			return nil, syntaxErr("awk", "bad state-variable declaration", d)
		}
		states, inits = append(states, b[0]), append(inits, b[1])
	}
	clauses := rest[1:]
	if len(clauses) > 0 {
		if _, ok := clauses[0].(*interp.Symbol); ok {
			return nil, syntaxErr("awk", "a continue variable is not supported", clauses[0])
		}
	}
	fired := sym("%awk-fired")
	stateValues := append([]interp.Value{sym("values")}, states...)
	// the end: the after clause, or the state values
	var after interp.Value = interp.List(stateValues...)
	var ranges []interp.Value // (flag #f) bindings
	// build the clause chain from the last clause back
	loopCall := append([]interp.Value{sym("%awk-loop")}, states...)
	loopCall = append(loopCall, counter)
	var next interp.Value = interp.List(loopCall...)
	// update runs body (values) when cond holds, then continues with next.
	update := func(cond, body, next interp.Value) interp.Value {
		run := list(sym("begin"), list(sym("set!"), fired, true), body)
		switch len(states) {
		case 0:
			return list(sym("begin"), list(sym("if"), cond, run), next)
		case 1:
			return list(sym("let"), list(list(states[0], list(sym("if"), cond, run, states[0]))), next)
		}
		return list(sym("receive"), interp.List(states...), list(sym("if"), cond, run, interp.List(stateValues...)), next)
	}
	test := func(t interp.Value, forValue bool) (interp.Value, error) {
		return awkTest(t, counter, vars[0], forValue, posix)
	}
	for i := len(clauses) - 1; i >= 0; i-- {
		c, ok := interp.ListToSlice(clauses[i])
		if !ok || len(c) == 0 {
			return nil, syntaxErr("awk", "bad clause", clauses[i])
		}
		head, _ := c[0].(*interp.Symbol)
		name := ""
		if head != nil {
			name = head.Name
		}
		switch {
		case name == "after":
			if i != len(clauses)-1 {
				return nil, syntaxErr("awk", "after clause must be last", clauses[i])
			}
			after = interp.Cons(sym("begin"), interp.List(c[1:]...))
		case name == "else":
			body := interp.Cons(sym("begin"), interp.List(c[1:]...))
			next = update(list(sym("not"), fired), body, list(sym("begin"), list(sym("set!"), fired, false), next))
		case name == "range" || name == ":range" || name == "range:" || name == ":range:":
			if len(c) < 4 {
				return nil, syntaxErr("awk", "range clause needs a start test, a stop test and a body", clauses[i])
			}
			flag := sym("%awk-range-" + strconv.Itoa(i))
			ranges = append(ranges, list(flag, false))
			inclStart, inclStop := name[0] == ':', name[len(name)-1] == ':'
			start, err := test(c[1], false)
			if err != nil {
				return nil, err
			}
			stop, err := test(c[2], false)
			if err != nil {
				return nil, err
			}
			// (if flag (if stop (begin (set! flag #f) inclStop) #t)
			//          (if start (begin (set! flag #t) inclStart) #f))
			cond := list(sym("if"), flag,
				list(sym("if"), stop, list(sym("begin"), list(sym("set!"), flag, false), inclStop), true),
				list(sym("if"), start, list(sym("begin"), list(sym("set!"), flag, true), inclStart), false))
			body := interp.Cons(sym("begin"), interp.List(c[3:]...))
			next = update(cond, body, next)
		case len(c) == 3 && c[1] == interp.Value(sym("=>")):
			tv := sym("%awk-test")
			t, err := test(c[0], true)
			if err != nil {
				return nil, err
			}
			next = list(sym("let"), list(list(tv, t)), update(tv, list(c[2], tv), next))
		case len(c) >= 3 && c[1] == interp.Value(sym("==>")):
			mvars, ok := interp.ListToSlice(c[2])
			if !ok {
				return nil, syntaxErr("awk", "==> needs a list of submatch variables", clauses[i])
			}
			tv := sym("%awk-test")
			t, err := test(c[0], true)
			if err != nil {
				return nil, err
			}
			var binds []interp.Value
			for k, v := range mvars {
				if v != false {
					binds = append(binds, list(v, list(sym("match:substring"), tv, k)))
				}
			}
			body := list(sym("let"), interp.List(binds...), interp.Cons(sym("begin"), interp.List(c[3:]...)))
			next = list(sym("let"), list(list(tv, t)), update(tv, body, next))
		default:
			if len(c) < 2 {
				return nil, syntaxErr("awk", "clause needs a body", clauses[i])
			}
			body := interp.Cons(sym("begin"), interp.List(c[1:]...))
			t, err := test(c[0], false)
			if err != nil {
				return nil, err
			}
			next = update(t, body, next)
		}
	}
	perRecord := list(sym("let"), list(list(counter, list(sym("+"), counter, 1)), list(fired, false)), next)
	loopBindings := make([]interp.Value, 0, len(states)+1)
	for i := range states {
		loopBindings = append(loopBindings, list(states[i], inits[i]))
	}
	loopBindings = append(loopBindings, list(counter, 0))
	loop := list(sym("let"), sym("%awk-loop"), interp.List(loopBindings...),
		list(sym("receive"), interp.List(vars...), reader,
			list(sym("if"), list(sym("eof-object?"), vars[0]), after, perRecord)))
	return list(sym("let"), interp.List(ranges...), loop), nil
}

// awkTest turns a clause test into an expression: an integer compares with
// the record counter, an SRE is searched in the record (regexp-search when
// the match is wanted, else regexp-search?), (when expr) is expr, and any
// other expression is itself. With posix, a string is a POSIX regexp.
func awkTest(t, counter, record interp.Value, forValue, posix bool) (interp.Value, error) {
	search := sym("regexp-search?")
	if forValue {
		search = sym("regexp-search")
	}
	if n, ok := t.(int); ok {
		return list(sym("="), counter, n), nil
	}
	if s, ok := t.(*interp.String); ok && posix {
		return list(search, list(sym("rx"), list(sym("posix-string"), s)), record), nil
	}
	if isSREForm(t) {
		return list(search, list(sym("rx"), t), record), nil
	}
	if p, ok := t.(*interp.Pair); ok && p.Car == interp.Value(sym("when")) {
		args, ok := interp.ListToSlice(p.Cdr)
		if !ok || len(args) != 1 {
			return nil, syntaxErr("awk", "(when expr) takes one expression", t)
		}
		return args[0], nil
	}
	return t, nil
}

// isSREForm tells an SRE test from an expression the way scsh does: by
// its shape and first keyword only.
func isSREForm(t interp.Value) bool {
	switch x := t.(type) {
	case *interp.String:
		return true
	case *interp.Symbol:
		switch x.Name {
		case "any", "nonl", "bos", "eos", "bol", "eol":
			return true
		}
		_, ok := namedCharSet(x.Name)
		return ok
	case *interp.Pair:
		items, ok := interp.ListToSlice(x)
		if !ok {
			return false
		}
		allStrings := true
		for _, it := range items {
			if _, ok := it.(*interp.String); !ok {
				allStrings = false
			}
		}
		if allStrings {
			return true
		}
		h, ok := x.Car.(*interp.Symbol)
		if !ok {
			return false
		}
		args := items[1:]
		switch h.Name {
		case "unquote", "unquote-splicing", "posix-string":
			return true
		case "=", ">=":
			_, ok := firstInt(args)
			return ok && allSRE(args[1:])
		case "**":
			if len(args) < 2 {
				return false
			}
			_, ok := args[0].(int)
			_, ok2 := args[1].(int)
			return ok && (ok2 || args[1] == false) && allSRE(args[2:])
		case "dsm":
			return len(args) >= 2 && allSRE(args[2:])
		case "*", "+", "?", "|", "or", ":", "seq", "-", "&", "~", "/",
			"submatch", "uncase", "w/case", "w/nocase":
			// (+ x 1) is arithmetic, (+ "3") an SRE: popsh looks at
			// the operands where scsh looks at the keyword alone.
			return allSRE(args)
		}
	}
	return false
}

func firstInt(args []interp.Value) (int, bool) {
	if len(args) == 0 {
		return 0, false
	}
	n, ok := args[0].(int)
	return n, ok
}

// allSRE reports whether every operand can only be read as an SRE.
func allSRE(args []interp.Value) bool {
	for _, a := range args {
		if _, ok := a.(interp.Char); ok {
			continue
		}
		if !isSREForm(a) {
			return false
		}
	}
	return true
}
