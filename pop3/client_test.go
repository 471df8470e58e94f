package pop3

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
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

func TestCommands(t *testing.T) {
	msgs := []string{
		"From: a\nSubject: one\n\nline1\nline2\nline3\n",
		"From: b\nSubject: two\n\nbody\n",
		"From: c\n\nthird\n",
	}
	e := newEnv(t, false, msgs)
	c := e.login(t, nil)
	ctx := testCtx(t)
	caps, err := c.Capabilities(ctx)
	if err != nil || !caps.Top() || !caps.UIDL() || !caps.Pipelining() || caps.Implementation() != "popsh" {
		t.Fatalf("Capabilities = %+v, %v", caps, err)
	}
	list, err := c.List(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	for i, m := range list {
		if m.Num != i+1 || m.Size != int64(len(crlf(msgs[i]))) {
			t.Errorf("List[%d] = %+v", i, m)
		}
		one, err := c.ListOne(ctx, i+1)
		if err != nil || one != m {
			t.Errorf("ListOne(%d) = %+v, %v", i+1, one, err)
		}
	}
	uids, err := c.UIDL(ctx)
	want := e.be.UIDs("alice")
	if err != nil || len(uids) != 3 {
		t.Fatalf("UIDL = %v, %v", uids, err)
	}
	for i, u := range uids {
		if u.Num != i+1 || u.UID != want[i] {
			t.Errorf("UIDL[%d] = %+v, want %s", i, u, want[i])
		}
		one, err := c.UIDLOne(ctx, i+1)
		if err != nil || one != u {
			t.Errorf("UIDLOne = %+v, %v", one, err)
		}
	}
	_, body, err := c.Top(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(body)
	if string(got) != crlf("From: a\nSubject: one\n\nline1\n") {
		t.Errorf("TOP 1 1 = %q", got)
	}
	var buf bytes.Buffer
	st, n, err := c.RetrTo(ctx, 2, &buf)
	if err != nil || n != int64(len(crlf(msgs[1]))) || buf.String() != crlf(msgs[1]) || !strings.HasPrefix(st, " ") {
		t.Errorf("RetrTo = %q, %d, %v: %q", st, n, err, buf.String())
	}
	if last, err := c.Last(ctx); err != nil || last != 2 {
		t.Errorf("Last = %d, %v", last, err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Error(err)
	}
	if err := c.Dele(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Retr(ctx, 1)
	var pe *Error
	if !errors.As(err, &pe) || pe.Command != "RETR 1" {
		t.Errorf("RETR of a deleted message: %v", err)
	}
	if err := c.Rset(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _, err := c.Stat(ctx); n != 3 || err != nil {
		t.Errorf("Stat after RSET = %d, %v", n, err)
	}
	if err := c.DeleMany(ctx, []int{1, 3}); err != nil {
		t.Fatal(err)
	}
	if e.be.Count("alice") != 3 {
		t.Error("deleted before QUIT")
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if e.be.Count("alice") != 1 {
		t.Errorf("after QUIT: %d messages", e.be.Count("alice"))
	}
}

func TestCloseDeletesNothing(t *testing.T) {
	e := newEnv(t, false, []string{"a\n", "b\n"})
	c := e.login(t, nil)
	if err := c.Dele(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	c.Close()
	// The server releases the maildrop lock when it sees the connection
	// close; until then a login answers -ERR [IN-USE].
	ctx := testCtx(t)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c2, err := Dial(ctx, e.addr, e.opts())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c2.Login(ctx, "alice", "wonderland")
		if err == nil {
			if n, _, err := c2.Stat(ctx); n != 2 || err != nil {
				t.Errorf("Close deleted: %d left, %v", n, err)
			}
			c2.Quit(ctx)
			return
		}
		c2.Close()
		if ErrorCode(err) != CodeInUse || time.Now().After(deadline) {
			t.Fatalf("login after Close: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUTF8Command(t *testing.T) {
	e := newEnv(t, false, []string{"x\n"})
	ctx := testCtx(t)
	c := e.dial(t, nil)
	caps, err := c.Capabilities(ctx)
	if err != nil || !caps.UTF8() {
		t.Fatalf("caps %v %v", caps, err)
	}
	if err := c.UTF8(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
}
