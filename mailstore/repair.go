package mailstore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The repair of an mbox where a killed run's unfinished message was
// followed by another program's mail.
//
// A run killed inside the write of a message leaves the message's first
// bytes at the end of the mbox, usually ending inside a line (the kernel
// stops a write at a page boundary). When no one has written since,
// recovery truncates them (recoverMbox). When a delivery agent has
// appended meanwhile without looking at how the file ends, its From_ line
// is glued to that unfinished line, and a mail reader sees its message as
// part of the unfinished one; even a careful agent leaves the unfinished
// message in the mbox as a message cut short. Recovery then moves the
// other program's mail back to where the unfinished message began: it
// removes the bytes the killed run wrote there (compared with the spool)
// and the newlines a careful agent wrote after them to end their line,
// and keeps every byte of the other program's mail, from its From_ line
// on. The messages before then end as they did before the kill, in one
// blank line. The unfinished message stays on the server, and the next
// fetch stores it whole.
//
// A kill during the move must not lose those bytes, so the tail is first
// copied into a record, STATE.move, written, fsynced and renamed into
// place before the mbox is touched:
//
//	popsh-move 1
//	SIZE DEV INO FROM TO LEN SHA256
//	(the LEN bytes of the tail)
//
// SIZE, DEV and INO are the mbox's size and identity before the move; the
// tail is the bytes [FROM, SIZE) (LEN of them, with their SHA-256), and
// they go to TO, after which the file ends at TO+LEN. The record is
// removed once the mbox is fsynced. A run that finds it finishes the move
// when the mbox is as a killed move leaves it (the same file, SIZE or
// TO+LEN bytes long) and otherwise keeps everything, the record included,
// and says so.
const moveHeader = "popsh-move 1"

// moveRecord is a parsed STATE.move.
type moveRecord struct {
	size, from, to, n int64
	dev, ino          uint64
	sha               string
	dataOff           int64 // where the tail's bytes begin in the record
}

// maxGlueSearch bounds how far before the first byte that differs from
// the spool recovery looks for the other program's From_ line: its first
// bytes may happen to equal the unfinished message's at that place.
const maxGlueSearch = 1024

// foreignStart returns where another program's mail begins after the
// unfinished message e, which the file (size bytes) holds only in part:
// the From_ line that begins at or before the first byte differing from
// the spool, or after newlines only. ok is false when that cannot be
// established: no spool, a spool that is not message e, or no From_ line
// there. The bytes from e.off to the returned offset are the beginning
// of message e, then newlines.
func foreignStart(f *os.File, e journalMsg, spool string, size int64) (int64, bool, error) {
	sp, err := os.Open(spool)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer sp.Close()
	if sum, err := hashRange(sp, 0, e.len); err != nil || sum != e.sha {
		return 0, false, nil
	}
	// The first differing byte.
	n := min(size-e.off, e.len)
	a := bufio.NewReaderSize(io.NewSectionReader(f, e.off, n), 64<<10)
	b := bufio.NewReaderSize(io.NewSectionReader(sp, 0, n), 64<<10)
	var diff int64
	for ; diff < n; diff++ {
		x, errA := a.ReadByte()
		y, errB := b.ReadByte()
		if errA != nil || errB != nil {
			if errA == io.EOF || errB == io.EOF {
				return 0, false, nil
			}
			return 0, false, errors.Join(errA, errB)
		}
		if x != y {
			break
		}
	}
	if diff == n {
		return 0, false, nil // no other bytes after the message's beginning
	}
	if diff == 0 {
		// Not one byte of the message is there: the file was emptied
		// or rewritten since (a reader that truncates it after reading,
		// then new deliveries). Nothing of it to remove.
		return 0, false, nil
	}
	// The From_ line: the last "From " starting at most at the first
	// differing byte, after the message's first byte; or just after it,
	// when a careful writer began with a newline or two to end the
	// unfinished line (its bytes then begin at the first differing one).
	lo := e.off + 1
	if d := e.off + diff - maxGlueSearch; d > lo {
		lo = d
	}
	first := e.off + diff
	win := make([]byte, min(first+8, size)-lo)
	if _, err := f.ReadAt(win, lo); err != nil && err != io.EOF {
		return 0, false, err
	}
	for i := bytes.LastIndex(win, []byte("From ")); i >= 0; i = bytes.LastIndex(win[:i], []byte("From ")) {
		at := lo + int64(i)
		if at > first && len(bytes.Trim(win[first-lo:i], "\n")) > 0 {
			continue
		}
		ok, err := fromLineAt(f, at, size)
		if err != nil || !ok {
			if err != nil {
				return 0, false, err
			}
			continue
		}
		// Newlines just before the From_ line, the message's or the
		// other program's (ending the unfinished line), go with the
		// unfinished message: the message before it ends in a blank
		// line already (see Mbox.separate).
		return at, true, nil
	}
	return 0, false, nil
}

