package scsh

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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
		{`(read-line (open-input-string "ab") 'bogus)`, "", "read-line: argument 2 (handle-newline): expected one of the symbols trim, concat, peek, split, got bogus"},
		{`(string-concatenate #f)`, `""`, ""},
		{`(string-concatenate '("a" "b"))`, `"ab"`, ""},
		{`(string-concatenate '("a" 5))`, "", `string-concatenate: expected a list of strings, got ("a" 5)`},
		{`(string-map char-upcase "abcd" 1 3)`, `"BC"`, ""},
		{`(string-map (lambda (a b) (if (char<? a b) a b)) "adc" "bbb")`, `"abb"`, ""},
		{`(let ((n '())) (string-for-each (lambda (c) (set! n (cons c n))) "abc" 1) n)`, `(#\c #\b)`, ""},
		{`(list (string-upcase "abc" 1) (string-downcase "ABC" 0 1) (string-upcase "x"))`, `("BC" "a" "X")`, ""},
		{`(reverse-list->string '(#\a #\b #\c))`, `"cba"`, ""},
		{`(string-index "abc" #\b #f)`, "", "string-index: argument 3 (start): expected an exact integer, got #f"},
		{`(glob "` + dir + `/d*/")`, `("` + dir + `/d1/" "` + dir + `/d2/")`, ""},
		{`(glob "` + dir + `/d*")`, `("` + dir + `/d1" "` + dir + `/d2" "` + dir + `/dfile")`, ""},
		{`(glob "` + dir + `/*/s*/")`, `("` + dir + `/d1/sub/")`, ""},
		{`(glob "/")`, `("/")`, ""},
		{`(glob "")`, `()`, ""},
	})
}

// ,apropos lists global names: every new scsh name must be one.
func TestNewScshNamesAreGlobal(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	have := map[string]bool{}
	for _, n := range it.GlobalNames() {
		have[n] = true
	}
	for _, n := range strings.Fields(`absolute-file-name set-file-mode set-file-owner set-file-group
		set-file-times sync-file sync-file-system truncate-file file-type file-owner file-group file-nlinks
		file-inode file-device file-last-status-change file:type file:mode file-fifo? file-socket? file-special?
		file-info-directory? file-info-readable? create-hard-link create-fifo delete-filesys-object
		file-not-readable? file-not-writable? file-not-executable? temp-file-iterate glob-quote
		simplify-file-name replace-extension parse-file-name file-name-directory? file-name-non-directory?
		resolve-file-name expand-file-name add-before add-after alist-update alist-compress alist->env
		with-total-env* with-env* with-env with-total-env make-re-seq re-seq re-seq? re-seq:elts re-string
		re-string:chars re-char-set re-char-set:cset re-repeat re-repeat:from re-choice re-submatch
		re-submatch:pre-dsm re-dsm re-dsm:body re-bos re-eos re-bol re-eol re-any re-nonl re-empty
		re-trivial re-tsm flush-submatches sre->regexp regexp->sre regexp->posix-string uncase
		uncase-string uncase-char-set regexp-fold-right awk/posix-string file-options file-mode=?
		reverse-list->string`) {
		if !have[n] {
			t.Errorf("%s is not a global name", n)
		}
	}
}
