// Package pop3 is a POP3 client: RFC 1939 complete (USER/PASS, APOP, STAT,
// LIST, RETR, DELE, NOOP, RSET, QUIT, TOP, UIDL) plus LAST (RFC 1460),
// CAPA, response codes and PIPELINING (RFC 2449, RFC 3206), STLS
// (RFC 2595), implicit TLS (RFC 8314), SASL AUTH (RFC 5034: PLAIN, LOGIN,
// CRAM-MD5, XOAUTH2, OAUTHBEARER) and UTF8 (RFC 6856). It has no
// dependency outside the standard library.
//
// # Connecting and logging in
//
// [Dial] connects, sets up TLS as [Options] ask, and reads the greeting;
// [NewClient] does the same on a connection the caller opened. Dial takes
// the addresses [ParseAddr] reads: "host", "host:port", "[v6addr]:port",
// "pop3://host" and "pop3s://host". The zero [Options] are secure: port
// 995 or pop3s:// means implicit TLS; on any other port every login method
// first upgrades with STLS when the server offers it, and a refused STLS,
// a failed handshake or an untrusted certificate is an error, never a
// fallback to plain text; certificates are verified (or
// pinned with [Options.TLSFingerprint]; a failure is a [*CertificateError]
// carrying the server's fingerprint); a password crosses an unencrypted
// connection only to a server on this machine ([Options.LocalPeer]) unless
// [Options.AllowCleartext] says otherwise; and [Client.Login] picks the
// strongest method the server offers. [Options.RequireTLS] goes further:
// no credential ever leaves an unencrypted connection.
//
// Replies are checked against injection: bytes that arrive after the
// +OK to STLS and before the handshake, or that answer no command while
// commands go one at a time, are a protocol error and close the
// connection.
//
//	c, err := pop3.Dial(ctx, "mail.example.org", nil)
//	if err != nil { ... }
//	defer c.Close()
//	if _, err := c.Login(ctx, "alice", "secret"); err != nil { ... }
//	n, size, err := c.Stat(ctx)
//	_, body, err := c.Retr(ctx, 1)
//	io.Copy(os.Stdout, body)
//	err = c.Quit(ctx) // deletions happen here
//
// # Commands
//
// Each command is a method of [Client] named for it in Go's casing:
// [Client.Stat], [Client.List] and [Client.ListOne], [Client.UIDL] and
// [Client.UIDLOne], [Client.Retr] (and [Client.RetrTo]), [Client.Top],
// [Client.Dele], [Client.Rset], [Client.Noop], [Client.Last] and
// [Client.Quit]; [Client.Capabilities] (CAPA), [Client.StartTLS] (STLS)
// and [Client.UTF8]. The logins are [Client.Login] (the strongest method
// offered), [Client.UserPass], [Client.APOP] and [Client.Auth] (SASL, with
// [PlainAuth], [LoginAuth], [CRAMMD5Auth], [XOAUTH2Auth] or
// [OAuthBearerAuth]). [Client.State] says where the session stands
// (RFC 1939's AUTHORIZATION and TRANSACTION, or closed after QUIT,
// [Client.Close] or a failure); a command called in the wrong state fails
// with [ErrState] and sends nothing. [Client.Close] ends the session
// without QUIT: the server deletes nothing.
//
// # Bodies
//
// [Client.Retr] and [Client.Top] return the message as an [io.Reader]
// that streams from the connection in constant memory, with byte-stuffing
// undone. The body is valid until the next call on the Client; the next
// call first reads what is left of it. By default bodies keep the wire's
// CR LF line endings, byte for byte (their size matches LIST);
// [Options.LineEnding] = [LF] turns CR LF into LF. A body cut short by the
// server ends with an error matching [ErrTruncated] and
// [io.ErrUnexpectedEOF], never with a clean io.EOF.
//
// The body reader is the package's own rather than net/textproto's
// DotReader, which always turns CR LF into LF and bounds nothing: it works
// on the 64 KiB read buffer in place, passing everything up to the next
// line that starts with a dot in one piece, so a large message costs
// little more than copying its bytes. Body lines have no length limit by
// default (a line of any length streams through in pieces); status and
// listing lines are bounded by [Options.MaxStatusLength].
//
// # Pipelining
//
// [Client.RetrMany], [Client.TopMany], [Client.DeleMany], [Client.ListMany]
// and [Client.UIDLMany] work over many messages. When CAPA lists PIPELINING
// they send commands ahead in windows of [Options.PipelineWindow] and read
// the replies in order; otherwise they run in lockstep, with the same
// results. Logins are never pipelined: USER and PASS in one write make
// Dovecot stall about 40 ms. On Linux the client asks for immediate ACKs
// (TCP_QUICKACK) so that a server using Nagle's algorithm does not wait
// for a delayed ACK while replies stream in.
//
// # Statuses and errors
//
// The logins, [Client.Retr] and [Client.Top] return their status, the
// text after "+OK" unchanged, usually with a leading space (what scsh's
// pop3.scm returned). Commands that answer with a status only ([Client.Dele],
// [Client.Rset], [Client.Noop], [Client.Quit], [Client.UTF8]) return an
// error only; [Client.LastStatus] gives the text of their "+OK". A server
// "-ERR" is a [*Error] with the command (secrets masked), the RFC 2449
// response code ("IN-USE", "SYS/TEMP", "AUTH", ...) and the text; it
// leaves the session usable. Other failures wrap sentinel errors usable
// with [errors.Is]: [ErrProtocol] (a reply that breaks the protocol),
// [ErrLineTooLong], [ErrTruncated], [ErrTimeout] (also a net.Error with
// Timeout() true, or the context's error), [ErrState] and [ErrBadArgument]
// (refused before anything was sent), [ErrTLSRequired], [ErrCleartext],
// [ErrUnsupported], [ErrClosed], [ErrNetwork] (the connection failed).
// [Blame] names the side at fault ("server", "protocol", "network",
// "client", or "" for an error that is not the engine's, such as a failed
// destination). After an I/O or protocol error the connection is closed
// and every later call fails with [ErrClosed].
//
// # Deadlines
//
// Every read and write runs under a deadline: the earlier of the call's
// context deadline and now + [Options.CommandTimeout] (an idle limit:
// a large message may take longer as long as bytes keep coming). A status
// or listing line must also come whole within CommandTimeout of its
// first read from the network, and a whole reply (a message, a listing)
// must come at [Options.MinRate] bytes per second on average once
// CommandTimeout has been spent waiting for it (default 512), so that a
// server sending a byte now and then cannot hold the client for hours.
// Only time spent waiting on the network counts, not the caller's.
// Cancelling the context aborts a blocked call at once.
//
// # Hostile servers
//
// The server's words are reported shown: in errors, statuses, the
// greeting and the log, every credential sent in the session is "****"
// and control characters are escaped ([EscapeControls]). Once LIST has
// given a message's size ([Client.ListedSize]), a RETR or TOP body
// longer than twice that plus 64 KiB is a protocol violation, so that a
// message that never ends is stopped. A unique id with a blank in it, or
// longer than 255 bytes, is refused, and so is a listing with a message
// twice or a UIDL giving two messages one id. A listing ends after a
// million lines, a status or listing line after MaxStatusLength bytes.
//
// # Log
//
// [Options.Log] receives the conversation in the format of scsh's
// pop3.scm: a line "-- DATE: opened POP3 connection to HOST", then
// "<- COMMAND" for each command and "-> REPLY" for each status line. The
// PASS argument, the APOP digest and every SASL payload are written as
// "****", and so is a credential a reply repeats. Message bodies are not
// logged.
package pop3
