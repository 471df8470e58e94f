package scsh

import (
	"strings"
	"testing"

	"popsh/interp"
)

// TestEveryNameDocumented: every global the layer adds to a bare
// interpreter, but the %-named internals, has a doc line.
func TestEveryNameDocumented(t *testing.T) {
	bareIt := interp.New()
	bare := map[string]bool{}
	for _, n := range bareIt.GlobalNames() {
		bare[n] = true
	}
	it := interp.New()
	if err := Install(it); err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, n := range it.GlobalNames() {
		if bare[n] {
			// A name the layer redefines (read-line, string-map ...)
			// keeps a doc line.
			if _, had := bareIt.Doc(n); had {
				if _, ok := it.Doc(n); !ok {
					t.Errorf("%s: the doc line is lost by Install", n)
				}
			}
			continue
		}
		if strings.HasPrefix(n, "%") {
			continue
		}
		added++
		d, ok := it.Doc(n)
		if !ok || d.Doc == "" || d.Section == "" {
			t.Errorf("%s: no doc line", n)
		}
	}
	if added < 600 {
		t.Errorf("the layer added %d documented names; expected its 600 and more", added)
	}
}

// TestDocSignatures: the call in each Builtin row's doc line takes as many
// arguments as the row's MinArgs and MaxArgs allow ([x] is optional,
// x ... any number), and names the procedure; a DocLine names its name.
func TestDocSignatures(t *testing.T) {
	it := interp.New()
	if err := Install(it); err != nil {
		t.Fatal(err)
	}
	bare := map[string]bool{}
	for _, n := range interp.New().GlobalNames() {
		bare[n] = true
	}
	checked := 0
	for _, n := range it.GlobalNames() {
		v, _ := it.Lookup(n)
		p, isPrim := v.(*interp.Primitive)
		if !isPrim || p.Doc == "" {
			if d, ok := it.Doc(n); ok && !bare[n] {
				if !strings.HasPrefix(d.Doc, "("+n+" ") && !strings.HasPrefix(d.Doc, "("+n+")") && !strings.HasPrefix(d.Doc, n+": ") {
					t.Errorf("%s: doc line %q does not start with the name", n, d.Doc)
				}
			}
			continue
		}
		checked++
		name, min, max, err := signatureArity(p.Doc)
		if err != "" {
			t.Errorf("%s: doc %q: %s", n, p.Doc, err)
			continue
		}
		if name != p.Name {
			t.Errorf("%s: doc %q names %s", n, p.Doc, name)
		}
		if min != p.MinArgs || max != p.MaxArgs {
			t.Errorf("%s: doc %q takes %d to %d arguments, the procedure %d to %d", n, p.Doc, min, max, p.MinArgs, p.MaxArgs)
		}
		if len(p.Doc) > 130 {
			t.Errorf("%s: doc line of %d characters, more than one line", n, len(p.Doc))
		}
	}
	if checked < 350 {
		t.Errorf("checked %d Builtin rows; expected the layer's 350 and more", checked)
	}
}

// signatureArity reads "(name a [b c] rest ...): ..." as name, 1, -1.
func signatureArity(doc string) (name string, min, max int, problem string) {
	sig := interp.DocSignature(doc)
	if !strings.HasPrefix(sig, "(") || !strings.HasSuffix(sig, ")") || sig == doc {
		return "", 0, 0, "no (name param ...): call before the colon"
	}
	fields := strings.Fields(sig[1 : len(sig)-1])
	if len(fields) == 0 {
		return "", 0, 0, "empty call"
	}
	name = fields[0]
	depth := 0
	params := fields[1:]
	for i := 0; i < len(params); i++ {
		f := params[i]
		if strings.Trim(f, "[]") == "..." {
			return "", 0, 0, "... without a parameter before it"
		}
		rest := i+1 < len(params) && strings.Trim(params[i+1], "[]") == "..."
		switch {
		case rest:
			max = -1
		case depth+strings.Count(f, "[") > 0:
			if max >= 0 {
				max++
			}
		default:
			min++
			if max >= 0 {
				max++
			}
		}
		depth += strings.Count(f, "[") - strings.Count(f, "]")
		if rest {
			i++
			depth += strings.Count(params[i], "[") - strings.Count(params[i], "]")
		}
		if depth < 0 {
			return "", 0, 0, "unbalanced brackets"
		}
	}
	if depth != 0 {
		return "", 0, 0, "unbalanced brackets"
	}
	return name, min, max, ""
}

func TestSignatureArity(t *testing.T) {
	for _, c := range []struct {
		doc      string
		min, max int
	}{
		{"(f): x", 0, 0},
		{"(f a b): x", 2, 2},
		{"(f a [b c]): x", 1, 3},
		{"(f a [b] c): x", 2, 3},
		{"(f a rest ...): x", 1, -1},
		{"(f [a] rest ...): x", 0, -1},
	} {
		_, min, max, problem := signatureArity(c.doc)
		if problem != "" || min != c.min || max != c.max {
			t.Errorf("%s: %d %d %q, want %d %d", c.doc, min, max, problem, c.min, c.max)
		}
	}
	for _, bad := range []string{"f: x", "(f [a): x", "(f ...): x", "no colon"} {
		if _, _, _, problem := signatureArity(bad); problem == "" {
			t.Errorf("%s: accepted", bad)
		}
	}
}
