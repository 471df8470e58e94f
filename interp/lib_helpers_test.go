package interp

import (
	"strings"
	"testing"
)

// primByName finds a built-in primitive in the registration table (the
// last registration of a name wins, as when an interpreter installs them).
func primByName(t testing.TB, name string) *Primitive {
	t.Helper()
	var found *Primitive
	for _, p := range builtins {
		if p.Name == name {
			found = p
		}
	}
	if found == nil {
		t.Fatalf("no primitive %q", name)
	}
	return found
}

// callPrim calls a primitive directly with the arity check the evaluator
// makes, and a nil interpreter (so only explicit ports work).
func callPrim(t testing.TB, name string, args ...Value) (Value, error) {
	t.Helper()
	p := primByName(t, name)
	if len(args) < p.MinArgs || (p.MaxArgs >= 0 && len(args) > p.MaxArgs) {
		t.Fatalf("%s: bad arity %d in test", name, len(args))
	}
	return p.Fn(nil, args)
}

// primCase is one row of a primitive table test: the call, and either the
// written form of the result or a substring of the error message.
type primCase struct {
	name    string
	args    []Value
	want    string // WriteString of the result
	wantErr string // substring of the error, when the call must fail
}

func runPrimCases(t *testing.T, cases []primCase) {
	t.Helper()
	for _, c := range cases {
		got, err := callPrim(t, c.name, c.args...)
		desc := c.name + " " + WriteString(List(c.args...))
		if c.wantErr != "" {
			if err == nil {
				t.Errorf("%s = %s, want error %q", desc, WriteString(got), c.wantErr)
			} else if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %q, want it to contain %q", desc, err.Error(), c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %v", desc, err)
			continue
		}
		if w := WriteString(got); w != c.want {
			t.Errorf("%s = %s, want %s", desc, w, c.want)
		}
	}
}

// Short constructors for test tables.
func str(s string) *String     { return NewString(s) }
func sym(s string) *Symbol     { return Intern(s) }
func vec(v ...Value) *Vector   { return &Vector{Items: v} }
func bv(b ...byte) *Bytevector { return &Bytevector{B: b} }
func args(v ...Value) []Value  { return v }
func istr(s string) *String    { return immutableString(s) }
