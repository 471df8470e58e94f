// Package netrc reads netrc files: the machine, default, login, password,
// account and port tokens, and macdef definitions (kept aside, never
// parsed as tokens). It checks a file's permissions before reading it: a
// netrc that group or others may access is refused.
//
// A parse error names the line and what was wrong, never the text that is
// there: a password must not reach a message or a log.
package netrc

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxSize is the largest netrc file ReadFile accepts.
const MaxSize = 1 << 20

// ErrInsecure is wrapped by the error for a netrc file that group or
// others may access.
var ErrInsecure = errors.New("dangerous permissions")

// Entry is one machine entry, or the default entry, of a netrc file.
type Entry struct {
	Machine  string // the host name; "" for the default entry
	Login    string
	Password string
	Account  string
	Port     string // "" when the entry has no port token
	Line     int    // the line of its machine or default token
	has      map[string]bool
}

// Has reports whether the entry has the field ("login", "password",
// "account" or "port"), even with an empty value.
func (e *Entry) Has(field string) bool { return e != nil && e.has[field] }

// File is a parsed netrc file.
type File struct {
	Path    string            // the file read ("" for text given to Parse)
	Entries []*Entry          // the machine entries, in file order
	Default *Entry            // the first default entry, or nil
	Macros  map[string]string // macdef name -> body
}

// Machine returns the first entry for host (compared without regard to
// case), or nil.
func (f *File) Machine(host string) *Entry {
	for _, e := range f.Entries {
		if strings.EqualFold(e.Machine, host) {
			return e
		}
	}
	return nil
}

// MachinePort returns the entry for host and port: the first entry for host
// whose port token is port, else the first entry for host without a port
// token; nil when neither exists. With port "" it is Machine.
func (f *File) MachinePort(host, port string) *Entry {
	if port == "" {
		return f.Machine(host)
	}
	var any *Entry
	for _, e := range f.Entries {
		if !strings.EqualFold(e.Machine, host) {
			continue
		}
		if e.Has("port") {
			if e.Port == port {
				return e
			}
			continue
		}
		if any == nil {
			any = e
		}
	}
	return any
}

// Lookup returns MachinePort(host, port), else the default entry, else nil.
func (f *File) Lookup(host, port string) *Entry {
	if e := f.MachinePort(host, port); e != nil {
		return e
	}
	return f.Default
}

// ParseError is a syntax error in a netrc file. Msg never holds text from
// the file.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// The messages of a ParseError.
const (
	msgUnterminated = "unterminated quoted word"
	msgUnexpected   = "unexpected word (expected machine, default, login, password, account, port or macdef)"
	msgNoValue      = "a keyword without its value at the end of the file"
	msgNoEntry      = "login, password, account or port before any machine or default"
	msgNoMacroName  = "macdef without a name"
)

// DefaultPath returns the netrc file to read: $NETRC, else $HOME/.netrc.
func DefaultPath() (string, error) {
	if p := os.Getenv("NETRC"); p != "" {
		return p, nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("netrc: no home directory: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".netrc"), nil
}

// CheckPermissions returns an error wrapping ErrInsecure when the file
// described by fi, at path, may be read or written by group or others.
func CheckPermissions(path string, fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("Not parsing netrc file %s (mode %04o); %w", path, perm, ErrInsecure)
	}
	return nil
}

// LookupUser returns the login and password for a server at host and
// port from the user's netrc file (DefaultPath): the machine entry for host
// (an entry with a port token only for that port; port "" matches any),
// else the default entry. ok is false when neither exists. A missing file
// is not an error; a file that group or others may read is refused.
func LookupUser(host, port string) (login, password string, ok bool, err error) {
	path, err := DefaultPath()
	if err != nil {
		return "", "", false, err
	}
	f, err := ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	e := f.Lookup(host, port)
	if e == nil {
		return "", "", false, nil
	}
	return e.Login, e.Password, true, nil
}

// ReadFile checks the permissions of the file at path, then reads and
// parses it. A missing file is an error wrapping fs.ErrNotExist; a file
// that is not a regular file or is larger than MaxSize is refused.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("netrc: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("netrc: %w", err)
	}
	if err := CheckPermissions(path, fi); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("netrc: %s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("netrc: read %s: %w", path, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("netrc: %s: larger than %d bytes", path, MaxSize)
	}
	n, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("netrc: %s: %w", path, err)
	}
	n.Path = path
	return n, nil
}

