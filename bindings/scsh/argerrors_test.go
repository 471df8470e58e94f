package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// TestArgumentErrorWords: the layer's argument errors read as interp's
// do: "who: expected X, got V" for a procedure of one argument, "who:
// argument N (param): ..." for one of several, the parameter named as in
// the procedure's doc line.
func TestArgumentErrorWords(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range []struct{ src, want string }{
		{`(regexp-search 5 "abc")`, "regexp-search: argument 1 (re): expected a regexp, got 5"},
		{`(regexp-search "a" 'x)`, "regexp-search: argument 2 (string): expected a string, got x"},
		{`(regexp-search "a" "abc" 'x)`, "regexp-search: argument 3 (start): expected an exact integer, got x"},
		{`(match:start 5)`, "match:start: argument 1 (match): expected a regexp match, got 5"},
		{`(regexp-quote 5)`, "regexp-quote: expected a string, got 5"},
		{`(string-index "abc" #\b 7)`, "string-index: argument 3 (start): index 7 is out of range for a string of length 3"},
		{`(string-index "abc" #\b 2 1)`, "string-index: argument 4 (end): index 1 is before start index 2"},
		{`(rindex "abc" #\b 9)`, "rindex: argument 3 (end): index 9 is out of range for a string of length 3"},
		{`(string-pad "abc" -1)`, "string-pad: argument 2 (n): expected a non-negative integer, got -1"},
		{`(string-prefix? 1 "abc")`, "string-prefix?: argument 1 (prefix): expected a string, got 1"},
		{`((infix-splitter) 5)`, "infix-splitter-parser: argument 1 (string): expected a string, got 5"},
		{`(infix-splitter 5)`, "infix-splitter: argument 1 (delim): expected a regexp, string, char or char-set, got 5"},
		{`(field-splitter "x" 'many)`, "field-splitter: argument 2 (num-fields): expected #f or an exact integer, got many"},
		{`(char->ascii "a")`, `char->ascii: expected a character, got "a"`},
		{`(char-set-size 5)`, "char-set-size: expected a char-set, got 5"},
		{`(null-list? 5)`, "null-list?: expected a list, got 5"},
		{`(check-substring-spec 'f "abc" 2 5)`, `f: bad range for a string "abc" 2 5`},
		{`(string-parse-final-start+end 'f "abc" '(1 2 3))`, "f: too many arguments (3)"},
		{`(->char-set 5)`, "->char-set: expected a string, char or char-set, got 5"},
		{`(char-set-hash char-set:digit -1)`, "char-set-hash: argument 2 (bound): expected a non-negative exact integer, got -1"},
		{`(char-set<= char-set:digit 5)`, "char-set<=: argument 2 (cset): expected a char-set, got 5"},
		{`(write-string "x" 5)`, "write-string: argument 2 (port): expected an output port, got 5"},
		{`(force-output 5)`, "force-output: expected an output port, got 5"},
		{`(port->string 5)`, "port->string: expected an input port, got 5"},
		{`(open-file "/nonexistent" 'x)`, "open-file: argument 2 (flags): expected an exact integer, got x"},
		{`(file-info 5.5)`, "file-info: argument 1 (thing): expected a file name, file descriptor or file port, got 5.5"},
		{`(file-readable? 'x)`, "file-readable?: expected a file name, file descriptor or file port, got x"},
		{`(set-file-mode "/nonexistent" 'x)`, "set-file-mode: argument 2 (mode): expected an exact integer, got x"},
		{`(file-name-directory 5)`, "file-name-directory: expected a string, got 5"},
		{`(resolve-file-name "a" 5)`, "resolve-file-name: argument 2 (dir): expected a string, got 5"},
		{`(table-ref 5 'k)`, "table-ref: argument 1 (table): expected a table, got 5"},
		{`(make-table-maker eq? 5)`, "make-table-maker: argument 2 (hash): expected a procedure, got 5"},
		{`(host-info:name 5)`, "host-info:name: expected a host-info record, got 5"},
		{`(date:hour 5)`, "date:hour: expected a date, got 5"},
		{`(format-date "~H" 5)`, "format-date: argument 2 (date): expected a date, got 5"},
		{`(process-sleep 'x)`, "process-sleep: expected a real number of seconds, got x"},
		{`(wait "5")`, "wait: argument 1 (proc): expected a process object or a process id, got \"5\""},
		{`(status:exit-val 'x)`, "status:exit-val: expected a wait status, got x"},
		{`(re-seq:elts re-any)`, "re-seq:elts: expected a re-seq regexp, got"},
		{`(make-re-submatch re-any -1)`, "make-re-submatch: argument 2 (pre-dsm): expected a non-negative exact integer, got -1"},
		{`(re-repeat 0 2 5)`, "re-repeat: argument 3 (re): expected a regexp, got 5"},
		{`(obtain-dot-lock "/nonexistent/x" 'often)`, "obtain-dot-lock: argument 2 (retry-seconds): expected a number or #f, got often"},
		{`(netrc:default-login 5)`, "netrc:default-login: expected a netrc record, got 5"},
		{`(user-info 'root)`, "user-info: expected a user id or name, got root"},
		{`(string-count "abc" 5)`, "string-count: argument 2 (pred): expected a char, char-set or predicate, got 5"},
		{`(string-compare "a" 5 values values values)`, "string-compare: argument 2 (s2): expected a string, got 5"},
		{`(string-filter 5 #\a)`, "string-filter: argument 1 (string): expected a string, got 5"},
		{`(string-filter 5 6)`, "string-filter: argument 2 (pred): expected a char, char-set or predicate, got 6"},
	} {
		_, err := evalScsh(t, it, c.src)
		if err == nil {
			t.Errorf("%s: no error, want %q", c.src, c.want)
			continue
		}
		msg := interp.FormatError(err)
		if i := strings.Index(msg, c.want); i < 0 || !strings.HasSuffix(msg[:i], ": ") {
			t.Errorf("%s: error %q, want %q after the position", c.src, msg, c.want)
		}
	}
}
