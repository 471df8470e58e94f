package bindings

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
// none). A test is an integer (the record number, counted from 1), a string
// (a POSIX regexp searched in the record) or any other expression. Clauses:
// (test body ...), (test => proc), (range|:range|range:|:range: start stop
// body ...) with the colon marking an inclusive end, (else body ...) (runs
// when no clause ran since the previous else), and (after body ...), whose
// value is the value of awk at end of input; without it, awk returns the
// state values.
func expandAwk(form interp.Value) (interp.Value, error) {
	items, err := formItems("awk", form, 3)
	if err != nil {
		return nil, err
	}
	reader := items[1]
	vars, ok := interp.ListToSlice(items[2])
	if !ok || len(vars) == 0 {
		return nil, syntaxErr("awk", "expected a list of record and field variables", items[2])
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
			start, stop := awkTest(c[1], counter, vars[0]), awkTest(c[2], counter, vars[0])
			// (if flag (if stop (begin (set! flag #f) inclStop) #t)
			//          (if start (begin (set! flag #t) inclStart) #f))
			cond := list(sym("if"), flag,
				list(sym("if"), stop, list(sym("begin"), list(sym("set!"), flag, false), inclStop), true),
				list(sym("if"), start, list(sym("begin"), list(sym("set!"), flag, true), inclStart), false))
			body := interp.Cons(sym("begin"), interp.List(c[3:]...))
			next = update(cond, body, next)
		case len(c) == 3 && c[1] == interp.Value(sym("=>")):
			tv := sym("%awk-test")
			test := awkTest(c[0], counter, vars[0])
			next = list(sym("let"), list(list(tv, test)), update(tv, list(c[2], tv), next))
		default:
			if len(c) < 2 {
				return nil, syntaxErr("awk", "clause needs a body", clauses[i])
			}
			body := interp.Cons(sym("begin"), interp.List(c[1:]...))
			next = update(awkTest(c[0], counter, vars[0]), body, next)
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
// the record counter, a string is a regexp searched in the record.
func awkTest(t, counter, record interp.Value) interp.Value {
	switch x := t.(type) {
	case int:
		return list(sym("="), counter, x)
	case *interp.String:
		return list(sym("regexp-search"), x, record)
	}
	return t
}
