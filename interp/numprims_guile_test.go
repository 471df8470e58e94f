package interp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp/num"
)

// TestNumbersAgainstGuile evaluates a few thousand generated numeric
// expressions (integer division families, gcd/lcm, exact powers, square
// roots, rounding, rational and mixed arithmetic, bitwise operations,
// float parsing and printing round trips, exact->inexact of huge
// rationals) in popsh and in GNU Guile, and requires the same results.
// Inexact results are compared exactly, through inexact->exact.
// Transcendental functions are left out: Go's math and glibc differ by an
// ulp or two. The test needs the guile binary and says so when it is
// missing.
func TestNumbersAgainstGuile(t *testing.T) {
	guile, err := exec.LookPath("guile")
	if err != nil {
		t.Skip("guile is not installed: the differential test against Guile did not run")
	}
	exprs := genNumExprs(rand.New(rand.NewPCG(1, 2)), 2500)
	dir := t.TempDir()
	file := filepath.Join(dir, "nums.scm")
	var src strings.Builder
	src.WriteString("(use-modules (srfi srfi-60))\n")
	for _, e := range exprs {
		fmt.Fprintf(&src, "(write %s) (newline)\n", e)
	}
	if err := os.WriteFile(file, []byte(src.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60e9)
	defer cancel()
	out, err := exec.CommandContext(ctx, guile, "--no-auto-compile", file).Output()
	if err != nil {
		t.Fatalf("guile: %v", err)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(want) != len(exprs) {
		t.Fatalf("guile printed %d lines for %d expressions", len(want), len(exprs))
	}
	it := New()
	bad := 0
	for i, e := range exprs {
		v, err := it.EvalString(ctx, e, "gen")
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = formatNums(v)
		}
		if got != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("%s\n popsh: %s\n guile: %s", e, got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d expressions differ from Guile", bad, len(exprs))
	}
}

// formatNums writes numbers, booleans and lists of them as Guile does.
func formatNums(v Value) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "#t"
		}
		return "#f"
	case *Pair, *EmptyList:
		items, _ := ListToSlice(v)
		parts := make([]string, len(items))
		for i, e := range items {
			parts[i] = formatNums(e)
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	if num.IsNumber(v) {
		return num.Format(v, 10)
	}
	return fmt.Sprintf("<%T>", v)
}

// genNumExprs returns n random numeric expressions whose results are
// exact numbers, booleans or lists of them.
func genNumExprs(r *rand.Rand, n int) []string {
	pow10 := func(k int) string { return "1" + strings.Repeat("0", k) }
	rint := func() string {
		var s string
		switch r.IntN(8) {
		case 0:
			s = []string{"9223372036854775807", "9223372036854775808", "4611686018427387904", "18446744073709551616", "3037000499", "3037000500"}[r.IntN(6)]
		case 1, 2:
			s = fmt.Sprint(r.IntN(100))
		case 3, 4:
			s = fmt.Sprint(r.Int64())
		default:
			// up to ~40 digits
			var b strings.Builder
			b.WriteByte(byte('1' + r.IntN(9)))
			for k := r.IntN(40); k > 0; k-- {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
			s = b.String()
		}
		if r.IntN(2) == 0 && s != "0" {
			s = "-" + s
		}
		return s
	}
	nz := func() string {
		for {
			if s := rint(); s != "0" {
				return s
			}
		}
	}
	rrat := func() string {
		if r.IntN(2) == 0 {
			return rint()
		}
		return rint() + "/" + strings.TrimPrefix(nz(), "-")
	}
	rflo := func() string {
		switch r.IntN(4) {
		case 0:
			return fmt.Sprintf("%de%d", r.IntN(199999)-99999, r.IntN(600)-300)
		case 1:
			return fmt.Sprintf("%d.%d", r.IntN(2000001)-1000000, r.IntN(1000000000))
		case 2:
			return fmt.Sprint((r.Float64() - 0.5) * 2e6)
		}
		return fmt.Sprint((r.Float64() - 0.5) * 20)
	}
	exact := func(e string) string {
		return "(let ((v " + e + ")) (if (< (abs v) +inf.0) (inexact->exact v) v))"
	}
	out := make([]string, n)
	for i := range out {
		a, b := rint(), nz()
		var e string
		switch r.IntN(20) {
		case 0:
			e = fmt.Sprintf("(list (quotient %s %s) (remainder %s %s) (modulo %s %s))", a, b, a, b, a, b)
		case 1:
			e = fmt.Sprintf("(call-with-values (lambda () (floor/ %s %s)) list)", a, b)
		case 2:
			e = fmt.Sprintf("(call-with-values (lambda () (truncate/ %s %s)) list)", a, b)
		case 3:
			e = fmt.Sprintf("(list (gcd %s %s) (lcm %s %s))", a, b, a, b)
		case 4:
			base := rrat()
			for strings.HasPrefix(base, "0") || strings.HasPrefix(base, "-0") {
				base = rrat()
			}
			e = fmt.Sprintf("(expt %s %d)", base, r.IntN(61)-20)
		case 5:
			e = fmt.Sprintf("(call-with-values (lambda () (exact-integer-sqrt %s)) list)", strings.TrimPrefix(a, "-"))
		case 6:
			e = fmt.Sprintf("(let ((x %s)) (list (floor x) (ceiling x) (round x) (truncate x)))", rrat())
		case 7:
			e = fmt.Sprintf("(list (+ %s %s) (- %s %s) (* %s %s))", rrat(), rrat(), rrat(), rrat(), rrat(), rrat())
		case 8:
			e = fmt.Sprintf("(/ %s %s)", rrat(), b)
		case 9:
			e = fmt.Sprintf("(list (< %s %s) (= %s %s) (>= %s %s))", rrat(), rrat(), rrat(), rrat(), rrat(), rflo())
		case 10:
			e = fmt.Sprintf("(list (bitwise-and %s %s) (bitwise-ior %s %s) (bitwise-xor %s %s) (bitwise-not %s))", a, b, a, b, a, b, a)
		case 11:
			e = fmt.Sprintf("(list (arithmetic-shift %s %d) (numerator %s) (denominator %s))", a, r.IntN(141)-70, rrat(), rrat())
		case 12:
			s := rint()
			e = fmt.Sprintf("(sqrt (* %s %s))", s, s)
		case 13:
			e = exact(fmt.Sprintf("(%s %s %s)", []string{"+", "-", "*", "/"}[r.IntN(4)], rflo(), rflo()))
		case 14:
			e = exact(fmt.Sprintf("(exact->inexact %s/%s)", rint()+strings.TrimPrefix(pow10(r.IntN(400)), "1"), strings.TrimPrefix(nz(), "-")+strings.TrimPrefix(pow10(r.IntN(400)), "1")))
		case 15:
			e = exact(fmt.Sprintf("(string->number \"%s\")", rflo()))
		case 16:
			e = exact(fmt.Sprintf("(string->number (number->string %s))", rflo()))
		case 17:
			e = exact(fmt.Sprintf("(sqrt (abs %s))", rflo()))
		case 18:
			e = exact(fmt.Sprintf("(round %s)", rflo()))
		default:
			e = exact(fmt.Sprintf("(+ %s %s)", rrat(), rflo()))
		}
		out[i] = e
	}
	return out
}
