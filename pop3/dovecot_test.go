package pop3

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"popsh/pop3/pop3test"
)

func TestMain(m *testing.M) { pop3test.Main(m) }

// dovecotOpts returns options that verify the test Dovecot's certificate.
func dovecotOpts(d *pop3test.Dovecot) *Options {
	return &Options{TLSConfig: d.ClientTLSConfig(), CommandTimeout: 10 * time.Second, DialTimeout: 10 * time.Second}
}

// dovecotListed logs in to the test Dovecot as u with line endings le
// and returns the client and the maildrop's listing, which must have
// want messages.
func dovecotListed(t *testing.T, ctx context.Context, d *pop3test.Dovecot, u *pop3test.DovecotUser, le LineEnding, want int) (*Client, []MsgInfo) {
	t.Helper()
	o := dovecotOpts(d)
	o.LineEnding = le
	c, err := Dial(ctx, d.Addr, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, u.Name, u.Password); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx)
	if err != nil || len(list) != want {
		t.Fatalf("List = %v, %v", list, err)
	}
	return c, list
}

func TestDovecotLoginMethods(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	if err := u.AddMessage([]byte("Subject: hi\n\nhello\n")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		addr  string
		mode  TLSMode
		login func(c *Client, ctx context.Context) (string, error)
		tls   bool
	}{
		{"auto-login-stls", d.Addr, TLSAuto, func(c *Client, ctx context.Context) (string, error) { return c.Login(ctx, u.Name, u.Password) }, true},
		{"implicit-tls-login", d.TLSAddr, ImplicitTLS, func(c *Client, ctx context.Context) (string, error) { return c.Login(ctx, u.Name, u.Password) }, true},
		{"plaintext-login-apop", d.Addr, PlainText, func(c *Client, ctx context.Context) (string, error) { return c.Login(ctx, u.Name, u.Password) }, false},
		{"apop", d.Addr, PlainText, func(c *Client, ctx context.Context) (string, error) { return c.APOP(ctx, u.Name, u.Password) }, false},
		{"cram-md5", d.Addr, PlainText, func(c *Client, ctx context.Context) (string, error) {
			return c.Auth(ctx, CRAMMD5Auth(u.Name, u.Password))
		}, false},
		{"starttls-userpass", d.Addr, StartTLS, func(c *Client, ctx context.Context) (string, error) { return c.UserPass(ctx, u.Name, u.Password) }, true},
		{"starttls-plain", d.Addr, StartTLS, func(c *Client, ctx context.Context) (string, error) {
			return c.Auth(ctx, PlainAuth("", u.Name, u.Password))
		}, true},
		{"starttls-login", d.Addr, StartTLS, func(c *Client, ctx context.Context) (string, error) {
			return c.Auth(ctx, LoginAuth(u.Name, u.Password))
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			o := dovecotOpts(d)
			o.TLS = tc.mode
			var log syncBuffer
			o.Log = &log
			c, err := Dial(ctx, tc.addr, o)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := tc.login(c, ctx); err != nil {
				t.Fatalf("login: %v\n%s", err, log.String())
			}
			if c.IsTLS() != tc.tls {
				t.Errorf("IsTLS = %v", c.IsTLS())
			}
			if n, _, err := c.Stat(ctx); n != 1 || err != nil {
				t.Errorf("Stat = %d, %v", n, err)
			}
			if err := c.Quit(ctx); err != nil {
				t.Error(err)
			}
			if strings.Contains(log.String(), u.Password) {
				t.Errorf("log reveals the password:\n%s", log.String())
			}
		})
	}
}

func TestDovecotWrongPassword(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	for _, mode := range []TLSMode{PlainText, StartTLS} {
		ctx := testCtx(t)
		o := dovecotOpts(d)
		o.TLS = mode
		c, err := Dial(ctx, d.Addr, o)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Login(ctx, u.Name, "not the password")
		var pe *Error
		if !errors.As(err, &pe) || !pe.HasCode(CodeAuth) {
			t.Errorf("mode %v: err = %v", mode, err)
		}
		c.Close()
	}
}

