package pop3

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestBodyAfterClose(t *testing.T) {
	e := newEnv(t, false, []string{strings.Repeat("x\n", 100000)})
	c := e.login(t, nil)
	_, body, err := c.Retr(testCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	_, err = io.ReadAll(body)
	if err == nil {
		t.Fatal("body read to the end after Close")
	}
	if err := c.Noop(testCtx(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("Noop after Close: %v", err)
	}
}

func TestAbandonedBodyIsDrained(t *testing.T) {
	big := strings.Repeat("0123456789abcdef\n", 50000)
	e := newEnv(t, false, []string{big, "small\n"})
	c := e.login(t, nil)
	ctx := testCtx(t)
	_, body, err := c.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	io.CopyN(io.Discard, body, 100)
	_, body2, err := c.Retr(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body2)
	if err != nil || string(got) != "small\r\n" {
		t.Errorf("second body = %q, %v", got, err)
	}
	if n, err := body.Read(make([]byte, 10)); n != 0 || err == nil {
		t.Errorf("old body still readable: %d, %v", n, err)
	}
}

// EdgeMessages are the edge cases of issue 2, stored with LF endings.
var edgeMessages = []struct{ name, msg, wire string }{
	{"leading-dots", "Subject: dots\n\n.starts with a dot\n..two dots\n.\nend\n", "Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nend\r\n"},
	{"only-dot-line", "S: x\n\n.\n", "S: x\r\n\r\n.\r\n"},
	{"dotdot-line", "S: x\n\n..\n", "S: x\r\n\r\n..\r\n"},
	{"long-line", "S: x\n\n" + strings.Repeat("L", 20000) + "\n", "S: x\r\n\r\n" + strings.Repeat("L", 20000) + "\r\n"},
	{"utf8", "Subject: =?UTF-8?Q?caf=C3=A9?=\n\nna\xc3\xafve \xe2\x82\xac \xf0\x9f\x93\xa8\n", "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\nna\xc3\xafve \xe2\x82\xac \xf0\x9f\x93\xa8\r\n"},
	{"no-final-newline", "S: x\n\nno newline at end", "S: x\r\n\r\nno newline at end\r\n"},
	{"empty", "", ""},
	{"crlf-stored", "S: x\r\n\r\nalready crlf\r\n", "S: x\r\n\r\nalready crlf\r\n"},
}

func TestEdgeMessagesByteExact(t *testing.T) {
	var msgs []string
	for _, m := range edgeMessages {
		msgs = append(msgs, m.msg)
	}
	e := newEnv(t, false, msgs)
	for _, le := range []LineEnding{CRLF, LF} {
		o := e.opts()
		o.LineEnding = le
		c := e.login(t, o)
		ctx := testCtx(t)
		for i, m := range edgeMessages {
			want := m.wire
			if le == LF {
				want = strings.ReplaceAll(want, "\r\n", "\n")
			}
			var buf bytes.Buffer
			if _, _, err := c.RetrTo(ctx, i+1, &buf); err != nil || buf.String() != want {
				t.Errorf("%s le=%d: %v\ngot  %q\nwant %q", m.name, le, err, clip(buf.String()), clip(want))
			}
			// Through Read with a small buffer too.
			_, body, err := c.Retr(ctx, i+1)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(io.LimitReader(body, 1<<30))
			if err != nil || string(got) != want {
				t.Errorf("%s le=%d via Read: %v", m.name, le, err)
			}
		}
		c.Quit(ctx)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	n := min(len(p), f.after)
	f.after -= n
	return n, nil
}

func TestRetrToWriterFails(t *testing.T) {
	big := strings.Repeat("line of text\n", 10000)
	e := newEnv(t, false, []string{big, "second\n"})
	c := e.login(t, nil)
	ctx := testCtx(t)
	_, n, err := c.RetrTo(ctx, 1, &failWriter{after: 1000})
	if err == nil || !strings.Contains(err.Error(), "disk full") || n != 1000 {
		t.Fatalf("RetrTo = %d, %v", n, err)
	}
	var buf bytes.Buffer
	if _, _, err := c.RetrTo(ctx, 2, &buf); err != nil || buf.String() != "second\r\n" {
		t.Errorf("next RetrTo = %q, %v", buf.String(), err)
	}
}
