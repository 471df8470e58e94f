package pop3

import (
	"crypto/x509"
	"errors"
	"io"
	"strings"
	"testing"
)

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
