package mailstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"popsh/pop3"
)

// Options configures Open.
type Options struct {
	// StateFile is the UIDL state file ("" keeps no state: no UIDLs
	// remembered, no journal, no run lock). Beside it live STATE.lock
	// (the run lock), STATE.journal and STATE.spool while a run is
	// under way.
	StateFile string
	// Account names the account in the state file (for example
	// "alice@pop.example.org:995"): the state is kept per account and
	// destination.
	Account string
	// LockWait is how long Open waits for another run holding the state
	// file's lock before failing with a *BusyError (0: do not wait).
	LockWait time.Duration
	// MboxLockWait is how long Open waits for another program holding
	// an mbox's locks before failing, having written nothing (0:
	// LockTimeout; less than 0: do not wait).
	MboxLockWait time.Duration
}

// mboxLockWait is the wait for an mbox's locks that opts asks for.
func (o Options) mboxLockWait() time.Duration {
	if o.MboxLockWait == 0 {
		return LockTimeout
	}
	return max(o.MboxLockWait, 0)
}

// DestError is an error of the destination (the Maildir, the mbox, the
// state file or the journal), as opposed to an error of the server or of
// the connection, which Fetch returns as the pop3 package gave it.
type DestError struct {
	Dest string
	Err  error
}

func (e *DestError) Error() string { return "destination " + e.Dest + ": " + e.Err.Error() }
func (e *DestError) Unwrap() error { return e.Err }

// Store is a destination (a Maildir or an mbox) with its UIDL state:
// what was fetched into it, and the journal that makes a run killed at
// any point safe to run again.
type Store struct {
	dest string
	key  string
	opts Options

	md   *Maildir // one of md, mb is set
	mb   *Mbox
	lock *RunLock

	state    *stateFile
	seen     uidSet           // UIDLs stored by earlier runs (and committed in this one), with their sizes
	onServer map[string]bool  // the UIDLs the server listed, nil if unknown
	sizes    map[string]int64 // the sizes LIST gave, by UIDL (see Partition)
	// learned: Partition learned the size of a UIDL the state had
	// without one: the next Commit writes the state file.
	learned bool

	journal    *os.File
	jcommitted bool // "c" is in the journal
	// jbroken: a line of the journal could not be written (or an append
	// could not be undone), so it may not tell what the mbox holds: the
	// commit undoes the append instead of recording it.
	jbroken   bool
	spool     *os.File
	spoolPath string

	claimed string // the state file, absolute, while this Store has it (see Open)

	pending []stored // stored, not yet committed
	stored  []int    // message numbers committed in this session
	notes   []string
	closed  bool

	// Messages of a server without UIDL (see the state file's "nouidl"
	// lines): unconfirmed is the section's digests of messages stored
	// whose deletion was not confirmed, avail those not yet recognized in
	// this session; recognized are the numbers of this session's
	// messages found to be among them, mine the digests of this session's
	// messages stored or recognized, examined the messages retrieved
	// whole. client is the connection of the last Fetch: Close asks it
	// whether QUIT was confirmed.
	unconfirmed map[string]int
	avail       map[string]int
	recognized  []int
	mine        map[int]string
	examined    map[int]bool
	client      *pop3.Client
}

// stored is a message stored in this session.
type stored struct {
	num    int
	uid    string // "" when the server has no UIDL
	size   int64  // as LIST gave it, noSize if not known
	name   string // Maildir file name
	digest string // without UIDL: the SHA-256 of the message (see digester)
	known  bool   // recognized as stored by an earlier run: not stored again
	// mbox: where the message was appended, its length and SHA-256
	off, len int64
	sha      []byte
}

// digester returns the hash that gives the digest of a message of a
// server without UIDL (the message as received, LF line ends), by which
// a later session recognizes it while its deletion is not confirmed; nil
// for a message with a UIDL, or without a state file.
func (s *Store) digester(uid string) hash.Hash {
	if uid != "" || s.state == nil {
		return nil
	}
	return sha256.New()
}

