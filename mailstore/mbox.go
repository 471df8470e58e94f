package mailstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Mbox is an mbox file opened for appending under its two locks: the
// dot-lock PATH.lock (created with O_EXCL, holding the PID) and an fcntl
// write lock on the whole file, as mutt, mail(1) and local delivery
// agents take them. Messages are appended in mboxrd form; Commit makes
// them durable with one fsync; Close drops what was not committed.
//
// A program that ignores the locks may still append meanwhile: this
// run's bytes are written through a descriptor opened with O_APPEND, so
// they land at the file's real end and never over the other program's;
// before each message the file's size is looked at, and a file that grew
// gets this run's next message after a blank line, at the offset the
// journal then records. Undoing an append never cuts the other program's
// bytes: the file is cut back no further than the end of what another
// program wrote, and not at all when another program wrote after this
// run's last bytes.
type Mbox struct {
	path  string
	abs   string   // path made absolute at open (the program may change directory)
	f     *os.File // read, cut back, synced; held open for the fcntl lock
	af    *os.File // the same file opened O_APPEND: every append goes through it
	w     *bufio.Writer
	start int64 // size at open or at the last commit: Close truncates back to it
	off   int64 // bytes in the file including what w holds
	// floor is the end of the last bytes another program was found to
	// have appended while this run held the locks: nothing before it is
	// cut back.
	floor int64
	// keptOurs: an undo since the last commit had to keep bytes of
	// this run's that lie before another program's (see floor).
	keptOurs bool
	// cut: another program cut the file (see cutByOthers): the next
	// Commit fails, recording nothing.
	cut bool
	// disturbed: the file's size was found other than what this run
	// wrote since its last commit: before recording what it appended, a
	// Store checks the bytes are still there (see Store.checkPending).
	disturbed bool
	buf       []byte // for copying a message in few writes
	key       string // the file's fileKey, claimed in openMboxes
	dotlock   *dotlock
	// lostPending is set when a failure took the file back to its last
	// commit, dropping messages appended before the failing one.
	lostPending bool
	// separated: the end of the file was checked before this session's
	// first message (see separate).
	separated bool
}

// LockTimeout is how long OpenMbox waits for another process's locks
// (the dot-lock and the fcntl lock together) before it gives up; a
// dot-lock not touched for StaleLockAge, or holding the PID of a process
// that no longer exists, is stale and removed (as liblockfile and mutt
// do). See locks.go.
const (
	LockTimeout  = 60 * time.Second
	StaleLockAge = 5 * time.Minute
)

// OpenMbox opens (creating with mode 0600) path for appending and takes
// its locks, waiting up to LockTimeout for another process's.
func OpenMbox(path string) (*Mbox, error) { return OpenMboxWait(path, LockTimeout) }

// OpenMboxWait is OpenMbox waiting up to wait for another process's
// locks (0 or less: not at all). The file is opened after the dot-lock is
// taken, and once the fcntl lock is, the path must still name it: a file
// renamed over the path meanwhile (by a program that holds only the fcntl
// lock while it rewrites the mbox) is opened and locked again.
func OpenMboxWait(path string, wait time.Duration) (*Mbox, error) {
	deadline := time.Now().Add(wait)
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("mbox %s: %w", path, err)
	}
	dl, err := takeDotlock(abs+".lock", deadline)
	if err != nil {
		return nil, fmt.Errorf("mbox %s: %w", path, err)
	}
	for {
		// Read-write: recovery reads the file through this same descriptor
		// (closing any other descriptor of the file would drop the fcntl lock).
		f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			dl.release()
			return nil, fmt.Errorf("mbox %s: %w", path, err)
		}
		// Another run of this process may hold the file under another
		// name (a symbolic link): its dot-lock is another, and fcntl
		// locks do not keep a process from itself. Its turn first.
		key, err := fileKey(f)
		if err == nil {
			if cerr := claim(openMboxes, &openMboxesMu, key, path, deadline); cerr != nil {
				err = fmt.Errorf("in use by another run of this process (under another name); gave up waiting")
				key = ""
			}
		}
		if err == nil {
			// After the claim: that run's close dropped this process's
			// fcntl lock on the file, if it had it.
			err = fcntlLock(f, deadline)
		}
		var same bool
		if err == nil {
			same, err = namesFile(abs, f)
		}
		unclaimed := func() {
			if key != "" {
				unclaim(openMboxes, &openMboxesMu, key)
			}
		}
		if err == nil && !same {
			unclaimed()
			f.Close()
			if !time.Now().Before(deadline) {
				dl.release()
				return nil, fmt.Errorf("mbox %s: the file was replaced while this run waited for its lock, again and again; gave up", path)
			}
			continue
		}
		st, serr := f.Stat()
		if err == nil {
			err = serr
		}
		if err == nil && !st.Mode().IsRegular() {
			err = errors.New("not a regular file")
		}
		var end int64
		if err == nil {
			end, err = f.Seek(0, io.SeekEnd)
		}
		var af *os.File
		if err == nil {
			// Opened by name: it must be the file locked (closing it if
			// not drops nothing: fcntl locks are per file).
			af, err = os.OpenFile(abs, os.O_WRONLY|os.O_APPEND, 0)
			if err == nil {
				if ast, aerr := af.Stat(); aerr != nil || !os.SameFile(ast, st) {
					unclaimed()
					af.Close()
					f.Close()
					if !time.Now().Before(deadline) {
						dl.release()
						return nil, fmt.Errorf("mbox %s: the file was replaced while this run opened it, again and again; gave up", path)
					}
					continue
				}
			}
		}
		if err != nil {
			unclaimed()
			f.Close()
			dl.release()
			return nil, fmt.Errorf("mbox %s: %w", path, err)
		}
		return &Mbox{path: path, abs: abs, f: f, af: af, w: bufio.NewWriterSize(af, 256<<10), start: end, off: end, dotlock: dl, key: key}, nil
	}
}

