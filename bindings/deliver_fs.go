package bindings

// Durable local delivery for the scripts (movemail and friends): Maildir
// files written in tmp/, fsynced and renamed into new/; mbox appends in
// mboxrd form under fcntl and dot-file locks with one fsync for the whole
// append and a truncation back on failure; atomic file replacement.
// Nothing here knows about Scheme: deliver.go binds it.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// syncDir fsyncs the directory dir, making the names created or renamed
// in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory is written, fsynced and renamed over path, then the directory
// is fsynced. A reader sees the old content or the new, never a mixture;
// a crash leaves one of the two.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncer fsyncs files in the background, up to syncWorkers at once, so
// that the disk writes back one message while the next arrives: the
// kernel's journal commits concurrent fsyncs together, so a batch costs
// a few commits instead of one per file. wait returns the first error.
type syncer struct {
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs error
}

const syncWorkers = 32

func newSyncer() *syncer { return &syncer{sem: make(chan struct{}, syncWorkers)} }

// add starts fsyncing f.
func (s *syncer) add(f *os.File) {
	s.sem <- struct{}{}
	s.wg.Add(1)
	go func() {
		defer func() { <-s.sem; s.wg.Done() }()
		if err := f.Sync(); err != nil {
			s.mu.Lock()
			if s.errs == nil {
				s.errs = fmt.Errorf("fsync %s: %w", f.Name(), err)
			}
			s.mu.Unlock()
		}
	}()
}

// wait waits for every fsync started and returns the first error.
func (s *syncer) wait() error {
	s.wg.Wait()
	return s.errs
}

// ---- Maildir ----

// maildir is a Maildir (tmp/, new/, cur/) being delivered into.
type maildir struct {
	dir  string
	host string // the host part of unique names, with / and : escaped
	pid  int
	seq  int
}

// openMaildir checks dir and creates it (and tmp/, new/, cur/) with mode
// 0700 where missing.
func openMaildir(dir string) (*maildir, error) {
	for _, sub := range []string{"", "tmp", "new", "cur"} {
		p := filepath.Join(dir, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return nil, fmt.Errorf("maildir %s: %w", dir, err)
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("maildir %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("maildir %s: %s is not a directory", dir, p)
		}
	}
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "localhost"
	}
	h = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(h)
	return &maildir{dir: dir, host: h, pid: os.Getpid()}, nil
}

// cleanTmp removes from tmp/ the files a killed delivery of this package
// left there: names with this host and the PID of a process that no
// longer exists. (They were never renamed into new/; the journal's
// recovery has already dealt with those it listed.)
func (m *maildir) cleanTmp() {
	ents, err := os.ReadDir(filepath.Join(m.dir, "tmp"))
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, "."+m.host) {
			continue
		}
		p := strings.Index(name, "P")
		q := strings.Index(name, "Q")
		if p < 0 || q < p {
			continue
		}
		pid, err := strconv.Atoi(name[p+1 : q])
		if err != nil || pid <= 0 || pid == m.pid {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			os.Remove(filepath.Join(m.dir, "tmp", name))
		}
	}
}

// uniqueName returns a new unique file name (Maildir convention:
// time.M<usec>P<pid>Q<seq>.host).
func (m *maildir) uniqueName() string {
	m.seq++
	now := time.Now()
	return fmt.Sprintf("%d.M%dP%dQ%d.%s", now.Unix(), now.Nanosecond()/1000, m.pid, m.seq, m.host)
}

