package scsh

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	"popsh/interp"
)

// Regexps as data: scsh's regexp ADT (re-seq, re-choice, re-repeat,
// re-submatch, re-dsm, re-string, re-char-set and the anchors) over
// popsh's regexps. Every regexp keeps its SRE; the ADT reading of a
// regexp built by rx is derived from that SRE on first use, while one
// built by the constructors keeps the very values it was given.

// reNode is the ADT reading of a regexp.
type reNode struct {
	kind      string         // seq choice repeat submatch dsm string char-set bos eos bol eol trivial other
	elts      []interp.Value // seq, choice: regexps
	from      int            // repeat
	to        interp.Value   // repeat: an integer or #f
	body      interp.Value   // repeat, submatch, dsm: a regexp
	pre, post int            // submatch, dsm: dead submatches before and after the body
	chars     interp.Value   // string: the string
	cset      interp.Value   // char-set: as given (a char set, or a string)
}

// canonSRE replaces the regexps embedded in an SRE by their SREs.
func canonSRE(v interp.Value) interp.Value {
	switch x := v.(type) {
	case *interp.Opaque:
		if r, ok := x.Value.(*scshRegexp); ok && r.sre != nil {
			return r.sre
		}
	case *interp.Pair:
		items, ok := interp.ListToSlice(x)
		if !ok {
			return v
		}
		out := make([]interp.Value, len(items))
		for i, it := range items {
			out[i] = canonSRE(it)
		}
		return interp.List(out...)
	}
	return v
}

// sreOfSeq is the single SRE for a list of SREs.
func sreOfSeq(sres []interp.Value) interp.Value {
	if len(sres) == 1 {
		return canonSRE(sres[0])
	}
	out := []interp.Value{interp.Intern(":")}
	for _, s := range sres {
		out = append(out, canonSRE(s))
	}
	return interp.List(out...)
}

// regexpOfSRE compiles one SRE into a regexp value.
func regexpOfSRE(sre interp.Value) (*interp.Opaque, *scshRegexp, error) {
	r, err := compileSRE([]interp.Value{sre})
	if err != nil {
		return nil, nil, err
	}
	return regexpValue(r), r, nil
}

// withNode compiles sre and fixes its ADT reading.
func withNode(sre interp.Value, n *reNode) (interp.Value, error) {
	v, r, err := regexpOfSRE(sre)
	if err != nil {
		return nil, err
	}
	r.view = n
	return v, nil
}

// lenientNode is withNode for the raw constructors, which take parts
// that are not regexps as scsh's do. A part that is a string, a char or a
// char set stands for what it stands for in an SRE; with any other such
// part, or when the SRE does not compile, the regexp is still made (its
// ADT reading is exact) but it matches nothing and searching with it
// reports the error.
func lenientNode(sre interp.Value, n *reNode, parts ...interp.Value) (interp.Value, error) {
	var err error
	for _, p := range parts {
		if !literalPart(p) {
			err = sreError("not a regexp: %s", interp.WriteString(p))
			break
		}
	}
	if err == nil {
		var v interp.Value
		if v, err = withNode(sre, n); err == nil {
			return v, nil
		}
	}
	r, cerr := compileGo(neverMatch)
	if cerr != nil {
		return nil, cerr
	}
	r.sre, r.view = sre, n
	r.bad = &interp.ErrorObject{Message: "the regexp cannot match: it was made from parts that are not regexps (" + err.Error() + ")", Cause: err}
	return regexpValue(r), nil
}

// literalPart reports whether a raw constructor's part is a regexp or a
// value with one plain meaning as an SRE: a string, a char or a char set.
func literalPart(v interp.Value) bool {
	switch v.(type) {
	case *interp.String, interp.Char:
		return true
	}
	if _, ok := asRegexp(v); ok {
		return true
	}
	_, ok := asCharSet(v)
	return ok
}

// viewOf is the ADT reading of r.
func viewOf(r *scshRegexp) *reNode {
	if r.view == nil {
		r.view = deriveView(r.sre)
	}
	return r.view
}

func child(sre interp.Value) interp.Value {
	v, _, err := regexpOfSRE(sre)
	if err != nil {
		return false
	}
	return v
}

func seqSRE(items []interp.Value) interp.Value {
	if len(items) == 1 {
		return items[0]
	}
	return interp.Cons(interp.Intern(":"), interp.List(items...))
}

