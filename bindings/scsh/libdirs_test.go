package scsh

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
)

// evalWrite evaluates src and returns its value as write shows it.
func evalWrite(t *testing.T, it *interp.Interp, src string) string {
	t.Helper()
	v, err := evalScsh(t, it, src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return interp.WriteString(v)
}

// The path starts as $POPSH_LIB_PATH says, and the procedures and the Go
// side (the shell's switches) change one list.
func TestLibDirsProcedures(t *testing.T) {
	t.Setenv("POPSH_LIB_PATH", "/a::/b:")
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range []struct{ src, want string }{
		{"(lib-dirs)", `("/a" "/b")`},
		{"default-lib-dirs", `("/a" "/b")`},
		{`(begin (lib-dirs-prepend! "/p") (lib-dirs-append! "/q") (lib-dirs))`, `("/p" "/a" "/b" "/q")`},
		{`(begin (lib-dirs-append! 'script-dir) (lib-dirs))`, `("/p" "/a" "/b" "/q" script-dir)`},
		{"(begin (clear-lib-dirs!) (lib-dirs))", "()"},
		{`(begin (lib-dirs-append! "") (lib-dirs))`, `("")`},
		{"(begin (reset-lib-dirs!) (lib-dirs))", `("/a" "/b")`},
	} {
		if got := evalWrite(t, it, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// The list (lib-dirs) returned is a copy: changing the path later
	// does not change it.
	evalWrite(t, it, `(define before (lib-dirs))`)
	p := LibDirs(it)
	p.Prepend("/go-first")
	p.Append("/go-last")
	if got := evalWrite(t, it, "(list before (lib-dirs))"); got != `(("/a" "/b") ("/go-first" "/a" "/b" "/go-last"))` {
		t.Errorf("after the Go side's changes: %s", got)
	}
	evalWrite(t, it, `(lib-dirs-prepend! "/scheme")`)
	if d := p.Dirs(); len(d) != 5 || d[0].Dir != "/scheme" {
		t.Errorf("the Go side sees %v, want /scheme first of 5", d)
	}
	p.Clear()
	if got := evalWrite(t, it, "(lib-dirs)"); got != "()" {
		t.Errorf("after Clear: %s", got)
	}
	// Each interpreter has its own path.
	other := newScshInterp(t, &out)
	if got := evalWrite(t, other, "(lib-dirs)"); got != `("/a" "/b")` {
		t.Errorf("another interpreter's path: %s", got)
	}
}

func TestLibDirsScriptDir(t *testing.T) {
	t.Setenv("POPSH_LIB_PATH", "/a")
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, src := range []string{"(lib-dirs-prepend-script-dir!)", "(lib-dirs-append-script-dir!)"} {
		_, err := evalScsh(t, it, src)
		if err == nil || !strings.Contains(err.Error(), "no script file is being run") {
			t.Errorf("%s without a script: %v, want an error", src, err)
		}
	}
	if got := evalWrite(t, it, "(lib-dirs)"); got != `("/a")` {
		t.Errorf("the failed calls changed the path: %s", got)
	}
	dir := t.TempDir()
	// A relative script name is made absolute against the directory of
	// the time it was given.
	t.Chdir(dir)
	SetScriptFile(it, filepath.Join("sub", "s.scm"))
	t.Chdir("/")
	want := interp.WriteString(interp.NewString(filepath.Join(dir, "sub")))
	got := evalWrite(t, it, "(begin (lib-dirs-prepend-script-dir!) (lib-dirs-append-script-dir!) (lib-dirs))")
	if got != "("+want+` "/a" `+want+")" {
		t.Errorf("script dir: %s, want %s first and last", got, want)
	}
}

func TestFindLibraryFile(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	dir := t.TempDir()
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("(define x 1)\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flat := mk("flat/x.scm")
	nested := mk("tree/b/c/x.scm")
	mk("tree/.hidden/h.scm")
	mk("tree/a/y.scm")
	ownDir := mk("own/x.scm")
	if err := os.MkdirAll(filepath.Join(dir, "tree", "dirnamed", "z.scm"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A link back up must not make the search go round for ever.
	if err := os.Symlink(filepath.Join(dir, "tree"), filepath.Join(dir, "tree", "a", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "unreadable.scm"), nil, 0o000); err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { return interp.WriteString(interp.NewString(s)) }
	tree := q(filepath.Join(dir, "tree") + "/")
	for _, c := range []struct{ src, want string }{
		{`(find-library-file "x.scm" (list ` + q(filepath.Join(dir, "flat")) + `) #f)`, q(flat)},
		{`(find-library-file "x.scm" (list ` + q(filepath.Join(dir, "tree")) + `) #f)`, "#f"},
		{`(find-library-file "x.scm" (list ` + tree + `) #f)`, q(nested)},
		{`(find-library-file "x.scm" (list ` + tree + " " + q(filepath.Join(dir, "flat")) + `) #f)`, q(nested)},
		{`(find-library-file "x.scm" (list ` + q(filepath.Join(dir, "flat")) + " " + tree + `) #f)`, q(flat)},
		{`(find-library-file "h.scm" (list ` + tree + `) #f)`, "#f"},
		{`(find-library-file "z.scm" (list ` + tree + `) #f)`, "#f"},
		{`(find-library-file "nothing.scm" (list ` + tree + `) #f)`, "#f"},
		{`(find-library-file "x.scm" '() #f)`, "#f"},
		{`(find-library-file "x.scm" '(script-dir) ` + q(filepath.Join(dir, "own", "script")) + `)`, q(ownDir)},
		{`(find-library-file "y.scm" '(script-dir) ` + q(filepath.Join(dir, "own", "script")) + `)`, "#f"},
		{`(find-library-file ` + q(flat) + ` (list "/nowhere") #f)`, q(flat)},
	} {
		if got := evalWrite(t, it, c.src); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	if os.Geteuid() != 0 {
		src := `(find-library-file "unreadable.scm" (list ` + q(dir) + `) #f)`
		if got := evalWrite(t, it, src); got != "#f" {
			t.Errorf("%s = %s, want #f (the file does not open)", src, got)
		}
	}
	// The shell's search: an absolute name is itself; a miss names the path.
	p := LibDirs(it)
	p.Clear()
	p.Append(filepath.Join(dir, "flat"))
	if f, err := p.Find("x.scm", ""); err != nil || f != flat {
		t.Errorf("Find(x.scm) = %q, %v; want %q", f, err, flat)
	}
	if f, err := p.Find("/abs/x.scm", ""); err != nil || f != "/abs/x.scm" {
		t.Errorf("Find(/abs/x.scm) = %q, %v; want it unchanged", f, err)
	}
	if _, err := p.Find("none.scm", ""); err == nil || !strings.Contains(err.Error(), "none.scm not found on the library path") {
		t.Errorf("Find(none.scm): %v, want not found", err)
	}
}

func TestLibDirsBadArguments(t *testing.T) {
	t.Setenv("POPSH_LIB_PATH", "/a")
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range []struct{ src, want string }{
		{"(lib-dirs-prepend! 5)", "lib-dirs-prepend!: expected a directory name (a string) or the symbol script-dir, got 5"},
		{"(lib-dirs-append! 'elsewhere)", "lib-dirs-append!: expected a directory name (a string) or the symbol script-dir, got elsewhere"},
		{"(lib-dirs 1)", "lib-dirs"},
		{`(find-library-file 'x '() #f)`, "find-library-file: argument 1 (file): expected a string, got x"},
		{`(find-library-file "x" "/dir" #f)`, `find-library-file: argument 2 (lib-dirs): expected a list, got "/dir"`},
		{`(find-library-file "x" '("/a" . "/b") #f)`, "argument 2 (lib-dirs): expected a list"},
		{`(find-library-file "x" '("/a" 7) #f)`, `argument 2 (lib-dirs): expected a list of directory names (strings) and script-dir, got ("/a" 7)`},
		{`(find-library-file "x" '() 3)`, "argument 3 (script-file): expected a file name or #f, got 3"},
		{`(find-library-file "x" '() #t)`, "argument 3 (script-file): expected a file name or #f, got #t"},
		{`(find-library-file "x" '() "")`, `argument 3 (script-file): expected a file name or #f, got ""`},
		{`(find-library-file "x" '(script-dir) #f)`, "find-library-file: the library path has script-dir, but there is no script file"},
	} {
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.src, err, c.want)
		}
	}
	if got := evalWrite(t, it, "(lib-dirs)"); got != `("/a")` {
		t.Errorf("(lib-dirs) after the bad calls: %s, want (\"/a\") unchanged", got)
	}
}
