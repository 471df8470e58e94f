package scsh

import (
	"errors"

	"popsh/interp"
)

// errSignalled marks (as Cause) a condition a script built with signal or
// signal-condition. Its type, if never declared with define-condition-type,
// has no supertypes, so it is not an error (Scheme48: the last-resort
// handler proceeds); a condition raised from Go with an undeclared type
// stays an error.
var errSignalled = errors.New("condition signalled by the program")

// Conditions follow Scheme48's old system: a condition has a type (a
// symbol registered with define-condition-type, with its supertypes) and
// "stuff" (a list). Here a condition is an *interp.ErrorObject whose Kind
// is the type name, whose Message is the first element of the stuff when
// that is a string, and whose Irritants are the rest of the stuff, so that
// R7RS guard, error-object? and error-object-message see scsh conditions
// too, and scsh's predicates see interpreter errors (Kind "" is the type
// error). A list (type . stuff) is also accepted wherever a condition is.

func (e *scshEnv) kindOf(c interp.Value) (string, bool) {
	switch x := c.(type) {
	case *interp.ErrorObject:
		if x.Payload != nil && x.Message == "" && len(x.Irritants) == 0 && x.Kind == "" {
			return "", false
		}
		if x.Kind == "" {
			return "error", true
		}
		return x.Kind, true
	case *interp.Pair:
		if s, ok := x.Car.(*interp.Symbol); ok {
			if _, known := e.condTypes[s.Name]; known {
				return s.Name, true
			}
		}
	}
	return "", false
}

// isa reports whether condition c is of type t or a subtype.
func (e *scshEnv) isa(c interp.Value, t string) bool {
	if eo, ok := c.(*interp.ErrorObject); ok && t == "syscall-error" && eo.IsErrno() {
		return true
	}
	k, ok := e.kindOf(c)
	if !ok {
		return false
	}
	sup, known := e.condTypes[k]
	if !known {
		sup = []string{k}
		if eo, ok := c.(*interp.ErrorObject); !ok || !errors.Is(eo.Cause, errSignalled) {
			// An error object of a type never declared (raised from Go) is an error.
			sup = append(sup, "error")
		}
	}
	for _, s := range sup {
		if s == t {
			return true
		}
	}
	return false
}

// makeCondition builds the error object for (signal type . stuff).
func makeCondition(kind string, stuff []interp.Value) *interp.ErrorObject {
	eo := &interp.ErrorObject{Kind: kind}
	if kind == "error" {
		eo.Kind = interp.KindError
	}
	if len(stuff) > 0 {
		if s, ok := stuff[0].(*interp.String); ok && kind != "syscall-error" {
			eo.Message = s.String()
			eo.Irritants = append([]interp.Value(nil), stuff[1:]...)
			return eo
		}
	}
	eo.Irritants = append([]interp.Value(nil), stuff...)
	return eo
}

// conditionStuff is the inverse of makeCondition.
func conditionStuff(c interp.Value) interp.Value {
	switch x := c.(type) {
	case *interp.ErrorObject:
		if x.IsErrno() || (x.Message == "" && x.Who == "") {
			return interp.List(x.Irritants...)
		}
		msg := x.Message
		if x.Who != "" && !x.IsErrno() {
			msg = x.Who + ": " + msg
		}
		return interp.Cons(interp.NewString(msg), interp.List(x.Irritants...))
	case *interp.Pair:
		return x.Cdr
	}
	return interp.Null
}