func deriveView(sre interp.Value) *reNode {
	switch x := sre.(type) {
	case nil:
		return &reNode{kind: "other"}
	case *interp.String:
		if x.Len() == 0 {
			return &reNode{kind: "trivial"}
		}
		return &reNode{kind: "string", chars: x}
	case interp.Char:
		return &reNode{kind: "string", chars: interp.NewString(string(rune(x)))}
	case *interp.Symbol:
		switch x.Name {
		case "bos", "eos", "bol", "eol":
			return &reNode{kind: x.Name}
		}
		if cs, ok := namedCharSet(x.Name); ok {
			return &reNode{kind: "char-set", cset: charSetValue(cs)}
		}
	case *interp.Opaque:
		if cs, ok := x.Value.(*charSet); ok {
			return &reNode{kind: "char-set", cset: charSetValue(cs)}
		}
	case *interp.Pair:
		items, ok := interp.ListToSlice(x)
		if !ok {
			break
		}
		if isClassForm(x) {
			if cs, err := sreCharSet(x); err == nil {
				return &reNode{kind: "char-set", cset: charSetValue(cs)}
			}
			break
		}
		h, ok := items[0].(*interp.Symbol)
		if !ok {
			break
		}
		args := items[1:]
		intAt := func(i int) (int, bool) {
			if i >= len(args) {
				return 0, false
			}
			n, ok := args[i].(int)
			return n, ok
		}
		rep := func(from int, to interp.Value, body []interp.Value) *reNode {
			if from == 0 && to == 0 {
				// Matches only "": its submatches are dead.
				if n := sreCount(interp.List(body...)); n > 0 {
					return &reNode{kind: "dsm", pre: n, body: child(interp.List(interp.Intern(":")))}
				}
				return &reNode{kind: "trivial"}
			}
			return &reNode{kind: "repeat", from: from, to: to, body: child(seqSRE(body))}
		}
		switch h.Name {
		case ":", "seq":
			switch len(args) {
			case 0:
				return &reNode{kind: "trivial"}
			case 1:
				return deriveView(args[0])
			}
			if n := deadLead(args); n != nil {
				return n
			}
			n := &reNode{kind: "seq"}
			for _, a := range args {
				n.elts = append(n.elts, child(a))
			}
			return n
		case "or", "|":
			switch len(args) {
			case 0:
				return &reNode{kind: "char-set", cset: charSetValue(newCharSet())}
			case 1:
				return deriveView(args[0])
			}
			n := &reNode{kind: "choice"}
			for _, a := range args {
				n.elts = append(n.elts, child(a))
			}
			return n
		case "*":
			return rep(0, false, args)
		case "+":
			return rep(1, false, args)
		case "?":
			return rep(0, 1, args)
		case "=":
			if n, ok := intAt(0); ok {
				return rep(n, n, args[1:])
			}
		case ">=":
			if n, ok := intAt(0); ok {
				return rep(n, false, args[1:])
			}
		case "**":
			if n, ok := intAt(0); ok && len(args) >= 2 {
				return rep(n, args[1], args[2:])
			}
		case "submatch":
			return &reNode{kind: "submatch", body: child(seqSRE(args))}
		case "dsm":
			pre, ok1 := intAt(0)
			post, ok2 := intAt(1)
			if ok1 && ok2 {
				return &reNode{kind: "dsm", pre: pre, post: post, body: child(seqSRE(args[2:]))}
			}
		case "char-set":
			if cs, err := sreCharSet(x); err == nil {
				return &reNode{kind: "char-set", cset: charSetValue(cs)}
			}
		}
	}
	return &reNode{kind: "other"}
}

// deadLead reads a sequence whose leading part holds submatches that can
// never match, as scsh's simplifier does: elements that match only the
// empty string, found before the first element with a live submatch,
// are dropped and their submatches counted as the pre-dsm of a dsm around
// the rest, so (: (** 0 0 (submatch "a")) (submatch "b")) reads as a dsm
// with pre-dsm 1 and body (submatch "b"). It returns nil when there are
// no such elements.
func deadLead(elts []interp.Value) *reNode {
	pre, live := 0, false
	var kept []interp.Value
	for _, e := range elts {
		if !live && onlyEmpty(e) {
			pre += sreCount(e)
			continue
		}
		kept = append(kept, e)
		if sreCount(e) > 0 {
			live = true
		}
	}
	if pre == 0 {
		return nil
	}
	post := sreCount(interp.List(elts...)) - pre - sreCount(interp.List(kept...))
	if len(kept) == 0 {
		return &reNode{kind: "dsm", pre: pre, post: post, body: child(interp.List(interp.Intern(":")))}
	}
	return &reNode{kind: "dsm", pre: pre, post: post, body: child(seqSRE(kept))}
}

// onlyEmpty reports whether an SRE surely matches only the empty string:
// a repeat at most zero times, an empty sequence, or a dsm or sequence
// of such.
func onlyEmpty(v interp.Value) bool {
	if s, ok := v.(*interp.String); ok {
		return s.Len() == 0
	}
	items, ok := interp.ListToSlice(v)
	if !ok || len(items) == 0 {
		return false
	}
	h, ok := items[0].(*interp.Symbol)
	if !ok {
		return false
	}
	all := func(xs []interp.Value) bool {
		for _, x := range xs {
			if !onlyEmpty(x) {
				return false
			}
		}
		return true
	}
	switch h.Name {
	case "**":
		return len(items) >= 3 && items[1] == 0 && items[2] == 0
	case "=":
		return len(items) >= 2 && items[1] == 0
	case ":", "seq", "submatch":
		return h.Name != "submatch" && all(items[1:])
	case "dsm":
		return len(items) >= 3 && all(items[3:])
	}
	return false
}

