package interp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"popsh/interp/num"
)

// ErrIncomplete is the cause of a read error when the input ends inside an
// open datum (an unclosed list, string or block comment). A REPL tests for it
// with errors.Is to ask for more input instead of reporting an error.
var ErrIncomplete = errors.New("incomplete datum")

// maxReadDepth bounds the nesting of data the reader accepts, so that a
// hostile input cannot exhaust the Go stack.
const maxReadDepth = 10000

// Reader reads Scheme data from text. It records the source position of
// every pair it builds (see Positions).
type Reader struct {
	src      *bufio.Reader
	file     string
	line     int
	col      int
	prevCol  int
	foldCase bool
	depth    int
	labels   map[int]Value
	pos      map[*Pair]Pos
	last     Pos
	// unread stack for lookahead beyond what bufio.Reader can unread
	back []rune
	// fromSrc says the last rune came straight from src (so one rune can be
	// given back to src itself, leaving src positioned right after a datum)
	fromSrc bool
	// sourceFile says src is a whole source file (load, include, a script):
	// a leading byte-order mark is skipped, and a first line starting with
	// "#!" without a later "!#" line is a one-line comment.
	sourceFile bool
	// started says the first Read has begun (the file-start rules are done)
	started bool
	// it, when set, gives the read limit and the interrupt flag
	it *Interp
	// used counts the cost of the datum being read (bytes, plus
	// elementCost per element); poll is when to next look at the
	// interrupt flag
	used, poll int
	// what names the source in a read-limit error ("#<input-port f>")
	what string
	// atEOF says src reported the end of its input during this Read: it
	// is not asked again. A terminal reports an end of file for each
	// Ctrl-D and then waits for keys: asking again (the lookahead after
	// the end) made (read) wait for a second Ctrl-D, and for ever inside
	// an unfinished datum.
	atEOF bool
}

// readAbort carries an error from deep inside the reader (a failing
// source, the read limit, an interrupt) out to Read.
type readAbort struct{ err error }

// NewReader returns a reader of the text in src; filename names it in
// positions and messages.
func NewReader(src io.Reader, filename string) *Reader {
	br, ok := src.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(src)
	}
	return &Reader{src: br, file: filename, line: 1, col: 0, pos: make(map[*Pair]Pos)}
}

// Positions returns the side table from each pair read so far to its
// source position.
func (r *Reader) Positions() map[*Pair]Pos { return r.pos }

// LastPos returns the position where the last datum read starts.
func (r *Reader) LastPos() Pos { return r.last }

// SetFoldCase switches case folding of symbols and character names on or off
// (as #!fold-case and #!no-fold-case do).
func (r *Reader) SetFoldCase(on bool) { r.foldCase = on }

const eofRune = -1

func (r *Reader) next() rune {
	var c rune
	if n := len(r.back); n > 0 {
		c = r.back[n-1]
		r.back = r.back[:n-1]
		r.fromSrc = false
	} else {
		if r.atEOF {
			r.fromSrc = false
			return eofRune
		}
		var size int
		var err error
		c, size, err = r.src.ReadRune()
		if err != nil {
			r.fromSrc = false
			if err != io.EOF {
				panic(readAbort{r.sourceError(err)})
			}
			r.atEOF = true
			return eofRune
		}
		r.fromSrc = true
		if r.used += size; r.used >= r.poll {
			r.check()
		}
	}
	if c == '\n' {
		r.line++
		r.prevCol = r.col
		r.col = 0
	} else {
		r.col++
	}
	return c
}

func (r *Reader) unread(c rune) {
	if c == eofRune {
		return
	}
	if c == '\n' {
		r.line--
		r.col = r.prevCol
	} else {
		r.col--
	}
	if r.fromSrc && len(r.back) == 0 {
		r.fromSrc = false
		if r.src.UnreadRune() == nil {
			return
		}
	}
	r.fromSrc = false
	r.back = append(r.back, c)
}

