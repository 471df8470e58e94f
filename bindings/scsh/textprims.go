package scsh

import (
	"strings"
	"unicode"

	"popsh/interp"
)

func (e *scshEnv) installFormat() {
	e.def("format", 2, -1, primFormat)
}

func (e *scshEnv) regexpArg(who string, v interp.Value, argn int) (*scshRegexp, error) {
	if r, ok := asRegexp(v); ok {
		return r, nil
	}
	if s, ok := v.(*interp.String); ok {
		r, err := compilePosix(s.String())
		if err != nil {
			return nil, scshErr(who, err.Error(), v)
		}
		return r, nil
	}
	return nil, argTypeErr(who, argn, "a regexp", v)
}

func matchArg(who string, v interp.Value) (*scshMatch, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if m, ok := o.Value.(*scshMatch); ok {
			return m, nil
		}
	}
	return nil, argTypeErr(who, 1, "a regexp match", v)
}

func submatchIndex(who string, m *scshMatch, a []interp.Value) (int, error) {
	i := 0
	if len(a) > 1 {
		n, ok := a[1].(int)
		if !ok || n < 0 {
			return 0, argTypeErr(who, 2, "a submatch index (a non-negative exact integer)", a[1])
		}
		if 2*n+1 >= len(m.idx) {
			return -1, nil // scsh: no such submatch is #f
		}
		i = n
	}
	return i, nil
}

func (e *scshEnv) search(who string, a []interp.Value) (*scshMatch, error) {
	r, err := e.regexpArg(who, a[0], 1)
	if err != nil {
		return nil, err
	}
	s, err := str(a[1], who, 2)
	if err != nil {
		return nil, err
	}
	start := 0
	if len(a) > 2 {
		n, ok := a[2].(int)
		if !ok {
			return nil, argTypeErr(who, 3, "an exact integer", a[2])
		}
		start = n
	}
	m, err := r.search(s, start)
	if err != nil {
		return nil, scshErr(who, err.Error())
	}
	return m, nil
}

func (e *scshEnv) installRegexps() {
	searchPrim := func(who string) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			m, err := e.search(who, a)
			if err != nil {
				return nil, err
			}
			return matchValue(m), nil
		}
	}
	e.def("regexp-search", 2, 3, searchPrim("regexp-search"))
	e.def("string-match", 2, 3, searchPrim("string-match"))
	e.def("regexp-exec", 2, 3, searchPrim("regexp-exec"))
	e.def("regexp-search?", 2, 3, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		m, err := e.search("regexp-search?", a)
		if err != nil {
			return nil, err
		}
		return m != nil, nil
	})
	e.def("make-regexp", 1, -1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		s, err := str(a[0], "make-regexp", 1)
		if err != nil {
			return nil, err
		}
		r, err := compilePosix(s.String())
		if err != nil {
			return nil, scshErr("make-regexp", err.Error(), a[0])
		}
		return regexpValue(r), nil
	})
	e.def("posix-string->regexp", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		r, err := e.regexpArg("posix-string->regexp", a[0], 1)
		if err != nil {
			return nil, err
		}
		return regexpValue(r), nil
	})
	e.def("regexp?", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		_, ok := asRegexp(a[0])
		return ok, nil
	})
	e.def("regexp-match?", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		_, err := matchArg("regexp-match?", a[0])
		return err == nil, nil
	})
	e.def("regexp-quote", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		s, err := str(a[0], "regexp-quote", 1)
		if err != nil {
			return nil, err
		}
		return interp.NewString(regexpQuote(s.String())), nil
	})
	e.def("%sre->regexp", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		items, ok := interp.ListToSlice(a[0])
		if !ok {
			return nil, scshErr("rx", "bad SRE list", a[0])
		}
		r, err := compileSRE(items)
		if err != nil {
			return nil, err
		}
		return regexpValue(r), nil
	})
	e.def("match:substring", 1, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		m, err := matchArg("match:substring", a[0])
		if err != nil {
			return nil, err
		}
		i, err := submatchIndex("match:substring", m, a)
		if err != nil {
			return nil, err
		}
		if i < 0 || m.idx[2*i] < 0 {
			return false, nil
		}
		return sub(m.s, m.idx[2*i], m.idx[2*i+1]), nil
	})
	for _, which := range []struct {
		name string
		off  int
	}{{"match:start", 0}, {"match:end", 1}} {
		which := which
		e.def(which.name, 1, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			m, err := matchArg(which.name, a[0])
			if err != nil {
				return nil, err
			}
			i, err := submatchIndex(which.name, m, a)
			if err != nil {
				return nil, err
			}
			if i < 0 || m.idx[2*i] < 0 {
				return false, nil
			}
			return m.idx[2*i+which.off], nil
		})
	}
	e.def("regexp-substitute/global", 3, -1, e.regexpSubstituteGlobal)
	e.def("regexp-substitute", 2, -1, e.regexpSubstitute)
}