// csetOf is the char set a re-char-set node stands for, or nil.
func csetOf(n *reNode) *charSet {
	if n.kind != "char-set" {
		return nil
	}
	if cs, ok := asCharSet(n.cset); ok {
		return cs
	}
	if s, ok := n.cset.(*interp.String); ok {
		return charSetOfString(s.String())
	}
	return nil
}

func (e *scshEnv) installRegexpData() {
	// reArg reads a regexp argument, argument pos named re (as for
	// argType).
	reArg := func(v interp.Value, pos int) (*scshRegexp, error) {
		r, ok := asRegexp(v)
		if !ok {
			return nil, argType(pos, "re", "a regexp", v)
		}
		return r, nil
	}
	// sreOf is the SRE of a part: a regexp's own SRE, or, for a value a
	// raw constructor was given that is not a regexp, the value itself.
	sreOf := func(v interp.Value) interp.Value {
		if r, ok := asRegexp(v); ok {
			return r.sre
		}
		return v
	}
	// kindOf is the ADT reading of a part; a non-regexp reads as "other".
	kindOf := func(v interp.Value) *reNode {
		if r, ok := asRegexp(v); ok {
			return viewOf(r)
		}
		return &reNode{kind: "other"}
	}
	single := func(sre interp.Value, n *reNode) interp.Value {
		v, err := withNode(sre, n)
		if err != nil {
			panic("scsh regexp constant: " + err.Error())
		}
		return v
	}
	// The constant regexps are compiled when first used (their names
	// referred to, or the primitives below returning them), not at every
	// start; once made, each stays the same object (the primitives run
	// with the interpreter lock held, as DefineLazy's function does).
	once := func(mk func() (interp.Value, *reNode)) func() interp.Value {
		var v interp.Value
		return func() interp.Value {
			if v == nil {
				v = single(mk())
			}
			return v
		}
	}
	constant := func(name string, get func() interp.Value) {
		e.it.DefineLazy(name, func(*interp.Interp) (interp.Value, error) { return get(), nil })
	}
	trivial := once(func() (interp.Value, *reNode) {
		return interp.List(interp.Intern(":")), &reNode{kind: "trivial"}
	})
	empty := once(func() (interp.Value, *reNode) {
		return interp.List(interp.Intern("or")), &reNode{kind: "char-set", cset: charSetValue(newCharSet())}
	})
	constant("re-trivial", trivial)
	constant("re-empty", empty)
	for _, a := range []string{"bos", "eos", "bol", "eol"} {
		constant("re-"+a, once(func() (interp.Value, *reNode) { return interp.Intern(a), &reNode{kind: a} }))
	}
	for _, a := range []string{"any", "nonl"} {
		constant("re-"+a, once(func() (interp.Value, *reNode) {
			cs, _ := namedCharSet(a)
			return interp.Intern(a), &reNode{kind: "char-set", cset: charSetValue(cs)}
		}))
	}

	kindPred := func(name string, test func(*reNode) bool, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := asRegexp(a[0])
				return ok && test(viewOf(r)), nil
			}}
	}
	isKind := func(kind, doc string) interp.Builtin {
		return kindPred("re-"+kind+"?", func(n *reNode) bool { return n.kind == kind }, doc)
	}
	e.it.DefineBuiltins("scsh: regular expressions",
		isKind("seq", "(re-seq? obj): whether obj is a sequence regexp"),
		isKind("choice", "(re-choice? obj): whether obj is a choice regexp"),
		isKind("repeat", "(re-repeat? obj): whether obj is a repetition regexp"),
		isKind("submatch", "(re-submatch? obj): whether obj is a submatch regexp"),
		isKind("dsm", "(re-dsm? obj): whether obj is a regexp with deleted submatches"),
		isKind("string", "(re-string? obj): whether obj is a constant-string regexp"),
		isKind("char-set", "(re-char-set? obj): whether obj is a char-set regexp"),
		isKind("bos", "(re-bos? obj): whether obj is the beginning-of-string regexp"),
		isKind("eos", "(re-eos? obj): whether obj is the end-of-string regexp"),
		isKind("bol", "(re-bol? obj): whether obj is the beginning-of-line regexp"),
		isKind("eol", "(re-eol? obj): whether obj is the end-of-line regexp"),
		isKind("trivial", "(re-trivial? obj): whether obj is the regexp matching the empty string"),
		kindPred("re-empty?", func(n *reNode) bool { cs := csetOf(n); return cs != nil && len(cs.r) == 0 },
			"(re-empty? obj): whether obj is the regexp matching nothing"),
		kindPred("re-any?", func(n *reNode) bool {
			cs := csetOf(n)
			return cs != nil && len(cs.complement().r) == 0
		}, "(re-any? obj): whether obj is the regexp matching any character"),
	)

	// node reads the only argument of an accessor: a regexp of the given
	// kind.
	node := func(kind string, v interp.Value) (*reNode, *scshRegexp, error) {
		r, ok := asRegexp(v)
		if !ok || viewOf(r).kind != kind {
			return nil, nil, interp.TypeError("a re-"+kind+" regexp", v)
		}
		return viewOf(r), r, nil
	}
	accessor := func(who, kind string, get func(*reNode, *scshRegexp) interp.Value, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, r, err := node(kind, a[0])
				if err != nil {
					return nil, err
				}
				return get(n, r), nil
			}}
	}
	tsm := func(n *reNode, r *scshRegexp) interp.Value { return r.re.NumSubexp() }
	elts := func(n *reNode, r *scshRegexp) interp.Value { return interp.List(n.elts...) }
	body := func(n *reNode, r *scshRegexp) interp.Value { return n.body }
	pre := func(n *reNode, r *scshRegexp) interp.Value { return n.pre }
	post := func(n *reNode, r *scshRegexp) interp.Value { return n.post }
	e.it.DefineBuiltins("scsh: regular expressions",
		accessor("re-seq:elts", "seq", elts, "(re-seq:elts re): the list of regexps of a sequence"),
		accessor("re-seq:tsm", "seq", tsm, "(re-seq:tsm re): the number of submatches of a sequence"),
		accessor("re-choice:elts", "choice", elts, "(re-choice:elts re): the list of regexps of a choice"),
		accessor("re-choice:tsm", "choice", tsm, "(re-choice:tsm re): the number of submatches of a choice"),
		accessor("re-repeat:from", "repeat", func(n *reNode, r *scshRegexp) interp.Value { return n.from },
			"(re-repeat:from re): the least count of a repetition"),
		accessor("re-repeat:to", "repeat", func(n *reNode, r *scshRegexp) interp.Value { return n.to },
			"(re-repeat:to re): the greatest count of a repetition, or #f"),
		accessor("re-repeat:body", "repeat", body, "(re-repeat:body re): the regexp a repetition repeats"),
		accessor("re-repeat:tsm", "repeat", tsm, "(re-repeat:tsm re): the number of submatches of a repetition"),
		accessor("re-submatch:body", "submatch", body, "(re-submatch:body re): the regexp inside a submatch"),
		accessor("re-submatch:pre-dsm", "submatch", pre, "(re-submatch:pre-dsm re): the deleted submatches before a submatch"),
		accessor("re-submatch:post-dsm", "submatch", post, "(re-submatch:post-dsm re): the deleted submatches after a submatch"),
		accessor("re-submatch:tsm", "submatch", tsm, "(re-submatch:tsm re): the number of submatches of a submatch regexp"),
		accessor("re-dsm:body", "dsm", body, "(re-dsm:body re): the regexp inside a deleted-submatch regexp"),
		accessor("re-dsm:pre-dsm", "dsm", pre, "(re-dsm:pre-dsm re): the submatches deleted before the body"),
		accessor("re-dsm:post-dsm", "dsm", post, "(re-dsm:post-dsm re): the submatches deleted after the body"),
		accessor("re-dsm:tsm", "dsm", tsm, "(re-dsm:tsm re): the number of submatches of a deleted-submatch regexp"),
		accessor("re-string:chars", "string", func(n *reNode, r *scshRegexp) interp.Value { return n.chars },
			"(re-string:chars re): the string a constant-string regexp matches"),
		accessor("re-char-set:cset", "char-set", func(n *reNode, r *scshRegexp) interp.Value { return n.cset },
			"(re-char-set:cset re): the char-set of a char-set regexp"),
	)

	// Constructors: make-re-X builds exactly the record; re-X simplifies
	// as scsh's smart constructors do.
	mkSeq := func(items []interp.Value) (interp.Value, error) {
		sres := []interp.Value{interp.Intern(":")}
		for _, it := range items {
			sres = append(sres, sreOf(it))
		}
		return lenientNode(interp.List(sres...), &reNode{kind: "seq", elts: items}, items...)
	}
	mkChoice := func(items []interp.Value) (interp.Value, error) {
		sres := []interp.Value{interp.Intern("or")}
		for _, it := range items {
			sres = append(sres, sreOf(it))
		}
		return lenientNode(interp.List(sres...), &reNode{kind: "choice", elts: items}, items...)
	}
	// repeatArgs reads (from to re); the raw constructor takes any re.
	repeatArgs := func(a []interp.Value, raw bool) (int, interp.Value, interp.Value, error) {
		from, ok := a[0].(int)
		if !ok || from < 0 {
			return 0, nil, nil, argType(1, "from", "a non-negative exact integer", a[0])
		}
		if n, ok := a[1].(int); a[1] != false && (!ok || n < 0) {
			return 0, nil, nil, argType(2, "to", "a non-negative exact integer or #f", a[1])
		}
		if _, err := reArg(a[2], 3); err != nil && !raw {
			return 0, nil, nil, err
		}
		return from, a[1], a[2], nil
	}
	mkRepeat := func(from int, to, b interp.Value) (interp.Value, error) {
		var sre interp.Value
		if to == false {
			sre = interp.List(interp.Intern(">="), from, sreOf(b))
		} else {
			sre = interp.List(interp.Intern("**"), from, to, sreOf(b))
		}
		return lenientNode(sre, &reNode{kind: "repeat", from: from, to: to, body: b}, b)
	}
	// dsmArgs reads (re [pre-dsm post-dsm]) of the submatch and dsm
	// constructors: a regexp and two counts (0 when absent).
	dsmArgs := func(a []interp.Value) (int, int, error) {
		if _, err := reArg(a[0], 1); err != nil {
			return 0, 0, err
		}
		var c [2]int
		for k, param := range [2]string{"pre-dsm", "post-dsm"} {
			if len(a) <= 1+k {
				break
			}
			n, ok := a[1+k].(int)
			if !ok || n < 0 {
				return 0, 0, argType(2+k, param, "a non-negative exact integer", a[1+k])
			}
			c[k] = n
		}
		return c[0], c[1], nil
	}
	// listCons is a constructor of a list of regexps, (NAME res); the raw
	// ones take any list, as scsh's make-re-seq and make-re-choice do not
	// check the elements.
	listCons := func(who, doc string, build func([]interp.Value) (interp.Value, error)) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				items, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, interp.TypeError("a list", a[0])
				}
				return build(items)
			}}
	}
	dsmSRE := func(pre, post int, b interp.Value) interp.Value {
		if pre == 0 && post == 0 {
			return sreOf(b)
		}
		return interp.List(interp.Intern("dsm"), pre, post, sreOf(b))
	}
	submatchCons := func(who, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 3, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pre, post, err := dsmArgs(a)
				if err != nil {
					return nil, err
				}
				return withNode(interp.List(interp.Intern("submatch"), dsmSRE(pre, post, a[0])),
					&reNode{kind: "submatch", body: a[0], pre: pre, post: post})
			}}
	}
	dsmCons := func(who, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 3, MaxArgs: 3, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pre, post, err := dsmArgs(a)
				if err != nil {
					return nil, err
				}
				if who == "re-dsm" && pre == 0 && post == 0 {
					return a[0], nil
				}
				return withNode(interp.List(interp.Intern("dsm"), pre, post, sreOf(a[0])),
					&reNode{kind: "dsm", body: a[0], pre: pre, post: post})
			}}
	}
	stringCons := func(who, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				return withNode(interp.NewString(s.String()), &reNode{kind: "string", chars: s})
			}}
	}
	csetCons := func(who, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var sre interp.Value
				switch x := a[0].(type) {
				case *interp.String:
					sre = interp.List(x)
					if x.Len() == 0 {
						sre = interp.List(interp.Intern("or"))
					}
				default:
					cs, ok := asCharSet(a[0])
					if !ok {
						return nil, interp.TypeError("a char set", a[0])
					}
					sre = charSetValue(cs)
				}
				return withNode(sre, &reNode{kind: "char-set", cset: a[0]})
			}}
	}

	e.it.DefineBuiltins("scsh: regular expressions", []interp.Builtin{
		submatchCons("make-re-submatch", "(make-re-submatch re [pre-dsm post-dsm]): a submatch around re"),
		submatchCons("re-submatch", "(re-submatch re [pre-dsm post-dsm]): a submatch around re"),
		dsmCons("make-re-dsm", "(make-re-dsm re pre-dsm post-dsm): re with deleted submatches around it"),
		dsmCons("re-dsm", "(re-dsm re pre-dsm post-dsm): re with deleted submatches around it (re itself when none)"),
		stringCons("make-re-string", "(make-re-string string): a regexp matching string"),
		stringCons("re-string", "(re-string string): a regexp matching string"),
		csetCons("make-re-char-set", "(make-re-char-set cset): a regexp matching a character of cset"),
		csetCons("re-char-set", "(re-char-set cset): a regexp matching a character of cset"),
		{Name: "re-tsm", MinArgs: 1, MaxArgs: 1,
			Doc: "(re-tsm re): the number of submatches in regexp re",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := reArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return r.re.NumSubexp(), nil
			}},
		listCons("make-re-seq", "(make-re-seq res): a regexp matching the regexps of the list res in sequence", mkSeq),
		listCons("re-seq", "(re-seq res): the sequence of the list of regexps res, simplified", func(items []interp.Value) (interp.Value, error) {
			var flat []interp.Value
			for _, x := range items {
				n := kindOf(x)
				switch n.kind {
				case "seq":
					flat = append(flat, n.elts...)
				case "trivial":
				default:
					flat = append(flat, x)
				}
			}
			switch len(flat) {
			case 0:
				return trivial(), nil
			case 1:
				return flat[0], nil
			}
			return mkSeq(flat)
		}),
		listCons("make-re-choice", "(make-re-choice res): a regexp matching any regexp of the list res", mkChoice),
		listCons("re-choice", "(re-choice res): the choice among the list of regexps res, simplified", func(items []interp.Value) (interp.Value, error) {
			var flat []interp.Value
			for _, x := range items {
				n := kindOf(x)
				if n.kind == "choice" {
					flat = append(flat, n.elts...)
				} else if cs := csetOf(n); cs == nil || len(cs.r) > 0 {
					flat = append(flat, x)
				}
			}
			switch len(flat) {
			case 0:
				return empty(), nil
			case 1:
				return flat[0], nil
			}
			return mkChoice(flat)
		}),
		{Name: "make-re-repeat", MinArgs: 3, MaxArgs: 3,
			Doc: "(make-re-repeat from to re): re repeated from to to times (#f: no upper bound)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				from, to, b, err := repeatArgs(a, true)
				if err != nil {
					return nil, err
				}
				return mkRepeat(from, to, b)
			}},
		{Name: "re-repeat", MinArgs: 3, MaxArgs: 3,
			Doc: "(re-repeat from to re): the repetition of re, simplified",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				from, to, b, err := repeatArgs(a, false)
				if err != nil {
					return nil, err
				}
				if n, ok := to.(int); ok {
					switch {
					case n < from:
						return withNode(interp.List(interp.Intern("dsm"), mustRegexp(b).re.NumSubexp(), 0, interp.List(interp.Intern("or"))),
							&reNode{kind: "char-set", cset: charSetValue(newCharSet())})
					case n == 0:
						return trivial(), nil
					case n == 1 && from == 1:
						return b, nil
					}
				}
				return mkRepeat(from, to, b)
			}},
		{Name: "flush-submatches", MinArgs: 1, MaxArgs: 1,
			Doc: "(flush-submatches re): re without its submatches",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if _, ok := asRegexp(a[0]); !ok {
					return a[0], nil // strings, chars and char sets have none
				}
				v, _, err := regexpOfSRE(flushSRE(sreOf(a[0])))
				return v, err
			}},
		{Name: "uncase", MinArgs: 1, MaxArgs: 1,
			Doc: "(uncase re): a case-insensitive version of regexp re",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := reArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				v, _, err := regexpOfSRE(interp.List(interp.Intern("uncase"), r.sre))
				return v, err
			}},
		{Name: "uncase-string", MinArgs: 1, MaxArgs: 1,
			Doc: "(uncase-string string): a regexp matching string in any case",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				v, _, err := regexpOfSRE(interp.List(interp.Intern("uncase"), interp.NewString(s.String())))
				return v, err
			}},
		{Name: "uncase-char-set", MinArgs: 1, MaxArgs: 1,
			Doc: "(uncase-char-set cset): a regexp matching the characters of cset in any case",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, ok := asCharSet(a[0])
				if !ok {
					return nil, argType(0, "cset", "a char set", a[0])
				}
				u := charSetValue(uncaseCharSet(cs))
				return withNode(u, &reNode{kind: "char-set", cset: u})
			}},
		{Name: "sre->regexp", MinArgs: 1, MaxArgs: 1,
			Doc: "(sre->regexp sre): the regexp of an SRE s-expression",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				v, _, err := regexpOfSRE(a[0])
				return v, err
			}},
		{Name: "regexp->sre", MinArgs: 1, MaxArgs: 1,
			Doc: "(regexp->sre re): the SRE s-expression of regexp re",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := reArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return scshSRE(r.sre), nil
			}},
		{Name: "%rx-flush", MinArgs: 1, MaxArgs: 1,
			Doc: "(%rx-flush re): re compiled for matching",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := asRegexp(a[0])
				if !ok || r.re.NumSubexp() == 0 {
					return a[0], nil
				}
				v, _, err := regexpOfSRE(flushSRE(r.sre))
				return v, err
			}},
		{Name: "regexp->posix-string", MinArgs: 1, MaxArgs: 1,
			Doc: "(regexp->posix-string re): re as a POSIX extended regexp string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := reArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return posixOf(r)
			}},
	}...)
}

