package bindings

import (
	"os"
	"path/filepath"
	"testing"
)

// Where scsh's own procedures are lenient, popsh is too; where scsh
// signals an error, popsh does.
func TestScshLeniencies(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"d1", "d2", "d1/sub"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "dfile"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runScshCases(t, []scshCase{
		{`(read-line (open-input-string "ab\ncd") #f)`, `"ab"`, ""},
		{`(read-delimited (char-set #\;) (open-input-string "x;y") #f)`, `"x"`, ""},
		{`(read-line (open-input-string "ab") 'bogus)`, "", "one of trim, concat, peek, split"},
		{`(string-concatenate #f)`, `""`, ""},
		{`(string-concatenate '("a" "b"))`, `"ab"`, ""},
		{`(string-concatenate '("a" 5))`, "", "argument 1"},
		{`(string-map char-upcase "abcd" 1 3)`, `"BC"`, ""},
		{`(string-map (lambda (a b) (if (char<? a b) a b)) "adc" "bbb")`, `"abb"`, ""},
		{`(let ((n '())) (string-for-each (lambda (c) (set! n (cons c n))) "abc" 1) n)`, `(#\c #\b)`, ""},
		{`(list (string-upcase "abc" 1) (string-downcase "ABC" 0 1) (string-upcase "x"))`, `("BC" "a" "X")`, ""},
		{`(reverse-list->string '(#\a #\b #\c))`, `"cba"`, ""},
		{`(string-index "abc" #\b #f)`, "", "start index out of range"},
		{`(glob "` + dir + `/d*/")`, `("` + dir + `/d1/" "` + dir + `/d2/")`, ""},
		{`(glob "` + dir + `/d*")`, `("` + dir + `/d1" "` + dir + `/d2" "` + dir + `/dfile")`, ""},
		{`(glob "` + dir + `/*/s*/")`, `("` + dir + `/d1/sub/")`, ""},
		{`(glob "/")`, `("/")`, ""},
		{`(glob "")`, `()`, ""},
	})
}
