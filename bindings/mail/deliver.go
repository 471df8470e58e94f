package mail

// Scheme procedures for the mail tools in scripts/: the Scheme face of
// package mailstore (Maildir, mbox, movemail's mailbox with its UIDL
// state and run lock), atomic file replacement, header fields, RFC 2047
// decoding, pipelined headers, and isatty?. installDeliver defines them.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"popsh/internal/netrc"
	"popsh/interp"
	"popsh/mailstore"
	"popsh/pop3"
)

// mailboxKind is the Kind of mailbox objects (#{mailbox DEST}).
const mailboxKind = "mailbox"

// installDeliver defines the delivery procedures of the scripts. It needs
// installPOP3 (for the connection objects).
func installDeliver(it *interp.Interp) {
	it.DefineBuiltins("mail: delivery",
		interp.Builtin{Name: "maildir-deliver", MinArgs: 2, MaxArgs: 2, Fn: primMaildirDeliver,
			Doc: "(maildir-deliver dir text): store one message durably in the Maildir dir; its file name in new/"},
		interp.Builtin{Name: "mbox-append", MinArgs: 1, MaxArgs: -1, Fn: primMboxAppend,
			Doc: "(mbox-append file text ...): append messages to an mbox (mboxrd, locked, one fsync); the count"},
		interp.Builtin{Name: "write-file-atomic", MinArgs: 2, MaxArgs: 2, Fn: primWriteFileAtomic,
			Doc: "(write-file-atomic path text): replace the file path with text, atomically and durably"},
	)
	it.DefineBuiltins("mail: mailboxes",
		interp.Builtin{Name: "mailbox-open", MinArgs: 1, MaxArgs: 5, Fn: primMailboxOpen,
			Doc: "(mailbox-open dest [state-file [account [wait [lock-wait]]]]): open a Maildir (dest ends in /) or an mbox to fetch into; wait: seconds to wait for another run of the state file, lock-wait: for another program's mbox locks (default 60)"},
		interp.Builtin{Name: "mailbox-maildir?", MinArgs: 1, MaxArgs: 1, Fn: primMailboxMaildir,
			Doc: "(mailbox-maildir? mailbox): #t if the mailbox is a Maildir"},
		interp.Builtin{Name: "mailbox-notes", MinArgs: 1, MaxArgs: 1, Fn: primMailboxNotes,
			Doc: "(mailbox-notes mailbox): what replaying a killed run's journal could not settle, as strings"},
		interp.Builtin{Name: "mailbox-partition", MinArgs: 2, MaxArgs: 3, Fn: primMailboxPartition,
			Doc: "(mailbox-partition mailbox uidls [sizes]): two values, the ((msgid . uid) ...) not yet stored and those stored before; with pop3-list's sizes, a uid stored before with another size is new"},
		interp.Builtin{Name: "mailbox-check-uidl", MinArgs: 2, MaxArgs: 2, Fn: primMailboxCheckUIDL,
			Doc: "(mailbox-check-uidl sizes uidls): raise a protocol error unless pop3-uidl's answer agrees with pop3-list's"},
		interp.Builtin{Name: "mailbox-fetch!", MinArgs: 3, MaxArgs: 3, Fn: primMailboxFetch,
			Doc: "(mailbox-fetch! mailbox conn msgs): retrieve msgs ((msgid . uid) or msgid) into the mailbox; the count"},
		interp.Builtin{Name: "mailbox-commit!", MinArgs: 1, MaxArgs: 1, Fn: primMailboxCommit,
			Doc: "(mailbox-commit! mailbox): make the stored messages durable and update the state file"},
		interp.Builtin{Name: "mailbox-stored", MinArgs: 1, MaxArgs: 1, Fn: primMailboxStored,
			Doc: "(mailbox-stored mailbox): the message numbers committed in this session (without UIDL, with those recognized as stored by an earlier run)"},
		interp.Builtin{Name: "mailbox-close", MinArgs: 1, MaxArgs: 1, Fn: primMailboxClose,
			Doc: "(mailbox-close mailbox): commit, then release the mailbox's locks"},
		interp.Builtin{Name: "run-lock", MinArgs: 2, MaxArgs: 2, Fn: primRunLock,
			Doc: "(run-lock path wait): take the run lock file path, waiting up to wait seconds for another process's or thread's; the lock, or the holder's pid"},
		interp.Builtin{Name: "run-unlock", MinArgs: 1, MaxArgs: 1, Fn: primRunUnlock,
			Doc: "(run-unlock lock): release a lock run-lock took"},
		interp.Builtin{Name: "mail-error-side", MinArgs: 1, MaxArgs: 1, Fn: primMailErrorSide,
			Doc: "(mail-error-side condition): the side an error came from: destination, protocol, server, or #f"},
	)
	it.DefineBuiltins("mail: headers and tools",
		interp.Builtin{Name: "mail-header-field", MinArgs: 2, MaxArgs: 2, Fn: primHeaderField,
			Doc: "(mail-header-field header name): the first field called name in header, unfolded, or #f"},
		interp.Builtin{Name: "rfc2047-decode", MinArgs: 1, MaxArgs: 1, Fn: primRFC2047,
			Doc: "(rfc2047-decode text): text with its encoded words (=?charset?Q?...?=) decoded"},
		interp.Builtin{Name: "netrc-machines", MinArgs: 0, MaxArgs: 0, Fn: primNetrcMachines,
			Doc: "(netrc-machines): the machine names of ~/.netrc (or $NETRC), in order"},
		interp.Builtin{Name: "isatty?", MinArgs: 1, MaxArgs: 1, Fn: primIsatty,
			Doc: "(isatty? fd): #t if the file descriptor fd is a terminal"},
	)
	it.DefineBuiltins("pop3: messages",
		interp.Builtin{Name: "pop3-headers-many", MinArgs: 1, MaxArgs: 2, Fn: primHeadersMany,
			Doc: "(pop3-headers-many conn [msgids]): ((msgid . header) ...) of every message (or those listed), pipelined"},
	)
}

