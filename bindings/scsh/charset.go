package scsh

import (
	"sort"
	"strings"
	"unicode"

	"popsh/interp"
)

// charSet is a set of characters kept as sorted, disjoint, non-adjacent
// closed ranges [lo, hi]. It backs SRE character classes and the SRFI-14
// subset scsh procedures accept (string-index, splitters, string-trim).
type charSet struct {
	r [][2]rune
}

const maxRune = unicode.MaxRune

func newCharSet(ranges ...[2]rune) *charSet {
	cs := &charSet{r: append([][2]rune(nil), ranges...)}
	cs.normalize()
	return cs
}

func charSetOfString(s string) *charSet {
	var rs [][2]rune
	for _, c := range s {
		rs = append(rs, [2]rune{c, c})
	}
	return newCharSet(rs...)
}

// normalize sorts and merges the ranges, and leaves out the surrogate
// code points U+D800..U+DFFF, which are not characters: [0, maxRune] is
// every character, 1112064 of them (SRFI 14's char-set:full).
func (cs *charSet) normalize() {
	var split [][2]rune
	for _, x := range cs.r {
		if x[0] <= 0xDFFF && x[1] >= 0xD800 {
			split = append(split, [2]rune{x[0], 0xD7FF}, [2]rune{0xE000, x[1]})
			continue
		}
		split = append(split, x)
	}
	cs.r = split
	sort.Slice(cs.r, func(i, j int) bool { return cs.r[i][0] < cs.r[j][0] })
	out := cs.r[:0]
	for _, x := range cs.r {
		if x[0] > x[1] {
			continue
		}
		if n := len(out); n > 0 && x[0] <= out[n-1][1]+1 {
			if x[1] > out[n-1][1] {
				out[n-1][1] = x[1]
			}
			continue
		}
		out = append(out, x)
	}
	cs.r = out
}

func (cs *charSet) contains(c rune) bool {
	i := sort.Search(len(cs.r), func(i int) bool { return cs.r[i][1] >= c })
	return i < len(cs.r) && cs.r[i][0] <= c
}

func (cs *charSet) union(o *charSet) *charSet {
	return newCharSet(append(append([][2]rune(nil), cs.r...), o.r...)...)
}

// complement is the set of the characters not in cs (never a surrogate
// code point, see normalize).
func (cs *charSet) complement() *charSet {
	var out [][2]rune
	add := func(lo, hi rune) {
		for _, x := range [][2]rune{{lo, min(hi, 0xD7FF)}, {max(lo, 0xE000), hi}} {
			if x[0] <= x[1] {
				out = append(out, x)
			}
		}
	}
	next := rune(0)
	for _, x := range cs.r {
		if x[0] > next {
			add(next, x[0]-1)
		}
		next = x[1] + 1
	}
	if next <= maxRune {
		add(next, maxRune)
	}
	return &charSet{r: out}
}

func (cs *charSet) intersect(o *charSet) *charSet {
	return cs.complement().union(o.complement()).complement()
}

func (cs *charSet) minus(o *charSet) *charSet {
	return cs.intersect(o.complement())
}

// regexpClass renders the set as a Go regexp character class.
func (cs *charSet) regexpClass() string {
	if len(cs.r) == 0 {
		return `[^\x00-\x{10FFFF}]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for _, x := range cs.r {
		b.WriteString(classRune(x[0]))
		if x[1] != x[0] {
			b.WriteByte('-')
			b.WriteString(classRune(x[1]))
		}
	}
	b.WriteByte(']')
	return b.String()
}

func classRune(c rune) string {
	if c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
		return string(c)
	}
	return `\x{` + strings.ToUpper(strconvHex(int64(c))) + `}`
}

func strconvHex(n int64) string {
	const digits = "0123456789abcdef"
	if n == 0 {
		return "0"
	}
	var buf [16]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = digits[n%16]
		n /= 16
	}
	return string(buf[i:])
}

// namedCharSets are the SRE class names (ASCII, as in scsh 0.6's Latin-1 world).
func namedCharSet(name string) (*charSet, bool) {
	r := func(lo, hi rune) [2]rune { return [2]rune{lo, hi} }
	switch name {
	case "any":
		return newCharSet(r(0, maxRune)), true
	case "nonl":
		return newCharSet(r(0, '\n'-1), r('\n'+1, maxRune)), true
	case "lower", "lower-case":
		return newCharSet(r('a', 'z')), true
	case "upper", "upper-case":
		return newCharSet(r('A', 'Z')), true
	case "alpha", "alphabetic":
		return newCharSet(r('a', 'z'), r('A', 'Z')), true
	case "digit", "num", "numeric":
		return newCharSet(r('0', '9')), true
	case "alnum", "alphanum", "alphanumeric":
		return newCharSet(r('a', 'z'), r('A', 'Z'), r('0', '9')), true
	case "punct", "punctuation":
		return charSetOfString("!\"#%&'()*,-./:;?@[\\]_{}"), true
	case "symbol":
		return charSetOfString("$+<=>^`|~"), true
	case "graph", "graphic":
		return newCharSet(r('!', '~')), true
	case "print", "printing":
		return newCharSet(r(' ', '~')), true
	case "space", "white", "whitespace":
		return newCharSet(r('\t', '\r'), r(' ', ' ')), true
	case "blank":
		return newCharSet(r('\t', '\t'), r(' ', ' ')), true
	case "cntrl", "control":
		return newCharSet(r(0, 31), r(127, 127)), true
	case "xdigit", "hex-digit":
		return newCharSet(r('0', '9'), r('a', 'f'), r('A', 'F')), true
	case "ascii":
		return newCharSet(r(0, 127)), true
	}
	return nil, false
}

// charSetKind is the Opaque kind of a character set value.
const charSetKind = "char-set"

func charSetValue(cs *charSet) *interp.Opaque {
	label := cs.regexpClass()
	if len(label) > 40 {
		label = label[:37] + "..."
	}
	return &interp.Opaque{Kind: charSetKind, Label: label, Value: cs}
}

func asCharSet(v interp.Value) (*charSet, bool) {
	if o, ok := v.(*interp.Opaque); ok {
		if cs, ok := o.Value.(*charSet); ok {
			return cs, true
		}
	}
	return nil, false
}

// charMatcher turns a char, char-set or string (its characters) into a
// Go predicate; a procedure is handled by the caller (it needs the VM).
func charMatcher(v interp.Value) (func(rune) bool, bool) {
	switch x := v.(type) {
	case interp.Char:
		return func(c rune) bool { return c == rune(x) }, true
	case *interp.String:
		cs := charSetOfString(x.String())
		return cs.contains, true
	}
	if cs, ok := asCharSet(v); ok {
		return cs.contains, true
	}
	return nil, false
}
