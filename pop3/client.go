package pop3

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// State is the POP3 session state (RFC 1939 section 3).
type State int

const (
	// StateAuthorization is the state after the greeting, before login.
	StateAuthorization State = iota
	// StateTransaction is the state after a successful login: the
	// maildrop can be listed, read and marked for deletion.
	StateTransaction
	// StateClosed is the state after QUIT (the UPDATE state, in which the
	// server applied the deletions, ends with the connection), Close, or a
	// fatal I/O or protocol error.
	StateClosed
)

// String returns the state's name as RFC 1939 writes it.
func (s State) String() string {
	switch s {
	case StateAuthorization:
		return "AUTHORIZATION"
	case StateTransaction:
		return "TRANSACTION"
	case StateClosed:
		return "CLOSED"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// readBufferSize is the size of the read buffer: large, so that bodies are
// read in few system calls and most lines are handled in place.
const readBufferSize = 64 << 10

// aLongTimeAgo is a deadline in the past, used to abort a blocked read or
// write when the context is cancelled.
var aLongTimeAgo = time.Unix(1, 0)

// Client is a connection to a POP3 server. Create one with [Dial] or
// [NewClient]. A Client is not safe for concurrent use; to abort a call in
// progress, cancel its context.
//
// Commands that answer with data return the data; the logins, [Client.Retr]
// and [Client.Top] also return their status, the text after "+OK"
// unchanged, usually with a leading space (as scsh's pop3.scm did).
// Commands that answer with a status only (DELE, RSET, NOOP, QUIT, UTF8)
// return an error only; their status is [Client.LastStatus].
type Client struct {
	opts      Options
	host      string
	conn      net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	greeting  string
	timestamp string
	state     State
	isTLS     bool
	utf8      bool
	caps      *Capabilities
	le        LineEnding
	err       error // sticky fatal error

	body         *dotReader                    // a Retr/Top body not yet read to its end
	bodyDoneFn   func(*dotReader, error) error // c.bodyDone, bound once
	quickAck     func()                        // see quickAcker; nil if not TCP
	pending      func() bool                   // see pendingPeeker; nil if not plain TCP
	lastQuickAck time.Time
	batch        bool // the current op spans several bodies
	after        int  // in a batch: the replies asked for after the one being read

	status string // see LastStatus

	secrets []string // credentials sent in this session: see conceal

	// listed holds the sizes of the last LIST, sorted by number, and
	// listedOne those of later "LIST n" replies: a body may not be much
	// longer than its listed size (see bodyLimit).
	listed    []MsgInfo
	listedOne map[int]int64
	hasListed bool // a whole LIST was read in this session

	marked map[int]bool // messages marked deleted (DELE +OK, no RSET since)
	quitOK bool         // QUIT was answered +OK: the server applied the deletions

	// inLine is set while a status or listing line is read; lineDeadline
	// is then the time by which the whole line must have come (set at
	// the line's first read from the network).
	inLine       bool
	lineDeadline time.Time

	// replyWait is the time spent waiting in reads from the network, and
	// replyBytes the bytes they gave, since the reply being read began
	// (see Options.MinRate and startReply).
	replyWait  time.Duration
	replyBytes int64

	// opCtx is the context of the operation in progress, valid only
	// between startOp and endOp (context.Background outside them). It is
	// kept here, against the usual rule, because the reads of a body go
	// through bufio.Reader, which cannot pass a context down to connIO:
	// the caller's context reaches the connection through this field.
	opCtx    context.Context
	rdl, wdl time.Time     // read and write deadlines last set on conn
	rdlRate  bool          // the last read's deadline was the reply's rate bound (see Options.MinRate)
	slack    time.Duration // see maxDeadlineSlack
	stop     func() bool
	stopped  chan struct{}
	scratch  []byte
}

// connIO is the client's view of its connection: every read and write runs
// under a deadline derived from the current operation's context and
// Options.CommandTimeout.
type connIO struct{ c *Client }

func (x connIO) Read(p []byte) (int, error) {
	c := x.c
	if c.conn == nil { // closed, and a stale body is being read
		return 0, net.ErrClosed
	}
	if err := c.opCtx.Err(); err != nil {
		return 0, err
	}
	now := time.Now()
	if c.inLine && c.lineDeadline.IsZero() {
		// A line must come whole within CommandTimeout: a server that
		// sends a byte now and then makes progress, and would otherwise
		// hold the client for as long as a line may be long.
		c.lineDeadline = now.Add(c.opts.CommandTimeout)
	}
	d, rate := c.readDeadline(now)
	if d.Sub(c.rdl) > c.slack || d.Before(c.rdl) {
		c.conn.SetReadDeadline(d)
		c.rdl = d
	}
	c.rdlRate = rate                      // the deadline in force is d, or a little earlier
	if err := c.opCtx.Err(); err != nil { // cancelled while we set the deadline
		return 0, err
	}
	if c.quickAck != nil {
		if now.Sub(c.lastQuickAck) >= quickAckEvery {
			c.quickAck()
			c.lastQuickAck = now
		}
	}
	n, err := c.conn.Read(p)
	c.replyWait += time.Since(now)
	c.replyBytes += int64(n)
	return n, err
}

// readDeadline is the deadline of a read that starts at now, and whether
// it is the reply's rate bound (see Options.MinRate): the reply may have
// waited CommandTimeout, plus a second for each MinRate bytes it gave.
func (c *Client) readDeadline(now time.Time) (time.Time, bool) {
	d := c.deadlineAt(now)
	if c.opts.MinRate <= 0 {
		return d, false
	}
	earned := float64(c.replyBytes) / float64(c.opts.MinRate) // seconds
	if earned > 1e9 {
		return d, false // decades: the bound no longer binds (and would overflow)
	}
	allowed := c.opts.CommandTimeout + time.Duration(earned*float64(time.Second))
	if rd := now.Add(allowed - c.replyWait); rd.Before(d) {
		return rd, true
	}
	return d, false
}

// startReply starts the count of a reply's waiting time and bytes (see
// Options.MinRate).
func (c *Client) startReply() {
	c.replyWait, c.replyBytes = 0, 0
}

func (x connIO) Write(p []byte) (int, error) {
	c := x.c
	if c.conn == nil {
		return 0, net.ErrClosed
	}
	if err := c.opCtx.Err(); err != nil {
		return 0, err
	}
	if d := c.deadline(); d.Sub(c.wdl) > c.slack || d.Before(c.wdl) {
		c.conn.SetWriteDeadline(d)
		c.wdl = d
	}
	if err := c.opCtx.Err(); err != nil {
		return 0, err
	}
	return c.conn.Write(p)
}

// quickAckEvery is how often, at most, the client asks for an immediate
// ACK before a read (see quickAcker): often enough that a server waiting
// for an ACK waits no more than this, rarely enough to cost nothing.
const quickAckEvery = time.Millisecond

// maxDeadlineSlack bounds how much a deadline may lag behind
// now+CommandTimeout before it is moved (a quarter of CommandTimeout at
// most): setting it on every read of a fast stream costs more than the
// read itself, and a deadline a little early is harmless.
const maxDeadlineSlack = 50 * time.Millisecond

func (c *Client) deadline() time.Time { return c.deadlineAt(time.Now()) }

// deadlineAt is the deadline of a network wait that starts at now.
func (c *Client) deadlineAt(now time.Time) time.Time {
	d := now.Add(c.opts.CommandTimeout)
	if !c.lineDeadline.IsZero() && c.lineDeadline.Before(d) {
		d = c.lineDeadline
	}
	if cd, ok := c.opCtx.Deadline(); ok && cd.Before(d) {
		return cd
	}
	return d
}

// Dial connects to the POP3 server at addr, in any form [ParseAddr] reads
// ("host", "host:port", "[v6addr]:port", "pop3://host", "pop3s://host",
// ...), sets up TLS as opts asks, and reads the greeting. The port
// defaults to 995 with [ImplicitTLS] and to 110 otherwise; with [TLSAuto]
// (the default) an address that asks for TLS (pop3s://, port 995) means
// [ImplicitTLS], and with [PlainText] or [StartTLS] it is refused. With
// [StartTLS] Dial also upgrades with STLS before returning. opts may be
// nil.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	o := opts.withDefaults()
	a, err := ParseAddr(addr, o.TLS == ImplicitTLS)
	if err != nil {
		return nil, err
	}
	switch {
	case a.TLS && o.TLS == TLSAuto:
		o.TLS = ImplicitTLS
	case a.TLS && o.TLS != ImplicitTLS:
		return nil, fmt.Errorf("pop3: dial %q: %w: the address asks for implicit TLS, the options for %v", addr, ErrBadArgument, o.TLS)
	}
	host, port := a.Host, strconv.Itoa(a.Port)
	if ctx == nil {
		ctx = context.Background()
	}
	dctx, cancel := context.WithTimeout(ctx, o.DialTimeout)
	defer cancel()
	var d ContextDialer = &net.Dialer{}
	if o.Dialer != nil {
		d = o.Dialer
	}
	conn, err := d.DialContext(dctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		var nerr error = netFailure{err: err, text: dialCause(err)}
		if isTimeout(err) || (dctx.Err() == context.DeadlineExceeded && ctx.Err() == nil) {
			nerr = fmt.Errorf("%w (%v): %w", ErrTimeout, o.DialTimeout, nerr)
		}
		return nil, fmt.Errorf("pop3: cannot connect to %s: %w", net.JoinHostPort(host, port), nerr)
	}
	return newClient(ctx, conn, host, o)
}

// NewClient starts a POP3 session on an open connection: with
// [ImplicitTLS] it first runs the TLS handshake (unless conn is already a
// *tls.Conn), then reads the greeting, and with [StartTLS] upgrades with
// STLS. host names the server for certificate checks and the log. On error
// the connection is closed. opts may be nil.
func NewClient(ctx context.Context, conn net.Conn, host string, opts *Options) (*Client, error) {
	return newClient(ctx, conn, host, opts.withDefaults())
}

func newClient(ctx context.Context, conn net.Conn, host string, o Options) (*Client, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	c := &Client{opts: o, host: host, conn: conn, le: o.LineEnding, opCtx: context.Background()}
	c.bodyDoneFn = c.bodyDone
	c.slack = min(maxDeadlineSlack, o.CommandTimeout/4)
	c.quickAck = quickAcker(conn)
	c.pending = pendingPeeker(conn)
	c.br = bufio.NewReaderSize(connIO{c}, readBufferSize)
	c.bw = bufio.NewWriterSize(connIO{c}, 4096)
	c.logf("\n-- %s: opened POP3 connection to %s", time.Now().Format(time.ANSIC), host)
	if _, ok := conn.(*tls.Conn); ok {
		c.isTLS = true
	} else if o.TLS == ImplicitTLS {
		if err := c.handshake(ctx, "connect"); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if err := c.readGreeting(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if o.TLS == StartTLS && !c.isTLS {
		if err := c.StartTLS(ctx); err != nil {
			c.Close()
			var e *Error
			if errors.As(err, &e) {
				return nil, fmt.Errorf("pop3: STLS refused: %w: %w", ErrTLSRequired, err)
			}
			return nil, err
		}
	}
	return c, nil
}

func (c *Client) readGreeting(ctx context.Context) error {
	if err := c.startOp(ctx, "greeting"); err != nil {
		return err
	}
	defer c.endOp()
	r, err := c.readStatus("greeting", "greeting")
	if err != nil {
		return err
	}
	if err := c.checkQuiet("greeting"); err != nil {
		return err
	}
	c.greeting = c.shown(r.Raw)
	c.timestamp = findTimestamp(r.Raw)
	return nil
}

// findTimestamp returns the APOP timestamp "<...>" of a greeting, or "":
// the first "<...>" of printable ASCII in the form of a message id
// ("<...@...>", as RFC 1939 has it), or failing that the first "<...>" of
// printable ASCII. A greeting may say "<" and ">" in its text before the
// timestamp.
func findTimestamp(s string) string {
	first := ""
	open := -1 // the last "<" not yet closed
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case '<':
			open = k
		case '>':
			if open < 0 {
				continue
			}
			ts := s[open : k+1]
			open = -1
			if len(ts) > 2 && isPrintable(ts[1:len(ts)-1]) {
				if strings.IndexByte(ts, '@') >= 0 {
					return ts
				}
				if first == "" {
					first = ts
				}
			}
		}
	}
	return first
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Greeting returns the server's greeting: the text after "+OK", its
// control characters escaped (see [EscapeControls]).
func (c *Client) Greeting() string { return c.greeting }

// Timestamp returns the APOP timestamp ("<...>") of the greeting, or "" if
// the server offers no APOP.
func (c *Client) Timestamp() string { return c.timestamp }

// Host returns the server's host name, as given to Dial or NewClient.
func (c *Client) Host() string { return c.host }

// State returns the session state.
func (c *Client) State() State { return c.state }

// Err returns the error that ended the session, a failed read or write,
// a timeout, a cancelled context (an interrupted call) or a protocol
// violation, after which every call fails with [ErrClosed]; nil while the
// session is usable and after [Client.Quit] or [Client.Close].
func (c *Client) Err() error { return c.err }

// LastStatus returns the text after "+OK" of the last reply the client
// read, unchanged (usually with a leading space): after a method returns
// nil, the status of its command (of the last one for a batch method).
// It is "" after a "-ERR" reply.
func (c *Client) LastStatus() string { return c.status }

// IsTLS reports whether the connection is encrypted.
func (c *Client) IsTLS() bool { return c.isTLS }

// TLSConnectionState returns the TLS state of the connection and true, or
// false if the connection is not encrypted.
func (c *Client) TLSConnectionState() (tls.ConnectionState, bool) {
	if tc, ok := c.conn.(*tls.Conn); ok {
		return tc.ConnectionState(), true
	}
	return tls.ConnectionState{}, false
}

// SetAllowCleartext changes [Options.AllowCleartext] for the logins that
// follow.
func (c *Client) SetAllowCleartext(allow bool) { c.opts.AllowCleartext = allow }

// SetRequireTLS changes [Options.RequireTLS] for the logins that follow.
func (c *Client) SetRequireTLS(require bool) { c.opts.RequireTLS = require }

// SetLineEnding chooses the line endings of the bodies returned by later
// calls (see [LineEnding]).
func (c *Client) SetLineEnding(le LineEnding) { c.le = le }

// Close closes the connection without QUIT: the server applies no
// deletions. Closing a closed client returns nil.
func (c *Client) Close() error {
	if c.state == StateClosed && c.conn == nil {
		return nil
	}
	c.endOp()
	c.state = StateClosed
	c.body = nil
	conn := c.conn
	c.conn = nil
	if conn == nil {
		return nil
	}
	if err := conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("pop3: close: %w", err)
	}
	return nil
}

// ---- operations --------------------------------------------------------

// startOp begins an operation under ctx: ctx becomes c.opCtx, later reads
// and writes use its deadline, and cancelling it aborts a blocked read or
// write.
func (c *Client) startOp(ctx context.Context, op string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	c.endOp()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pop3: %s: %w", op, err)
	}
	c.opCtx = ctx
	c.rdl, c.wdl = time.Time{}, time.Time{} // set afresh for this operation
	c.startReply()
	if ctx.Done() != nil {
		done := make(chan struct{})
		conn := c.conn
		c.stopped = done
		c.stop = context.AfterFunc(ctx, func() {
			conn.SetDeadline(aLongTimeAgo)
			close(done)
		})
	}
	return nil
}

