package docs_test

import (
	"os"
	"strings"
	"testing"

	"popsh/bindings"
	"popsh/docs"
	"popsh/interp"
)

// fullInterp returns an interpreter with everything popsh binds.
func fullInterp(t *testing.T) *interp.Interp {
	t.Helper()
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		t.Fatal(err)
	}
	return it
}

// TestEveryBoundNameHasADocLine fails listing every name a full popsh
// interpreter binds (but the %-prefixed internals) that has no doc line:
// neither a documented Builtin row nor a DocLine.
func TestEveryBoundNameHasADocLine(t *testing.T) {
	it := fullInterp(t)
	var missing []string
	checked := 0
	for _, n := range it.GlobalNames() {
		if strings.HasPrefix(n, "%") {
			continue
		}
		checked++
		if d, ok := it.Doc(n); !ok || strings.TrimSpace(d.Doc) == "" || d.Section == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d bound names have no doc line (a Builtin's Doc, or Interp.Document): %s",
			len(missing), checked, strings.Join(missing, " "))
	}
	if checked < 600 {
		t.Errorf("only %d bound names checked; want the whole of interp, scsh and mail", checked)
	}
}

// TestDocLinesAgreeWithTheirNames checks the form of every doc line: it
// starts with its name ("(name ..." or "name: ..."), says something after
// the colon, and the parameters of a Builtin row's line agree with its
// arity. The %-prefixed internals are not checked.
func TestDocLinesAgreeWithTheirNames(t *testing.T) {
	it := fullInterp(t)
	ds := it.Documented()
	if len(ds) == 0 {
		t.Fatal("no documented name at all")
	}
	for _, d := range ds {
		if strings.HasPrefix(d.Name, "%") {
			continue
		}
		sig := interp.DocSignature(d.Doc)
		if sig == d.Doc || strings.TrimSpace(d.Doc[len(sig)+1:]) == "" {
			t.Errorf("%s: doc line %q lacks \": what it does\"", d.Name, d.Doc)
			continue
		}
		if sig != d.Name && !strings.HasPrefix(sig, "("+d.Name+" ") && sig != "("+d.Name+")" {
			t.Errorf("%s: doc line %q does not start with its name", d.Name, d.Doc)
			continue
		}
		v, _ := it.Lookup(d.Name)
		p, isPrim := v.(*interp.Primitive)
		if !isPrim || p.Doc != d.Doc || !strings.HasPrefix(sig, "(") {
			continue // not a Builtin row's line
		}
		min, max, ok := docArity(sig)
		if !ok {
			t.Errorf("%s: cannot read the parameters of %q", d.Name, sig)
			continue
		}
		if min != p.MinArgs || (max < 0) != (p.MaxArgs < 0) || (max >= 0 && max != p.MaxArgs) {
			t.Errorf("%s: doc line %q says %d to %d arguments, the procedure takes %d to %d (-1: any number)",
				d.Name, sig, min, max, p.MinArgs, p.MaxArgs)
		}
	}
}

// docArity reads the number of arguments a signature "(name a [b [c]] d
// ...)" describes: the parameters outside brackets are required, those
// inside optional, and a parameter followed by "..." stands for any number
// (max -1).
func docArity(sig string) (min, max int, ok bool) {
	words := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(sig, "("), ")"))
	if len(words) == 0 {
		return 0, 0, false
	}
	depth, opt, rest := 0, 0, false
	var required []bool
	for _, w := range words[1:] {
		open := strings.Count(w, "[")
		core := strings.Trim(w, "[]")
		if core == "..." {
			rest = true
			if len(required) > 0 && required[len(required)-1] {
				min-- // "x ...": any number of x, none included
			}
		} else if core != "" {
			if depth+open > 0 {
				opt++
				required = append(required, false)
			} else {
				min++
				required = append(required, true)
			}
		}
		depth += open - strings.Count(w, "]")
		if depth < 0 {
			return 0, 0, false
		}
	}
	if depth != 0 || min < 0 {
		return 0, 0, false
	}
	if rest {
		return min, -1, true
	}
	return min, min + opt, true
}