// scshSRE rewrites an SRE into the forms scsh's regexp->sre writes: a
// repeat uses the shortest operator that says it (* + ? = >= **), and
// the body of a repeat, submatch or dsm that is a sequence is spliced
// into the form rather than written as a (: ...) of its own.
func scshSRE(v interp.Value) interp.Value {
	p, ok := v.(*interp.Pair)
	if !ok {
		return v
	}
	items, ok := interp.ListToSlice(p)
	if !ok || len(items) == 0 {
		return v
	}
	h, ok := items[0].(*interp.Symbol)
	if !ok {
		return v
	}
	form := func(head []interp.Value, bodies []interp.Value) interp.Value {
		out := append([]interp.Value{}, head...)
		return interp.List(append(out, spliceBodies(bodies)...)...)
	}
	sym := interp.Intern
	switch h.Name {
	case "*", "+", "?", "submatch":
		return form(items[:1], items[1:])
	case "=":
		if len(items) >= 2 {
			return form(items[:2], items[2:])
		}
	case "dsm":
		if len(items) >= 3 {
			return form(items[:3], items[3:])
		}
	case ">=":
		if len(items) >= 2 {
			switch items[1] {
			case 0:
				return form([]interp.Value{sym("*")}, items[2:])
			case 1:
				return form([]interp.Value{sym("+")}, items[2:])
			}
			return form(items[:2], items[2:])
		}
	case "**":
		if len(items) >= 3 {
			from, to, bodies := items[1], items[2], items[3:]
			switch {
			case from == 0 && to == false:
				return form([]interp.Value{sym("*")}, bodies)
			case from == 1 && to == false:
				return form([]interp.Value{sym("+")}, bodies)
			case from == 0 && to == 1:
				return form([]interp.Value{sym("?")}, bodies)
			case to == false:
				return form([]interp.Value{sym(">="), from}, bodies)
			case from == to:
				return form([]interp.Value{sym("="), from}, bodies)
			}
			return form(items[:3], bodies)
		}
	case ":", "seq", "or", "|", "w/case", "w/nocase", "uncase":
		out := []interp.Value{h}
		for _, x := range items[1:] {
			out = append(out, scshSRE(x))
		}
		return interp.List(out...)
	}
	return v
}

