package scsh

import (
	"strings"
	"unicode"

	"popsh/interp"
)

func (e *scshEnv) installFormat() {
	e.it.DefineBuiltins("scsh: format", []interp.Builtin{
		{Name: "format", MinArgs: 1, MaxArgs: -1,
			Doc: "(format [dest] control arg ...): format control (~a ~s ~d ~% ~& ~~ ~?) to dest #t or a port; #f or none: the string",
			Fn:  primFormat},
	}...)
}

// regexpArg reads a regexp or a POSIX regexp string, argument pos named
// re (as for argType).
func (e *scshEnv) regexpArg(who string, v interp.Value, pos int) (*scshRegexp, error) {
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
	return nil, argType(pos, "re", "a regexp", v)
}

// matchArg reads a match, argument pos (as for argType).
func matchArg(v interp.Value, pos int) (*scshMatch, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if m, ok := o.Value.(*scshMatch); ok {
			return m, nil
		}
	}
	return nil, argType(pos, "match", "a regexp match", v)
}

// submatchArgs reads (match [i]) of match:substring, match:start and
// match:end: the match and submatch i (0 by default). ok is false when
// there is no such submatch or it did not take part in the match (scsh's
// answer is then #f).
func submatchArgs(a []interp.Value) (m *scshMatch, i int, ok bool, err error) {
	if m, err = matchArg(a[0], 1); err != nil {
		return nil, 0, false, err
	}
	if len(a) > 1 {
		n, isInt := a[1].(int)
		if !isInt || n < 0 {
			return nil, 0, false, argType(2, "i", "a submatch index (a non-negative exact integer)", a[1])
		}
		if 2*n+1 >= len(m.idx) {
			return m, 0, false, nil
		}
		i = n
	}
	return m, i, m.idx[2*i] >= 0, nil
}

func (e *scshEnv) search(who string, a []interp.Value) (*scshMatch, error) {
	r, err := e.regexpArg(who, a[0], 1)
	if err != nil {
		return nil, err
	}
	s, err := str(a[1], 2, "string")
	if err != nil {
		return nil, err
	}
	start := 0
	if len(a) > 2 {
		n, ok := a[2].(int)
		if !ok {
			return nil, argType(3, "start", "an exact integer", a[2])
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
	matchPos := func(name string, off int, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				m, i, ok, err := submatchArgs(a)
				if err != nil || !ok {
					return false, err
				}
				return m.idx[2*i+off], nil
			}}
	}
	e.it.DefineBuiltins("scsh: regular expressions", []interp.Builtin{
		matchPos("match:start", 0, "(match:start match [i]): the index where submatch i (0: the whole match) starts, or #f"),
		matchPos("match:end", 1, "(match:end match [i]): the index where submatch i (0: the whole match) ends, or #f"),
		{Name: "regexp-search", MinArgs: 2, MaxArgs: 3,
			Doc: "(regexp-search re string [start]): the first match of re in string from start, or #f",
			Fn:  searchPrim("regexp-search")},
		{Name: "string-match", MinArgs: 2, MaxArgs: 3,
			Doc: "(string-match re string [start]): the first match of re in string from start, or #f",
			Fn:  searchPrim("string-match")},
		{Name: "regexp-exec", MinArgs: 2, MaxArgs: 3,
			Doc: "(regexp-exec re string [start]): the first match of re in string from start, or #f",
			Fn:  searchPrim("regexp-exec")},
		{Name: "regexp-search?", MinArgs: 2, MaxArgs: 3,
			Doc: "(regexp-search? re string [start]): whether re matches in string from start",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				m, err := e.search("regexp-search?", a)
				if err != nil {
					return nil, err
				}
				return m != nil, nil
			}},
		{Name: "make-regexp", MinArgs: 1, MaxArgs: -1,
			Doc: "(make-regexp string option ...): the regexp of a POSIX extended regexp string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				r, err := compilePosix(s.String())
				if err != nil {
					return nil, scshErr("make-regexp", err.Error(), a[0])
				}
				return regexpValue(r), nil
			}},
		{Name: "posix-string->regexp", MinArgs: 1, MaxArgs: 1,
			Doc: "(posix-string->regexp string): the regexp of a POSIX extended regexp string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := e.regexpArg("posix-string->regexp", a[0], 0)
				if err != nil {
					return nil, err
				}
				return regexpValue(r), nil
			}},
		{Name: "regexp?", MinArgs: 1, MaxArgs: 1,
			Doc: "(regexp? obj): whether obj is a regexp",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, ok := asRegexp(a[0])
				return ok, nil
			}},
		{Name: "regexp-match?", MinArgs: 1, MaxArgs: 1,
			Doc: "(regexp-match? obj): whether obj is a match returned by regexp-search",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := matchArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "regexp-quote", MinArgs: 1, MaxArgs: 1,
			Doc: "(regexp-quote string): a POSIX regexp string matching string literally",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				return interp.NewString(regexpQuote(s.String())), nil
			}},
		{Name: "%sre->regexp", MinArgs: 1, MaxArgs: 1,
			Doc: "(%sre->regexp sres): the regexp of a list of SREs (rx's expansion)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				items, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, scshErr("rx", "bad SRE list", a[0])
				}
				r, err := compileSRE(items)
				if err != nil {
					return nil, err
				}
				return regexpValue(r), nil
			}},
		{Name: "match:substring", MinArgs: 1, MaxArgs: 2,
			Doc: "(match:substring match [i]): the text of submatch i (0: the whole match), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				m, i, ok, err := submatchArgs(a)
				if err != nil || !ok {
					return false, err
				}
				return sub(m.s, m.idx[2*i], m.idx[2*i+1]), nil
			}},
		{Name: "regexp-substitute/global", MinArgs: 3, MaxArgs: -1,
			Doc: "(regexp-substitute/global port re string item ...): substitute every match of re in string",
			Fn:  e.regexpSubstituteGlobal},
		{Name: "regexp-substitute", MinArgs: 2, MaxArgs: -1,
			Doc: "(regexp-substitute port match item ...): the items with match's parts (port #f: a string)",
			Fn:  e.regexpSubstitute},
	}...)
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
		return nil, argType(1, "port", "an output port or #f", port)
	}
	if err := p.WriteString(s); err != nil {
		return nil, scshErr("regexp-substitute", err.Error())
	}
	return interp.Unspecified, nil
}