// substituteItems writes the items of regexp-substitute for match m:
// strings, submatch numbers, 'pre and 'post (through the callbacks) and
// procedures of the match.
func (e *scshEnv) substituteItems(b *strings.Builder, m *scshMatch, items []interp.Value, pre, post func()) error {
	for _, item := range items {
		switch x := item.(type) {
		case *interp.String:
			b.WriteString(x.String())
		case int:
			if x < 0 || 2*x+1 >= len(m.idx) {
				return scshErr("regexp-substitute", "submatch index out of range", item)
			}
			if m.idx[2*x] >= 0 {
				b.WriteString(m.s.Substring(m.idx[2*x], m.idx[2*x+1]))
			}
		case *interp.Symbol:
			switch x.Name {
			case "pre":
				pre()
			case "post":
				post()
			default:
				return scshErr("regexp-substitute", "bad substitution item", item)
			}
		default:
			v, err := e.call(item, matchValue(m))
			if err != nil {
				return err
			}
			b.WriteString(interp.DisplayString(v))
		}
	}
	return nil
}

func substOut(it *interp.Interp, port interp.Value, s string) (interp.Value, error) {
	if port == false {
		return interp.NewString(s), nil
	}
	p, ok := port.(*interp.Port)
	if !ok || !p.Output {
		return nil, argTypeErr("regexp-substitute", 1, "an output port or #f", port)
	}
	if err := p.WriteString(s); err != nil {
		return nil, scshErr("regexp-substitute", err.Error())
	}
	return interp.Unspecified, nil
}

// regexpSubstitute is (regexp-substitute port match item ...).
func (e *scshEnv) regexpSubstitute(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	m, err := matchArg("regexp-substitute", a[1])
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	err = e.substituteItems(&b, m, a[2:],
		func() { b.WriteString(m.s.Substring(0, m.idx[0])) },
		func() { b.WriteString(m.s.Substring(m.idx[1], m.s.Len())) })
	if err != nil {
		return nil, err
	}
	return substOut(it, a[0], b.String())
}

// regexpSubstituteGlobal is (regexp-substitute/global port re str item ...):
// 'pre is the text before each match (since the previous one), 'post
// continues the substitution on the rest of the string.
func (e *scshEnv) regexpSubstituteGlobal(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	r, err := e.regexpArg("regexp-substitute/global", a[1], 2)
	if err != nil {
		return nil, err
	}
	s, err := str(a[2], "regexp-substitute/global", 3)
	if err != nil {
		return nil, err
	}
	items := a[3:]
	var b strings.Builder
	pos := 0
	for {
		m, err := r.search(s, pos)
		if err != nil {
			return nil, scshErr("regexp-substitute/global", err.Error())
		}
		if m == nil {
			// no more matches: the rest is the final 'post
			if hasPost(items) {
				b.WriteString(s.Substring(pos, s.Len()))
			}
			break
		}
		from := pos
		post := false
		for _, item := range items {
			if sym, ok := item.(*interp.Symbol); ok && sym.Name == "post" {
				post = true
				continue
			}
			if err := e.substituteItems(&b, m, []interp.Value{item}, func() { b.WriteString(s.Substring(from, m.idx[0])) }, nil); err != nil {
				return nil, err
			}
		}
		if !post {
			break
		}
		if m.idx[1] == m.idx[0] {
			if m.idx[1] >= s.Len() {
				break
			}
			b.WriteRune(s.At(m.idx[1]))
			pos = m.idx[1] + 1
			continue
		}
		pos = m.idx[1]
	}
	return substOut(it, a[0], b.String())
}

