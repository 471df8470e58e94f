package netrc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	type want struct {
		host, port                      string
		machine, login, password, accnt string
		entPort                         string
		line                            int
		none                            bool
	}
	cases := []struct {
		name  string
		text  string
		wants []want
	}{
		{"one line", "machine pop.example.com login alice password s3cret",
			[]want{{host: "pop.example.com", machine: "pop.example.com", login: "alice", password: "s3cret", line: 1}}},
		{"one token a line, case of host", "\n\nmachine Pop.Example.COM\n  login alice\n  password s3cret\n  account acc\n",
			[]want{{host: "pop.example.com", machine: "Pop.Example.COM", login: "alice", password: "s3cret", accnt: "acc", line: 3}}},
		{"first entry wins", "machine h login one password a\nmachine h login two password b\n",
			[]want{{host: "h", machine: "h", login: "one", password: "a", line: 1}}},
		{"default for other hosts", "machine h login one password a\ndefault login anon password me@example.com\n",
			[]want{
				{host: "h", machine: "h", login: "one", password: "a", line: 1},
				{host: "other", machine: "", login: "anon", password: "me@example.com", line: 2},
			}},
		{"no entry", "machine h login one", []want{{host: "x", none: true}}},
		{"quoted words", `machine h login "a b" password "q\"uo\\te\tx"`,
			[]want{{host: "h", machine: "h", login: "a b", password: "q\"uo\\te\tx", line: 1}}},
		{"comments", "# my accounts\nmachine h # the server\n login u password p\n",
			[]want{{host: "h", machine: "h", login: "u", password: "p", line: 2}}},
		{"macdef body skipped", "machine a login u password p\nmacdef init\nmachine evil login x password y\ncd /pub\n\nmachine b login v password q\n",
			[]want{
				{host: "evil", none: true},
				{host: "b", machine: "b", login: "v", password: "q", line: 6},
				{host: "a", machine: "a", login: "u", password: "p", line: 1},
			}},
		{"macdef with CRLF blank line", "macdef m\r\nbody\r\n\r\nmachine b login v password q\r\n",
			[]want{{host: "b", machine: "b", login: "v", password: "q", line: 4}}},
		{"ports", "machine h port 995 login tls password a\nmachine h port 110 login plain password b\nmachine h login any password c\n",
			[]want{
				{host: "h", port: "995", machine: "h", login: "tls", password: "a", entPort: "995", line: 1},
				{host: "h", port: "110", machine: "h", login: "plain", password: "b", entPort: "110", line: 2},
				{host: "h", port: "2110", machine: "h", login: "any", password: "c", line: 3},
				{host: "h", machine: "h", login: "tls", password: "a", entPort: "995", line: 1},
			}},
		{"port only entries", "machine h port 995 login tls password a\n",
			[]want{{host: "h", port: "110", none: true}}},
	}
	for _, c := range cases {
		f, err := Parse([]byte(c.text))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, w := range c.wants {
			e := f.Lookup(w.host, w.port)
			if w.none {
				if e != nil {
					t.Errorf("%s: Lookup(%q, %q) = %+v, want none", c.name, w.host, w.port, e)
				}
				continue
			}
			if e == nil {
				t.Errorf("%s: Lookup(%q, %q) = nil", c.name, w.host, w.port)
				continue
			}
			if e.Machine != w.machine || e.Login != w.login || e.Password != w.password || e.Account != w.accnt || e.Port != w.entPort || e.Line != w.line {
				t.Errorf("%s: Lookup(%q, %q) = %+v, want %+v", c.name, w.host, w.port, e, w)
			}
			if !e.Has("login") || e.Has("account") != (w.accnt != "") || e.Has("port") != (w.entPort != "") {
				t.Errorf("%s: Has for %q wrong: %+v", c.name, w.host, e)
			}
		}
	}
	f, _ := Parse([]byte("macdef init\ncd /pub\nbin\n\nmachine late login carol\n"))
	if f.Macros["init"] != "cd /pub\nbin\n" || f.Machine("late") == nil {
		t.Errorf("macros %q, late %v", f.Macros, f.Machine("late"))
	}
}

