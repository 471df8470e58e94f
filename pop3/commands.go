package pop3

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// protocolErrorf returns an error matching ErrProtocol.
func protocolErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// tlsConfig returns the TLS configuration for this connection.
func (c *Client) tlsConfig() *tls.Config {
	var cfg *tls.Config
	if c.opts.TLSConfig != nil {
		cfg = c.opts.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = c.host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if pin := c.opts.TLSFingerprint; len(pin) > 0 {
		// The pin replaces chain and name verification: the one
		// certificate the user trusts is accepted, and only it.
		host := c.host
		cfg.InsecureSkipVerify = true
		cfg.VerifyPeerCertificate = nil
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return &CertificateError{Host: host, Err: errors.New("the server sent no certificate")}
			}
			fp := Fingerprint(cs.PeerCertificates[0].Raw)
			if !bytes.Equal(fp, pin) {
				return &CertificateError{Host: host, Fingerprint: fp, Err: ErrFingerprintMismatch}
			}
			return nil
		}
	}
	return cfg
}

// handshake runs the TLS client handshake on the connection.
func (c *Client) handshake(ctx context.Context, op string) error {
	tc := tls.Client(c.conn, c.tlsConfig())
	hctx, cancel := context.WithTimeout(ctx, c.opts.DialTimeout)
	defer cancel()
	if d, ok := hctx.Deadline(); ok {
		c.conn.SetDeadline(d)
	}
	err := tc.HandshakeContext(hctx)
	c.conn.SetDeadline(time.Time{})
	c.rdl, c.wdl = time.Time{}, time.Time{}
	if err != nil {
		if ce := certificateError(c.host, err); ce != nil {
			return fmt.Errorf("pop3: %s: TLS handshake with %s: %w", op, c.host, ce)
		}
		if isTimeout(err) || (hctx.Err() == context.DeadlineExceeded && ctx.Err() == nil) {
			err = fmt.Errorf("%w: %w", ErrTimeout, err)
			if op == "STLS" {
				err = fmt.Errorf("%w (the server accepted STLS but did not answer the TLS handshake within %v)", err, c.opts.DialTimeout)
			}
		}
		var rh tls.RecordHeaderError
		if errors.As(err, &rh) && (bytes.HasPrefix(rh.RecordHeader[:], []byte("+OK")) || bytes.HasPrefix(rh.RecordHeader[:], []byte("-ERR"))) {
			if op == "STLS" {
				// The server said +OK to STLS, then answered the TLS
				// hello as a command: it does not speak TLS at all.
				err = fmt.Errorf("%w (the server accepted STLS but went on in plain text)", err)
			} else {
				// A POP3 greeting: implicit TLS (pop3s://, port 995)
				// to a port that speaks plain POP3.
				err = fmt.Errorf("%w (the server greets in plain text: this port is not POP3 over TLS; use its TLS port, or STLS on this one)", err)
			}
		}
		return fmt.Errorf("pop3: %s: TLS handshake with %s: %w", op, c.host, netFailure{err: err})
	}
	c.conn = tc
	c.isTLS = true
	st := tc.ConnectionState()
	c.logf("-- TLS established (%s, %s)", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	return nil
}

// StartTLS upgrades the connection with STLS (RFC 2595) and verifies the
// server's certificate. Cached capabilities are forgotten. It is allowed
// only in the AUTHORIZATION state, on an unencrypted connection.
func (c *Client) StartTLS(ctx context.Context) error {
	const op = "STLS"
	if c.isTLS && c.err == nil && c.state == StateAuthorization {
		return fmt.Errorf("pop3: %s: %w: already encrypted; nothing sent", op, ErrState)
	}
	defer c.endOp()
	if _, err := c.command(ctx, op, op, StateAuthorization); err != nil {
		return err
	}
	if c.br.Buffered() > 0 {
		// Anything after the +OK was sent before TLS: an injection attempt
		// (or a broken server). Never let it reach the encrypted session.
		return c.fatal(fmt.Errorf("pop3: %s: %w: %d bytes received before the TLS handshake", op, ErrProtocol, c.br.Buffered()))
	}
	if err := c.handshake(c.opCtx, op); err != nil {
		return c.fatal(err)
	}
	c.br.Reset(connIO{c})
	c.caps = nil
	return nil
}

// Stat sends STAT and returns the number of messages in the maildrop and
// their total size in octets.
func (c *Client) Stat(ctx context.Context) (count int, octets int64, err error) {
	r, err := c.simple(ctx, "STAT", "STAT", StateTransaction)
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(r.Text)
	if len(f) < 2 {
		return 0, 0, c.fatal(fmt.Errorf("pop3: STAT: %w: reply %q lacks two numbers", ErrProtocol, c.quote(r.Raw)))
	}
	n, err1 := parseCount(f[0])
	size, err2 := parseSize(f[1])
	if err1 != nil || err2 != nil {
		return 0, 0, c.fatal(fmt.Errorf("pop3: STAT: %w: malformed numbers in %q", ErrProtocol, c.quote(r.Raw)))
	}
	return n, size, nil
}

// parseCount parses a message number or count: digits only, at most 2^31-1.
func parseCount(s string) (int, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, ErrProtocol
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err
}

// parseSize parses an octet count: digits only.
func parseSize(s string) (int64, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, ErrProtocol
	}
	return strconv.ParseInt(s, 10, 64)
}

