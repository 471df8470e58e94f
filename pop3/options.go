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
	// TLSAuto, the zero value, uses implicit TLS when the port is 995 or
	// the address is pop3s:// and otherwise starts in plain text; every login method ([Client.Login],
	// [Client.UserPass], [Client.APOP], [Client.Auth]) then upgrades with
	// STLS before any credential is sent if the server offers STLS. A
	// refused STLS, a failed handshake or a failed certificate check is an
	// error, never a fallback to plain text.
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
	DefaultMaxStatusLength = 8 << 10          // status and listing lines
	DefaultPipelineWindow  = 1024             // commands sent ahead
	DefaultMinRate         = 512              // bytes per second, see Options.MinRate
)

// Options configure a [Client]. The zero value (or a nil *Options) gives
// sane, secure defaults.
type Options struct {
	// TLS chooses plain text, implicit TLS or STLS; see [TLSMode].
	TLS TLSMode
	// TLSConfig is used for implicit TLS and STLS. Nil means the system
	// roots with ServerName taken from the host; a config without
	// ServerName gets the host. Certificates are always verified unless
	// the caller sets InsecureSkipVerify. A certificate that fails
	// verification is reported as a [*CertificateError] carrying the
	// server's fingerprint.
	TLSConfig *tls.Config
	// TLSFingerprint, if set, pins the server's certificate: the SHA-256
	// digest of its DER encoding (see [ParseFingerprint]). The server is
	// then trusted if and only if it presents exactly that certificate,
	// whatever its issuer, names or dates say (as mpop's tls_fingerprint
	// and fetchmail's sslfingerprint); roots are not consulted.
	TLSFingerprint []byte
	// RequireTLS forbids sending any credential over an unencrypted
	// connection: login fails with [ErrTLSRequired] before anything secret
	// is sent if the connection is not (and cannot be made) encrypted.
	RequireTLS bool
	// AllowCleartext permits a cleartext credential (USER/PASS, SASL
	// PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) on an unencrypted connection to
	// any server. Without it such a credential is sent unencrypted only to
	// a peer on this machine (see LocalPeer); to any other peer the login
	// fails with [ErrCleartext] before anything secret is sent. APOP and
	// SASL CRAM-MD5, which never reveal the password, are not affected.
	AllowCleartext bool
	// LocalPeer reports whether the connection's remote address is on this
	// machine, where nobody can read the traffic on the way. Nil means:
	// a loopback IP address (127.0.0.0/8 or ::1).
	LocalPeer func(remote net.Addr) bool
	// DialTimeout bounds connecting and the TLS handshake (default 30s).
	DialTimeout time.Duration
	// CommandTimeout bounds every single network wait: a read or write
	// that makes no progress for this long fails with [ErrTimeout]
	// (default 60s). A status or listing line must also come whole within
	// it. The context's deadline, if earlier, wins.
	CommandTimeout time.Duration
	// MinRate bounds a whole reply, in bytes per second: after a grace of
	// CommandTimeout spent waiting for it, a reply (its status line and
	// the listing or message that follows) must have come at this average
	// rate at least, or the wait fails with [ErrTimeout]. That is, the
	// time spent waiting for one reply may not pass CommandTimeout plus
	// one second per MinRate bytes received. Without it a server that
	// sends a byte now and then, never stalling for CommandTimeout, could
	// hold the client for as long as a message may be long. Only the time
	// the client waits on the network counts, not the time the caller
	// takes to consume a body. Zero means the default, 512 bytes per
	// second (slower than any link mail is read over: a 9600 bit/s modem
	// gives twice that); a negative value puts no bound on a reply.
	MinRate int
	// MaxLineLength, if positive, bounds one line of a message body, in
	// bytes, line end included; longer lines fail with [ErrLineTooLong].
	// The default, zero, puts no bound on body lines: bodies stream in
	// constant memory whatever their line lengths, and a message with a
	// very long line can still be fetched.
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
	if r.MinRate == 0 {
		r.MinRate = DefaultMinRate
	}
	if r.MaxStatusLength <= 0 {
		r.MaxStatusLength = DefaultMaxStatusLength
	}
	if r.PipelineWindow <= 0 {
		r.PipelineWindow = DefaultPipelineWindow
	}
	if r.LocalPeer == nil {
		r.LocalPeer = IsLoopback
	}
	return r
}

// IsLoopback reports whether addr is a loopback IP address (127.0.0.0/8,
// ::1): the default [Options.LocalPeer].
func IsLoopback(addr net.Addr) bool {
	var ip net.IP
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip = a.IP
	case *net.UDPAddr:
		ip = a.IP
	case *net.IPAddr:
		ip = a.IP
	default:
		if addr == nil {
			return false
		}
		host, _, err := net.SplitHostPort(addr.String())
		if err != nil {
			return false
		}
		ip = net.ParseIP(host)
	}
	return ip != nil && ip.IsLoopback()
}