// charge adds n to the cost of the datum being read.
func (r *Reader) charge(n int) {
	if r.used += n; r.used >= r.poll {
		r.check()
	}
}

// check fails beyond the read limit, and looks at the interrupt flag; it
// runs every pollEvery bytes.
func (r *Reader) check() {
	max := r.it.MaxRead()
	if r.used > max {
		what := r.what
		if what == "" {
			what = r.file
		}
		panic(readAbort{readLimitError(what, "datum", max)})
	}
	r.poll = min(r.used+pollEvery, max+1)
	if err := r.it.interrupted(); err != nil {
		panic(readAbort{err})
	}
}

// sourceError is the error for a source that failed (not at its end).
func (r *Reader) sourceError(err error) error {
	var eo *ErrorObject
	if errors.As(err, &eo) {
		return eo
	}
	what := r.what
	if what == "" {
		what = r.file
	}
	return &ErrorObject{Kind: KindReadError, Who: "read", Message: "I/O error on " + what + ": " + err.Error(), Pos: r.here(), Cause: err}
}

func (r *Reader) peek() rune {
	c := r.next()
	r.unread(c)
	return c
}

func (r *Reader) here() Pos { return Pos{File: r.file, Line: r.line, Col: r.col + 1} }

func (r *Reader) errAt(p Pos, format string, args ...any) error {
	return &ErrorObject{Kind: KindReadError, Who: "read", Message: fmt.Sprintf(format, args...), Pos: p}
}

func (r *Reader) incomplete(p Pos, what string) error {
	return &ErrorObject{Kind: KindReadError, Who: "read", Message: "unexpected end of input in " + what, Pos: p, Cause: ErrIncomplete}
}

// isPipeEnd reports whether c may follow scsh's bare pipe symbol | or ||:
// whitespace, a parenthesis or bracket, a comment or the end of input.
func isPipeEnd(c rune) bool {
	switch c {
	case eofRune, '(', ')', '[', ']', ';':
		return true
	}
	return unicode.IsSpace(c)
}

func isDelimiter(c rune) bool {
	switch c {
	case eofRune, '(', ')', '[', ']', '"', ';', '\'', '`', ',':
		return true
	}
	return unicode.IsSpace(c)
}

// skipAtmosphere skips whitespace and comments. It returns an error for an
// unterminated block comment.
func (r *Reader) skipAtmosphere() error {
	for {
		c := r.next()
		switch {
		case c == eofRune:
			return nil
		case unicode.IsSpace(c):
			continue
		case c == ';':
			// the comment ends at a line ending: LF, CR LF or CR
			for c != '\n' && c != '\r' && c != eofRune {
				c = r.next()
			}
		case c == '#':
			p := Pos{File: r.file, Line: r.line, Col: r.col}
			d := r.next()
			switch d {
			case '|':
				if err := r.blockComment(p); err != nil {
					return err
				}
			case ';':
				// #;#;#; ... nests: bound it as data are bounded
				if r.depth++; r.depth > maxReadDepth {
					return r.errAt(p, "datum comments nested too deeply")
				}
				if err := r.skipAtmosphere(); err != nil {
					return err
				}
				v, err := r.read()
				if err != nil {
					if err == io.EOF {
						return r.incomplete(p, "#; datum comment")
					}
					return err
				}
				if v == errDot || v == errClose {
					// the datum a #; comments out cannot be a list's
					// dot or end: "(a #;. b)" and "(a #;)" are errors
					return r.errAt(p, "#; is not followed by a datum")
				}
				r.depth--
			case '!':
				// directive or scsh block comment
				name := r.peekDirective()
				if name == "" {
					if err := r.scshComment(p); err != nil {
						return err
					}
					continue
				}
				switch name {
				case "fold-case", "no-fold-case":
					r.consume(len(name))
					r.foldCase = name == "fold-case"
					continue
				case "r7rs", "r6rs":
					// the language flags other implementations' files
					// start with: nothing to change
					r.consume(len(name))
					continue
				}
				// a datum directive (#!eof ...): leave it for read
				r.unread('!')
				r.unread('#')
				return nil
			default:
				r.unread(d)
				r.unread('#')
				return nil
			}
		default:
			r.unread(c)
			return nil
		}
	}
}