// deliveryError is an error of a delivery procedure, with the Go error kept
// for errors.Is.
func deliveryError(who string, err error) error {
	return &interp.ErrorObject{Kind: interp.KindFileError, Who: who, Message: err.Error(), Cause: err}
}

// textArg returns message argument pos as bytes: a string (UTF-8) or a
// bytevector (exactly its bytes).
func textArg(pos int, v interp.Value) ([]byte, error) {
	switch x := v.(type) {
	case *interp.String:
		return []byte(x.String()), nil
	case *interp.Bytevector:
		return x.B, nil
	}
	return nil, interp.ArgTypeError(pos, "text", "a string or a bytevector", v)
}

func primMaildirDeliver(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "maildir-deliver"
	var dir string
	if err := interp.UnpackArgs(who, args[:1], "dir", &dir); err != nil {
		return nil, err
	}
	text, err := textArg(2, args[1])
	if err != nil {
		return nil, err
	}
	md, err := mailstore.OpenMaildir(dir)
	if err != nil {
		return nil, deliveryError(who, err)
	}
	name, err := md.Deliver(strings.NewReader(string(text)))
	if err != nil {
		return nil, deliveryError(who, err)
	}
	return interp.NewString(name), nil
}

func primMboxAppend(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mbox-append"
	var path string
	if err := interp.UnpackArgs(who, args[:1], "file", &path); err != nil {
		return nil, err
	}
	texts := make([][]byte, 0, len(args)-1)
	for i, a := range args[1:] {
		t, err := textArg(i+2, a)
		if err != nil {
			return nil, err
		}
		texts = append(texts, t)
	}
	m, err := mailstore.OpenMbox(path)
	if err != nil {
		return nil, deliveryError(who, err)
	}
	now := time.Now()
	for _, t := range texts {
		if err = m.Append(strings.NewReader(string(t)), now); err != nil {
			break
		}
	}
	if err == nil {
		err = m.Commit()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, deliveryError(who, err)
	}
	return len(texts), nil
}