// MsgInfo is one line of a LIST reply: a message number and its size.
type MsgInfo struct {
	Num  int   // message number, from 1
	Size int64 // size in octets, as on the wire
}

// MsgUID is one line of a UIDL reply: a message number and its unique id.
type MsgUID struct {
	Num int    // message number, from 1
	UID string // unique id, stable across sessions (RFC 1939 section 7)
}

// List sends LIST and returns the number and size of every message not
// marked as deleted. A listing with a message twice is a protocol error.
func (c *Client) List(ctx context.Context) ([]MsgInfo, error) {
	const op = "LIST"
	defer c.endOp()
	if _, err := c.command(ctx, op, op, StateTransaction); err != nil {
		return nil, err
	}
	var out []MsgInfo
	err := c.readList(op, func(l []byte) error {
		m, err := parseListLine(string(l), c.quote)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err == nil {
		c.setListed(out)
		if n, dup := repeatedNum(c.listed, func(m MsgInfo) int { return m.Num }); dup {
			// Each message once (RFC 1939): a client that took the
			// listing as it came would fetch, store and delete one
			// message twice.
			return nil, c.fatal(fmt.Errorf("pop3: %s: %w: the server lists message %d twice", op, ErrProtocol, n))
		}
	}
	return out, err
}

// repeatedNum returns a message number that sorted (by number) has twice,
// and true, or false if every number is there once.
func repeatedNum[T any](sorted []T, num func(T) int) (int, bool) {
	for i := 1; i < len(sorted); i++ {
		if num(sorted[i]) == num(sorted[i-1]) {
			return num(sorted[i]), true
		}
	}
	return 0, false
}

// checkUIDs fails if a UIDL listing has a message number twice, or gives
// two messages one unique id: an id names one message (RFC 1939 section
// 7), and a client that keeps ids to know which messages it has stored
// would take the one for the other, and delete it unread.
func checkUIDs(us []MsgUID, quote func(string) string) error {
	byNum := slices.Clone(us)
	slices.SortFunc(byNum, func(a, b MsgUID) int { return cmp.Compare(a.Num, b.Num) })
	if n, dup := repeatedNum(byNum, func(u MsgUID) int { return u.Num }); dup {
		return protocolErrorf("the server lists message %d twice", n)
	}
	slices.SortFunc(byNum, func(a, b MsgUID) int { return strings.Compare(a.UID, b.UID) })
	for i := 1; i < len(byNum); i++ {
		if byNum[i].UID == byNum[i-1].UID {
			return protocolErrorf("the server gives messages %d and %d the unique id %q", min(byNum[i-1].Num, byNum[i].Num), max(byNum[i-1].Num, byNum[i].Num), quote(byNum[i].UID))
		}
	}
	return nil
}

// setListed remembers the sizes of a whole LIST.
func (c *Client) setListed(ms []MsgInfo) {
	c.hasListed = true
	c.listed = append(c.listed[:0], ms...)
	if !slices.IsSortedFunc(c.listed, cmpNum) {
		slices.SortStableFunc(c.listed, cmpNum)
	}
	c.listedOne = nil
}

func cmpNum(a, b MsgInfo) int { return cmp.Compare(a.Num, b.Num) }

// setListedOne remembers the size of one message ("LIST n").
func (c *Client) setListedOne(m MsgInfo) {
	if c.listedOne == nil {
		c.listedOne = make(map[int]int64)
	}
	c.listedOne[m.Num] = m.Size
}

// ListedSize returns the size of message n as the server last listed it
// in this session (LIST, "LIST n"), and whether it did.
func (c *Client) ListedSize(n int) (int64, bool) {
	if size, ok := c.listedOne[n]; ok {
		return size, true
	}
	if i, ok := slices.BinarySearchFunc(c.listed, n, func(m MsgInfo, n int) int { return cmp.Compare(m.Num, n) }); ok {
		return c.listed[i].Size, true
	}
	return 0, false
}

// bodyLimit is the most octets (byte-stuffing and line ends as on the
// wire) a RETR or TOP body of message n may have, or 0 for no limit: twice
// its listed size (a server that counts its lines with LF where the wire
// has CR LF lists at least half of them) and 64 KiB more (headers that
// some servers add as they send). A longer body is a protocol violation:
// without the limit a server could send a message that never ends, into
// memory or onto the disk.
func (c *Client) bodyLimit(n int) int64 {
	size, ok := c.ListedSize(n)
	if !ok {
		return 0
	}
	const slack = 64 << 10
	if size > (math.MaxInt64-slack)/2 {
		return 0
	}
	return 2*size + slack
}

// quote is how a line appears in an error (Client.quote).
func parseListLine(s string, quote func(string) string) (MsgInfo, error) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return MsgInfo{}, protocolErrorf("LIST line %q lacks two numbers", quote(s))
	}
	n, err1 := parseCount(f[0])
	size, err2 := parseSize(f[1])
	if err1 != nil || err2 != nil || n < 1 {
		return MsgInfo{}, protocolErrorf("malformed LIST line %q", quote(s))
	}
	return MsgInfo{Num: n, Size: size}, nil
}

