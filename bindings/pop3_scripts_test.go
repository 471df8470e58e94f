//go:build pending_r7rs_lib

// Held behind a build tag until the R7RS library lands on main (these
// tests use with-output-to-file and friends); then this line goes.

package bindings

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runScript evaluates ../scripts/NAME with command-line-arguments set to
// args, in e's interpreter, and returns what it wrote.
func (e *pop3Env) runScript(name string, args ...string) string {
	e.t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "scripts", name))
	if err != nil {
		e.t.Fatal(err)
	}
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, fmt.Sprintf("%q", a))
	}
	e.must(`(set! command-line-arguments (list ` + strings.Join(quoted, " ") + `))`)
	e.out.Reset()
	if _, err := p3EvalIn(e.it, string(src)); err != nil {
		e.t.Fatalf("%s: %v\noutput:\n%s", name, err, e.out.String())
	}
	return e.out.String()
}

func TestScriptPopstat(t *testing.T) {
	e := newPOP3Env(t, p3EnvConfig{})
	out := e.runScript("popstat.scm", e.host)
	want := fmt.Sprintf("127.0.0.1: 3 messages, %d octets\n", e.dropSize())
	if !strings.HasPrefix(out, want) {
		t.Errorf("popstat output %q, want it to start with %q", out, want)
	}
	for _, re := range []string{`(?m)^   1 +\d+ one$`, `(?m)^   2 +\d+ two$`, `(?m)^   3 +\d+ three$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("popstat output lacks %s:\n%s", re, out)
		}
	}
	if e.be.Count(p3TestUser) != 3 {
		t.Error("popstat deleted mail")
	}
}

func TestScriptHeaders(t *testing.T) {
	e := newPOP3Env(t, p3EnvConfig{})
	t.Setenv("MAILHOST", e.host)
	out := e.runScript("headers.scm")
	for _, s := range []string{"1. \n   From: Ann <ann@example.org>\n   Subject: one\n", "3. \n   From: Cy <cy@example.org>\n   Subject: three\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("headers output lacks %q:\n%s", s, out)
		}
	}
}

func TestScriptMovemail(t *testing.T) {
	e := newPOP3Env(t, p3EnvConfig{})
	e.be.AddMessage(p3TestUser, []byte("Subject: quoting\n\nFrom the start\n>From quoted\nnot From\n"))
	t.Setenv("MAILHOST", e.host)
	mbox := filepath.Join(t.TempDir(), "mbox")

	out := e.runScript("movemail.scm", mbox, "--keep")
	p3WantContains(t, "movemail --keep", out, "4 messages copied to "+mbox)
	if n := e.be.Count(p3TestUser); n != 4 {
		t.Fatalf("--keep left %d messages, want 4", n)
	}
	out = e.runScript("movemail.scm", mbox)
	p3WantContains(t, "movemail", out, "4 messages moved to "+mbox)
	if n := e.be.Count(p3TestUser); n != 0 {
		t.Errorf("after movemail the maildrop has %d messages", n)
	}
	b, err := os.ReadFile(mbox)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(mbox)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mbox mode %04o, want 0600", st.Mode().Perm())
	}
	text := string(b)
	if got := strings.Count(text, "\nFrom popsh@localhost ") + p3BoolInt(strings.HasPrefix(text, "From popsh@localhost ")); got != 8 {
		t.Errorf("mbox has %d From lines, want 8 (4 copied + 4 moved)", got)
	}
	p3WantContains(t, "mboxrd quoting", text, "\n>From the start\n>>From quoted\nnot From\n", p3LfText(0))
	// Nothing is deleted when the mbox cannot be written.
	e.be.AddMessage(p3TestUser, []byte("Subject: keep me\n\nx\n"))
	e.must(`(set! command-line-arguments (list "/nonexistent-dir/mbox"))`)
	src, _ := os.ReadFile(filepath.Join("..", "scripts", "movemail.scm"))
	if _, err := p3EvalIn(e.it, string(src)); err == nil {
		t.Error("movemail to an unwritable mbox succeeded")
	}
	e.must(`(pop3-close conn)`)
	if n := e.be.Count(p3TestUser); n != 1 {
		t.Errorf("failed movemail left %d messages, want 1", n)
	}
}

func p3BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
