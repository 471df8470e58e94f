package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"
)

// pipelining reports whether batch commands may be pipelined.
func (c *Client) pipelining(ctx context.Context) (bool, error) {
	caps, err := c.capsOrEmpty(ctx)
	if err != nil {
		return false, err
	}
	return caps.Pipelining(), nil
}

// RetrMany retrieves the messages msgs in order, calling fn with each
// message number and body. When the server lists PIPELINING the RETR
// commands are sent ahead in windows of Options.PipelineWindow; otherwise
// one at a time. The results are the same either way.
//
// fn need not read the whole body (a nil fn reads none): the rest is read (and discarded) after
// it returns. If fn returns an error, or the server refuses a message
// (a [*Error]), no further command is sent, the replies already asked for
// are read and discarded, and that first error is returned: the
// connection stays usable. I/O and protocol errors end the session.
func (c *Client) RetrMany(ctx context.Context, msgs []int, fn func(n int, body io.Reader) error) error {
	return c.batchMulti(ctx, "RETR", msgs, -1, fn)
}

// TopMany is [Client.RetrMany] for "TOP n lines".
func (c *Client) TopMany(ctx context.Context, msgs []int, lines int, fn func(n int, body io.Reader) error) error {
	if lines < 0 {
		return fmt.Errorf("pop3: TOP: %w: negative line count %d; nothing sent", ErrBadArgument, lines)
	}
	return c.batchMulti(ctx, "TOP", msgs, lines, fn)
}

// DeleMany marks the messages msgs as deleted, pipelined when the server
// lists PIPELINING. A refusal does not stop it (so that the outcome is the
// same pipelined or not): every message is tried, and the refusals are
// returned together ([errors.Join] of [*Error]s, the first one found by
// errors.As). Every message not refused is marked.
func (c *Client) DeleMany(ctx context.Context, msgs []int) error {
	return c.batch1(ctx, "DELE", msgs, true, nil)
}

// ListMany returns the sizes of the messages msgs ("LIST n" for each),
// pipelined when the server lists PIPELINING.
func (c *Client) ListMany(ctx context.Context, msgs []int) ([]MsgInfo, error) {
	out := make([]MsgInfo, 0, len(msgs))
	err := c.batch1(ctx, "LIST", msgs, false, func(n int, r Response) error {
		m, err := parseListLine(r.Text, c.quote)
		if err == nil && m.Num != n {
			err = protocolErrorf("LIST %d answered for message %d", n, m.Num)
		}
		if err != nil {
			return c.fatal(fmt.Errorf("pop3: LIST %d: %w", n, err))
		}
		c.setListedOne(m)
		out = append(out, m)
		return nil
	})
	return out, err
}

