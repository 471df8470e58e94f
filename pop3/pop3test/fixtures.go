package pop3test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// EdgeMessage is a message that exercises a corner of POP3 transfer, with
// the exact bytes expected at each stage.
type EdgeMessage struct {
	// Name identifies the case ("dot-start", "long-line", ...); it is also in
	// the message's X-Edge-Name header and Message-ID.
	Name string
	// Description says what the case tests.
	Description string
	// Stored is exactly what is put in the maildrop (memory or Maildir).
	Stored []byte
	// Wire is exactly what a server sends after the "+OK" status line of
	// RETR: CRLF line ends, byte-stuffed, ending in the terminating ".\r\n".
	Wire []byte
	// CRLF is what a client must give back in wire (CRLF) mode: the bytes
	// between status line and terminator with byte-stuffing removed.
	CRLF []byte
	// LF is CRLF with every CRLF turned into LF: what a client gives back in
	// local (LF) mode.
	LF []byte
	// Size is the size reported by LIST and STAT: Stored with each bare LF
	// counted as CRLF, not counting the CRLF a server adds when Stored
	// lacks a final newline.
	Size int64
}

// Expectations computes CRLF, LF, Wire and Size for stored bytes, following
// what Dovecot does on the wire: every bare LF becomes CRLF, an existing
// CRLF is kept, a message without a final newline gets CRLF added, lines
// starting with "." get another "." on the wire.
func Expectations(stored []byte) (wire, crlfForm, lfForm []byte, size int64) {
	s := string(stored)
	// Split into lines with their original terminators.
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	var c, w strings.Builder
	for _, l := range lines {
		content := l
		if strings.HasSuffix(l, "\n") {
			content = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
			size += int64(len(content) + 2)
		} else {
			size += int64(len(content))
		}
		c.WriteString(content + "\r\n")
		if strings.HasPrefix(content, ".") {
			w.WriteString(".")
		}
		w.WriteString(content + "\r\n")
	}
	w.WriteString(".\r\n")
	crlfForm = []byte(c.String())
	lfForm = bytes.ReplaceAll(crlfForm, []byte("\r\n"), []byte("\n"))
	return []byte(w.String()), crlfForm, lfForm, size
}

func newEdge(name, desc string, stored []byte) EdgeMessage {
	wire, c, l, size := Expectations(stored)
	return EdgeMessage{Name: name, Description: desc, Stored: stored, Wire: wire, CRLF: c, LF: l, Size: size}
}

func edgeHead(name, subject string) []string {
	return []string{
		"From: Edge Case <edge@example.org>",
		"To: user@example.com",
		"Subject: " + subject,
		"Date: Wed, 25 Nov 2026 12:00:00 +0000",
		fmt.Sprintf("Message-ID: <edge-%s@popsh.example>", name),
		"X-Edge-Name: " + name,
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
	}
}

func lfMessage(name, subject string, body ...string) []byte {
	return []byte(strings.Join(append(append(edgeHead(name, subject), ""), body...), "\n") + "\n")
}

// LongLine is the 20,000-character line of the "long-line" edge message.
var longLine = strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 600)[:20000]

// EdgeMessages returns the edge-case set, in a fixed order, freshly built
// (the caller may modify it).
func EdgeMessages() []EdgeMessage {
	dotBody := []string{".", "..", "...", ".text", "normal line", "."}
	subject := "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("[edge] Grüße 📬")) + "?="
	mixedHead := edgeHead("mixed-eol", "[edge] mixed line ends")
	mixed := strings.Join(mixedHead[:4], "\r\n") + "\r\n" + strings.Join(mixedHead[4:], "\n") + "\n\n" +
		"crlf line\r\nlf line\n.dot crlf\r\n.dot lf\nlast crlf\r\n"
	noNL := lfMessage("no-final-newline", "[edge] no final newline", "the last line has no line end:", "LAST LINE WITHOUT NEWLINE")
	return []EdgeMessage{
		newEdge("dot-start", "lines beginning with a dot",
			lfMessage("dot-start", "[edge] lines beginning with a dot",
				"Lines below begin with a dot:", ".hidden", ". a dot and a space", "...ellipsis", ".\ttab", "end")),
		newEdge("dot-only-line", "a line that is only a dot, mid-body",
			lfMessage("dot-only-line", "[edge] a line with only a dot", "before the dot line", ".", "after the dot line (must not be lost)")),
		newEdge("dotdot-lines", "lines '..', '...' and '..text'",
			lfMessage("dotdot-lines", "[edge] double dots", "..", "..", "...", "..text", "end")),
		newEdge("dot-last-line", "the last line is a single '.'",
			lfMessage("dot-last-line", "[edge] last line is a dot", "the next line is the last one and is a single dot", ".")),
		newEdge("long-line", "a 20,000-character body line",
			lfMessage("long-line", "[edge] 20000-character line", "a 20000-character line follows:", longLine, "short line after it")),
		newEdge("utf8-8bit", "8-bit UTF-8 body and an RFC 2047 subject",
			lfMessage("utf8-8bit", subject, "Grüße aus Köln — naïve café, façade, Ærø, Łódź", "日本語のテキスト、中文文本、한국어 텍스트", "emoji: 📬✉️")),
		newEdge("no-final-newline", "the stored message does not end in a newline", noNL[:len(noNL)-1]),
		newEdge("crlf-stored", "stored with CRLF line ends",
			bytes.ReplaceAll(lfMessage("crlf-stored", "[edge] CRLF stored", dotBody...), []byte("\n"), []byte("\r\n"))),
		newEdge("lf-stored", "the same body stored with LF line ends", lfMessage("lf-stored", "[edge] LF stored", dotBody...)),
		newEdge("mixed-eol", "some lines end in CRLF, some in LF, headers too", []byte(mixed)),
		newEdge("empty-body", "headers and the blank line, no body", lfMessage("empty-body", "[edge] empty body")),
		newEdge("trailing-blank-lines", "the body ends with three empty lines",
			lfMessage("trailing-blank-lines", "[edge] trailing blank lines", "text, then three empty lines", "", "", "")),
		newEdge("headers-only", "a header block only, no blank line",
			[]byte(strings.Join(edgeHead("headers-only", "[edge] headers only"), "\n")+"\n")),
	}
}
