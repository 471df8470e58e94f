package scsh

import (
	"unicode"

	"popsh/interp"
)

// neverMatch is Go syntax for a regexp that matches nothing.
const neverMatch = `[^\x00-\x{10FFFF}]`

// deadGroup is a capture group that never takes part in a match: it keeps
// the numbering of submatches that a dsm form or an impossible repeat
// removes. Its name marks it for regexp->posix-string.
const deadGroup = `(?:` + neverMatch + `(?P<dsm>))?`

func deadGroups(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += deadGroup
	}
	return s
}

// sreCount is the number of submatches an SRE (or a list of SREs) has.
func sreCount(v interp.Value) int {
	switch x := v.(type) {
	case *interp.Opaque:
		if r, ok := x.Value.(*scshRegexp); ok {
			if r.re != nil {
				return r.re.NumSubexp()
			}
			return sreCount(r.sre)
		}
	case *interp.Pair:
		items, ok := interp.ListToSlice(x)
		if !ok || len(items) == 0 {
			return 0
		}
		n := 0
		if h, ok := items[0].(*interp.Symbol); ok {
			switch h.Name {
			case "submatch":
				n = 1
			case "dsm":
				if len(items) >= 3 {
					a, _ := items[1].(int)
					b, _ := items[2].(int)
					return a + b + sreCount(interp.List(items[3:]...))
				}
			case "posix-string":
				if len(items) == 2 {
					if s, ok := items[1].(*interp.String); ok {
						if r, err := compilePosix(s.String()); err == nil {
							return r.re.NumSubexp()
						}
					}
				}
				return 0
			}
		}
		for _, it := range items {
			n += sreCount(it)
		}
		return n
	}
	return 0
}

// uncaseCharSet adds the other cases of every character of a set that is
// not huge (a set of more than 65536 characters is returned as is).
func uncaseCharSet(cs *charSet) *charSet {
	size := 0
	for _, r := range cs.r {
		size += int(r[1]-r[0]) + 1
	}
	if size > 1<<16 {
		return cs
	}
	var rs [][2]rune
	for _, r := range cs.r {
		for c := r[0]; c <= r[1]; c++ {
			rs = append(rs, [2]rune{c, c})
			for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
				rs = append(rs, [2]rune{f, f})
			}
		}
	}
	return newCharSet(rs...)
}

// isClassForm reports whether v is an SRE that only a character class
// can be: (~ ...), (- ...), (& ...), (/ ...) or ("chars").
func isClassForm(v interp.Value) bool {
	p, ok := v.(*interp.Pair)
	if !ok {
		return false
	}
	if s, ok := p.Car.(*interp.String); ok {
		_ = s
		return p.Cdr == interp.Null
	}
	h, ok := p.Car.(*interp.Symbol)
	if !ok {
		return false
	}
	switch h.Name {
	case "~", "-", "&", "/":
		return true
	}
	return false
}

// uncaseClasses rewrites the character classes of an SRE under w/nocase
// or uncase into char sets; the (?i:...) group they are compiled in then
// adds the other case of every member.
//
// Under w/nocase (leaves true) the literal characters of a class are
// given both cases before the class algebra runs, as scsh reads a class in
// a case-insensitive context: (w/nocase (~ "a")) matches neither "a" nor
// "A". Under uncase (leaves false) the class is computed as written and
// then uncased, as scsh's uncase of a char set: (uncase (~ "a")) holds
// "A", so it matches "a" as well. Other forms are rewritten inside.
func uncaseClasses(v interp.Value, leaves bool) (interp.Value, error) {
	if isClassForm(v) {
		in := v
		if leaves {
			var err error
			if in, err = uncaseLeaves(v); err != nil {
				return nil, err
			}
		}
		cs, err := sreCharSet(in)
		if err != nil {
			return nil, err
		}
		return charSetValue(cs), nil
	}
	p, ok := v.(*interp.Pair)
	if !ok {
		return v, nil
	}
	items, ok := interp.ListToSlice(p)
	if !ok {
		return v, nil
	}
	if h, ok := items[0].(*interp.Symbol); ok && (h.Name == "w/case" || h.Name == "posix-string") {
		return v, nil
	}
	out := make([]interp.Value, len(items))
	out[0] = items[0]
	for i, x := range items[1:] {
		y, err := uncaseClasses(x, leaves)
		if err != nil {
			return nil, err
		}
		out[i+1] = y
	}
	return interp.List(out...), nil
}

// uncaseLeaves replaces the literal characters of a class SRE by their
// uncased char sets.
func uncaseLeaves(v interp.Value) (interp.Value, error) {
	switch x := v.(type) {
	case interp.Char, *interp.String:
		cs, err := sreCharSet(x)
		if err != nil {
			return nil, err
		}
		return charSetValue(uncaseCharSet(cs)), nil
	case *interp.Pair:
		if _, ok := x.Car.(*interp.String); ok || isRangeForm(x) {
			cs, err := sreCharSet(x)
			if err != nil {
				return nil, err
			}
			return charSetValue(uncaseCharSet(cs)), nil
		}
		items, ok := interp.ListToSlice(x)
		if !ok {
			return v, nil
		}
		out := []interp.Value{items[0]}
		for _, it := range items[1:] {
			y, err := uncaseLeaves(it)
			if err != nil {
				return nil, err
			}
			out = append(out, y)
		}
		return interp.List(out...), nil
	}
	return v, nil
}

func isRangeForm(p *interp.Pair) bool {
	h, ok := p.Car.(*interp.Symbol)
	return ok && h.Name == "/"
}
