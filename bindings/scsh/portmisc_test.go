package scsh

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// read-delimited! fills a buffer up to a delimiter, with the four
// handle-delim modes; a full buffer gives #f unless the next character
// ends the read anyway.
func TestReadDelimitedBang(t *testing.T) {
	in := func(s string) string { return `(make-string-input-port "` + s + `")` }
	runScshCases(t, []scshCase{
		{`(let ((b (make-string 6 #\-))) (list (read-delimited! ":" b ` + in("ab:cd") + `) b))`, `(2 "ab----")`, ""},
		{`(let* ((b (make-string 6 #\-)) (p ` + in("ab:cd") + `) (n (read-delimited! ":" b p 'peek))) (list n (read-char p)))`, `(2 #\:)`, ""},
		{`(let ((b (make-string 6 #\-))) (list (read-delimited! ":" b ` + in("ab:cd") + ` 'concat) b))`, `(3 "ab:---")`, ""},
		{`(let ((b (make-string 6 #\-))) (call-with-values (lambda () (read-delimited! (char-set #\:) b ` + in("ab:cd") + ` 'split)) (lambda (n d) (list n d b))))`, `(2 #\: "ab----")`, ""},
		{`(let ((b (make-string 4 #\-))) (list (read-delimited! ":" b ` + in("ab:cd") + ` 'trim 1 3) b))`, `(2 "-ab-")`, ""},
		{`(let* ((b (make-string 2 #\-)) (p ` + in("abcd") + `) (n (read-delimited! ":" b p))) (list n b (read-char p)))`, `(#f "ab" #\c)`, ""},
		{`(let* ((b (make-string 2 #\-)) (p ` + in("ab:cd") + `) (n (read-delimited! ":" b p))) (list n b (read-char p)))`, `(2 "ab" #\c)`, ""},
		{`(let ((b (make-string 2 #\-))) (list (read-delimited! ":" b ` + in("ab") + `) b))`, `(2 "ab")`, ""},
		{`(let* ((b (make-string 3 #\-)) (p ` + in("abcd") + `) (n (read-delimited! ":" b p 'concat))) (list n b (read-char p)))`, `(#f "abc" #\d)`, ""},
		{`(let ((b (make-string 2 #\-))) (call-with-values (lambda () (read-delimited! ":" b ` + in("abc") + ` 'split)) list))`, `(#f #f)`, ""},
		{`(let ((b (make-string 3 #\-))) (list (read-delimited! ":" b ` + in("") + `) (read-delimited! ":" b ` + in("x") + `) b))`, `(#<eof> 1 "x--")`, ""},
		{`(let ((b (make-string 3 #\-))) (call-with-values (lambda () (read-delimited! ":" b ` + in("") + ` 'split)) list))`, `(#<eof> #<eof>)`, ""},
		{`(let ((b (make-string 3 #\-))) (list (read-delimited! ":" b ` + in(":x") + `) b))`, `(0 "---")`, ""},
		{`(read-delimited! ":" "abc" ` + in("x") + `)`, "", "argument 2 (buf): the string is immutable"},
		{`(read-delimited! 5 (make-string 2) ` + in("x") + `)`, "", "argument 1 (char-set): expected a char-set, char or string of delimiters"},
		{`(read-delimited! ":" (make-string 2) ` + in("x") + ` 'sideways)`, "", "argument 4 (handle-delim): expected one of the symbols"},
		{`(read-delimited! ":" (make-string 2) ` + in("x") + ` 'trim 0 3)`, "", "out of range"},
		{`(let ((b (make-string 4 #\-))) (call-with-values (lambda () (%read-delimited! ":" b #t ` + in("ab:c") + `)) (lambda (t n) (list t n b))))`, `(#\: 2 "ab--")`, ""},
		{`(let* ((b (make-string 4 #\-)) (p ` + in("ab:c") + `)) (call-with-values (lambda () (%read-delimited! ":" b #f p 1 4)) (lambda (t n) (list t n b (read-char p)))))`, `(#\: 2 "-ab-" #\:)`, ""},
		{`(let ((b (make-string 1))) (call-with-values (lambda () (%read-delimited! ":" b #t ` + in("xy") + `)) (lambda (t n) (list t n))))`, `(#f 1)`, ""},
		{`(let ((b (make-string 2))) (call-with-values (lambda () (%read-delimited! ":" b #t ` + in("") + `)) list))`, `(#<eof> 0)`, ""},
	})
}

// Directory streams list a directory's names, without . and .., once.
func TestDirectoryStreams(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", ".hidden", "b c"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	q := `"` + dir + `"`
	runScshCases(t, []scshCase{
		{`(define ds (open-directory-stream ` + q + `))`, `#!unspecific`, ""},
		{`(let loop ((acc '())) (let ((n (read-directory-stream ds))) (if n (loop (cons n acc)) (sort acc string<?))))`, `(".hidden" "a" "b c" "sub")`, ""},
		{`(read-directory-stream ds)`, `#f`, ""},
		{`(begin (close-directory-stream ds) (close-directory-stream ds) (read-directory-stream ds))`, "", "the directory stream is closed"},
		{`(open-directory-stream "` + filepath.Join(dir, "missing") + `")`, "", "no such file or directory"},
		{`(open-directory-stream "` + filepath.Join(dir, "a") + `")`, "", "not a directory"},
		{`(read-directory-stream "x")`, "", "expected a directory stream"},
	})
}

