package server

import (
	"bufio"
	"errors"
	"io"
)

// ErrAuthFailed is returned by a Backend when a user name or password is wrong.
var ErrAuthFailed = errors.New("authentication failed")

// Backend is the mail store behind a Server: it checks credentials and opens
// a user's maildrop. Implementations must be safe for concurrent use; the
// server itself guarantees that at most one session holds a user's maildrop.
type Backend interface {
	// Authenticate checks a user name and a cleartext password (USER/PASS,
	// AUTH PLAIN). It returns an error wrapping ErrAuthFailed when they do
	// not match.
	Authenticate(user, password string) error
	// Secret returns the shared secret of user for the challenge-response
	// mechanisms (APOP, AUTH CRAM-MD5), and false when there is none.
	Secret(user string) (string, bool)
	// Open returns user's maildrop, as it is at this moment.
	Open(user string) (Maildrop, error)
}

// TokenAuthenticator is an optional interface of a Backend that accepts
// OAuth 2.0 bearer tokens (AUTH XOAUTH2).
type TokenAuthenticator interface {
	// AuthenticateToken checks a bearer token for user; it returns an error
	// wrapping ErrAuthFailed when the token is not valid.
	AuthenticateToken(user, token string) error
}

// MessageInfo describes one message of a maildrop.
type MessageInfo struct {
	// Size is the size in octets as reported by STAT and LIST: the stored
	// size with each bare LF counted as CRLF (not counting the CRLF added to a
	// message that lacks a final newline).
	Size int64
	// UID is the unique id shown by UIDL: 1 to 70 characters in 0x21..0x7E.
	UID string
}

// Maildrop is one user's messages for the duration of a session. Message
// numbers are 0-based indexes into the slice returned by Messages, which must
// not change during the session.
type Maildrop interface {
	// Messages lists the messages in maildrop order.
	Messages() []MessageInfo
	// Open returns the stored bytes of message i, in any line ending.
	Open(i int) (io.ReadCloser, error)
	// Delete removes the messages with the given indexes. It is called once,
	// when the session enters the UPDATE state (QUIT), and never otherwise.
	Delete(indexes []int) error
	// Close releases the maildrop. It is called exactly once per session.
	Close() error
}

// WireOpener is an optional interface of a Maildrop whose messages are kept
// already in wire form. OpenWire returns message i with CRLF line endings,
// byte-stuffed, ending in CRLF, without the terminating ".\r\n". The server
// copies such bytes to the connection unchanged (a single write for an
// in-memory message).
type WireOpener interface {
	OpenWire(i int) (io.ReadCloser, error)
}

// copyBody copies a message to w line by line. When stuff is true the input
// is in stored form (any line ending) and is converted to wire form: bare LF
// becomes CRLF, lines starting with '.' get another '.', and a missing final
// line ending is added. When stuff is false the input is already in wire form
// and is copied as is. When bodyLines >= 0, copying stops after the header
// block, its blank separator line, and bodyLines lines of body (TOP).
func copyBody(w *bufio.Writer, r io.Reader, stuff bool, bodyLines int) error {
	return copyBodyBuf(w, r, stuff, bodyLines, 64*1024)
}

// copyBodyBuf is copyBody with a chosen read buffer size (tests use tiny
// buffers to exercise lines split across reads).
func copyBodyBuf(w *bufio.Writer, r io.Reader, stuff bool, bodyLines, bufSize int) error {
	br := bufio.NewReaderSize(r, bufSize)
	atStart := true   // at the beginning of a line
	prevCR := false   // the last byte written of the current (partial) line was CR
	inHeaders := true // still in the header block (TOP)
	counted := 0      // body lines written (TOP)
	for {
		if atStart && bodyLines >= 0 && !inHeaders && counted >= bodyLines {
			return nil
		}
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			if atStart && stuff && chunk[0] == '.' {
				if werr := w.WriteByte('.'); werr != nil {
					return werr
				}
			}
			if chunk[len(chunk)-1] == '\n' {
				content := chunk[:len(chunk)-1]
				if !stuff {
					if _, werr := w.Write(chunk); werr != nil {
						return werr
					}
					if len(content) > 0 && content[len(content)-1] == '\r' {
						content = content[:len(content)-1]
					}
				} else {
					switch {
					case len(content) > 0 && content[len(content)-1] == '\r':
						_, _ = w.Write(content)
						_, _ = w.Write(crlf[1:])
						content = content[:len(content)-1]
					case len(content) == 0 && prevCR:
						_, _ = w.Write(crlf[1:])
					default:
						_, _ = w.Write(content)
						_, _ = w.Write(crlf)
					}
				}
				if inHeaders {
					if atStart && len(content) == 0 {
						inHeaders = false
					}
				} else {
					counted++
				}
				atStart = true
				prevCR = false
			} else {
				if _, werr := w.Write(chunk); werr != nil {
					return werr
				}
				atStart = false
				prevCR = chunk[len(chunk)-1] == '\r'
			}
		}
		switch {
		case err == nil || err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if !atStart && stuff {
				_, _ = w.Write(crlf)
			}
			return nil
		default:
			return err
		}
	}
}

var crlf = []byte("\r\n")

// stuffedSize reports the STAT/LIST size of stored message bytes: the length
// with each bare LF counted as CRLF.
func stuffedSize(raw []byte) int64 {
	n := int64(len(raw))
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			n++
		}
	}
	return n
}

// encodeWire returns raw in wire form: CRLF line endings, byte-stuffed, with a
// final CRLF, without the terminating dot line.
func encodeWire(raw []byte) []byte {
	out := make([]byte, 0, len(raw)+len(raw)/40+8)
	atStart := true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if atStart && c == '.' {
			out = append(out, '.')
		}
		atStart = false
		if c == '\n' {
			if i == 0 || raw[i-1] != '\r' {
				out = append(out, '\r')
			}
			atStart = true
		}
		out = append(out, c)
	}
	if !atStart {
		out = append(out, '\r', '\n')
	}
	return out
}
