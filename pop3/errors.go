package pop3

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for use with [errors.Is]. Every error returned by this
// package names the operation that failed and wraps one of these (or a
// [*Error], or an I/O error from the connection).
var (
	// ErrServer matches every [*Error] (a server "-ERR" reply).
	ErrServer = errors.New("server replied -ERR")
	// ErrProtocol reports a server reply that breaks the protocol: a status
	// line that is neither +OK nor -ERR, malformed numbers in STAT, LIST or
	// UIDL, a listing line for the wrong message, data sent before a TLS
	// handshake. The connection is unusable afterwards.
	ErrProtocol = errors.New("protocol violation")
	// ErrStrayData reports bytes where no reply may start, or where one
	// should and does not: a status line that is neither +OK nor -ERR,
	// bytes after a reply that nothing asked for, or after a body where
	// the next reply should begin. It also matches [ErrProtocol]. The
	// body read just before such bytes may have been cut short: a server
	// that does not byte-stuff a line "." ends the message there, and the
	// rest of it follows as stray data; a caller that stores messages
	// should not keep that one.
	ErrStrayData = errors.New("stray data where a reply should start")
	// ErrLineTooLong reports a status or body line longer than the limit set
	// in [Options]. It also matches [ErrProtocol].
	ErrLineTooLong = errors.New("line too long")
	// ErrTruncated reports a multi-line response (a message body, a listing)
	// cut short before its terminating "." line. It also matches
	// [io.ErrUnexpectedEOF].
	ErrTruncated = errors.New("response cut short")
	// ErrTimeout reports that a network wait went past its deadline (from
	// [Options.CommandTimeout], [Options.DialTimeout] or the context). Such
	// errors also wrap the connection's own error, which satisfies
	// net.Error's Timeout and matches [os.ErrDeadlineExceeded]
	// or the context's error.
	ErrTimeout = errors.New("timeout")
	// ErrState reports a command issued in a state where it is not allowed
	// (for example RETR before login). Nothing was sent.
	ErrState = errors.New("wrong state for command")
	// ErrBadArgument reports an argument refused before it reached the
	// wire: CR, LF or NUL in a string, an empty user name, a message number
	// that is not a positive integer. Nothing was sent.
	ErrBadArgument = errors.New("bad argument")
	// ErrTLSRequired reports that TLS is required (by [Options.RequireTLS]
	// or [StartTLS] mode) but the connection is not encrypted and cannot be.
	// No credential was sent.
	ErrTLSRequired = errors.New("TLS required")
	// ErrCleartext reports that a password (or token) would have been sent
	// unencrypted to a server that is not on this machine; use TLS, or set
	// [Options.AllowCleartext] to allow it. No credential was sent.
	ErrCleartext = errors.New("refusing to send a cleartext password")
	// ErrNetwork matches failures of the connection itself: a read or
	// write that failed, the server closing the connection, a timeout. It
	// tells a network failure from a protocol violation ([ErrProtocol]) or
	// a refusal ([ErrServer]); see [Blame].
	ErrNetwork = errors.New("network failure")
	// ErrUnsupported reports that the server does not offer what was asked
	// (an authentication method, pipelining, UTF8, STLS).
	ErrUnsupported = errors.New("not supported by the server")
	// ErrClosed reports a call on a client whose connection was closed, by
	// Quit, Close, or an earlier I/O or protocol error.
	ErrClosed = errors.New("connection closed")
)

// strayData marks a protocol error as [ErrStrayData] without changing its
// text.
type strayData struct{ err error }

func (e strayData) Error() string   { return e.err.Error() }
func (e strayData) Unwrap() []error { return []error{ErrStrayData, e.err} }

// Response codes defined by RFC 2449, RFC 3206 and RFC 6856, as they appear
// in [Error.Code]. Servers may send others; codes are hierarchical
// ("SYS/TEMP"), see [Error.HasCode].
const (
	CodeInUse      = "IN-USE"      // the maildrop is locked by another session
	CodeLoginDelay = "LOGIN-DELAY" // logged in too recently; try later
	CodeSys        = "SYS"         // a system problem (parent of SYS/TEMP and SYS/PERM)
	CodeSysTemp    = "SYS/TEMP"    // temporary system problem; retry later
	CodeSysPerm    = "SYS/PERM"    // permanent system problem; retrying will not help
	CodeAuth       = "AUTH"        // the credentials were refused
	CodeUTF8       = "UTF8"        // the message or name needs UTF8 mode
)

// Error is a server's "-ERR" reply. It matches [ErrServer] with [errors.Is].
type Error struct {
	// Command is the command that was refused, with every secret replaced
	// by "****" (the PASS argument, the APOP digest, AUTH payloads).
	Command string
	// Code is the RFC 2449 response code inside "[...]" at the start of the
	// text, such as "IN-USE" or "SYS/TEMP"; empty if there is none.
	Code string
	// Text is the human-readable text after "-ERR" and the code, trimmed.
	Text string
	// Raw is everything after "-ERR" (usually with a leading space): what
	// scsh's pop3.scm passed to its -ERR condition.
	//
	// Text and Raw are the server's words as the client reports them
	// (also in LastStatus, the statuses the methods return, the greeting
	// and the log): every credential sent in the session (the password,
	// a token, a SASL response; also in base64) is replaced by "****", and control
	// characters are escaped ([EscapeControls]), so that a hostile server
	// can neither make a message show the password nor send escape
	// sequences to the terminal it is printed on.
	Raw string
}