func primWriteFileAtomic(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "write-file-atomic"
	var path string
	if err := interp.UnpackArgs(who, args[:1], "path", &path); err != nil {
		return nil, err
	}
	text, err := textArg(2, args[1])
	if err != nil {
		return nil, err
	}
	if err := mailstore.WriteFileAtomic(path, text, 0o600); err != nil {
		return nil, deliveryError(who, err)
	}
	return interp.Unspecified, nil
}

func primHeaderField(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	var hdr, name string
	if err := interp.UnpackArgs("mail-header-field", args, "header", &hdr, "name", &name); err != nil {
		return nil, err
	}
	v, ok := mailstore.HeaderField([]byte(hdr), name)
	if !ok {
		return false, nil
	}
	return interp.NewString(v), nil
}

// rfc2047Decoder decodes encoded words; charsets other than UTF-8,
// US-ASCII and ISO-8859-1 that Go does not know are decoded through the
// scsh layer's charset tables when they have one, else left encoded.
func rfc2047Decode(s string) string {
	d := &mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		if dec := charsetDecoder(charset); dec != nil {
			b, err := io.ReadAll(input)
			if err != nil {
				return nil, err
			}
			return strings.NewReader(dec(b)), nil
		}
		return nil, fmt.Errorf("unknown charset %q", charset)
	}}
	out, err := d.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

func primRFC2047(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	s, ok := args[0].(*interp.String)
	if !ok {
		return nil, interp.TypeError("a string", args[0])
	}
	return interp.NewString(rfc2047Decode(s.String())), nil
}

