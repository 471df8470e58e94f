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
//	nouidl SHA256
//
// A UIDL never contains a space (RFC 1939: 0x21 to 0x7E), so a line
// beginning with `dest "` is a section header. A UIDL line without a
// size (written by version 2, or for a server that gave none) matches
// the UIDL whatever the size. Servers give a UIDL again to a new message
// once the old one is deleted (a Maildir server whose file names repeat,
// a server whose counter was reset): a UIDL stored before with another
// size is a new message, fetched, never taken for the old one (and
// deleted unfetched).
//
// A section may also list messages of a server without UIDL that were
// stored, then marked for deletion, in a session whose QUIT was not
// confirmed (see Store.Close): one line "nouidl SHA256" per message, the
// digest of the message as received (LF line ends, 64 lower-case hex
// digits). The server may still hold them; the next run recognizes them
// by their content and does not store them again. A size never has 64
// digits, so the line of a message whose UIDL is "nouidl" ("nouidl
// SIZE") is not taken for a digest.
//
// Version 3 is always written. Version 2 files (no sizes, no digests)
// are read as such and rewritten as version 3; a file of version 1
// (first line "popsh-uidls 1", one UIDL a line, no destination) is read
// as the state of whatever account and destination the next run uses:
// that run adopts its UIDLs and rewrites the file in the new form. Any
// other first line (a later version among them) is refused, the file
// left as it is. An earlier popsh refuses a version 3 file in the same
// way rather than ignore its sizes and digests.
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
	// unconfirmed holds, per section, the digests of messages stored
	// without a UIDL whose deletion was not confirmed, with a count for
	// each (identical messages).
	unconfirmed map[stateKey]map[string]int
}

// storedUID is a message recorded as stored: its UIDL and size.
type storedUID struct {
	uid  string
	size int64
}

// readState reads a state file; a missing file is empty.
func readState(path string) (*stateFile, error) {
	s := &stateFile{sections: map[stateKey]uidSet{}, unconfirmed: map[stateKey]map[string]int{}}
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
		if v, ok := strings.CutPrefix(lines[0], "popsh-uidls "); ok {
			return nil, fmt.Errorf("state file %s: version %s, which this popsh does not read (it reads versions 1 to 3; a later popsh wrote it?): left as it is", path, versionName(v))
		}
		return nil, fmt.Errorf("state file %s: not a popsh UIDL state file (first line %.40q)", path, lines[0])
	}
	v2 := lines[0] == stateHeaderV2
	var cur uidSet
	var key stateKey
	for i, l := range lines[1:] {
		switch {
		case l == "":
		case strings.HasPrefix(l, `dest "`):
			k, ok := parseStateKey(l[len("dest "):])
			if !ok {
				return nil, fmt.Errorf("state file %s: line %d: malformed section header", path, i+2)
			}
			key = k
			if cur = s.sections[k]; cur == nil {
				cur = uidSet{}
				s.sections[k] = cur
			}
		case !v2 && isDigestLine(l):
			if cur == nil {
				return nil, fmt.Errorf("state file %s: line %d: message digest outside a section", path, i+2)
			}
			d := l[len(nouidlPrefix):]
			if !isDigest(d) {
				return nil, fmt.Errorf("state file %s: line %d: malformed message digest", path, i+2)
			}
			s.digests(key)[d]++
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

// versionName shows the version field of a state file's or journal's
// first line: a number as it is, anything else quoted and cut short.
func versionName(v string) string {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 && strconv.Itoa(n) == v {
		return v
	}
	return fmt.Sprintf("%.20q", v)
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

// digests returns the unconfirmed digests of section k.
func (s *stateFile) digests(k stateKey) map[string]int {
	m := s.unconfirmed[k]
	if m == nil {
		m = map[string]int{}
		s.unconfirmed[k] = m
	}
	return m
}

// nouidlPrefix begins the record of a message stored without a UIDL.
const nouidlPrefix = "nouidl "

// isDigestLine reports whether the state file line l records a digest
// rather than a message whose UIDL is "nouidl": its second field is not a
// size (a size has at most 19 digits; a digest has 64, and is malformed
// when they are not hex).
func isDigestLine(l string) bool {
	rest, ok := strings.CutPrefix(l, nouidlPrefix)
	if !ok {
		return false
	}
	if len(rest) == 64 {
		return true
	}
	_, err := strconv.ParseInt(rest, 10, 64)
	return err != nil
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
	for k, set := range s.sections {
		if len(set) > 0 || len(s.unconfirmed[k]) > 0 {
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
		ds := make([]string, 0, len(s.unconfirmed[k]))
		for d := range s.unconfirmed[k] {
			ds = append(ds, d)
		}
		slices.Sort(ds)
		for _, d := range ds {
			for range s.unconfirmed[k][d] {
				sb.WriteString(nouidlPrefix + d + "\n")
			}
		}
	}
	return WriteFileAtomic(path, []byte(sb.String()), 0o600)
}

// addState records uids (with their sizes) as stored for key k in the
// state file path, and the digests of messages without UIDL as stored,
// their deletion not confirmed. A digest's count becomes at least its
// count in digests: a journal replayed after the commit that recorded it
// counts nothing twice (one that undercounts identical messages risks a
// second copy, never a loss).
func addState(path string, k stateKey, uids []storedUID, digests []string) error {
	if len(uids) == 0 && len(digests) == 0 {
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
