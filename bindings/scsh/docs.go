package scsh

import (
	"strconv"
	"strings"

	"popsh/interp"
)

// The doc lines of the names the layer binds other than by a Builtin row:
// its syntax, the procedures of scm/*.scm and its variables. Install hands
// these static tables to interp.Interp.Document, which indexes them only
// when documentation is first asked for.

var conditionDocs = []interp.DocLine{
	{Name: "with-handler", Doc: "(with-handler handler thunk): run thunk; a signalled condition c calls (handler c punt) where it is signalled"},
	{Name: "error?", Doc: "(error? obj): whether obj is an error condition"},
	{Name: "call-error?", Doc: "(call-error? obj): whether obj is a call-error condition"},
	{Name: "syscall-error?", Doc: "(syscall-error? obj): whether obj is a syscall-error condition"},
	{Name: "warning?", Doc: "(warning? obj): whether obj is a warning condition"},
	{Name: "syntax-error", Doc: "(syntax-error message irritant ...): signal a syntax-error condition"},
	{Name: "ignore-errors", Doc: "(ignore-errors thunk): the value of thunk, or the error condition it signalled"},
	{Name: "display-condition", Doc: "(display-condition condition [port]): print condition in scsh's format"},
	{Name: "with-errno-handler*", Doc: "(with-errno-handler* handler thunk): run thunk; a syscall-error calls (handler errno data)"},
	{Name: "with-errno-handler", Doc: "(with-errno-handler ((errno data) ((errno/... ...) body ...) ... [(else body ...)]) body ...): handle syscall errors by errno"},
	{Name: "errno-error", Doc: "(errno-error errno stuff ...): signal a syscall-error with errno"},
}

// errnos are scsh's errno/NAME variables, with Linux values.
var errnos = []struct {
	name string
	val  int
}{
	{"errno/perm", 1}, {"errno/noent", 2}, {"errno/intr", 4}, {"errno/io", 5},
	{"errno/badf", 9}, {"errno/again", 11}, {"errno/acces", 13}, {"errno/exist", 17},
	{"errno/notdir", 20}, {"errno/isdir", 21}, {"errno/inval", 22}, {"errno/nospc", 28},
	{"errno/pipe", 32}, {"errno/timedout", 110}, {"errno/connrefused", 111},
}

// errnoDocs documents errnos: "errno/noent: the errno value ENOENT (2)".
var errnoDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, len(errnos))
	for i, en := range errnos {
		lines[i] = interp.DocLine{Name: en.name, Doc: en.name + ": the errno value E" + strings.ToUpper(en.name[len("errno/"):]) + " (" + strconv.Itoa(en.val) + ")"}
	}
	return lines
}()

var portDocs = []interp.DocLine{
	{Name: "with-current-output-port*", Doc: "(with-current-output-port* port thunk): call thunk with port as the current output port"},
	{Name: "with-current-input-port*", Doc: "(with-current-input-port* port thunk): call thunk with port as the current input port"},
	{Name: "with-current-error-port*", Doc: "(with-current-error-port* port thunk): call thunk with port as the current error port"},
	{Name: "with-error-output-port*", Doc: "(with-error-output-port* port thunk): call thunk with port as the current error port"},
	{Name: "with-current-output-port", Doc: "(with-current-output-port port body ...): run body with port as the current output port"},
	{Name: "with-current-input-port", Doc: "(with-current-input-port port body ...): run body with port as the current input port"},
	{Name: "with-current-error-port", Doc: "(with-current-error-port port body ...): run body with port as the current error port"},
	{Name: "with-error-output-port", Doc: "(with-error-output-port port body ...): run body with port as the current error port"},
	{Name: "call-with-string-output-port", Doc: "(call-with-string-output-port proc): call proc with a string output port; what it wrote"},
	{Name: "call-with-input-string", Doc: "(call-with-input-string string proc): call proc with an input port reading string"},
	{Name: "port->list", Doc: "(port->list reader [port]): the values reader reads from port until end of file"},
	{Name: "port->sexp-list", Doc: "(port->sexp-list [port]): the data read from port until end of file"},
	{Name: "port-fold", Doc: "(port-fold port reader op seed ...): fold op over the values reader reads from port"},
	{Name: "close-after", Doc: "(close-after port proc): (proc port), closing port afterwards"},
	{Name: "read-crlf-line", Doc: "(read-crlf-line [port handle-newline]): read-line that also drops a CR before the LF"},
	{Name: "read-string!", Doc: "(read-string! string [port start end]): read characters into string; their count, or eof"},
	{Name: "make-char-port-filter", Doc: "(make-char-port-filter filter): a procedure copying current input to output through (filter char)"},
	{Name: "char-filter", Doc: "(char-filter filter): scsh 0.5's name of make-char-port-filter"},
	{Name: "make-string-port-filter", Doc: "(make-string-port-filter filter [buflen]): a procedure copying input to output through (filter string)"},
}