// isTerminal reports whether fd is a terminal (TCGETS succeeds).
func isTerminal(fd int) bool {
	var t syscall.Termios
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

func primIsatty(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	fd, ok := args[0].(int)
	if !ok {
		return nil, interp.TypeError("an exact integer", args[0])
	}
	return isTerminal(fd), nil
}

// mailConnArg unpacks a logged-in pop3 connection, argument pos of who.
func mailConnArg(who string, pos int, v interp.Value) (*pop3Conn, error) {
	c, err := connArg(who, pos, v)
	if err != nil {
		return nil, err
	}
	return c, checkTransaction(c, who)
}

// evalContext is the context of the running evaluation.
func evalContext(it *interp.Interp) context.Context {
	if c, ok := any(it).(contexter); ok {
		if ctx := c.Context(); ctx != nil {
			return ctx
		}
	}
	return context.Background()
}

// netError turns an engine error into the same condition the pop3-*
// procedures raise, closing the connection when it can no longer be
// trusted.
func netError(it *interp.Interp, who string, c *pop3Conn, err error) error {
	b := &pop3Bindings{it: it}
	return b.fail(who, c, err)
}

// unlisted reports whether ids names a message whose size the server has
// not listed in this session.
func unlisted(cl *pop3.Client, ids []int) bool {
	for _, n := range ids {
		if _, ok := cl.ListedSize(n); !ok {
			return true
		}
	}
	return false
}

func primHeadersMany(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-headers-many"
	c, err := mailConnArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	if err := claim(who, c); err != nil {
		return nil, err
	}
	defer func() { c.busy = false }()
	var ids []int
	v, given := optionalArg(args, 1)
	if given {
		if ids, err = msgidList(who, 2, v); err != nil {
			return nil, err
		}
	}
	if !given || unlisted(c.client, ids) {
		// the headers are read into memory: up to a bound set by each
		// message's listed size, and LIST gives the sizes
		ms, err := c.client.List(evalContext(it))
		if err != nil {
			return nil, netError(it, who, c, err)
		}
		if !given {
			for _, m := range ms {
				ids = append(ids, m.Num)
			}
		}
	}
	c.client.SetLineEnding(pop3.LF)
	out := make([]interp.Value, 0, len(ids))
	var sb strings.Builder
	err = c.client.TopMany(evalContext(it), ids, 0, func(n int, body io.Reader) error {
		sb.Reset()
		if _, err := io.Copy(&sb, body); err != nil {
			return err
		}
		out = append(out, interp.Cons(n, interp.NewString(sb.String())))
		return nil
	})
	if err != nil {
		return nil, netError(it, who, c, err)
	}
	return interp.List(out...), nil
}

// mailbox is a mailbox object: a mailstore.Store, and whether it was
// closed (a closed mailbox still answers mailbox-stored).
type mailbox struct {
	// mu gives the store to one operation at a time: an operation of
	// another thread on the same mailbox (a close while a fetch waits on
	// the network) waits for the one under way. It is taken and
	// released with the interpreter lock released (see use).
	mu     sync.Mutex
	st     *mailstore.Store
	closed atomic.Bool
}

// errClosedMeanwhile is use's error when another thread closed the
// mailbox while the operation waited for it.
var errClosedMeanwhile = errors.New("mailbox closed meanwhile")

// closedError is the error of an operation of who on the closed mailbox b.
func closedError(who string, b *mailbox) error {
	return &interp.ErrorObject{Who: who, Message: "mailbox is closed: " + b.st.Dest()}
}

// use runs fn with the store to itself and the interpreter lock released
// (other threads run while it waits for the mailbox or works). If open,
// a mailbox closed meanwhile is errClosedMeanwhile.
func (b *mailbox) use(it *interp.Interp, open bool, fn func() error) error {
	return it.Blocking(func() error { return b.locked(open, fn) })
}

// locked runs fn holding b.mu; with open, not if the mailbox is closed.
func (b *mailbox) locked(open bool, fn func() error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if open && b.closed.Load() {
		return errClosedMeanwhile
	}
	return fn()
}

// mailboxArg unpacks an open mailbox, argument pos of who (0: its only
// argument; see argType).
func mailboxArg(who string, pos int, v interp.Value) (*mailbox, error) {
	b, err := anyMailbox(who, pos, v)
	if err == nil && b.closed.Load() {
		return nil, closedError(who, b)
	}
	return b, err
}

// anyMailbox unpacks a mailbox argument, open or closed.
func anyMailbox(who string, pos int, v interp.Value) (*mailbox, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if b, ok := o.Value.(*mailbox); ok {
			return b, nil
		}
	}
	return nil, withWho(who, argType(pos, "mailbox", "a mailbox", v))
}

func primMailboxOpen(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mailbox-open"
	var dest, account string
	var state interp.Value = false
	wait := 0.0
	lockWait := mailstore.LockTimeout.Seconds()
	if err := interp.UnpackArgs(who, args, "dest", &dest, "state-file?", &state, "account?", &account, "wait?", &wait, "lock-wait?", &lockWait); err != nil {
		return nil, err
	}
	statePath := ""
	if s, ok := state.(*interp.String); ok {
		statePath = s.String()
	} else if state != false {
		return nil, withWho(who, interp.ArgTypeError(2, "state-file", "a string or #f", state))
	}
	if dest == "" || strings.ContainsAny(dest, "\n\x00") || strings.ContainsAny(statePath, "\n\x00") {
		return nil, &interp.ErrorObject{Who: who, Message: fmt.Sprintf("bad destination or state file name %q", dest)}
	}
	if wait < 0 || wait > 86400 {
		return nil, withWho(who, waitRangeError(4, "wait", wait))
	}
	if lockWait < 0 || lockWait > 86400 {
		return nil, withWho(who, waitRangeError(5, "lock-wait", lockWait))
	}
	mboxWait := time.Duration(lockWait * float64(time.Second))
	if mboxWait == 0 {
		mboxWait = -1 // not at all
	}
	var st *mailstore.Store
	// the locks may wait for another thread's run: release the
	// interpreter lock meanwhile
	err := it.Blocking(func() (err error) {
		st, err = mailstore.Open(dest, mailstore.Options{StateFile: statePath, Account: account, LockWait: time.Duration(wait * float64(time.Second)), MboxLockWait: mboxWait})
		return err
	})
	if err != nil {
		return nil, deliveryError(who, err)
	}
	return interp.NewOpaque(mailboxKind, dest, &mailbox{st: st}), nil
}

