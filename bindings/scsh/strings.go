package scsh

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"popsh/interp"
)

// scshErr is an error raised by a scsh procedure, named who.
func scshErr(who, msg string, irritants ...interp.Value) error {
	return &interp.ErrorObject{Who: who, Message: msg, Irritants: irritants}
}

// argType is the error of an argument of the wrong type, in interp's
// words: argument pos (from 1), named param ("argument 2 (k): expected an
// exact integer, got x"), or, when pos is 0, the only argument of a
// procedure of one argument ("expected a string, got 5"). The evaluator
// puts the procedure's name in front.
func argType(pos int, param, want string, got interp.Value) *interp.ErrorObject {
	if pos == 0 {
		return interp.TypeError(want, got)
	}
	return interp.ArgTypeError(pos, param, want, got)
}

// str reads a string argument (pos and param as for argType).
func str(v interp.Value, pos int, param string) (*interp.String, error) {
	s, ok := v.(*interp.String)
	if !ok {
		return nil, argType(pos, param, "a string", v)
	}
	return s, nil
}

// optRange reads the optional start and end rune indices of s at args[i]
// and args[i+1], arguments i+1 and i+2.
func optRange(s *interp.String, args []interp.Value, i int) (int, int, error) {
	start, end := 0, s.Len()
	if len(args) > i && args[i] != interp.DefaultObject {
		n, err := indexArg(s, args[i], i+1, "start")
		if err != nil {
			return 0, 0, err
		}
		start = n
	}
	if len(args) > i+1 && args[i+1] != interp.DefaultObject {
		n, err := indexArg(s, args[i+1], i+2, "end")
		if err != nil {
			return 0, 0, err
		}
		if n < start {
			return 0, 0, interp.ArgError(i+2, "end", "index "+strconv.Itoa(n)+" is before start index "+strconv.Itoa(start))
		}
		end = n
	}
	return start, end, nil
}

// indexArg reads v, argument pos named param, as an index into s (0 to
// its length).
func indexArg(s *interp.String, v interp.Value, pos int, param string) (int, error) {
	n, ok := v.(int)
	if !ok {
		return 0, argType(pos, param, "an exact integer", v)
	}
	if n < 0 || n > s.Len() {
		return 0, interp.ArgError(pos, param, "index "+strconv.Itoa(n)+" is out of range for a string of length "+strconv.Itoa(s.Len()))
	}
	return n, nil
}

// splitterDelim turns an infix/suffix-splitter delimiter argument into a regexp.
func splitterDelim(who string, v interp.Value, def string) (*scshRegexp, error) {
	if v == nil || v == interp.DefaultObject {
		return compileGo(def)
	}
	if r, ok := asRegexp(v); ok {
		if r.bad != nil {
			return nil, r.bad
		}
		return r, nil
	}
	switch x := v.(type) {
	case *interp.String:
		return compileGo(quoteGo(x.String()))
	case interp.Char:
		return compileGo(quoteGo(string(rune(x))))
	}
	if cs, ok := asCharSet(v); ok {
		return compileGo(cs.regexpClass())
	}
	param := "delim"
	if who == "field-splitter" {
		param = "field"
	}
	return nil, argType(1, param, "a regexp, string, char or char-set", v)
}

