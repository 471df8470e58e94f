package pop3

import "io"

// topCut passes on what RFC 1939 says a reply to "TOP n lines" holds: the
// header, the blank line after it and at most lines lines of the body. A
// server that ignores the count (sends the whole message to "TOP n 0")
// would otherwise have a caller that asked for headers hold or print the
// whole message: the rest is read and thrown away, so that the connection
// stays in step and an error in it (a message cut short, one longer than
// its listed size) is still reported.
type topCut struct {
	r         io.Reader // the body (a *dotReader)
	left      int       // body lines still to pass on
	header    bool      // still in the header
	lineEmpty bool      // the current line so far is empty or "\r"
	cut       bool      // everything allowed has been passed on
}

func newTopCut(r io.Reader, lines int) *topCut {
	return &topCut{r: r, left: lines, header: true, lineEmpty: true}
}

// Read implements io.Reader.
func (t *topCut) Read(p []byte) (int, error) {
	if t.cut {
		if _, err := io.Copy(io.Discard, t.r); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	n, err := t.r.Read(p)
	for i := 0; i < n; i++ {
		switch p[i] {
		case '\n':
			if t.header {
				if t.lineEmpty {
					t.header = false
				}
			} else {
				t.left--
			}
			t.lineEmpty = true
			if !t.header && t.left <= 0 {
				t.cut = true
				return i + 1, nil
			}
		case '\r':
		default:
			t.lineEmpty = false
		}
	}
	return n, err
}
