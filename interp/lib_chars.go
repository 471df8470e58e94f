package interp

import "unicode"

// Symbols (R7RS 6.5) and characters (R7RS 6.6).

// FoldChar returns the simple case folding of r (char-foldcase).
func FoldChar(r rune) rune {
	switch {
	case r == 0x130 || r == 0x131: // dotted capital I, dotless small i fold to themselves
		return r
	case r >= 0x13A0 && r <= 0x13F5:
		// Cherokee folds to its capital letters, encoded first
		return r
	case r >= 0x13F8 && r <= 0x13FD:
		return r - 8
	case r >= 0xAB70 && r <= 0xABBF:
		return r - 0xAB70 + 0x13A0
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// DigitValue returns the value of a decimal digit (any Unicode Nd
// character) and whether r is one.
func DigitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	// Nd characters come in contiguous runs of ten starting with zero.
	n := 0
	for q := r - 1; q >= 0 && unicode.IsDigit(q); q-- {
		n++
	}
	return n % 10, true
}

func charCompare(name, doc string, ci bool, ok func(a, b rune) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: -1, Doc: doc, Fn: func(_ *Interp, a []Value) (Value, error) {
		res := true
		prev, err := charArg(a[0])
		if err != nil {
			return nil, argAt(1, "char1", err)
		}
		if ci {
			prev = FoldChar(prev)
		}
		for i, v := range a[1:] {
			c, err := charArg(v)
			if err != nil {
				return nil, argAt(i+2, "char2", err)
			}
			if ci {
				c = FoldChar(c)
			}
			if res && !ok(prev, c) {
				res = false
			}
			prev = c
		}
		return res, nil
	}}
}

func charPred(name, doc string, f func(r rune) bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(_ *Interp, a []Value) (Value, error) {
		c, err := charArg(a[0])
		if err != nil {
			return nil, err
		}
		return f(c), nil
	}}
}

func charMap(name, doc string, f func(r rune) rune) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(_ *Interp, a []Value) (Value, error) {
		c, err := charArg(a[0])
		if err != nil {
			return nil, err
		}
		return Char(f(c)), nil
	}}
}

func symbolsEqual(_ *Interp, a []Value) (Value, error) {
	res := true
	for i, v := range a {
		s, err := symbolArg(v)
		if err != nil {
			if i == 0 {
				return nil, argAt(1, "symbol1", err)
			}
			return nil, argAt(i+1, "symbol2", err)
		}
		if s != a[0] {
			res = false
		}
	}
	return res, nil
}