// recognize reports whether message n, retrieved whole with digest d, is
// one that an earlier run stored and whose deletion it could not confirm
// (each such message is recognized once); if so it is pending as stored,
// and not stored again.
func (s *Store) recognize(n int, d string) bool {
	if s.examined == nil {
		s.examined = map[int]bool{}
	}
	s.examined[n] = true
	if s.avail[d] == 0 {
		return false
	}
	s.avail[d]--
	s.pending = append(s.pending, stored{num: n, digest: d, known: true})
	return true
}

// unrecognize takes back the recognition of the last message pending, when
// what followed it shows it was cut short (see cutShort): the server's
// message is longer than the one stored before, and must not be deleted.
func (s *Store) unrecognize() {
	p := s.pending[len(s.pending)-1]
	s.pending = s.pending[:len(s.pending)-1]
	s.avail[p.digest]++
	delete(s.examined, p.num)
}

// IsMaildir reports whether dest names a Maildir: an existing directory
// or a path ending in a slash.
func IsMaildir(dest string) bool {
	if strings.HasSuffix(dest, "/") {
		return true
	}
	st, err := os.Stat(dest)
	return err == nil && st.IsDir()
}

// Open opens the destination dest (a Maildir if IsMaildir, else an mbox)
// for a run. In order: the run lock of the state file (see LockWait);
// the destination (for an mbox, its dot-lock and fcntl lock, held until
// Close); then, under those locks, the journal a killed run left is
// replayed (see the package documentation); then the state is read. (A
// journal that names another destination is replayed first, under that
// destination's locks: only its destination line is looked at before
// they are taken.)
func Open(dest string, opts Options) (*Store, error) {
	if dest == "" || strings.ContainsAny(dest, "\n\x00") || strings.ContainsAny(opts.StateFile, "\n\x00") || strings.ContainsAny(opts.Account, "\n\x00") {
		return nil, fmt.Errorf("bad destination or state file name %q", dest)
	}
	s := &Store{dest: dest, key: destKey(dest), opts: opts, seen: uidSet{}}
	if opts.StateFile != "" {
		if err := os.MkdirAll(filepath.Dir(opts.StateFile), 0o700); err != nil {
			return nil, s.destErr(fmt.Errorf("state file %s: %w", opts.StateFile, err))
		}
		deadline := time.Now().Add(opts.LockWait)
		l, err := LockRun(opts.StateFile+".lock", opts.LockWait)
		if err != nil {
			return nil, err
		}
		// Another Store of this process on the state file (the run
		// lock is this process's already) is waited for as another
		// process's run is.
		abs, err := filepath.Abs(opts.StateFile)
		if err == nil {
			err = claim(openStates, &openStatesMu, abs, opts.StateFile+".lock", deadline)
		}
		if err != nil {
			l.Unlock()
			return nil, err
		}
		s.claimed = abs
		s.lock = l
		s.spoolPath = opts.StateFile + ".spool"
		removeStateTemps(opts.StateFile)
		// A journal of another destination is dealt with under that
		// destination's locks, before this one is opened.
		j, err := readJournal(s.journalPath())
		if err == nil && j != nil && (j.maildir || j.path != s.key) {
			err = s.recover(j, nil)
		}
		if err != nil {
			s.release()
			return nil, s.destErr(err)
		}
	}
	var err error
	if IsMaildir(dest) {
		s.md, err = OpenMaildir(dest)
	} else {
		s.mb, err = OpenMboxWait(dest, opts.mboxLockWait())
	}
	if err != nil {
		s.release()
		return nil, s.destErr(err)
	}
	if opts.StateFile != "" {
		// Under the destination's locks: the journal of this mbox.
		j, err := readJournal(s.journalPath())
		if err == nil && j != nil {
			err = s.recover(j, s.mb)
		}
		if err == nil {
			s.state, err = readState(opts.StateFile)
		}
		if err != nil {
			s.Close()
			return nil, s.destErr(err)
		}
		s.seen = s.state.uids(stateKey{opts.Account, s.key})
		s.unconfirmed = s.state.digests(stateKey{opts.Account, s.key})
		s.avail = maps.Clone(s.unconfirmed)
	}
	if s.md != nil {
		s.md.cleanTmp()
	}
	return s, nil
}

