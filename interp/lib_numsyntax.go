package interp

import "popsh/interp/num"

// looksNumeric reports whether the reader takes name for a number, so that
// a symbol with this name must be written with bars.
func looksNumeric(name string) bool {
	_, ok := num.Parse(name, 10)
	return ok
}