var directives = []string{"fold-case", "no-fold-case", "r7rs", "r6rs", "eof", "default", "unspecific", "optional", "rest"}

// peekDirective looks at the text after "#!" and returns the directive name
// if it is a known one followed by a delimiter; it consumes nothing.
func (r *Reader) peekDirective() string {
	buf, eof := r.lookahead(14, isDelimiter)
	if eof {
		buf = append(buf, eofRune)
	}
	if len(buf) < 2 || !isDelimiter(buf[len(buf)-1]) {
		return ""
	}
	word := string(buf[:len(buf)-1])
	for _, d := range directives {
		if d == word {
			return word
		}
	}
	return ""
}

func (r *Reader) consume(n int) {
	for i := 0; i < n; i++ {
		r.next()
	}
}

func (r *Reader) blockComment(p Pos) error {
	depth := 1
	for depth > 0 {
		c := r.next()
		switch c {
		case eofRune:
			return r.incomplete(p, "#| block comment")
		case '|':
			if r.peek() == '#' {
				r.next()
				depth--
			}
		case '#':
			if r.peek() == '|' {
				r.next()
				depth++
			}
		}
	}
	return nil
}

// fileStart applies the rules for the very start of a source file: skip a
// UTF-8 byte-order mark, then a "#!" header. A header ends at a line holding
// only "!#" (scsh); when no such line follows, only line 1 is a comment
// (SRFI 22, chibi, guile). R7RS directives such as #!fold-case are left to
// the usual rules.
func (r *Reader) fileStart() error {
	if c := r.next(); c != '\uFEFF' {
		r.unread(c)
	} else {
		r.col = 0
	}
	p := r.here()
	if c := r.next(); c != '#' {
		r.unread(c)
		return nil
	}
	if c := r.next(); c != '!' {
		r.unread(c)
		r.unread('#')
		return nil
	}
	if r.peekDirective() != "" {
		r.unread('!')
		r.unread('#')
		return nil
	}
	var rest []rune
	err := r.scshCommentKeep(p, &rest)
	if err == nil || !errors.Is(err, ErrIncomplete) {
		return err
	}
	// no "!#" line: line 1 alone was the header; read the rest again
	i := 0
	for i < len(rest) && rest[i] != '\n' {
		i++
	}
	if i == len(rest) {
		return nil // the file is just the "#!" line
	}
	rest = rest[i+1:]
	r.back = r.back[:0]
	for j := len(rest) - 1; j >= 0; j-- {
		r.back = append(r.back, rest[j])
	}
	r.fromSrc = false
	r.line, r.col, r.prevCol = 2, 0, 0
	return nil
}

// scshComment skips a scsh script header: from "#!" to a line holding only "!#".
func (r *Reader) scshComment(p Pos) error { return r.scshCommentKeep(p, nil) }

// scshCommentKeep is scshComment; when keep is not nil, it also appends to
// *keep every rune it consumes (so the caller can give them back).
func (r *Reader) scshCommentKeep(p Pos, keep *[]rune) error {
	var line strings.Builder
	for {
		c := r.next()
		if c == eofRune {
			return r.incomplete(p, "#! ... !# comment")
		}
		if keep != nil {
			*keep = append(*keep, c)
		}
		if c == '\n' {
			if strings.TrimRight(line.String(), " \t\r") == "!#" {
				return nil
			}
			line.Reset()
			continue
		}
		line.WriteRune(c)
		if line.Len() == 2 && line.String() == "!#" {
			// "!#" at the start of a line followed by EOF or end of line
			nc := r.peek()
			if nc == eofRune || nc == '\n' || nc == '\r' || nc == ' ' || nc == '\t' {
				// consume the rest of this line
				for nc != '\n' && nc != eofRune {
					r.next()
					nc = r.peek()
				}
				if nc == '\n' {
					r.next()
				}
				return nil
			}
		}
	}
}

