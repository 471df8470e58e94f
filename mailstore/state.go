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
// account and destination, with each message's size as LIST gave it:
//
//	popsh-uidls 3
//	dest "alice@pop.example.org:995" "/home/alice/Mail"
//	UIDL SIZE
//	UIDL SIZE
//	dest "alice@pop.example.org:995" "/home/alice/inbox"
//	UIDL SIZE
//
// A UIDL never contains a space (RFC 1939: 0x21 to 0x7E), so a line
// beginning with `dest "` is a section header. A UIDL line without a
// size (written by version 2, or for a server that gave none) matches
// the UIDL whatever the size. Servers give a UIDL again to a new message
// once the old one is deleted (a Maildir server whose file names repeat,
// a server whose counter was reset): a UIDL stored before with another
// size is a new message, fetched, never taken for the old one (and
// deleted unfetched). Version 2 files (no sizes) are read as such, and
// rewritten as version 3; a file of version 1 (first line
// "popsh-uidls 1", one UIDL a line, no destination) is read as the state
// of whatever account and destination the next run uses: that run adopts
// its UIDLs and rewrites the file in the new form.
const (
	stateHeaderV1 = "popsh-uidls 1"
	stateHeaderV2 = "popsh-uidls 2"
	stateHeader   = "popsh-uidls 3"
)

// noSize is the size of a UIDL whose size is not known.
const noSize int64 = -1

// uidSet maps the UIDLs stored to their sizes (noSize when not known).
type uidSet map[string]int64

// stateKey names one section of a state file.
type stateKey struct{ account, dest string }

// stateFile is the content of a state file.
type stateFile struct {
	sections map[stateKey]uidSet
	legacy   []string // UIDLs of a version 1 file, with no key
}

// storedUID is a message recorded as stored: its UIDL and size.
type storedUID struct {
	uid  string
	size int64
}

// readState reads a state file; a missing file is empty.
func readState(path string) (*stateFile, error) {
	s := &stateFile{sections: map[stateKey]uidSet{}}
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
	case stateHeaderV2, stateHeader:
	default:
		return nil, fmt.Errorf("state file %s: not a popsh UIDL state file (first line %.40q)", path, lines[0])
	}
	v2 := lines[0] == stateHeaderV2
	var cur uidSet
	for i, l := range lines[1:] {
		switch {
		case l == "":
		case strings.HasPrefix(l, `dest "`):
			k, ok := parseStateKey(l[len("dest "):])
			if !ok {
				return nil, fmt.Errorf("state file %s: line %d: malformed section header", path, i+2)
			}
			if cur = s.sections[k]; cur == nil {
				cur = uidSet{}
				s.sections[k] = cur
			}
		default:
			uid, size, ok := parseUIDLine(l, v2)
			if !ok || cur == nil {
				return nil, fmt.Errorf("state file %s: line %d: not a UIDL", path, i+2)
			}
			cur[uid] = size
		}
	}
	return s, nil
}

// parseUIDLine parses "UIDL SIZE" or "UIDL" (v2: "UIDL" only).
func parseUIDLine(l string, v2 bool) (uid string, size int64, ok bool) {
	uid, sz, hasSize := strings.Cut(l, " ")
	if uid == "" || strings.ContainsAny(uid, "\t") {
		return "", 0, false
	}
	if !hasSize {
		return uid, noSize, true
	}
	n, err := strconv.ParseInt(sz, 10, 64)
	if v2 || err != nil || n < 0 {
		return "", 0, false
	}
	return uid, n, true
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
func (s *stateFile) uids(k stateKey) uidSet {
	set := s.sections[k]
	if set == nil {
		set = uidSet{}
		s.sections[k] = set
	}
	if s.legacy != nil {
		for _, u := range s.legacy {
			set[u] = noSize
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
			if size := s.sections[k][u]; size >= 0 {
				sb.WriteByte(' ')
				sb.WriteString(strconv.FormatInt(size, 10))
			}
			sb.WriteByte('\n')
		}
	}
	return WriteFileAtomic(path, []byte(sb.String()), 0o600)
}

// addState records uids as stored for key k in the state file path.
func addState(path string, k stateKey, uids []storedUID) error {
	if len(uids) == 0 {
		return nil
	}
	s, err := readState(path)
	if err != nil {
		return err
	}
	set := s.uids(k)
	for _, u := range uids {
		set[u.uid] = u.size
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
