package num

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxExactExponent bounds the exponent of an exact decimal such as
// #e1e400: beyond it Parse refuses the text rather than build a huge number.
const maxExactExponent = 100000

// Parse reads a number in R7RS syntax: optional prefixes #x #o #b #d
// (radix) and #e #i (exactness) in either order, an optional sign, then an
// integer of any size, a decimal with optional fraction and exponent (radix
// 10 only: 1e10, .5, -1.5e-3, 1.; the exponent markers s f d l of R5RS
// are read as e), a rational n/d, or one of +inf.0 -inf.0
// +nan.0 -nan.0. radix (2, 8, 10 or 16) applies when the text has no radix
// prefix. The result is in normal form (see the package comment). ok is
// false for anything else, so that the reader can treat the text as a
// symbol: "+", "-", "...", "1+" and "-ERR" are not numbers.
func Parse(text string, radix int) (v any, ok bool) {
	if radix != 2 && radix != 8 && radix != 10 && radix != 16 {
		return nil, false
	}
	var exactness byte // 0, 'e' or 'i'
	radixSet := false
	s := text
	for len(s) >= 2 && s[0] == '#' {
		switch s[1] | 0x20 {
		case 'x', 'o', 'b', 'd':
			if radixSet {
				return nil, false
			}
			radixSet = true
			radix = prefixRadix(s[1] | 0x20)
		case 'e', 'i':
			if exactness != 0 {
				return nil, false
			}
			exactness = s[1] | 0x20
		default:
			return nil, false
		}
		s = s[2:]
	}
	if s == "" {
		return nil, false
	}
	if c := s[len(s)-1]; c == 'i' || c == 'I' || strings.IndexByte(s, '@') >= 0 {
		if v, ok = parseComplex(s, radix, exactness == 'e'); ok {
			if exactness == 'i' {
				v, _ = Inexact(v)
			}
			return v, true
		}
		// Not complex syntax: "-inf.0" style reals end in 0, but a
		// symbol such as "+hi" must fail here.
		if c == 'i' || c == 'I' {
			return nil, false
		}
	}
	v, ok = parseReal(s, radix, exactness == 'e')
	if !ok {
		return nil, false
	}
	if exactness == 'i' {
		return mustFloat(v), true
	}
	return v, true
}

// parseComplex parses the complex syntaxes of R7RS 7.1.1 after the
// prefixes: real@real (polar), [real]±[ureal]i (rectangular; "+i" and
// "-i" stand for ±1i, and "+inf.0i", "-nan.0i" are allowed).
func parseComplex(s string, radix int, exact bool) (any, bool) {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		if i == 0 || i+1 >= len(s) {
			return nil, false
		}
		m, ok := parseReal(s[:i], radix, exact)
		if !ok {
			return nil, false
		}
		a, ok := parseReal(s[i+1:], radix, exact)
		if !ok {
			return nil, false
		}
		v, err := MakePolar(m, a)
		if err != nil {
			return nil, false
		}
		if exact {
			if v, err = Exact(v); err != nil {
				return nil, false
			}
		}
		return v, true
	}
	body := s[:len(s)-1]
	if body == "" {
		return nil, false
	}
	// The imaginary part starts at the last sign that does not begin
	// the exponent of a decimal (1e-2).
	split := -1
	for i := len(body) - 1; i >= 0; i-- {
		if body[i] != '+' && body[i] != '-' {
			continue
		}
		if i > 0 && radix == 10 && isExpMarker(body[i-1]) && i >= 2 && (isDec(body[i-2]) || body[i-2] == '.') {
			continue
		}
		split = i
		break
	}
	if split < 0 {
		return nil, false
	}
	var re any = 0
	if split > 0 {
		r, ok := parseReal(body[:split], radix, exact)
		if !ok {
			return nil, false
		}
		re = r
	}
	imText := body[split:]
	var im any
	switch imText {
	case "+":
		im = 1
	case "-":
		im = -1
	default:
		v, ok := parseReal(imText, radix, exact)
		if !ok {
			return nil, false
		}
		im = v
	}
	return mkRect(re, im), true
}

func prefixRadix(c byte) int {
	switch c {
	case 'x':
		return 16
	case 'o':
		return 8
	case 'b':
		return 2
	}
	return 10
}

func digitVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// allDigits reports whether s is a non-empty string of digits in radix.
func allDigits(s string, radix int) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if digitVal(s[i]) >= radix {
			return false
		}
	}
	return true
}

// parseUInt converts a validated digit string.
func parseUInt(digits string, radix int, neg bool) any {
	if n, err := strconv.ParseUint(digits, radix, 64); err == nil && n <= math.MaxInt {
		if neg {
			return -int(n)
		}
		return int(n)
	}
	b, _ := new(big.Int).SetString(digits, radix)
	if neg {
		b.Neg(b)
	}
	return normBig(b)
}