func hasPost(items []interp.Value) bool {
	for _, item := range items {
		if s, ok := item.(*interp.Symbol); ok && s.Name == "post" {
			return true
		}
	}
	return false
}

// predArg turns a char / char-set / predicate argument into a Go test.
func (e *scshEnv) predArg(who string, v interp.Value, argn int) (func(rune) (bool, error), error) {
	if f, ok := charMatcher(v); ok {
		if _, isStr := v.(*interp.String); isStr {
			return nil, argTypeErr(who, argn, "a char, char-set or predicate", v)
		}
		return func(c rune) (bool, error) { return f(c), nil }, nil
	}
	return func(c rune) (bool, error) {
		r, err := e.call(v, interp.Char(c))
		if err != nil {
			return false, err
		}
		return interp.IsTrue(r), nil
	}, nil
}

func (e *scshEnv) installStrings() {
	// Scheme48's ascii structure (scsh 0.6 characters are 8-bit: 0..255).
	e.def("char->ascii", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		c, ok := a[0].(interp.Char)
		if !ok {
			return nil, argTypeErr("char->ascii", 1, "a character", a[0])
		}
		if c > 255 {
			return nil, scshErr("char->ascii", "character out of the 8-bit range 0..255", a[0])
		}
		return int(c), nil
	})
	e.def("ascii->char", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		n, ok := a[0].(int)
		if !ok {
			return nil, argTypeErr("ascii->char", 1, "an exact integer", a[0])
		}
		if n < 0 || n > 255 {
			return nil, scshErr("ascii->char", "code out of the 8-bit range 0..255", a[0])
		}
		return interp.Char(rune(n)), nil
	})
	index := func(who string, right bool) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], who, 1)
			if err != nil {
				return nil, err
			}
			pred, err := e.predArg(who, a[1], 2)
			if err != nil {
				return nil, err
			}
			start, end, err := optRange(who, s, a, 2)
			if err != nil {
				return nil, err
			}
			if right {
				for i := end - 1; i >= start; i-- {
					ok, err := pred(s.At(i))
					if err != nil {
						return nil, err
					}
					if ok {
						return i, nil
					}
				}
				return false, nil
			}
			for i := start; i < end; i++ {
				ok, err := pred(s.At(i))
				if err != nil {
					return nil, err
				}
				if ok {
					return i, nil
				}
			}
			return false, nil
		}
	}
	e.def("string-index", 2, 4, index("string-index", false))
	e.def("string-index-right", 2, 4, index("string-index-right", true))
	e.def("index", 2, 3, index("index", false))
	e.def("rindex", 2, 3, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		// (rindex s c [end]): search backwards from end.
		s, err := str(a[0], "rindex", 1)
		if err != nil {
			return nil, err
		}
		args := []interp.Value{a[0], a[1], 0, s.Len()}
		if len(a) > 2 {
			args[3] = a[2]
		}
		return index("rindex", true)(it, args)
	})
	splitter := func(who, def string, fn func(string, *splitterSpec, *interp.String, int) (interp.Value, error)) {
		e.def(who, 0, 3, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			sp, err := parseSplitterArgs(who, a, def)
			if err != nil {
				return nil, err
			}
			return makeSplitter(who, sp, fn), nil
		})
	}
	splitter("infix-splitter", `[\t-\r ]+`, infixSplit)
	splitter("suffix-splitter", `[\t-\r ]+`, suffixSplit)
	splitter("sloppy-suffix-splitter", `[\t-\r ]+`, suffixSplit)
	splitter("field-splitter", `[^\t-\r ]+`, fieldSplit)
	e.def("string-join", 1, 3, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		delim, grammar := " ", "infix"
		if len(a) > 1 {
			d, err := str(a[1], "string-join", 2)
			if err != nil {
				return nil, err
			}
			delim = d.String()
		}
		if len(a) > 2 {
			g, ok := a[2].(*interp.Symbol)
			if !ok {
				return nil, argTypeErr("string-join", 3, "a grammar symbol", a[2])
			}
			grammar = g.Name
		}
		return stringJoin("string-join", a[0], delim, grammar)
	})
	e.def("join-strings", 1, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		delim := " "
		if len(a) > 1 {
			d, err := str(a[1], "join-strings", 2)
			if err != nil {
				return nil, err
			}
			delim = d.String()
		}
		return stringJoin("join-strings", a[0], delim, "infix")
	})
	twoStr := func(who string, f func(a, b string) interp.Value) {
		e.def(who, 2, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			x, err := str(a[0], who, 1)
			if err != nil {
				return nil, err
			}
			y, err := str(a[1], who, 2)
			if err != nil {
				return nil, err
			}
			return f(x.String(), y.String()), nil
		})
	}
	twoStr("string-prefix?", func(a, b string) interp.Value { return strings.HasPrefix(b, a) })
	twoStr("string-suffix?", func(a, b string) interp.Value { return strings.HasSuffix(b, a) })
	twoStr("string-prefix-ci?", func(a, b string) interp.Value {
		return len(b) >= len(a) && strings.EqualFold(b[:len(a)], a)
	})
	twoStr("string-suffix-ci?", func(a, b string) interp.Value {
		return len(b) >= len(a) && strings.EqualFold(b[len(b)-len(a):], a)
	})
	e.def("string-contains", 2, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		x, err := str(a[0], "string-contains", 1)
		if err != nil {
			return nil, err
		}
		y, err := str(a[1], "string-contains", 2)
		if err != nil {
			return nil, err
		}
		i := strings.Index(x.String(), y.String())
		if i < 0 {
			return false, nil
		}
		return len([]rune(x.String()[:i])), nil
	})
	trim := func(who string, left, right bool) {
		e.def(who, 1, 4, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], who, 1)
			if err != nil {
				return nil, err
			}
			keep := func(c rune) (bool, error) { return unicode.IsSpace(c), nil }
			if len(a) > 1 && a[1] != interp.DefaultObject {
				keep, err = e.predArg(who, a[1], 2)
				if err != nil {
					return nil, err
				}
			}
			start, end, err := optRange(who, s, a, 2)
			if err != nil {
				return nil, err
			}
			for left && start < end {
				ok, err := keep(s.At(start))
				if err != nil {
					return nil, err
				}
				if !ok {
					break
				}
				start++
			}
			for right && end > start {
				ok, err := keep(s.At(end - 1))
				if err != nil {
					return nil, err
				}
				if !ok {
					break
				}
				end--
			}
			return sub(s, start, end), nil
		})
	}
	trim("string-trim", true, false)
	trim("string-trim-left", true, false)
	trim("string-trim-right", false, true)
	trim("string-trim-both", true, true)
	pad := func(who string, left bool) {
		e.def(who, 2, 3, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], who, 1)
			if err != nil {
				return nil, err
			}
			n, ok := a[1].(int)
			if !ok || n < 0 {
				return nil, argTypeErr(who, 2, "a non-negative integer", a[1])
			}
			c := ' '
			if len(a) > 2 {
				ch, ok := a[2].(interp.Char)
				if !ok {
					return nil, argTypeErr(who, 3, "a char", a[2])
				}
				c = rune(ch)
			}
			if l := s.Len(); l >= n {
				if left {
					return s.Slice(l-n, l), nil
				}
				return s.Slice(0, n), nil
			}
			p := strings.Repeat(string(c), n-s.Len())
			if left {
				return interp.NewString(p + s.String()), nil
			}
			return interp.NewString(s.String() + p), nil
		})
	}
	pad("string-pad", true)
	pad("string-pad-left", true)
	pad("string-pad-right", false)
	e.def("string-null?", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		s, err := str(a[0], "string-null?", 1)
		if err != nil {
			return nil, err
		}
		return s.Len() == 0, nil
	})
	e.def("string-concatenate", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		if _, ok := a[0].(*interp.Pair); !ok {
			// scsh's SRFI-13 stops at the first non-pair: #f or
			// '() concatenate nothing.
			return interp.NewString(""), nil
		}
		return stringJoin("string-concatenate", a[0], "", "infix")
	})
	e.def("string-tokenize", 1, 4, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		s, err := str(a[0], "string-tokenize", 1)
		if err != nil {
			return nil, err
		}
		in := func(c rune) (bool, error) { return unicode.IsGraphic(c) && !unicode.IsSpace(c), nil }
		if len(a) > 1 && a[1] != interp.DefaultObject {
			in, err = e.predArg("string-tokenize", a[1], 2)
			if err != nil {
				return nil, err
			}
		}
		start, end, err := optRange("string-tokenize", s, a, 2)
		if err != nil {
			return nil, err
		}
		var out []interp.Value
		i := start
		for i < end {
			ok, err := in(s.At(i))
			if err != nil {
				return nil, err
			}
			if !ok {
				i++
				continue
			}
			j := i
			for j < end {
				ok, err := in(s.At(j))
				if err != nil {
					return nil, err
				}
				if !ok {
					break
				}
				j++
			}
			out = append(out, sub(s, i, j))
			i = j
		}
		return interp.List(out...), nil
	})
	// SRFI-14 subset.
	for _, n := range []string{"whitespace", "letter", "digit", "letter+digit", "upper-case", "lower-case", "punctuation", "graphic", "printing", "blank", "iso-control", "hex-digit", "full", "empty"} {
		var cs *charSet
		switch n {
		case "letter":
			cs, _ = namedCharSet("alpha")
		case "letter+digit":
			cs, _ = namedCharSet("alnum")
		case "iso-control":
			cs, _ = namedCharSet("cntrl")
		case "full":
			cs, _ = namedCharSet("any")
		case "empty":
			cs = newCharSet()
		default:
			cs, _ = namedCharSet(n)
		}
		e.it.Define("char-set:"+n, charSetValue(cs))
	}
	e.def("char-set", 0, -1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		var rs [][2]rune
		for i, v := range a {
			c, ok := v.(interp.Char)
			if !ok {
				return nil, argTypeErr("char-set", i+1, "a char", v)
			}
			rs = append(rs, [2]rune{rune(c), rune(c)})
		}
		return charSetValue(newCharSet(rs...)), nil
	})
	e.def("string->char-set", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		s, err := str(a[0], "string->char-set", 1)
		if err != nil {
			return nil, err
		}
		return charSetValue(charSetOfString(s.String())), nil
	})
	e.def("char-set-complement", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		cs, ok := asCharSet(a[0])
		if !ok {
			return nil, argTypeErr("char-set-complement", 1, "a char-set", a[0])
		}
		return charSetValue(cs.complement()), nil
	})
	e.def("char-set-union", 0, -1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		u := newCharSet()
		for i, v := range a {
			cs, ok := asCharSet(v)
			if !ok {
				return nil, argTypeErr("char-set-union", i+1, "a char-set", v)
			}
			u = u.union(cs)
		}
		return charSetValue(u), nil
	})
	e.def("char-set-contains?", 2, 2, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		cs, ok := asCharSet(a[0])
		if !ok {
			return nil, argTypeErr("char-set-contains?", 1, "a char-set", a[0])
		}
		c, ok := a[1].(interp.Char)
		if !ok {
			return nil, argTypeErr("char-set-contains?", 2, "a char", a[1])
		}
		return cs.contains(rune(c)), nil
	})
	e.def("char-set?", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		_, ok := asCharSet(a[0])
		return ok, nil
	})
}