// create opens a new file in tmp/ for writing; it returns the file and
// its unique name.
func (m *maildir) create() (*os.File, string, error) {
	for range 10 {
		name := m.uniqueName()
		f, err := os.OpenFile(filepath.Join(m.dir, "tmp", name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("maildir %s: create: %w", m.dir, err)
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("maildir %s: cannot find a unique name", m.dir)
}

// writeTmp writes the message read from r to a new file in tmp/ (not yet
// fsynced, still open). On failure the file is removed: nothing partial
// stays behind.
func (m *maildir) writeTmp(r io.Reader) (*os.File, string, error) {
	f, name, err := m.create()
	if err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, "", fmt.Errorf("maildir %s: write message: %w", m.dir, err)
	}
	return f, name, nil
}

// publish renames tmp/name to new/name.
func (m *maildir) publish(name string) error {
	if err := os.Rename(filepath.Join(m.dir, "tmp", name), filepath.Join(m.dir, "new", name)); err != nil {
		return fmt.Errorf("maildir %s: deliver: %w", m.dir, err)
	}
	return nil
}

// delivered reports whether the message named name (a unique name given
// by this package) is in new/ or cur/ (where a reader may have moved it,
// adding ":2,FLAGS").
func (m *maildir) delivered(name string) bool {
	if _, err := os.Stat(filepath.Join(m.dir, "new", name)); err == nil {
		return true
	}
	if _, err := os.Stat(filepath.Join(m.dir, "cur", name)); err == nil {
		return true
	}
	matches, _ := filepath.Glob(filepath.Join(m.dir, "cur", globEscape(name)+":*"))
	return len(matches) > 0
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}

// deliverOne stores one message durably: tmp/, fsync, rename into new/,
// fsync new/. It returns the file name.
func (m *maildir) deliverOne(r io.Reader) (string, error) {
	f, name, err := m.writeTmp(r)
	if err != nil {
		return "", err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = m.publish(name)
	}
	if err != nil {
		os.Remove(filepath.Join(m.dir, "tmp", name))
		return "", fmt.Errorf("maildir %s: %w", m.dir, err)
	}
	return name, syncDir(filepath.Join(m.dir, "new"))
}

// ---- mbox ----

// mbox is an mbox file opened for appending under its locks.
type mbox struct {
	path    string
	f       *os.File
	w       *bufio.Writer
	start   int64 // size when opened: a failed append truncates back to it
	off     int64 // bytes in the file including what w holds
	dotlock string
	// lostPending is set when a failure took the file back to its last
	// commit, dropping messages appended before the failing one.
	lostPending bool
}

// mboxLockTimeout is how long openMbox waits for the locks; a dot-lock
// older than mboxStaleLock is taken for stale and removed (as
// liblockfile and mutt do).
const (
	mboxLockTimeout = 60 * time.Second
	mboxStaleLock   = 5 * time.Minute
)

// openMbox opens (creating with mode 0600) path for appending and takes
// its locks: the dot-lock path.lock (created with O_EXCL) and an fcntl
// write lock on the whole file (F_SETLKW), as mutt and mail(1) do.
func openMbox(path string) (*mbox, error) {
	lock := path + ".lock"
	if err := takeDotlock(lock); err != nil {
		return nil, fmt.Errorf("mbox %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		os.Remove(lock)
		return nil, fmt.Errorf("mbox %s: %w", path, err)
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
	for {
		err = syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		os.Remove(lock)
		return nil, fmt.Errorf("mbox %s: fcntl lock: %w", path, err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	var end int64
	if err == nil {
		end, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		f.Close()
		os.Remove(lock)
		return nil, fmt.Errorf("mbox %s: %w", path, err)
	}
	return &mbox{path: path, f: f, w: bufio.NewWriterSize(f, 256<<10), start: end, off: end, dotlock: lock}, nil
}

// takeDotlock creates the dot-lock file, waiting while another process
// holds it.
func takeDotlock(lock string) error {
	deadline := time.Now().Add(mboxLockTimeout)
	for {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return nil
		}
		if !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("dot-lock %s: %w", lock, err)
		}
		if staleDotlock(lock) {
			os.Remove(lock)
			continue
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dot-lock %s: held by another process for %v", lock, mboxLockTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// staleDotlock reports whether the dot-lock lock is stale: older than
// mboxStaleLock, or holding the PID of a process that no longer exists
// (as liblockfile decides; a lock written on another host over NFS
// would need the age test alone, and gets it).
func staleDotlock(lock string) bool {
	st, err := os.Stat(lock)
	if err != nil {
		return false
	}
	if time.Since(st.ModTime()) > mboxStaleLock {
		return true
	}
	data, err := os.ReadFile(lock)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return false
	}
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

// identity returns the device and inode of the open mbox.
func (m *mbox) identity() (dev, ino uint64) {
	if st, err := m.f.Stat(); err == nil {
		if s, ok := st.Sys().(*syscall.Stat_t); ok {
			return uint64(s.Dev), uint64(s.Ino)
		}
	}
	return 0, 0
}

// appendMessage writes one message read from r in mboxrd form: a "From "
// line, the message with every line matching ^>*From quoted by one more
// ">", a final newline if the message lacks one, and a blank line. On a
// read or write failure the file is truncated back to where the message
// began.
func (m *mbox) appendMessage(r io.Reader, now time.Time) error {
	begin := m.off
	err := m.writeMboxrd(r, now)
	if err == nil {
		return nil
	}
	if terr := m.truncate(begin); terr != nil {
		return fmt.Errorf("mbox %s: %w (and truncating back failed: %v)", m.path, err, terr)
	}
	return fmt.Errorf("mbox %s: %w", m.path, err)
}

func (m *mbox) writeMboxrd(r io.Reader, now time.Time) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// The envelope sender: Return-Path of the message if it has one.
	sender := "MAILER-DAEMON"
	if hdr, err := br.Peek(br.Size()); len(hdr) > 0 && (err == nil || err == io.EOF || err == bufio.ErrBufferFull) {
		if v, ok := headerField(hdr, "Return-Path"); ok {
			v = strings.Trim(strings.TrimSpace(v), "<>")
			if v != "" && !strings.ContainsAny(v, " \t\r\n") {
				sender = v
			}
		}
	}
	n, err := fmt.Fprintf(m.w, "From %s %s\n", sender, now.UTC().Format("Mon Jan _2 15:04:05 2006"))
	m.off += int64(n)
	if err != nil {
		return err
	}
	last := byte('\n')
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if isFromLine(line) {
				if err := m.w.WriteByte('>'); err != nil {
					return err
				}
				m.off++
			}
			n, werr := m.w.Write(line)
			m.off += int64(n)
			if werr != nil {
				return werr
			}
			last = line[len(line)-1]
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: its continuation is not a
			// line start, so write the rest as it comes.
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				n, werr := m.w.Write(line)
				m.off += int64(n)
				if werr != nil {
					return werr
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
			return err
		}
	}
	tail := "\n"
	if last != '\n' {
		tail = "\n\n"
	}
	n, err = m.w.WriteString(tail)
	m.off += int64(n)
	return err
}

// isFromLine reports whether line matches ^>*From (mboxrd quoting).
func isFromLine(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return bytes.HasPrefix(line[i:], []byte("From "))
}

// truncate drops everything after off (buffered or written). What is
// buffered before off is written first; if that fails, the file goes back
// to its last commit and lostPending is set (the messages appended since
// are not in it).
func (m *mbox) truncate(off int64) error {
	if err := m.w.Flush(); err != nil && off > m.start {
		off = m.start
		m.lostPending = true
	}
	m.w.Reset(m.f)
	if err := m.f.Truncate(off); err != nil {
		return err
	}
	if _, err := m.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	m.off = off
	return nil
}

// commit flushes and fsyncs what was appended: one fsync for the whole
// append. On failure the file is truncated back to its size at open.
func (m *mbox) commit() error {
	err := m.w.Flush()
	if err == nil {
		err = m.f.Sync()
	}
	if err != nil {
		if terr := m.truncate(m.start); terr == nil {
			m.f.Sync()
		}
		return fmt.Errorf("mbox %s: commit: %w", m.path, err)
	}
	m.start = m.off
	return nil
}

// abort truncates the file back to its size at open (or at the last
// commit).
func (m *mbox) abort() error {
	if err := m.truncate(m.start); err != nil {
		return fmt.Errorf("mbox %s: truncate back: %w", m.path, err)
	}
	return m.f.Sync()
}

// close releases the locks and the file (what was not committed is
// dropped).
func (m *mbox) close() error {
	var err error
	if m.off != m.start {
		err = m.abort()
	}
	cerr := m.f.Close() // releases the fcntl lock
	os.Remove(m.dotlock)
	if err == nil && cerr != nil {
		err = fmt.Errorf("mbox %s: close: %w", m.path, cerr)
	}
	return err
}

// recoverMboxTail truncates path back to off when it is still the file
// (dev, ino) and longer: the remains of an append that a killed process
// never committed. It takes the locks.
func recoverMboxTail(path string, off int64, dev, ino uint64) error {
	m, err := openMbox(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	d, i := m.identity()
	if d == dev && i == ino && m.off > off {
		m.start = off
		err = m.abort()
	}
	m.start = m.off
	if cerr := m.close(); err == nil {
		err = cerr
	}
	return err
}

// ---- header fields ----

// headerField returns the first field name of the header block hdr
// (which may continue into the body: the search stops at the first empty
// line), unfolded, without the name and colon, trimmed.
func headerField(hdr []byte, name string) (string, bool) {
	rest := hdr
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		if i < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:i], rest[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return "", false
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !strings.EqualFold(string(bytes.TrimRight(line[:colon], " \t")), name) {
			continue
		}
		val := strings.TrimSpace(string(line[colon+1:]))
		// Continuation lines start with a space or a tab.
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			j := bytes.IndexByte(rest, '\n')
			var cont []byte
			if j < 0 {
				cont, rest = rest, nil
			} else {
				cont, rest = rest[:j], rest[j+1:]
			}
			cont = bytes.TrimSpace(cont)
			if len(cont) > 0 {
				val += " " + string(cont)
			}
		}
		return val, true
	}
	return "", false
}

// parseUint is strconv.ParseUint base 10 for the journal.
func parseUint(s string) uint64 {
	v, _ := strconv.ParseUint(s, 10, 64)
	return v
}