// maxUIDLength is the longest unique id taken: RFC 1939 allows 70
// characters, and some servers use longer ones (a Maildir file name); 255
// is the longest file name on most file systems.
const maxUIDLength = 255

func parseUIDLine(s string, quote func(string) string) (MsgUID, error) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return MsgUID{}, protocolErrorf("UIDL line %q lacks a number and an id", quote(s))
	}
	n, err := parseCount(f[0])
	if err != nil || n < 1 || !isPrintable(f[1]) {
		return MsgUID{}, protocolErrorf("malformed UIDL line %q", quote(s))
	}
	if len(f[1]) > maxUIDLength {
		// RFC 1939 allows 70 characters; a server that sends much longer
		// ids, a million of them, would fill the memory.
		return MsgUID{}, protocolErrorf("UIDL line %q: a unique id of %d bytes, more than %d (RFC 1939 allows 70)", quote(s), len(f[1]), maxUIDLength)
	}
	if len(f) > 2 {
		// A unique id has no blank in it (RFC 1939 section 7). Taking
		// the first word would give two messages "a b" and "a c" one
		// id, and one of them would be taken for the other.
		return MsgUID{}, protocolErrorf("UIDL line %q: a unique id with a blank in it", quote(s))
	}
	return MsgUID{Num: n, UID: f[1]}, nil
}

