package bindings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// netrcEntry is one machine (or the default) line of a netrc file.
type netrcEntry struct {
	Machine  string // "" for the default entry
	Login    string
	Password string
	Account  string
	has      map[string]bool
}

// netrcFile is a parsed netrc file.
type netrcFile struct {
	Path     string
	Entries  []*netrcEntry // machine entries, in file order
	Default  *netrcEntry   // the default entry, or nil
	Macros   map[string]string
	fallback [2]string // fallback login and password, "" for built-in
}

// netrcPath returns the file to read: $NETRC, else $HOME/.netrc.
func netrcPath() (string, error) {
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

// errNetrcPerms is wrapped by the error for a netrc file readable by others.
var errNetrcPerms = errors.New("dangerous permissions")

// parseNetrcFile reads path. A missing file is an empty netrc; a file that
// group or others may access is refused.
func parseNetrcFile(path string) (*netrcFile, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &netrcFile{Path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("netrc: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("Not parsing netrc file %s (mode %04o); %w", path, st.Mode().Perm(), errNetrcPerms)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("netrc: read %s: %w", path, err)
	}
	n, err := parseNetrc(string(b))
	if err != nil {
		return nil, fmt.Errorf("netrc: %s: %w", path, err)
	}
	n.Path = path
	return n, nil
}

// netrcTokens splits netrc text into tokens. A '#' starting a token makes
// the rest of the line a comment; double quotes group a token with spaces
// (backslash escapes the next character inside them). macdef bodies (up to
// a blank line) come back as one token after the macro name.
func netrcTokens(s string) ([]string, error) {
	var toks []string
	i := 0
	expectMacroBody := 0
	for i < len(s) {
		c := s[i]
		if expectMacroBody == 1 && c == '\n' {
			// the body starts on the next line and ends at an empty line
			i++
			end := strings.Index(s[i:], "\n\n")
			body := ""
			if end < 0 {
				body = s[i:]
				i = len(s)
			} else {
				body = s[i : i+end+1]
				i += end + 2
			}
			toks = append(toks, body)
			expectMacroBody = 0
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		if c == '#' {
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		}
		var b strings.Builder
		if c == '"' {
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated quoted token")
			}
		} else {
			for i < len(s) && !strings.ContainsRune(" \t\n\r\f\v", rune(s[i])) {
				b.WriteByte(s[i])
				i++
			}
		}
		toks = append(toks, b.String())
		if expectMacroBody == 2 {
			expectMacroBody = 1
		} else if b.String() == "macdef" {
			expectMacroBody = 2
		}
	}
	return toks, nil
}

// parseNetrc parses netrc text: machine NAME / default, followed by
// login, password, account (and port, ignored) pairs; macdef NAME BODY.
func parseNetrc(s string) (*netrcFile, error) {
	toks, err := netrcTokens(s)
	if err != nil {
		return nil, err
	}
	n := &netrcFile{Macros: map[string]string{}}
	var cur *netrcEntry
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		arg := func() (string, error) {
			if i+1 >= len(toks) {
				return "", fmt.Errorf("%q at end of file without a value", t)
			}
			i++
			return toks[i], nil
		}
		switch t {
		case "machine":
			name, err := arg()
			if err != nil {
				return nil, err
			}
			cur = &netrcEntry{Machine: name, has: map[string]bool{}}
			n.Entries = append(n.Entries, cur)
		case "default":
			cur = &netrcEntry{has: map[string]bool{}}
			if n.Default == nil {
				n.Default = cur
			}
		case "login", "password", "account", "port":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			if cur == nil {
				return nil, fmt.Errorf("%q before any machine or default", t)
			}
			switch t {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			case "account":
				cur.Account = v
			}
			cur.has[t] = true
		case "macdef":
			name, err := arg()
			if err != nil {
				return nil, err
			}
			body := ""
			if i+1 < len(toks) {
				i++
				body = toks[i]
			}
			n.Macros[name] = body
			cur = nil
		default:
			return nil, fmt.Errorf("unexpected token %q", t)
		}
	}
	return n, nil
}

// machine returns the entry for host (case-insensitive, first one wins).
func (n *netrcFile) machine(host string) *netrcEntry {
	for _, e := range n.Entries {
		if strings.EqualFold(e.Machine, host) {
			return e
		}
	}
	return nil
}

// NetrcLookup returns the login and password for host from the user's
// netrc file ($NETRC, else ~/.netrc): the machine entry for host, else the
// default entry. ok is false when neither exists (login and password are
// then ""). A file readable by group or others is refused with an error; a
// missing file is not an error.
func NetrcLookup(host string) (login, password string, ok bool, err error) {
	path, err := netrcPath()
	if err != nil {
		return "", "", false, err
	}
	n, err := parseNetrcFile(path)
	if err != nil {
		return "", "", false, err
	}
	e := n.machine(host)
	if e == nil {
		e = n.Default
	}
	if e == nil {
		return "", "", false, nil
	}
	return e.Login, e.Password, true, nil
}
