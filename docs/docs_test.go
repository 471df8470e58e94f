package docs_test

import (
	"sort"
	"strings"
	"testing"

	"popsh/bindings"
	"popsh/docs"
	"popsh/interp"
)

// TestEveryBoundNameIsDocumented fails when bindings.Install binds a name
// (beyond the R7RS names of a bare interpreter, and the %-prefixed
// internals) that procedures.md does not document.
func TestEveryBoundNameIsDocumented(t *testing.T) {
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		t.Fatal(err)
	}
	base := map[string]bool{}
	for _, n := range interp.New().GlobalNames() {
		base[n] = true
	}
	var missing []string
	checked := 0
	for _, n := range it.GlobalNames() {
		if base[n] || strings.HasPrefix(n, "%") {
			continue
		}
		checked++
		if len(docs.Lookup(n)) == 0 {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d bound names have no entry in docs/procedures.md: %s", len(missing), strings.Join(missing, " "))
	}
	if checked < 400 {
		t.Errorf("only %d names bound by bindings.Install were checked; want the whole scsh and pop3 layer", checked)
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
