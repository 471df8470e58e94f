package scsh

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"

	"popsh/interp"
)

// scshRegexp is a compiled regexp: Go's engine in leftmost-longest mode,
// which is POSIX regexec's rule. src is the Go syntax it was compiled from
// (used when the regexp is spliced into a larger SRE).
type scshRegexp struct {
	re  *regexp.Regexp
	src string
	// sre is the regexp as one SRE (regexp->sre): embedded regexps are
	// replaced by their SREs; char sets stay char-set values.
	sre interp.Value
	// view is its regexp-ADT reading (re-seq?, re-seq:elts, ...), made on
	// first use; see redata.go.
	view *reNode
	// bad, when set, is why the regexp cannot match: a raw ADT
	// constructor was given parts that are not regexps.
	bad error
}

// regexpKind is the Opaque kind of regexp values; matchKind of match values.
const (
	regexpKind = "regexp"
	matchKind  = "regexp-match"
)

// scshMatch is the result of a successful search: the searched string and
// rune offsets of each submatch (-1 when a submatch did not participate).
type scshMatch struct {
	s   *interp.String
	idx []int
}

func regexpValue(r *scshRegexp) *interp.Opaque {
	return &interp.Opaque{Kind: regexpKind, Label: r.src, Value: r}
}

func asRegexp(v interp.Value) (*scshRegexp, bool) {
	if o, ok := v.(*interp.Opaque); ok {
		if r, ok := o.Value.(*scshRegexp); ok {
			return r, true
		}
	}
	return nil, false
}

// compileGo compiles Go regexp syntax in leftmost-longest mode.
func compileGo(src string) (*scshRegexp, error) {
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("compile regexp: %w", err)
	}
	re.Longest()
	return &scshRegexp{re: re, src: src}, nil
}

// posixToGo parses a POSIX extended regular expression and returns the
// equivalent Go syntax: ^ and $ anchor at the ends of the string and . also
// matches a newline, as regcomp without REG_NEWLINE does.
func posixToGo(ere string) (string, error) {
	t, err := syntax.Parse(ere, syntax.OneLine|syntax.DotNL)
	if err != nil {
		return "", fmt.Errorf("posix-string %q: %w", ere, err)
	}
	return t.String(), nil
}

// compilePosix compiles a POSIX ERE.
func compilePosix(ere string) (*scshRegexp, error) {
	src, err := posixToGo(ere)
	if err != nil {
		return nil, err
	}
	r, err := compileGo(src)
	if err != nil {
		return nil, err
	}
	r.sre = interp.List(interp.Intern("posix-string"), interp.NewString(ere))
	return r, nil
}

// sreError is an error in an SRE form.
func sreError(format string, args ...any) error {
	return &interp.ErrorObject{Who: "rx", Message: fmt.Sprintf(format, args...), Kind: interp.KindSyntax}
}

// sreToGo translates an SRE (already quasiquote-expanded: unquoted values
// may be regexps, char sets, strings or chars) to Go regexp syntax.
func sreToGo(v interp.Value) (string, error) {
	switch x := v.(type) {
	case *interp.String:
		return regexp.QuoteMeta(x.String()), nil
	case interp.Char:
		return regexp.QuoteMeta(string(rune(x))), nil
	case *interp.Symbol:
		switch x.Name {
		case "bos":
			return `\A`, nil
		case "eos":
			return `\z`, nil
		case "bol":
			return `(?m:^)`, nil
		case "eol":
			return `(?m:$)`, nil
		}
		if cs, ok := namedCharSet(x.Name); ok {
			return cs.regexpClass(), nil
		}
		return "", sreError("unknown SRE %s", x.Name)
	case *interp.Opaque:
		if r, ok := x.Value.(*scshRegexp); ok {
			return "(?:" + r.src + ")", nil
		}
		if cs, ok := x.Value.(*charSet); ok {
			return cs.regexpClass(), nil
		}
	case *interp.Pair:
		return sreForm(x)
	}
	return "", sreError("bad SRE: %s", interp.WriteString(v))
}