func primMailboxMaildir(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	b, err := mailboxArg("mailbox-maildir?", 0, args[0])
	if err != nil {
		return nil, err
	}
	return b.st.IsMaildir(), nil // fixed at open
}

func primMailboxNotes(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	b, err := anyMailbox("mailbox-notes", 0, args[0])
	if err != nil {
		return nil, err
	}
	var notes []string
	b.use(it, false, func() error { notes = b.st.Notes(); return nil })
	var out []interp.Value
	for _, n := range notes {
		out = append(out, interp.NewString(n))
	}
	return interp.List(out...), nil
}

// uIDs unpacks ((n . uid) ...), or a list of message numbers (no uid),
// argument pos of who, named param.
func uIDs(who string, pos int, param string, v interp.Value) ([]pop3.MsgUID, error) {
	vals, ok := interp.ListToSlice(v)
	if !ok {
		return nil, withWho(who, interp.ArgTypeError(pos, param, "a list of (msgid . uid) pairs", v))
	}
	out := make([]pop3.MsgUID, len(vals))
	for i, x := range vals {
		var n, uid interp.Value = x, nil
		if p, ok := x.(*interp.Pair); ok {
			n, uid = p.Car, p.Cdr
		}
		num, ok := n.(int)
		if !ok || num < 1 {
			return nil, withWho(who, elementError(pos, param, i, wantMsgid+" or (msgid . uid)", x))
		}
		out[i].Num = num
		switch u := uid.(type) {
		case nil:
		case bool:
			if u {
				return nil, withWho(who, elementError(pos, param, i, "a uid string or #f in its cdr", x))
			}
		case *interp.String:
			s := u.String()
			if s == "" || strings.ContainsAny(s, " \t\r\n\x00") {
				return nil, withWho(who, interp.ArgError(pos, param, fmt.Sprintf("element %d: bad uid %q", i+1, s)))
			}
			out[i].UID = s
		default:
			return nil, withWho(who, elementError(pos, param, i, "a uid string or #f in its cdr", x))
		}
	}
	return out, nil
}

func uidList(ms []pop3.MsgUID) interp.Value {
	out := make([]interp.Value, len(ms))
	for i, m := range ms {
		out[i] = interp.Cons(m.Num, interp.NewString(m.UID))
	}
	return interp.List(out...)
}

// sizesArg unpacks pop3-list's answer ((msgid . size) ...), argument
// pos of who.
func sizesArg(who string, pos int, v interp.Value) ([]pop3.MsgInfo, error) {
	vals, ok := interp.ListToSlice(v)
	if !ok {
		return nil, withWho(who, interp.ArgTypeError(pos, "sizes", "a list of (msgid . size) pairs", v))
	}
	list := make([]pop3.MsgInfo, 0, len(vals))
	for i, v := range vals {
		p, ok := v.(*interp.Pair)
		n, isInt := 0, false
		var size int
		sizeOK := false
		if ok {
			n, isInt = p.Car.(int)
			size, sizeOK = p.Cdr.(int)
		}
		if !isInt || n < 1 || !sizeOK || size < 0 {
			return nil, withWho(who, elementError(pos, "sizes", i, "a (msgid . size) pair", v))
		}
		list = append(list, pop3.MsgInfo{Num: n, Size: int64(size)})
	}
	return list, nil
}

func primMailboxPartition(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mailbox-partition"
	b, err := mailboxArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	ms, err := uIDs(who, 2, "uidls", args[1])
	if err != nil {
		return nil, err
	}
	var sizes []pop3.MsgInfo
	if len(args) > 2 {
		if sizes, err = sizesArg(who, 3, args[2]); err != nil {
			return nil, err
		}
	}
	var fresh, old []pop3.MsgUID
	if err := b.use(it, true, func() error { fresh, old = b.st.Partition(ms, sizes...); return nil }); err != nil {
		return nil, closedError(who, b)
	}
	return interp.Values(uidList(fresh), uidList(old)), nil
}

