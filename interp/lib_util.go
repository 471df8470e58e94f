package interp

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// argAt puts the position and name of the argument an error is about in
// front of its message, "argument 2 (k): ...", for the procedures of more
// than one argument (see ArgError); the helpers below word the rest.
func argAt(pos int, param string, err error) error {
	eo, ok := err.(*ErrorObject)
	if !ok || eo.Who != "" || eo.Kind != KindError {
		return err
	}
	e := *eo
	e.Message = ArgError(pos, param, e.Message).Message
	return &e
}

// intArg returns v as a Go int when it is an exact integer in int range.
func intArg(v Value) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case *big.Int:
		return 0, Errorf("%s is too large", x.String())
	}
	return 0, TypeError("an exact integer", v)
}

// Limits on the size of one object built from a requested length, so that
// a typo such as (make-vector 10000000000) is a Scheme error rather than a
// Go "fatal error: out of memory", which cannot be recovered. Each allows
// an object of about 1 GiB.
const (
	maxVectorLength     = 1 << 26 // elements of 16 bytes
	maxStringLength     = 1 << 28 // characters of 4 bytes
	maxBytevectorLength = 1 << 30
	maxListLength       = 1 << 25 // pairs of 32 bytes
	maxStringPortBytes  = 1 << 28 // text held by one output string port
)

// sizeArg returns v as a non-negative int no larger than max (a length to
// allocate); what names the kind of length in the error.
func sizeArg(v Value, what string, max int) (int, error) {
	k, err := countArg(v)
	if err != nil {
		if b, ok := v.(*big.Int); ok && b.Sign() > 0 {
			return 0, Errorf("%s %s is too large (at most %d)", what, b.String(), max)
		}
		return 0, err
	}
	if k > max {
		return 0, Errorf("%s %d is too large (at most %d)", what, k, max)
	}
	return k, nil
}

// countArg returns v as a non-negative int (a length or count).
func countArg(v Value) (int, error) {
	switch x := v.(type) {
	case int:
		if x < 0 {
			return 0, TypeError("a non-negative exact integer", v)
		}
		return x, nil
	case *big.Int:
		if x.Sign() < 0 {
			return 0, TypeError("a non-negative exact integer", v)
		}
		return 0, Errorf("%s is too large", x.String())
	}
	return 0, TypeError("a non-negative exact integer", v)
}

// indexArg checks that v is an index into a kind ("string", "vector"...) of
// length n.
func indexArg(v Value, kind string, n int) (int, error) {
	switch x := v.(type) {
	case int:
		if x < 0 || x >= n {
			return 0, Errorf("index %d is out of range for a %s of length %d", x, kind, n)
		}
		return x, nil
	case *big.Int:
		return 0, Errorf("index %s is out of range for a %s of length %d", x.String(), kind, n)
	}
	return 0, TypeError("an exact integer", v)
}

// rangeArgs reads the optional [start [end]] arguments at args[i:] for a
// kind of length n, defaulting to 0 and n; their errors name them as
// arguments i+1 (start) and i+2 (end).
func rangeArgs(args []Value, i int, kind string, n int) (start, end int, err error) {
	start, end = 0, n
	if len(args) > i && args[i] != DefaultObject {
		if start, err = intArg(args[i]); err != nil {
			return 0, 0, argAt(i+1, "start", err)
		}
		if start < 0 || start > n {
			return 0, 0, ArgError(i+1, "start", fmt.Sprintf("index %d is out of range for a %s of length %d", start, kind, n))
		}
	}
	if len(args) > i+1 && args[i+1] != DefaultObject {
		if end, err = intArg(args[i+1]); err != nil {
			return 0, 0, argAt(i+2, "end", err)
		}
		if end < 0 || end > n {
			return 0, 0, ArgError(i+2, "end", fmt.Sprintf("index %d is out of range for a %s of length %d", end, kind, n))
		}
		if end < start {
			return 0, 0, ArgError(i+2, "end", fmt.Sprintf("index %d is before start index %d", end, start))
		}
	}
	return start, end, nil
}