// openFlagDocs documents openFlags.
var openFlagDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, len(openFlags))
	for i, f := range openFlags {
		lines[i] = interp.DocLine{Name: f.name, Doc: f.name + ": " + f.doc}
	}
	return lines
}()

var systemDocs = []interp.DocLine{
	{Name: "argv", Doc: "(argv n [default]): element n of (command-line), else default"},
	{Name: "arg", Doc: "(arg list n [default]): element n (from 1) of list, else default"},
	{Name: "arg*", Doc: "(arg* list n [default-thunk]): element n (from 1) of list, else the value of default-thunk"},
	{Name: "command-line-arguments", Doc: "command-line-arguments: the script's arguments, after its name (a list of strings)"},
	{Name: "home-directory", Doc: "home-directory: the user's home directory ($HOME)"},
	{Name: "with-cwd*", Doc: "(with-cwd* dir thunk): call thunk with dir as the working directory"},
	{Name: "with-cwd", Doc: "(with-cwd dir body ...): run body with dir as the working directory"},
	{Name: "*temp-file-template*", Doc: "*temp-file-template*: the format of temp-file-iterate's names (~a is replaced)"},
	{Name: "temp-file-iterate", Doc: "(temp-file-iterate maker [template]): call maker on new names until it returns true values"},
	{Name: "file-options", Doc: "(file-options name ...): the open/... flags named (create, write, append ...), or-ed"},
	{Name: "file-mode?", Doc: "(file-mode? obj): whether obj is a file mode (an integer 0 to #o7777)"},
	{Name: "integer->file-mode", Doc: "(integer->file-mode n): the file mode of n"},
	{Name: "file-mode->integer", Doc: "(file-mode->integer mode): the integer of mode"},
	{Name: "file-mode=?", Doc: "(file-mode=? a b): whether the modes are equal"},
	{Name: "file-mode<=?", Doc: "(file-mode<=? a b): whether a's bits are all in b"},
	{Name: "file-mode>=?", Doc: "(file-mode>=? a b): whether b's bits are all in a"},
	{Name: "file-mode+", Doc: "(file-mode+ mode ...): the union of the modes"},
	{Name: "file-mode-", Doc: "(file-mode- a b): a without b's bits"},
	{Name: "type/date", Doc: "type/date: the record type of dates"},
}

var stringDocs = []interp.DocLine{
	{Name: "safe-first", Doc: "(safe-first x): the car of x if it is a pair, else #f"},
	{Name: "safe-second", Doc: "(safe-second x): the cadr of x if it is a list of two or more, else #f"},
	{Name: "string-for-each", Doc: "(string-for-each proc string [start end]): call proc on each character (also R7RS's several strings)"},
	{Name: "string-map", Doc: "(string-map proc string [start end]): the string of (proc char) (also R7RS's several strings)"},
	{Name: "string-upcase", Doc: "(string-upcase string [start end]): string, or its part, in upper case"},
	{Name: "string-downcase", Doc: "(string-downcase string [start end]): string, or its part, in lower case"},
	{Name: "reverse-list->string", Doc: "(reverse-list->string chars): the string of the list chars reversed"},
}

// charSetConsts are the SRFI 14 standard char-sets the layer defines, with
// the class they are made of (see namedCharSet; "" is the empty set).
var charSetConsts = []struct {
	name, class, doc string
}{
	{"char-set:whitespace", "whitespace", "char-set:whitespace: the whitespace characters"},
	{"char-set:letter", "alpha", "char-set:letter: the letters"},
	{"char-set:digit", "digit", "char-set:digit: the decimal digits"},
	{"char-set:letter+digit", "alnum", "char-set:letter+digit: the letters and digits"},
	{"char-set:upper-case", "upper-case", "char-set:upper-case: the upper-case letters"},
	{"char-set:lower-case", "lower-case", "char-set:lower-case: the lower-case letters"},
	{"char-set:punctuation", "punctuation", "char-set:punctuation: the punctuation characters"},
	{"char-set:graphic", "graphic", "char-set:graphic: the printing characters but space"},
	{"char-set:printing", "printing", "char-set:printing: the printing characters, space included"},
	{"char-set:blank", "blank", "char-set:blank: space and tab"},
	{"char-set:iso-control", "cntrl", "char-set:iso-control: the control characters"},
	{"char-set:hex-digit", "hex-digit", "char-set:hex-digit: the hexadecimal digits"},
	{"char-set:symbol", "symbol", "char-set:symbol: the symbol characters ($+<=>^`|~)"},
	{"char-set:ascii", "ascii", "char-set:ascii: the characters 0 to 127"},
	{"char-set:title-case", "", "char-set:title-case: the title-case letters (none: the classes are ASCII's)"},
	{"char-set:full", "any", "char-set:full: every character"},
	{"char-set:empty", "", "char-set:empty: no character"},
}

var charSetConstDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, len(charSetConsts))
	for i, c := range charSetConsts {
		lines[i] = interp.DocLine{Name: c.name, Doc: c.doc}
	}
	return lines
}()

var regexpDocs = []interp.DocLine{
	{Name: "rx", Doc: "(rx sre ...): the regexp of the SREs (strings, chars, (: ...), (or ...), (* ...), (submatch ...), ,expr ...)"},
	{Name: "regexp-fold", Doc: "(regexp-fold re kons knil string [finish start]): fold (kons i match acc) over the matches of re"},
	{Name: "regexp-fold-right", Doc: "(regexp-fold-right re kons knil string [finish start]): fold over the matches of re, from the right"},
	{Name: "regexp-for-each", Doc: "(regexp-for-each re proc string [start]): call (proc match) on each match of re in string"},
	{Name: "let-string-start+end", Doc: "(let-string-start+end (start end [rest]) proc string args body ...): bind start and end from the optional arguments args (and the rest of them)"},
	{Name: "let-match", Doc: "(let-match match (var ...) body ...): bind the vars to the submatches of match (#f skips one)"},
	{Name: "if-match", Doc: "(if-match match (var ...) then else): let-match when match is true, else the else form"},
	{Name: "match-cond", Doc: "(match-cond (match (var ...) body ...) ... [(test body ...)] [(else body ...)]): the first clause that matches"},
	{Name: "re-trivial", Doc: "re-trivial: the regexp matching the empty string"},
	{Name: "re-empty", Doc: "re-empty: the regexp matching nothing"},
	{Name: "re-bos", Doc: "re-bos: the regexp matching the beginning of the string"},
	{Name: "re-eos", Doc: "re-eos: the regexp matching the end of the string"},
	{Name: "re-bol", Doc: "re-bol: the regexp matching the beginning of a line"},
	{Name: "re-eol", Doc: "re-eol: the regexp matching the end of a line"},
	{Name: "re-any", Doc: "re-any: the regexp matching any character"},
	{Name: "re-nonl", Doc: "re-nonl: the regexp matching any character but newline"},
}

var awkDocs = []interp.DocLine{
	{Name: "awk", Doc: "(awk (reader port) (field ...) [counter] state-inits clause ...): scsh's awk loop over records"},
	{Name: "awk/posix-string", Doc: "(awk/posix-string ...): awk whose string tests are POSIX regexp strings"},
	{Name: "field-reader", Doc: "(field-reader [field-parser reader]): a procedure reading a record and its fields from a port"},
}

var envDocs = []interp.DocLine{
	{Name: "with-env*", Doc: "(with-env* alist thunk): call thunk with the environment changed by alist"},
	{Name: "with-total-env*", Doc: "(with-total-env* alist thunk): call thunk with alist as the whole environment"},
	{Name: "with-env", Doc: "(with-env alist body ...): run body with the environment changed by alist (implicitly quasiquoted)"},
	{Name: "with-total-env", Doc: "(with-total-env alist body ...): run body with alist as the whole environment"},
	{Name: "alist-update", Doc: "(alist-update key value alist): alist with key's entries replaced by (key . value) in front"},
	{Name: "alist-compress", Doc: "(alist-compress alist): alist with only the first entry of each key"},
	{Name: "add-before", Doc: "(add-before elt before list): list with elt inserted before before (at the end if absent)"},
	{Name: "add-after", Doc: "(add-after elt after list): list with elt inserted after after (at the front if absent)"},
}