// UIDLMany returns the unique ids of the messages msgs ("UIDL n" for
// each), pipelined when the server lists PIPELINING.
func (c *Client) UIDLMany(ctx context.Context, msgs []int) ([]MsgUID, error) {
	out := make([]MsgUID, 0, len(msgs))
	err := c.batch1(ctx, "UIDL", msgs, false, func(n int, r Response) error {
		m, err := parseUIDLine(r.Text, c.quote)
		if err == nil && m.Num != n {
			err = protocolErrorf("UIDL %d answered for message %d", n, m.Num)
		}
		if err != nil {
			return c.fatal(fmt.Errorf("pop3: UIDL %d: %w", n, err))
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// batchPrepare checks the arguments and state and chooses the window.
func (c *Client) batchPrepare(ctx context.Context, verb string, msgs []int) (int, error) {
	for _, n := range msgs {
		if err := checkMsg(verb, n); err != nil {
			return 0, err
		}
	}
	if err := c.check(verb, StateTransaction); err != nil {
		return 0, err
	}
	pipe, err := c.pipelining(ctx)
	if err != nil {
		return 0, err
	}
	if pipe {
		return c.opts.PipelineWindow, nil
	}
	return 1, nil
}

// batchLoop runs the send-ahead loop shared by the batch methods: it keeps
// at most window commands outstanding, topping up when an eighth of them
// are answered (see topUp), and calls handle for each reply in order.
// After the first error no more commands are sent; the outstanding replies
// are still read (handle is called with skip set). With keepGoing, server refusals (*Error) are
// collected instead and every command is sent.
func (c *Client) batchLoop(ctx context.Context, verb string, msgs []int, window int, keepGoing bool, line func(n int) string, handle func(i int, skip bool) error) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := c.startOp(ctx, verb); err != nil {
		return err
	}
	c.batch = true
	defer func() {
		c.batch = false
		c.endOp()
	}()
	if err := c.drainBody(verb); err != nil {
		return err
	}
	sent := 0
	var first error
	var refused []error // with keepGoing
	for recv := 0; recv < sent || (first == nil && recv < len(msgs)); recv++ {
		if first == nil && sent < len(msgs) && sent-recv <= window-c.topUp(window) {
			for sent < len(msgs) && sent-recv < window {
				l := line(msgs[sent])
				if err := c.send(verb, l, l); err != nil {
					return err
				}
				sent++
			}
			if err := c.flush(verb); err != nil {
				return err
			}
		}
		c.after = sent - recv - 1
		if err := handle(recv, first != nil); err != nil {
			if c.err != nil {
				return err // fatal: nothing more can be read
			}
			var e *Error
			if keepGoing && errors.As(err, &e) {
				refused = append(refused, err)
				continue
			}
			if first == nil {
				first = err
			}
		}
	}
	if first != nil {
		return first
	}
	// Every reply has been read: nothing more may be waiting.
	c.batch = false
	if err := c.checkQuiet(verb); err != nil {
		return err
	}
	return errors.Join(refused...)
}

// batch1 runs a batch of single-line commands.
func (c *Client) batch1(ctx context.Context, verb string, msgs []int, keepGoing bool, fn func(n int, r Response) error) error {
	window, err := c.batchPrepare(ctx, verb, msgs)
	if err != nil {
		return err
	}
	return c.batchLoop(ctx, verb, msgs, window, keepGoing, func(n int) string { return c.cmdN(verb, n) },
		func(i int, skip bool) error {
			n := msgs[i]
			r, err := c.readReply(verb)
			if err != nil {
				return err
			}
			if !r.OK {
				return c.serverError(c.cmdN(verb, n), r)
			}
			if verb == "DELE" {
				c.mark(n)
			}
			if skip || fn == nil {
				return nil
			}
			return fn(n, r)
		})
}

// batchMulti runs a batch of RETR or TOP commands.
func (c *Client) batchMulti(ctx context.Context, verb string, msgs []int, lines int, fn func(n int, body io.Reader) error) error {
	window, err := c.batchPrepare(ctx, verb, msgs)
	if err != nil {
		return err
	}
	mk := func(n int) string {
		l := c.cmdN(verb, n)
		if lines >= 0 {
			l += " " + strconv.Itoa(lines)
		}
		return l
	}
	return c.batchLoop(ctx, verb, msgs, window, false, mk, func(i int, skip bool) error {
		n := msgs[i]
		r, err := c.readReply(verb)
		if err != nil {
			return err
		}
		if !r.OK {
			return c.serverError(mk(n), r)
		}
		if verb == "RETR" {
			if err := c.checkRetrSize(n, r, msgs[i+1:min(len(msgs), i+1+window)]); err != nil {
				return err
			}
		}
		var body io.Reader = c.newBody(verb, n)
		if verb == "TOP" {
			body = newTopCut(body, lines)
		}
		var ferr error
		if !skip && fn != nil {
			ferr = fn(n, body)
		}
		if derr := c.drainBody(verb); derr != nil {
			return derr
		}
		if ferr != nil {
			if c.err != nil {
				return ferr // already says what failed
			}
			return fmt.Errorf("pop3: %s: %w", mk(n), ferr)
		}
		return nil
	})
}

// checkRetrSize compares the size that the +OK to "RETR n" announces ("+OK
// 1234 octets", as in RFC 1939's examples and from most servers) with the
// sizes LIST gave. Not message n's size but that of a message asked for
// after it (later) means the reply is that message's: a server that
// dropped a pipelined command (or answers out of order) has every later
// reply read as the one before it, each message stored as another and
// deleted as stored. The session is out of step: the error ends it. An
// announced size that is merely not LIST's is let be (some servers count
// differently), as is a status without one.
func (c *Client) checkRetrSize(n int, r Response, later []int) error {
	f := strings.Fields(r.Text)
	if len(f) < 2 || !strings.EqualFold(f[1], "octets") {
		return nil
	}
	said, err := parseSize(f[0])
	listed, ok := c.ListedSize(n)
	if err != nil || !ok || said == listed {
		return nil
	}
	for _, m := range later {
		if size, ok := c.ListedSize(m); ok && size == said {
			return c.fatal(fmt.Errorf("pop3: RETR %d: %w", n, protocolErrorf(
				"the reply announces %d octets, the size of message %d, not the %d of message %d: the server dropped a command or answers out of order", said, m, listed, n)))
		}
	}
	return nil
}

// topUp is how many replies must be read before more commands are sent:
// an eighth of the window, so that the server always has commands queued.
func (c *Client) topUp(window int) int {
	return max(1, window/8)
}

// ReadMessage reads r to its end into memory: a message whose size is known
// (from LIST; the caller caps it), read into a buffer with room for size
// bytes, grown if the message is longer. A large buffer is backed with
// memory a stretch at a time just ahead of the bytes arriving (see back:
// huge pages where the system has them, else a system call per MiB rather
// than a page fault per 4 KiB), never more than a few MiB beyond them, so a
// size listed too large costs address space only when the heap takes the
// buffer fresh from the system. Memory the heap reuses is cleared by Go's
// allocator when the buffer is made: callers cap the size (the pop3
// procedures at 8 MiB).
func ReadMessage(r io.Reader, size int) ([]byte, error) {
	var m MessageReader
	return m.Read(r, size, -1)
}

// A MessageReader reads messages into memory one after another, each into
// a buffer of its own, as [ReadMessage]. Told the size of the message that
// follows, it makes that message's buffer before reading the current one:
// the two then usually lie next to each other in memory, and the huge page
// that holds the end of the one and the start of the other is backed as
// one before either is written (otherwise the end of each buffer would be
// written in small pages, whose first write costs much more on a virtual
// machine, and made one huge page only when the next message arrives). The
// zero value is ready to use.
type MessageReader struct {
	next []byte // the buffer made for the next message, or nil
}

// Read reads r to its end, as ReadMessage(r, size); nextSize is the size of
// the message to be read next with m (as the caller will pass it), or -1
// when none follows or its size is unknown.
func (m *MessageReader) Read(r io.Reader, size, nextSize int) ([]byte, error) {
	need := max(size, 0) + 512
	b := m.next
	m.next = nil
	if cap(b) != need {
		b = make([]byte, 0, need)
	}
	// own: the bytes from the start of b that are b's or the next
	// buffer's, and may be backed together
	own := cap(b)
	if nextSize >= 0 {
		m.next = make([]byte, 0, max(nextSize, 0)+512)
		own = adjacentEnd(b, m.next)
	}
	backed := 0 // b[:backed] has been backed (only when b is large)
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), 2*cap(b))
			copy(nb, b)
			b, backed, own = nb, len(b), 2*cap(b)
		}
		if cap(b) >= prefaultMin && backed < cap(b) && backed-len(b) < prefaultChunk/2 {
			backed = back(b[:cap(b)], own, max(backed, len(b)), prefaultChunk)
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// adjacentEnd returns how many bytes from the start of a are a's or b's:
// cap(a), or, when b follows a in memory (the next span of the heap: a
// large buffer has a span of its own, whose end past cap(a) nothing else
// uses), up to the end of b.
func adjacentEnd(a, b []byte) int {
	if cap(a) < prefaultMin || cap(b) == 0 {
		return cap(a)
	}
	pa := uintptr(unsafe.Pointer(unsafe.SliceData(a[:1])))
	pb := uintptr(unsafe.Pointer(unsafe.SliceData(b[:1])))
	if end := pa + uintptr(cap(a)); pb >= end && pb-end < heapPageSize {
		return int(pb-pa) + cap(b)
	}
	return cap(a)
}

// heapPageSize is the Go heap's page size: a large object's span ends at
// most this far past it.
const heapPageSize = 8 << 10

// prefaultMin is the smallest buffer worth backing ahead; prefaultChunk how
// much of it is backed ahead of the data at a time (at least).
const (
	prefaultMin   = 1 << 20
	prefaultChunk = 1 << 20
)