func (s *Store) journalPath() string { return s.opts.StateFile + ".journal" }

// removeStateTemps removes the temporary files a run killed while it
// replaced the state file or wrote a repair record left beside them
// (.STATE.tmpN and .STATE.move.tmpN, N digits: see WriteFileAtomic and
// writeMoveRecord), and a spool without its journal (a run killed after
// its commit): under the run lock, no other run is writing them.
func removeStateTemps(state string) {
	dir, base := filepath.Split(state)
	if dir == "" {
		dir = "."
	}
	for _, prefix := range []string{"." + base + ".tmp", "." + base + ".move.tmp"} {
		names, _ := filepath.Glob(filepath.Join(dir, globEscape(prefix)+"*"))
		for _, name := range names {
			rest := strings.TrimPrefix(filepath.Base(name), prefix)
			if rest != "" && strings.Trim(rest, "0123456789") == "" {
				os.Remove(name)
			}
		}
	}
	if _, err := os.Stat(state + ".journal"); errors.Is(err, os.ErrNotExist) {
		os.Remove(state + ".spool")
	}
}

// movePath is the record of a repair of the mbox (see repair.go).
func (s *Store) movePath() string { return s.opts.StateFile + ".move" }

func (s *Store) destErr(err error) error {
	if err == nil {
		return nil
	}
	var de *DestError
	if errors.As(err, &de) {
		return err
	}
	return &DestError{Dest: s.dest, Err: err}
}