func init() {
	lt := func(a, b rune) bool { return a < b }
	le := func(a, b rune) bool { return a <= b }
	eq := func(a, b rune) bool { return a == b }
	gt := func(a, b rune) bool { return a > b }
	ge := func(a, b rune) bool { return a >= b }
	registerBuiltins("symbols", []Builtin{
		{Name: "symbol?", MinArgs: 1, MaxArgs: 1, Doc: "(symbol? obj): whether obj is a symbol",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Symbol)
				return ok, nil
			}},
		{Name: "symbol=?", MinArgs: 1, MaxArgs: -1, Doc: "(symbol=? symbol1 symbol2 ...): whether the symbols are all the same",
			Fn: symbolsEqual},
		{Name: "symbol->string", MinArgs: 1, MaxArgs: 1, Doc: "(symbol->string symbol): the name of symbol, as an immutable string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := symbolArg(a[0])
				if err != nil {
					return nil, err
				}
				return immutableString(s.Name), nil
			}},
		{Name: "string->symbol", MinArgs: 1, MaxArgs: 1, Doc: "(string->symbol string): the symbol named string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				return Intern(s.String()), nil
			}},
		{Name: "string->uninterned-symbol", MinArgs: 1, MaxArgs: 1, Doc: "(string->uninterned-symbol string): a new symbol named string, unlike any other",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				return &Symbol{Name: s.String()}, nil
			}},
		{Name: "symbol-append", MinArgs: 0, MaxArgs: -1, Doc: "(symbol-append symbol ...): the symbol whose name joins the names of the symbols",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				var b []byte
				for i, v := range a {
					s, err := symbolArg(v)
					if err != nil {
						return nil, argAt(i+1, "symbol", err)
					}
					b = append(b, s.Name...)
				}
				return Intern(string(b)), nil
			}},
		{Name: "gensym", MinArgs: 0, MaxArgs: 1, Doc: "(gensym [prefix]): a new uninterned symbol named prefix (a string or symbol) and a number",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				prefix := "g"
				if len(a) > 0 {
					switch x := a[0].(type) {
					case *String:
						prefix = x.String()
					case *Symbol:
						prefix = x.Name
					default:
						return nil, TypeError("a string or a symbol", a[0])
					}
				}
				return Gensym(prefix), nil
			}},
	}...)
	registerBuiltins("characters", []Builtin{

		{Name: "char?", MinArgs: 1, MaxArgs: 1, Doc: "(char? obj): whether obj is a character",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(Char)
				return ok, nil
			}},
		{Name: "char->integer", MinArgs: 1, MaxArgs: 1, Doc: "(char->integer char): the Unicode code point of char",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				c, err := charArg(a[0])
				if err != nil {
					return nil, err
				}
				return int(c), nil
			}},
		{Name: "integer->char", MinArgs: 1, MaxArgs: 1, Doc: "(integer->char n): the character of Unicode code point n",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n, ok := a[0].(int)
				if !ok || n < 0 || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
					return nil, TypeError("a Unicode scalar value", a[0])
				}
				return Char(rune(n)), nil
			}},
		charCompare("char=?", "(char=? char1 char2 ...): whether the characters are all equal", false, eq),
		charCompare("char<?", "(char<? char1 char2 ...): whether the characters are in increasing order", false, lt),
		charCompare("char>?", "(char>? char1 char2 ...): whether the characters are in decreasing order", false, gt),
		charCompare("char<=?", "(char<=? char1 char2 ...): whether the characters are in non-decreasing order", false, le),
		charCompare("char>=?", "(char>=? char1 char2 ...): whether the characters are in non-increasing order", false, ge),
		charCompare("char-ci=?", "(char-ci=? char1 char2 ...): char=? ignoring case", true, eq),
		charCompare("char-ci<?", "(char-ci<? char1 char2 ...): char<? ignoring case", true, lt),
		charCompare("char-ci>?", "(char-ci>? char1 char2 ...): char>? ignoring case", true, gt),
		charCompare("char-ci<=?", "(char-ci<=? char1 char2 ...): char<=? ignoring case", true, le),
		charCompare("char-ci>=?", "(char-ci>=? char1 char2 ...): char>=? ignoring case", true, ge),
		charPred("char-alphabetic?", "(char-alphabetic? char): whether char is a letter (Unicode Alphabetic)", IsAlphabetic),
		charPred("char-numeric?", "(char-numeric? char): whether char is a decimal digit", unicode.IsDigit),
		charPred("char-whitespace?", "(char-whitespace? char): whether char is white space", unicode.IsSpace),
		charPred("char-upper-case?", "(char-upper-case? char): whether char is upper case (Unicode Uppercase)", IsUppercase),
		charPred("char-lower-case?", "(char-lower-case? char): whether char is lower case (Unicode Lowercase)", IsLowercase),
		{Name: "digit-value", MinArgs: 1, MaxArgs: 1, Doc: "(digit-value char): the value of the decimal digit char, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				c, err := charArg(a[0])
				if err != nil {
					return nil, err
				}
				if d, ok := DigitValue(c); ok {
					return d, nil
				}
				return false, nil
			}},
		charMap("char-upcase", "(char-upcase char): the upper-case form of char", unicode.ToUpper),
		charMap("char-downcase", "(char-downcase char): the lower-case form of char", unicode.ToLower),
		charMap("char-foldcase", "(char-foldcase char): the case-folded form of char", FoldChar),
	}...)
}

// IsAlphabetic reports whether r has the Unicode Alphabetic property
// (letters, letter numbers such as U+2160, and Other_Alphabetic marks),
// which R7RS char-alphabetic? tests.
func IsAlphabetic(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// IsUppercase reports whether r has the Unicode Uppercase property
// (char-upper-case?): Lu and Other_Uppercase (such as U+24B6, Ⓐ).
func IsUppercase(r rune) bool {
	return unicode.IsUpper(r) || unicode.Is(unicode.Other_Uppercase, r)
}

// IsLowercase reports whether r has the Unicode Lowercase property
// (char-lower-case?): Ll and Other_Lowercase (such as U+00AA, ª).
func IsLowercase(r rune) bool {
	return unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r)
}

// isCased is Unicode's Cased property: upper case, lower case or title case.
func isCased(r rune) bool {
	return IsUppercase(r) || IsLowercase(r) || unicode.IsTitle(r)
}

// isCaseIgnorable is Unicode's Case_Ignorable property: nonspacing and
// enclosing marks, format characters, modifier letters and symbols, and
// the apostrophes, periods and colons that may stand inside a word.
func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// finalSigma says whether the Σ at rs[i] ends a word (Unicode's
// Final_Sigma condition): a cased letter comes before it, and none after
// it, case-ignorable characters between them not counting.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && isCaseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !isCased(rs[j]) {
		return false
	}
	k := i + 1
	for k < len(rs) && isCaseIgnorable(rs[k]) {
		k++
	}
	return k == len(rs) || !isCased(rs[k])
}