// Error formats the reply as `pop3: COMMAND: -ERR [CODE] text`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pop3: ")
	if e.Command != "" {
		b.WriteString(e.Command)
		b.WriteString(": ")
	}
	b.WriteString("-ERR")
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteString("]")
	}
	if e.Text != "" {
		b.WriteString(" ")
		b.WriteString(e.Text)
	}
	return b.String()
}

// Is reports whether target is [ErrServer].
func (e *Error) Is(target error) bool { return target == ErrServer }

// HasCode reports whether the reply carries code or a code below it in the
// hierarchy: a reply with code "SYS/TEMP" has "SYS/TEMP" and "SYS". The
// comparison ignores case.
func (e *Error) HasCode(code string) bool {
	if e.Code == "" || code == "" {
		return false
	}
	if strings.EqualFold(e.Code, code) {
		return true
	}
	return len(e.Code) > len(code) && e.Code[len(code)] == '/' && strings.EqualFold(e.Code[:len(code)], code)
}

// Temporary reports whether retrying later may succeed: the code is IN-USE,
// LOGIN-DELAY or SYS/TEMP.
func (e *Error) Temporary() bool {
	return e.HasCode(CodeInUse) || e.HasCode(CodeLoginDelay) || e.HasCode(CodeSysTemp)
}

// ErrorCode returns the response code of the server error in err's chain,
// or "" if there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Blame names the side at fault for err, for messages that must say where
// a failure came from:
//
//   - "server": the server refused a command ([ErrServer], a [*Error]);
//   - "protocol": the server broke the protocol ([ErrProtocol],
//     [ErrTruncated]), or its certificate was not trusted
//     ([*CertificateError]);
//   - "network": the connection failed or timed out ([ErrNetwork],
//     [ErrTimeout]);
//   - "client": the call was refused before anything was sent
//     ([ErrBadArgument], [ErrState], [ErrTLSRequired], [ErrCleartext],
//     [ErrUnsupported], [ErrClosed]);
//   - "": err does not come from this package. An error returned by a
//     body reader wraps one of the above, so an error from copying a body
//     into a file that is not the engine's comes from the destination.
func Blame(err error) string {
	var ce *CertificateError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrServer):
		return "server"
	case errors.Is(err, ErrProtocol), errors.Is(err, ErrTruncated), errors.As(err, &ce):
		return "protocol"
	case errors.Is(err, ErrNetwork), errors.Is(err, ErrTimeout):
		return "network"
	case errors.Is(err, ErrBadArgument), errors.Is(err, ErrState), errors.Is(err, ErrTLSRequired),
		errors.Is(err, ErrCleartext), errors.Is(err, ErrUnsupported), errors.Is(err, ErrClosed):
		return "client"
	}
	return ""
}

// CertificateError reports that the server's TLS certificate was not
// trusted: it failed verification against the roots, or it did not match
// [Options.TLSFingerprint]. Fingerprint lets a user check the certificate
// by other means and then pin it.
type CertificateError struct {
	// Host is the server's name, as dialled.
	Host string
	// Fingerprint is the SHA-256 digest of the server's certificate (DER);
	// nil if the server sent none.
	Fingerprint []byte
	// Err is the verification error.
	Err error
}

// Error formats the failure with the server's fingerprint.
func (e *CertificateError) Error() string {
	fp := "none sent"
	if e.Fingerprint != nil {
		fp = FormatFingerprint(e.Fingerprint)
	}
	// The verification error may quote the certificate's names, which
	// the server chose.
	return fmt.Sprintf("certificate of %s not trusted: %s (its SHA-256 fingerprint: %s)", e.Host, EscapeControls(fmt.Sprint(e.Err)), fp)
}

// Unwrap returns the verification error.
func (e *CertificateError) Unwrap() error { return e.Err }

// ErrFingerprintMismatch is the verification error of a server whose
// certificate does not match [Options.TLSFingerprint].
var ErrFingerprintMismatch = errors.New("certificate does not match the pinned fingerprint")

// Fingerprint returns the SHA-256 digest of a DER-encoded certificate, the
// value [Options.TLSFingerprint] pins.
func Fingerprint(der []byte) []byte {
	sum := sha256.Sum256(der)
	return sum[:]
}

// FormatFingerprint writes a SHA-256 fingerprint as upper-case hex pairs
// separated by colons, as openssl x509 -fingerprint -sha256 prints it.
func FormatFingerprint(fp []byte) string {
	h := strings.ToUpper(hex.EncodeToString(fp))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// ParseFingerprint parses a SHA-256 fingerprint written in hex, with or
// without colons between the pairs, in either case.
func ParseFingerprint(s string) ([]byte, error) {
	h := strings.ReplaceAll(strings.TrimSpace(s), ":", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("%w: a SHA-256 fingerprint is 64 hex digits (colons optional)", ErrBadArgument)
	}
	return b, nil
}

// certificateError builds the *CertificateError for a failed handshake, or
// returns nil if err is not about the certificate.
func certificateError(host string, err error) *CertificateError {
	var ce *CertificateError
	if errors.As(err, &ce) {
		return ce
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		e := &CertificateError{Host: host, Err: ve.Err}
		if len(ve.UnverifiedCertificates) > 0 {
			e.Fingerprint = Fingerprint(ve.UnverifiedCertificates[0].Raw)
		}
		return e
	}
	return nil
}