var srfi13Docs = []interp.DocLine{
	{Name: "string-take", Doc: "(string-take string n): the first n characters of string"},
	{Name: "string-drop", Doc: "(string-drop string n): string without its first n characters"},
	{Name: "string-take-right", Doc: "(string-take-right string n): the last n characters of string"},
	{Name: "string-drop-right", Doc: "(string-drop-right string n): string without its last n characters"},
	{Name: "string-every", Doc: "(string-every pred string [start end]): whether every character matches pred (char, char-set or procedure)"},
	{Name: "string-any", Doc: "(string-any pred string [start end]): whether some character matches pred"},
	{Name: "string-tabulate", Doc: "(string-tabulate proc len): the string of (proc i) for i below len"},
	{Name: "string-count", Doc: "(string-count string pred [start end]): the number of characters matching pred"},
	{Name: "string-skip", Doc: "(string-skip string pred [start end]): the index of the first character not matching pred, or #f"},
	{Name: "string-skip-right", Doc: "(string-skip-right string pred [start end]): the index of the last character not matching pred, or #f"},
	{Name: "string-rindex", Doc: "(string-rindex string pred [start end]): string-index-right"},
	{Name: "string-fold", Doc: "(string-fold kons knil string [start end]): fold (kons char acc) left to right"},
	{Name: "string-fold-right", Doc: "(string-fold-right kons knil string [start end]): fold (kons char acc) right to left"},
	{Name: "string-for-each-index", Doc: "(string-for-each-index proc string [start end]): call proc on each index of string, left to right"},
	{Name: "reverse-string->list", Doc: "(reverse-string->list string [start end]): the characters of string, last first"},
	{Name: "string-reverse", Doc: "(string-reverse string [start end]): string reversed"},
	{Name: "string-reverse!", Doc: "(string-reverse! string [start end]): reverse string in place"},
	{Name: "string-concatenate-reverse", Doc: "(string-concatenate-reverse strings [final end]): the strings joined in reverse order"},
	{Name: "string-append/shared", Doc: "(string-append/shared string ...): the strings joined"},
	{Name: "string-concatenate/shared", Doc: "(string-concatenate/shared strings): the strings of the list joined"},
	{Name: "substring/shared", Doc: "(substring/shared string start [end]): the part of string from start to end"},
	{Name: "string-replace", Doc: "(string-replace s1 s2 start1 end1 [start2 end2]): s1 with its part start1..end1 replaced by s2"},
	{Name: "string-filter", Doc: "(string-filter pred string [start end]): the characters of string matching pred"},
	{Name: "string-delete", Doc: "(string-delete pred string [start end]): the characters of string not matching pred"},
	{Name: "string-contains-ci", Doc: "(string-contains-ci s1 s2 [start1 end1 start2 end2]): the index of s2 in s1 ignoring case, or #f"},
	{Name: "string-titlecase", Doc: "(string-titlecase string [start end]): string with each word capitalised"},
	{Name: "string-upcase!", Doc: "(string-upcase! string [start end]): upcase string in place"},
	{Name: "string-downcase!", Doc: "(string-downcase! string [start end]): downcase string in place"},
	{Name: "string-map!", Doc: "(string-map! proc string [start end]): replace each character c of string by (proc c)"},
	{Name: "xsubstring", Doc: "(xsubstring string from [to start end]): the characters from..to of string repeated endlessly"},
	{Name: "string-xcopy!", Doc: "(string-xcopy! target tstart string from [to start end]): copy an xsubstring into target"},
	{Name: "string-prefix-length", Doc: "(string-prefix-length s1 s2 [start1 end1 start2 end2]): the length of the common prefix"},
	{Name: "string-prefix-length-ci", Doc: "(string-prefix-length-ci s1 s2 [start1 end1 start2 end2]): the common prefix's length, ignoring case"},
	{Name: "string-suffix-length", Doc: "(string-suffix-length s1 s2 [start1 end1 start2 end2]): the length of the common suffix"},
	{Name: "string-suffix-length-ci", Doc: "(string-suffix-length-ci s1 s2 [start1 end1 start2 end2]): the common suffix's length, ignoring case"},
	{Name: "string-compare", Doc: "(string-compare s1 s2 lt eq gt [start1 end1 start2 end2]): call lt, eq or gt on the mismatch index"},
	{Name: "string-compare-ci", Doc: "(string-compare-ci s1 s2 lt eq gt [start1 end1 start2 end2]): string-compare ignoring case"},
	{Name: "string=", Doc: "(string= s1 s2 [start1 end1 start2 end2]): whether the strings are equal"},
	{Name: "string<>", Doc: "(string<> s1 s2 [start1 end1 start2 end2]): whether the strings differ"},
	{Name: "string<", Doc: "(string< s1 s2 [start1 end1 start2 end2]): whether s1 sorts before s2"},
	{Name: "string>", Doc: "(string> s1 s2 [start1 end1 start2 end2]): whether s1 sorts after s2"},
	{Name: "string<=", Doc: "(string<= s1 s2 [start1 end1 start2 end2]): whether s1 does not sort after s2"},
	{Name: "string>=", Doc: "(string>= s1 s2 [start1 end1 start2 end2]): whether s1 does not sort before s2"},
	{Name: "string-ci=", Doc: "(string-ci= s1 s2 [start1 end1 start2 end2]): string= ignoring case"},
	{Name: "string-ci<>", Doc: "(string-ci<> s1 s2 [start1 end1 start2 end2]): string<> ignoring case"},
	{Name: "string-ci<", Doc: "(string-ci< s1 s2 [start1 end1 start2 end2]): string< ignoring case"},
	{Name: "string-ci>", Doc: "(string-ci> s1 s2 [start1 end1 start2 end2]): string> ignoring case"},
	{Name: "string-ci<=", Doc: "(string-ci<= s1 s2 [start1 end1 start2 end2]): string<= ignoring case"},
	{Name: "string-ci>=", Doc: "(string-ci>= s1 s2 [start1 end1 start2 end2]): string>= ignoring case"},
	{Name: "string-hash", Doc: "(string-hash string [bound start end]): a hash of string below bound"},
	{Name: "string-hash-ci", Doc: "(string-hash-ci string [bound start end]): a hash of string ignoring case"},
	{Name: "string-unfold", Doc: "(string-unfold stop? mapper successor seed [base make-final]): a string built left to right from seed"},
	{Name: "string-titlecase!", Doc: "(string-titlecase! string [start end]): capitalise each word of string, or of its part, in place"},
	{Name: "string-concatenate-reverse/shared", Doc: "(string-concatenate-reverse/shared strings [final end]): string-concatenate-reverse"},
	{Name: "substring-spec-ok?", Doc: "(substring-spec-ok? string start end): whether [start, end) is a range of string"},
	{Name: "check-substring-spec", Doc: "(check-substring-spec proc string start end): raise proc's error unless [start, end) is a range of string"},
	{Name: "string-parse-start+end", Doc: "(string-parse-start+end proc string args): the rest of args, start and end (args may begin with start and end), three values"},
	{Name: "string-parse-final-start+end", Doc: "(string-parse-final-start+end proc string args): start and end from args, which may hold nothing else"},
	{Name: "make-kmp-restart-vector", Doc: "(make-kmp-restart-vector pattern [c= start end]): the restart vector of a Knuth-Morris-Pratt search for pattern"},
	{Name: "kmp-step", Doc: "(kmp-step pattern rv char i c= p-start): the search state after char in state i"},
	{Name: "string-kmp-partial-search", Doc: "(string-kmp-partial-search pattern rv string i [c= p-start s-start s-end]): -(index past the match), or the state at the end"},
	{Name: "string-unfold-right", Doc: "(string-unfold-right stop? mapper successor seed [base make-final]): a string built right to left"},
}

