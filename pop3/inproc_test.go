package pop3

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"popsh/pop3/server"
)

// Tests against the in-process server of popsh/pop3/server.

func TestStateMachineSendsNothing(t *testing.T) {
	e := newEnv(t, false, []string{"a\n"})
	ctx := testCtx(t)
	c, err := Dial(ctx, e.addr, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := len(e.seen())
	calls := map[string]func() error{
		"Stat":  func() error { _, _, err := c.Stat(ctx); return err },
		"List":  func() error { _, err := c.List(ctx); return err },
		"Retr":  func() error { _, _, err := c.Retr(ctx, 1); return err },
		"Top":   func() error { _, _, err := c.Top(ctx, 1, 0); return err },
		"Dele":  func() error { return c.Dele(ctx, 1) },
		"Rset":  func() error { return c.Rset(ctx) },
		"Noop":  func() error { return c.Noop(ctx) },
		"Last":  func() error { _, err := c.Last(ctx); return err },
		"UIDL":  func() error { _, err := c.UIDL(ctx); return err },
		"RetrM": func() error { return c.RetrMany(ctx, []int{1}, func(int, io.Reader) error { return nil }) },
		"DeleM": func() error { return c.DeleMany(ctx, []int{1}) },
	}
	for name, f := range calls {
		if err := f(); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "not in TRANSACTION state") {
			t.Errorf("%s before login: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("commands sent in the wrong state: %q", got[before:])
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	before = len(e.seen())
	for name, f := range map[string]func() error{
		"Login":    func() error { _, err := c.Login(ctx, "alice", "wonderland"); return err },
		"APOP":     func() error { _, err := c.APOP(ctx, "alice", "wonderland"); return err },
		"UTF8":     func() error { return c.UTF8(ctx) },
		"StartTLS": func() error { return c.StartTLS(ctx) },
	} {
		if err := f(); !errors.Is(err, ErrState) {
			t.Errorf("%s after login: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("commands sent in the wrong state: %q", got[before:])
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Stat(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Stat after Quit: %v", err)
	}
	if c.State() != StateClosed {
		t.Errorf("state after Quit = %v", c.State())
	}
}

func TestBadArgumentsSendNothing(t *testing.T) {
	e := newEnv(t, false, []string{"a\n"})
	ctx := testCtx(t)
	c, err := Dial(ctx, e.addr, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := len(e.seen())
	for name, f := range map[string]func() error{
		"user-crlf":  func() error { _, err := c.Login(ctx, "alice\r\nDELE 1", "x"); return err },
		"pass-lf":    func() error { _, err := c.UserPass(ctx, "alice", "pw\nQUIT"); return err },
		"pass-nul":   func() error { _, err := c.APOP(ctx, "alice", "pw\x00"); return err },
		"user-empty": func() error { _, err := c.Login(ctx, "", "x"); return err },
		"apop-space": func() error { _, err := c.APOP(ctx, "al ice", "x"); return err },
		"mech-name":  func() error { _, err := c.Auth(ctx, badMech{}); return err },
	} {
		if err := f(); !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	before = len(e.seen())
	for name, f := range map[string]func() error{
		"retr-0":     func() error { _, _, err := c.Retr(ctx, 0); return err },
		"retr-neg":   func() error { _, _, err := c.RetrTo(ctx, -1, io.Discard); return err },
		"top-lines":  func() error { _, _, err := c.Top(ctx, 1, -1); return err },
		"dele-0":     func() error { return c.Dele(ctx, 0) },
		"list-0":     func() error { _, err := c.ListOne(ctx, 0); return err },
		"uidl-0":     func() error { _, err := c.UIDLOne(ctx, 0); return err },
		"many-0":     func() error { return c.DeleMany(ctx, []int{1, 0}) },
		"retrmany-0": func() error { return c.RetrMany(ctx, []int{-5}, nil) },
	} {
		if err := f(); !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("bad arguments reached the wire: %q", got[before:])
	}
	if e.be.Count("alice") != 1 {
		t.Error("message lost")
	}
}

type badMech struct{}

func (badMech) Start() (string, []byte, error) { return "PLAIN\r\nQUIT", nil, nil }
func (badMech) Next([]byte) ([]byte, error)    { return nil, nil }

func TestLoginPolicy(t *testing.T) {
	cases := []struct {
		name    string
		useTLS  bool
		opts    []envOpt
		copts   func(*Options)
		want    string // command that carried the credential
		wantTLS bool
		wantErr error
	}{
		{"apop-when-plain", false, nil, nil, "APOP alice ****", false, nil},
		{"cram-md5-without-apop", false, []envOpt{withFaults(server.Faults{NoAPOPTimestamp: true})}, nil, "AUTH CRAM-MD5", false, nil},
		{"userpass-when-nothing-better", false, []envOpt{withFaults(server.Faults{NoAPOPTimestamp: true}), withOptions(func(c *server.Options) { c.DisableCRAMMD5 = true })}, nil, "PASS ****", false, nil},
		{"stls-then-userpass", true, nil, nil, "PASS ****", true, nil},
		{"plain-when-no-user", true, []envOpt{withFaults(server.Faults{RemoveCapa: []string{"USER"}})}, nil, "AUTH PLAIN ****", true, nil},
		{"require-tls-no-stls", false, nil, func(o *Options) { o.RequireTLS = true }, "", false, ErrTLSRequired},
		{"plaintext-mode-refuses-cleartext", true, []envOpt{withFaults(server.Faults{NoAPOPTimestamp: true}), withOptions(func(c *server.Options) { c.DisableCRAMMD5 = true })}, func(o *Options) { o.TLS = PlainText; o.LocalPeer = notLocal }, "", false, ErrCleartext},
		{"plaintext-mode-allowed", true, []envOpt{withFaults(server.Faults{NoAPOPTimestamp: true}), withOptions(func(c *server.Options) { c.DisableCRAMMD5 = true })}, func(o *Options) { o.TLS = PlainText; o.AllowCleartext = true }, "PASS ****", false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.useTLS, []string{"x\n"}, tc.opts...)
			o := e.opts()
			if tc.copts != nil {
				tc.copts(o)
			}
			ctx := testCtx(t)
			c, err := Dial(ctx, e.addr, o)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Login(ctx, "alice", "wonderland")
			seen := strings.Join(e.seen(), "|")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if strings.Contains(seen, "PASS") || strings.Contains(seen, "APOP") || strings.Contains(seen, "AUTH") || strings.Contains(seen, "USER") {
					t.Errorf("credentials sent: %s", seen)
				}
				return
			}
			if err != nil {
				t.Fatalf("Login: %v (server saw %s)", err, seen)
			}
			if !strings.Contains(seen, tc.want) || c.IsTLS() != tc.wantTLS || c.State() != StateTransaction {
				t.Errorf("server saw %s; tls=%v", seen, c.IsTLS())
			}
			if n, _, err := c.Stat(ctx); err != nil || n != 1 {
				t.Errorf("Stat after login = %d, %v", n, err)
			}
		})
	}
}

func TestLoginWrongPassword(t *testing.T) {
	for _, noAPOP := range []bool{false, true} {
		e := newEnv(t, false, nil, withFaults(server.Faults{NoAPOPTimestamp: noAPOP}))
		ctx := testCtx(t)
		c, err := Dial(ctx, e.addr, e.opts())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Login(ctx, "alice", "wrong")
		var pe *Error
		if !errors.As(err, &pe) || !pe.HasCode(CodeAuth) || c.State() != StateAuthorization {
			t.Errorf("noAPOP=%v: err = %v", noAPOP, err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error reveals the password: %v", err)
		}
		if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
			t.Errorf("second Login: %v", err)
		}
		c.Close()
	}
}

// notLocal is an Options.LocalPeer that takes every peer for a remote one,
// so that tests on the loopback can see the rules for remote servers.
func notLocal(net.Addr) bool { return false }

func TestExplicitUserPassCleartextRule(t *testing.T) {
	e := newEnv(t, false, nil) // no STLS
	ctx := testCtx(t)
	o := e.opts()
	o.LocalPeer = notLocal
	c, err := Dial(ctx, e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.UserPass(ctx, "alice", "wonderland"); !errors.Is(err, ErrCleartext) || !strings.Contains(err.Error(), "AllowCleartext") {
		t.Fatalf("UserPass to a remote peer without TLS: %v", err)
	}
	for _, m := range []SASLMech{PlainAuth("", "alice", "wonderland"), LoginAuth("alice", "wonderland"), XOAUTH2Auth("alice", "tok"), OAuthBearerAuth("alice", "h", 110, "tok")} {
		if _, err := c.Auth(ctx, m); !errors.Is(err, ErrCleartext) {
			t.Fatalf("AUTH with a cleartext mechanism to a remote peer: %v", err)
		}
	}
	for _, l := range e.seen() {
		if l != "CAPA" {
			t.Errorf("sent %q", l)
		}
	}
	// APOP and CRAM-MD5 never reveal the password: allowed.
	if _, err := c.APOP(ctx, "alice", "wonderland"); err != nil {
		t.Fatalf("APOP to a remote peer: %v", err)
	}
	c.Quit(ctx)
	o.AllowCleartext = true
	c2, err := Dial(ctx, e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.UserPass(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
}

func TestTLSModes(t *testing.T) {
	e := newEnv(t, true, []string{"Subject: s\n\nbody\n"})
	ctx := testCtx(t)
	// Implicit TLS, verified with the test CA.
	o := e.opts()
	o.TLS = ImplicitTLS
	c, err := Dial(ctx, e.tls, o)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsTLS() {
		t.Error("not TLS")
	}
	if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
		t.Error("no TLS state")
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	var got []byte
	if err := c.RetrMany(ctx, []int{1, 1}, func(n int, body io.Reader) error {
		b, err := io.ReadAll(body)
		got = append(got, b...)
		return err
	}); err != nil || string(got) != strings.Repeat("Subject: s\r\n\r\nbody\r\n", 2) {
		t.Errorf("RetrMany over TLS = %q, %v", got, err)
	}
	c.Quit(ctx)
	// StartTLS mode upgrades before Dial returns.
	o = e.opts()
	o.TLS = StartTLS
	c, err = Dial(ctx, e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsTLS() || c.State() != StateAuthorization {
		t.Error("StartTLS mode did not upgrade")
	}
	c.Close()
	// Certificates are verified by default: the test CA is not trusted.
	o = e.opts()
	o.TLS = ImplicitTLS
	o.TLSConfig = nil
	if _, err := Dial(ctx, e.tls, o); err == nil {
		t.Fatal("unverified certificate accepted")
	} else {
		var ue x509.UnknownAuthorityError
		if !errors.As(err, &ue) && !strings.Contains(err.Error(), "certificate") {
			t.Errorf("err = %v", err)
		}
	}
	// Auto mode with STLS offered and an untrusted certificate: an error,
	// never a silent fallback to plain text.
	o.TLS = TLSAuto
	before := len(e.seen())
	c, err = Dial(ctx, e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err == nil || c.IsTLS() {
		t.Fatalf("Login over an unverified STLS: %v", err)
	}
	for _, l := range e.seen()[before:] {
		if strings.HasPrefix(l, "PASS") || strings.HasPrefix(l, "APOP") || strings.HasPrefix(l, "USER") {
			t.Errorf("credential sent: %q", l)
		}
	}
}

func TestStartTLSModeWithoutSTLS(t *testing.T) {
	e := newEnv(t, false, nil)
	o := e.opts()
	o.TLS = StartTLS
	_, err := Dial(testCtx(t), e.addr, o)
	if err == nil {
		t.Fatal("StartTLS mode succeeded without STLS")
	}
	var pe *Error
	if !errors.As(err, &pe) || !errors.Is(err, ErrTLSRequired) {
		t.Errorf("err = %v", err)
	}
}

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

// countingDialer counts the writes made on its connections.
type countingDialer struct{ writes atomic.Int64 }

type countingConn struct {
	net.Conn
	d *countingDialer
}

func (c countingConn) Write(p []byte) (int, error) {
	c.d.writes.Add(1)
	return c.Conn.Write(p)
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return countingConn{conn, d}, nil
}

func TestPipelinedSameAsLockstep(t *testing.T) {
	var msgs []string
	for i := 0; i < 300; i++ {
		msgs = append(msgs, fmt.Sprintf("Subject: %d\n\n%s\n.%d\n", i, strings.Repeat("x", i*7), i))
	}
	nums := make([]int, len(msgs))
	for i := range nums {
		nums[i] = i + 1
	}
	results := map[bool][]string{}
	writes := map[bool]int64{}
	for _, pipe := range []bool{true, false} {
		var f server.Faults
		if !pipe {
			f.RemoveCapa = []string{"PIPELINING"}
		}
		e := newEnv(t, false, msgs, withFaults(f))
		d := &countingDialer{}
		o := e.opts()
		o.Dialer = d
		o.PipelineWindow = 64
		c := e.login(t, o)
		ctx := testCtx(t)
		caps, _ := c.Capabilities(ctx)
		if caps.Pipelining() != pipe {
			t.Fatalf("server pipelining = %v", caps.Pipelining())
		}
		w0 := d.writes.Load()
		var got []string
		err := c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
			b, err := io.ReadAll(body)
			got = append(got, fmt.Sprintf("%d:%s", n, b))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		writes[pipe] = d.writes.Load() - w0
		sizes, err := c.ListMany(ctx, nums)
		if err != nil || len(sizes) != len(msgs) {
			t.Fatalf("ListMany: %v", err)
		}
		uids, err := c.UIDLMany(ctx, nums)
		if err != nil || len(uids) != len(msgs) || uids[7].UID != e.be.UIDs("alice")[7] {
			t.Fatalf("UIDLMany: %v", err)
		}
		for i, s := range sizes {
			if s.Num != i+1 || s.Size != int64(len(crlf(msgs[i]))) {
				t.Errorf("ListMany[%d] = %+v", i, s)
			}
		}
		var tops []string
		if err := c.TopMany(ctx, nums[:5], 0, func(n int, body io.Reader) error {
			b, err := io.ReadAll(body)
			tops = append(tops, string(b))
			return err
		}); err != nil || len(tops) != 5 || tops[3] != "Subject: 3\r\n\r\n" {
			t.Errorf("TopMany = %q, %v", tops, err)
		}
		results[pipe] = got
	}
	if len(results[true]) != len(msgs) || strings.Join(results[true], "|") != strings.Join(results[false], "|") {
		t.Error("pipelined and lockstep results differ")
	}
	for i, m := range msgs {
		if results[true][i] != fmt.Sprintf("%d:%s", i+1, crlf(m)) {
			t.Errorf("message %d differs", i+1)
			break
		}
	}
	if writes[false] < int64(len(msgs)) || writes[true] > int64(len(msgs))/4 {
		t.Errorf("writes: pipelined %d, lockstep %d (for %d messages)", writes[true], writes[false], len(msgs))
	}
}

func TestRetrManyErrorsKeepSession(t *testing.T) {
	msgs := []string{"1\n", "2\n", "3\n", "4\n", "5\n"}
	e := newEnv(t, false, msgs, withFaults(server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 3, Reply: "-ERR [SYS/TEMP] busy"}}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	var got []int
	err := c.RetrMany(ctx, []int{1, 2, 3, 4, 5}, func(n int, body io.Reader) error {
		got = append(got, n)
		return nil // body not read: the client drains it
	})
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeSysTemp || pe.Command != "RETR 3" {
		t.Fatalf("err = %v", err)
	}
	if fmt.Sprint(got) != "[1 2]" {
		t.Errorf("fn called for %v", got)
	}
	if n, _, err := c.Stat(ctx); err != nil || n != 5 {
		t.Fatalf("session broken after -ERR: %d, %v", n, err)
	}
	stop := errors.New("stop here")
	got = nil
	err = c.RetrMany(ctx, []int{1, 2, 3, 4, 5}, func(n int, body io.Reader) error {
		got = append(got, n)
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || fmt.Sprint(got) != "[1 2]" {
		t.Errorf("fn error: %v, calls %v", err, got)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("session broken after fn error: %v", err)
	}
}

func TestFaults(t *testing.T) {
	msg := "Subject: x\n\n" + strings.Repeat("body line\n", 2000)
	cases := []struct {
		name  string
		fault server.Fault
		call  func(c *Client, ctx context.Context) error
		want  error
		login bool
	}{
		{"delay", server.Fault{Command: "STAT", Delay: 3 * time.Second}, stat, ErrTimeout, true},
		{"close-mid-body", server.Fault{Command: "RETR", CloseAfter: 5000}, retrAll, ErrTruncated, true},
		{"close-mid-status", server.Fault{Command: "STAT", CloseAfter: 3}, stat, io.ErrUnexpectedEOF, true},
		{"no-terminator", server.Fault{Command: "RETR", NoTerminator: true}, retrAll, ErrTruncated, true},
		{"garbage", server.Fault{Command: "STAT", Reply: "HELLO THERE"}, stat, ErrProtocol, true},
		{"long-line", server.Fault{Command: "NOOP", LongLine: 100000}, noop, ErrLineTooLong, true},
		{"bad-number", server.Fault{Command: "STAT", BadNumber: true}, stat, ErrProtocol, true},
		{"bad-list", server.Fault{Command: "LIST", BadNumber: true}, list, ErrProtocol, true},
		{"hangup", server.Fault{Command: "RETR", Hangup: true}, retrAll, io.ErrUnexpectedEOF, true},
		{"in-use", server.Fault{Command: "PASS", Reply: "-ERR [IN-USE] locked"}, func(c *Client, ctx context.Context) error {
			c.opts.AllowCleartext = true
			_, err := c.UserPass(ctx, "alice", "wonderland")
			return err
		}, ErrServer, false},
		{"login-delay", server.Fault{Command: "APOP", Reply: "-ERR [LOGIN-DELAY] wait"}, nil, ErrServer, false},
		{"retr-many-cut", server.Fault{Command: "RETR", Nth: 2, CloseAfter: 100}, retrMany, ErrTruncated, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g0 := runtime.NumGoroutine()
			e := newEnv(t, false, []string{msg, msg, msg}, withFaults(server.Faults{Rules: []server.Fault{tc.fault}}))
			o := e.opts()
			o.CommandTimeout = 300 * time.Millisecond
			ctx := testCtx(t)
			c, err := Dial(ctx, e.addr, o)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if tc.login {
				if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
					t.Fatal(err)
				}
				err = tc.call(c, ctx)
			} else if tc.call != nil {
				err = tc.call(c, ctx)
			} else {
				_, err = c.Login(ctx, "alice", "wonderland")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v, past the deadline", d)
			}
			var pe *Error
			if errors.As(err, &pe) {
				if !pe.Temporary() {
					t.Errorf("%v not temporary", pe)
				}
			} else if err := c.Noop(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("connection reused after %v", err)
			}
			c.Close()
			e.srv.Close()
			checkGoroutines(t, g0)
		})
	}
}

func stat(c *Client, ctx context.Context) error { _, _, err := c.Stat(ctx); return err }
func noop(c *Client, ctx context.Context) error { return c.Noop(ctx) }
func list(c *Client, ctx context.Context) error { _, err := c.List(ctx); return err }
func retrAll(c *Client, ctx context.Context) error {
	_, n, err := c.RetrTo(ctx, 1, io.Discard)
	if err == nil {
		return fmt.Errorf("complete-looking body of %d bytes", n)
	}
	return err
}
func retrMany(c *Client, ctx context.Context) error {
	return c.RetrMany(ctx, []int{1, 2, 3}, func(n int, body io.Reader) error {
		_, err := io.Copy(io.Discard, body)
		return err
	})
}

// checkGoroutines fails if goroutines started during a test are still
// running shortly after it ends.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines leaked:\n%s", n-before, buf[:runtime.Stack(buf, true)])
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

func TestUTF8Command(t *testing.T) {
	e := newEnv(t, false, []string{"x\n"})
	ctx := testCtx(t)
	c, err := Dial(ctx, e.addr, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
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

func TestDialAddr(t *testing.T) {
	e := newEnv(t, true, nil)
	ctx := testCtx(t)
	if _, err := Dial(ctx, "bad host", nil); !errors.Is(err, ErrBadArgument) {
		t.Errorf("Dial(bad host): %v", err)
	}
	// An address that asks for TLS is refused with options that forbid it,
	// before anything is dialled.
	for _, mode := range []TLSMode{PlainText, StartTLS} {
		o := e.opts()
		o.TLS = mode
		if _, err := Dial(ctx, "pop3s://"+e.tls, o); !errors.Is(err, ErrBadArgument) {
			t.Errorf("Dial(pop3s://, %v): %v, want ErrBadArgument", mode, err)
		}
	}
	// With TLSAuto, pop3s:// means implicit TLS.
	o := e.opts()
	o.TLS = TLSAuto
	c, err := Dial(ctx, "pop3s://"+e.tls+"/", o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() {
		t.Error("pop3s:// address: connection not encrypted")
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
}

func TestDialIPv6(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	be := server.NewMemoryBackend()
	be.AddUser("alice", "wonderland")
	srv := server.New(server.Options{Backend: be})
	go srv.Serve(l)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	c, err := Dial(testCtx(t), "[::1]:"+port, &Options{TLS: PlainText})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Host() != "::1" || c.Timestamp() == "" {
		t.Errorf("host %q timestamp %q", c.Host(), c.Timestamp())
	}
}

func TestDeleManyRefusal(t *testing.T) {
	for _, pipe := range []bool{true, false} {
		f := server.Faults{Rules: []server.Fault{{Command: "DELE", Nth: 3, Reply: "-ERR [SYS/PERM] read-only"}}}
		if !pipe {
			f.RemoveCapa = []string{"PIPELINING"}
		}
		e := newEnv(t, false, []string{"1\n", "2\n", "3\n", "4\n", "5\n"}, withFaults(f))
		c := e.login(t, nil)
		ctx := testCtx(t)
		err := c.DeleMany(ctx, []int{1, 2, 3, 4, 5})
		var pe *Error
		if !errors.As(err, &pe) || pe.Command != "DELE 3" || !pe.HasCode(CodeSysPerm) || pe.Temporary() {
			t.Fatalf("pipelining=%v: err = %v", pipe, err)
		}
		if err := c.Quit(ctx); err != nil {
			t.Fatal(err)
		}
		// Same outcome either way: everything but the refused message is gone.
		if left := e.be.Count("alice"); left != 1 {
			t.Errorf("pipelining=%v: %d messages left", pipe, left)
		}
	}
}
