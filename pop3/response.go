package pop3

import "strings"

// Response is a parsed POP3 status line.
type Response struct {
	// OK is true for "+OK", false for "-ERR".
	OK bool
	// Raw is everything after "+OK" or "-ERR", unchanged.
	Raw string
	// Code is the response code in "[...]" at the start of the text, or "".
	Code string
	// Text is the text after the status and the code, trimmed of blanks.
	Text string
}

// ParseResponse parses one status line (without its line ending) of the
// form "+OK text" or "-ERR [CODE] text". A line that starts with neither
// yields an error matching [ErrProtocol]. It never panics, whatever the
// input.
func ParseResponse(line string) (Response, error) {
	return parseResponse(line, clip)
}

// parseResponse is ParseResponse quoting a malformed line with quote.
func parseResponse(line string, quote func(string) string) (Response, error) {
	var r Response
	switch {
	case strings.HasPrefix(line, "+OK"):
		r.OK = true
		r.Raw = line[3:]
	case strings.HasPrefix(line, "-ERR"):
		r.Raw = line[4:]
	default:
		return r, strayData{protocolErrorf("status line %q is neither +OK nor -ERR", quote(line))}
	}
	if r.Raw != "" && r.Raw[0] != ' ' && r.Raw[0] != '\t' {
		// "+OKAY" is not a status; "+OK" alone is.
		return Response{}, strayData{protocolErrorf("status line %q is neither +OK nor -ERR", quote(line))}
	}
	text := strings.TrimLeft(r.Raw, " \t")
	if strings.HasPrefix(text, "[") {
		if end := strings.IndexByte(text, ']'); end > 1 && validCode(text[1:end]) {
			r.Code = strings.ToUpper(text[1:end])
			text = text[end+1:]
		}
	}
	r.Text = strings.Trim(text, " \t")
	return r, nil
}

// validCode reports whether s looks like an RFC 2449 response code:
// one or more slash-separated atoms of printable ASCII without space, "[",
// "]" or "/" (RFC 2449 section 8).
func validCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c <= ' ' || c >= 0x7f || c == '[' || c == ']' {
				return false
			}
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
