package interp_test

import (
	"strings"
	"testing"

	"popsh/interp"
)

// TestEveryNameHasADocLine fails listing every global of a new interpreter,
// syntax included, that a user can see (its name does not start with "%")
// and that has no doc line.
func TestEveryNameHasADocLine(t *testing.T) {
	it := interp.New()
	var missing []string
	for _, name := range it.GlobalNames() {
		if strings.HasPrefix(name, "%") {
			continue
		}
		if d, ok := it.Doc(name); !ok || d.Doc == "" || d.Section == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d names have no doc line: %s", len(missing), strings.Join(missing, " "))
	}
}

// docArity counts the parameters of the signature of a doc line: a
// parameter in brackets is optional, one followed by "..." is a rest
// parameter (any number, none included). ok is false when sig is not a
// call "(name param ...)".
func docArity(sig string) (name string, min, max int, ok bool) {
	if !strings.HasPrefix(sig, "(") || !strings.HasSuffix(sig, ")") {
		return "", 0, 0, false
	}
	sig = strings.NewReplacer("[", " [ ", "]", " ] ").Replace(sig[1 : len(sig)-1])
	fields := strings.Fields(sig)
	if len(fields) == 0 {
		return "", 0, 0, false
	}
	name = fields[0]
	depth, lastRequired := 0, false
	for _, f := range fields[1:] {
		switch f {
		case "[":
			depth++
		case "]":
			depth--
		case "...":
			if max < 0 {
				return name, 0, 0, false // two rest parameters
			}
			if lastRequired {
				min--
			}
			max = -1
		default:
			if max >= 0 {
				max++
			}
			lastRequired = depth == 0
			if lastRequired {
				min++
			}
		}
	}
	return name, min, max, depth == 0
}

func TestDocArity(t *testing.T) {
	for _, c := range []struct {
		sig      string
		min, max int
	}{
		{"(car pair)", 1, 1},
		{"(list obj ...)", 0, -1},
		{"(= z1 z2 ...)", 1, -1},
		{"(string-copy string [start [end]])", 1, 3},
		{"(read-line [port [mode]])", 0, 2},
		{"(cons* obj ... tail)", 1, -1},
		{"(current-time)", 0, 0},
	} {
		_, min, max, ok := docArity(c.sig)
		if !ok || min != c.min || max != c.max {
			t.Errorf("docArity(%q) = %d, %d, %v; want %d, %d", c.sig, min, max, ok, c.min, c.max)
		}
	}
	if _, _, _, ok := docArity("(f [x)"); ok {
		t.Error("an unclosed bracket is accepted")
	}
}

// TestBuiltinDocsAgreeWithArity checks that the signature in the doc line
// of every built-in Go procedure names it and has as many parameters as
// it accepts arguments.
func TestBuiltinDocsAgreeWithArity(t *testing.T) {
	it := interp.New()
	n := 0
	for _, d := range it.Documented() {
		v, _ := it.Lookup(d.Name)
		p, isPrim := v.(*interp.Primitive)
		if !isPrim || p.Doc == "" {
			continue
		}
		n++
		sig := interp.DocSignature(p.Doc)
		name, min, max, ok := docArity(sig)
		switch {
		case !ok:
			t.Errorf("%s: doc line does not start with a call: %q", d.Name, p.Doc)
		case name != d.Name:
			t.Errorf("%s: doc line names %s: %q", d.Name, name, p.Doc)
		case min != p.MinArgs || max != p.MaxArgs:
			t.Errorf("%s: doc signature %s takes %d to %d arguments, the procedure %d to %d",
				d.Name, sig, min, max, p.MinArgs, p.MaxArgs)
		}
		if len(p.Doc) > 120 {
			t.Errorf("%s: doc line of %d characters (keep it short): %q", d.Name, len(p.Doc), p.Doc)
		}
	}
	if n < 300 {
		t.Errorf("only %d built-ins with doc lines", n)
	}
}