var srfi14Docs = []interp.DocLine{
	{Name: "char-set-for-each", Doc: "(char-set-for-each proc cset): call proc on each character of cset"},
	{Name: "char-set-map", Doc: "(char-set-map proc cset): the char-set of (proc char) for the characters of cset"},
	{Name: "char-set-fold", Doc: "(char-set-fold kons knil cset): fold kons over the characters of cset"},
	{Name: "char-set-filter", Doc: "(char-set-filter pred cset [base]): the characters of cset satisfying pred (added to base)"},
	{Name: "char-set-count", Doc: "(char-set-count pred cset): the number of characters of cset satisfying pred"},
	{Name: "char-set-every", Doc: "(char-set-every pred cset): whether every character of cset satisfies pred"},
	{Name: "char-set-any", Doc: "(char-set-any pred cset): whether some character of cset satisfies pred"},
	{Name: "char-set-cursor", Doc: "(char-set-cursor cset): a cursor on the first character of cset"},
	{Name: "char-set-ref", Doc: "(char-set-ref cset cursor): the character at cursor"},
	{Name: "char-set-cursor-next", Doc: "(char-set-cursor-next cset cursor): the cursor on the next character"},
	{Name: "end-of-char-set?", Doc: "(end-of-char-set? cursor): whether cursor is past the last character"},
	{Name: "char-set->string", Doc: "(char-set->string cset): the characters of cset as a string"},
	{Name: "char-set-unfold", Doc: "(char-set-unfold stop? mapper successor seed [base]): the char-set built from seed (added to base)"},
	{Name: "char-set-diff+intersection", Doc: "(char-set-diff+intersection cset1 cset ...): the characters of cset1 in no other cset and those in some other, two values"},
	{Name: "list->char-set!", Doc: "(list->char-set! chars base): list->char-set"},
	{Name: "string->char-set!", Doc: "(string->char-set! string base): the characters of string added to base"},
	{Name: "char-set-filter!", Doc: "(char-set-filter! pred cset base): char-set-filter"},
	{Name: "ucs-range->char-set!", Doc: "(ucs-range->char-set! start end error? base): ucs-range->char-set"},
	{Name: "char-set-unfold!", Doc: "(char-set-unfold! stop? mapper successor seed base): char-set-unfold"},
	{Name: "char-set-adjoin!", Doc: "(char-set-adjoin! cset char ...): char-set-adjoin"},
	{Name: "char-set-delete!", Doc: "(char-set-delete! cset char ...): char-set-delete"},
	{Name: "char-set-complement!", Doc: "(char-set-complement! cset): char-set-complement"},
	{Name: "char-set-union!", Doc: "(char-set-union! cset ...): char-set-union"},
	{Name: "char-set-intersection!", Doc: "(char-set-intersection! cset ...): char-set-intersection"},
	{Name: "char-set-difference!", Doc: "(char-set-difference! cset1 cset ...): char-set-difference"},
	{Name: "char-set-xor!", Doc: "(char-set-xor! cset ...): char-set-xor"},
	{Name: "char-set-diff+intersection!", Doc: "(char-set-diff+intersection! cset1 cset ...): char-set-diff+intersection"},
}