// String collectors gather strings (any size, any characters) into one.
func TestStringCollectors(t *testing.T) {
	long := strings.Repeat("x", 300)
	runScshCases(t, []scshCase{
		{`(define sc (make-string-collector))`, `#!unspecific`, ""},
		{`(string-collector->string sc)`, `""`, ""},
		{`(begin (collect-string! sc "ab") (collect-string! sc "") (collect-string! sc "λ") (string-collector->string sc))`, `"abλ"`, ""},
		{`(eq? sc (collect-string! sc "` + long + `"))`, `#t`, ""},
		{`(string-length (string-collector->string sc))`, `303`, ""},
		{`(let ((s (string-collector->string sc))) (string-set! s 0 #\Z) (string-ref (string-collector->string sc) 0))`, `#\a`, ""},
		{`(begin (clear-string-collector! sc) (collect-string! sc "new") (string-collector->string sc))`, `"new"`, ""},
		{`(collect-string! sc #\c)`, "", "argument 2 (string): expected a string"},
		{`(collect-string! "sc" "x")`, "", "argument 1 (collector): expected a string collector"},
	})
}

// record-reader reads records ended by delimiters, eliding runs of them
// when asked.
func TestRecordReader(t *testing.T) {
	in := func(s string) string { return `(make-string-input-port "` + s + `")` }
	runScshCases(t, []scshCase{
		{`(let ((r (record-reader)) (p ` + in(`a\nb\n\nc`) + `)) (list (r p) (r p) (r p) (r p) (r p)))`, `("a" "b" "" "c" #<eof>)`, ""},
		{`(let ((r (record-reader ";," #t)) (p ` + in("a;,;b;c") + `)) (list (r p) (r p) (r p) (r p)))`, `("a" "b" "c" #<eof>)`, ""},
		{`(let ((r (record-reader ";" #t 'concat)) (p ` + in("a;;b") + `)) (list (r p) (r p) (r p)))`, `("a;;" "b" #<eof>)`, ""},
		{`(let ((r (record-reader ";" #f 'concat)) (p ` + in("a;;b") + `)) (list (r p) (r p) (r p)))`, `("a;" ";" "b")`, ""},
		{`(let ((r (record-reader ";" #t 'split)) (p ` + in("a;;b") + `)) (call-with-values (lambda () (r p)) list))`, `("a" ";;")`, ""},
		{`(let ((r (record-reader ";" #f 'split)) (p ` + in("b") + `)) (call-with-values (lambda () (r p)) list))`, `("b" #<eof>)`, ""},
		{`(let ((r (record-reader #\;)) (p ` + in("") + `)) (call-with-values (lambda () (r p)) list))`, `(#<eof>)`, ""},
		{`(with-current-input-port ` + in("x y") + ` ((record-reader " ")))`, `"x"`, ""},
		{`(record-reader ";" #f 'peek)`, "", "handle-delim must be trim, concat or split"},
	})
}

// file-match walks one directory level per pattern: strings are POSIX
// regexps split at /, regexps and predicates match names; dot files only
// with dot-files?; a predicate's error is no match.
func TestFileMatch(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"src/a.c", "src/b.h", "src/.d.c", "lib/x.c", "doc/y.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	q := `"` + dir + `"`
	sorted := func(expr string) string { return `(sort ` + expr + ` string<?)` }
	rel := func(names ...string) string {
		sort.Strings(names)
		for i, n := range names {
			names[i] = `"` + filepath.Join(dir, n) + `"`
		}
		return "(" + strings.Join(names, " ") + ")"
	}
	runScshCases(t, []scshCase{
		{sorted(`(file-match ` + q + ` #f "^(src|lib)$/\\.c$")`), rel("lib/x.c", "src/a.c"), ""},
		{sorted(`(file-match ` + q + ` #t "src" "\\.c$")`), rel("src/.d.c", "src/a.c"), ""},
		{sorted(`(file-match ` + q + ` #f (rx "o") (rx ".t" (* any)))`), rel("doc/y.txt"), ""},
		{sorted(`(file-match ` + q + ` #f file-directory?)`), rel("doc", "lib", "src"), ""},
		{`(file-match ` + q + ` #f (lambda (f) (error "no")))`, `()`, ""},
		{`(file-match ` + q + ` #f "nothing-here")`, `()`, ""},
		{`(file-match "` + filepath.Join(dir, "missing") + `" #f "x")`, `()`, ""},
		{`(file-match ` + q + ` #f 42)`, "", "a pattern must be a string, a regexp or a procedure"},
	})
	// From the current directory, the names are relative.
	wd, _ := os.Getwd()
	if err := os.Chdir(filepath.Join(dir, "src")); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	runScshCases(t, []scshCase{
		{sorted(`(file-match "." #f "\\.[ch]$")`), `("a.c" "b.h")`, ""},
	})
}

// reduce-port is port-fold; error-output-port is the current error port.
func TestReducePort(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(reduce-port (make-string-input-port "1 2 3") read + 0)`, `6`, ""},
		{`(eq? (error-output-port) (current-error-port))`, `#t`, ""},
	})
}