func sreSeq(items []interp.Value) (string, error) {
	var b strings.Builder
	for _, it := range items {
		s, err := sreToGo(it)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func sreForm(p *interp.Pair) (string, error) {
	items, ok := interp.ListToSlice(p)
	if !ok {
		return "", sreError("bad SRE: %s", interp.WriteString(p))
	}
	if cs, ok := stringsCharSet(items); ok {
		return cs.regexpClass(), nil
	}
	head, ok := items[0].(*interp.Symbol)
	if !ok {
		return "", sreError("bad SRE: %s", interp.WriteString(p))
	}
	args := items[1:]
	group := func(op string) (string, error) {
		s, err := sreSeq(args)
		if err != nil {
			return "", err
		}
		return "(?:" + s + ")" + op, nil
	}
	count := func(v interp.Value) (int, error) {
		n, ok := v.(int)
		if !ok || n < 0 {
			return 0, sreError("%s: expected a non-negative count, got %s", head.Name, interp.WriteString(v))
		}
		return n, nil
	}
	switch head.Name {
	case ":", "seq":
		return group("")
	case "or", "|":
		if len(args) == 0 {
			return neverMatch, nil
		}
		parts := make([]string, len(args))
		for i, a := range args {
			s, err := sreToGo(a)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(?:" + strings.Join(parts, "|") + ")", nil
	case "*", "+", "?":
		return group(head.Name)
	case "=", ">=":
		if len(args) < 1 {
			return "", sreError("%s: missing count", head.Name)
		}
		n, err := count(args[0])
		if err != nil {
			return "", err
		}
		args = args[1:]
		if head.Name == "=" {
			return group("{" + strconv.Itoa(n) + "}")
		}
		return group("{" + strconv.Itoa(n) + ",}")
	case "**":
		if len(args) < 2 {
			return "", sreError("**: missing counts")
		}
		n, err := count(args[0])
		if err != nil {
			return "", err
		}
		hi := ""
		if args[1] != false {
			m, err := count(args[1])
			if err != nil {
				return "", err
			}
			if m < n {
				// scsh: no string repeats between n and m times, so
				// this matches nothing (its submatches never match).
				return neverMatch + deadGroups(sreCount(interp.List(args[2:]...))), nil
			}
			hi = strconv.Itoa(m)
		}
		args = args[2:]
		return group("{" + strconv.Itoa(n) + "," + hi + "}")
	case "dsm":
		if len(args) < 2 {
			return "", sreError("dsm: missing counts")
		}
		pre, err := count(args[0])
		if err != nil {
			return "", err
		}
		post, err := count(args[1])
		if err != nil {
			return "", err
		}
		s, err := sreSeq(args[2:])
		if err != nil {
			return "", err
		}
		return deadGroups(pre) + "(?:" + s + ")" + deadGroups(post), nil
	case "submatch":
		s, err := sreSeq(args)
		if err != nil {
			return "", err
		}
		return "(" + s + ")", nil
	case "w/nocase", "uncase":
		return group("")
	case "w/case":
		s, err := sreSeq(args)
		if err != nil {
			return "", err
		}
		return "(?-i:" + s + ")", nil
	case "posix-string":
		if len(args) != 1 {
			return "", sreError("posix-string: expected one string")
		}
		s, ok := args[0].(*interp.String)
		if !ok {
			return "", sreError("posix-string: expected a string, got %s", interp.WriteString(args[0]))
		}
		g, err := posixToGo(s.String())
		if err != nil {
			return "", &interp.ErrorObject{Who: "rx", Message: err.Error(), Kind: interp.KindSyntax, Cause: err}
		}
		return "(?:" + g + ")", nil
	case "~", "-", "&", "/", "char-set":
		cs, err := sreCharSet(p)
		if err != nil {
			return "", err
		}
		return cs.regexpClass(), nil
	}
	return "", sreError("unknown SRE operator %s", head.Name)
}

// sreNocase wraps case-insensitive forms; handled in sreForm by prefixing.
func init() {}

// sreCharSet evaluates an SRE in a character-class context.
// stringsCharSet reads the SRE ("abc" "xyz" ...), a list of strings only:
// the class of the characters in any of them.
func stringsCharSet(items []interp.Value) (*charSet, bool) {
	var b strings.Builder
	for _, it := range items {
		s, ok := it.(*interp.String)
		if !ok {
			return nil, false
		}
		b.WriteString(s.String())
	}
	return charSetOfString(b.String()), len(items) > 0
}

func sreCharSet(v interp.Value) (*charSet, error) {
	switch x := v.(type) {
	case interp.Char:
		return newCharSet([2]rune{rune(x), rune(x)}), nil
	case *interp.String:
		return charSetOfString(x.String()), nil
	case *interp.Symbol:
		if cs, ok := namedCharSet(x.Name); ok {
			return cs, nil
		}
	case *interp.Opaque:
		if cs, ok := x.Value.(*charSet); ok {
			return cs, nil
		}
	case *interp.Pair:
		items, ok := interp.ListToSlice(x)
		if !ok {
			break
		}
		if cs, ok := stringsCharSet(items); ok {
			return cs, nil
		}
		head, ok := items[0].(*interp.Symbol)
		if !ok {
			break
		}
		args := items[1:]
		sets := make([]*charSet, 0, len(args))
		if head.Name == "/" {
			var rs []rune
			for _, a := range args {
				switch y := a.(type) {
				case interp.Char:
					rs = append(rs, rune(y))
				case *interp.String:
					rs = append(rs, y.Runes()...)
				default:
					return nil, sreError("/: expected chars or strings, got %s", interp.WriteString(a))
				}
			}
			if len(rs)%2 != 0 {
				return nil, sreError("/: odd number of range endpoints")
			}
			var ranges [][2]rune
			for i := 0; i < len(rs); i += 2 {
				ranges = append(ranges, [2]rune{rs[i], rs[i+1]})
			}
			return newCharSet(ranges...), nil
		}
		for _, a := range args {
			cs, err := sreCharSet(a)
			if err != nil {
				return nil, err
			}
			sets = append(sets, cs)
		}
		switch head.Name {
		case "~":
			u := newCharSet()
			for _, s := range sets {
				u = u.union(s)
			}
			return u.complement(), nil
		case "-":
			if len(sets) == 0 {
				return nil, sreError("-: needs at least one char set")
			}
			r := sets[0]
			for _, s := range sets[1:] {
				r = r.minus(s)
			}
			return r, nil
		case "&":
			r := newCharSet([2]rune{0, maxRune})
			for _, s := range sets {
				r = r.intersect(s)
			}
			return r, nil
		case "or", "|", "char-set":
			u := newCharSet()
			for _, s := range sets {
				u = u.union(s)
			}
			return u, nil
		}
	}
	return nil, sreError("not a character-set SRE: %s", interp.WriteString(v))
}

// compileSRE compiles a list of SREs (an implicit sequence).
func compileSRE(sres []interp.Value) (*scshRegexp, error) {
	src, err := sreSeqNocase(sres)
	if err != nil {
		return nil, err
	}
	r, err := compileGo(src)
	if err != nil {
		return nil, &interp.ErrorObject{Who: "rx", Message: err.Error(), Cause: err}
	}
	r.sre = sreOfSeq(sres)
	return r, nil
}

// sreSeqNocase is sreSeq with w/nocase and uncase applied: they are
// rewritten into (?i:...) groups before translation.
func sreSeqNocase(items []interp.Value) (string, error) {
	var b strings.Builder
	for _, it := range items {
		s, err := sreNocaseToGo(it)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func sreNocaseToGo(v interp.Value) (string, error) {
	if p, ok := v.(*interp.Pair); ok {
		if h, ok := p.Car.(*interp.Symbol); ok && (h.Name == "w/nocase" || h.Name == "uncase") {
			items, ok := interp.ListToSlice(p.Cdr)
			if !ok {
				return "", sreError("bad SRE: %s", interp.WriteString(v))
			}
			for i, x := range items {
				y, err := uncaseClasses(x, h.Name == "w/nocase")
				if err != nil {
					return "", err
				}
				items[i] = y
			}
			s, err := sreSeqNocase(items)
			if err != nil {
				return "", err
			}
			return "(?i:" + s + ")", nil
		}
		if h, ok := p.Car.(*interp.Symbol); ok && isSeqOp(h.Name) {
			items, ok := interp.ListToSlice(p.Cdr)
			if !ok {
				return "", sreError("bad SRE: %s", interp.WriteString(v))
			}
			// Translate children with nocase awareness, then rebuild.
			conv := make([]interp.Value, len(items))
			for i, c := range items {
				if needsNocase(c) {
					s, err := sreNocaseToGo(c)
					if err != nil {
						return "", err
					}
					conv[i] = &interp.Opaque{Kind: regexpKind, Value: &scshRegexp{src: s}}
				} else {
					conv[i] = c
				}
			}
			return sreToGo(interp.Cons(h, interp.List(conv...)))
		}
	}
	return sreToGo(v)
}

func isSeqOp(name string) bool {
	switch name {
	case ":", "seq", "or", "|", "*", "+", "?", "submatch", "w/case":
		return true
	case "=", ">=", "**":
		return true
	}
	return false
}

func needsNocase(v interp.Value) bool {
	p, ok := v.(*interp.Pair)
	if !ok {
		return false
	}
	if h, ok := p.Car.(*interp.Symbol); ok && (h.Name == "w/nocase" || h.Name == "uncase") {
		return true
	}
	for l := v; ; {
		q, ok := l.(*interp.Pair)
		if !ok {
			return false
		}
		if needsNocase(q.Car) {
			return true
		}
		l = q.Cdr
	}
}

// search runs r on s from rune offset start and returns the match or nil.
func (r *scshRegexp) search(s *interp.String, start int) (*scshMatch, error) {
	if r.bad != nil {
		return nil, r.bad
	}
	if start < 0 || start > s.Len() {
		return nil, fmt.Errorf("start index %d out of range for string of length %d", start, s.Len())
	}
	str := s.String()
	boff := runeToByte(str, start)
	loc := r.re.FindStringSubmatchIndex(str[boff:])
	if loc == nil {
		return nil, nil
	}
	idx := make([]int, len(loc))
	for i, b := range loc {
		if b < 0 {
			idx[i] = -1
			continue
		}
		idx[i] = start + utf8.RuneCountInString(str[boff:boff+b])
	}
	return &scshMatch{s: s, idx: idx}, nil
}

func runeToByte(s string, n int) int {
	i := 0
	for b := range s {
		if i == n {
			return b
		}
		i++
	}
	return len(s)
}

func matchValue(m *scshMatch) interp.Value {
	if m == nil {
		return false
	}
	return &interp.Opaque{Kind: matchKind, Label: interp.WriteString(m.s.Slice(m.idx[0], m.idx[1])), Value: m}
}

// regexpQuote escapes the POSIX ERE special characters of s.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`\^$.|?*+()[]{}`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