func (e *scshEnv) installConditions() {
	for _, en := range errnos {
		e.it.Define(en.name, en.val)
	}
	e.it.DefineBuiltins("scsh: conditions", []interp.Builtin{
		{Name: "%arg-type-error", MinArgs: 5, MaxArgs: 5,
			Doc: "(%arg-type-error who pos param want got): raise who's wrong-type error for argument pos (0: its only one)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				who, ok1 := a[0].(*interp.String)
				pos, ok2 := a[1].(int)
				param, ok3 := a[2].(*interp.String)
				want, ok4 := a[3].(*interp.String)
				if !ok1 || !ok2 || !ok3 || !ok4 {
					return nil, interp.Errorf("bad call %s", interp.WriteString(interp.List(a...)))
				}
				err := argType(pos, param.String(), want.String(), a[4])
				err.Who = who.String()
				return nil, err
			}},
		{Name: "define-condition-type", MinArgs: 2, MaxArgs: 2,
			Doc: "(define-condition-type name supertypes): declare a condition type name with its supertypes (a list)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, ok := a[0].(*interp.Symbol)
				if !ok {
					return nil, argType(1, "name", "a symbol", a[0])
				}
				supers, ok := interp.ListToSlice(a[1])
				if !ok {
					return nil, argType(2, "supertypes", "a list of symbols", a[1])
				}
				all := []string{name.Name}
				seen := map[string]bool{name.Name: true}
				for _, s := range supers {
					sym, ok := s.(*interp.Symbol)
					if !ok {
						return nil, argType(2, "supertypes", "a list of symbols", a[1])
					}
					st, known := e.condTypes[sym.Name]
					if !known {
						return nil, scshErr("define-condition-type", "unrecognized condition type", sym)
					}
					for _, x := range st {
						if !seen[x] {
							seen[x] = true
							all = append(all, x)
						}
					}
				}
				e.condTypes[name.Name] = all
				return name, nil
			}},
		{Name: "condition-predicate", MinArgs: 1, MaxArgs: 1,
			Doc: "(condition-predicate name): a predicate true of conditions of type name or a subtype",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, ok := a[0].(*interp.Symbol)
				if !ok {
					return nil, argType(0, "name", "a symbol", a[0])
				}
				return &interp.Primitive{Name: name.Name + "?", MinArgs: 1, MaxArgs: 1, Fn: func(it *interp.Interp, b []interp.Value) (interp.Value, error) {
					return e.isa(b[0], name.Name), nil
				}}, nil
			}},
		{Name: "%condition-isa?", MinArgs: 2, MaxArgs: 2,
			Doc: "(%condition-isa? condition name): whether condition is of type name or a subtype",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, ok := a[1].(*interp.Symbol)
				if !ok {
					return nil, argType(2, "name", "a symbol", a[1])
				}
				return e.isa(a[0], name.Name), nil
			}},
		{Name: "condition?", MinArgs: 1, MaxArgs: 1,
			Doc: "(condition? obj): whether obj is a condition (an error object)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, ok := e.kindOf(a[0])
				return ok, nil
			}},
		{Name: "condition-type", MinArgs: 1, MaxArgs: 1,
			Doc: "(condition-type condition): the type name of condition, a symbol",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				k, ok := e.kindOf(a[0])
				if !ok {
					return false, nil
				}
				return interp.Intern(k), nil
			}},
		{Name: "condition-stuff", MinArgs: 1, MaxArgs: 1,
			Doc: "(condition-stuff condition): the message and irritants of condition, as a list",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return conditionStuff(a[0]), nil
			}},
		{Name: "%make-condition", MinArgs: 2, MaxArgs: 2,
			Doc: "(%make-condition type stuff): a condition of type with the list stuff",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, ok := a[0].(*interp.Symbol)
				if !ok {
					return nil, argType(1, "type", "a condition type symbol", a[0])
				}
				stuff, ok := interp.ListToSlice(a[1])
				if !ok {
					return nil, argType(2, "stuff", "a list", a[1])
				}
				return makeCondition(name.Name, stuff), nil
			}},
		{Name: "signal-condition", MinArgs: 1, MaxArgs: 1,
			Doc: "(signal-condition condition): signal condition to the current handlers",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if p, ok := a[0].(*interp.Pair); ok {
					if s, ok := p.Car.(*interp.Symbol); ok {
						stuff, _ := interp.ListToSlice(p.Cdr)
						c := makeCondition(s.Name, stuff)
						c.Cause = errSignalled
						return e.signal(c)
					}
				}
				return e.signal(a[0])
			}},
		{Name: "signal", MinArgs: 1, MaxArgs: -1,
			Doc: "(signal type stuff ...): make a condition of type with stuff and signal it",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, ok := a[0].(*interp.Symbol)
				if !ok {
					return nil, argType(1, "type", "a condition type symbol", a[0])
				}
				c := makeCondition(name.Name, a[1:])
				c.Cause = errSignalled
				return e.signal(c)
			}},
		{Name: "call-error", MinArgs: 2, MaxArgs: -1,
			Doc: "(call-error message who irritant ...): signal a call-error condition",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.signal(makeCondition("call-error", a))
			}},
		{Name: "warn", MinArgs: 1, MaxArgs: -1,
			Doc: "(warn message irritant ...): signal a warning (displayed when no handler takes it)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.signal(makeCondition("warning", a))
			}},
		{Name: "%condition->string", MinArgs: 1, MaxArgs: 1,
			Doc: "(%condition->string condition): condition in scsh's printed format",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.NewString(e.conditionString(a[0])), nil
			}},
	}...)
}

// conditionString renders any condition for display-condition.
func (e *scshEnv) conditionString(c interp.Value) string {
	switch x := c.(type) {
	case *interp.ErrorObject:
		return x.ConditionString()
	case *interp.Pair:
		if s, ok := x.Car.(*interp.Symbol); ok {
			stuff, _ := interp.ListToSlice(x.Cdr)
			return makeCondition(s.Name, stuff).ConditionString()
		}
	}
	return (&interp.ErrorObject{Message: "non-condition object raised", Irritants: []interp.Value{c}}).ConditionString()
}

// signal delivers condition c to the handler list: it returns a tail call
// of raise-continuable, so the raise happens at the caller's position.
// A non-error condition with no with-handler active proceeds (a warning
// is displayed on the current error port).
func (e *scshEnv) signal(c interp.Value) (interp.Value, error) {
	if p, ok := c.(*interp.Pair); ok {
		if s, ok := p.Car.(*interp.Symbol); ok {
			stuff, _ := interp.ListToSlice(p.Cdr)
			c = makeCondition(s.Name, stuff)
		}
	}
	if !e.isa(c, "error") {
		depth := 1
		if param, ok := e.it.Lookup("%scsh-handler-depth"); ok {
			if v, err := e.call(param); err == nil {
				if n, ok := v.(int); ok {
					depth = n
				}
			}
		}
		if depth == 0 {
			if e.isa(c, "warning") {
				if err := e.it.CurrentError().WriteString(e.conditionString(c)); err != nil {
					return nil, ioErr("warn", err)
				}
			}
			return interp.Unspecified, nil
		}
	}
	raise, ok := e.it.Lookup("raise-continuable")
	if !ok {
		return nil, scshErr("signal", "raise-continuable is not defined")
	}
	return &interp.TailCall{Proc: raise, Args: []interp.Value{c}}, nil
}
