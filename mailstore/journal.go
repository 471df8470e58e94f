package mailstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The journal (STATE.journal) lets the next run finish or undo what a
// killed run left half done. It is written only under the run lock, and
// read only under the run lock and the destination's locks.
//
//	popsh-journal 3
//	maildir                     or: mbox SIZE DEV INO
//	/absolute/destination
//	"account"
//	i UIDL SIZE "NAME"          Maildir: NAME is in tmp/, about to be renamed into new/
//	m UIDL SIZE OFF LEN SHA256  mbox: about to append LEN bytes at OFF (the message is in STATE.spool)
//	x                           mbox: the append of the message above failed and was undone
//	c                           mbox: the append is fsynced (the messages listed and not undone)
//
// The first four lines are fsynced before anything is written to the
// destination. UIDL is "-" for a server without UIDL, followed by the
// message's digest (see the state file's "nouidl" lines) when there is a
// state file: "-" SHA256. SIZE is the size LIST gave (see state.go), "-"
// when not known. NAME is quoted as a Go string: a Maildir file name holds
// the host name, which may hold spaces. Files of version 2 (no SIZE, NAME
// bare) and version 1 (no account line, mbox lines "i UIDL" without
// offsets) are still read; any other first line is refused.
const (
	journalHeaderV1 = "popsh-journal 1"
	journalHeaderV2 = "popsh-journal 2"
	journalHeader   = "popsh-journal 3"
)

// journal is a parsed journal.
type journal struct {
	maildir   bool
	path      string // the destination (destKey)
	account   string
	start     int64 // mbox size when the run took its locks
	dev, ino  uint64
	files     []journalFile // Maildir
	msgs      []journalMsg  // mbox
	committed bool
	v1        bool
}

type journalFile struct {
	uid, digest, name string
	size              int64
}

type journalMsg struct {
	uid, digest string
	size        int64 // as LIST gave it, noSize if not known
	off, len    int64
	sha         string
}

// readJournal parses the journal jpath; nil when there is none, or when
// it was cut short before its header was complete (nothing was written
// to the destination under it).
func readJournal(jpath string) (*journal, error) {
	data, err := os.ReadFile(jpath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", jpath, err)
	}
	lines := strings.Split(string(data), "\n")
	j := &journal{}
	body := 4
	v2 := false
	switch lines[0] {
	case journalHeader:
	case journalHeaderV2:
		v2 = true
	case journalHeaderV1:
		j.v1, body = true, 3
	default:
		if !strings.HasPrefix(journalHeader, lines[0]) {
			if v, ok := strings.CutPrefix(lines[0], "popsh-journal "); ok {
				return nil, fmt.Errorf("journal %s: version %s, which this popsh does not read (it reads versions 1 to 3; a later popsh wrote it?): finish the run with that popsh, or remove the file after checking the mailbox", jpath, versionName(v))
			}
			return nil, fmt.Errorf("journal %s: not a popsh journal (remove it after checking the mailbox)", jpath)
		}
		return nil, nil // a torn first line
	}
	// The header is complete when the line after it has begun.
	if len(lines) <= body {
		return nil, nil
	}
	dest := strings.Fields(lines[1])
	j.path = lines[2]
	if !j.v1 {
		a, err := strconv.Unquote(lines[3])
		if err != nil {
			return nil, fmt.Errorf("journal %s: unreadable account line %.60q (remove the file after checking the mailbox)", jpath, lines[3])
		}
		j.account = a
	}
	switch {
	case len(dest) == 1 && dest[0] == "maildir":
		j.maildir = true
	case len(dest) == 4 && dest[0] == "mbox":
		j.start, _ = strconv.ParseInt(dest[1], 10, 64)
		j.dev, _ = strconv.ParseUint(dest[2], 10, 64)
		j.ino, _ = strconv.ParseUint(dest[3], 10, 64)
	default:
		return nil, fmt.Errorf("journal %s: unreadable destination line %.60q (remove the file after checking the mailbox)", jpath, lines[1])
	}
	for _, l := range lines[body:] {
		if !v2 && !j.v1 {
			j.parseLine(l)
			continue
		}
		f := strings.Fields(l)
		switch {
		case j.maildir && len(f) == 3 && f[0] == "i":
			u, d := uidOf(f[1])
			j.files = append(j.files, journalFile{u, d, f[2], noSize})
		case !j.maildir && len(f) == 1 && f[0] == "c":
			j.committed = true
		case !j.maildir && len(f) == 1 && f[0] == "x" && len(j.msgs) > 0:
			j.msgs = j.msgs[:len(j.msgs)-1]
		case !j.maildir && j.v1 && len(f) == 2 && f[0] == "i":
			u, d := uidOf(f[1])
			j.msgs = append(j.msgs, journalMsg{uid: u, digest: d, size: noSize, off: -1})
		case !j.maildir && len(f) == 5 && f[0] == "m":
			j.addMsg(f[1], "-", f[2], f[3], f[4])
		}
		// Anything else is a torn last line: what it announced never began.
	}
	return j, nil
}