// recover replays the journal j; mb is the open mbox it names, or nil.
func (s *Store) recover(j *journal, mb *Mbox) error {
	account := j.account
	if j.v1 {
		account = s.opts.Account
	}
	var rec recovery
	switch {
	case j.maildir:
		rec = recoverMaildir(j)
	case mb != nil:
		var err error
		if rec, err = recoverMbox(j, mb, s.spoolPath, s.movePath()); err != nil {
			return err
		}
	default:
		if _, err := os.Stat(j.path); errors.Is(err, os.ErrNotExist) {
			if len(j.msgs) > 0 && !j.committed {
				rec.notes = append(rec.notes, fmt.Sprintf("mbox %s, where an interrupted run was appending, no longer exists: its %d messages stay on the server", j.path, len(j.msgs)))
			}
			break
		}
		other, err := OpenMboxWait(j.path, s.opts.mboxLockWait())
		if err != nil {
			return fmt.Errorf("journal %s: %w", s.journalPath(), err)
		}
		// Read again, now under that mbox's locks.
		if j, err = readJournal(s.journalPath()); err == nil && j != nil {
			rec, err = recoverMbox(j, other, s.spoolPath, s.movePath())
		}
		other.start = other.off
		if cerr := other.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if err := addState(s.opts.StateFile, stateKey{account, j.path}, rec.uids, rec.digests); err != nil {
		return err
	}
	s.notes = append(s.notes, rec.notes...)
	if err := removeFile(s.spoolPath, "spool"); err != nil {
		return err
	}
	return removeFile(s.journalPath(), "journal")
}

// Dest returns the destination as given to Open.
func (s *Store) Dest() string { return s.dest }

// IsMaildir reports whether the store is a Maildir.
func (s *Store) IsMaildir() bool { return s.md != nil }

// Notes returns what Open found when it replayed a killed run's journal
// and could not settle by itself (bytes of an mbox kept because another
// program wrote after them, messages left on the server): one sentence
// each, for the user.
func (s *Store) Notes() []string { return s.notes }

// Stored returns the message numbers committed in this session: the
// messages stored, and those of a server without UIDL recognized as
// stored by an earlier run whose QUIT was not confirmed (the server
// may delete both).
func (s *Store) Stored() []int { return s.stored }

// Seen reports whether the message with this UIDL was stored by an
// earlier run (or committed in this one).
func (s *Store) Seen(uid string) bool {
	_, ok := s.seen[uid]
	return ok
}

// Partition splits the server's messages into those not yet stored and
// those stored before (by UIDL), and remembers the server's UIDLs so
// that Commit can forget the ones no longer there. sizes, when given, is
// LIST's answer: a UIDL stored before with another size is a message the
// server gave that UIDL again (after deleting the one stored), so it is
// fresh; the sizes are recorded with what is stored. (A UIDL recorded
// without a size, by an earlier popsh, matches any size, and learns
// this one.)
func (s *Store) Partition(msgs []pop3.MsgUID, sizes ...pop3.MsgInfo) (fresh, old []pop3.MsgUID) {
	byNum := make(map[int]int64, len(sizes))
	for _, m := range sizes {
		byNum[m.Num] = m.Size
	}
	s.onServer = make(map[string]bool, len(msgs))
	s.sizes = make(map[string]int64, len(msgs))
	for _, m := range msgs {
		s.onServer[m.UID] = true
		size, known := byNum[m.Num]
		if !known {
			size = noSize
		}
		s.sizes[m.UID] = size
		was, ok := s.seen[m.UID]
		switch {
		case ok && was < 0 && size >= 0:
			s.seen[m.UID] = size
			s.learned = true
			fallthrough
		case ok && (was < 0 || size < 0 || was == size):
			old = append(old, m)
		default:
			fresh = append(fresh, m)
		}
	}
	return fresh, old
}

// sizeOf returns the size Partition noted for uid, or noSize.
func (s *Store) sizeOf(uid string) int64 {
	if size, ok := s.sizes[uid]; ok && uid != "" {
		return size
	}
	return noSize
}

// journalLine appends lines to the journal, creating it (with its
// header, fsynced) first; sync fsyncs it.
func (s *Store) journalLine(sync bool, lines ...string) error {
	if s.opts.StateFile == "" {
		return nil
	}
	jpath := s.journalPath()
	if s.journal == nil {
		f, err := os.OpenFile(jpath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
		var head string
		if s.md != nil {
			head = "maildir"
		} else {
			dev, ino := s.mb.identity()
			head = fmt.Sprintf("mbox %d %d %d", s.mb.start, dev, ino)
		}
		head = journalHeader + "\n" + head + "\n" + s.key + "\n" + strconv.Quote(s.opts.Account) + "\n"
		if _, err := f.WriteString(head); err != nil {
			f.Close()
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
		s.journal = f
		s.jcommitted = false
		sync = true
	}
	if len(lines) > 0 {
		if _, err := s.journal.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
	}
	if sync {
		if err := s.journal.Sync(); err != nil {
			return fmt.Errorf("journal %s: fsync: %w", jpath, err)
		}
		if err := syncDir(filepath.Dir(jpath)); err != nil {
			return err
		}
	}
	return nil
}

// Fetch retrieves msgs (pipelined when the server offers it) into the
// store and returns how many were stored. The store keeps c: Close asks
// it whether QUIT was confirmed (a Fetch of no message only does that). The messages' sizes are listed
// first (LIST) if the session has not listed them: each body is bounded
// by its size, and a message LIST lacks is refused (wrapping
// [pop3.ErrBadArgument]). The retrieval ends with a NOOP (see
// retrieve), and a message followed by stray data is not kept (see
// cutShort). A message cut short (connection
// lost, destination full) leaves nothing behind; the messages before it
// stay stored, pending until Commit. Errors of the destination are
// *DestError; the others come from the client.
func (s *Store) Fetch(ctx context.Context, c *pop3.Client, msgs []pop3.MsgUID) (int, error) {
	if s.closed {
		return 0, s.destErr(errors.New("store is closed"))
	}
	s.client = c
	if len(msgs) == 0 {
		return 0, nil // c is known: see Close
	}
	nums := make([]int, len(msgs))
	uid := make(map[int]string, len(msgs))
	for i, m := range msgs {
		nums[i] = m.Num
		uid[m.Num] = m.UID
	}
	listed := false
	for _, n := range nums {
		if _, ok := c.ListedSize(n); ok {
			continue
		}
		// A body is bounded by its listed size: without it a server
		// could send a message that never ends onto the disk.
		if !listed {
			if _, err := c.List(ctx); err != nil {
				return 0, err
			}
			listed = true
		}
		if _, ok := c.ListedSize(n); !ok {
			return 0, fmt.Errorf("message %d is not in the server's listing: %w; nothing fetched", n, pop3.ErrBadArgument)
		}
	}
	c.SetLineEnding(pop3.LF)
	if s.md != nil {
		return s.fetchMaildir(ctx, c, nums, uid)
	}
	return s.fetchMbox(ctx, c, nums, uid)
}

// localError marks an error of the message handler as the destination's.
type localError struct{ error }

func (e localError) Unwrap() error { return e.error }

// fetchErr sorts the error of RetrMany: the handler's own errors are the
// destination's.
func (s *Store) fetchErr(err error) error {
	var le localError
	if errors.As(err, &le) {
		return s.destErr(le.error)
	}
	return err
}

func (s *Store) fetchMaildir(ctx context.Context, c *pop3.Client, nums []int, uid map[int]string) (int, error) {
	type tmpFile struct {
		f      *os.File
		name   string
		num    int
		digest string
	}
	var files []tmpFile
	sy := newSyncer()
	// What became of the last message handled, which stray data after it
	// makes suspect (see cutShort): a file kept, recognized, or neither.
	const (
		none = iota
		kept
		recognized
	)
	last := none
	err := retrieve(ctx, c, nums, func(n int, body io.Reader) error {
		last = none
		f, name, err := s.md.create()
		if err != nil {
			return localError{err}
		}
		dg := s.digester(uid[n])
		if dg != nil {
			body = io.TeeReader(body, dg)
		}
		if _, err := io.Copy(f, body); err != nil {
			f.Close()
			os.Remove(f.Name())
			var pe *os.PathError
			if errors.As(err, &pe) && pe.Path == f.Name() {
				return localError{fmt.Errorf("maildir %s: write message: %w", s.md.dir, err)}
			}
			return err
		}
		var digest string
		if dg != nil {
			digest = hex.EncodeToString(dg.Sum(nil))
			if s.recognize(n, digest) {
				last = recognized
				f.Close()
				os.Remove(f.Name())
				return nil
			}
		}
		files = append(files, tmpFile{f, name, n, digest})
		sy.add(f) // written back while the next message arrives
		last = kept
		return nil
	})
	err = s.fetchErr(err)
	serr := sy.wait()
	if cutShort(err) && last == recognized {
		s.unrecognize()
	} else if cutShort(err) && last == kept {
		t := files[len(files)-1]
		files = files[:len(files)-1]
		t.f.Close()
		os.Remove(t.f.Name())
	}
	for _, t := range files {
		if cerr := t.f.Close(); serr == nil && cerr != nil {
			serr = fmt.Errorf("maildir %s: close: %w", s.md.dir, cerr)
		}
	}
	if serr == nil {
		lines := make([]string, len(files))
		for i, t := range files {
			lines[i] = "i " + uidField(uid[t.num], t.digest) + " " + sizeField(s.sizeOf(uid[t.num])) + " " + strconv.Quote(t.name)
		}
		serr = s.journalLine(true, lines...)
	}
	if serr != nil {
		for _, t := range files {
			os.Remove(filepath.Join(s.md.dir, "tmp", t.name))
		}
		return 0, errors.Join(err, s.destErr(serr))
	}
	count := 0
	for _, t := range files {
		if perr := s.md.publish(t.name); perr != nil {
			os.Remove(filepath.Join(s.md.dir, "tmp", t.name))
			if err == nil {
				err = s.destErr(perr)
			}
			continue
		}
		s.pending = append(s.pending, stored{num: t.num, uid: uid[t.num], size: s.sizeOf(uid[t.num]), name: t.name, digest: t.digest})
		count++
	}
	return count, err
}

// openSpool opens the spool: STATE.spool, or without a state file a
// temporary file beside the mbox.
func (s *Store) openSpool() error {
	if s.spool != nil {
		return nil
	}
	var err error
	if s.spoolPath != "" {
		s.spool, err = os.OpenFile(s.spoolPath, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	} else {
		s.spool, err = os.CreateTemp(filepath.Dir(s.mb.path), ".popsh-spool*")
		if err == nil {
			s.spoolPath = s.spool.Name()
		}
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// fetchMbox appends each message in two steps: the message is received
// whole into the spool (in mboxrd form, its length and SHA-256 noted),
// the journal gets "m UIDL OFF LEN SHA", then the spool is copied to the
// end of the mbox. A connection lost while receiving leaves the mbox
// untouched; a kill while copying leaves a tail that the next run can
// prove its own (it matches the spool) and remove.
func (s *Store) fetchMbox(ctx context.Context, c *pop3.Client, nums []int, uid map[int]string) (int, error) {
	if err := s.journalLine(false); err != nil {
		return 0, s.destErr(err)
	}
	if err := s.openSpool(); err != nil {
		return 0, s.destErr(err)
	}
	now := time.Now()
	count := 0
	// The last message handled, which stray data after it makes suspect
	// (see cutShort): where it was appended and its place in pending, or
	// that it was recognized.
	lastOff, lastAt, recognized := int64(-1), -1, false
	bw := bufio.NewWriterSize(nil, 256<<10)
	spoolW := &errWriter{w: s.spool}
	err := retrieve(ctx, c, nums, func(n int, body io.Reader) error {
		lastAt, recognized = -1, false
		// Overwritten from the start (not truncated, which costs a
		// metadata update per message): the journal gives the length.
		if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
			return localError{fmt.Errorf("spool: %w", err)}
		}
		h := sha256.New()
		spoolW.err = nil
		bw.Reset(io.MultiWriter(spoolW, h))
		dg := s.digester(uid[n])
		if dg != nil {
			body = io.TeeReader(body, dg)
		}
		size, err := writeMboxrd(bw, body, now)
		if err == nil {
			err = bw.Flush()
		}
		if spoolW.err != nil {
			return localError{fmt.Errorf("spool %s: %w", s.spoolPath, spoolW.err)}
		}
		if err != nil {
			return err
		}
		var digest string
		if dg != nil {
			digest = hex.EncodeToString(dg.Sum(nil))
			if s.recognize(n, digest) {
				recognized = true
				return nil
			}
		}
		// Where the message goes: after whatever another program
		// appended meanwhile, ignoring the locks.
		if err := s.mb.catchUp(); err != nil {
			return localError{err}
		}
		if err := s.mb.separate(); err != nil {
			return localError{err}
		}
		off := s.mb.off
		line := fmt.Sprintf("m %s %s %d %d %x", uidField(uid[n], digest), sizeField(s.sizeOf(uid[n])), off, size, h.Sum(nil))
		if err := s.journalLine(false, line); err != nil {
			s.jbroken = true // the line may be there, whole or in part
			return localError{err}
		}
		if err := s.mb.appendFile(s.spool, size); err != nil {
			// Undone (the file cut back to off), or its bytes mixed
			// with another program's and kept: either way not stored,
			// and the journal says so, or the commit of the messages
			// before would vouch for this one too.
			if (s.mb.off != off && !errors.Is(err, errInterleaved)) || s.journalLine(false, "x") != nil {
				s.jbroken = true
			}
			return localError{err}
		}
		lastOff, lastAt = off, len(s.pending)
		s.pending = append(s.pending, stored{num: n, uid: uid[n], size: s.sizeOf(uid[n]), digest: digest, off: off, len: size, sha: h.Sum(nil)})
		count++
		return nil
	})
	err = s.fetchErr(err)
	if cutShort(err) && recognized {
		s.unrecognize()
	} else if cutShort(err) && lastAt >= 0 {
		if s.mb.truncate(lastOff) != nil || s.journalLine(false, "x") != nil {
			s.jbroken = true // the commit then undoes the whole append
		}
		s.pending = slices.Delete(s.pending, lastAt, lastAt+1)
		count--
	}
	return count, err
}

// retrieve is c.RetrMany, then NOOP: the server answers it after the last
// message, so bytes that follow that message's end (see cutShort) come
// before its +OK and are caught, whenever they were sent. A refused NOOP
// proves nothing either way and is let be.
func retrieve(ctx context.Context, c *pop3.Client, nums []int, fn func(n int, body io.Reader) error) error {
	err := c.RetrMany(ctx, nums, fn)
	if err == nil && len(nums) > 0 {
		var perr *pop3.Error
		if err = c.Noop(ctx); errors.As(err, &perr) {
			err = nil
		}
	}
	return err
}

// cutShort reports whether the error that ended a retrieval makes the
// message before it suspect: stray data where the next reply should start
// ([pop3.ErrStrayData]) may mean the server did not byte-stuff a line "."
// in that message, which then ended early. Such a message is not kept:
// the rest of it would be lost once the server deletes it.
func cutShort(err error) bool { return errors.Is(err, pop3.ErrStrayData) }

// errWriter keeps the first error of w, so that a failing spool is told
// apart from a failing connection.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// Commit makes the stored messages durable and records them in the
// state file; only then may the server delete them.
func (s *Store) Commit() error {
	if s.closed {
		return s.destErr(errors.New("store is closed"))
	}
	if len(s.pending) == 0 && s.journal == nil {
		if s.learned && s.state != nil {
			s.learned = false
			return s.destErr(s.state.write(s.opts.StateFile))
		}
		return nil
	}
	if s.md != nil {
		if err := syncDir(filepath.Join(s.md.dir, "new")); err != nil {
			return s.destErr(err)
		}
	} else {
		if s.jbroken {
			return s.destErr(s.undoAppend())
		}
		if err := s.checkPending(); err != nil {
			return s.destErr(err)
		}
		if err := s.mb.Commit(); err != nil {
			s.pending = nil
			if s.mb.keptOurs || errors.Is(err, errCut) {
				// Not back where this run found it: the run's messages
				// (some of them) are kept among another program's
				// bytes. The journal stays; the next run records those
				// whole at their offsets.
				s.journal.Close()
				s.journal = nil
				return s.destErr(err)
			}
			// The file is back where this run found it.
			s.closeJournal()
			return s.destErr(err)
		}
		if !s.jcommitted {
			if err := s.journalLine(true, "c"); err != nil {
				return s.destErr(err)
			}
			s.jcommitted = true
		}
	}
	for _, p := range s.pending {
		if p.uid != "" {
			s.seen[p.uid] = p.size
		}
		if p.digest != "" {
			// Recorded before the server is asked to delete it: until
			// a QUIT is confirmed, it may stay there.
			if !p.known {
				s.unconfirmed[p.digest]++
			}
			if s.mine == nil {
				s.mine = map[int]string{}
			}
			s.mine[p.num] = p.digest
		}
		s.stored = append(s.stored, p.num)
	}
	s.pending = nil
	if s.opts.StateFile != "" {
		if s.onServer != nil {
			// Forget what the server no longer has (deleted by an
			// earlier run, or by another client).
			for u := range s.seen {
				if !s.onServer[u] {
					delete(s.seen, u)
				}
			}
		}
		if err := s.state.write(s.opts.StateFile); err != nil {
			return s.destErr(err)
		}
		s.learned = false
	}
	return s.destErr(s.closeJournal())
}

// checkPending checks, when another program changed the mbox's size
// while this run appended (ignoring the locks), that every message
// appended since the last commit is still whole at its offset: a
// program that rewrote the file in place may have left it longer than
// before. If one is not, the commit is to fail, recording nothing and
// cutting nothing (Mbox.cut).
func (s *Store) checkPending() error {
	if err := s.mb.catchUp(); err != nil && !s.mb.cut {
		return err
	}
	if !s.mb.disturbed || s.mb.cut {
		return nil
	}
	for _, p := range s.pending {
		if p.known {
			continue // recognized, not appended by this run
		}
		sum, err := hashRange(s.mb.f, p.off, p.len)
		if err != nil {
			return fmt.Errorf("mbox %s: %w", s.mb.path, err)
		}
		if sum != hex.EncodeToString(p.sha) {
			s.mb.cut = true
			break
		}
	}
	return nil
}

// undoAppend takes the mbox back to its last commit when the journal
// cannot be trusted to record what was appended since (see jbroken).
// The journal is removed once the file is back; if it cannot be taken
// back, the journal stays for the next run, which then checks each
// message it lists against the file.
func (s *Store) undoAppend() error {
	s.pending = nil
	s.jbroken = false
	if err := s.mb.abort(); err != nil {
		s.journal.Close()
		s.journal = nil
		return fmt.Errorf("the journal could not be written, and %w", err)
	}
	s.closeJournal()
	return fmt.Errorf("journal %s could not be written: the messages appended since the last commit were taken out again", s.journalPath())
}

// closeJournal closes and removes the journal and the spool.
func (s *Store) closeJournal() error {
	if s.journal == nil {
		return nil
	}
	s.journal.Close()
	s.journal = nil
	s.jcommitted = false
	s.jbroken = false
	if s.spool != nil && s.opts.StateFile != "" {
		s.spool.Truncate(0)
	}
	return removeFile(s.journalPath(), "journal")
}

// Close commits what is pending and releases the destination and the
// run lock. If the commit fails, an mbox is taken back to where this run
// found it (or last committed), and nothing more is recorded.
func (s *Store) Close() error {
	if s.closed {
		return nil
	}
	var err error
	if s.state != nil || s.opts.StateFile == "" {
		err = s.Commit()
	}
	if err == nil && s.state != nil && s.client != nil && s.client.QuitConfirmed() {
		err = s.destErr(s.settle())
	}
	if s.mb != nil {
		if cerr := s.mb.Close(); err == nil {
			err = s.destErr(cerr)
		}
		if s.journal != nil && !s.jcommitted && !s.mb.keptOurs {
			// What the journal lists was undone by the close. (Unless
			// some of it had to be kept: then the journal stays, and
			// the next run records what is whole.)
			s.closeJournal()
		}
	}
	if s.journal != nil {
		s.journal.Close()
		s.journal = nil
	}
	if s.spool != nil {
		s.spool.Close()
		s.spool = nil
	}
	if _, jerr := os.Stat(s.journalPath()); s.opts.StateFile == "" || errors.Is(jerr, os.ErrNotExist) {
		os.Remove(s.spoolPath)
	}
	s.closed = true
	s.release()
	return err
}

// settle forgets, once QUIT was confirmed, the digests of messages
// without UIDL that the server has now removed: this session's messages
// it marked as deleted and, when this session retrieved every message
// the server listed, those of earlier runs it did not find (their
// deletion did happen). A message stored but left on the server stays
// recorded, and is recognized in the next session.
func (s *Store) settle() error {
	changed := false
	drop := func(d string) {
		if s.unconfirmed[d] > 0 {
			changed = true
			if s.unconfirmed[d]--; s.unconfirmed[d] == 0 {
				delete(s.unconfirmed, d)
			}
		}
	}
	for n, d := range s.mine {
		if s.client.Marked(n) {
			drop(d)
		}
	}
	if listed, ok := s.client.Listed(); ok && !slices.ContainsFunc(listed, func(m pop3.MsgInfo) bool { return !s.examined[m.Num] }) {
		for d, k := range s.avail {
			for range k {
				drop(d)
			}
		}
	}
	if !changed {
		return nil
	}
	return s.state.write(s.opts.StateFile)
}

// release drops the run lock.
func (s *Store) release() {
	if s.lock != nil {
		unclaim(openStates, &openStatesMu, s.claimed)
		s.lock.Unlock()
		s.lock = nil
	}
}

// openStates are the state files of the Stores open in this process.
var (
	openStatesMu sync.Mutex
	openStates   = map[string]bool{}
)