var srfi1Docs = []interp.DocLine{
	{Name: "xcons", Doc: "(xcons a b): (cons b a)"},
	{Name: "car+cdr", Doc: "(car+cdr pair): the car and the cdr of pair, two values"},
	{Name: "take-right", Doc: "(take-right list k): the last k elements of list"},
	{Name: "drop-right", Doc: "(drop-right list k): list without its last k elements"},
	{Name: "split-at", Doc: "(split-at list k): the first k elements and the rest, two values"},
	{Name: "take!", Doc: "(take! list k): the first k elements of list"},
	{Name: "drop-right!", Doc: "(drop-right! list k): list without its last k elements"},
	{Name: "split-at!", Doc: "(split-at! list k): the first k elements and the rest, two values"},
	{Name: "filter!", Doc: "(filter! pred list): the elements satisfying pred"},
	{Name: "remove!", Doc: "(remove! pred list): the elements not satisfying pred"},
	{Name: "delete!", Doc: "(delete! x list [=]): list without the elements equal to x"},
	{Name: "append-map!", Doc: "(append-map! proc list ...): the results of proc appended"},
	{Name: "map-in-order", Doc: "(map-in-order proc list ...): map, calling proc from left to right"},
	{Name: "concatenate", Doc: "(concatenate lists): the lists appended"},
	{Name: "span", Doc: "(span pred list): the longest prefix satisfying pred and the rest, two values"},
	{Name: "break", Doc: "(break pred list): the longest prefix not satisfying pred and the rest, two values"},
	{Name: "span!", Doc: "(span! pred list): span"},
	{Name: "break!", Doc: "(break! pred list): break"},
	{Name: "unfold", Doc: "(unfold stop? mapper successor seed [tail-gen]): the list built from seed left to right"},
	{Name: "unfold-right", Doc: "(unfold-right stop? mapper successor seed [tail]): the list built from seed right to left"},
	{Name: "pair-fold", Doc: "(pair-fold kons knil list): fold kons over the successive tails of list"},
	{Name: "pair-for-each", Doc: "(pair-for-each proc list): call proc on the successive tails of list"},
	{Name: "lset-adjoin", Doc: "(lset-adjoin = list elt ...): list with the elts not yet in it added"},
	{Name: "lset-union", Doc: "(lset-union = list ...): the union of the lists as sets"},
	{Name: "lset-intersection", Doc: "(lset-intersection = list1 list ...): the elements of list1 in every list"},
	{Name: "lset-difference", Doc: "(lset-difference = list1 list ...): the elements of list1 in no other list"},
	{Name: "lset<=", Doc: "(lset<= = list ...): whether each list is a subset of the next"},
	{Name: "lset=", Doc: "(lset= = list ...): whether the lists are equal as sets"},
	{Name: "alist-copy", Doc: "(alist-copy alist): a copy of alist with fresh pairs"},
	{Name: "alist-delete", Doc: "(alist-delete key alist [=]): alist without the entries of key"},
	{Name: "alist-delete!", Doc: "(alist-delete! key alist [=]): alist without the entries of key"},
	{Name: "pair-fold-right", Doc: "(pair-fold-right kons knil list ...): fold kons over the successive tails of the lists, from the right"},
	{Name: "circular-list", Doc: "(circular-list elt ...): a circular list of the elts"},
	{Name: "proper-list?", Doc: "(proper-list? obj): whether obj is a finite list ending in ()"},
	{Name: "circular-list?", Doc: "(circular-list? obj): whether obj is a circular list"},
	{Name: "dotted-list?", Doc: "(dotted-list? obj): whether obj is a finite list not ending in () (any non-pair but ())"},
	{Name: "not-pair?", Doc: "(not-pair? obj): whether obj is not a pair"},
	{Name: "null-list?", Doc: "(null-list? list): whether list is (); an error for a non-list"},
	{Name: "length+", Doc: "(length+ list): the length of list, or #f when it is circular"},
	{Name: "list=", Doc: "(list= elt= list ...): whether the lists have the same length and elt= elements"},
	{Name: "sixth", Doc: "(sixth list): the sixth element of list"},
	{Name: "seventh", Doc: "(seventh list): the seventh element of list"},
	{Name: "eighth", Doc: "(eighth list): the eighth element of list"},
	{Name: "ninth", Doc: "(ninth list): the ninth element of list"},
	{Name: "tenth", Doc: "(tenth list): the tenth element of list"},
	{Name: "zip", Doc: "(zip list1 list ...): lists of the elements at each position, as (map list list1 list ...)"},
	{Name: "unzip1", Doc: "(unzip1 lists): the first elements of lists"},
	{Name: "unzip2", Doc: "(unzip2 lists): the first and the second elements of lists, two values"},
	{Name: "unzip3", Doc: "(unzip3 lists): the first three elements of lists, three values"},
	{Name: "unzip4", Doc: "(unzip4 lists): the first four elements of lists, four values"},
	{Name: "unzip5", Doc: "(unzip5 lists): the first five elements of lists, five values"},
	{Name: "alist-cons", Doc: "(alist-cons key datum alist): alist with (key . datum) in front"},
	{Name: "lset-xor", Doc: "(lset-xor = list ...): the elements in an odd number of the lists (as sets)"},
	{Name: "lset-diff+intersection", Doc: "(lset-diff+intersection = list1 list ...): the elements of list1 in no other list and those in some other, two values"},
	{Name: "concatenate!", Doc: "(concatenate! lists): the lists appended"},
	{Name: "map!", Doc: "(map! proc list ...): map"},
	{Name: "partition!", Doc: "(partition! pred list): partition"},
	{Name: "take-while!", Doc: "(take-while! pred list): take-while"},
	{Name: "delete-duplicates!", Doc: "(delete-duplicates! list [=]): delete-duplicates"},
	{Name: "lset-union!", Doc: "(lset-union! = list ...): lset-union"},
	{Name: "lset-intersection!", Doc: "(lset-intersection! = list1 list ...): lset-intersection"},
	{Name: "lset-difference!", Doc: "(lset-difference! = list1 list ...): lset-difference"},
	{Name: "lset-xor!", Doc: "(lset-xor! = list ...): lset-xor"},
	{Name: "lset-diff+intersection!", Doc: "(lset-diff+intersection! = list1 list ...): lset-diff+intersection"},
	{Name: "del-assq", Doc: "(del-assq key alist): alist without the entries of key (eq?)"},
	{Name: "del-assv", Doc: "(del-assv key alist): alist without the entries of key (eqv?)"},
	{Name: "del-assoc", Doc: "(del-assoc key alist): alist without the entries of key (equal?)"},
	{Name: "args-fold", Doc: "(args-fold args options unrecognized-proc operand-proc seed ...): fold the options' processors and operand-proc over args (SRFI 37); the final seeds"},
}

