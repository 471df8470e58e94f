package interp

import (
	"unicode"
	"unicode/utf8"
)

// Strings (R7RS 6.7).

// upcaseSpecial holds the unconditional full upper-case mappings of
// Unicode's SpecialCasing.txt that expand to several characters (all of
// them, the Greek letters with ypogegrammeni and breathing marks too:
// ᾀ gives ἈΙ).
var upcaseSpecial = map[rune][]rune{
	0x00DF: {'S', 'S'},
	0x0149: {0x02BC, 'N'},
	0x01F0: {'J', 0x030C},
	0x0390: {0x0399, 0x0308, 0x0301},
	0x03B0: {0x03A5, 0x0308, 0x0301},
	0x0587: {0x0535, 0x0552},
	0x1E96: {'H', 0x0331},
	0x1E97: {'T', 0x0308},
	0x1E98: {'W', 0x030A},
	0x1E99: {'Y', 0x030A},
	0x1E9A: {'A', 0x02BE},
	0x1F50: {0x03A5, 0x0313},
	0x1F52: {0x03A5, 0x0313, 0x0300},
	0x1F54: {0x03A5, 0x0313, 0x0301},
	0x1F56: {0x03A5, 0x0313, 0x0342},
	0x1F80: {0x1F08, 0x0399},
	0x1F81: {0x1F09, 0x0399},
	0x1F82: {0x1F0A, 0x0399},
	0x1F83: {0x1F0B, 0x0399},
	0x1F84: {0x1F0C, 0x0399},
	0x1F85: {0x1F0D, 0x0399},
	0x1F86: {0x1F0E, 0x0399},
	0x1F87: {0x1F0F, 0x0399},
	0x1F88: {0x1F08, 0x0399},
	0x1F89: {0x1F09, 0x0399},
	0x1F8A: {0x1F0A, 0x0399},
	0x1F8B: {0x1F0B, 0x0399},
	0x1F8C: {0x1F0C, 0x0399},
	0x1F8D: {0x1F0D, 0x0399},
	0x1F8E: {0x1F0E, 0x0399},
	0x1F8F: {0x1F0F, 0x0399},
	0x1F90: {0x1F28, 0x0399},
	0x1F91: {0x1F29, 0x0399},
	0x1F92: {0x1F2A, 0x0399},
	0x1F93: {0x1F2B, 0x0399},
	0x1F94: {0x1F2C, 0x0399},
	0x1F95: {0x1F2D, 0x0399},
	0x1F96: {0x1F2E, 0x0399},
	0x1F97: {0x1F2F, 0x0399},
	0x1F98: {0x1F28, 0x0399},
	0x1F99: {0x1F29, 0x0399},
	0x1F9A: {0x1F2A, 0x0399},
	0x1F9B: {0x1F2B, 0x0399},
	0x1F9C: {0x1F2C, 0x0399},
	0x1F9D: {0x1F2D, 0x0399},
	0x1F9E: {0x1F2E, 0x0399},
	0x1F9F: {0x1F2F, 0x0399},
	0x1FA0: {0x1F68, 0x0399},
	0x1FA1: {0x1F69, 0x0399},
	0x1FA2: {0x1F6A, 0x0399},
	0x1FA3: {0x1F6B, 0x0399},
	0x1FA4: {0x1F6C, 0x0399},
	0x1FA5: {0x1F6D, 0x0399},
	0x1FA6: {0x1F6E, 0x0399},
	0x1FA7: {0x1F6F, 0x0399},
	0x1FA8: {0x1F68, 0x0399},
	0x1FA9: {0x1F69, 0x0399},
	0x1FAA: {0x1F6A, 0x0399},
	0x1FAB: {0x1F6B, 0x0399},
	0x1FAC: {0x1F6C, 0x0399},
	0x1FAD: {0x1F6D, 0x0399},
	0x1FAE: {0x1F6E, 0x0399},
	0x1FAF: {0x1F6F, 0x0399},
	0x1FB2: {0x1FBA, 0x0399},
	0x1FB3: {0x0391, 0x0399},
	0x1FB4: {0x0386, 0x0399},
	0x1FB6: {0x0391, 0x0342},
	0x1FB7: {0x0391, 0x0342, 0x0399},
	0x1FBC: {0x0391, 0x0399},
	0x1FC2: {0x1FCA, 0x0399},
	0x1FC3: {0x0397, 0x0399},
	0x1FC4: {0x0389, 0x0399},
	0x1FC6: {0x0397, 0x0342},
	0x1FC7: {0x0397, 0x0342, 0x0399},
	0x1FCC: {0x0397, 0x0399},
	0x1FD2: {0x0399, 0x0308, 0x0300},
	0x1FD3: {0x0399, 0x0308, 0x0301},
	0x1FD6: {0x0399, 0x0342},
	0x1FD7: {0x0399, 0x0308, 0x0342},
	0x1FE2: {0x03A5, 0x0308, 0x0300},
	0x1FE3: {0x03A5, 0x0308, 0x0301},
	0x1FE4: {0x03A1, 0x0313},
	0x1FE6: {0x03A5, 0x0342},
	0x1FE7: {0x03A5, 0x0308, 0x0342},
	0x1FF2: {0x1FFA, 0x0399},
	0x1FF3: {0x03A9, 0x0399},
	0x1FF4: {0x038F, 0x0399},
	0x1FF6: {0x03A9, 0x0342},
	0x1FF7: {0x03A9, 0x0342, 0x0399},
	0x1FFC: {0x03A9, 0x0399},
	0xFB00: {'F', 'F'},
	0xFB01: {'F', 'I'},
	0xFB02: {'F', 'L'},
	0xFB03: {'F', 'F', 'I'},
	0xFB04: {'F', 'F', 'L'},
	0xFB05: {'S', 'T'},
	0xFB06: {'S', 'T'},
	0xFB13: {0x0544, 0x0546},
	0xFB14: {0x0544, 0x0535},
	0xFB15: {0x0544, 0x053B},
	0xFB16: {0x054E, 0x0546},
	0xFB17: {0x0544, 0x053D},
}

