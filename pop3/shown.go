package pop3

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What the client reports of a server's words. A server's text (a status,
// a -ERR, the greeting) ends up in error messages printed on a terminal
// and in the conversation log; a hostile server can put terminal escape
// sequences in it, or repeat the password it was sent. Everything the
// client reports of it is therefore shown: control characters escaped,
// and every credential sent in the session replaced by "****". Replies
// are parsed as they came; only what is reported is shown.

// EscapeControls returns s with its control characters written as Go
// escapes: the C0 controls but TAB (an ESC becomes the four characters
// `\x1b`), DEL, the C1 controls (as `\u009b`), and bytes 0x80 to 0x9F that
// are not part of a UTF-8 sequence (some terminals take them as C1
// controls), and the bidirectional-text controls (U+202A to U+202E,
// U+2066 to U+2069, U+200E, U+200F, U+061C, as `\u202e`). Everything
// else, invalid UTF-8 included, is left alone. A text so escaped cannot
// move the cursor, change colours or retitle a terminal it is printed on,
// nor reorder what the terminal shows after it (a right-to-left override
// can make "-ERR txt.exe" read "-ERR exe.txt").
func EscapeControls(s string) string {
	i := 0
	for ; i < len(s); i++ {
		// 0xc2 starts the C1 controls, 0xd8 U+061C, 0xe2 the others.
		if b := s[i]; (b < 0x20 && b != '\t') || b >= 0x7f && b <= 0x9f || b == 0xc2 || b == 0xd8 || b == 0xe2 {
			break
		}
	}
	if i == len(s) {
		return s
	}
	for k := 0; k < utf8.UTFMax-1 && i > 0 && !utf8.RuneStart(s[i]); k++ {
		i-- // from the start of the character the byte is part of
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	sb.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		const hex = "0123456789abcdef"
		switch {
		case r == utf8.RuneError && size == 1:
			if b := s[i]; b >= 0x80 && b <= 0x9f {
				sb.WriteString(`\x`)
				sb.WriteByte(hex[b>>4])
				sb.WriteByte(hex[b&15])
			} else {
				sb.WriteByte(b)
			}
		case (r < 0x20 && r != '\t') || r == 0x7f:
			sb.WriteString(`\x`)
			sb.WriteByte(hex[r>>4])
			sb.WriteByte(hex[r&15])
		case r >= 0x80 && r <= 0x9f:
			sb.WriteString(`\u00`)
			sb.WriteByte(hex[r>>4])
			sb.WriteByte(hex[r&15])
		case IsBidiControl(r):
			sb.WriteString(`\u`)
			sb.WriteString(strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// IsBidiControl reports whether r is one of the Unicode bidirectional-text
// controls (embeddings, overrides, isolates, marks; Unicode's
// Bidi_Control property): invisible characters that change the order in
// which a terminal shows the text around them.
func IsBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// conceal records a credential sent (or about to be sent) in this session:
// from now on it is written as "****" wherever the client reports what
// the server said.
func (c *Client) conceal(secret string) {
	if secret == "" {
		return
	}
	for _, s := range c.secrets {
		if s == secret {
			return
		}
	}
	c.secrets = append(c.secrets, secret)
	if q := strconv.Quote(secret); q[1:len(q)-1] != secret {
		// as it appears in a message that quotes the server's line (%q)
		c.secrets = append(c.secrets, q[1:len(q)-1])
	}
	// as a server may echo it in base64, the way SASL carries it
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if e := enc.EncodeToString([]byte(secret)); !slices.Contains(c.secrets, e) {
			c.secrets = append(c.secrets, e)
		}
	}
}

// redact replaces every credential of the session in s by "****".
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "****")
		}
	}
	return s
}

// quote is a server's line s as an error message quotes it: credentials
// masked before it is clipped (clip could otherwise cut a password in two
// and leave its first part, which redact would not recognize).
func (c *Client) quote(s string) string {
	return clip(c.redact(s))
}

// shown is the server's text s as the client reports it: credentials
// masked, control characters escaped.
func (c *Client) shown(s string) string {
	return EscapeControls(c.redact(s))
}

// serverError is the server's -ERR reply r to the command display, as the
// client reports it.
func (c *Client) serverError(display string, r Response) *Error {
	return &Error{Command: display, Code: r.Code, Text: c.shown(r.Text), Raw: c.shown(r.Raw)}
}

// concealed is an error whose text had a credential in it (a protocol
// error quoting a server's line that repeats the password): its text is
// the masked one; errors.Is and errors.As see the original chain.
type concealed struct {
	err  error
	text string
}

func (e *concealed) Error() string { return e.text }
func (e *concealed) Unwrap() error { return e.err }

// concealErr masks the session's credentials in the text of err.
func (c *Client) concealErr(err error) error {
	if err == nil || len(c.secrets) == 0 {
		return err
	}
	text := err.Error()
	if masked := c.redact(text); masked != text {
		return &concealed{err: err, text: masked}
	}
	return err
}
