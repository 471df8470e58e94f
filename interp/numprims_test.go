package interp

import (
	"errors"
	"testing"

	"popsh/interp/num"
)

// TestPrimAddAllocs checks that + and < on two fixnums allocate nothing
// beyond boxing the result.
func TestPrimAddAllocs(t *testing.T) {
	args := []Value{1000, 2000}
	var r Value
	n := testing.AllocsPerRun(100, func() { r, _ = primAdd(nil, args) })
	if n > 1 {
		t.Errorf("(+ 1000 2000) allocates %v times, want at most 1", n)
	}
	if r != 3000 {
		t.Errorf("(+ 1000 2000) = %v", r)
	}
	lt := compPrim("<", "", func(c int) bool { return c == -1 })
	n = testing.AllocsPerRun(100, func() { r, _ = lt.Fn(nil, args) })
	if n > 0 {
		t.Errorf("(< 1000 2000) allocates %v times, want 0", n)
	}
	if r != true {
		t.Errorf("(< 1000 2000) = %v", r)
	}
}

// TestNumErr checks that num's errors become error objects with the
// standard wording.
func TestNumErr(t *testing.T) {
	_, err := primAdd(nil, []Value{1, NewString("a")})
	var eo *ErrorObject
	if !errors.As(err, &eo) || eo.Message != `argument 2 (z): expected a number, got "a"` {
		t.Errorf("(+ 1 \"a\") error = %#v", err)
	}
	_, err = primDiv(nil, []Value{1, 0})
	if !errors.As(err, &eo) || eo.Message != "division by zero" || !errors.Is(err, num.ErrDivByZero) {
		t.Errorf("(/ 1 0) error = %#v", err)
	}
}

func BenchmarkPrimAdd(b *testing.B) {
	args := []Value{1000, 2000}
	for i := 0; i < b.N; i++ {
		_, _ = primAdd(nil, args)
	}
}

func BenchmarkPrimAddVariadic(b *testing.B) {
	args := []Value{1000, 2000, 3000, 1.5}
	for i := 0; i < b.N; i++ {
		_, _ = primAdd(nil, args)
	}
}
