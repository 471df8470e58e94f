package interp

import "strings"

// looksNumeric reports whether the reader could take name for a number, so
// that a symbol with this name must be written with bars. (Conservative
// stand-in until num.Parse is available.)
func looksNumeric(name string) bool {
	s := strings.ToLower(name)
	switch s {
	case "+inf.0", "-inf.0", "+nan.0", "-nan.0":
		return true
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
	}
	return i < len(s) && s[i] >= '0' && s[i] <= '9'
}
