package bindings

// The destination of a movemail run: a Maildir or an mbox, with the UIDL
// state file that remembers what was stored, and a journal that lets the
// next run finish or undo what a killed run left half done.
//
// Order of a Maildir batch: each message written to tmp/; all fsynced
// (concurrently); their UIDLs and file names appended to the journal and
// the journal fsynced; the files renamed into new/. Commit: new/ fsynced,
// the state file rewritten atomically, the journal removed.
//
// Order of an mbox run: the journal gets the mbox's size and identity
// (fsynced) before the first byte is appended; each message appended (its
// UIDL noted in the journal); commit: one fsync of the mbox, then "c" in
// the journal (fsynced), the state file, the journal removed.
//
// Recovery (at open, when a journal is left): Maildir entries whose file
// reached new/ or cur/ are recorded as stored, the others' tmp files
// removed; an mbox journal with "c" is recorded, one without has its tail
// truncated away. So a message is either complete in the mailbox and in
// the state, or not in the mailbox at all; the server deletes nothing
// that is not committed.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"popsh/pop3"
)

// mailbox is a movemail destination with its state.
type mailbox struct {
	dest      string
	md        *maildir // one of md, mb is set
	mb        *mbox
	statePath string          // "" when no state is kept
	seen      map[string]bool // UIDLs stored by earlier runs (and committed in this one)
	onServer  map[string]bool // the UIDLs the server listed (for pruning the state), nil if unknown

	journal *os.File
	pending []stored // stored, not yet committed
	stored  []int    // message numbers committed in this session
}

// stored is a message stored in this session.
type stored struct {
	num  int
	uid  string // "" when the server has no UIDL
	name string // Maildir file name
}

const (
	stateHeader   = "popsh-uidls 1"
	journalHeader = "popsh-journal 1"
)

// isMaildirDest reports whether dest names a Maildir: an existing
// directory or a path ending in a slash.
func isMaildirDest(dest string) bool {
	if strings.HasSuffix(dest, "/") {
		return true
	}
	st, err := os.Stat(dest)
	return err == nil && st.IsDir()
}