// endOp ends the current operation and resets c.opCtx. After it returns,
// no cancellation of the operation's context can touch the connection.
func (c *Client) endOp() {
	if c.stop != nil {
		if !c.stop() {
			<-c.stopped
		}
		c.stop = nil
		c.stopped = nil
	}
	c.opCtx = context.Background()
}

// check verifies that the client is usable and in one of the states.
func (c *Client) check(op string, states ...State) error {
	if c.err != nil {
		return fmt.Errorf("pop3: %s: %w: %w", op, ErrClosed, c.err)
	}
	if c.state == StateClosed || c.conn == nil {
		return fmt.Errorf("pop3: %s: %w", op, ErrClosed)
	}
	for _, s := range states {
		if c.state == s {
			return nil
		}
	}
	want := make([]string, len(states))
	for i, s := range states {
		want[i] = s.String()
	}
	return fmt.Errorf("pop3: %s: %w: not in %s state (in %s); nothing sent", op, ErrState, strings.Join(want, " or "), c.state)
}

// fatal records an error after which the connection cannot be trusted,
// closes it and returns err.
func (c *Client) fatal(err error) error {
	err = c.concealErr(err)
	if c.err == nil {
		c.err = err
	}
	c.state = StateClosed
	c.body = nil
	if c.conn != nil {
		c.conn.Close()
	}
	return err
}