// openMboxes are the mbox files (fileKey) open in this process.
var (
	openMboxesMu sync.Mutex
	openMboxes   = map[string]bool{}
)

// fileKey names the file f is open on: its device and inode.
func fileKey(f *os.File) (string, error) {
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", s.Dev, s.Ino), nil
	}
	return "", errors.New("no inode number")
}

// Path returns the file name of the mbox.
func (m *Mbox) Path() string { return m.path }

// identity returns the device and inode of the open mbox.
func (m *Mbox) identity() (dev, ino uint64) {
	if st, err := m.f.Stat(); err == nil {
		if s, ok := st.Sys().(*syscall.Stat_t); ok {
			return uint64(s.Dev), uint64(s.Ino)
		}
	}
	return 0, 0
}

// Append writes one message read from r in mboxrd form: a "From " line
// (the envelope sender from Return-Path, else MAILER-DAEMON, and now),
// the message with every line matching ^>*From quoted by one more ">", a
// final newline if the message lacks one, and a blank line. On a read or
// write failure the file is truncated back to where the message began.
func (m *Mbox) Append(r io.Reader, now time.Time) error {
	if err := m.catchUp(); err != nil {
		return err
	}
	if err := m.separate(); err != nil {
		return err
	}
	begin := m.off
	n, err := writeMboxrd(m.w, r, now)
	m.off += n
	if err == nil {
		return nil
	}
	if terr := m.truncate(begin); terr != nil {
		return fmt.Errorf("mbox %s: %w (and truncating back failed: %v)", m.path, err, terr)
	}
	return fmt.Errorf("mbox %s: %w", m.path, err)
}

// writeMboxrd writes the message read from r to w in mboxrd form and
// returns the number of bytes written.
func writeMboxrd(w *bufio.Writer, r io.Reader, now time.Time) (int64, error) {
	var off int64
	br := bufio.NewReaderSize(r, 64<<10)
	// The envelope sender: Return-Path of the message if it has one.
	sender := "MAILER-DAEMON"
	if hdr, err := br.Peek(br.Size()); len(hdr) > 0 && (err == nil || err == io.EOF || err == bufio.ErrBufferFull) {
		if v, ok := HeaderField(hdr, "Return-Path"); ok {
			v = strings.Trim(strings.TrimSpace(v), "<>")
			if v != "" && !strings.ContainsAny(v, " \t\r\n") {
				sender = v
			}
		}
	}
	n, err := fmt.Fprintf(w, "From %s %s\n", sender, now.UTC().Format("Mon Jan _2 15:04:05 2006"))
	off += int64(n)
	if err != nil {
		return off, err
	}
	last := byte('\n')
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if isFromLine(line) {
				if err := w.WriteByte('>'); err != nil {
					return off, err
				}
				off++
			}
			n, werr := w.Write(line)
			off += int64(n)
			if werr != nil {
				return off, werr
			}
			last = line[len(line)-1]
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: its continuation is not a
			// line start, so write the rest as it comes.
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				n, werr := w.Write(line)
				off += int64(n)
				if werr != nil {
					return off, werr
				}
				if len(line) > 0 {
					last = line[len(line)-1]
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return off, err
		}
	}
	tail := "\n"
	if last != '\n' {
		tail = "\n\n"
	}
	n, err = w.WriteString(tail)
	off += int64(n)
	return off, err
}