// primMailboxCheckUIDL checks pop3-uidl's answer against pop3-list's:
// a message number LIST does not have, a number or a UIDL given twice is
// a protocol error (mailstore.CheckUIDL).
func primMailboxCheckUIDL(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mailbox-check-uidl"
	list, err := sizesArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	uidls, err := uIDs(who, 2, "uidls", args[1])
	if err != nil {
		return nil, err
	}
	if err := mailstore.CheckUIDL(list, uidls); err != nil {
		return nil, &interp.ErrorObject{Who: who, Message: err.Error(), Cause: err}
	}
	return interp.Unspecified, nil
}

func primMailboxFetch(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mailbox-fetch!"
	b, err := mailboxArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	c, err := mailConnArg(who, 2, args[1])
	if err != nil {
		return nil, err
	}
	ms, err := uIDs(who, 3, "msgs", args[2])
	if err != nil {
		return nil, err
	}
	bb := &pop3Bindings{it: it}
	n, err := callConn(bb, who, c, func(ctx context.Context) (n int, err error) {
		err = b.locked(true, func() error { n, err = b.st.Fetch(ctx, c.client, ms); return err })
		return n, err
	})
	if errors.Is(err, errClosedMeanwhile) {
		return nil, closedError(who, b)
	}
	if err != nil {
		var de *mailstore.DestError
		if errors.As(err, &de) {
			return nil, deliveryError(who, err)
		}
		return nil, netError(it, who, c, err)
	}
	return n, nil
}

func primMailboxCommit(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "mailbox-commit!"
	b, err := mailboxArg(who, 0, args[0])
	if err != nil {
		return nil, err
	}
	if err := b.use(it, true, b.st.Commit); err != nil {
		if errors.Is(err, errClosedMeanwhile) {
			return nil, closedError(who, b)
		}
		return nil, deliveryError(who, err)
	}
	return interp.Unspecified, nil
}

func primMailboxStored(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	b, err := anyMailbox("mailbox-stored", 0, args[0])
	if err != nil {
		return nil, err
	}
	var stored []int
	b.use(it, false, func() error { stored = b.st.Stored(); return nil })
	out := make([]interp.Value, len(stored))
	for i, n := range stored {
		out[i] = n
	}
	return interp.List(out...), nil
}

func primMailboxClose(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	b, err := anyMailbox("mailbox-close", 0, args[0])
	if err != nil {
		return nil, err
	}
	// Another thread's fetch under way ends first (a stopped run's
	// mailbox is closed by the thread that stops it).
	err = b.use(it, false, func() error {
		if b.closed.Load() {
			return nil
		}
		b.closed.Store(true)
		return b.st.Close()
	})
	if err != nil {
		return nil, deliveryError("mailbox-close", err)
	}
	return interp.Unspecified, nil
}

// waitRangeError is the error of a wait (argument pos, named param) out
// of its range.
func waitRangeError(pos int, param string, wait float64) *interp.ErrorObject {
	return interp.ArgError(pos, param, fmt.Sprintf("%v seconds is out of range (0 to 86400)", wait))
}

// runLockKind is the Kind of run-lock objects.
const runLockKind = "run-lock"