func TestDovecotRequireTLSRefusesUnverified(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	ctx := testCtx(t)
	// Default TLS config: the test CA is unknown, so STLS fails and no
	// credential leaves the client.
	c, err := Dial(ctx, d.Addr, &Options{RequireTLS: true, CommandTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, u.Name, u.Password); err == nil || c.IsTLS() {
		t.Fatalf("login went through: %v", err)
	}
	if strings.Contains(d.Log(), "user=<"+u.Name+">") {
		t.Errorf("Dovecot saw a login attempt:\n%s", d.Log())
	}
	// With the right CA it works.
	o := dovecotOpts(d)
	o.RequireTLS = true
	c2, err := Dial(ctx, d.Addr, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Login(ctx, u.Name, u.Password); err != nil || !c2.IsTLS() {
		t.Fatalf("Login: %v", err)
	}
	st, _ := c2.TLSConnectionState()
	if st.Version < tls.VersionTLS12 {
		t.Errorf("TLS version %x", st.Version)
	}
}

func TestDovecotCommands(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	msgs := pop3test.SmallMessages(5, 7)
	for _, m := range msgs {
		if err := u.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testCtx(t)
	c, err := Dial(ctx, d.Addr, dovecotOpts(d))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, u.Name, u.Password); err != nil {
		t.Fatal(err)
	}
	caps, err := c.Capabilities(ctx)
	if err != nil || !caps.Pipelining() || !caps.UIDL() || !caps.Top() || !caps.RespCodes() {
		t.Fatalf("CAPA = %v, %v", caps, err)
	}
	n, size, err := c.Stat(ctx)
	var total int64
	for _, m := range msgs {
		_, _, _, sz := pop3test.Expectations(m)
		total += sz
	}
	if err != nil || n != 5 || size != total {
		t.Fatalf("Stat = %d %d %v, want 5 %d", n, size, err, total)
	}
	list, err := c.List(ctx)
	if err != nil || len(list) != 5 {
		t.Fatalf("List = %v %v", list, err)
	}
	uids, err := c.UIDL(ctx)
	if err != nil || len(uids) != 5 {
		t.Fatalf("UIDL = %v %v", uids, err)
	}
	for i, m := range msgs {
		_, crlfForm, _, sz := pop3test.Expectations(m)
		if list[i].Size != sz {
			t.Errorf("LIST %d = %d, want %d", i+1, list[i].Size, sz)
		}
		if one, err := c.ListOne(ctx, i+1); err != nil || one != list[i] {
			t.Errorf("ListOne = %v %v", one, err)
		}
		if one, err := c.UIDLOne(ctx, i+1); err != nil || one != uids[i] {
			t.Errorf("UIDLOne = %v %v", one, err)
		}
		var buf bytes.Buffer
		st, _, err := c.RetrTo(ctx, i+1, &buf)
		if err != nil || !bytes.Equal(buf.Bytes(), crlfForm) {
			t.Errorf("RETR %d: %v (%d bytes, want %d)", i+1, err, buf.Len(), len(crlfForm))
		}
		if want := fmt.Sprintf(" %d octets", sz); st != want {
			t.Errorf("RETR status %q, want %q", st, want)
		}
		_, body, err := c.Top(ctx, i+1, 0)
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := io.ReadAll(body)
		if err != nil || !bytes.HasPrefix(crlfForm, hdr) || !bytes.HasSuffix(hdr, []byte("\r\n\r\n")) {
			t.Errorf("TOP %d 0 = %q, %v", i+1, hdr, err)
		}
	}
	if err := c.Noop(ctx); err != nil {
		t.Error(err)
	}
	// Dovecot has no LAST: a server -ERR, the session goes on.
	if _, err := c.Last(ctx); !errors.Is(err, ErrServer) {
		t.Errorf("LAST: %v", err)
	}
	if _, _, err := c.Retr(ctx, 99); !errors.Is(err, ErrServer) {
		t.Errorf("RETR 99: %v", err)
	}
	if err := c.DeleMany(ctx, []int{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := c.Rset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	c2, err := Dial(ctx, d.TLSAddr, &Options{TLS: ImplicitTLS, TLSConfig: d.ClientTLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Login(ctx, u.Name, u.Password); err != nil {
		t.Fatal(err)
	}
	uids2, err := c2.UIDL(ctx)
	if err != nil || len(uids2) != 4 || uids2[3].UID != uids[3].UID {
		t.Errorf("after QUIT: %v %v", uids2, err)
	}
	c2.Quit(ctx)
}

func TestDovecotEdgeMessagesByteExact(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	edges := pop3test.EdgeMessages()
	for _, m := range edges {
		if err := u.AddMessage(m.Stored); err != nil {
			t.Fatal(err)
		}
	}
	for _, le := range []LineEnding{CRLF, LF} {
		ctx := testCtx(t)
		c, list := dovecotListed(t, ctx, d, u, le, len(edges))
		nums := make([]int, len(edges))
		for i := range nums {
			nums[i] = i + 1
		}
		i := 0
		err := c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
			m := edges[n-1]
			want := m.CRLF
			if le == LF {
				want = m.LF
			}
			got, err := io.ReadAll(body)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s (le=%d): %v\ngot  %q\nwant %q", m.Name, le, err, clip(string(got)), clip(string(want)))
			}
			if list[n-1].Size != m.Size {
				t.Errorf("%s: LIST size %d, want %d", m.Name, list[n-1].Size, m.Size)
			}
			i++
			return nil
		})
		if err != nil || i != len(edges) {
			t.Fatalf("RetrMany: %v after %d", err, i)
		}
		c.Quit(ctx)
	}
}

func TestDovecotPipelinedSameAsLockstep(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	msgs := pop3test.SmallMessages(200, 3)
	for _, m := range msgs {
		if err := u.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	nums := make([]int, len(msgs))
	for i := range nums {
		nums[i] = i + 1
	}
	var results [2][]byte
	for k, window := range []int{64, 1} {
		ctx := testCtx(t)
		o := dovecotOpts(d)
		o.PipelineWindow = window // a window of 1 is lockstep
		c, err := Dial(ctx, d.Addr, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Login(ctx, u.Name, u.Password); err != nil {
			t.Fatal(err)
		}
		var all bytes.Buffer
		err = c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
			fmt.Fprintf(&all, "%d\n", n)
			_, err := io.Copy(&all, body)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		results[k] = all.Bytes()
		sizes, err := c.ListMany(ctx, nums)
		if err != nil || len(sizes) != len(nums) {
			t.Fatalf("ListMany: %v", err)
		}
		c.Quit(ctx)
	}
	if !bytes.Equal(results[0], results[1]) {
		t.Error("pipelined and lockstep results differ")
	}
	var want bytes.Buffer
	for i, m := range msgs {
		_, crlfForm, _, _ := pop3test.Expectations(m)
		fmt.Fprintf(&want, "%d\n", i+1)
		want.Write(crlfForm)
	}
	if !bytes.Equal(results[0], want.Bytes()) {
		t.Error("pipelined results differ from the expectations")
	}
}