// isFromLine reports whether line matches ^>*From (mboxrd quoting).
func isFromLine(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return bytes.HasPrefix(line[i:], []byte("From "))
}

// separate makes sure this session's first message starts a line after a
// blank line. A file that does not end in "\n\n" ends inside a message
// that another writer left unfinished (killed while appending) or wrote
// without the blank line: the "From " line of ours would otherwise be read
// as part of that message, and ours lost to every mail reader. Their bytes
// are kept; one or two newlines are written before ours. Called with the
// locks held, before the offset of the first message is recorded.
func (m *Mbox) separate() error {
	if m.separated {
		return nil
	}
	m.separated = true
	if m.off == 0 {
		return nil
	}
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	n := min(m.off, 2)
	tail := make([]byte, n)
	if _, err := m.f.ReadAt(tail, m.off-n); err != nil {
		return fmt.Errorf("mbox %s: read its end: %w", m.path, err)
	}
	sep := ""
	switch {
	case tail[n-1] != '\n':
		sep = "\n\n"
	case n == 2 && tail[0] != '\n':
		sep = "\n"
	}
	// Straight to the file, before the journal records where ours begins.
	k, err := m.af.WriteString(sep)
	m.off += int64(k)
	if err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	return nil
}

// catchUp looks at the file's real size before this run writes a
// message: a program that ignores the locks may have appended since
// (its bytes are kept, and this run's next message goes after them, after
// a blank line: see separate), or cut the file (an error: what this run
// appended since its last commit may be gone).
func (m *Mbox) catchUp() error {
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	st, err := m.f.Stat()
	if err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	switch size := st.Size(); {
	case size > m.off:
		m.othersAppended(size)
	case size < m.off:
		return m.cutByOthers(size)
	}
	return nil
}

// othersAppended notes that the file, size bytes long, holds another
// program's bytes after this run's last ones.
func (m *Mbox) othersAppended(size int64) {
	m.off, m.floor = size, size
	m.separated = false
	m.disturbed = true
}

// cutByOthers is the error of a file found shorter (size bytes) than
// what this run wrote: another program ignoring the locks cut or
// rewrote it. Nothing of the file is cut back after that: what it holds
// now is the other program's.
func (m *Mbox) cutByOthers(size int64) error {
	was := m.off
	m.off, m.floor, m.start = size, size, min(m.start, size)
	m.separated = false
	m.cut = true
	m.disturbed = true
	return fmt.Errorf("mbox %s: another program cut the file from %d to %d bytes while this run held its locks (the locks were not respected): the messages appended since the last commit are not recorded as stored", m.path, was, size)
}

// errCut is Commit's error after another program cut or rewrote the
// file.
var errCut = errors.New("another program cut or rewrote the file while this run appended to it (the locks were not respected): nothing was recorded as stored")

// errInterleaved is appendFile's error when another program's bytes
// landed among the message's: the message is not where it was to be.
var errInterleaved = errors.New("another program appended to the file while this run wrote a message (the locks were not respected): the message is not stored, and every byte is kept")