var processDocs = []interp.DocLine{
	{Name: "run", Doc: "(run pf redir ...): run the process form and wait; its exit status"},
	{Name: "run/strings", Doc: "(run/strings pf redir ...): run the process form; its output as a list of lines"},
	{Name: "run/string", Doc: "(run/string pf redir ...): run the process form; its output as a string"},
	{Name: "run/port", Doc: "(run/port pf redir ...): run the process form; an input port on its output"},
	{Name: "run/port+proc", Doc: "(run/port+proc pf redir ...): run the process form; a port on its output and its proc"},
	{Name: "run/sexp", Doc: "(run/sexp pf redir ...): run the process form; the datum it prints"},
	{Name: "run/sexps", Doc: "(run/sexps pf redir ...): run the process form; the data it prints, as a list"},
	{Name: "run/file", Doc: "(run/file pf redir ...): run the process form into a temporary file; its name"},
	{Name: "run/collecting", Doc: "(run/collecting (fd ...) pf ...): run the process form; its status and ports on the fds' output"},
	{Name: "&", Doc: "(& pf redir ...): start the process form in the background; its proc"},
	{Name: "exec-epf", Doc: "(exec-epf pf redir ...): run the process form in place of the program (or the stage)"},
	{Name: "||", Doc: "(|| pf ...): run the process forms until one succeeds"},
	{Name: "&&", Doc: "(&& pf ...): run the process forms while they succeed"},
	{Name: "run/port*", Doc: "(run/port* thunk): run thunk as a stage; an input port on its output"},
	{Name: "run/port+proc*", Doc: "(run/port+proc* thunk): run thunk as a stage; a port on its output and its proc"},
	{Name: "run/string*", Doc: "(run/string* thunk): run thunk as a stage; its output as a string"},
	{Name: "run/strings*", Doc: "(run/strings* thunk): run thunk as a stage; its output as a list of lines"},
	{Name: "run/sexp*", Doc: "(run/sexp* thunk): run thunk as a stage; the datum it prints"},
	{Name: "run/sexps*", Doc: "(run/sexps* thunk): run thunk as a stage; the data it prints"},
	{Name: "run/collecting*", Doc: "(run/collecting* fds thunk): run thunk as a stage collecting the fds' output"},
	{Name: "run/file*", Doc: "(run/file* thunk): run thunk as a stage into a temporary file; its name"},
	{Name: "exec-path-list", Doc: "exec-path-list: a fluid holding the directories exec-path searches ($PATH)"},
	{Name: "with-umask*", Doc: "(with-umask* mask thunk): call thunk with mask as the file-creation mask"},
	{Name: "with-umask", Doc: "(with-umask mask body ...): run body with mask as the file-creation mask"},
	{Name: "call-terminally", Doc: "(call-terminally thunk): call thunk, then exit with status 0"},
	{Name: "tail-pipe", Doc: "(tail-pipe a b): fork/pipe thunk a, then call b and exit (in a stage: end it)"},
	{Name: "tail-pipe+", Doc: "(tail-pipe+ conns a b): fork/pipe+ conns thunk a, then call b and exit"},
	{Name: "pipe*", Doc: "(pipe* thunk ...): a pipeline of the thunks, each forked into the next; the last is called and the process exits"},
}

