package scsh

import (
	"popsh/interp"
)

// installCharSetOps adds the rest of the SRFI-14 set algebra that scsh
// exports (intersection, difference, xor, adjoin, delete, conversions to
// and from lists, size, equality). The iteration procedures (for-each,
// map, fold, filter, count, every, any) are in scm/srfi.scm on top of
// char-set->list.
func (e *scshEnv) installCharSetOps() {
	// sets reads the char-sets a[from:], arguments from+1 ... named param.
	sets := func(a []interp.Value, from int, param string) ([]*charSet, error) {
		out := make([]*charSet, 0, len(a)-from)
		for i := from; i < len(a); i++ {
			cs, ok := asCharSet(a[i])
			if !ok {
				return nil, argType(i+1, param, "a char-set", a[i])
			}
			out = append(out, cs)
		}
		return out, nil
	}
	// chars reads the characters a[from:] as ranges; ok is false at the
	// first non-character, whose index is bad.
	chars := func(a []interp.Value, from int) (rs [][2]rune, bad int, ok bool) {
		for i := from; i < len(a); i++ {
			c, isChar := a[i].(interp.Char)
			if !isChar {
				return nil, i, false
			}
			rs = append(rs, [2]rune{rune(c), rune(c)})
		}
		return rs, 0, true
	}
	// setAndChars reads (cset char ...) as the set and the set of the chars.
	setAndChars := func(a []interp.Value) (*charSet, *charSet, error) {
		ss, err := sets(a[:1], 0, "cset")
		if err != nil {
			return nil, nil, err
		}
		rs, bad, ok := chars(a, 1)
		if !ok {
			return nil, nil, argType(bad+1, "char", "a char", a[bad])
		}
		return ss[0], newCharSet(rs...), nil
	}
	// oneSet reads the only argument of a procedure of one char-set.
	oneSet := func(v interp.Value) (*charSet, error) {
		cs, ok := asCharSet(v)
		if !ok {
			return nil, interp.TypeError("a char-set", v)
		}
		return cs, nil
	}
	e.it.DefineBuiltins("SRFI 14: character sets", []interp.Builtin{
		{Name: "char-set-intersection", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set-intersection cset ...): the characters in every cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a, 0, "cset")
				if err != nil {
					return nil, err
				}
				r := newCharSet([2]rune{0, maxRune})
				for _, s := range ss {
					r = r.intersect(s)
				}
				return charSetValue(r), nil
			}},
		{Name: "char-set-difference", MinArgs: 1, MaxArgs: -1,
			Doc: "(char-set-difference cset1 cset ...): the characters of cset1 in no other cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a, 0, "cset")
				if err != nil {
					return nil, err
				}
				r := ss[0]
				for _, s := range ss[1:] {
					r = r.minus(s)
				}
				return charSetValue(r), nil
			}},
		{Name: "char-set-xor", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set-xor cset ...): the characters in an odd number of the csets",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a, 0, "cset")
				if err != nil {
					return nil, err
				}
				r := newCharSet()
				for _, s := range ss {
					r = r.minus(s).union(s.minus(r))
				}
				return charSetValue(r), nil
			}},
		{Name: "char-set-adjoin", MinArgs: 1, MaxArgs: -1,
			Doc: "(char-set-adjoin cset char ...): cset with the chars added",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, add, err := setAndChars(a)
				if err != nil {
					return nil, err
				}
				return charSetValue(cs.union(add)), nil
			}},
		{Name: "char-set-delete", MinArgs: 1, MaxArgs: -1,
			Doc: "(char-set-delete cset char ...): cset without the chars",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, del, err := setAndChars(a)
				if err != nil {
					return nil, err
				}
				return charSetValue(cs.minus(del)), nil
			}},
		{Name: "char-set-copy", MinArgs: 1, MaxArgs: 1,
			Doc: "(char-set-copy cset): a copy of cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, err := oneSet(a[0])
				if err != nil {
					return nil, err
				}
				return charSetValue(newCharSet(cs.r...)), nil
			}},
		{Name: "char-set-size", MinArgs: 1, MaxArgs: 1,
			Doc: "(char-set-size cset): the number of characters in cset",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, err := oneSet(a[0])
				if err != nil {
					return nil, err
				}
				n := 0
				for _, x := range cs.r {
					n += int(x[1]-x[0]) + 1
				}
				return n, nil
			}},
		{Name: "char-set=", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set= cset ...): whether the csets hold the same characters",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a, 0, "cset")
				if err != nil {
					return nil, err
				}
				for i := 1; i < len(ss); i++ {
					if len(ss[i].r) != len(ss[0].r) {
						return false, nil
					}
					for j := range ss[i].r {
						if ss[i].r[j] != ss[0].r[j] {
							return false, nil
						}
					}
				}
				return true, nil
			}},
		{Name: "char-set<=", MinArgs: 0, MaxArgs: -1,
			Doc: "(char-set<= cset ...): whether each cset is a subset of the next",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a, 0, "cset")
				if err != nil {
					return nil, err
				}
				for i := 1; i < len(ss); i++ {
					if len(ss[i-1].minus(ss[i]).r) != 0 {
						return false, nil
					}
				}
				return true, nil
			}},
		{Name: "char-set-hash", MinArgs: 1, MaxArgs: 2,
			Doc: "(char-set-hash cset [bound]): a hash of cset's characters in [0, bound) (bound 0 or absent: any fixnum)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ss, err := sets(a[:1], 0, "cset")
				if err != nil {
					return nil, err
				}
				bound := 0
				if len(a) > 1 {
					b, ok := a[1].(int)
					if !ok || b < 0 {
						return nil, argType(2, "bound", "a non-negative exact integer", a[1])
					}
					bound = b
				}
				// FNV-1a over the ranges: equal sets have equal ranges
				h := uint64(14695981039346656037)
				for _, x := range ss[0].r {
					for _, c := range x {
						for k := 0; k < 3; k++ {
							h ^= uint64(byte(c >> (8 * k)))
							h *= 1099511628211
						}
					}
				}
				h &= 1<<60 - 1
				if bound > 0 {
					h %= uint64(bound)
				}
				return int(h), nil
			}},
		{Name: "->char-set", MinArgs: 1, MaxArgs: 1,
			Doc: "(->char-set x): x as a char-set: a string's characters, a char alone, or the char-set itself",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				switch x := a[0].(type) {
				case interp.Char:
					return charSetValue(newCharSet([2]rune{rune(x), rune(x)})), nil
				case *interp.String:
					return charSetValue(charSetOfString(x.String())), nil
				}
				if _, ok := asCharSet(a[0]); ok {
					return a[0], nil
				}
				return nil, interp.TypeError("a string, char or char-set", a[0])
			}},
		{Name: "char-set->list", MinArgs: 1, MaxArgs: 1,
			Doc: "(char-set->list cset): the characters of cset as a list",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cs, err := oneSet(a[0])
				if err != nil {
					return nil, err
				}
				var out []interp.Value
				for _, x := range cs.r {
					if len(out)+int(x[1]-x[0]) > 1<<21 {
						return nil, scshErr("char-set->list", "char-set too large to list")
					}
					for c := x[0]; c <= x[1]; c++ {
						out = append(out, interp.Char(c))
					}
				}
				return interp.List(out...), nil
			}},
		{Name: "list->char-set", MinArgs: 1, MaxArgs: 2,
			Doc: "(list->char-set chars [base-cset]): the char-set of the list chars (added to base-cset)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				l, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, argType(1, "chars", "a list of chars", a[0])
				}
				rs, _, ok := chars(l, 0)
				if !ok {
					return nil, argType(1, "chars", "a list of chars", a[0])
				}
				r := newCharSet(rs...)
				if len(a) > 1 {
					ss, err := sets(a, 1, "base-cset")
					if err != nil {
						return nil, err
					}
					r = r.union(ss[0])
				}
				return charSetValue(r), nil
			}},
		{Name: "ucs-range->char-set", MinArgs: 2, MaxArgs: 4,
			Doc: "(ucs-range->char-set start end [error? base-cset]): the characters with codes in [start, end)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				lo, ok1 := a[0].(int)
				hi, ok2 := a[1].(int)
				if !ok1 || !ok2 || lo < 0 || hi < lo || hi > maxRune+1 {
					return nil, scshErr("ucs-range->char-set", "expected 0 <= start <= end <= #x110000", a[0], a[1])
				}
				r := newCharSet([2]rune{rune(lo), rune(hi - 1)})
				if len(a) > 3 {
					ss, err := sets(a, 3, "base-cset")
					if err != nil {
						return nil, err
					}
					r = r.union(ss[0])
				}
				return charSetValue(r), nil
			}},
	}...)
}