// primRunLock takes a run lock (mailstore.ClaimRun: another thread's is
// waited for too), waiting up to wait seconds: the lock, or the PID of
// the run holding it (0 if unknown; this process's when another thread
// holds it).
func primRunLock(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "run-lock"
	var path string
	var wait float64
	if err := interp.UnpackArgs(who, args, "path", &path, "wait", &wait); err != nil {
		return nil, err
	}
	if wait < 0 || wait > 86400 {
		return nil, withWho(who, waitRangeError(2, "wait", wait))
	}
	var l *mailstore.RunLock
	err := it.Blocking(func() (err error) {
		l, err = mailstore.ClaimRun(path, time.Duration(wait*float64(time.Second)))
		return err
	})
	var busy *mailstore.BusyError
	if errors.As(err, &busy) {
		return busy.PID, nil
	}
	if err != nil {
		return nil, deliveryError(who, err)
	}
	return interp.NewOpaque(runLockKind, path, l), nil
}

func primRunUnlock(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	o, ok := args[0].(*interp.Opaque)
	var l *mailstore.RunLock
	if ok {
		l, _ = o.Value.(*mailstore.RunLock)
	}
	if l == nil {
		return nil, withWho("run-unlock", interp.TypeError("a run lock", args[0]))
	}
	if err := l.Unlock(); err != nil {
		return nil, deliveryError("run-unlock", err)
	}
	return interp.Unspecified, nil
}

// primMailErrorSide tells which side an error of the mail procedures
// came from: destination (a file of the mailbox or its state), protocol
// (a reply that breaks POP3), server (a refusal, or the connection), or
// #f (anything else).
func primMailErrorSide(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	e, ok := args[0].(*interp.ErrorObject)
	if !ok || e.Cause == nil {
		return false, nil
	}
	var de *mailstore.DestError
	var perr *pop3.Error
	var busy *mailstore.BusyError
	switch {
	case errors.As(e.Cause, &de), errors.As(e.Cause, &busy):
		return interp.Intern("destination"), nil
	case errors.Is(e.Cause, pop3.ErrProtocol):
		return interp.Intern("protocol"), nil
	case errors.As(e.Cause, &perr), errors.Is(e.Cause, pop3.ErrTruncated), e.Kind == interp.KindFileError && strings.HasPrefix(e.Who, "mailbox-"):
		if e.Kind == interp.KindFileError {
			return interp.Intern("destination"), nil
		}
		return interp.Intern("server"), nil
	case strings.HasPrefix(e.Who, "pop3-") || e.Who == "mailbox-fetch!":
		return interp.Intern("server"), nil
	}
	return false, nil
}

// cp1252High maps bytes 0x80–0x9F of windows-1252 (the rest is Latin-1;
// 0 marks an undefined byte, shown as U+FFFD).
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// charsetDecoder returns a decoder for the single-byte charsets Go's
// mime package does not know (windows-1252, ISO-8859-15), or nil.
func charsetDecoder(charset string) func([]byte) string {
	switch strings.ToLower(charset) {
	case "windows-1252", "cp1252":
		return func(b []byte) string {
			var sb strings.Builder
			for _, c := range b {
				switch {
				case c >= 0x80 && c < 0xA0 && cp1252High[c-0x80] != 0:
					sb.WriteRune(cp1252High[c-0x80])
				case c >= 0x80 && c < 0xA0:
					sb.WriteRune(0xFFFD)
				default:
					sb.WriteRune(rune(c))
				}
			}
			return sb.String()
		}
	case "iso-8859-15", "latin-9", "latin9":
		repl := map[byte]rune{0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178}
		return func(b []byte) string {
			var sb strings.Builder
			for _, c := range b {
				if r, ok := repl[c]; ok {
					sb.WriteRune(r)
				} else {
					sb.WriteRune(rune(c))
				}
			}
			return sb.String()
		}
	}
	return nil
}

func primNetrcMachines(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "netrc-machines"
	path, err := netrc.DefaultPath()
	if err != nil {
		return nil, &interp.ErrorObject{Who: who, Message: err.Error(), Cause: err}
	}
	n, err := netrc.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return interp.Null, nil
	}
	if err != nil {
		return nil, &interp.ErrorObject{Who: who, Message: err.Error(), Cause: err}
	}
	var out []interp.Value
	for _, e := range n.Entries {
		out = append(out, interp.NewString(e.Machine))
	}
	return interp.List(out...), nil
}
