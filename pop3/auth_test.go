package pop3

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"

	"popsh/pop3/server"
)

func TestAPOPDigestRFC1939(t *testing.T) {
	got := APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf")
	if got != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Errorf("APOPDigest = %s", got)
	}
}

func TestCRAMMD5RFC2195(t *testing.T) {
	m := CRAMMD5Auth("tim", "tanstaaftanstaaf")
	name, ir, err := m.Start()
	if name != "CRAM-MD5" || ir != nil || err != nil {
		t.Fatalf("Start = %q, %q, %v", name, ir, err)
	}
	resp, err := m.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if err != nil || string(resp) != "tim b913a602c7eda7a495b4e6e7334d3890" {
		t.Errorf("Next = %q, %v", resp, err)
	}
	if _, err := m.Next([]byte("again")); err == nil {
		t.Error("second challenge accepted")
	}
	if r, err := CRAMMD5Auth("tim", "tanstaaftanstaaf").Next(nil); err == nil {
		t.Errorf("empty challenge answered with %q", r)
	}
}

func TestPlainLoginXOAUTH2(t *testing.T) {
	name, ir, _ := PlainAuth("", "alice", "pw").Start()
	if name != "PLAIN" || !bytes.Equal(ir, []byte("\x00alice\x00pw")) {
		t.Errorf("PLAIN = %q %q", name, ir)
	}
	if _, err := PlainAuth("", "a", "b").Next(nil); err == nil {
		t.Error("PLAIN accepted a challenge")
	}
	l := LoginAuth("alice", "pw")
	if name, ir, _ := l.Start(); name != "LOGIN" || ir != nil {
		t.Errorf("LOGIN start = %q %q", name, ir)
	}
	r1, _ := l.Next([]byte("Username:"))
	r2, _ := l.Next([]byte("Password:"))
	if string(r1) != "alice" || string(r2) != "pw" {
		t.Errorf("LOGIN steps = %q %q", r1, r2)
	}
	if _, err := l.Next(nil); err == nil {
		t.Error("LOGIN accepted a third challenge")
	}
	name, ir, _ = XOAUTH2Auth("a@b", "tok").Start()
	if name != "XOAUTH2" || string(ir) != "user=a@b\x01auth=Bearer tok\x01\x01" {
		t.Errorf("XOAUTH2 = %q %q", name, ir)
	}
}

func TestOAuthBearer(t *testing.T) {
	m := OAuthBearerAuth("a,b=c@x", "mail.example.org", 995, "tok")
	name, ir, err := m.Start()
	want := "n,a=a=2Cb=3Dc@x,\x01host=mail.example.org\x01port=995\x01auth=Bearer tok\x01\x01"
	if name != "OAUTHBEARER" || string(ir) != want || err != nil {
		t.Errorf("Start = %q %q %v", name, ir, err)
	}
	if r, _ := m.Next([]byte(`{"status":"invalid_token"}`)); string(r) != "\x01" {
		t.Errorf("Next = %q", r)
	}
}

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
