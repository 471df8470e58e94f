package server

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wireCases are stored messages and the exact bytes a server sends after the
// status line (before ".\r\n"), and the STAT/LIST size, written out by hand.
var wireCases = []struct {
	name, stored, wire string
	size               int
}{
	{"lf", "A: b\n\nbody\n", "A: b\r\n\r\nbody\r\n", 14},
	{"crlf", "A: b\r\n\r\nbody\r\n", "A: b\r\n\r\nbody\r\n", 14},
	{"mixed", "A: b\r\n\nx\r\ny\n", "A: b\r\n\r\nx\r\ny\r\n", 14},
	{"dot-start", "A: b\n\n.hidden\n...e\n.\tt\n", "A: b\r\n\r\n..hidden\r\n....e\r\n..\tt\r\n", 28},
	{"dot-only", "A: b\n\nx\n.\ny\n", "A: b\r\n\r\nx\r\n..\r\ny\r\n", 17},
	{"dot-last", "A: b\n\nx\n.\n", "A: b\r\n\r\nx\r\n..\r\n", 14},
	{"dot-last-nonl", "A: b\n\nx\n.", "A: b\r\n\r\nx\r\n..\r\n", 12},
	{"no-final-newline", "A: b\n\nend", "A: b\r\n\r\nend\r\n", 11},
	{"empty-body", "A: b\n\n", "A: b\r\n\r\n", 8},
	{"headers-only", "A: b\nC: d\n", "A: b\r\nC: d\r\n", 12},
	{"trailing-blank", "A: b\n\nx\n\n\n\n", "A: b\r\n\r\nx\r\n\r\n\r\n\r\n", 17},
	{"empty", "", "", 0},
	{"utf8", "Subject: =?UTF-8?B?w6k=?=\n\nh\xc3\xa9\n", "Subject: =?UTF-8?B?w6k=?=\r\n\r\nh\xc3\xa9\r\n", 34},
	{"bare-cr", "A: b\n\nx\ry\n", "A: b\r\n\r\nx\ry\r\n", 13},
}

func TestEncodeWire(t *testing.T) {
	for _, tc := range wireCases {
		if got := string(encodeWire([]byte(tc.stored))); got != tc.wire {
			t.Errorf("%s: encodeWire = %q, want %q", tc.name, got, tc.wire)
		}
		if got := stuffedSize([]byte(tc.stored)); got != int64(tc.size) {
			t.Errorf("%s: stuffedSize = %d, want %d", tc.name, got, tc.size)
		}
		for _, bufSize := range []int{16, 17, 4096} {
			var out bytes.Buffer
			w := bufio.NewWriter(&out)
			if err := copyBodyBuf(w, strings.NewReader(tc.stored), true, -1, bufSize); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			if out.String() != tc.wire {
				t.Errorf("%s: copyBody(buf %d) = %q, want %q", tc.name, bufSize, out.String(), tc.wire)
			}
		}
	}
}

func TestCopyBodyLongLines(t *testing.T) {
	long := strings.Repeat("y", 20000)
	stored := "A: b\n\n." + long + "\r\n" + long + "\n.\n"
	want := "A: b\r\n\r\n.." + long + "\r\n" + long + "\r\n..\r\n"
	for _, bufSize := range []int{16, 1000, 20003, 64 * 1024} {
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		if err := copyBodyBuf(w, strings.NewReader(stored), true, -1, bufSize); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if out.String() != want {
			t.Fatalf("buf %d: long lines mangled (len %d, want %d)", bufSize, out.Len(), len(want))
		}
		// TOP 1 stops after the first (long) body line.
		out.Reset()
		if err := copyBodyBuf(w, strings.NewReader(stored), true, 1, bufSize); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if want1 := "A: b\r\n\r\n.." + long + "\r\n"; out.String() != want1 {
			t.Fatalf("buf %d: TOP 1 of long lines: len %d, want %d", bufSize, out.Len(), len(want1))
		}
	}
}