// regexpSubstitute is (regexp-substitute port match item ...).
func (e *scshEnv) regexpSubstitute(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	m, err := matchArg(a[1], 2)
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
	s, err := str(a[2], 3, "string")
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
func (e *scshEnv) predArg(v interp.Value, pos int, param string) (func(rune) (bool, error), error) {
	if f, ok := charMatcher(v); ok {
		if _, isStr := v.(*interp.String); isStr {
			return nil, argType(pos, param, "a char, char-set or predicate", v)
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
	index := func(who string, right bool) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], 1, "string")
			if err != nil {
				return nil, err
			}
			pred, err := e.predArg(a[1], 2, "pred")
			if err != nil {
				return nil, err
			}
			start, end, err := optRange(s, a, 2)
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
	splitter := func(who, def string, maxArgs int, fn func(string, *splitterSpec, *interp.String, int) (interp.Value, error), doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 0, MaxArgs: maxArgs, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sp, err := parseSplitterArgs(who, a, def)
				if err != nil {
					return nil, err
				}
				return makeSplitter(who, sp, fn), nil
			}}
	}
	// twoStr is a test of an affix (a prefix or a suffix) and a string.
	twoStr := func(who, affix string, f func(a, b string) interp.Value, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 2, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				x, err := str(a[0], 1, affix)
				if err != nil {
					return nil, err
				}
				y, err := str(a[1], 2, "string")
				if err != nil {
					return nil, err
				}
				return f(x.String(), y.String()), nil
			}}
	}
	trim := func(who string, left, right bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 4, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				keep := func(c rune) (bool, error) { return unicode.IsSpace(c), nil }
				if len(a) > 1 && a[1] != interp.DefaultObject {
					keep, err = e.predArg(a[1], 2, "pred")
					if err != nil {
						return nil, err
					}
				}
				start, end, err := optRange(s, a, 2)
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
			}}
	}
	pad := func(who string, left bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 2, MaxArgs: 5, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				n, ok := a[1].(int)
				if !ok || n < 0 {
					return nil, argType(2, "n", "a non-negative integer", a[1])
				}
				// SRFI-13: [start end] select the part of string to pad
				start, end, err := optRange(s, a, 3)
				if err != nil {
					return nil, err
				}
				if start != 0 || end != s.Len() {
					s = s.Slice(start, end)
				}
				c := ' '
				if len(a) > 2 && a[2] != interp.DefaultObject {
					ch, ok := a[2].(interp.Char)
					if !ok {
						return nil, argType(3, "char", "a char", a[2])
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
			}}
	}
	// SRFI-14's standard char-sets.
	for _, c := range charSetConsts {
		cs := newCharSet()
		if c.class != "" {
			cs, _ = namedCharSet(c.class)
		}
		e.it.Define(c.name, charSetValue(cs))
	}
	e.it.DefineBuiltins("scsh: strings and characters", []interp.Builtin{
		splitter("infix-splitter", `[\t-\r ]+`, 3, infixSplit, "(infix-splitter [delim num-fields handle-delim]): a procedure splitting a string at delim"),
		splitter("suffix-splitter", `[\t-\r ]+`, 3, suffixSplit, "(suffix-splitter [delim num-fields handle-delim]): a procedure splitting a string of fields each ended by delim"),
		splitter("sloppy-suffix-splitter", `[\t-\r ]+`, 3, sloppySuffixSplit, "(sloppy-suffix-splitter [delim num-fields handle-delim]): as suffix-splitter, a delim at the start skipped"),
		splitter("field-splitter", `[^\t-\r ]+`, 2, fieldSplit, "(field-splitter [field num-fields]): a procedure returning the matches of field in a string"),
		twoStr("string-prefix?", "prefix", func(a, b string) interp.Value { return strings.HasPrefix(b, a) }, "(string-prefix? prefix string): whether string starts with prefix"),
		twoStr("string-suffix?", "suffix", func(a, b string) interp.Value { return strings.HasSuffix(b, a) }, "(string-suffix? suffix string): whether string ends with suffix"),
		twoStr("string-prefix-ci?", "prefix", func(a, b string) interp.Value {
			return len(b) >= len(a) && strings.EqualFold(b[:len(a)], a)
		}, "(string-prefix-ci? prefix string): whether string starts with prefix, ignoring case"),
		twoStr("string-suffix-ci?", "suffix", func(a, b string) interp.Value {
			return len(b) >= len(a) && strings.EqualFold(b[len(b)-len(a):], a)
		}, "(string-suffix-ci? suffix string): whether string ends with suffix, ignoring case"),
		trim("string-trim", true, false, "(string-trim string [pred start end]): string without its leading characters matching pred (whitespace)"),
		trim("string-trim-left", true, false, "(string-trim-left string [pred start end]): string without its leading characters matching pred"),
		trim("string-trim-right", false, true, "(string-trim-right string [pred start end]): string without its trailing characters matching pred"),
		trim("string-trim-both", true, true, "(string-trim-both string [pred start end]): string without its leading and trailing characters matching pred"),
		pad("string-pad", true, "(string-pad string n [char start end]): string (from start to end) cut or padded with char on the left to length n"),
		pad("string-pad-left", true, "(string-pad-left string n [char start end]): string (from start to end) cut or padded with char on the left to length n"),
		pad("string-pad-right", false, "(string-pad-right string n [char start end]): string (from start to end) cut or padded with char on the right to length n"),
		// Scheme48's ascii structure (scsh 0.6 characters are 8-bit: 0..255).
		{Name: "char->ascii", MinArgs: 1, MaxArgs: 1,
			Doc: "(char->ascii char): the code (0-255) of char",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, ok := a[0].(interp.Char)
				if !ok {
					return nil, argType(0, "char", "a character", a[0])
				}
				if c > 255 {
					return nil, scshErr("char->ascii", "character out of the 8-bit range 0..255", a[0])
				}
				return int(c), nil
			}},
		{Name: "ascii->char", MinArgs: 1, MaxArgs: 1,
			Doc: "(ascii->char code): the character of code (0-255)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, ok := a[0].(int)
				if !ok {
					return nil, argType(0, "code", "an exact integer", a[0])
				}
				if n < 0 || n > 255 {
					return nil, scshErr("ascii->char", "code out of the 8-bit range 0..255", a[0])
				}
				return interp.Char(rune(n)), nil
			}},
		{Name: "string-index", MinArgs: 2, MaxArgs: 4,
			Doc: "(string-index string pred [start end]): the index of the first character matching pred, or #f",
			Fn:  index("string-index", false)},
		{Name: "string-index-right", MinArgs: 2, MaxArgs: 4,
			Doc: "(string-index-right string pred [start end]): the index of the last character matching pred, or #f",
			Fn:  index("string-index-right", true)},
		{Name: "index", MinArgs: 2, MaxArgs: 3,
			Doc: "(index string char [start]): the index of the first char in string, or #f",
			Fn:  index("index", false)},
		{Name: "rindex", MinArgs: 2, MaxArgs: 3,
			Doc: "(rindex string char [end]): the index of the last char in string before end, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				// (rindex s c [end]): search backwards from end.
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				args := []interp.Value{a[0], a[1], 0, s.Len()}
				if len(a) > 2 {
					if args[3], err = indexArg(s, a[2], 3, "end"); err != nil {
						return nil, err
					}
				}
				return index("rindex", true)(it, args)
			}},
		{Name: "string-join", MinArgs: 1, MaxArgs: 3,
			Doc: "(string-join strings [delim grammar]): join strings with delim (infix strict-infix prefix suffix)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				delim, grammar := " ", "infix"
				if len(a) > 1 {
					d, err := str(a[1], 2, "delim")
					if err != nil {
						return nil, err
					}
					delim = d.String()
				}
				if len(a) > 2 {
					g, ok := a[2].(*interp.Symbol)
					if !ok {
						return nil, argType(3, "grammar", "a grammar symbol", a[2])
					}
					grammar = g.Name
				}
				return stringJoin("string-join", a[0], 1, delim, grammar)
			}},
		{Name: "join-strings", MinArgs: 1, MaxArgs: 2,
			Doc: "(join-strings strings [delim]): join strings with delim between them",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				delim := " "
				if len(a) > 1 {
					d, err := str(a[1], 2, "delim")
					if err != nil {
						return nil, err
					}
					delim = d.String()
				}
				return stringJoin("join-strings", a[0], 1, delim, "infix")
			}},
		{Name: "string-contains", MinArgs: 2, MaxArgs: 2,
			Doc: "(string-contains string pattern): the index of pattern in string, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				x, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				y, err := str(a[1], 2, "pattern")
				if err != nil {
					return nil, err
				}
				i := strings.Index(x.String(), y.String())
				if i < 0 {
					return false, nil
				}
				return len([]rune(x.String()[:i])), nil
			}},
		{Name: "string-null?", MinArgs: 1, MaxArgs: 1,
			Doc: "(string-null? string): whether string is empty",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				return s.Len() == 0, nil
			}},
		{Name: "string-concatenate", MinArgs: 1, MaxArgs: 1,
			Doc: "(string-concatenate strings): the strings of the list joined",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if _, ok := a[0].(*interp.Pair); !ok {
					// scsh's SRFI-13 stops at the first non-pair: #f or
					// '() concatenate nothing.
					return interp.NewString(""), nil
				}
				return stringJoin("string-concatenate", a[0], 0, "", "infix")
			}},
		{Name: "string-tokenize", MinArgs: 1, MaxArgs: 4,
			Doc: "(string-tokenize string [token-set start end]): the maximal runs of characters in token-set",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				in := func(c rune) (bool, error) { return unicode.IsGraphic(c) && !unicode.IsSpace(c), nil }
				if len(a) > 1 && a[1] != interp.DefaultObject {
					in, err = e.predArg(a[1], 2, "token-set")
					if err != nil {
						return nil, err
					}
				}
				start, end, err := optRange(s, a, 2)
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
			}},
		{Name: "char-set", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set char ...): the char-set of the chars",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var rs [][2]rune
				for i, v := range a {
					c, ok := v.(interp.Char)
					if !ok {
						return nil, argType(i+1, "char", "a char", v)
					}
					rs = append(rs, [2]rune{rune(c), rune(c)})
				}
				return charSetValue(newCharSet(rs...)), nil
			}},
		{Name: "string->char-set", MinArgs: 1, MaxArgs: 1,
			Doc: "(string->char-set string): the char-set of the characters of string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				return charSetValue(charSetOfString(s.String())), nil
			}},
		{Name: "char-set-complement", MinArgs: 1, MaxArgs: 1,
			Doc: "(char-set-complement cset): the characters not in cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, ok := asCharSet(a[0])
				if !ok {
					return nil, argType(0, "cset", "a char-set", a[0])
				}
				return charSetValue(cs.complement()), nil
			}},
		{Name: "char-set-union", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set-union cset ...): the characters in any cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				u := newCharSet()
				for i, v := range a {
					cs, ok := asCharSet(v)
					if !ok {
						return nil, argType(i+1, "cset", "a char-set", v)
					}
					u = u.union(cs)
				}
				return charSetValue(u), nil
			}},
		{Name: "char-set-contains?", MinArgs: 2, MaxArgs: 2,
			Doc: "(char-set-contains? cset char): whether char is in cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, ok := asCharSet(a[0])
				if !ok {
					return nil, argType(1, "cset", "a char-set", a[0])
				}
				c, ok := a[1].(interp.Char)
				if !ok {
					return nil, argType(2, "char", "a char", a[1])
				}
				return cs.contains(rune(c)), nil
			}},
		{Name: "char-set?", MinArgs: 1, MaxArgs: 1,
			Doc: "(char-set? obj): whether obj is a char-set",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, ok := asCharSet(a[0])
				return ok, nil
			}},
	}...)
}
