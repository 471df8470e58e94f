package scsh

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"popsh/interp"
)

// scshCase is one expression and what it must give: want is the written
// form of the value, or errWant a text the error message must contain.
type scshCase struct {
	src, want, errWant string
}

func runScshCases(t *testing.T, cases []scshCase) {
	t.Helper()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range cases {
		v, err := evalScsh(t, it, c.src)
		if c.errWant != "" {
			if err == nil {
				t.Errorf("%s = %s, want an error containing %q", c.src, interp.WriteString(v), c.errWant)
			} else if !strings.Contains(interp.FormatError(err), c.errWant) {
				t.Errorf("%s: error %q, want it to contain %q", c.src, interp.FormatError(err), c.errWant)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.src, interp.FormatError(err))
			continue
		}
		if got := interp.WriteString(v); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

// File names follow scsh's string rules, including the corners: a name of
// slashes only is the root, "" is the current directory as a directory
// name and the root as a file name.
func TestFileNamesAtTheEdges(t *testing.T) {
	t.Setenv("HOME", "/home/tester")
	runScshCases(t, []scshCase{
		{`(split-file-name "/")`, `("")`, ""},
		{`(split-file-name "//")`, `("" "")`, ""},
		{`(split-file-name "a//b/")`, `("a" "" "b")`, ""},
		{`(split-file-name "")`, `()`, ""},
		{`(split-file-name "/x/y.c")`, `("" "x" "y.c")`, ""},
		{`(file-name-nondirectory "/")`, `"/"`, ""},
		{`(file-name-nondirectory "///")`, `"///"`, ""},
		{`(file-name-nondirectory "a/b/")`, `""`, ""},
		{`(file-name-directory "/")`, `""`, ""},
		{`(file-name-directory "a/b/")`, `"a/b/"`, ""},
		{`(file-name-directory "x")`, `""`, ""},
		{`(file-name-absolute? "")`, `#t`, ""},
		{`(file-name-absolute? "~x")`, `#t`, ""},
		{`(file-name-absolute? "x/")`, `#f`, ""},
		{`(list (file-name-directory? "") (file-name-directory? "a/") (file-name-directory? "."))`, `(#t #t #f)`, ""},
		{`(list (file-name-non-directory? "") (file-name-non-directory? "a/") (file-name-non-directory? "."))`, `(#t #f #t)`, ""},
		{`(list (directory-as-file-name "//") (directory-as-file-name "///") (directory-as-file-name "a//"))`, `("//" "/" "a")`, ""},
		{`(list (file-name-as-directory "") (file-name-as-directory ".") (file-name-as-directory "a"))`, `("/" "" "a/")`, ""},
		{`(list (file-name-extension "x/.rc") (file-name-extension "a.b/c") (file-name-extension "f..") (file-name-sans-extension "f.tar.gz"))`, `("" "" "." "f.tar")`, ""},
		{`(replace-extension "dir.d/notes.txt" ".bak")`, `"dir.d/notes.bak"`, ""},
		{`(replace-extension "dir.d/notes" ".bak")`, `"dir.d/notes.bak"`, ""},
		{`(call-with-values (lambda () (parse-file-name "/src/lib.scm")) list)`, `("/src/" "lib" ".scm")`, ""},
		{`(call-with-values (lambda () (parse-file-name "noext")) list)`, `("" "noext" "")`, ""},
		{`(simplify-file-name "///a//./b/../c/")`, `"/a/b/../c"`, ""},
		{`(simplify-file-name "//net/x")`, `"//net/x"`, ""},
		{`(simplify-file-name "a/.")`, `"a/."`, ""},
		{`(simplify-file-name "")`, `""`, ""},
		{`(resolve-file-name "x/y")`, `"x/y"`, ""},
		{`(resolve-file-name "x/y" "/base/")`, `"/base/x/y"`, ""},
		{`(resolve-file-name "/abs/" "/base")`, `"/abs"`, ""},
		{`(resolve-file-name "")`, `"/"`, ""},
		{`(resolve-file-name "~/m" "/ignored")`, `"/home/tester/m"`, ""},
		{`(resolve-file-name "~")`, `"/home/tester"`, ""},
		{`(resolve-file-name "~no-such-user-here/x")`, "", "unknown user"},
		{`(expand-file-name "~/..///c/./main.c" "/usr")`, `"/home/tester/../c/main.c"`, ""},
		{`(expand-file-name "a//b/" "/top")`, `"/top/a/b"`, ""},
		{`(absolute-file-name "~/x" "/r")`, `"/r/~/x"`, ""},
		{`(absolute-file-name "/p//q/")`, `"/p/q"`, ""},
		{`(absolute-file-name "")`, `"/"`, ""},
		{`(path-list->file-name '("" "etc" "passwd"))`, `"/etc/passwd"`, ""},
		{`(path-list->file-name '(""))`, `"/"`, ""},
		{`(path-list->file-name '("a" "b") "/r/")`, `"/r/a/b"`, ""},
		{`(path-list->file-name '("a" "b"))`, `"a/b"`, ""},
		{`(home-dir)`, `"/home/tester"`, ""},
		{`(replace-extension "a" 'sym)`, "", "argument 2"},
		{`(simplify-file-name 5)`, "", "simplify-file-name: expected a string, got 5"},
	})
}

func TestAbsoluteFileNameUsesCwd(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	cwd, _ := os.Getwd()
	v, err := evalScsh(t, it, `(absolute-file-name "sub//f/")`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := interp.DisplayString(v), cwd+"/sub/f"; got != want {
		t.Errorf("absolute-file-name = %q, want %q", got, want)
	}
}