// ioError wraps a read or write error with the operation and classifies
// timeouts and cancellations; it makes the error fatal.
func (c *Client) ioError(op string, err error) error {
	var ne net.Error
	ctxErr := c.opCtx.Err()
	switch {
	case errors.Is(err, ErrProtocol) || errors.Is(err, ErrTruncated):
		err = fmt.Errorf("pop3: %s: %w", op, err)
	case ctxErr == context.DeadlineExceeded:
		err = fmt.Errorf("pop3: %s: %w (context deadline): %w: %w", op, ErrTimeout, ctxErr, err)
	case ctxErr != nil:
		err = fmt.Errorf("pop3: %s: %w: %w", op, ctxErr, err)
	case errors.As(err, &ne) && ne.Timeout() && c.inLine && !c.lineDeadline.IsZero() && !time.Now().Before(c.lineDeadline):
		err = fmt.Errorf("pop3: %s: %w (a reply line not complete after %v): %w", op, ErrTimeout, c.opts.CommandTimeout, err)
	case errors.As(err, &ne) && ne.Timeout() && c.rdlRate:
		err = fmt.Errorf("pop3: %s: %w (the reply came at less than %d bytes/s: %d bytes in %v of waiting): %w", op, ErrTimeout, c.opts.MinRate, c.replyBytes, c.replyWait.Round(time.Millisecond), err)
	case errors.As(err, &ne) && ne.Timeout():
		err = fmt.Errorf("pop3: %s: %w (no progress for %v): %w", op, ErrTimeout, c.opts.CommandTimeout, err)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("pop3: %s: connection closed by the server: %w", op, netFailure{err: io.ErrUnexpectedEOF})
	default:
		err = fmt.Errorf("pop3: %s: %w", op, netFailure{err: err})
	}
	return c.fatal(err)
}