// spliceBodies rewrites the bodies of a repeat, submatch or dsm form; a
// lone sequence body gives its elements.
func spliceBodies(bodies []interp.Value) []interp.Value {
	out := make([]interp.Value, len(bodies))
	for i, b := range bodies {
		out[i] = scshSRE(b)
	}
	if len(out) == 1 {
		if p, ok := out[0].(*interp.Pair); ok {
			if h, ok := p.Car.(*interp.Symbol); ok && (h.Name == ":" || h.Name == "seq") {
				if elts, ok := interp.ListToSlice(p.Cdr); ok {
					return elts
				}
			}
		}
	}
	return out
}

func mustRegexp(v interp.Value) *scshRegexp {
	r, _ := asRegexp(v)
	return r
}

// flushSRE removes the submatches of an SRE: (submatch x ...) becomes
// (: x ...) and (dsm pre post x ...) becomes (: x ...).
func flushSRE(v interp.Value) interp.Value {
	p, ok := v.(*interp.Pair)
	if !ok {
		return v
	}
	items, ok := interp.ListToSlice(p)
	if !ok || len(items) == 0 {
		return v
	}
	if h, ok := items[0].(*interp.Symbol); ok {
		switch h.Name {
		case "submatch":
			items = append([]interp.Value{interp.Intern(":")}, items[1:]...)
		case "dsm":
			if len(items) >= 3 {
				items = append([]interp.Value{interp.Intern(":")}, items[3:]...)
			}
		case "posix-string":
			return v
		}
	}
	out := make([]interp.Value, len(items))
	for i, it := range items {
		out[i] = flushSRE(it)
	}
	return interp.List(out...)
}