// parseReal parses text after the prefixes. exact asks for an exact result
// from a decimal (#e); inexact conversion is left to the caller.
func parseReal(s string, radix int, exact bool) (any, bool) {
	neg := false
	body := s
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		body = s[1:]
		switch {
		case strings.EqualFold(body, "inf.0"):
			if exact {
				return nil, false
			}
			if neg {
				return math.Inf(-1), true
			}
			return math.Inf(1), true
		case strings.EqualFold(body, "nan.0"):
			if exact {
				return nil, false
			}
			return math.NaN(), true
		}
	}
	if body == "" {
		return nil, false
	}
	if i := strings.IndexByte(body, '/'); i >= 0 {
		ns, ds := body[:i], body[i+1:]
		if !allDigits(ns, radix) || !allDigits(ds, radix) {
			return nil, false
		}
		n, _ := new(big.Int).SetString(ns, radix)
		d, _ := new(big.Int).SetString(ds, radix)
		if d.Sign() == 0 {
			return nil, false
		}
		if neg {
			n.Neg(n)
		}
		return normRat(new(big.Rat).SetFrac(n, d)), true
	}
	if allDigits(body, radix) {
		return parseUInt(body, radix, neg), true
	}
	if radix != 10 {
		return nil, false
	}
	// Decimal: digits* [. digits*] [e [sign] digits+], at least one mantissa digit.
	i := 0
	for i < len(body) && isDec(body[i]) {
		i++
	}
	intDigits := body[:i]
	fracDigits := ""
	if i < len(body) && body[i] == '.' {
		j := i + 1
		for j < len(body) && isDec(body[j]) {
			j++
		}
		fracDigits = body[i+1 : j]
		i = j
	}
	if intDigits == "" && fracDigits == "" {
		return nil, false
	}
	expStr := ""
	if i < len(body) && isExpMarker(body[i]) {
		j := i + 1
		if j < len(body) && (body[j] == '+' || body[j] == '-') {
			j++
		}
		if !allDigits(body[j:], 10) {
			return nil, false
		}
		expStr = body[i+1:]
		i = len(body)
	}
	if i != len(body) {
		return nil, false
	}
	if !exact {
		if expStr != "" {
			// R5RS's exponent markers s f d l all mean e here.
			s = s[:len(s)-len(expStr)-1] + "e" + expStr
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return nil, false
			}
		}
		return f, true
	}
	exp := 0
	if expStr != "" {
		e, err := strconv.Atoi(expStr)
		if err != nil || e > maxExactExponent || e < -maxExactExponent {
			return nil, false
		}
		exp = e
	}
	mant, _ := new(big.Int).SetString(intDigits+fracDigits, 10)
	if neg {
		mant.Neg(mant)
	}
	exp -= len(fracDigits)
	if mant.Sign() == 0 {
		return 0, true
	}
	if exp >= 0 {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)
		return normBig(mant.Mul(mant, p)), true
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-exp)), nil)
	return normRat(new(big.Rat).SetFrac(mant, p)), true
}

func isDec(c byte) bool { return '0' <= c && c <= '9' }

// isExpMarker reports whether c marks an exponent: e, or R5RS's s f d l
// (all read as double precision).
func isExpMarker(c byte) bool {
	switch c | 0x20 {
	case 'e', 's', 'f', 'd', 'l':
		return true
	}
	return false
}

// Format returns the R7RS printed form of a number in radix (2, 8, 10 or
// 16; anything else counts as 10). Exact integers and rationals ("1/3")
// are written in radix. Floats are always written in decimal, with the
// shortest digits that read back to the same float, and always show that
// they are inexact: 1.0, 0.5, -0.0, 1.0e+21, 1.5e-7, +inf.0, -inf.0,
// +nan.0. Outside [1e-6, 1e21) they take an exponent, written with its
// sign, after a mantissa that has a decimal point (5.0e-324, as 100.0
// has one), the form C's printf and most Schemes read and write.
// A value that is not a number is formatted with %v.
func Format(v any, radix int) string {
	if radix != 2 && radix != 8 && radix != 16 {
		radix = 10
	}
	switch x := v.(type) {
	case int:
		return strconv.FormatInt(int64(x), radix)
	case *big.Int:
		return x.Text(radix)
	case *big.Rat:
		return x.Num().Text(radix) + "/" + x.Denom().Text(radix)
	case float64:
		return FormatFloat(x)
	case *Complex:
		return formatComplex(x, radix)
	}
	return fmt.Sprintf("%v", v)
}

// formatComplex writes re+imi; an exact zero real part is left out and an
// exact imaginary part of ±1 is written as a bare sign (+i, 1-i).
func formatComplex(c *Complex, radix int) string {
	var b strings.Builder
	if !isExactZero(c.Re) {
		b.WriteString(Format(c.Re, radix))
	}
	switch {
	case c.Im == 1:
		b.WriteByte('+')
	case c.Im == -1:
		b.WriteByte('-')
	default:
		im := Format(c.Im, radix)
		if im[0] != '+' && im[0] != '-' {
			b.WriteByte('+')
		}
		b.WriteString(im)
	}
	b.WriteByte('i')
	return b.String()
}

// FormatFloat returns the R7RS printed form of a float (see Format).
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "+nan.0"
	case math.IsInf(f, 1):
		return "+inf.0"
	case math.IsInf(f, -1):
		return "-inf.0"
	}
	a := math.Abs(f)
	if a != 0 && (a < 1e-6 || a >= 1e21) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		i := strings.IndexByte(s, 'e')
		e, _ := strconv.Atoi(s[i+1:])
		m := s[:i]
		if strings.IndexByte(m, '.') < 0 {
			m += ".0"
		}
		if e >= 0 {
			return m + "e+" + strconv.Itoa(e)
		}
		return m + "e" + strconv.Itoa(e)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if strings.IndexByte(s, '.') < 0 {
		s += ".0"
	}
	return s
}
