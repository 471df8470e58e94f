package pop3

import (
	"io"
	"strings"
	"testing"
)

func TestBasicSession(t *testing.T) {
	msgs := []string{"Subject: one\n\nhello\n", "Subject: two\n\n.dot\n..\n.\nend\n"}
	e := newEnv(t, false, msgs)
	var log syncBuffer
	o := e.opts()
	o.Log = &log
	c := e.login(t, o)
	ctx := testCtx(t)
	n, size, err := c.Stat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || size != int64(len(crlf(msgs[0]))+len(crlf(msgs[1]))) {
		t.Errorf("Stat = %d, %d", n, size)
	}
	for i, m := range msgs {
		_, body, err := c.Retr(ctx, i+1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != crlf(m) {
			t.Errorf("RETR %d = %q, want %q", i+1, got, crlf(m))
		}
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "wonderland") {
		t.Errorf("log reveals the password:\n%s", log.String())
	}
	t.Log(log.String())
}