var fluidDocs = []interp.DocLine{
	{Name: "make-fluid", Doc: "(make-fluid value): a fluid holding value"},
	{Name: "fluid", Doc: "(fluid f): the value of fluid f"},
	{Name: "set-fluid!", Doc: "(set-fluid! f value): set the value of fluid f"},
	{Name: "let-fluid", Doc: "(let-fluid f value thunk): call thunk with fluid f bound to value"},
	{Name: "let-fluids", Doc: "(let-fluids f value ... thunk): call thunk with the fluids bound to the values"},
	{Name: "make-thread-fluid", Doc: "(make-thread-fluid value): a fluid holding value"},
	{Name: "make-preserved-thread-fluid", Doc: "(make-preserved-thread-fluid value): a fluid holding value"},
	{Name: "thread-fluid", Doc: "(thread-fluid f): the value of fluid f"},
	{Name: "set-thread-fluid!", Doc: "(set-thread-fluid! f value): set the value of fluid f"},
	{Name: "let-thread-fluid", Doc: "(let-thread-fluid f value thunk): call thunk with fluid f bound to value"},
	{Name: "fork-thread", Doc: "(fork-thread thunk [name]): a new thread calling thunk, with its creator's thread fluids (Scheme48's thread-fluids)"},
	{Name: "spoon", Doc: "(spoon thunk [name]): the old name of fork-thread"},
}

var syntaxDocs = []interp.DocLine{
	{Name: "define-record", Doc: "(define-record name field ... [(field default)] ...): a record type with make-name, name?, name:field ..."},
	{Name: "let-optionals", Doc: "(let-optionals rest ((var default) ...) body ...): bind the optional arguments in rest"},
	{Name: "let-optionals*", Doc: "(let-optionals* rest ((var default) ...) body ...): let-optionals, each default seeing the vars before"},
	{Name: ":optional", Doc: "(:optional rest default [test]): the only optional argument in rest, or default"},
	{Name: "receive", Doc: "(receive formals expr body ...): bind formals to the values of expr"},
	{Name: "define-structure", Doc: "(define-structure name interface clause ...): load the structure's files and forms into the global environment"},
	{Name: "define-structures", Doc: "(define-structures ((name interface) ...) clause ...): define-structure for several names"},
	{Name: "define-interface", Doc: "(define-interface name spec): accepted and ignored (one global environment)"},
}

var recordTypeDocs = []interp.DocLine{
	{Name: "type/file-info", Doc: "type/file-info: the record type of file-info records"},
	{Name: "type/host-info", Doc: "type/host-info: the record type of host-info records"},
	{Name: "type/service-info", Doc: "type/service-info: the record type of service-info records"},
	{Name: "type/socket", Doc: "type/socket: the record type of sockets"},
	{Name: "type/user-info", Doc: "type/user-info: the record type of user-info records"},
	{Name: "type/group-info", Doc: "type/group-info: the record type of group-info records"},
	{Name: "type/uname", Doc: "type/uname: the record type of uname records"},
}

// netDocs documents netConstants.
var netDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, len(netConstants))
	for i, c := range netConstants {
		lines[i] = interp.DocLine{Name: c.name, Doc: c.name + ": " + c.doc}
	}
	return lines
}()

// installDocs documents the names bound without a Builtin row.
func (e *scshEnv) installDocs() {
	it := e.it
	it.Document("scsh: conditions", conditionDocs...)
	it.Document("scsh: conditions", errnoDocs...)
	it.Document("scsh: ports", portDocs...)
	it.Document("scsh: ports", openFlagDocs...)
	it.Document("scsh: system", systemDocs...)
	it.Document("scsh: strings and characters", stringDocs...)
	it.Document("SRFI 14: character sets", charSetConstDocs...)
	it.Document("scsh: regular expressions", regexpDocs...)
	it.Document("scsh: awk", awkDocs...)
	it.Document("scsh: environment", envDocs...)
	it.Document("SRFI 13: strings", srfi13Docs...)
	it.Document("SRFI 14: character sets", srfi14Docs...)
	it.Document("SRFI 1: lists", srfi1Docs...)
	it.Document("scsh: process notation", processDocs...)
	it.Document("scsh: tables", fluidDocs...)
	it.Document("scsh: records and syntax", syntaxDocs...)
	it.Document("scsh: records and syntax", recordTypeDocs...)
	it.Document("scsh: networking", netDocs...)
	it.Document("Scheme48: big-util", bigUtilDocs...)
	it.Document("Scheme48: cells, threads and the pretty printer", s48ExtraDocs...)
	it.Document("Scheme48: sorting", sortDocs...)
	it.Document("Scheme48: queues", queueDocs...)
	it.Document("Scheme48: finite types and enum sets", enumDocs...)
}