// ListOne sends "LIST n" and returns the size of message n.
func (c *Client) ListOne(ctx context.Context, n int) (MsgInfo, error) {
	const op = "LIST"
	if err := checkMsg(op, n); err != nil {
		return MsgInfo{}, err
	}
	line := c.cmdN(op, n)
	r, err := c.simple(ctx, line, line, StateTransaction)
	if err != nil {
		return MsgInfo{}, err
	}
	m, err := parseListLine(r.Text, c.quote)
	if err == nil && m.Num != n {
		err = protocolErrorf("LIST %d answered for message %d", n, m.Num)
	}
	if err != nil {
		return MsgInfo{}, c.fatal(fmt.Errorf("pop3: %s: %w", line, err))
	}
	c.setListedOne(m)
	return m, nil
}

// UIDL sends UIDL and returns the unique id of every message not marked as
// deleted. A listing with a message twice, or one id for two messages, is
// a protocol error.
func (c *Client) UIDL(ctx context.Context) ([]MsgUID, error) {
	const op = "UIDL"
	defer c.endOp()
	if _, err := c.command(ctx, op, op, StateTransaction); err != nil {
		return nil, err
	}
	var out []MsgUID
	err := c.readList(op, func(l []byte) error {
		m, err := parseUIDLine(string(l), c.quote)
		if err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	if err == nil {
		if err := checkUIDs(out, c.quote); err != nil {
			return nil, c.fatal(fmt.Errorf("pop3: %s: %w", op, err))
		}
	}
	return out, err
}

// UIDLOne sends "UIDL n" and returns the unique id of message n.
func (c *Client) UIDLOne(ctx context.Context, n int) (MsgUID, error) {
	const op = "UIDL"
	if err := checkMsg(op, n); err != nil {
		return MsgUID{}, err
	}
	line := c.cmdN(op, n)
	r, err := c.simple(ctx, line, line, StateTransaction)
	if err != nil {
		return MsgUID{}, err
	}
	m, err := parseUIDLine(r.Text, c.quote)
	if err == nil && m.Num != n {
		err = protocolErrorf("UIDL %d answered for message %d", n, m.Num)
	}
	if err != nil {
		return MsgUID{}, c.fatal(fmt.Errorf("pop3: %s: %w", line, err))
	}
	return m, nil
}

// Retr sends "RETR n" and returns the status and the message as a stream.
// The body is valid until the next call on c; reading it to io.EOF
// completes the command (the next command otherwise drains it first). A
// body cut short ends in an error matching [ErrTruncated] and
// [io.ErrUnexpectedEOF], never in io.EOF. When LIST gave the message's
// size, a body more than twice as long (64 KiB allowed) or less than half
// as long (the same slack) ends in an error matching [ErrProtocol]: the
// server sent another message, or part of one. Reads from the body run
// under ctx and Options.CommandTimeout.
func (c *Client) Retr(ctx context.Context, n int) (status string, body io.Reader, err error) {
	const op = "RETR"
	if err := checkMsg(op, n); err != nil {
		return "", nil, err
	}
	return c.multi(ctx, op, n, c.cmdN(op, n))
}

// Top sends "TOP n lines" and returns the status and a stream of the
// message's header, the blank line and the first lines lines of its body,
// with the same rules as [Client.Retr]. More than that (a server that
// sends the whole message whatever the count) is read and discarded, not
// passed on.
func (c *Client) Top(ctx context.Context, n, lines int) (status string, body io.Reader, err error) {
	const op = "TOP"
	if err := checkMsg(op, n); err != nil {
		return "", nil, err
	}
	if lines < 0 {
		return "", nil, fmt.Errorf("pop3: %s: %w: negative line count %d; nothing sent", op, ErrBadArgument, lines)
	}
	status, body, err = c.multi(ctx, op, n, c.cmdN(op, n)+" "+strconv.Itoa(lines))
	if err != nil {
		return "", nil, err
	}
	return status, newTopCut(body, lines), nil
}

// multi sends a command whose +OK is followed by a body, and returns the
// body as a stream; the operation stays open until the body ends.
func (c *Client) multi(ctx context.Context, verb string, n int, line string) (string, io.Reader, error) {
	r, err := c.command(ctx, line, line, StateTransaction)
	if err != nil {
		c.endOp()
		return "", nil, err
	}
	return c.shown(r.Raw), c.newBody(verb, n), nil
}

// newBody sets up the reader for the body of "verb n" that follows a +OK.
func (c *Client) newBody(verb string, n int) *dotReader {
	d := newDotReader(c.br, c.le == LF, c.opts.MaxLineLength, c.bodyDoneFn)
	d.verb, d.n = verb, n
	if d.limit = c.bodyLimit(n); d.limit > 0 {
		d.listed, _ = c.ListedSize(n)
	}
	c.body = d
	return d
}

// bodyDone is called when body d ends, with io.EOF or the error.
func (c *Client) bodyDone(d *dotReader, err error) error {
	mine := c.body == d // not being drained by a later command
	if mine {
		c.body = nil
	}
	if err != io.EOF {
		err = c.ioError(d.verb+" "+strconv.Itoa(d.n), err)
	} else if mine && !c.batch {
		if qerr := c.checkQuiet(d.verb + " " + strconv.Itoa(d.n)); qerr != nil {
			err = qerr
		}
	} else if mine {
		if ferr := c.checkFollows(d.verb + " " + strconv.Itoa(d.n)); ferr != nil {
			err = ferr
		}
	}
	if mine && !c.batch {
		c.endOp()
	}
	return err
}

// checkFollows checks, as a body of a batch ends, that what comes next is
// what was asked for: the start of the next reply ("+" or "-") when more
// replies are awaited, else nothing. A body ended early by a line "."
// that the server did not byte-stuff is followed by the rest of the
// message; without the check its handler would have had the message cut
// short as whole (and stored it) before the next reply's status showed
// the violation. The next reply is waited for when none of it has come
// (it was asked for); a failure to read it is left to that reply's read.
func (c *Client) checkFollows(op string) error {
	var next byte
	switch {
	case c.after > 0:
		b, err := c.br.Peek(1)
		if err != nil {
			return nil
		}
		next = b[0]
		if next == '+' || next == '-' {
			return nil
		}
	case c.br.Buffered() > 0:
		next = c.buffered()[0]
	case c.pending != nil && !c.isTLS && c.pending():
		return c.fatal(strayData{fmt.Errorf("pop3: %s: %w: bytes after the end of the message, where no reply was asked for (a line \".\" in it that the server did not byte-stuff?)", op, ErrProtocol)})
	default:
		return nil
	}
	return c.fatal(strayData{fmt.Errorf("pop3: %s: %w: what follows the end of the message is not a reply (it starts %q): a line \".\" in it that the server did not byte-stuff?", op, ErrProtocol, next)})
}

// buffered returns the bytes read and not yet consumed, without reading.
func (c *Client) buffered() []byte {
	b, _ := c.br.Peek(c.br.Buffered())
	return b
}

// RetrTo retrieves message n like [Client.Retr] and copies it to w. It
// returns the status and the number of bytes written. If w fails, the rest
// of the message is still read, so the connection stays usable.
func (c *Client) RetrTo(ctx context.Context, n int, w io.Writer) (status string, written int64, err error) {
	status, body, err := c.Retr(ctx, n)
	if err != nil {
		return "", 0, err
	}
	written, err = io.Copy(w, body)
	if err != nil {
		if c.body == nil {
			return status, written, err // the body failed; err says so
		}
		// w failed: finish reading the body
		if derr := c.drainBody("RETR"); derr != nil {
			return status, written, derr
		}
		return status, written, fmt.Errorf("pop3: RETR %d: writing the message: %w", n, err)
	}
	return status, written, nil
}

// Dele sends "DELE n": the server marks message n as deleted and deletes
// it at QUIT.
func (c *Client) Dele(ctx context.Context, n int) error {
	if err := checkMsg("DELE", n); err != nil {
		return err
	}
	line := c.cmdN("DELE", n)
	_, err := c.simple(ctx, line, line, StateTransaction)
	if err == nil {
		c.mark(n)
	}
	return err
}

// mark records that the server marked message n as deleted.
func (c *Client) mark(n int) {
	if c.marked == nil {
		c.marked = make(map[int]bool)
	}
	c.marked[n] = true
}

// Marked reports whether message n was marked as deleted in this session:
// DELE n was answered +OK, and no RSET came after. Once
// [Client.QuitConfirmed], the server has removed it.
func (c *Client) Marked(n int) bool { return c.marked[n] }

// QuitConfirmed reports whether QUIT was answered +OK: the server left
// the UPDATE state having removed the messages marked as deleted (RFC
// 1939 section 6). After a QUIT that failed (the connection lost before
// its reply, or -ERR) whether it did is unknown.
func (c *Client) QuitConfirmed() bool { return c.quitOK }

// HasListed reports whether this session has sent a whole LIST.
func (c *Client) HasListed() bool { return c.hasListed }

// Listed returns the message numbers and sizes of the last whole LIST of
// this session, sorted by number, and false if there was none.
func (c *Client) Listed() ([]MsgInfo, bool) {
	return slices.Clone(c.listed), c.hasListed
}

// Rset sends RSET: messages marked as deleted are unmarked.
func (c *Client) Rset(ctx context.Context) error {
	_, err := c.simple(ctx, "RSET", "RSET", StateTransaction)
	if err == nil {
		c.marked = nil
	}
	return err
}

// Noop sends NOOP.
func (c *Client) Noop(ctx context.Context) error {
	_, err := c.simple(ctx, "NOOP", "NOOP", StateTransaction)
	return err
}

// Last sends LAST (RFC 1460, removed from later RFCs but kept by some
// servers and by scsh's pop3.scm) and returns the highest message number
// accessed in this session.
func (c *Client) Last(ctx context.Context) (int, error) {
	r, err := c.simple(ctx, "LAST", "LAST", StateTransaction)
	if err != nil {
		return 0, err
	}
	f := strings.Fields(r.Text)
	if len(f) < 1 {
		return 0, c.fatal(fmt.Errorf("pop3: LAST: %w: reply %q lacks a number", ErrProtocol, c.quote(r.Raw)))
	}
	n, err := parseCount(f[0])
	if err != nil {
		return 0, c.fatal(fmt.Errorf("pop3: LAST: %w: malformed number in %q", ErrProtocol, c.quote(r.Raw)))
	}
	return n, nil
}

// UTF8 sends UTF8 (RFC 6856), allowed before login: the server then takes
// UTF-8 user names and passwords and may send UTF-8 messages.
func (c *Client) UTF8(ctx context.Context) error {
	_, err := c.simple(ctx, "UTF8", "UTF8", StateAuthorization)
	if err == nil {
		c.utf8 = true
	}
	return err
}

// Quit sends QUIT and closes the connection. In the TRANSACTION state the
// server then deletes the messages marked as deleted; a "-ERR" reply (the
// deletions failed) is returned as a [*Error]. The connection is closed
// whatever happens.
func (c *Client) Quit(ctx context.Context) error {
	r, err := c.simple(ctx, "QUIT", "QUIT", StateAuthorization, StateTransaction)
	c.quitOK = err == nil && r.OK
	if cerr := c.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return err
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