// openMailbox recovers what an earlier run left in statePath's journal,
// reads the state, and opens dest (a Maildir or an mbox, locked).
func openMailbox(dest, statePath string) (*mailbox, error) {
	b := &mailbox{dest: dest, statePath: statePath, seen: map[string]bool{}}
	if statePath != "" {
		if err := os.MkdirAll(filepath.Dir(statePath), 0o700); err != nil {
			return nil, fmt.Errorf("state file %s: %w", statePath, err)
		}
		if err := recoverJournal(statePath); err != nil {
			return nil, err
		}
		seen, err := readState(statePath)
		if err != nil {
			return nil, err
		}
		for _, u := range seen {
			b.seen[u] = true
		}
	}
	var err error
	if isMaildirDest(dest) {
		b.md, err = openMaildir(strings.TrimSuffix(dest, "/"))
		if err == nil {
			b.md.cleanTmp()
		}
	} else {
		b.mb, err = openMbox(dest)
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// readState reads the UIDLs of a state file; a missing file is empty.
func readState(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	lines := strings.Split(string(data), "\n")
	if lines[0] != stateHeader {
		return nil, fmt.Errorf("state file %s: not a popsh UIDL state file (first line %q)", path, lines[0])
	}
	var out []string
	for _, l := range lines[1:] {
		if l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// writeState replaces the state file with uids, atomically.
func writeState(path string, uids map[string]bool) error {
	keys := make([]string, 0, len(uids))
	for u := range uids {
		keys = append(keys, u)
	}
	slices.Sort(keys)
	var sb strings.Builder
	sb.WriteString(stateHeader + "\n")
	for _, u := range keys {
		sb.WriteString(u)
		sb.WriteByte('\n')
	}
	return writeFileAtomic(path, []byte(sb.String()), 0o600)
}

// recoverJournal finishes or undoes what a killed run left in the
// journal of statePath, then removes the journal.
func recoverJournal(statePath string) error {
	jpath := statePath + ".journal"
	data, err := os.ReadFile(jpath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("journal %s: %w", jpath, err)
	}
	lines := strings.Split(string(data), "\n")
	if lines[0] != journalHeader || len(lines) < 2 {
		// Cut short before its header was complete: nothing was
		// stored under it.
		return removeJournal(jpath)
	}
	dest := strings.Fields(lines[1])
	if len(lines) < 3 {
		return removeJournal(jpath)
	}
	path := lines[2]
	var uids []string
	switch {
	case len(dest) == 1 && dest[0] == "maildir":
		md := &maildir{dir: path}
		for _, l := range lines[3:] {
			f := strings.Fields(l)
			if len(f) != 3 || f[0] != "i" {
				continue // a torn last line: its rename never happened
			}
			if md.delivered(f[2]) {
				if f[1] != "-" {
					uids = append(uids, f[1])
				}
			} else {
				os.Remove(filepath.Join(md.dir, "tmp", f[2]))
			}
		}
	case len(dest) == 4 && dest[0] == "mbox":
		off, _ := strconv.ParseInt(dest[1], 10, 64)
		committed := false
		var intents []string
		for _, l := range lines[3:] {
			f := strings.Fields(l)
			switch {
			case len(f) == 1 && f[0] == "c":
				committed = true
			case len(f) == 2 && f[0] == "i" && f[1] != "-":
				intents = append(intents, f[1])
			}
		}
		if committed {
			uids = intents
		} else if err := recoverMboxTail(path, off, parseUint(dest[2]), parseUint(dest[3])); err != nil {
			return fmt.Errorf("journal %s: undo the unfinished append: %w", jpath, err)
		}
	default:
		return fmt.Errorf("journal %s: unreadable destination line %q (remove the file after checking the mailbox)", jpath, lines[1])
	}
	if len(uids) > 0 {
		old, err := readState(statePath)
		if err != nil {
			return err
		}
		set := map[string]bool{}
		for _, u := range old {
			set[u] = true
		}
		for _, u := range uids {
			set[u] = true
		}
		if err := writeState(statePath, set); err != nil {
			return err
		}
	}
	return removeJournal(jpath)
}

func removeJournal(jpath string) error {
	if err := os.Remove(jpath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("journal %s: %w", jpath, err)
	}
	return nil
}

// journalLine appends lines to the journal, creating it (with the
// destination line) first; sync fsyncs it.
func (b *mailbox) journalLine(sync bool, lines ...string) error {
	if b.statePath == "" {
		return nil
	}
	jpath := b.statePath + ".journal"
	if b.journal == nil {
		f, err := os.OpenFile(jpath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
		var head string
		if b.md != nil {
			abs, _ := filepath.Abs(b.md.dir)
			head = "maildir\n" + abs
		} else {
			abs, _ := filepath.Abs(b.mb.path)
			dev, ino := b.mb.identity()
			head = fmt.Sprintf("mbox %d %d %d\n%s", b.mb.start, dev, ino, abs)
		}
		if _, err := f.WriteString(journalHeader + "\n" + head + "\n"); err != nil {
			f.Close()
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
		b.journal = f
		sync = true
	}
	if len(lines) > 0 {
		if _, err := b.journal.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
			return fmt.Errorf("journal %s: %w", jpath, err)
		}
	}
	if sync {
		if err := b.journal.Sync(); err != nil {
			return fmt.Errorf("journal %s: fsync: %w", jpath, err)
		}
		if err := syncDir(filepath.Dir(jpath)); err != nil {
			return err
		}
	}
	return nil
}

// partition splits the server's messages into those not yet stored and
// those stored by an earlier run (by UIDL), and remembers the server's
// UIDLs so that commit can forget the ones no longer there.
func (b *mailbox) partition(msgs []pop3.MsgUID) (fresh, old []pop3.MsgUID) {
	b.onServer = make(map[string]bool, len(msgs))
	for _, m := range msgs {
		b.onServer[m.UID] = true
		if b.seen[m.UID] {
			old = append(old, m)
		} else {
			fresh = append(fresh, m)
		}
	}
	return fresh, old
}

// fetch retrieves msgs (pipelined when the server offers it) straight
// into the mailbox and returns how many were stored. A message cut short
// (connection lost, destination full) leaves nothing behind; the messages
// before it stay stored (pending until commit).
func (b *mailbox) fetch(ctx context.Context, c *pop3.Client, msgs []pop3.MsgUID) (int, error) {
	nums := make([]int, len(msgs))
	uid := make(map[int]string, len(msgs))
	for i, m := range msgs {
		nums[i] = m.Num
		uid[m.Num] = m.UID
	}
	c.SetLineEnding(pop3.LF)
	if b.md != nil {
		return b.fetchMaildir(ctx, c, nums, uid)
	}
	return b.fetchMbox(ctx, c, nums, uid)
}

func (b *mailbox) fetchMaildir(ctx context.Context, c *pop3.Client, nums []int, uid map[int]string) (int, error) {
	type tmpFile struct {
		f    *os.File
		name string
		num  int
	}
	var files []tmpFile
	sy := newSyncer()
	err := c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
		f, name, err := b.md.writeTmp(body)
		if err != nil {
			return err
		}
		files = append(files, tmpFile{f, name, n})
		sy.add(f) // written back while the next message arrives
		return nil
	})
	serr := sy.wait()
	for _, t := range files {
		if cerr := t.f.Close(); serr == nil && cerr != nil {
			serr = fmt.Errorf("maildir %s: close: %w", b.md.dir, cerr)
		}
	}
	if serr == nil {
		lines := make([]string, len(files))
		for i, t := range files {
			lines[i] = "i " + uidField(uid[t.num]) + " " + t.name
		}
		serr = b.journalLine(true, lines...)
	}
	if serr != nil {
		for _, t := range files {
			os.Remove(filepath.Join(b.md.dir, "tmp", t.name))
		}
		return 0, errors.Join(err, serr)
	}
	count := 0
	for _, t := range files {
		if perr := b.md.publish(t.name); perr != nil {
			os.Remove(filepath.Join(b.md.dir, "tmp", t.name))
			if err == nil {
				err = perr
			}
			continue
		}
		b.pending = append(b.pending, stored{num: t.num, uid: uid[t.num], name: t.name})
		count++
	}
	return count, err
}

func uidField(u string) string {
	if u == "" {
		return "-"
	}
	return u
}

func (b *mailbox) fetchMbox(ctx context.Context, c *pop3.Client, nums []int, uid map[int]string) (int, error) {
	if err := b.journalLine(false); err != nil {
		return 0, err
	}
	now := time.Now()
	count := 0
	err := c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
		if err := b.mb.appendMessage(body, now); err != nil {
			return err
		}
		if err := b.journalLine(false, "i "+uidField(uid[n])); err != nil {
			return err
		}
		b.pending = append(b.pending, stored{num: n, uid: uid[n]})
		count++
		return nil
	})
	if b.mb.lostPending {
		b.mb.lostPending = false
		count -= len(b.pending)
		if count < 0 {
			count = 0
		}
		b.pending = nil
	}
	return count, err
}

// commit makes the stored messages durable and records them in the state
// file; only then may the server delete them.
func (b *mailbox) commit() error {
	if len(b.pending) == 0 && b.journal == nil {
		return nil
	}
	if b.md != nil {
		if err := syncDir(filepath.Join(b.md.dir, "new")); err != nil {
			return err
		}
	} else {
		if err := b.mb.commit(); err != nil {
			b.pending = nil
			b.closeJournal(true)
			return err
		}
		if err := b.journalLine(true, "c"); err != nil {
			return err
		}
	}
	for _, p := range b.pending {
		if p.uid != "" {
			b.seen[p.uid] = true
		}
		b.stored = append(b.stored, p.num)
	}
	b.pending = nil
	if b.statePath != "" {
		keep := b.seen
		if b.onServer != nil {
			// Forget what the server no longer has (deleted by an
			// earlier run, or by another client).
			keep = map[string]bool{}
			for u := range b.seen {
				if b.onServer[u] {
					keep[u] = true
				}
			}
		}
		if err := writeState(b.statePath, keep); err != nil {
			return err
		}
	}
	return b.closeJournal(true)
}

// closeJournal closes and (when remove) removes the journal.
func (b *mailbox) closeJournal(remove bool) error {
	if b.journal == nil {
		return nil
	}
	b.journal.Close()
	b.journal = nil
	if remove {
		return removeJournal(b.statePath + ".journal")
	}
	return nil
}

// close commits what is pending and releases the destination.
func (b *mailbox) close() error {
	err := b.commit()
	if b.mb != nil {
		if cerr := b.mb.close(); err == nil {
			err = cerr
		}
		b.mb = nil
	}
	return err
}