// copyArgs reads the arguments at (2), start (4) and end (5) of
// (KIND-copy! to at from [start [end]]), whose to and from have lengths
// toLen and fromLen, and checks that the units (characters, elements,
// bytes) from start to end fit in to from index at.
func copyArgs(a []Value, kind, units string, toLen, fromLen int) (at, start, end int, err error) {
	if at, err = intArg(a[1]); err != nil {
		return 0, 0, 0, argAt(2, "at", err)
	}
	if start, end, err = rangeArgs(a, 3, kind, fromLen); err != nil {
		return 0, 0, 0, err
	}
	if at < 0 || at > toLen || toLen-at < end-start {
		return 0, 0, 0, ArgError(2, "at", fmt.Sprintf("cannot copy %d %s to index %d of a %s of length %d", end-start, units, at, kind, toLen))
	}
	return at, start, end, nil
}

func stringArg(v Value) (*String, error) {
	if s, ok := v.(*String); ok {
		return s, nil
	}
	return nil, TypeError("a string", v)
}

func mutableStringArg(v Value) (*String, error) {
	s, ok := v.(*String)
	if !ok {
		return nil, TypeError("a string", v)
	}
	if s.Immutable {
		return nil, TypeError("a mutable string", v)
	}
	return s, nil
}

func charArg(v Value) (rune, error) {
	if c, ok := v.(Char); ok {
		return rune(c), nil
	}
	return 0, TypeError("a character", v)
}

func symbolArg(v Value) (*Symbol, error) {
	if s, ok := v.(*Symbol); ok {
		return s, nil
	}
	return nil, TypeError("a symbol", v)
}

func pairArg(v Value) (*Pair, error) {
	if p, ok := v.(*Pair); ok {
		return p, nil
	}
	return nil, TypeError("a pair", v)
}

func vectorArg(v Value) (*Vector, error) {
	if x, ok := v.(*Vector); ok {
		return x, nil
	}
	return nil, TypeError("a vector", v)
}

func mutableVectorArg(v Value) (*Vector, error) {
	x, ok := v.(*Vector)
	if !ok {
		return nil, TypeError("a vector", v)
	}
	if x.Immutable {
		return nil, TypeError("a mutable vector", v)
	}
	return x, nil
}

func bytevectorArg(v Value) (*Bytevector, error) {
	if x, ok := v.(*Bytevector); ok {
		return x, nil
	}
	return nil, TypeError("a bytevector", v)
}

func mutableBytevectorArg(v Value) (*Bytevector, error) {
	x, ok := v.(*Bytevector)
	if !ok {
		return nil, TypeError("a bytevector", v)
	}
	if x.Immutable {
		return nil, TypeError("a mutable bytevector", v)
	}
	return x, nil
}

func byteArg(v Value) (byte, error) {
	if n, ok := v.(int); ok && n >= 0 && n < 256 {
		return byte(n), nil
	}
	return 0, TypeError("a byte (an exact integer from 0 to 255)", v)
}

// listArg returns the elements of a proper list, or the standard error.
func listArg(v Value) ([]Value, error) {
	vals, ok := ListToSlice(v)
	if !ok {
		return nil, TypeError("a proper list", v)
	}
	return vals, nil
}

// docParams returns the parameter names of the signature of a doc line,
// "(name param [optional] rest ...): ...", in order, without the brackets
// and the "...". It is called when an error needs them, not when the
// primitive is made.
func docParams(doc string) []string {
	sig := strings.TrimSuffix(strings.TrimPrefix(DocSignature(doc), "("), ")")
	var params []string
	for i, f := range strings.FieldsFunc(sig, func(r rune) bool { return r == '[' || r == ']' || unicode.IsSpace(r) }) {
		if i > 0 && f != "..." {
			params = append(params, f)
		}
	}
	return params
}
