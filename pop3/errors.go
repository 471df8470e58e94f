package pop3

import (
	"errors"
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
	// ErrCleartext reports that a password would have been sent unencrypted
	// although the server offers something better; set
	// [Options.AllowCleartext] to allow it. No credential was sent.
	ErrCleartext = errors.New("refusing to send a cleartext password")
	// ErrUnsupported reports that the server does not offer what was asked
	// (an authentication method, pipelining, UTF8, STLS).
	ErrUnsupported = errors.New("not supported by the server")
	// ErrClosed reports a call on a client whose connection was closed, by
	// Quit, Close, or an earlier I/O or protocol error.
	ErrClosed = errors.New("connection closed")
)

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
	// Raw is everything after "-ERR", unchanged (usually with a leading
	// space): what scsh's pop3.scm passed to its -ERR condition.
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
