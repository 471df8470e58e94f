package pop3

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestAuthPlainInitialResponse(t *testing.T) {
	p := newPeer(t,
		"S: +OK hi",
		"C: AUTH PLAIN "+b64("\x00alice\x00pw"),
		"S: +OK welcome",
		"C: STAT",
		"S: +OK 0 0",
	)
	var log syncBuffer
	o := peerOpts()
	o.Log = &log
	c := dialPeer(t, p, o)
	ctx := testCtx(t)
	st, err := c.Auth(ctx, PlainAuth("", "alice", "pw"))
	if err != nil || st != " welcome" || c.LastStatus() != st || c.State() != StateTransaction {
		t.Fatalf("Auth = %q, %v, LastStatus %q, state %v", st, err, c.LastStatus(), c.State())
	}
	if n, size, err := c.Stat(ctx); n != 0 || size != 0 || err != nil {
		t.Errorf("Stat = %d %d %v", n, size, err)
	}
	if strings.Contains(log.String(), b64("\x00alice\x00pw")) || !strings.Contains(log.String(), "<- AUTH PLAIN ****") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestAuthLongInitialResponse(t *testing.T) {
	token := strings.Repeat("t", 300)
	ir := b64("user=alice\x01auth=Bearer " + token + "\x01\x01")
	p := newPeer(t,
		"S: +OK hi",
		"C: AUTH XOAUTH2",
		"S: + ",
		"C: "+ir,
		"S: +OK in",
	)
	o := peerOpts()
	c := dialPeer(t, p, o)
	if _, err := c.Auth(testCtx(t), XOAUTH2Auth("alice", token)); err != nil {
		t.Fatal(err)
	}
}

func TestAuthXOAUTH2Refused(t *testing.T) {
	p := newPeer(t,
		"S: +OK hi",
		"C: AUTH XOAUTH2 "+b64("user=a\x01auth=Bearer x\x01\x01"),
		"S: + "+b64(`{"status":"401"}`),
		"C: ",
		"S: -ERR [AUTH] invalid token",
	)
	c := dialPeer(t, p, nil)
	ctx := testCtx(t)
	_, err := c.Auth(ctx, XOAUTH2Auth("a", "x"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeAuth || e.Command != "AUTH XOAUTH2 ****" {
		t.Fatalf("err = %#v", err)
	}
	if err := c.Noop(ctx); !errors.Is(err, ErrState) {
		t.Errorf("Noop before login: %v", err)
	}
}

func TestAuthCancel(t *testing.T) {
	p := newPeer(t,
		"S: +OK hi",
		"C: AUTH CRAM-MD5",
		"S: + not*base64!",
		"C: *",
		"S: -ERR cancelled",
		"C: USER alice",
		"S: +OK",
		"C: PASS pw",
		"S: +OK in",
	)
	c := dialPeer(t, p, nil)
	ctx := testCtx(t)
	_, err := c.Auth(ctx, CRAMMD5Auth("alice", "pw"))
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.UserPass(ctx, "alice", "pw"); err != nil {
		t.Fatalf("UserPass after cancel: %v", err)
	}
}

func TestGreetingError(t *testing.T) {
	p := newPeer(t, "S: -ERR [SYS/TEMP] overloaded", "CLOSE")
	_, err := Dial(testCtx(t), p.addr, peerOpts())
	var e *Error
	if !errors.As(err, &e) || !e.HasCode(CodeSysTemp) || !e.Temporary() {
		t.Fatalf("err = %v", err)
	}
}

func TestGreetingGarbage(t *testing.T) {
	p := newPeer(t, "S: * OK IMAP4rev1 ready", "CLOSE")
	_, err := Dial(testCtx(t), p.addr, peerOpts())
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeoutServerStopsTalking(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: USER a", "HANG")
	o := peerOpts()
	o.CommandTimeout = 200 * time.Millisecond
	c := dialPeer(t, p, o)
	start := time.Now()
	_, err := c.UserPass(testCtx(t), "a", "b")
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("not a net.Error timeout: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if err := c.Noop(testCtx(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("after timeout: %v", err)
	}
}

func TestContextDeadline(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: USER a", "HANG")
	c := dialPeer(t, p, nil) // CommandTimeout 2s; the context is shorter
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := c.UserPass(ctx, "a", "b")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
}

func TestContextCancel(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: USER a", "HANG")
	c := dialPeer(t, p, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if c.Err() != nil {
		t.Fatalf("Err of an open session: %v", c.Err())
	}
	_, err := c.UserPass(ctx, "a", "b")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	// The session ended there (the reply may still come), and says why.
	if !errors.Is(c.Err(), context.Canceled) || c.State() != StateClosed {
		t.Errorf("after the cancelled login: Err %v, state %v; want the cancellation, CLOSED", c.Err(), c.State())
	}
	if err := c.Noop(testCtx(t)); !errors.Is(err, ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Errorf("Noop after it: %v, want ErrClosed with the cancellation", err)
	}
	// A cancelled context sends nothing.
	if err := c.Noop(ctx); err == nil {
		t.Fatal("Noop on a cancelled context succeeded")
	}
}

func TestBodyTimeoutMidStream(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: USER a", "S: +OK", "C: PASS b", "S: +OK",
		"C: RETR 1", "S: +OK", "S: first line", "HANG")
	o := peerOpts()
	o.CommandTimeout = 200 * time.Millisecond
	c := dialPeer(t, p, o)
	ctx := testCtx(t)
	if _, err := c.UserPass(ctx, "a", "b"); err != nil {
		t.Fatal(err)
	}
	_, body, err := c.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body)
	if !errors.Is(err, ErrTimeout) || string(got) != "first line\r\n" {
		t.Fatalf("ReadAll = %q, %v", got, err)
	}
}

func TestSTLSInjection(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: STLS", "S+"+"+OK begin\r\n+OK injected\r\n", "HANG")
	c := dialPeer(t, p, nil)
	err := c.StartTLS(testCtx(t))
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v", err)
	}
}

func TestProtocolViolations(t *testing.T) {
	login := []string{"S: +OK hi", "C: USER a", "S: +OK", "C: PASS b", "S: +OK"}
	cases := []struct {
		name   string
		script []string
		call   func(c *Client) error
		want   error
	}{
		{"stat-garbage", []string{"C: STAT", "S: +OK x y"}, func(c *Client) error { _, _, err := c.Stat(testCtx(t)); return err }, ErrProtocol},
		{"stat-short", []string{"C: STAT", "S: +OK 3"}, func(c *Client) error { _, _, err := c.Stat(testCtx(t)); return err }, ErrProtocol},
		{"stat-negative", []string{"C: STAT", "S: +OK -3 10"}, func(c *Client) error { _, _, err := c.Stat(testCtx(t)); return err }, ErrProtocol},
		{"stat-huge", []string{"C: STAT", "S: +OK 99999999999999 10"}, func(c *Client) error { _, _, err := c.Stat(testCtx(t)); return err }, ErrProtocol},
		{"status-neither", []string{"C: NOOP", "S: OK fine"}, func(c *Client) error { return c.Noop(testCtx(t)) }, ErrProtocol},
		{"status-too-long", []string{"C: NOOP", "S: +OK " + strings.Repeat("x", 9000)}, func(c *Client) error { return c.Noop(testCtx(t)) }, ErrLineTooLong},
		{"list-bad-line", []string{"C: LIST", "S: +OK", "S: 1 100", "S: two 200", "S: ."}, func(c *Client) error { _, err := c.List(testCtx(t)); return err }, ErrProtocol},
		{"list-truncated", []string{"C: LIST", "S: +OK", "S: 1 100", "CLOSE"}, func(c *Client) error { _, err := c.List(testCtx(t)); return err }, ErrTruncated},
		{"listone-wrong-msg", []string{"C: LIST 2", "S: +OK 3 100"}, func(c *Client) error { _, err := c.ListOne(testCtx(t), 2); return err }, ErrProtocol},
		{"uidl-bad", []string{"C: UIDL", "S: +OK", "S: 1", "S: ."}, func(c *Client) error { _, err := c.UIDL(testCtx(t)); return err }, ErrProtocol},
		{"last-garbage", []string{"C: LAST", "S: +OK none"}, func(c *Client) error { _, err := c.Last(testCtx(t)); return err }, ErrProtocol},
		{"body-truncated", []string{"C: RETR 1", "S: +OK", "S: a", "CLOSE"}, func(c *Client) error {
			_, body, err := c.Retr(testCtx(t), 1)
			if err != nil {
				return err
			}
			_, err = io.ReadAll(body)
			return err
		}, ErrTruncated},
		{"hangup", []string{"C: NOOP", "CLOSE"}, func(c *Client) error { return c.Noop(testCtx(t)) }, io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, append(append([]string{}, login...), tc.script...)...)
			c := dialPeer(t, p, nil)
			if _, err := c.UserPass(testCtx(t), "a", "b"); err != nil {
				t.Fatal(err)
			}
			err := tc.call(c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var e *Error
			if errors.As(err, &e) {
				t.Fatalf("protocol violation reported as a server -ERR: %v", err)
			}
			if err := c.Noop(testCtx(t)); !errors.Is(err, ErrClosed) {
				t.Errorf("connection still used after a violation: %v", err)
			}
		})
	}
}

func TestLogFormat(t *testing.T) {
	p := newPeer(t,
		"S: +OK ready <1.2@host>",
		"C: APOP alice "+APOPDigest("<1.2@host>", "secret"),
		"S: -ERR [AUTH] no",
		"C: USER alice",
		"S: +OK",
		"C: PASS secret",
		"S: +OK in",
		"C: QUIT",
		"S: +OK bye",
		"CLOSE",
	)
	var log syncBuffer
	o := peerOpts()
	o.Log = &log
	c := dialPeer(t, p, o)
	ctx := testCtx(t)
	if _, err := c.APOP(ctx, "alice", "secret"); err == nil {
		t.Fatal("APOP succeeded")
	}
	if _, err := c.UserPass(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(log.String(), "\n")
	want := []string{"", "", "-> +OK ready <1.2@host>", "<- APOP alice ****", "-> -ERR [AUTH] no", "<- USER alice", "-> +OK", "<- PASS ****", "-> +OK in", "<- QUIT", "-> +OK bye", ""}
	if len(lines) != len(want) || !strings.HasPrefix(lines[1], "-- ") || !strings.HasSuffix(lines[1], ": opened POP3 connection to 127.0.0.1") {
		t.Fatalf("log:\n%s", log.String())
	}
	for i := 2; i < len(want); i++ {
		if lines[i] != want[i] {
			t.Errorf("log line %d = %q, want %q", i, lines[i], want[i])
		}
	}
	if strings.Contains(log.String(), "secret") || strings.Contains(log.String(), APOPDigest("<1.2@host>", "secret")) {
		t.Error("log reveals a secret")
	}
}

func TestSTLSHandshakeTimeout(t *testing.T) {
	p := newPeer(t, "S: +OK hi", "C: STLS", "S: +OK go ahead", "HANG")
	o := peerOpts()
	o.DialTimeout = 200 * time.Millisecond
	c := dialPeer(t, p, o)
	start := time.Now()
	err := c.StartTLS(testCtx(t))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if err := c.Noop(testCtx(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("after a failed handshake: %v", err)
	}
}

// A short CommandTimeout is an idle limit: a body that keeps coming, slower
// than the timeout in total but never idle that long, is read whole.
func TestShortCommandTimeoutIsIdleLimit(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.WriteString(conn, "+OK hi\r\n")
		buf := make([]byte, 100)
		conn.Read(buf) // RETR 1
		io.WriteString(conn, "+OK\r\n")
		for i := 0; i < 20; i++ {
			time.Sleep(10 * time.Millisecond)
			io.WriteString(conn, "line\r\n")
		}
		io.WriteString(conn, ".\r\n")
		conn.Read(buf)
	}()
	o := peerOpts()
	o.CommandTimeout = 80 * time.Millisecond
	c, err := Dial(testCtx(t), l.Addr().String(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.state = StateTransaction // this peer knows no login
	_, n, err := c.RetrTo(testCtx(t), 1, io.Discard)
	if err != nil || n != 120 {
		t.Fatalf("RetrTo = %d, %v", n, err)
	}
}

func TestLastStatus(t *testing.T) {
	p := newPeer(t,
		"S: +OK hi",
		"C: USER alice",
		"S: +OK",
		"C: PASS pw",
		"S: +OK in",
		"C: DELE 1",
		"S: +OK  message 1 deleted",
		"C: NOOP",
		"S: -ERR [SYS/TEMP] busy",
		"C: RSET",
		"S: +OK 2 messages",
		"C: QUIT",
		"S: +OK bye",
	)
	c := dialPeer(t, p, nil)
	ctx := testCtx(t)
	if _, err := c.UserPass(ctx, "alice", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(ctx, 1); err != nil || c.LastStatus() != "  message 1 deleted" {
		t.Errorf("Dele = %v, LastStatus %q; want the text after +OK unchanged", err, c.LastStatus())
	}
	if err := c.Noop(ctx); err == nil || c.LastStatus() != "" {
		t.Errorf("Noop = %v, LastStatus %q; want a *Error and no status", err, c.LastStatus())
	}
	if err := c.Rset(ctx); err != nil || c.LastStatus() != " 2 messages" {
		t.Errorf("Rset = %v, LastStatus %q", err, c.LastStatus())
	}
	if err := c.Quit(ctx); err != nil || c.LastStatus() != " bye" || c.State() != StateClosed {
		t.Errorf("Quit = %v, LastStatus %q, state %v", err, c.LastStatus(), c.State())
	}
}
