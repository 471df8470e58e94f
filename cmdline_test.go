package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseMetaArgLine(t *testing.T) {
	tests := []struct {
		line    string
		want    []string
		wantErr string
	}{
		{"-e main -s\n", []string{"-e", "main", "-s"}, ""},
		{"-e main -s", []string{"-e", "main", "-s"}, ""},
		{"-lm modules.scm -dm -o test -e run-tests -s\n!#\n", []string{"-lm", "modules.scm", "-dm", "-o", "test", "-e", "run-tests", "-s"}, ""},
		{"a  b\n", []string{"a", "", "b"}, ""},
		{"-s \n", []string{"-s", ""}, ""},
		{"\n", []string{""}, ""},
		{`a\ b c\\d` + "\n", []string{"a b", `c\d`}, ""},
		{`x\nq\t\101` + "\n", []string{"x\nq\tA"}, ""},
		{"a\\\nb c\nignored", []string{"a\nb", "c"}, ""},
		{"a\tb\n", nil, "tab"},
		{`a\q` + "\n", nil, "unknown escape"},
		{`a\12` + "\n", nil, "three digits"},
		{`a\`, nil, "end of the line"},
		{"a ", []string{"a", ""}, ""},
		{"", []string{""}, ""},
		{`a\377`, []string{"a\xff"}, ""},
		{`a\400`, nil, "escape"},
		{"\xff x", []string{"\xff", "x"}, ""},
		{"a \\\n\nrest", []string{"a", "\n"}, ""},
		{"a\\\n", []string{"a\n"}, ""},
	}
	for _, tc := range tests {
		got, err := parseMetaArgLine(tc.line)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseMetaArgLine(%q) = %q, %v; want error with %q", tc.line, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseMetaArgLine(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestExpandMetaArgs(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.scm")
	os.WriteFile(script, []byte("#!/usr/local/bin/popsh \\\n-e main -s\n!#\n(define (main a) a)\n"), 0o644)
	got, err := expandMetaArgs([]string{`\`, script, "x", "y"})
	want := []string{"-e", "main", "-s", script, "x", "y"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("expandMetaArgs = %q, %v; want %q", got, err, want)
	}
	// Nested: line 2 of the first names a second meta-arg script.
	inner := filepath.Join(dir, "inner.scm")
	os.WriteFile(inner, []byte("#!x \\\n-l lib.scm -s\n!#\n"), 0o644)
	outer := filepath.Join(dir, "outer.scm")
	os.WriteFile(outer, []byte("#!x \\\n\\\\ "+inner+"\n!#\n"), 0o644)
	got, err = expandMetaArgs([]string{`\`, outer, "z"})
	want = []string{"-l", "lib.scm", "-s", inner, outer, "z"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("nested expandMetaArgs = %q, %v; want %q", got, err, want)
	}
	// A script run by the VM itself gives the VM's options first, up to
	// its heap image; scsh's switches follow. Without -i, -o and -s are
	// scsh's own.
	vm := filepath.Join(dir, "vm.scm")
	os.WriteFile(vm, []byte("#!/usr/local/bin/scshvm \\\n-o scshvm -h 28000000 -i /usr/lib/scsh/scsh.image -o srfi-1 -l a.scm -e main -s\n!#\n"), 0o644)
	got, err = expandMetaArgs([]string{`\`, vm, "w"})
	want = []string{"-o", "srfi-1", "-l", "a.scm", "-e", "main", "-s", vm, "w"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("scshvm expandMetaArgs = %q, %v; want %q", got, err, want)
	}
	novm := filepath.Join(dir, "novm.scm")
	os.WriteFile(novm, []byte("#!x \\\n-o srfi-1 -s\n!#\n"), 0o644)
	got, err = expandMetaArgs([]string{`\`, novm})
	want = []string{"-o", "srfi-1", "-s", novm}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("expandMetaArgs without -i = %q, %v; want %q", got, err, want)
	}
	// Errors: a missing file, a missing name, a bad line 2.
	if _, err := expandMetaArgs([]string{`\`, filepath.Join(dir, "nope.scm")}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing script: err = %v, want not-exist", err)
	}
	var ue *usageError
	if _, err := expandMetaArgs([]string{`\`}); !errors.As(err, &ue) {
		t.Errorf("lone \\: err = %v, want usage error", err)
	}
	bad := filepath.Join(dir, "bad.scm")
	os.WriteFile(bad, []byte("#!x \\\n-e\tmain -s\n!#\n"), 0o644)
	if _, err := expandMetaArgs([]string{`\`, bad}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "tab") {
		t.Errorf("tab in line 2: err = %v, want usage error about the tab", err)
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		end     string
		endArg  string
		entry   string
		rest    []string
		nact    int
		wantErr string
	}{
		{nil, "", "", "", []string{}, 0, ""},
		{[]string{"f.scm", "a", "-b"}, "-s", "f.scm", "", []string{"a", "-b"}, 0, ""},
		{[]string{"-s", "f.scm", "-c", "x"}, "-s", "f.scm", "", []string{"-c", "x"}, 0, ""},
		{[]string{"-e", "main", "-s", "f.scm"}, "-s", "f.scm", "main", []string{}, 0, ""},
		{[]string{"-l", "a.scm", "-lm", "b.scm", "-o", "pop3", "-c", "(+ 1 2)", "x"}, "-c", "(+ 1 2)", "", []string{"x"}, 2, ""},
		{[]string{"-e", "main", "--", "a"}, "--", "", "", []string{"a"}, 0, ""},
		{[]string{"-dm", "-l", "x.scm", "-s", "f.scm"}, "-s", "f.scm", "", []string{}, 2, ""},
		{[]string{"-sfd", "3", "a"}, "-sfd", "3", "", []string{"a"}, 0, ""},
		{[]string{"+lp", "/lib", "-ll", "x.scm", "-lp-clear", "--"}, "--", "", "", []string{}, 3, ""},
		{[]string{"-x"}, "", "", "", nil, 0, "unknown switch -x"},
		{[]string{"-s"}, "", "", "", nil, 0, "needs an argument"},
		{[]string{"-e", "main", "-c", "1"}, "", "", "", nil, 0, "-e cannot be used with -c"},
		{[]string{"-ds", "-c", "1"}, "", "", "", nil, 0, "-c cannot follow -ds"},
		{[]string{"-dm", "--"}, "", "", "", nil, 0, "requires a terminating -s"},
		{[]string{"-ds", "-dm", "-s", "f"}, "", "", "", nil, 0, "only once"},
		{[]string{"-sfd", "x"}, "", "", "", nil, 0, "file descriptor"},
		{[]string{"--demo", "-x"}, "", "", "", nil, 0, "unknown switch -x"},
		{[]string{"--demo", "--demo"}, "", "", "", nil, 0, "cannot follow --demo"},
		{[]string{"--demo", "-i", "a"}, "--", "", "", []string{"a"}, 0, ""},
		{[]string{"--demo", "-l", "x.scm", "f.scm", "a"}, "-s", "f.scm", "", []string{"a"}, 1, ""},
		{[]string{"--demo", "-c", "(+ 1 2)"}, "-c", "(+ 1 2)", "", []string{}, 0, ""},
		{[]string{"--version", "x"}, "", "", "", nil, 0, "no arguments"},
	}
	for _, tc := range tests {
		inv, err := parseArgs(tc.args)
		if tc.wantErr != "" {
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseArgs(%q): err = %v, want usage error with %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tc.args, err)
			continue
		}
		if inv.end != tc.end || inv.endArg != tc.endArg || inv.entry != tc.entry || !reflect.DeepEqual(inv.args, tc.rest) || len(inv.actions) != tc.nact {
			t.Errorf("parseArgs(%q) = end %q %q entry %q args %q actions %d; want %q %q %q %q %d",
				tc.args, inv.end, inv.endArg, inv.entry, inv.args, len(inv.actions), tc.end, tc.endArg, tc.entry, tc.rest, tc.nact)
		}
	}
	inv, err := parseArgs([]string{"--demo", "-i"})
	if err != nil || !inv.demo || inv.tour || inv.end != "--" {
		t.Errorf("parseArgs(--demo -i) = %+v, %v; want the demo's REPL", inv, err)
	}
	inv, err = parseArgs([]string{"--demo"})
	if err != nil || !inv.demo || !inv.tour {
		t.Errorf("parseArgs(--demo) = %+v, %v; want the tour", inv, err)
	}
	inv, err = parseArgs([]string{"--demo", "s.scm"})
	if err != nil || !inv.demo || inv.tour || inv.end != "-s" {
		t.Errorf("parseArgs(--demo s.scm) = %+v, %v; want the script against the demo", inv, err)
	}
	inv, err = parseArgs([]string{"+lpsd", "-ll", "x", "-s", "/d/s.scm"})
	if err != nil || inv.actions[0].kind != actLibPrepend || inv.actions[0].arg != "/d" {
		t.Errorf("+lpsd: %+v, %v; want the script's directory /d prepended", inv, err)
	}
}

// FuzzMetaArgLine: the line-2 parser never panics, and an escape-free
// line without tabs splits exactly on spaces.
func FuzzMetaArgLine(f *testing.F) {
	for _, s := range []string{"-e main -s", `a\ b\101`, "a\tb", "", "  ", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args, err := parseMetaArgLine(s)
		line := s
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if err == nil && !strings.ContainsAny(line, "\\\t") {
			if got := strings.Join(args, " "); got != line {
				t.Errorf("parseMetaArgLine(%q) = %q, joined %q", s, args, got)
			}
		}
	})
}