// FuzzWire checks that the streaming converter (Maildir path) and the
// in-memory encoder agree, that sizes follow the Dovecot rule, and that TOP
// output is a prefix of RETR output.
func FuzzWire(f *testing.F) {
	for _, tc := range wireCases {
		f.Add([]byte(tc.stored), 0)
	}
	f.Add([]byte("\r\n\r\n.\r\n.."), 2)
	f.Fuzz(func(t *testing.T, raw []byte, lines int) {
		want := encodeWire(raw)
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		if err := copyBodyBuf(w, bytes.NewReader(raw), true, -1, 16); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("copyBody %q != encodeWire %q", out.Bytes(), want)
		}
		if len(want) > 0 && !bytes.HasSuffix(want, crlf) {
			t.Fatalf("wire form %q does not end in CRLF", want)
		}
		if bytes.Contains(want, []byte("\r\n.\r\n")) || bytes.HasPrefix(want, []byte(".\r\n")) {
			t.Fatalf("wire form %q contains a terminator", want)
		}
		// Unstuffing gives back the stored bytes with LF made CRLF.
		var unstuffed []byte
		for _, l := range bytes.SplitAfter(want, []byte("\n")) {
			unstuffed = append(unstuffed, bytes.TrimPrefix(l, []byte("."))...)
		}
		size := stuffedSize(raw)
		added := 0
		if len(raw) > 0 && raw[len(raw)-1] != '\n' {
			added = 2
		}
		if int64(len(unstuffed)) != size+int64(added) {
			t.Fatalf("size %d + added %d != unstuffed length %d", size, added, len(unstuffed))
		}
		if lines < 0 {
			lines = -lines
		}
		lines %= 5
		out.Reset()
		if err := copyBodyBuf(w, bytes.NewReader(want), false, lines, 16); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if !bytes.HasPrefix(want, out.Bytes()) {
			t.Fatalf("TOP %d output %q is not a prefix of %q", lines, out.Bytes(), want)
		}
	})
}

func TestMaildirBackend(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for i, tc := range wireCases {
		name := fmt.Sprintf("17000000%02d.M%dP1.test", i, i)
		sub := "new"
		if i%2 == 0 {
			name += fmt.Sprintf(",S=%d,W=%d:2,S", len(tc.stored), tc.size)
			sub = "cur"
		}
		if err := os.WriteFile(filepath.Join(dir, sub, name), []byte(tc.stored), 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Join(dir, sub, name))
	}
	os.WriteFile(filepath.Join(dir, "new", ".hidden"), []byte("x"), 0o600)
	be := NewMaildirBackend()
	be.AddUser("m", "pw", dir)
	srv, _ := newTestServer(t, Options{Backend: be})
	c := login(t, srv.Addr().String(), "m", "pw")
	total := 0
	for _, tc := range wireCases {
		total += tc.size
	}
	if st, want := c.cmd("STAT"), fmt.Sprintf("+OK %d %d", len(wireCases), total); st != want {
		t.Fatalf("STAT = %q, want %q", st, want)
	}
	for i, tc := range wireCases {
		st := c.expectOK(fmt.Sprintf("RETR %d", i+1))
		if want := fmt.Sprintf("+OK %d octets", tc.size); st != want {
			t.Errorf("%s: RETR status %q, want %q", tc.name, st, want)
		}
		if got := string(c.readBody()); got != tc.wire {
			t.Errorf("%s: RETR = %q, want %q", tc.name, got, tc.wire)
		}
	}
	if got := string(c.multi("TOP 4 1")); got != "A: b\r\n\r\n..hidden\r\n" {
		t.Errorf("TOP 4 1 = %q", got)
	}
	uidl := string(c.multi("UIDL"))
	if !strings.HasPrefix(uidl, "1 1700000000.M0P1.test\r\n2 1700000001.M1P1.test\r\n") {
		t.Errorf("UIDL = %q", uidl)
	}
	c.expectOK("DELE 2")
	c.expectOK("DELE 3")
	c.expectOK("QUIT")
	for i, p := range names {
		_, err := os.Stat(p)
		if gone := err != nil; gone != (i == 1 || i == 2) {
			t.Errorf("message %d: gone=%v after DELE 2, DELE 3, QUIT", i+1, gone)
		}
	}
}