// Read reads the next datum. At the end of the input it returns io.EOF.
func (r *Reader) Read() (v Value, err error) {
	defer func() {
		if x := recover(); x != nil {
			if a, ok := x.(readAbort); ok {
				v, err = nil, a.err
				return
			}
			v, err = nil, r.errAt(r.here(), "internal reader error: %v", x)
		}
	}()
	r.used, r.poll = 0, 0
	r.atEOF = false
	r.depth = 0
	r.labels = nil
	if r.sourceFile && !r.started {
		r.started = true
		if err := r.fileStart(); err != nil {
			return nil, err
		}
	}
	if err := r.skipAtmosphere(); err != nil {
		return nil, err
	}
	if r.peek() == eofRune {
		return nil, io.EOF
	}
	r.last = Pos{File: r.file, Line: r.line, Col: r.col + 1}
	v, err = r.read()
	if err != nil {
		return nil, err
	}
	if v == errClose {
		return nil, r.errAt(r.last, "unexpected ')'")
	}
	if v == errDot {
		return nil, r.errAt(r.last, "unexpected '.'")
	}
	if r.labels != nil {
		r.resolveLabelChains()
		for n, lv := range r.labels {
			if _, ok := lv.(*labelRef); ok {
				return nil, r.errAt(r.last, "datum label #%d# refers to itself", n)
			}
		}
		v = r.patchLabels(v)
	}
	return v, nil
}

type closeParen struct{}
type dotMarker struct{}

var errClose = &closeParen{}
var errDot = &dotMarker{}

// labelRef is a placeholder for #n# before datum n is complete.
type labelRef struct{ n int }

// read reads one datum after atmosphere. io.EOF if none.
func (r *Reader) read() (Value, error) {
	if err := r.skipAtmosphere(); err != nil {
		return nil, err
	}
	p := r.here()
	c := r.next()
	switch c {
	case eofRune:
		return nil, io.EOF
	case '(', '[':
		return r.readList(p, c)
	case ')', ']':
		return errClose, nil
	case '\'':
		return r.readQuote(p, "quote")
	case '`':
		return r.readQuote(p, "quasiquote")
	case ',':
		if r.peek() == '@' {
			r.next()
			return r.readQuote(p, "unquote-splicing")
		}
		return r.readQuote(p, "unquote")
	case '"':
		s, err := r.readString(p)
		if err != nil {
			return nil, err
		}
		str := NewStringRunes(s)
		str.Immutable = true
		return str, nil
	case '|':
		// "|" or "||" standing alone (followed by whitespace, a parenthesis
		// or the end) is scsh's pipe symbol.
		nc := r.peek()
		if isPipeEnd(nc) && (nc != ';' || !r.barSymbolAhead()) {
			return Intern("|"), nil
		}
		if nc == '|' {
			r.next()
			if isPipeEnd(r.peek()) {
				return Intern("||"), nil
			}
			r.unread('|')
		}
		if r.barSymbolAhead() {
			// R7RS: bars enclose a symbol of any characters, |foo bar|.
			s, err := r.readBarSymbol(p)
			if err != nil {
				return nil, err
			}
			return Intern(s), nil
		}
		// scsh: | is an ordinary symbol character, as in |+ and |-test.
		r.unread('|')
		tok := r.token()
		if r.foldCase {
			tok = foldString(tok)
		}
		return Intern(tok), nil
	case '#':
		return r.readHash(p)
	}
	r.unread(c)
	tok := r.token()
	if tok == "." {
		return errDot, nil
	}
	if v, ok := parseNumberToken(tok, 10); ok {
		return v, nil
	}
	if r.foldCase {
		tok = foldString(tok)
	}
	return Intern(tok), nil
}