// parseLine parses a line of a version 3 journal body. Anything it does
// not know is a torn last line: what it announced never began.
func (j *journal) parseLine(l string) {
	switch {
	case j.maildir && strings.HasPrefix(l, "i "):
		f := strings.SplitN(l, " ", 4)
		if len(f) != 4 {
			return
		}
		name, err := strconv.Unquote(f[3])
		size, ok := sizeOf(f[2])
		if err != nil || !ok || name == "" || strings.ContainsAny(name, "/\x00") {
			return
		}
		u, d := uidOf(f[1])
		j.files = append(j.files, journalFile{u, d, name, size})
	case j.maildir:
	case l == "c":
		j.committed = true
	case l == "x":
		if len(j.msgs) > 0 {
			j.msgs = j.msgs[:len(j.msgs)-1]
		}
	default:
		if f := strings.Fields(l); len(f) == 6 && f[0] == "m" {
			j.addMsg(f[1], f[2], f[3], f[4], f[5])
		}
	}
}

// addMsg adds an mbox line's message, unless the line is torn.
func (j *journal) addMsg(uid, size, off, n, sha string) {
	o, err1 := strconv.ParseInt(off, 10, 64)
	k, err2 := strconv.ParseInt(n, 10, 64)
	sz, ok := sizeOf(size)
	if err1 != nil || err2 != nil || !ok || o < 0 || k <= 0 || len(sha) != 64 {
		return // a torn last line: its append never began
	}
	u, d := uidOf(uid)
	j.msgs = append(j.msgs, journalMsg{uid: u, digest: d, size: sz, off: o, len: k, sha: sha})
}

// sizeOf parses a SIZE field: digits, or "-" for a size not known.
func sizeOf(field string) (int64, bool) {
	if field == "-" {
		return noSize, true
	}
	n, err := strconv.ParseInt(field, 10, 64)
	return n, err == nil && n >= 0
}

// sizeField is the SIZE field of size.
func sizeField(size int64) string {
	if size < 0 {
		return "-"
	}
	return strconv.FormatInt(size, 10)
}

// uidOf reads a journal's UIDL field: the UIDL, or for a message without
// one its digest.
func uidOf(field string) (uid, digest string) {
	if d, ok := strings.CutPrefix(field, "-"); ok && (d == "" || isDigest(d)) {
		return "", d
	}
	return field, ""
}

// uidField is the journal's UIDL field of a message: its UIDL, else "-"
// and its digest.
func uidField(u, digest string) string {
	if u == "" {
		return "-" + digest
	}
	return u
}

// recovery is what recovering a journal found.
type recovery struct {
	uids    []storedUID // messages complete in the destination: record them
	digests []string    // the same, of a server without UIDL (see stateFile.unconfirmed)
	notes   []string    // what the user should know
}

// add records a message found complete in the destination.
func (r *recovery) add(uid, digest string, size int64) {
	if uid != "" {
		r.uids = append(r.uids, storedUID{uid, size})
	}
	if digest != "" {
		r.digests = append(r.digests, digest)
	}
}

// addAll records the messages of a committed mbox journal.
func (r *recovery) addAll(msgs []journalMsg) {
	for _, e := range msgs {
		r.add(e.uid, e.digest, e.size)
	}
}

// recoverMaildir records the messages of a Maildir journal whose file
// reached new/ or cur/, and removes the tmp/ files of the others.
func recoverMaildir(j *journal) recovery {
	var r recovery
	md := &Maildir{dir: j.path}
	for _, f := range j.files {
		if md.delivered(f.name) {
			r.add(f.uid, f.digest, f.size)
		} else {
			os.Remove(filepath.Join(md.dir, "tmp", f.name))
		}
	}
	return r
}