// StringUpcase returns the full Unicode upper case of rs ("Straße" gives
// "STRASSE").
func StringUpcase(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		if r < utf8.RuneSelf {
			if r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			out = append(out, r)
			continue
		}
		if sp, ok := upcaseSpecial[r]; ok {
			out = append(out, sp...)
			continue
		}
		out = append(out, unicode.ToUpper(r))
	}
	return out
}

// StringDowncase returns the full Unicode lower case of rs, with the
// final-sigma rule (Σ at the end of a word becomes ς).
func StringDowncase(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, r)
			continue
		}
		switch r {
		case 0x0130:
			out = append(out, 'i', 0x0307)
			continue
		case 0x03A3:
			if finalSigma(rs, i) {
				out = append(out, 0x03C2)
				continue
			}
		}
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// StringFoldcase returns the full Unicode case folding of rs (for
// case-insensitive comparison: "Straße" and "STRASSE" fold alike).
func StringFoldcase(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, r)
			continue
		}
		switch r {
		case 0x0130:
			out = append(out, 'i', 0x0307)
			continue
		case 0x1E9E:
			out = append(out, 's', 's')
			continue
		}
		if sp, ok := upcaseSpecial[r]; ok {
			for _, q := range sp {
				out = append(out, FoldChar(q))
			}
			continue
		}
		out = append(out, FoldChar(r))
	}
	return out
}

// compareRunes compares two rune slices lexicographically.
func compareRunes(a, b []rune) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func stringCompare(name, doc string, ci bool, ok func(c int) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: -1, Doc: doc, Fn: func(_ *Interp, a []Value) (Value, error) {
		s, err := stringArg(a[0])
		if err != nil {
			return nil, argAt(1, "string1", err)
		}
		res := true
		if !ci {
			prev := s
			for i, v := range a[1:] {
				t, err := stringArg(v)
				if err != nil {
					return nil, argAt(i+2, "string2", err)
				}
				if res && !ok(prev.Compare(t)) {
					res = false
				}
				prev = t
			}
			return res, nil
		}
		prev := StringFoldcase(s.Runes())
		for i, v := range a[1:] {
			t, err := stringArg(v)
			if err != nil {
				return nil, argAt(i+2, "string2", err)
			}
			cur := StringFoldcase(t.Runes())
			if res && !ok(compareRunes(prev, cur)) {
				res = false
			}
			prev = cur
		}
		return res, nil
	}}
}

func stringCase(name, doc string, f func([]rune) []rune) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(_ *Interp, a []Value) (Value, error) {
		s, err := stringArg(a[0])
		if err != nil {
			return nil, err
		}
		return NewStringRunes(f(s.Runes())), nil
	}}
}