func foldString(s string) string { return strings.ToLower(s) }

// token reads characters up to a delimiter; |...| segments inside a symbol
// are taken literally.
func (r *Reader) token() string {
	var b strings.Builder
	for {
		c := r.next()
		if isDelimiter(c) {
			r.unread(c)
			return b.String()
		}
		b.WriteRune(c)
	}
}

func parseNumberToken(tok string, radix int) (Value, bool) {
	if tok == "" {
		return nil, false
	}
	c := tok[0]
	if !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' && c != '#' {
		return nil, false
	}
	return num.Parse(tok, radix)
}

func (r *Reader) readQuote(p Pos, name string) (Value, error) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxReadDepth {
		return nil, r.errAt(p, "data nested too deeply")
	}
	v, err := r.read()
	if err == io.EOF {
		return nil, r.incomplete(p, name)
	}
	if err != nil {
		return nil, err
	}
	if v == errClose || v == errDot {
		return nil, r.errAt(p, "%s: expected a datum", name)
	}
	inner := &Pair{v, Null}
	pr := &Pair{Intern(name), inner}
	if r.pos != nil {
		r.pos[pr] = p
	}
	return pr, nil
}

func (r *Reader) readList(p Pos, open rune) (Value, error) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxReadDepth {
		return nil, r.errAt(p, "data nested too deeply")
	}
	var head, tail *Pair
	for {
		if err := r.skipAtmosphere(); err != nil {
			return nil, err
		}
		ep := r.here()
		v, err := r.read()
		if err == io.EOF {
			return nil, r.incomplete(p, "list")
		}
		if err != nil {
			return nil, err
		}
		if v == errClose {
			if head == nil {
				return Null, nil
			}
			return head, nil
		}
		if v == errDot {
			if head == nil {
				return nil, r.errAt(ep, "unexpected '.'")
			}
			last, err := r.read()
			if err == io.EOF {
				return nil, r.incomplete(p, "list")
			}
			if err != nil {
				return nil, err
			}
			if last == errClose || last == errDot {
				return nil, r.errAt(ep, "expected a datum after '.'")
			}
			tail.Cdr = last
			c, err := r.read()
			if err == io.EOF {
				return nil, r.incomplete(p, "list")
			}
			if err != nil {
				return nil, err
			}
			if c != errClose {
				return nil, r.errAt(ep, "expected ')' after the datum following '.'")
			}
			return head, nil
		}
		r.charge(elementCost)
		np := &Pair{v, Null}
		if head == nil {
			head = np
			if r.pos != nil {
				r.pos[np] = p
			}
		} else {
			tail.Cdr = np
			if r.pos != nil {
				r.pos[np] = ep
			}
		}
		tail = np
	}
}

var charNames = map[string]rune{
	"alarm": 7, "backspace": 8, "delete": 127, "escape": 27, "newline": '\n',
	"null": 0, "return": '\r', "space": ' ', "tab": '\t', "nul": 0,
	"linefeed": '\n', "page": 12, "rubout": 127, "altmode": 27, "vtab": 11,
}