// netFailure marks a connection's own error as matching [ErrNetwork]
// without changing its text.
type netFailure struct {
	err  error
	text string // if set, the text of err without what the message already says
}

func (e netFailure) Error() string {
	if e.text != "" {
		return e.text
	}
	return e.err.Error()
}
func (e netFailure) Unwrap() []error { return []error{ErrNetwork, e.err} }

// dialCause returns the cause of a failed dial without the "dial tcp
// ADDR: connect:" prefixes of the net package: "connection refused",
// "no such host", "i/o timeout".
func dialCause(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) && se.Err != nil {
		err = se.Err
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return "no such host"
		}
		return de.Err
	}
	return err.Error()
}

// drainBody reads the rest of an unfinished body so that the next reply
// can be read.
func (c *Client) drainBody(op string) error {
	if c.body == nil {
		return nil
	}
	b := c.body
	_, err := io.Copy(io.Discard, b)
	c.body = nil
	if err != nil {
		if c.err != nil {
			return fmt.Errorf("pop3: %s: %w: %w", op, ErrClosed, err)
		}
		return err
	}
	return nil
}

// send writes one command line (without flushing). display is the line as
// logged and reported in errors, secrets masked.
func (c *Client) send(op, line, display string) error {
	c.bw.WriteString(line)
	if _, err := c.bw.WriteString("\r\n"); err != nil {
		return c.ioError(op, err)
	}
	c.logf("<- %s", display)
	return nil
}