// token is one word of a netrc file and the line it starts on.
type token struct {
	text string
	line int
}

// scanner splits netrc text into words.
type scanner struct {
	s    []byte
	i    int
	line int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// next returns the next word; ok is false at the end of the text. A '#'
// starting a word makes the rest of the line a comment. A word in double
// quotes may hold spaces; inside it a backslash escapes the next character
// (\n, \r and \t stand for newline, carriage return and tab).
func (sc *scanner) next() (tok token, ok bool, err error) {
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		switch {
		case c == '\n':
			sc.line++
			sc.i++
		case isSpace(c):
			sc.i++
		case c == '#':
			for sc.i < len(sc.s) && sc.s[sc.i] != '\n' {
				sc.i++
			}
		default:
			return sc.word()
		}
	}
	return token{}, false, nil
}

func (sc *scanner) word() (token, bool, error) {
	tok := token{line: sc.line}
	var b strings.Builder
	if sc.s[sc.i] != '"' {
		start := sc.i
		for sc.i < len(sc.s) && !isSpace(sc.s[sc.i]) {
			sc.i++
		}
		tok.text = string(sc.s[start:sc.i])
		return tok, true, nil
	}
	sc.i++
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		sc.i++
		switch c {
		case '"':
			tok.text = b.String()
			return tok, true, nil
		case '\\':
			if sc.i < len(sc.s) {
				e := sc.s[sc.i]
				sc.i++
				switch e {
				case 'n':
					e = '\n'
				case 'r':
					e = '\r'
				case 't':
					e = '\t'
				case '\n':
					sc.line++
				}
				b.WriteByte(e)
			}
		case '\n':
			sc.line++
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return token{}, false, &ParseError{Line: tok.line, Msg: msgUnterminated}
}

// macroBody skips the rest of the macdef line and returns the lines after
// it up to an empty line (or the end of the text).
func (sc *scanner) macroBody() string {
	for sc.i < len(sc.s) && sc.s[sc.i] != '\n' {
		sc.i++
	}
	if sc.i == len(sc.s) {
		return ""
	}
	sc.i++
	sc.line++
	start := sc.i
	for sc.i < len(sc.s) {
		end := sc.i
		for end < len(sc.s) && sc.s[end] != '\n' {
			end++
		}
		line := strings.TrimRight(string(sc.s[sc.i:end]), "\r")
		if line == "" {
			body := string(sc.s[start:sc.i])
			sc.i = min(end+1, len(sc.s))
			sc.line++
			return body
		}
		if end < len(sc.s) {
			sc.line++
			end++
		}
		sc.i = end
	}
	return string(sc.s[start:])
}

// Parse parses netrc text.
func Parse(text []byte) (*File, error) {
	sc := &scanner{s: text, line: 1}
	f := &File{Macros: map[string]string{}}
	var cur *Entry
	for {
		tok, ok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return f, nil
		}
		value := func() (string, error) {
			v, ok, err := sc.next()
			if err != nil {
				return "", err
			}
			if !ok {
				return "", &ParseError{Line: tok.line, Msg: msgNoValue}
			}
			return v.text, nil
		}
		switch tok.text {
		case "machine":
			name, err := value()
			if err != nil {
				return nil, err
			}
			cur = &Entry{Machine: name, Line: tok.line, has: map[string]bool{}}
			f.Entries = append(f.Entries, cur)
		case "default":
			cur = &Entry{Line: tok.line, has: map[string]bool{}}
			if f.Default == nil {
				f.Default = cur
			}
		case "login", "password", "account", "port":
			v, err := value()
			if err != nil {
				return nil, err
			}
			if cur == nil {
				return nil, &ParseError{Line: tok.line, Msg: msgNoEntry}
			}
			switch tok.text {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			case "account":
				cur.Account = v
			case "port":
				cur.Port = v
			}
			cur.has[tok.text] = true
		case "macdef":
			name, ok, err := sc.next()
			if err != nil {
				return nil, err
			}
			if !ok || name.line != tok.line {
				return nil, &ParseError{Line: tok.line, Msg: msgNoMacroName}
			}
			f.Macros[name.text] = sc.macroBody()
			cur = nil
		default:
			return nil, &ParseError{Line: tok.line, Msg: msgUnexpected}
		}
	}
}