func (r *Reader) readString(p Pos) ([]rune, error) {
	var out []rune
	for {
		c := r.next()
		switch c {
		case eofRune:
			return nil, r.incomplete(p, "string")
		case '"':
			return out, nil
		case '\\':
			e := r.next()
			switch e {
			case eofRune:
				return nil, r.incomplete(p, "string")
			case 'a':
				out = append(out, 7)
			case 'b':
				out = append(out, 8)
			case 't':
				out = append(out, '\t')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 'f':
				out = append(out, 12)
			case 'v':
				out = append(out, 11)
			case '\\', '"', '\'', '?', '|':
				out = append(out, e)
			case 'x', 'X':
				var hex []rune
				for {
					d := r.next()
					if isHex(d) {
						hex = append(hex, d)
						continue
					}
					if d != ';' {
						r.unread(d)
					}
					break
				}
				if len(hex) == 0 {
					return nil, r.errAt(r.here(), "bad \\x escape in string")
				}
				n, err := strconv.ParseUint(string(hex), 16, 32)
				if err != nil || n > unicode.MaxRune {
					return nil, r.errAt(r.here(), "bad \\x escape in string: %s", string(hex))
				}
				out = append(out, rune(n))
			case '0', '1', '2', '3', '4', '5', '6', '7':
				n := int(e - '0')
				for i := 0; i < 2; i++ {
					d := r.next()
					if d >= '0' && d <= '7' {
						n = n*8 + int(d-'0')
					} else {
						r.unread(d)
						break
					}
				}
				out = append(out, rune(n))
			default:
				if e == '\n' || e == ' ' || e == '\t' || e == '\r' {
					// \ <intraline ws>* <newline> <intraline ws>*
					c2 := e
					for c2 == ' ' || c2 == '\t' || c2 == '\r' {
						c2 = r.next()
					}
					if c2 != '\n' {
						return nil, r.errAt(r.here(), "bad escape in string: backslash followed by space")
					}
					c2 = r.next()
					for c2 == ' ' || c2 == '\t' {
						c2 = r.next()
					}
					r.unread(c2)
					continue
				}
				return nil, r.errAt(r.here(), "unknown escape \\%c in string", e)
			}
		default:
			out = append(out, c)
		}
	}
}

