package scsh

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"popsh/internal/netrc"
	"popsh/interp"
)

func s(x string) *interp.String { return interp.NewString(x) }

func TestFormatDirectives(t *testing.T) {
	cases := []struct {
		fmt  string
		args []interp.Value
		want string
		err  string
	}{
		{"~a-~s~%", []interp.Value{s("x"), s("y")}, "x-\"y\"\n", ""},
		{"~A~S", []interp.Value{s("x"), s("y")}, "x\"y\"", ""},
		{"~d items", []interp.Value{42}, "42 items", ""},
		{"~~ ~a", []interp.Value{interp.Intern("sym")}, "~ sym", ""},
		{"a~&~&b~%~&c", nil, "a\nb\nc", ""},
		{"~?!", []interp.Value{s("~a-~a"), interp.List(1, 2)}, "1-2!", ""},
		{"~a", []interp.Value{1, 2}, "", "too many arguments"},
		{"~a", nil, "", "insufficient number of arguments"},
		{"x~", nil, "", "invalid format string"},
		{"~d", []interp.Value{s("x")}, "", "invalid number argument to ~D"},
		{"~x", []interp.Value{255}, "", "illegal format command"},
		{"~b", []interp.Value{5}, "", "illegal format command"},
	}
	for _, c := range cases {
		p := interp.NewStringOutputPort()
		err := formatTo(p, c.fmt, c.args)
		if c.err != "" {
			if err == nil || !strings.Contains(err.(*interp.ErrorObject).Message, c.err) {
				t.Errorf("format %q: error %v, want %q", c.fmt, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("format %q: %v", c.fmt, err)
			continue
		}
		if got := string(p.Contents()); got != c.want {
			t.Errorf("format %q = %q, want %q", c.fmt, got, c.want)
		}
	}
}

// format's destinations: #f gives the string, a port is written to, and
// a control string in first place (SRFI 28's form, never a scsh
// destination) gives the string.
func TestFormatDestinations(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range []struct{ src, want string }{
		{`(format #f "~a+~s" 1 "x")`, `"1+\"x\""`},
		{`(format "~a+~s" 1 "x")`, `"1+\"x\""`},
		{`(format "plain")`, `"plain"`},
		{`(let ((p (open-output-string))) (format p "~a!" 'hi) (get-output-string p))`, `"hi!"`},
	} {
		v, err := evalScsh(t, it, c.src)
		if err != nil || interp.WriteString(v) != c.want {
			t.Errorf("%s = %v (%v), want %s", c.src, v, err, c.want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{`(format #f)`, "expected a destination and a format string"},
		{`(format 5 "x")`, "invalid port argument"},
		{`(format "~a")`, "insufficient number of arguments"},
	} {
		if _, err := evalScsh(t, it, c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}

func mustSRE(t *testing.T, sres ...interp.Value) *scshRegexp {
	t.Helper()
	r, err := compileSRE(sres)
	if err != nil {
		t.Fatalf("compileSRE(%v): %v", interp.WriteString(interp.List(sres...)), err)
	}
	return r
}

func sym2(n string) *interp.Symbol { return interp.Intern(n) }

func TestRegexpPosixAndSRE(t *testing.T) {
	// The seed's banner regexp.
	r := mustSRE(t, interp.List(sym2("posix-string"), s(`\+OK .* (<[^>]+>)`)))
	m, err := r.search(s("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r"), 0)
	if err != nil || m == nil {
		t.Fatalf("banner: no match (%v)", err)
	}
	if got := m.s.Substring(m.idx[2], m.idx[3]); got != "<1896.697170952@dbc.mtview.ca.us>" {
		t.Errorf("challenge = %q", got)
	}
	// A non-participating submatch is -1 (match:substring gives #f).
	r = mustSRE(t, interp.List(sym2("posix-string"), s(`a(x)?b|(c)`)))
	m, _ = r.search(s("c"), 0)
	if m == nil || m.idx[2] != -1 || m.idx[4] != 0 {
		t.Errorf("non-participating submatch: %v", m)
	}
	// ^ anchors at the start of the string only, . matches newline.
	r = mustSRE(t, interp.List(sym2("posix-string"), s(`^b`)))
	if m, _ := r.search(s("a\nb"), 0); m != nil {
		t.Errorf("^ matched after a newline")
	}
	// Leftmost-longest.
	r = mustSRE(t, interp.List(sym2("posix-string"), s(`a|ab`)))
	if m, _ := r.search(s("abc"), 0); m == nil || m.idx[1] != 2 {
		t.Errorf("not leftmost-longest: %v", m)
	}
	// SRE: (: "+OK " (* (~ #\<)) #\< (submatch (+ (~ #\>))) #\>)
	r = mustSRE(t, interp.List(sym2(":"), s("+OK "), interp.List(sym2("*"), interp.List(sym2("~"), interp.Char('<'))),
		interp.Char('<'), interp.List(sym2("submatch"), interp.List(sym2("+"), interp.List(sym2("~"), interp.Char('>')))), interp.Char('>')))
	m, _ = r.search(s("+OK hello <ts@host>"), 0)
	if m == nil || m.s.Substring(m.idx[2], m.idx[3]) != "ts@host" {
		t.Errorf("SRE submatch: %v", m)
	}
	// Counted repetition, classes, nocase, rune offsets.
	r = mustSRE(t, interp.List(sym2("="), 3, sym2("digit")), interp.List(sym2("w/nocase"), s("ab")))
	m, _ = r.search(s("é123AB"), 0)
	if m == nil || m.idx[0] != 1 || m.idx[1] != 6 {
		t.Errorf("(= 3 digit) nocase: %v", m)
	}
	r = mustSRE(t, interp.List(sym2("**"), 1, 2, interp.List(s("xy"))), sym2("eos"))
	if m, _ := r.search(s("axyx"), 0); m == nil || m.idx[0] != 2 {
		t.Errorf("(** 1 2 (\"xy\")) eos: %v", m)
	}
	r = mustSRE(t, interp.List(sym2("-"), sym2("alpha"), interp.List(s("aeiou"))))
	if m, _ := r.search(s("aeb"), 0); m == nil || m.idx[0] != 2 {
		t.Errorf("(- alpha vowels): %v", m)
	}
	// Start offset.
	r = mustSRE(t, s("a"))
	if m, _ := r.search(s("aXa"), 1); m == nil || m.idx[0] != 2 {
		t.Errorf("start offset: %v", m)
	}
	// Errors: bad ERE, unknown SRE.
	if _, err := compileSRE([]interp.Value{interp.List(sym2("posix-string"), s("a("))}); err == nil {
		t.Errorf("bad ERE compiled")
	}
	if _, err := compileSRE([]interp.Value{sym2("nonsense")}); err == nil {
		t.Errorf("unknown SRE compiled")
	}
	if q := regexpQuote("a.b*c"); q != `a\.b\*c` {
		t.Errorf("regexp-quote = %q", q)
	}
}

func strs(v interp.Value) []string {
	items, _ := interp.ListToSlice(v)
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = x.(*interp.String).String()
	}
	return out
}

func TestInfixSplitter(t *testing.T) {
	sp, err := parseSplitterArgs("infix-splitter", nil, `[\t-\r ]+`)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"":          {},
		" a b":      {"", "a", "b"},
		" 5 6":      {"", "5", "6"},
		"5\r":       {"5", ""},
		"a  b\tc":   {"a", "b", "c"},
		"1 2 3 ":    {"1", "2", "3", ""},
		"+OK 3 120": {"+OK", "3", "120"},
	}
	for in, want := range cases {
		v, err := infixSplit("infix-splitter", sp, s(in), 0)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := strs(v); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("infix-splitter %q = %q, want %q", in, got, want)
		}
	}
	sp2, _ := parseSplitterArgs("infix-splitter", []interp.Value{interp.Char(':'), 2}, "")
	if _, err := infixSplit("infix-splitter", sp2, s("a:b:c"), 0); err == nil || !strings.Contains(err.Error(), "Too many") {
		t.Errorf("num-fields 2 on 3 fields: %v", err)
	}
	if _, err := infixSplit("infix-splitter", sp2, s("a"), 0); err == nil || !strings.Contains(err.Error(), "Too few") {
		t.Errorf("num-fields 2 on 1 field: %v", err)
	}
	sp3, _ := parseSplitterArgs("infix-splitter", []interp.Value{interp.Char(':'), -1}, "")
	v, _ := infixSplit("infix-splitter", sp3, s("a:b:c"), 0)
	if got := strs(v); strings.Join(got, "|") != "a|b:c" {
		t.Errorf("num-fields -1 = %q", got)
	}
	sp4, _ := parseSplitterArgs("infix-splitter", []interp.Value{interp.Char(':'), false, sym2("split")}, "")
	v, _ = infixSplit("infix-splitter", sp4, s("a:b"), 0)
	if got := strs(v); strings.Join(got, "|") != "a|:|b" {
		t.Errorf("split mode = %q", got)
	}
	fsp, _ := parseSplitterArgs("field-splitter", nil, `[^\t-\r ]+`)
	v, _ = fieldSplit("field-splitter", fsp, s("  a bb  c "), 0)
	if got := strs(v); strings.Join(got, "|") != "a|bb|c" {
		t.Errorf("field-splitter = %q", got)
	}
	ssp, _ := parseSplitterArgs("suffix-splitter", []interp.Value{interp.Char(';')}, "")
	v, _ = suffixSplit("suffix-splitter", ssp, s("a;b;"), 0)
	if got := strs(v); strings.Join(got, "|") != "a|b" {
		t.Errorf("suffix-splitter = %q", got)
	}
}

func writeNetrc(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNetrc(t *testing.T) {
	p := writeNetrc(t, "# comment\nmachine pop.example.com login alice password s3cret account acc\n"+
		"machine other login bob\n\ndefault login anon password guest\n"+
		"macdef init\ncd /pub\nbin\n\nmachine late login carol password \"two words\"\n", 0o600)
	t.Setenv("NETRC", p)
	login, pw, ok, err := netrc.LookupUser("pop.example.com", "")
	if err != nil || !ok || login != "alice" || pw != "s3cret" {
		t.Errorf("netrc.LookupUser(machine) = %q %q %v %v", login, pw, ok, err)
	}
	login, pw, ok, err = netrc.LookupUser("POP.EXAMPLE.COM", "")
	if err != nil || !ok || login != "alice" {
		t.Errorf("case-insensitive machine: %q %q %v %v", login, pw, ok, err)
	}
	login, pw, ok, err = netrc.LookupUser("unknown.host", "")
	if err != nil || !ok || login != "anon" || pw != "guest" {
		t.Errorf("netrc.LookupUser(default) = %q %q %v %v", login, pw, ok, err)
	}
	n, err := parseNetrcFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if e := n.machine("late"); e == nil || e.Password != "two words" {
		t.Errorf("entry after macdef: %+v", e)
	}
	if n.Macros["init"] != "cd /pub\nbin\n" {
		t.Errorf("macdef body = %q", n.Macros["init"])
	}
	// Dangerous permissions are refused, with the file named.
	bad := writeNetrc(t, "machine x login y password z\n", 0o644)
	t.Setenv("NETRC", bad)
	if _, _, _, err := netrc.LookupUser("x", ""); !errors.Is(err, errNetrcPerms) || !strings.Contains(err.Error(), bad) {
		t.Errorf("0644 netrc: err = %v", err)
	}
	// A missing file is empty, not an error.
	t.Setenv("NETRC", filepath.Join(t.TempDir(), "absent"))
	if _, _, ok, err := netrc.LookupUser("x", ""); err != nil || ok {
		t.Errorf("missing netrc: ok=%v err=%v", ok, err)
	}
	// Malformed input is an error, never a panic.
	for _, bad := range []string{"machine", "login x", "machine a login", "machine a \"unterminated", "bogus token"} {
		if _, err := parseNetrc(bad); err == nil {
			t.Errorf("parseNetrc(%q) accepted", bad)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tm := time.Date(1973, 9, 16, 1, 3, 52, 0, time.UTC)
	got, err := formatDate("~a ~b ~d ~H:~M:~S ~Y|~A ~B ~j ~m ~y ~p ~~", tm)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Sun Sep 16 01:03:52 1973|Sunday September 259 09 73 AM ~"; got != want {
		t.Errorf("formatDate = %q, want %q", got, want)
	}
	// the rest of glibc's strftime conversions, which scsh passes on
	got, err = formatDate("~F ~T ~D ~R|~e|~k|~l|~C ~g ~G ~V ~u ~s ~P ~r ~Ey ~OH ~%~n~t", tm)
	if err != nil {
		t.Fatal(err)
	}
	if want := "1973-09-16 01:03:52 09/16/73 01:03|16| 1| 1|19 73 1973 37 7 116989432 am 01:03:52 AM 73 01 %\n\t"; got != want {
		t.Errorf("formatDate = %q, want %q", got, want)
	}
	if _, err := formatDate("~Q", tm); err == nil {
		t.Errorf("unknown directive accepted")
	}
}

func TestServices(t *testing.T) {
	t.Setenv("POPSH_SERVICES", "")
	for name, port := range map[string]int{"pop3": 110, "pop-3": 110, "pop": 110, "pop3s": 995, "smtp": 25} {
		se, err := lookupService(name, 0, "tcp")
		if err != nil || se.Port != port {
			t.Errorf("service %s = %+v, %v; want %d", name, se, err, port)
		}
	}
	if se, _ := lookupService("pop-3", 0, "tcp"); se.Name != "pop3" {
		t.Errorf("pop-3 canonical name = %q", se.Name)
	}
	t.Setenv("POPSH_SERVICES", "pop3=11110")
	if se, err := lookupService("pop-3", 0, "tcp"); err != nil || se.Port != 11110 {
		t.Errorf("override: %+v %v", se, err)
	}
	t.Setenv("POPSH_SERVICES", "pop3=notaport")
	if _, err := lookupService("pop3", 0, "tcp"); err == nil {
		t.Errorf("bad POPSH_SERVICES accepted")
	}
	t.Setenv("POPSH_SERVICES", "")
	if _, err := lookupService("no-such-service-xyz", 0, "tcp"); err == nil {
		t.Errorf("unknown service accepted")
	}
}

func TestProcessRunner(t *testing.T) {
	pr := &procRunner{ctx: t.Context()}
	run := func(form interp.Value) (string, int) {
		t.Helper()
		sp, err := parseEPF(form)
		if err != nil {
			t.Fatalf("parseEPF: %v", err)
		}
		var out bytes.Buffer
		wait, err := pr.start(sp, &out, &out, false)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		st, err := wait()
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return out.String(), st
	}
	out, _ := run(interp.List(interp.List(sym2("md5sum")), interp.List(sym2("<<"), s("abc"))))
	if out != "900150983cd24fb0d6963f7d28e17f72  -\n" {
		t.Errorf("md5sum << abc = %q", out)
	}
	out, _ = run(interp.List(interp.List(sym2("|"), interp.List(sym2("echo"), s("b\na")), interp.List(sym2("sort")))))
	if out != "a\nb\n" {
		t.Errorf("pipeline = %q", out)
	}
	_, st := run(interp.List(interp.List(sym2("sh"), s("-c"), s("exit 3"))))
	if st != 3<<8 {
		t.Errorf("raw status = %d, want %d", st, 3<<8)
	}
	f := filepath.Join(t.TempDir(), "out")
	run(interp.List(interp.List(sym2("echo"), s("hi"), 42), interp.List(sym2(">"), s(f))))
	run(interp.List(interp.List(sym2("echo"), sym2("there")), interp.List(sym2(">>"), s(f))))
	if b, _ := os.ReadFile(f); string(b) != "hi 42\nthere\n" {
		t.Errorf("> and >> wrote %q", b)
	}
	out, _ = run(interp.List(interp.List(sym2("cat")), interp.List(sym2("<"), s(f))))
	if out != "hi 42\nthere\n" {
		t.Errorf("< gave %q", out)
	}
	if _, err := parseEPF(interp.List(interp.List(sym2("echo"), interp.List(1)))); err == nil {
		t.Errorf("list argument accepted")
	}
	sp, _ := parseEPF(interp.List(interp.List(sym2("no-such-program-popsh"))))
	if _, err := pr.start(sp, nil, nil, false); err == nil {
		t.Errorf("missing program started")
	}
	if got := splitLines("a\nb\nc"); len(got) != 3 {
		t.Errorf("splitLines = %v", got)
	}
}

func TestConditionString(t *testing.T) {
	got := makeCondition("-ERR", []interp.Value{s(" no such message"), s("RETR 9")}).ConditionString()
	if want := "-ERR:  no such message\n      \"RETR 9\"\n"; got != want {
		t.Errorf("ConditionString(-ERR) = %q, want %q", got, want)
	}
	got = makeCondition("error", []interp.Value{s("login failed"), s("x")}).ConditionString()
	if want := "Error: login failed\n       \"x\"\n"; got != want {
		t.Errorf("ConditionString(error) = %q, want %q", got, want)
	}
	stuff := conditionStuff(makeCondition("-ERR", []interp.Value{s("msg"), s("cmd")}))
	if interp.WriteString(stuff) != `("msg" "cmd")` {
		t.Errorf("condition-stuff = %s", interp.WriteString(stuff))
	}
}

func TestCharSet(t *testing.T) {
	cs := charSetOfString("abcx")
	for _, c := range "abcx" {
		if !cs.contains(c) {
			t.Errorf("missing %c", c)
		}
	}
	if cs.contains('d') || cs.complement().contains('a') || !cs.complement().contains('d') {
		t.Errorf("complement wrong")
	}
	w, _ := namedCharSet("white")
	if !w.contains('\r') || !w.contains(' ') || w.contains('a') {
		t.Errorf("white wrong")
	}
	if got := cs.minus(charSetOfString("b")); got.contains('b') || !got.contains('a') {
		t.Errorf("minus wrong")
	}
}
