package pop3

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"time"
)

// TLSMode chooses how a connection is encrypted.
type TLSMode int

const (
	// TLSAuto, the zero value, uses implicit TLS when the port is 995 and
	// otherwise starts in plain text and upgrades with STLS before any
	// credential is sent if the server offers STLS (a failed certificate
	// check is an error, never a silent fallback).
	TLSAuto TLSMode = iota
	// PlainText never encrypts (unless [Client.StartTLS] is called).
	PlainText
	// ImplicitTLS starts TLS as soon as the connection is open (POP3S,
	// RFC 8314, port 995).
	ImplicitTLS
	// StartTLS upgrades with STLS (RFC 2595) right after the greeting; a
	// server that does not offer STLS is an error ([ErrTLSRequired]).
	StartTLS
)

// String returns the mode's name.
func (m TLSMode) String() string {
	switch m {
	case TLSAuto:
		return "auto"
	case PlainText:
		return "plaintext"
	case ImplicitTLS:
		return "implicit-tls"
	case StartTLS:
		return "starttls"
	}
	return "TLSMode(?)"
}

// LineEnding chooses the line endings of message bodies read with Retr and
// Top.
type LineEnding int

const (
	// CRLF, the zero value, gives bodies as on the wire: lines end in CR LF,
	// byte-stuffing undone, nothing else changed (sizes match LIST).
	CRLF LineEnding = iota
	// LF gives bodies with local line endings: a CR LF pair becomes LF.
	LF
)

// ContextDialer dials network connections; *net.Dialer is one. Set
// [Options.Dialer] to go through a proxy or an in-memory transport.
type ContextDialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Default limits and timeouts, used where [Options] leaves a field zero.
const (
	DefaultDialTimeout     = 30 * time.Second // connecting and the TLS handshake
	DefaultCommandTimeout  = 60 * time.Second // each network wait
	DefaultMaxLineLength   = 1 << 20          // body lines
	DefaultMaxStatusLength = 8 << 10          // status and listing lines
	DefaultPipelineWindow  = 1024             // commands sent ahead
)

// Options configure a [Client]. The zero value (or a nil *Options) gives
// sane, secure defaults.
type Options struct {
	// TLS chooses plain text, implicit TLS or STLS; see [TLSMode].
	TLS TLSMode
	// TLSConfig is used for implicit TLS and STLS. Nil means the system
	// roots with ServerName taken from the host; a config without
	// ServerName gets the host. Certificates are always verified unless
	// the caller sets InsecureSkipVerify.
	TLSConfig *tls.Config
	// RequireTLS forbids sending any credential over an unencrypted
	// connection: login fails with [ErrTLSRequired] before anything secret
	// is sent if the connection is not (and cannot be made) encrypted.
	RequireTLS bool
	// AllowCleartext permits USER/PASS (and other cleartext mechanisms) on
	// an unencrypted connection even when the server offers something
	// better (APOP, CRAM-MD5, STLS). Without it, [Client.UserPass] then
	// fails with [ErrCleartext].
	AllowCleartext bool
	// DialTimeout bounds connecting and the TLS handshake (default 30s).
	DialTimeout time.Duration
	// CommandTimeout bounds every single network wait: a read or write
	// that makes no progress for this long fails with [ErrTimeout]
	// (default 60s). The context's deadline, if earlier, wins.
	CommandTimeout time.Duration
	// MaxLineLength bounds one line of a message body, in bytes, line end
	// included (default 1 MiB). Longer lines fail with [ErrLineTooLong].
	MaxLineLength int
	// MaxStatusLength bounds a status line or a listing line (default
	// 8 KiB).
	MaxStatusLength int
	// Log, if set, receives the conversation in scsh pop3.scm's format:
	// "-- DATE: opened POP3 connection to HOST", then "<- COMMAND" and
	// "-> REPLY" lines, with every secret written as "****". Bodies are
	// not logged.
	Log io.Writer
	// LineEnding chooses CRLF (as on the wire, the default) or LF bodies.
	LineEnding LineEnding
	// Dialer, if set, opens the connection (default: a *net.Dialer).
	Dialer ContextDialer
	// PipelineWindow is how many commands the batch methods send ahead of
	// the replies when the server offers PIPELINING (default 1024; more
	// are sent each time an eighth of them is answered, so that the server
	// never waits for commands, even across a long round trip). Commands
	// are short: 1024 of them (at most 17 KiB) stay below the socket
	// buffers, so the client never blocks writing while the server blocks
	// writing too.
	PipelineWindow int
}

// withDefaults returns a copy of o with zero fields filled in.
func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.DialTimeout <= 0 {
		r.DialTimeout = DefaultDialTimeout
	}
	if r.CommandTimeout <= 0 {
		r.CommandTimeout = DefaultCommandTimeout
	}
	if r.MaxLineLength <= 0 {
		r.MaxLineLength = DefaultMaxLineLength
	}
	if r.MaxStatusLength <= 0 {
		r.MaxStatusLength = DefaultMaxStatusLength
	}
	if r.PipelineWindow <= 0 {
		r.PipelineWindow = DefaultPipelineWindow
	}
	return r
}
