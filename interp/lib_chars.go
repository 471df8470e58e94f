package interp

import "unicode"

// Symbols (R7RS 6.5) and characters (R7RS 6.6).

// FoldChar returns the simple case folding of r (char-foldcase).
func FoldChar(r rune) rune {
	switch r {
	case 0x130, 0x131: // dotted capital I, dotless small i fold to themselves
		return r
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

func charCompare(name string, ci bool, ok func(a, b rune) bool) *Primitive {
	return prim(name, 1, -1, func(_ *Interp, a []Value) (Value, error) {
		res := true
		prev, err := charArg(a[0])
		if err != nil {
			return nil, err
		}
		if ci {
			prev = FoldChar(prev)
		}
		for _, v := range a[1:] {
			c, err := charArg(v)
			if err != nil {
				return nil, err
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
	})
}

func charPred(name string, f func(r rune) bool) *Primitive {
	return prim(name, 1, 1, func(_ *Interp, a []Value) (Value, error) {
		c, err := charArg(a[0])
		if err != nil {
			return nil, err
		}
		return f(c), nil
	})
}

func charMap(name string, f func(r rune) rune) *Primitive {
	return prim(name, 1, 1, func(_ *Interp, a []Value) (Value, error) {
		c, err := charArg(a[0])
		if err != nil {
			return nil, err
		}
		return Char(f(c)), nil
	})
}

func symbolsEqual(_ *Interp, a []Value) (Value, error) {
	res := true
	for _, v := range a {
		s, err := symbolArg(v)
		if err != nil {
			return nil, err
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
	register(
		prim("symbol?", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			_, ok := a[0].(*Symbol)
			return ok, nil
		}),
		prim("symbol=?", 1, -1, symbolsEqual),
		prim("symbol->string", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			s, err := symbolArg(a[0])
			if err != nil {
				return nil, err
			}
			return immutableString(s.Name), nil
		}),
		prim("string->symbol", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			s, err := stringArg(a[0])
			if err != nil {
				return nil, err
			}
			return Intern(s.String()), nil
		}),
		prim("string->uninterned-symbol", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			s, err := stringArg(a[0])
			if err != nil {
				return nil, err
			}
			return &Symbol{Name: s.String()}, nil
		}),
		prim("symbol-append", 0, -1, func(_ *Interp, a []Value) (Value, error) {
			var b []byte
			for _, v := range a {
				s, err := symbolArg(v)
				if err != nil {
					return nil, err
				}
				b = append(b, s.Name...)
			}
			return Intern(string(b)), nil
		}),
		prim("gensym", 0, 1, func(_ *Interp, a []Value) (Value, error) {
			prefix := "g"
			if len(a) > 0 {
				switch x := a[0].(type) {
				case *String:
					prefix = x.String()
				case *Symbol:
					prefix = x.Name
				default:
					return nil, typeError("a string or a symbol", a[0])
				}
			}
			return Gensym(prefix), nil
		}),

		prim("char?", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			_, ok := a[0].(Char)
			return ok, nil
		}),
		prim("char->integer", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			c, err := charArg(a[0])
			if err != nil {
				return nil, err
			}
			return int(c), nil
		}),
		prim("integer->char", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			n, ok := a[0].(int)
			if !ok || n < 0 || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
				return nil, typeError("a Unicode scalar value", a[0])
			}
			return Char(rune(n)), nil
		}),
		charCompare("char=?", false, eq),
		charCompare("char<?", false, lt),
		charCompare("char>?", false, gt),
		charCompare("char<=?", false, le),
		charCompare("char>=?", false, ge),
		charCompare("char-ci=?", true, eq),
		charCompare("char-ci<?", true, lt),
		charCompare("char-ci>?", true, gt),
		charCompare("char-ci<=?", true, le),
		charCompare("char-ci>=?", true, ge),
		charPred("char-alphabetic?", unicode.IsLetter),
		charPred("char-numeric?", unicode.IsDigit),
		charPred("char-whitespace?", unicode.IsSpace),
		charPred("char-upper-case?", unicode.IsUpper),
		charPred("char-lower-case?", unicode.IsLower),
		prim("digit-value", 1, 1, func(_ *Interp, a []Value) (Value, error) {
			c, err := charArg(a[0])
			if err != nil {
				return nil, err
			}
			if d, ok := DigitValue(c); ok {
				return d, nil
			}
			return false, nil
		}),
		charMap("char-upcase", unicode.ToUpper),
		charMap("char-downcase", unicode.ToLower),
		charMap("char-foldcase", FoldChar),
	)
}