// A parse error says which line is wrong, never what is on it.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		text string
		line int
		msg  string
	}{
		{"machine h login u password open sesame 42!", 1, msgUnexpected},
		{"machine h\nlogin u\npassword \"open sesame", 3, msgUnterminated},
		{"machine h\n\nlogin u password", 3, msgNoValue},
		{"login u password p", 1, msgNoEntry},
		{"macdef\nsecret body", 1, msgNoMacroName},
		{"machine h login u\n\nsesame", 3, msgUnexpected},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.text))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || pe.Msg != c.msg {
			t.Errorf("Parse(%q) = %v, want line %d: %s", c.text, err, c.line, c.msg)
			continue
		}
		for _, word := range strings.Fields(c.text) {
			if len(word) > 2 && strings.Contains(err.Error(), strings.Trim(word, `"`)) && !strings.Contains(c.msg, word) {
				t.Errorf("Parse(%q): message %q quotes %q", c.text, err, word)
			}
		}
		if strings.Contains(err.Error(), "sesame") || strings.Contains(err.Error(), "secret") {
			t.Errorf("Parse(%q): message %q", c.text, err)
		}
	}
}

func write(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadFile(t *testing.T) {
	p := write(t, "machine h login u password p\n", 0o600)
	f, err := ReadFile(p)
	if err != nil || f.Path != p || f.Machine("h").Password != "p" {
		t.Fatalf("ReadFile: %+v %v", f, err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		p := write(t, "machine h login u password p\n", mode)
		_, err := ReadFile(p)
		if !errors.Is(err, ErrInsecure) || !strings.Contains(err.Error(), p) {
			t.Errorf("mode %04o: %v, want a refusal naming the file", mode, err)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(t.TempDir()); err == nil {
		t.Errorf("a directory accepted")
	}
	big := write(t, "machine h login u password p\n"+strings.Repeat("#\n", MaxSize/2), 0o600)
	if _, err := ReadFile(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a file over MaxSize: %v", err)
	}
	bad := write(t, "machine h login u password open sesame\n", 0o600)
	_, err = ReadFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad+": line 1:") || strings.Contains(err.Error(), "sesame") {
		t.Errorf("parse error from a file: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("NETRC", "/some/netrc")
	if p, err := DefaultPath(); err != nil || p != "/some/netrc" {
		t.Errorf("with $NETRC: %q %v", p, err)
	}
	t.Setenv("NETRC", "")
	t.Setenv("HOME", "/home/u")
	if p, err := DefaultPath(); err != nil || p != "/home/u/.netrc" {
		t.Errorf("with $HOME: %q %v", p, err)
	}
}

// The parser never panics, and its errors are one of its fixed messages
// with a line number inside the text: no text of the file reaches them.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"machine h login u password p",
		"default login a password b",
		"machine h port 995 login u password \"a b\\\"c\"",
		"macdef m\nbody\n\nmachine z login q",
		"login x",
		"machine h password open sesame",
		"\"unterminated",
		"# comment\nmachine",
	} {
		f.Add(s)
	}
	msgs := map[string]bool{msgUnterminated: true, msgUnexpected: true, msgNoValue: true, msgNoEntry: true, msgNoMacroName: true}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse([]byte(s))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !msgs[pe.Msg] || pe.Line < 1 || pe.Line > strings.Count(s, "\n")+1 {
				t.Fatalf("Parse(%q): error %v", s, err)
			}
			return
		}
		for _, e := range n.Entries {
			if e.Line < 1 || e.Line > strings.Count(s, "\n")+1 || n.Machine(e.Machine) == nil {
				t.Fatalf("Parse(%q): entry %+v", s, e)
			}
		}
	})
}