func TestDocArity(t *testing.T) {
	for _, tc := range []struct {
		sig      string
		min, max int
	}{
		{"(car pair)", 1, 1},
		{"(netrc-machines)", 0, 0},
		{"(pop3-connect [host [logfile]])", 0, 2},
		{"(mailbox-open dest [state-file [account [wait]]])", 1, 4},
		{"(mbox-append file text ...)", 1, -1},
		{"(+ z ...)", 0, -1},
		{"(apply proc arg ... list)", 2, -1},
		{"(string-index s pred [start end])", 2, 4},
	} {
		min, max, ok := docArity(tc.sig)
		if !ok || min != tc.min || max != tc.max {
			t.Errorf("docArity(%q) = %d, %d, %v; want %d, %d", tc.sig, min, max, ok, tc.min, tc.max)
		}
	}
	if _, _, ok := docArity("(f [a)"); ok {
		t.Error("docArity accepted an unclosed bracket")
	}
}

// TestReferenceIsCurrent fails when reference.md is not what the tables
// generate now.
func TestReferenceIsCurrent(t *testing.T) {
	want := docs.Reference(fullInterp(t).Documented())
	got, err := os.ReadFile(docs.ReferenceFile)
	if err != nil {
		t.Fatalf("%v: generate it with %s", err, docs.RegenerateCommand)
	}
	if string(got) != want {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		first := "(end of file)"
		if i < len(wl) {
			first = wl[i]
		}
		t.Errorf("docs/%s is stale (first difference at line %d, want %q): regenerate it with %s",
			docs.ReferenceFile, i+1, first, docs.RegenerateCommand)
	}
}

func TestReference(t *testing.T) {
	ref := docs.Reference([]interp.Documentation{
		{Name: "zeta", Section: "scsh: z", Doc: "(zeta x [y]): the last letter"},
		{Name: "alpha", Section: "lists", Doc: "(alpha): the first"},
		{Name: "beta-param", Section: "lists", Doc: "beta-param: a parameter"},
		{Name: "%hidden", Section: "lists", Doc: "(%hidden): internal"},
	})
	for _, want := range []string{
		"(3 names)",
		"- [lists](#lists) (2)\n- [scsh: z](#scsh-z) (1)\n",
		"## lists\n\n- `alpha` — `(alpha)` — the first\n- `beta-param` — a parameter\n",
		"## scsh: z\n\n- `zeta` — `(zeta x [y])` — the last letter\n",
	} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference lacks %q:\n%s", want, ref)
		}
	}
	if strings.Contains(ref, "hidden") {
		t.Errorf("reference shows an internal name:\n%s", ref)
	}
}

func TestParse(t *testing.T) {
	es := docs.Parse("# Top\n## Part\n" +
		"- `(foo a [b])`, `foo-bar`: does foo.\n" +
		"- plain bullet, no name\n" +
		"| `(baz x)` | result | notes |\n" +
		"| procedure | result |\n" +
		"- `fam/...`: a family.\n")
	if len(es) != 3 {
		t.Fatalf("Parse: %d entries, want 3: %+v", len(es), es)
	}
	if got := strings.Join(es[0].Names, " "); got != "foo foo-bar" || es[0].Text != "does foo." || es[0].Section != "Part" {
		t.Errorf("bullet entry = %+v", es[0])
	}
	if es[1].Names[0] != "baz" || es[1].Text != "result; notes" {
		t.Errorf("table entry = %+v", es[1])
	}
	if es[2].Names[0] != "fam/..." {
		t.Errorf("family entry = %+v", es[2])
	}
}

func TestDescribe(t *testing.T) {
	d := docs.Describe("pop3-stat")
	if !strings.HasPrefix(d, "(pop3-stat conn)\n") || !strings.Contains(d, "two values") {
		t.Errorf("Describe(pop3-stat) = %q, want its signature and description", d)
	}
	// A member of a family entry shows only its own signature.
	if d := docs.Describe("string-index-right"); !strings.HasPrefix(d, "string-index-right\n") || !strings.Contains(d, "searching a string") {
		t.Errorf("Describe(string-index-right) = %q", d)
	}
	if d := docs.Describe("errno/noent"); !strings.Contains(d, "errno/...") {
		t.Errorf("Describe(errno/noent) = %q, want the errno/... family", d)
	}
	if d := docs.Describe("no-such-procedure-anywhere"); d != "" {
		t.Errorf("Describe of an unknown name = %q, want nothing", d)
	}
}
