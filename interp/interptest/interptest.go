// Package interptest runs Scheme test files against an interpreter, for the
// tests of interp and of the packages that add procedures to it (as
// starlarktest does for Starlark).
//
// A test file is Scheme text whose top-level forms are each one of:
//
//	(test EXPECTED EXPR)              EXPR's value equals the datum EXPECTED (not evaluated):
//	                                  equal?, with numbers compared by exactness and value
//	                                  and a NaN equal to a NaN
//	(test-error "REGEXP" EXPR)        EXPR fails with an error whose text ("file:line:col:
//	                                  who: message irritants") matches REGEXP, and the error's
//	                                  position is on the line of this form
//	(test-error "REGEXP" EXPR LINE)   the same, with the position on line LINE instead
//	                                  (0: any line)
//	(test-output "TEXT" EXPR)         EXPR writes exactly TEXT to the current output port
//	anything else                     evaluated; it must not fail (definitions, setup)
//
// A file must hold at least one test. Each file runs in a fresh
// interpreter, made by the caller's function (so that it can install its
// own procedures first); the runner makes a buffer the current output.
//
//	func TestSchemeFiles(t *testing.T) {
//		interptest.RunFiles(t, func() *interp.Interp { return interp.New() }, "testdata/*.scm")
//	}
package interptest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"popsh/interp"
	"popsh/interp/num"
)

// RunFiles runs every file that glob matches, each as a subtest named after
// the file's base name, in an interpreter newInterp makes. It fails when
// glob matches no file.
func RunFiles(t *testing.T, newInterp func() *interp.Interp, glob string) {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no Scheme test files match %s", glob)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { RunFile(t, newInterp, f) })
	}
}

// RunFile runs the tests of the file at path in an interpreter newInterp
// makes, reporting each failure with the position of its form. Positions
// name the file as path is written.
func RunFile(t testing.TB, newInterp func() *interp.Interp, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	var out bytes.Buffer
	it := newInterp()
	it.SetOutput(&out)
	r := &runner{t: t, it: it, out: &out, file: path,
		rd: interp.NewReader(bytes.NewReader(src), path), ctx: context.Background()}
	for {
		x, err := r.rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: read: %v", path, err)
			return
		}
		r.form(x)
	}
	if r.count == 0 {
		t.Errorf("%s: no tests", path)
	}
}

// runner holds the state of one file's run.
type runner struct {
	t     testing.TB
	it    *interp.Interp
	out   *bytes.Buffer
	file  string
	rd    *interp.Reader
	ctx   context.Context
	count int // test forms seen
}

// form runs one top-level form x.
func (r *runner) form(x interp.Value) {
	t := r.t
	t.Helper()
	pos := r.rd.LastPos()
	form, _ := interp.ListToSlice(x)
	head := ""
	if len(form) > 0 {
		if s, ok := form[0].(*interp.Symbol); ok {
			head = s.Name
		}
	}
	switch head {
	case "test":
		r.count++
		if len(form) != 3 {
			t.Errorf("%s: bad test form (test EXPECTED EXPR)", pos)
			return
		}
		v, err := r.it.EvalForm(r.ctx, r.rd, form[2])
		if err != nil {
			t.Errorf("%s: %s: unexpected error: %v", pos, interp.WriteString(form[2]), err)
			return
		}
		if !Equal(v, form[1]) {
			t.Errorf("%s: %s: got %s, want %s", pos, interp.WriteString(form[2]), interp.WriteString(v), interp.WriteString(form[1]))
		}
	case "test-output":
		r.count++
		want, ok := form[1].(*interp.String)
		if len(form) != 3 || !ok {
			t.Errorf("%s: bad test-output form (test-output \"TEXT\" EXPR)", pos)
			return
		}
		r.it.FlushOutput()
		r.out.Reset()
		if _, err := r.it.EvalForm(r.ctx, r.rd, form[2]); err != nil {
			t.Errorf("%s: %s: unexpected error: %v", pos, interp.WriteString(form[2]), err)
			return
		}
		r.it.FlushOutput()
		if got := r.out.String(); got != want.String() {
			t.Errorf("%s: %s: output %q, want %q", pos, interp.WriteString(form[2]), got, want.String())
		}
	case "test-error":
		r.count++
		r.testError(pos, form)
	default:
		if _, err := r.it.EvalForm(r.ctx, r.rd, x); err != nil {
			t.Errorf("%s: %v", pos, err)
		}
	}
}

// testError runs (test-error "REGEXP" EXPR [LINE]) read at pos.
func (r *runner) testError(pos interp.Pos, form []interp.Value) {
	t := r.t
	t.Helper()
	var pattern *interp.String
	ok := len(form) == 3 || len(form) == 4
	if ok {
		pattern, ok = form[1].(*interp.String)
	}
	line := pos.Line
	if ok && len(form) == 4 {
		line, ok = form[3].(int)
	}
	if !ok {
		t.Errorf("%s: bad test-error form (test-error \"REGEXP\" EXPR [LINE])", pos)
		return
	}
	re, err := regexp.Compile(pattern.String())
	if err != nil {
		t.Errorf("%s: bad regexp: %v", pos, err)
		return
	}
	v, err := r.it.EvalForm(r.ctx, r.rd, form[2])
	if err == nil {
		t.Errorf("%s: %s: no error, value %s", pos, interp.WriteString(form[2]), interp.WriteString(v))
		return
	}
	if !re.MatchString(err.Error()) {
		t.Errorf("%s: error %q does not match %q", pos, err.Error(), re)
	}
	var eo *interp.ErrorObject
	if line != 0 && (!errors.As(err, &eo) || eo.Pos.Line != line || eo.Pos.File != r.file) {
		t.Errorf("%s: error %q: want it reported at %s line %d", pos, err.Error(), r.file, line)
	}
}

// Equal is the equality of (test EXPECTED EXPR): equal? on pairs, strings,
// vectors and bytevectors, numbers equal by exactness and value (a NaN
// equals a NaN, part by part for complex numbers), other values eqv?.
func Equal(a, b interp.Value) bool {
	switch x := a.(type) {
	case *interp.Pair:
		y, ok := b.(*interp.Pair)
		return ok && Equal(x.Car, y.Car) && Equal(x.Cdr, y.Cdr)
	case *interp.String:
		y, ok := b.(*interp.String)
		return ok && x.String() == y.String()
	case *interp.Vector:
		y, ok := b.(*interp.Vector)
		if !ok || len(x.Items) != len(y.Items) {
			return false
		}
		for i := range x.Items {
			if !Equal(x.Items[i], y.Items[i]) {
				return false
			}
		}
		return true
	case *interp.Bytevector:
		y, ok := b.(*interp.Bytevector)
		return ok && bytes.Equal(x.B, y.B)
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || x != x && y != y)
	case *num.Complex:
		y, ok := b.(*num.Complex)
		return ok && Equal(x.Re, y.Re) && Equal(x.Im, y.Im)
	}
	return interp.Eqv(a, b)
}

// CheckGenerated fails t when the file named file (in the test's folder)
// does not hold want, a generated text (interp.FormIndexSource); with
// POPSH_WRITE_INDEX=1 in the environment (go generate) it writes want to
// the file instead.
func CheckGenerated(t *testing.T, file string, want []byte) {
	t.Helper()
	if os.Getenv("POPSH_WRITE_INDEX") == "1" {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go generate)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate in its folder", file)
	}
}