// appendFile copies the first n bytes of src (a message already in
// mboxrd form) to the end of the mbox. On failure the file is truncated
// back to where the message began. When another program appended while
// the message was written, the message's bytes are checked against
// src: whole at their place, they stay, else errInterleaved.
func (m *Mbox) appendFile(src *os.File, n int64) error {
	if err := m.w.Flush(); err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	begin := m.off
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if m.buf == nil {
		m.buf = make([]byte, 1<<20)
	}
	// Few large writes: each lands whole at the end of the file.
	w, err := io.CopyBuffer(struct{ io.Writer }{m.af}, io.LimitReader(src, n), m.buf)
	m.off += w
	if err == nil && w < n {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		if terr := m.truncate(begin); terr != nil {
			return fmt.Errorf("mbox %s: %w (and truncating back failed: %v)", m.path, err, terr)
		}
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	st, err := m.f.Stat()
	if err != nil {
		return fmt.Errorf("mbox %s: %w", m.path, err)
	}
	switch size := st.Size(); {
	case size < m.off:
		return m.cutByOthers(size)
	case size > m.off:
		same, err := sameBytes(m.f, begin, src, n)
		m.othersAppended(size)
		if err != nil {
			return fmt.Errorf("mbox %s: %w", m.path, err)
		}
		if !same {
			return fmt.Errorf("mbox %s: %w", m.path, errInterleaved)
		}
	}
	return nil
}

// truncate drops everything after off (buffered or written). What is
// buffered before off is written first; if that fails, the file goes back
// to its last commit and lostPending is set (the messages appended since
// are not in it). Another program's bytes are never dropped: not those
// before floor (off is raised to it, and keptOurs set when that keeps
// bytes of this run's), nor any found after this run's last ones (the
// file is then left as it is).
func (m *Mbox) truncate(off int64) error {
	if err := m.w.Flush(); err != nil && off > m.start {
		off = m.start
		m.lostPending = true
	}
	m.w.Reset(m.af)
	st, err := m.f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size > m.off {
		if off < m.off {
			m.keptOurs = true
		}
		m.othersAppended(size)
		return nil
	}
	if off < m.floor {
		m.keptOurs = true
		off = m.floor
	}
	off = min(off, size) // never lengthened
	if err := m.f.Truncate(off); err != nil {
		return err
	}
	if _, err := m.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	m.off = off
	return nil
}

// Commit flushes and fsyncs what was appended: one fsync for the whole
// append. On failure the file is truncated back to its size at open (or
// at the last commit). The path must still name the file appended to: a
// program that ignores the locks may have renamed it away (and may go on
// to remove it), so the append is then undone and Commit fails rather
// than report as stored what no reader of the path will see.
func (m *Mbox) Commit() error {
	err := m.w.Flush()
	if err == nil {
		var st os.FileInfo
		if st, err = m.f.Stat(); err == nil {
			switch size := st.Size(); {
			case size > m.off:
				m.othersAppended(size)
			case size < m.off:
				m.cutByOthers(size)
			}
		}
	}
	if err == nil && m.cut {
		// Not cut back: the bytes there now are another program's.
		m.cut = false
		m.start = m.off
		return fmt.Errorf("mbox %s: commit: %w", m.path, errCut)
	}
	if err == nil {
		m.disturbed = false
	}
	if err == nil && m.off != m.start {
		var same bool
		if same, err = namesFile(m.abs, m.f); err == nil && !same {
			err = errors.New("the file was renamed or removed by another program while this run appended to it (its locks were not respected): nothing was stored")
		}
	}
	if err == nil {
		err = m.f.Sync()
	}
	if err != nil {
		if terr := m.truncate(m.start); terr == nil {
			m.f.Sync()
		}
		return fmt.Errorf("mbox %s: commit: %w%s", m.path, err, m.keptNote())
	}
	m.start = m.off
	m.keptOurs = false
	return nil
}

// keptNote is what an error adds when an undo kept bytes of this run's
// (see truncate).
func (m *Mbox) keptNote() string {
	if !m.keptOurs {
		return ""
	}
	return "; another program appended after some of this run's messages, ignoring the locks: those were kept in the file, not recorded as stored (a later run may store them again)"
}

// abort truncates the file back to its size at open (or at the last
// commit).
func (m *Mbox) abort() error {
	if err := m.truncate(m.start); err != nil {
		return fmt.Errorf("mbox %s: truncate back: %w", m.path, err)
	}
	if err := m.f.Sync(); err != nil {
		return err
	}
	if note := m.keptNote(); note != "" {
		return fmt.Errorf("mbox %s: undoing what was not committed%s", m.path, note)
	}
	return nil
}

// Close drops what was not committed and releases the locks and the
// file.
func (m *Mbox) Close() error {
	if m.f == nil {
		return nil
	}
	var err error
	if m.off != m.start || m.w.Buffered() > 0 {
		err = m.abort()
	}
	m.af.Close()
	cerr := m.f.Close() // releases the fcntl lock
	m.f, m.af = nil, nil
	unclaim(openMboxes, &openMboxesMu, m.key)
	m.dotlock.release()
	if err == nil && cerr != nil {
		err = fmt.Errorf("mbox %s: close: %w", m.path, cerr)
	}
	return err
}
