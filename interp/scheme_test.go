package interp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"popsh/interp/num"
)

// TestSchemeFiles runs every interp/testdata/*.scm file. Each top-level form
// is one of:
//
//	(test EXPECTED EXPR)            EXPR's value must be equal? to EXPECTED (a datum, not evaluated)
//	(test-error "REGEXP" EXPR)      EXPR must fail with an error whose text matches REGEXP
//	                                and whose position is on the line of the test-error form
//	(test-error "REGEXP" EXPR LINE) ... on line LINE instead (0: any line)
//	(test-output "TEXT" EXPR)       EXPR must write exactly TEXT to the current output port
//	anything else                   evaluated; it must not fail
func TestSchemeFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.scm")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Scheme test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runSchemeFile(t, f) })
	}
}

func runSchemeFile(t *testing.T, file string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	it := New(WithOutput(&out))
	rd := NewReader(bytes.NewReader(src), file)
	ctx := context.Background()
	count := 0
	for {
		x, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		pos := rd.LastPos()
		form, _ := ListToSlice(x)
		head := ""
		if len(form) > 0 {
			if s, ok := form[0].(*Symbol); ok {
				head = s.Name
			}
		}
		eval := func(e Value) (Value, error) {
			done, err := it.enter(ctx)
			if err != nil {
				return nil, err
			}
			defer done()
			return it.finish(it.evalTop(e, rd.Positions(), pos))
		}
		switch head {
		case "test":
			count++
			if len(form) != 3 {
				t.Errorf("%s: bad test form", pos)
				continue
			}
			v, err := eval(form[2])
			if err != nil {
				t.Errorf("%s: %s: unexpected error: %v", pos, WriteString(form[2]), err)
				continue
			}
			if !testEqual(v, form[1]) {
				t.Errorf("%s: %s: got %s, want %s", pos, WriteString(form[2]), WriteString(v), WriteString(form[1]))
			}
		case "test-output":
			count++
			if len(form) != 3 {
				t.Errorf("%s: bad test-output form", pos)
				continue
			}
			it.FlushOutput()
			out.Reset()
			_, err := eval(form[2])
			if err != nil {
				t.Errorf("%s: %s: unexpected error: %v", pos, WriteString(form[2]), err)
				continue
			}
			it.FlushOutput()
			want := form[1].(*String).String()
			if got := out.String(); got != want {
				t.Errorf("%s: %s: output %q, want %q", pos, WriteString(form[2]), got, want)
			}
		case "test-error":
			count++
			if len(form) < 3 || len(form) > 4 {
				t.Errorf("%s: bad test-error form", pos)
				continue
			}
			re, err := regexp.Compile(form[1].(*String).String())
			if err != nil {
				t.Errorf("%s: bad regexp: %v", pos, err)
				continue
			}
			line := pos.Line
			if len(form) == 4 {
				line = form[3].(int)
			}
			v, err := eval(form[2])
			if err == nil {
				t.Errorf("%s: %s: no error, value %s", pos, WriteString(form[2]), WriteString(v))
				continue
			}
			if !re.MatchString(err.Error()) {
				t.Errorf("%s: error %q does not match %q", pos, err.Error(), re)
			}
			var eo *ErrorObject
			if line != 0 {
				if !errors.As(err, &eo) || eo.Pos.Line != line || eo.Pos.File != file {
					t.Errorf("%s: error %q: want it reported at %s line %d", pos, err.Error(), file, line)
				}
			}
		default:
			if _, err := eval(x); err != nil {
				t.Errorf("%s: %v", pos, err)
			}
		}
	}
	if count == 0 {
		t.Errorf("%s: no tests", file)
	}
}

// testEqual is equal? for the test runner (numbers by exactness and value).
func testEqual(a, b Value) bool {
	switch x := a.(type) {
	case *Pair:
		y, ok := b.(*Pair)
		return ok && testEqual(x.Car, y.Car) && testEqual(x.Cdr, y.Cdr)
	case *String:
		y, ok := b.(*String)
		return ok && x.String() == y.String()
	case *Vector:
		y, ok := b.(*Vector)
		if !ok || len(x.Items) != len(y.Items) {
			return false
		}
		for i := range x.Items {
			if !testEqual(x.Items[i], y.Items[i]) {
				return false
			}
		}
		return true
	case *Bytevector:
		y, ok := b.(*Bytevector)
		return ok && bytes.Equal(x.B, y.B)
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || x != x && y != y)
	case *num.Complex:
		// part by part, so that NaN parts match as for reals
		y, ok := b.(*num.Complex)
		return ok && testEqual(x.Re, y.Re) && testEqual(x.Im, y.Im)
	}
	return a == b
}

var _ = strings.TrimSpace