func (c *Client) flush(op string) error {
	if err := c.bw.Flush(); err != nil {
		return c.ioError(op, err)
	}
	return nil
}

// readLine reads one line of at most max bytes and returns it without its
// line ending. The result aliases the read buffer unless the line spanned
// several buffer fills: use it before the next read.
func (c *Client) readLine(op string, max int) ([]byte, error) {
	c.inLine = true
	defer c.endLine()
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull && len(buf) <= max {
			line, err = c.br.ReadSlice('\n')
			buf = append(buf, line...)
		}
		line = buf
	}
	if len(line) > max {
		return nil, c.ioError(op, fmt.Errorf("%w: line longer than %d bytes: %w", ErrLineTooLong, max, ErrProtocol))
	}
	if err != nil {
		return nil, c.ioError(op, err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// endLine ends the reading of a line: its deadline no longer applies.
func (c *Client) endLine() {
	c.inLine = false
	c.lineDeadline = time.Time{}
}

// readStatus reads and parses a status line. A "-ERR" reply is returned as
// a *Error naming display (the command with secrets masked).
func (c *Client) readStatus(op, display string) (Response, error) {
	r, err := c.readReply(op)
	if err == nil && !r.OK {
		return r, c.serverError(display, r)
	}
	return r, err
}

// readReply reads and parses a status line; "-ERR" is not an error here.
func (c *Client) readReply(op string) (Response, error) {
	c.startReply()
	line, err := c.readLine(op, c.opts.MaxStatusLength)
	if err != nil {
		return Response{}, err
	}
	s := string(line)
	if c.opts.Log != nil {
		c.logf("-> %s", c.shown(s))
	}
	r, err := parseResponse(s, c.quote)
	if err != nil {
		c.status = ""
		return r, c.ioError(op, err)
	}
	c.status = ""
	if r.OK {
		c.status = c.shown(r.Raw)
	}
	return r, nil
}

// simple runs a one-line command in one of states and returns its reply.
func (c *Client) simple(ctx context.Context, line, display string, states ...State) (Response, error) {
	defer c.endOp()
	r, err := c.command(ctx, line, display, states...)
	var e *Error
	if err == nil || errors.As(err, &e) {
		if qerr := c.checkQuiet(display); qerr != nil {
			return Response{}, qerr
		}
	}
	return r, err
}

// checkQuiet fails, closing the connection, when bytes are waiting that
// answer no command. In lockstep (not pipelining) nothing may follow a
// whole reply: a server, or someone on the path, that slips in an extra
// "+OK 7 7777" would otherwise have it taken as the reply to the next
// command. A pipelined batch expects more replies and is not checked.
// The check sees what was read with the reply; before each command,
// the socket of a plain-text connection is also peeked at (Linux). Bytes
// still in flight when a command is sent cannot be told from its reply:
// they are caught by the next check.
func (c *Client) checkQuiet(op string) error {
	if c.batch || c.conn == nil {
		return nil
	}
	if n := c.br.Buffered(); n > 0 {
		return c.fatal(strayData{fmt.Errorf("pop3: %s: %w: %d unsolicited bytes after the reply", op, ErrProtocol, n)})
	}
	return nil
}

// command is simple but leaves the operation open, for the caller to read
// a multi-line reply under it and then call endOp.
func (c *Client) command(ctx context.Context, line, display string, states ...State) (Response, error) {
	if err := c.begin(ctx, display, line, display, states...); err != nil {
		return Response{}, err
	}
	return c.readStatus(display, display)
}

// begin starts operation op and sends one command line, after checking
// the state and that nothing unasked-for is waiting; the caller reads the
// reply and calls endOp.
func (c *Client) begin(ctx context.Context, op, line, display string, states ...State) error {
	if err := c.check(op, states...); err != nil {
		return err
	}
	if err := c.startOp(ctx, op); err != nil {
		return err
	}
	if err := c.drainBody(op); err != nil {
		return err
	}
	if err := c.checkQuiet(op); err != nil {
		return err
	}
	if c.pending != nil && !c.isTLS && c.pending() {
		// Bytes that arrived after the last reply was read: nothing was
		// asked, so nothing may be there.
		return c.fatal(strayData{fmt.Errorf("pop3: %s: %w: unsolicited bytes from the server before the command", op, ErrProtocol)})
	}
	if err := c.send(op, line, display); err != nil {
		return err
	}
	return c.flush(op)
}

// readList reads the lines of a multi-line listing (CAPA, LIST, UIDL)
// after its +OK, calling fn with each line, byte-stuffing undone.
func (c *Client) readList(op string, fn func(line []byte) error) error {
	for count := 0; ; count++ {
		line, err := c.readLine(op, c.opts.MaxStatusLength)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrTimeout) {
				return c.fatal(fmt.Errorf("pop3: %s: %w (listing without its \".\" line): %w", op, ErrTruncated, io.ErrUnexpectedEOF))
			}
			return err
		}
		if len(line) > 0 && line[0] == '.' {
			if len(line) == 1 {
				return c.checkQuiet(op)
			}
			line = line[1:]
		}
		if count >= maxListEntries {
			return c.ioError(op, fmt.Errorf("%w: more than %d lines in a listing", ErrProtocol, maxListEntries))
		}
		if err := fn(line); err != nil {
			return c.ioError(op, err)
		}
	}
}

// maxListEntries bounds a listing, against a server that never ends one
// (mpop draws the line at the same place).
const maxListEntries = 1_000_000

// ---- argument checks ---------------------------------------------------

func checkArg(op, what, s string) error {
	if i := strings.IndexAny(s, "\r\n\x00"); i >= 0 {
		return fmt.Errorf("pop3: %s: %w: %s contains CR, LF or NUL; nothing sent", op, ErrBadArgument, what)
	}
	return nil
}

func checkMsg(op string, n int) error {
	if n < 1 {
		return fmt.Errorf("pop3: %s: %w: message number %d is not a positive integer; nothing sent", op, ErrBadArgument, n)
	}
	return nil
}

// cmdN formats "VERB n" without fmt.
func (c *Client) cmdN(verb string, n int) string {
	c.scratch = append(c.scratch[:0], verb...)
	c.scratch = append(c.scratch, ' ')
	c.scratch = strconv.AppendInt(c.scratch, int64(n), 10)
	return string(c.scratch)
}

// ---- logging -----------------------------------------------------------

func (c *Client) logf(format string, args ...any) {
	if c.opts.Log == nil {
		return
	}
	fmt.Fprintf(c.opts.Log, format+"\n", args...)
}