// recoverMbox deals with an mbox journal; m is the mbox, open and locked.
// Only bytes the killed run provably wrote are removed: the file is
// truncated only when it ends inside the run's last, unfinished message
// (its bytes compared with the spool). Complete messages (checked by
// their SHA-256) are kept and recorded; anything that cannot be checked
// is kept and reported, and its message is not recorded, so the server
// keeps it (a second copy is possible, a loss is not).
//
// When another program wrote after the run's last, unfinished message,
// its bytes are moved back to where that message began (see repair.go),
// provided the spool proves which bytes were the run's; rec is the
// record that makes the move safe against a kill.
func recoverMbox(j *journal, m *Mbox, spool, rec string) (recovery, error) {
	var r recovery
	if mr, err := readMoveRecord(rec); err != nil || mr != nil {
		// A repair was killed: finish it before anything else.
		if err == nil {
			err = finishMove(m, rec, mr)
		}
		if err != nil {
			r.notes = append(r.notes, err.Error()+"; the messages of the interrupted run stay on the server")
			return r, nil
		}
		r.notes = append(r.notes, fmt.Sprintf("mbox %s: finished an interrupted repair (another program's mail moved back over an unfinished message)", m.path))
	}
	if dev, ino := m.identity(); dev != j.dev || ino != j.ino {
		if len(j.msgs) > 0 && !j.committed {
			r.notes = append(r.notes, fmt.Sprintf("mbox %s was replaced since an interrupted run appended to it: kept as it is; the %d messages of that run stay on the server", m.path, len(j.msgs)))
		}
		if j.committed {
			r.addAll(j.msgs)
		}
		return r, nil
	}
	if j.committed {
		r.addAll(j.msgs)
		return r, nil
	}
	size := m.off
	uncertain := 0
	for i, e := range j.msgs {
		if e.off < 0 { // version 1: no offsets, nothing provable
			uncertain++
			continue
		}
		if size >= e.off+e.len {
			sum, err := hashRange(m.f, e.off, e.len)
			if err != nil {
				return r, fmt.Errorf("mbox %s: %w", m.path, err)
			}
			if sum == e.sha {
				r.add(e.uid, e.digest, e.size)
				continue
			}
		}
		if i == len(j.msgs)-1 {
			if size == e.off {
				continue // killed before its first byte
			}
			if size > e.off && size < e.off+e.len {
				ok, err := spoolMatches(spool, e, m.f, size)
				if err != nil {
					return r, fmt.Errorf("mbox %s: %w", m.path, err)
				}
				if ok {
					if err := m.truncate(e.off); err != nil {
						return r, fmt.Errorf("mbox %s: remove the unfinished message: %w", m.path, err)
					}
					m.start = m.off
					size = e.off
					continue
				}
			}
			if size > e.off {
				from, ok, err := foreignStart(m.f, e, spool, size)
				if err != nil {
					return r, fmt.Errorf("mbox %s: %w", m.path, err)
				}
				if ok {
					if err := moveTail(m, rec, from, e.off, size); err != nil {
						return r, fmt.Errorf("mbox %s: remove the unfinished message: %w", m.path, err)
					}
					r.notes = append(r.notes, fmt.Sprintf("mbox %s: an interrupted run left %d of a message's %d bytes, and another program then appended %d bytes: the unfinished message was removed and the other program's mail kept; that message stays on the server", m.path, from-e.off, e.len, size-from))
					size = m.off
					continue
				}
			}
		}
		uncertain++
	}
	if uncertain > 0 {
		r.notes = append(r.notes, fmt.Sprintf("mbox %s was changed by another program after an interrupted run: kept as it is; %d messages of that run could not be verified and stay on the server (the next fetch may store them a second time)", m.path, uncertain))
	}
	if err := m.f.Sync(); err != nil {
		return r, fmt.Errorf("mbox %s: fsync: %w", m.path, err)
	}
	return r, nil
}

// hashRange returns the hex SHA-256 of n bytes of f at off.
func hashRange(f *os.File, off, n int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, off, n)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// spoolMatches reports whether the spool holds message e and the file's
// bytes from e.off to size are the beginning of it.
func spoolMatches(spool string, e journalMsg, f *os.File, size int64) (bool, error) {
	sp, err := os.Open(spool)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer sp.Close()
	if sum, err := hashRange(sp, 0, e.len); err != nil || sum != e.sha {
		return false, nil
	}
	return sameBytes(f, e.off, sp, size-e.off)
}

// sameBytes reports whether f holds at off the first n bytes of src.
func sameBytes(f *os.File, off int64, src *os.File, n int64) (bool, error) {
	bufA, bufB := make([]byte, 64<<10), make([]byte, 64<<10)
	for done := int64(0); done < n; {
		k := int(min(n-done, int64(len(bufA))))
		na, errA := f.ReadAt(bufA[:k], off+done)
		nb, _ := src.ReadAt(bufB[:k], done)
		if na != k || nb != k {
			if errA != nil && errA != io.EOF {
				return false, errA
			}
			return false, nil // a file ends before
		}
		if !bytes.Equal(bufA[:k], bufB[:k]) {
			return false, nil
		}
		done += int64(k)
	}
	return true, nil
}

func removeFile(path, what string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	return nil
}