// charsToString returns a fresh string of the characters items, narrow
// when they allow it; an item that is not a character is a type error
// (expected what, of whole).
func charsToString(items []Value, whole Value, what string) (Value, error) {
	b := make([]byte, len(items))
	for i, v := range items {
		c, ok := v.(Char)
		if !ok {
			return nil, TypeError(what, whole)
		}
		if c < 0 || c > 0xFF {
			rs := make([]rune, len(items))
			for j, v := range items {
				c, ok := v.(Char)
				if !ok {
					return nil, TypeError(what, whole)
				}
				rs[j] = rune(c)
			}
			return wideString(rs), nil
		}
		b[i] = byte(c)
	}
	return &String{b: b}, nil
}

func init() {
	registerBuiltins("strings", []Builtin{
		{Name: "string?", MinArgs: 1, MaxArgs: 1, Doc: "(string? obj): whether obj is a string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*String)
				return ok, nil
			}},
		{Name: "make-string", MinArgs: 1, MaxArgs: 2, Doc: "(make-string k [char]): a new string of k characters, each char (default a space)",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				k, err := sizeArg(a[0], "length", maxStringLength)
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				fill := ' '
				if len(a) > 1 {
					if fill, err = charArg(a[1]); err != nil {
						return nil, argAt(2, "char", err)
					}
				}
				return MakeString(k, fill), nil
			}},
		{Name: "string", MinArgs: 0, MaxArgs: -1, Doc: "(string char ...): a new string of the characters",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				for i, v := range a {
					if _, err := charArg(v); err != nil {
						return nil, argAt(i+1, "char", err)
					}
				}
				return charsToString(a, nil, "")
			}},
		{Name: "string-length", MinArgs: 1, MaxArgs: 1, Doc: "(string-length string): the number of characters of string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				return s.Len(), nil
			}},
		{Name: "string-ref", MinArgs: 2, MaxArgs: 2, Doc: "(string-ref string k): character k of string, from 0",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				i, err := indexArg(a[1], "string", s.Len())
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				return Char(s.At(i)), nil
			}},
		{Name: "string-set!", MinArgs: 3, MaxArgs: 3, Doc: "(string-set! string k char): store char at index k of a mutable string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := mutableStringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				i, err := indexArg(a[1], "string", s.Len())
				if err != nil {
					return nil, argAt(2, "k", err)
				}
				c, err := charArg(a[2])
				if err != nil {
					return nil, argAt(3, "char", err)
				}
				s.Set(i, c)
				return Unspecified, nil
			}},
		stringCompare("string=?", "(string=? string1 string2 ...): whether the strings are all equal", false, func(c int) bool { return c == 0 }),
		stringCompare("string<?", "(string<? string1 string2 ...): whether the strings are in increasing order", false, func(c int) bool { return c < 0 }),
		stringCompare("string>?", "(string>? string1 string2 ...): whether the strings are in decreasing order", false, func(c int) bool { return c > 0 }),
		stringCompare("string<=?", "(string<=? string1 string2 ...): whether the strings are in non-decreasing order", false, func(c int) bool { return c <= 0 }),
		stringCompare("string>=?", "(string>=? string1 string2 ...): whether the strings are in non-increasing order", false, func(c int) bool { return c >= 0 }),
		stringCompare("string-ci=?", "(string-ci=? string1 string2 ...): string=? ignoring case", true, func(c int) bool { return c == 0 }),
		stringCompare("string-ci<?", "(string-ci<? string1 string2 ...): string<? ignoring case", true, func(c int) bool { return c < 0 }),
		stringCompare("string-ci>?", "(string-ci>? string1 string2 ...): string>? ignoring case", true, func(c int) bool { return c > 0 }),
		stringCompare("string-ci<=?", "(string-ci<=? string1 string2 ...): string<=? ignoring case", true, func(c int) bool { return c <= 0 }),
		stringCompare("string-ci>=?", "(string-ci>=? string1 string2 ...): string>=? ignoring case", true, func(c int) bool { return c >= 0 }),
		stringCase("string-upcase", "(string-upcase string): a new string, string in upper case", StringUpcase),
		stringCase("string-downcase", "(string-downcase string): a new string, string in lower case", StringDowncase),
		stringCase("string-foldcase", "(string-foldcase string): a new string, string case-folded", StringFoldcase),
		{Name: "substring", MinArgs: 2, MaxArgs: 3, Doc: "(substring string start [end]): a new string of the characters of string from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				start, end, err := rangeArgs(a, 1, "string", s.Len())
				if err != nil {
					return nil, err
				}
				return s.Slice(start, end), nil
			}},
		{Name: "string-copy", MinArgs: 1, MaxArgs: 3, Doc: "(string-copy string [start [end]]): a new string of the characters of string from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				start, end, err := rangeArgs(a, 1, "string", s.Len())
				if err != nil {
					return nil, err
				}
				return s.Slice(start, end), nil
			}},
		{Name: "string-append", MinArgs: 0, MaxArgs: -1, Doc: "(string-append string ...): a new string joining the strings",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n := 0
				for i, v := range a {
					s, err := stringArg(v)
					if err != nil {
						return nil, argAt(i+1, "string", err)
					}
					n += s.Len()
				}
				if n > maxStringLength {
					return nil, Errorf("result length %d is too large (at most %d)", n, maxStringLength)
				}
				return concatStrings(a, n), nil
			}},
		{Name: "string->list", MinArgs: 1, MaxArgs: 3, Doc: "(string->list string [start [end]]): the characters of string from start to end, as a list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				start, end, err := rangeArgs(a, 1, "string", s.Len())
				if err != nil {
					return nil, err
				}
				var l Value = Null
				for i := end - 1; i >= start; i-- {
					l = &Pair{Char(s.At(i)), l}
				}
				return l, nil
			}},
		{Name: "list->string", MinArgs: 1, MaxArgs: 1, Doc: "(list->string list): a new string of the characters of list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				items, err := listArg(a[0])
				if err != nil {
					return nil, err
				}
				return charsToString(items, a[0], "a list of characters")
			}},
		{Name: "string-copy!", MinArgs: 3, MaxArgs: 5, Doc: "(string-copy! to at from [start [end]]): copy the characters of from (start to end) into to at index at",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				to, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "to", err)
				}
				from, err := stringArg(a[2])
				if err != nil {
					return nil, argAt(3, "from", err)
				}
				at, start, end, err := copyArgs(a, "string", "characters", to.Len(), from.Len())
				if err != nil {
					return nil, err
				}
				if to.Immutable && end > start { // copying nothing changes nothing
					return nil, argAt(1, "to", TypeError("a mutable string", a[0]))
				}
				to.copyInto(at, from, start, end)
				return Unspecified, nil
			}},
		{Name: "string-fill!", MinArgs: 2, MaxArgs: 4, Doc: "(string-fill! string char [start [end]]): store char at each index of string from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				c, err := charArg(a[1])
				if err != nil {
					return nil, argAt(2, "char", err)
				}
				start, end, err := rangeArgs(a, 2, "string", s.Len())
				if err != nil {
					return nil, err
				}
				if s.Immutable && end > start { // filling nothing changes nothing
					return nil, argAt(1, "string", TypeError("a mutable string", a[0]))
				}
				for i := start; i < end; i++ {
					s.Set(i, c)
				}
				return Unspecified, nil
			}},
		{Name: "string->vector", MinArgs: 1, MaxArgs: 3, Doc: "(string->vector string [start [end]]): the characters of string from start to end, as a vector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				start, end, err := rangeArgs(a, 1, "string", s.Len())
				if err != nil {
					return nil, err
				}
				items := make([]Value, end-start)
				for i := range items {
					items[i] = Char(s.At(start + i))
				}
				return &Vector{Items: items}, nil
			}},
		{Name: "vector->string", MinArgs: 1, MaxArgs: 3, Doc: "(vector->string vector [start [end]]): a new string of the characters of vector from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				v, err := vectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "vector", err)
				}
				start, end, err := rangeArgs(a, 1, "vector", len(v.Items))
				if err != nil {
					return nil, err
				}
				return charsToString(v.Items[start:end], a[0], "a vector of characters")
			}},
		{Name: "string->utf8", MinArgs: 1, MaxArgs: 3, Doc: "(string->utf8 string [start [end]]): the UTF-8 encoding of string from start to end, as a bytevector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				start, end, err := rangeArgs(a, 1, "string", s.Len())
				if err != nil {
					return nil, err
				}
				return &Bytevector{B: s.AppendUTF8(make([]byte, 0, end-start), start, end)}, nil
			}},
		{Name: "utf8->string", MinArgs: 1, MaxArgs: 3, Doc: "(utf8->string bytevector [start [end]]): a new string decoded from the UTF-8 bytes from start to end",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				start, end, err := rangeArgs(a, 1, "bytevector", len(bv.B))
				if err != nil {
					return nil, err
				}
				return NewStringUTF8(bv.B[start:end]), nil
			}},
	}...)
}
