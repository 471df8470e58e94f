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
//
// A section may also list messages of a server without UIDL that were
// stored, then marked for deletion, in a session whose QUIT was not
// confirmed (see Store.Close): one line "nouidl SHA256" per message, the
// digest of the message as received (LF line ends). The server may still
// hold them; the next run recognizes them by their content and does not
// store them again. A file with such lines starts "popsh-uidls 3" (an
// earlier popsh refuses it rather than ignore them).
const (
	stateHeaderV1 = "popsh-uidls 1"
	stateHeaderV2 = "popsh-uidls 2"
	stateHeader   = "popsh-uidls 3"
)

// stateKey names one section of a state file.
type stateKey struct{ account, dest string }

// stateFile is the content of a state file.
type stateFile struct {
	sections map[stateKey]map[string]bool
	legacy   []string // UIDLs of a version 1 file, with no key
	// unconfirmed holds, per section, the digests of messages stored
	// without a UIDL whose deletion was not confirmed, with a count for
	// each (identical messages).
	unconfirmed map[stateKey]map[string]int
}

// readState reads a state file; a missing file is empty.
func readState(path string) (*stateFile, error) {
	s := &stateFile{sections: map[stateKey]map[string]bool{}, unconfirmed: map[stateKey]map[string]int{}}
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
	var cur map[string]bool
	var key stateKey
	for i, l := range lines[1:] {
		switch {
		case l == "":
		case strings.HasPrefix(l, "dest "):
			k, ok := parseStateKey(l[len("dest "):])
			if !ok {
				return nil, fmt.Errorf("state file %s: line %d: malformed section header", path, i+2)
			}
			key = k
			if cur = s.sections[k]; cur == nil {
				cur = map[string]bool{}
				s.sections[k] = cur
			}
		case strings.HasPrefix(l, "nouidl ") && cur != nil && lines[0] == stateHeader:
			d := l[len("nouidl "):]
			if !isDigest(d) {
				return nil, fmt.Errorf("state file %s: line %d: malformed message digest", path, i+2)
			}
			s.digests(key)[d]++
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

// digests returns the unconfirmed digests of section k.
func (s *stateFile) digests(k stateKey) map[string]int {
	m := s.unconfirmed[k]
	if m == nil {
		m = map[string]int{}
		s.unconfirmed[k] = m
	}
	return m
}

// isDigest reports whether d is a SHA-256 digest in lower-case hex.
func isDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if !(d[i] >= '0' && d[i] <= '9' || d[i] >= 'a' && d[i] <= 'f') {
			return false
		}
	}
	return true
}

// write replaces the state file, atomically.
func (s *stateFile) write(path string) error {
	keys := make([]stateKey, 0, len(s.sections))
	header := stateHeaderV2
	for k, set := range s.sections {
		if len(set) > 0 || len(s.unconfirmed[k]) > 0 {
			keys = append(keys, k)
		}
		if len(s.unconfirmed[k]) > 0 {
			header = stateHeader
		}
	}
	slices.SortFunc(keys, func(a, b stateKey) int {
		if c := strings.Compare(a.account, b.account); c != 0 {
			return c
		}
		return strings.Compare(a.dest, b.dest)
	})
	var sb strings.Builder
	sb.WriteString(header + "\n")
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
		ds := make([]string, 0, len(s.unconfirmed[k]))
		for d := range s.unconfirmed[k] {
			ds = append(ds, d)
		}
		slices.Sort(ds)
		for _, d := range ds {
			for range s.unconfirmed[k][d] {
				sb.WriteString("nouidl " + d + "\n")
			}
		}
	}
	return WriteFileAtomic(path, []byte(sb.String()), 0o600)
}

// addState records uids as stored for key k in the state file path, and
// the digests of messages without UIDL as stored, their deletion not
// confirmed. A digest's count becomes at least its count in digests: a
// journal replayed after the commit that recorded it counts nothing twice
// (one that undercounts identical messages risks a second copy, never a
// loss).
func addState(path string, k stateKey, uids, digests []string) error {
	if len(uids) == 0 && len(digests) == 0 {
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
	count := map[string]int{}
	for _, d := range digests {
		count[d]++
	}
	ds := s.digests(k)
	for d, n := range count {
		ds[d] = max(ds[d], n)
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
