package mailstore

import (
	"bytes"
	"strings"
)

// HeaderField returns the first field name of the header block hdr
// (which may continue into the body: the search stops at the first empty
// line), unfolded, without the name and colon, trimmed.
func HeaderField(hdr []byte, name string) (string, bool) {
	rest := hdr
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		if i < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:i], rest[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return "", false
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !strings.EqualFold(string(bytes.TrimRight(line[:colon], " \t")), name) {
			continue
		}
		val := strings.TrimSpace(string(line[colon+1:]))
		// Continuation lines start with a space or a tab.
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			j := bytes.IndexByte(rest, '\n')
			var cont []byte
			if j < 0 {
				cont, rest = rest, nil
			} else {
				cont, rest = rest[:j], rest[j+1:]
			}
			cont = bytes.TrimSpace(cont)
			if len(cont) > 0 {
				val += " " + string(cont)
			}
		}
		return val, true
	}
	return "", false
}
