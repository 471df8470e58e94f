package mailstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The UIDL state file remembers which messages were stored, keyed by
// account and destination:
//
//	popsh-uidls 2
//	dest "alice@pop.example.org:995" "/home/alice/Mail"
//	UIDL
//	UIDL
//	dest "alice@pop.example.org:995" "/home/alice/inbox"
//	UIDL
//
// A UIDL never contains a space (RFC 1939: 0x21 to 0x7E), so a line with
// one is a section header. A file written by an earlier popsh (first line
// "popsh-uidls 1", one UIDL a line, no destination) is read as the state
// of whatever account and destination the next run uses: that run adopts
// its UIDLs and rewrites the file in the new form.
const (
	stateHeaderV1 = "popsh-uidls 1"
	stateHeader   = "popsh-uidls 2"
)

// stateKey names one section of a state file.
type stateKey struct{ account, dest string }

// stateFile is the content of a state file.
type stateFile struct {
	sections map[stateKey]map[string]bool
	legacy   []string // UIDLs of a version 1 file, with no key
}

// readState reads a state file; a missing file is empty.
func readState(path string) (*stateFile, error) {
	s := &stateFile{sections: map[stateKey]map[string]bool{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	lines := strings.Split(string(data), "\n")
	switch lines[0] {
	case stateHeaderV1:
		for _, l := range lines[1:] {
			if l != "" {
				s.legacy = append(s.legacy, l)
			}
		}
		return s, nil
	case stateHeader:
	default:
		return nil, fmt.Errorf("state file %s: not a popsh UIDL state file (first line %.40q)", path, lines[0])
	}
	var cur map[string]bool
	for i, l := range lines[1:] {
		switch {
		case l == "":
		case strings.HasPrefix(l, "dest "):
			k, ok := parseStateKey(l[len("dest "):])
			if !ok {
				return nil, fmt.Errorf("state file %s: line %d: malformed section header", path, i+2)
			}
			if cur = s.sections[k]; cur == nil {
				cur = map[string]bool{}
				s.sections[k] = cur
			}
		case strings.ContainsAny(l, " \t") || cur == nil:
			return nil, fmt.Errorf("state file %s: line %d: not a UIDL", path, i+2)
		default:
			cur[l] = true
		}
	}
	return s, nil
}

func parseStateKey(s string) (stateKey, bool) {
	a, err := strconv.QuotedPrefix(s)
	if err != nil {
		return stateKey{}, false
	}
	rest := strings.TrimPrefix(s[len(a):], " ")
	d, err := strconv.QuotedPrefix(rest)
	if err != nil || len(d) != len(rest) {
		return stateKey{}, false
	}
	account, _ := strconv.Unquote(a)
	dest, _ := strconv.Unquote(d)
	return stateKey{account, dest}, true
}

// uids returns the section of k, adopting the UIDLs of a version 1 file.
func (s *stateFile) uids(k stateKey) map[string]bool {
	set := s.sections[k]
	if set == nil {
		set = map[string]bool{}
		s.sections[k] = set
	}
	if s.legacy != nil {
		for _, u := range s.legacy {
			set[u] = true
		}
		s.legacy = nil
	}
	return set
}

// write replaces the state file, atomically.
func (s *stateFile) write(path string) error {
	keys := make([]stateKey, 0, len(s.sections))
	for k, set := range s.sections {
		if len(set) > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b stateKey) int {
		if c := strings.Compare(a.account, b.account); c != 0 {
			return c
		}
		return strings.Compare(a.dest, b.dest)
	})
	var sb strings.Builder
	sb.WriteString(stateHeader + "\n")
	for _, k := range keys {
		fmt.Fprintf(&sb, "dest %s %s\n", strconv.Quote(k.account), strconv.Quote(k.dest))
		uids := make([]string, 0, len(s.sections[k]))
		for u := range s.sections[k] {
			uids = append(uids, u)
		}
		slices.Sort(uids)
		for _, u := range uids {
			sb.WriteString(u)
			sb.WriteByte('\n')
		}
	}
	return WriteFileAtomic(path, []byte(sb.String()), 0o600)
}

// addState records uids as stored for key k in the state file path.
func addState(path string, k stateKey, uids []string) error {
	if len(uids) == 0 {
		return nil
	}
	s, err := readState(path)
	if err != nil {
		return err
	}
	set := s.uids(k)
	for _, u := range uids {
		set[u] = true
	}
	return s.write(path)
}

// destKey returns the name a destination is known by in the state and
// the journal: absolute, cleaned, with the symbolic links of its parent
// directory resolved (and of itself once it exists).
func destKey(dest string) string {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return filepath.Clean(dest)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(r, filepath.Base(abs))
	}
	return abs
}