// fromLineAt reports whether the file holds an mbox From_ line at off: "From ",
// a sender and a date (at least five more words) before a newline within
// the first 1000 bytes.
func fromLineAt(f *os.File, off, size int64) (bool, error) {
	buf := make([]byte, min(1000, size-off))
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return false, err
	}
	line, _, found := bytes.Cut(buf, []byte("\n"))
	if !found || !bytes.HasPrefix(line, []byte("From ")) {
		return false, nil
	}
	return len(strings.Fields(string(line))) >= 6, nil
}

// moveTail removes the unfinished message's bytes [to, from) from the
// mbox by moving the tail [from, size) to to, through the record at rec.
func moveTail(m *Mbox, rec string, from, to, size int64) error {
	if err := writeMoveRecord(m, rec, from, to, size); err != nil {
		return err
	}
	r, err := readMoveRecord(rec)
	if err != nil {
		return err
	}
	return finishMove(m, rec, r)
}

// writeMoveRecord writes the record of moving the tail [from, size) of
// the mbox to to, durably, before the mbox is touched.
func writeMoveRecord(m *Mbox, rec string, from, to, size int64) error {
	dev, ino := m.identity()
	t, err := os.CreateTemp(filepath.Dir(rec), "."+filepath.Base(rec)+".tmp*")
	if err != nil {
		return fmt.Errorf("move record %s: %w", rec, err)
	}
	h := sha256.New()
	_, err = io.Copy(h, io.NewSectionReader(m.f, from, size-from))
	if err == nil {
		_, err = fmt.Fprintf(t, "%s\n%d %d %d %d %d %d %s\n", moveHeader, size, dev, ino, from, to, size-from, hex.EncodeToString(h.Sum(nil)))
	}
	if err == nil {
		_, err = io.Copy(t, io.NewSectionReader(m.f, from, size-from))
	}
	if err == nil {
		err = t.Sync()
	}
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(t.Name(), rec)
	}
	if err == nil {
		err = syncDir(filepath.Dir(rec))
	}
	if err != nil {
		os.Remove(t.Name())
		return fmt.Errorf("move record %s: %w", rec, err)
	}
	return nil
}

// readMoveRecord parses the record rec; nil when there is none.
func readMoveRecord(rec string) (*moveRecord, error) {
	f, err := os.Open(rec)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	h1, err1 := br.ReadString('\n')
	h2, err2 := br.ReadString('\n')
	var r moveRecord
	if err1 != nil || err2 != nil || h1 != moveHeader+"\n" {
		return nil, fmt.Errorf("move record %s: not a record of this program", rec)
	}
	if k, _ := fmt.Sscanf(h2, "%d %d %d %d %d %d %s\n", &r.size, &r.dev, &r.ino, &r.from, &r.to, &r.n, &r.sha); k != 7 || r.n != r.size-r.from || r.to >= r.from {
		return nil, fmt.Errorf("move record %s: malformed", rec)
	}
	r.dataOff = int64(len(h1) + len(h2))
	if sum, err := hashRange(f, r.dataOff, r.n); err != nil || sum != r.sha {
		return nil, fmt.Errorf("move record %s: the saved bytes do not match their checksum", rec)
	}
	return &r, nil
}

// finishMove makes the move of record r in the mbox m and removes the
// record, when the mbox is as before the move or as a killed move left
// it. Otherwise it changes nothing and reports why.
func finishMove(m *Mbox, rec string, r *moveRecord) error {
	st, err := m.f.Stat()
	if err != nil {
		return err
	}
	dev, ino := m.identity()
	if dev != r.dev || ino != r.ino || (st.Size() != r.size && st.Size() != r.to+r.n) {
		return fmt.Errorf("an interrupted repair of mbox %s cannot be finished: the file changed since (%d bytes, the repair expected %d or %d); kept as it is, and the other program's mail it was moving is saved in %s", m.path, st.Size(), r.size, r.to+r.n, rec)
	}
	f, err := os.Open(rec)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(io.NewOffsetWriter(m.f, r.to), io.NewSectionReader(f, r.dataOff, r.n)); err != nil {
		return fmt.Errorf("mbox %s: repair: %w (the bytes being moved are saved in %s)", m.path, err, rec)
	}
	if err := m.f.Truncate(r.to + r.n); err != nil {
		return fmt.Errorf("mbox %s: repair: %w (the bytes being moved are saved in %s)", m.path, err, rec)
	}
	if err := m.f.Sync(); err != nil {
		return fmt.Errorf("mbox %s: repair: fsync: %w (the bytes being moved are saved in %s)", m.path, err, rec)
	}
	if _, err := m.f.Seek(r.to+r.n, io.SeekStart); err != nil {
		return err
	}
	m.off, m.start = r.to+r.n, r.to+r.n
	if err := os.Remove(rec); err != nil {
		return err
	}
	return syncDir(filepath.Dir(rec))
}