// posixOf renders a regexp in POSIX extended syntax, as scsh's
// regexp->posix-string: four values, the string (#f for a regexp that
// matches nothing), its syntax level (0 parenthesized, 1 piece, 2 branch,
// 3 alternation), its number of parentheses, and a vector giving for each
// submatch its parenthesis number (#f for one that never matches).
func posixOf(r *scshRegexp) (interp.Value, error) {
	t, err := syntax.Parse(r.src, syntax.Perl)
	if err != nil {
		return nil, scshErr("regexp->posix-string", err.Error())
	}
	t = t.Simplify()
	p := &posixPrinter{}
	s, level := p.print(t)
	subs := make([]interp.Value, len(p.subs))
	copy(subs, p.subs)
	if p.never {
		return interp.Values(false, 0, 0, &interp.Vector{Items: subs}), nil
	}
	return interp.Values(interp.NewString(s), level, p.parens, &interp.Vector{Items: subs}), nil
}

type posixPrinter struct {
	parens int
	subs   []interp.Value
	never  bool // the whole regexp can never match
}

func (p *posixPrinter) group(s string, level int) string {
	repeated := strings.HasSuffix(s, "}") || strings.HasSuffix(s, "*") || strings.HasSuffix(s, "+") || strings.HasSuffix(s, "?")
	if level == 0 || level == 1 && !(repeated && !strings.HasSuffix(s, "\\"+s[len(s)-1:])) {
		return s
	}
	p.parens++
	return "(" + s + ")"
}