func quoteGo(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// splitterSpec holds the common optional arguments of the splitters.
type splitterSpec struct {
	re        *scshRegexp
	numFields interp.Value // #f or an integer
	mode      string       // trim, concat, split
}

func parseSplitterArgs(who string, args []interp.Value, def string) (*splitterSpec, error) {
	var d interp.Value
	if len(args) > 0 {
		d = args[0]
	}
	re, err := splitterDelim(who, d, def)
	if err != nil {
		return nil, err
	}
	sp := &splitterSpec{re: re, numFields: false, mode: "trim"}
	if len(args) > 1 && args[1] != interp.DefaultObject {
		switch args[1].(type) {
		case bool, int:
			if args[1] == true {
				return nil, argType(2, "num-fields", "#f or an exact integer", args[1])
			}
			sp.numFields = args[1]
		default:
			return nil, argType(2, "num-fields", "#f or an exact integer", args[1])
		}
	}
	if len(args) > 2 && args[2] != interp.DefaultObject {
		s, ok := args[2].(*interp.Symbol)
		if !ok || (s.Name != "trim" && s.Name != "concat" && s.Name != "split") {
			return nil, argType(3, "handle-delim", "one of the symbols trim, concat, split", args[2])
		}
		sp.mode = s.Name
	}
	return sp, nil
}

func sub(s *interp.String, a, b int) interp.Value { return s.Slice(a, b) }

// checkCount applies num-fields: n > 0 means exactly n fields.
func checkCount(who string, sp *splitterSpec, nfields int) error {
	n, ok := sp.numFields.(int)
	if !ok || n <= 0 {
		if ok && n < 0 && nfields < -n {
			return scshErr(who, "Too few fields in record.")
		}
		return nil
	}
	if nfields > n {
		return scshErr(who, "Too many fields in record.")
	}
	if nfields < n {
		return scshErr(who, "Too few fields in record.")
	}
	return nil
}

// findFrom finds the next match of re in str at or after byte offset i.
func findFrom(re *scshRegexp, str string, i int) (int, int, bool) {
	loc := re.re.FindStringIndex(str[i:])
	if loc == nil {
		return 0, 0, false
	}
	return i + loc[0], i + loc[1], true
}

func gostr(str string, a, b int) interp.Value { return interp.NewString(str[a:b]) }

// infixSplit implements the parser infix-splitter returns. A negative
// num-fields -n splits off n fields and returns any remaining text as one
// more, final field.
func infixSplit(who string, sp *splitterSpec, s *interp.String, start int) (interp.Value, error) {
	if start == s.Len() {
		return interp.Null, nil
	}
	str := s.String()
	end := len(str)
	limit := -1
	if n, ok := sp.numFields.(int); ok && n < 0 {
		limit = -n
	}
	var out []interp.Value
	nfields := 0
	i := runeToByte(str, start)
	for {
		if limit >= 0 && nfields == limit {
			if i < end {
				out = append(out, gostr(str, i, end))
			}
			break
		}
		ms, me, ok := findFrom(sp.re, str, i)
		if !ok || me == ms {
			out = append(out, gostr(str, i, end))
			nfields++
			break
		}
		switch sp.mode {
		case "trim":
			out = append(out, gostr(str, i, ms))
		case "concat":
			out = append(out, gostr(str, i, me))
		case "split":
			out = append(out, gostr(str, i, ms), gostr(str, ms, me))
		}
		nfields++
		i = me
		if i == end && limit < 0 {
			if sp.mode != "concat" {
				out = append(out, interp.NewString(""))
				nfields++
			}
			break
		}
	}
	if err := checkCount(who, sp, nfields); err != nil {
		return nil, err
	}
	return interp.List(out...), nil
}

// suffixSplit: each field is terminated by a delimiter; a missing final
// delimiter is tolerated (sloppy-suffix-splitter also skips a leading one).
func suffixSplit(who string, sp *splitterSpec, s *interp.String, start int) (interp.Value, error) {
	str := s.String()
	end := len(str)
	var out []interp.Value
	nfields := 0
	i := runeToByte(str, start)
	for i < end {
		ms, me, ok := findFrom(sp.re, str, i)
		if !ok || me == ms {
			out = append(out, gostr(str, i, end))
			nfields++
			break
		}
		switch sp.mode {
		case "trim":
			out = append(out, gostr(str, i, ms))
		case "concat":
			out = append(out, gostr(str, i, me))
		case "split":
			out = append(out, gostr(str, i, ms), gostr(str, ms, me))
		}
		nfields++
		i = me
	}
	if err := checkCount(who, sp, nfields); err != nil {
		return nil, err
	}
	return interp.List(out...), nil
}

// sloppySuffixSplit: suffixSplit after a delimiter at the start, if there
// is one, is skipped: ((sloppy-suffix-splitter) "  a b") gives ("a" "b"),
// as the right-aligned columns of ps(1) need.
func sloppySuffixSplit(who string, sp *splitterSpec, s *interp.String, start int) (interp.Value, error) {
	str := s.String()
	i := runeToByte(str, start)
	if ms, me, ok := findFrom(sp.re, str, i); ok && ms == i && me > ms {
		start += utf8.RuneCountInString(str[ms:me])
	}
	return suffixSplit(who, sp, s, start)
}

// fieldSplit: the fields are the matches of the field regexp.
func fieldSplit(who string, sp *splitterSpec, s *interp.String, start int) (interp.Value, error) {
	str := s.String()
	end := len(str)
	var out []interp.Value
	i := runeToByte(str, start)
	limit := -1
	if n, ok := sp.numFields.(int); ok && n < 0 {
		limit = -n
	}
	for i < end {
		if limit >= 0 && len(out) == limit {
			out = append(out, gostr(str, i, end))
			break
		}
		ms, me, ok := findFrom(sp.re, str, i)
		if !ok {
			break
		}
		if me == ms {
			if ms >= end {
				break
			}
			_, size := utf8.DecodeRuneInString(str[ms:])
			i = ms + size
			continue
		}
		out = append(out, gostr(str, ms, me))
		i = me
	}
	if err := checkCount(who, sp, len(out)); err != nil {
		return nil, err
	}
	return interp.List(out...), nil
}

// makeSplitter builds the parser procedure (p string [start]).
func makeSplitter(who string, sp *splitterSpec, fn func(string, *splitterSpec, *interp.String, int) (interp.Value, error)) *interp.Primitive {
	return &interp.Primitive{Name: who + "-parser", MinArgs: 1, MaxArgs: 2, Fn: func(it *interp.Interp, args []interp.Value) (interp.Value, error) {
		s, err := str(args[0], 1, "string")
		if err != nil {
			return nil, err
		}
		start := 0
		if len(args) > 1 {
			if start, err = indexArg(s, args[1], 2, "start"); err != nil {
				return nil, err
			}
		}
		return fn(who, sp, s, start)
	}}
}

// stringJoin implements SRFI-13 string-join with grammar infix,
// strict-infix, prefix or suffix.
func stringJoin(who string, list interp.Value, pos int, delim string, grammar string) (interp.Value, error) {
	items, ok := interp.ListToSlice(list)
	if !ok {
		return nil, argType(pos, "strings", "a list of strings", list)
	}
	parts := make([]string, len(items))
	for i, x := range items {
		s, ok := x.(*interp.String)
		if !ok {
			return nil, argType(pos, "strings", "a list of strings", list)
		}
		parts[i] = s.String()
	}
	switch grammar {
	case "infix":
		return interp.NewString(strings.Join(parts, delim)), nil
	case "strict-infix":
		if len(parts) == 0 {
			return nil, scshErr(who, "strict-infix grammar needs a non-empty list")
		}
		return interp.NewString(strings.Join(parts, delim)), nil
	case "prefix":
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(delim)
			b.WriteString(p)
		}
		return interp.NewString(b.String()), nil
	case "suffix":
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p)
			b.WriteString(delim)
		}
		return interp.NewString(b.String()), nil
	}
	return nil, scshErr(who, "unknown grammar", interp.Intern(grammar))
}
