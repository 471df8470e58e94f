package scsh

import (
	"strings"
	"testing"

	"popsh/interp"
)

// FuzzNetrc: any netrc text parses or fails cleanly, and every entry it
// returns came from the text.
func FuzzNetrc(f *testing.F) {
	for _, s := range []string{
		"machine a login b password c\n",
		"default login x password y",
		"macdef m\nbody\n\nmachine z login q",
		"machine \"quoted name\" login \"a\\\"b\"",
		"machine", "login", "# only a comment",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseNetrc(s)
		if err != nil {
			return
		}
		for _, e := range n.Entries {
			if e.Machine != "" && !strings.Contains(s, strings.Trim(e.Machine, "\"")) && !strings.Contains(s, "\\") {
				t.Errorf("machine %q not in the input", e.Machine)
			}
		}
	})
}

// FuzzPosixRegexp: any POSIX string compiles or fails cleanly, and a
// search never panics.
func FuzzPosixRegexp(f *testing.F) {
	for _, s := range []string{`\+OK .* (<[^>]+>)`, `^-ERR(.*)`, `a|b*`, `(`, `[[:alpha:]]+`} {
		f.Add(s, "+OK hello <x@y>")
	}
	f.Fuzz(func(t *testing.T, re, text string) {
		r, err := compilePosix(re)
		if err != nil {
			return
		}
		m, err := r.search(interp.NewString(text), 0)
		if err != nil {
			t.Fatal(err)
		}
		if m != nil && (m.idx[0] < 0 || m.idx[1] < m.idx[0] || m.idx[1] > len([]rune(text))) {
			t.Errorf("bad match bounds %v for %q in %q", m.idx, re, text)
		}
	})
}