// print returns the POSIX text of t and its level.
func (p *posixPrinter) print(t *syntax.Regexp) (string, int) {
	fold := t.Flags&syntax.FoldCase != 0
	switch t.Op {
	case syntax.OpNoMatch:
		p.never = true
		return "", 1
	case syntax.OpEmptyMatch:
		p.parens++
		return "()", 0
	case syntax.OpLiteral:
		var b strings.Builder
		for _, c := range t.Rune {
			if fold && (c != foldOther(c)) {
				b.WriteString(bracket(newCharSet([2]rune{c, c}, [2]rune{foldOther(c), foldOther(c)})))
				continue
			}
			if strings.ContainsRune(`\^$.|?*+()[]{}`, c) {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		if len(t.Rune) == 1 {
			return b.String(), 1
		}
		return b.String(), 2
	case syntax.OpCharClass:
		var rs [][2]rune
		for i := 0; i+1 < len(t.Rune); i += 2 {
			rs = append(rs, [2]rune{t.Rune[i], t.Rune[i+1]})
		}
		cs := newCharSet(rs...)
		if len(cs.r) == 0 {
			p.never = true
			return "", 1
		}
		return bracket(cs), 1
	case syntax.OpAnyChar:
		return ".", 1
	case syntax.OpAnyCharNotNL:
		return "[^\n]", 1
	case syntax.OpBeginText, syntax.OpBeginLine:
		return "^", 1
	case syntax.OpEndText, syntax.OpEndLine:
		return "$", 1
	case syntax.OpCapture:
		if t.Name == "dsm" {
			p.subs = append(p.subs, false)
			return "", 2
		}
		p.parens++
		p.subs = append(p.subs, p.parens)
		s, _ := p.print(t.Sub[0])
		return "(" + s + ")", 0
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if isDead(t) {
			p.subs = append(p.subs, false)
			return "", 2
		}
		mark := len(p.subs)
		s, level := p.print(t.Sub[0])
		if s == "" && len(p.subs) > mark {
			return "", 2
		}
		s = p.group(s, level)
		switch t.Op {
		case syntax.OpStar:
			s += "*"
		case syntax.OpPlus:
			s += "+"
		case syntax.OpQuest:
			s += "?"
		default:
			if t.Max < 0 {
				s += "{" + strconv.Itoa(t.Min) + ",}"
			} else if t.Min == t.Max {
				s += "{" + strconv.Itoa(t.Min) + "}"
			} else {
				s += "{" + strconv.Itoa(t.Min) + "," + strconv.Itoa(t.Max) + "}"
			}
		}
		return s, 1
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range t.Sub {
			s, level := p.print(sub)
			if level == 3 {
				s = p.group(s, level)
			}
			b.WriteString(s)
		}
		return b.String(), 2
	case syntax.OpAlternate:
		parts := make([]string, 0, len(t.Sub))
		never := p.never
		for _, sub := range t.Sub {
			p.never = false
			s, _ := p.print(sub)
			if !p.never {
				parts = append(parts, s)
			}
		}
		p.never = never || len(parts) == 0
		return strings.Join(parts, "|"), 3
	}
	return t.String(), 2
}

// isDead reports whether t is a dead submatch group (see deadGroup).
func isDead(t *syntax.Regexp) bool {
	if t.Op != syntax.OpQuest || len(t.Sub) != 1 {
		return false
	}
	s := t.Sub[0]
	if s.Op == syntax.OpConcat && len(s.Sub) == 2 && s.Sub[1].Op == syntax.OpCapture && s.Sub[1].Name == "dsm" {
		return true
	}
	return s.Op == syntax.OpCapture && s.Name == "dsm"
}

func foldOther(c rune) rune { return unicode.SimpleFold(c) }

// bracket renders a char set as a POSIX bracket expression: "]" first,
// "-" last, "^" not first.
func bracket(cs *charSet) string {
	var b strings.Builder
	neg := false
	set := cs
	if cs.contains(0) && len(cs.r) > 0 && cs.r[len(cs.r)-1][1] == maxRune {
		neg, set = true, cs.complement()
	}
	var close, dash, caret bool
	for _, r := range set.r {
		lo, hi := r[0], r[1]
		for _, special := range []rune{']', '-', '^'} {
			if lo <= special && special <= hi {
				switch special {
				case ']':
					close = true
				case '-':
					dash = true
				case '^':
					caret = true
				}
			}
		}
	}
	b.WriteByte('[')
	if neg {
		b.WriteByte('^')
	}
	if close {
		b.WriteByte(']')
	}
	for _, r := range set.r {
		for _, seg := range splitOut(r, ']', '-', '^') {
			if seg[0] == seg[1] {
				b.WriteRune(seg[0])
			} else {
				b.WriteRune(seg[0])
				if seg[1] > seg[0]+1 {
					b.WriteByte('-')
				}
				b.WriteRune(seg[1])
			}
		}
	}
	if caret {
		b.WriteByte('^')
	}
	if dash {
		b.WriteByte('-')
	}
	b.WriteByte(']')
	s := b.String()
	if s == "[^]" || s == "[]" {
		return "[^\x00]"
	}
	return s
}

// splitOut removes the given characters from a range, returning what is
// left as ranges.
func splitOut(r [2]rune, cs ...rune) [][2]rune {
	out := [][2]rune{r}
	for _, c := range cs {
		var next [][2]rune
		for _, x := range out {
			if c < x[0] || c > x[1] {
				next = append(next, x)
				continue
			}
			if x[0] < c {
				next = append(next, [2]rune{x[0], c - 1})
			}
			if c < x[1] {
				next = append(next, [2]rune{c + 1, x[1]})
			}
		}
		out = next
	}
	return out
}