func isHex(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// maxBarScan bounds the look-ahead of barSymbolAhead.
const maxBarScan = 1024

// barSymbolAhead decides, just after an opening | that does not stand
// alone, whether the text is an R7RS |symbol| or a scsh symbol that starts
// with | (|+, |-test); see barSymbolFollows. It consumes nothing.
func (r *Reader) barSymbolAhead() bool {
	buf, _ := r.lookahead(maxBarScan, func(c rune) bool { return c == '\n' })
	return barSymbolFollows(buf)
}

// lookahead returns the characters ahead, up to and including the first
// for which stop is true, at most max of them; eof says the input ended
// before. It consumes nothing. It peeks into the source's buffer when it
// can, so that nothing it saw is left in the reader's own unread stack:
// a datum read from a port (read) takes from the port only its own text,
// while what follows stays in the port for the next read.
func (r *Reader) lookahead(limit int, stop func(rune) bool) (out []rune, eof bool) {
	if br := r.src; len(r.back) == 0 {
		n := max(br.Buffered(), 1)
		for {
			b, err := br.Peek(n)
			out = out[:0]
			for i := 0; i < len(b) && utf8.FullRune(b[i:]); {
				c, size := utf8.DecodeRune(b[i:])
				out = append(out, c)
				i += size
				if stop(c) || len(out) >= limit {
					return out, false
				}
			}
			if err != nil || len(b) >= br.Size() {
				return out, err != nil
			}
			n = len(b) + 1
		}
	}
	for len(out) < limit {
		c := r.next()
		if c == eofRune {
			eof = true
			break
		}
		out = append(out, c)
		if stop(c) {
			break
		}
	}
	for i := len(out) - 1; i >= 0; i-- {
		r.unread(out[i])
	}
	return out, eof
}

// barSymbolFollows is the rule for a | that does not stand alone, given
// the text after it: it opens an R7RS |symbol| when a closing | follows
// on the same line, with no parenthesis before it, and a delimiter
// (whitespace, a parenthesis, the end, ...) right after it.
// Otherwise | is a symbol constituent, as in scsh, whose reader has no
// |symbol| syntax.
func barSymbolFollows(rest []rune) bool {
	at := func(i int) rune {
		if i < len(rest) {
			return rest[i]
		}
		return eofRune
	}
	for i := 0; i < len(rest) && i < maxBarScan; i++ {
		switch rest[i] {
		case '\n', '(', ')':
			return false
		case '\\':
			i++
			switch at(i) {
			case eofRune, '\n':
				return false
			case 'x', 'X':
				for isHex(at(i + 1)) {
					i++
				}
				if at(i+1) == ';' {
					i++
				}
			}
		case '|':
			return isDelimiter(at(i + 1))
		}
	}
	return false
}

// BarSymbolAt reports whether the | at rs[i] opens an R7RS |symbol| for
// the reader, as opposed to scsh's pipe symbols | and || or a symbol
// such as |+ that merely contains bars. Tools that scan source text (the
// REPL's history) use it to agree with the reader.
func BarSymbolAt(rs []rune, i int) bool {
	at := func(j int) rune {
		if j < len(rs) {
			return rs[j]
		}
		return eofRune
	}
	if isPipeEnd(at(i+1)) && at(i+1) != ';' || at(i+1) == '|' && isPipeEnd(at(i+2)) {
		return false
	}
	return barSymbolFollows(rs[i+1:])
}

func (r *Reader) readBarSymbol(p Pos) (string, error) {
	var out []rune
	for {
		c := r.next()
		switch c {
		case eofRune:
			return "", r.incomplete(p, "|symbol|")
		case '|':
			return string(out), nil
		case '\\':
			e := r.next()
			switch e {
			case eofRune:
				return "", r.incomplete(p, "|symbol|")
			case 'x', 'X':
				var hex []rune
				for {
					d := r.next()
					if isHex(d) {
						hex = append(hex, d)
						continue
					}
					if d != ';' {
						r.unread(d)
					}
					break
				}
				n, err := strconv.ParseUint(string(hex), 16, 32)
				if err != nil || n > unicode.MaxRune {
					return "", r.errAt(r.here(), "bad \\x escape in symbol")
				}
				out = append(out, rune(n))
			case 'a':
				out = append(out, 7)
			case 'b':
				out = append(out, 8)
			case 't':
				out = append(out, '\t')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			default:
				out = append(out, e)
			}
		default:
			out = append(out, c)
		}
	}
}

func (r *Reader) readHash(p Pos) (Value, error) {
	c := r.next()
	switch c {
	case eofRune:
		return nil, r.incomplete(p, "# syntax")
	case '(':
		l, err := r.readList(p, '(')
		if err != nil {
			return nil, err
		}
		items, ok := ListToSlice(l)
		if !ok {
			return nil, r.errAt(p, "bad vector syntax")
		}
		return &Vector{Items: items, Immutable: true}, nil
	case '\\':
		return r.readChar(p)
	case '!':
		tok := r.token()
		switch tok {
		case "eof":
			return EOF, nil
		case "default":
			return DefaultObject, nil
		case "unspecific":
			return Unspecified, nil
		case "optional", "rest":
			return Intern("#!" + tok), nil
		}
		return nil, r.errAt(p, "unknown directive #!%s", tok)
	case 'u', 'U':
		tok := r.token()
		if tok == "8" && r.peek() == '(' {
			r.next()
			l, err := r.readList(p, '(')
			if err != nil {
				return nil, err
			}
			items, ok := ListToSlice(l)
			if !ok {
				return nil, r.errAt(p, "bad bytevector syntax")
			}
			b := make([]byte, len(items))
			for i, it := range items {
				n, ok := it.(int)
				if !ok || n < 0 || n > 255 {
					return nil, r.errAt(p, "bytevector element is not a byte: %s", WriteString(it))
				}
				b[i] = byte(n)
			}
			return &Bytevector{B: b, Immutable: true}, nil
		}
		return nil, r.errAt(p, "bad # syntax: #%c%s", c, tok)
	}
	if c >= '0' && c <= '9' {
		n := int(c - '0')
		for {
			d := r.next()
			if d >= '0' && d <= '9' {
				n = n*10 + int(d-'0')
				if n > 1<<30 {
					return nil, r.errAt(p, "datum label too large")
				}
				continue
			}
			if d == '=' {
				if r.depth++; r.depth > maxReadDepth {
					return nil, r.errAt(p, "data nested too deeply")
				}
				defer func() { r.depth-- }()
				if r.labels == nil {
					r.labels = make(map[int]Value)
				}
				ref := &labelRef{n}
				r.labels[n] = ref
				v, err := r.read()
				if err == io.EOF {
					return nil, r.incomplete(p, "labelled datum")
				}
				if err != nil {
					return nil, err
				}
				if v == errClose || v == errDot {
					return nil, r.errAt(p, "datum label #%d= without a datum", n)
				}
				r.labels[n] = v
				return v, nil
			}
			if d == '#' {
				v, ok := r.labels[n]
				if !ok {
					return nil, r.errAt(p, "undefined datum label #%d#", n)
				}
				return v, nil
			}
			return nil, r.errAt(p, "bad datum label syntax")
		}
	}
	r.unread(c)
	tok := r.token()
	switch strings.ToLower(tok) {
	case "t", "true":
		return true, nil
	case "f", "false":
		return false, nil
	}
	if v, ok := num.Parse("#"+tok, 10); ok {
		return v, nil
	}
	return nil, r.errAt(p, "bad # syntax: #%s", tok)
}

func (r *Reader) readChar(p Pos) (Value, error) {
	c := r.next()
	if c == eofRune {
		return nil, r.incomplete(p, "character")
	}
	if isDelimiter(r.peek()) {
		return Char(c), nil
	}
	rest := r.token()
	name := string(c) + rest
	if (c == 'x' || c == 'X') && len(rest) > 0 {
		if n, err := strconv.ParseUint(rest, 16, 32); err == nil && n <= unicode.MaxRune {
			return Char(rune(n)), nil
		}
	}
	if ch, ok := charNames[name]; ok {
		return Char(ch), nil
	}
	if ch, ok := charNames[strings.ToLower(name)]; ok {
		return Char(ch), nil
	}
	if rs := []rune(name); len(rs) == 1 {
		return Char(rs[0]), nil
	}
	return nil, r.errAt(p, "unknown character name #\\%s", name)
}

// patchLabels replaces label placeholders by their data (cycles).
func (r *Reader) patchLabels(v Value) Value {
	seen := make(map[any]bool)
	var walk func(x Value) Value
	walk = func(x Value) Value {
		switch t := x.(type) {
		case *labelRef:
			return r.labels[t.n]
		case *Pair:
			for p := t; p != nil; {
				if seen[p] {
					break
				}
				seen[p] = true
				p.Car = walk(p.Car)
				if q, ok := p.Cdr.(*Pair); ok {
					p = q
					continue
				}
				p.Cdr = walk(p.Cdr)
				break
			}
		case *Vector:
			if seen[t] {
				return t
			}
			seen[t] = true
			for i := range t.Items {
				t.Items[i] = walk(t.Items[i])
			}
		}
		return x
	}
	return walk(v)
}

// resolveLabelChains makes #1=#0# refer to what #0 is.
func (r *Reader) resolveLabelChains() {
	for k, lv := range r.labels {
		for i := 0; i < len(r.labels); i++ {
			ref, ok := lv.(*labelRef)
			if !ok || ref.n == k {
				break
			}
			lv = r.labels[ref.n]
		}
		r.labels[k] = lv
	}
}

// ReadAll reads every datum of src.
func ReadAll(src io.Reader, filename string) ([]Value, map[*Pair]Pos, error) {
	rd := NewReader(src, filename)
	var out []Value
	for {
		v, err := rd.Read()
		if err == io.EOF {
			return out, rd.pos, nil
		}
		if err != nil {
			return out, rd.pos, err
		}
		out = append(out, v)
	}
}
