package pop3

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"popsh/pop3/server"
)

// hostile is a small misbehaving POP3 server on 127.0.0.1 for the
// fail-closed tests: it sends greeting, then answers every command line
// with reply(line), and records the lines it received. A reply may carry
// extra bytes (an injection); the special reply "<TLS>" answers "+OK",
// then runs a TLS server handshake with cfg.
type hostile struct {
	addr string
	mu   sync.Mutex
	got  []string
	done chan struct{}
}

func newHostile(t *testing.T, greeting string, cfg *tls.Config, reply func(line string) string) *hostile {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{addr: l.Addr().String(), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		conn, err := l.Accept()
		l.Close()
		if err != nil {
			return
		}
		defer func() { conn.Close() }()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		rw := io.ReadWriter(conn)
		br := bufio.NewReader(rw)
		if _, err := io.WriteString(rw, greeting); err != nil {
			return
		}
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			h.mu.Lock()
			h.got = append(h.got, line)
			h.mu.Unlock()
			r := reply(line)
			if r == "<TLS>" {
				io.WriteString(rw, "+OK begin TLS\r\n")
				tc := tls.Server(conn, cfg)
				if err := tc.Handshake(); err != nil {
					return
				}
				rw = tc
				br = bufio.NewReader(rw)
				continue
			}
			if r == "" {
				return
			}
			if _, err := io.WriteString(rw, r); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-h.done:
		case <-time.After(10 * time.Second):
			t.Error("hostile server did not finish")
		}
	})
	return h
}

// lines returns the command lines received so far (after the client
// closed: call it after Close).
func (h *hostile) lines() []string {
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

// noCredential fails the test if a credential-bearing command was sent.
func noCredential(t *testing.T, lines []string) {
	t.Helper()
	for _, l := range lines {
		for _, verb := range []string{"USER", "PASS", "APOP", "AUTH"} {
			if strings.HasPrefix(strings.ToUpper(l), verb) {
				t.Errorf("credential sent: %q (all: %q)", l, lines)
			}
		}
		for _, secret := range []string{"secret", base64.StdEncoding.EncodeToString([]byte("secret")), base64.StdEncoding.EncodeToString([]byte("\x00u\x00secret"))} {
			if strings.Contains(l, secret) {
				t.Errorf("the password crossed: %q", l)
			}
		}
	}
}

// stlsServer answers CAPA with STLS and USER and everything else with
// stls for STLS and +OK otherwise.
func stlsServer(stls string) func(string) string {
	return func(line string) string {
		switch strings.ToUpper(line) {
		case "CAPA":
			return "+OK\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n"
		case "STLS":
			return stls
		case "QUIT":
			return "+OK bye\r\n"
		}
		return "+OK\r\n"
	}
}

// Every login method, with a server that offers STLS and then refuses it,
// a server whose handshake fails and a server that injects a reply after
// its STLS +OK, fails and sends no credential.
func TestSTLSFailureSendsNoCredential(t *testing.T) {
	garbage := func(line string) string {
		if strings.ToUpper(line) == "STLS" {
			return "+OK go\r\n" // then the "handshake" is this server's reply to the ClientHello
		}
		return stlsServer("")(line)
	}
	servers := []struct {
		name  string
		reply func(string) string
		want  error
	}{
		{"refused", stlsServer("-ERR not today\r\n"), ErrTLSRequired},
		{"injection", stlsServer("+OK begin TLS\r\n+OK logged in\r\n"), ErrProtocol},
		{"handshake", garbage, ErrNetwork},
	}
	logins := []struct {
		name  string
		login func(*Client) error
	}{
		{"Login", func(c *Client) error { _, err := c.Login(testCtx(t), "u", "secret"); return err }},
		{"UserPass", func(c *Client) error { _, err := c.UserPass(testCtx(t), "u", "secret"); return err }},
		{"APOP", func(c *Client) error { _, err := c.APOP(testCtx(t), "u", "secret"); return err }},
		{"AuthPlain", func(c *Client) error { _, err := c.Auth(testCtx(t), PlainAuth("", "u", "secret")); return err }},
		{"AuthLogin", func(c *Client) error { _, err := c.Auth(testCtx(t), LoginAuth("u", "secret")); return err }},
	}
	for _, s := range servers {
		for _, l := range logins {
			t.Run(s.name+"/"+l.name, func(t *testing.T) {
				h := newHostile(t, "+OK ready <1.2@host>\r\n", nil, s.reply)
				c, err := Dial(testCtx(t), h.addr, &Options{CommandTimeout: 5 * time.Second, DialTimeout: 5 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				err = l.login(c)
				if err == nil || !errors.Is(err, s.want) {
					t.Errorf("login: %v, want an error matching %v", err, s.want)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error shows the password: %v", err)
				}
				// A second attempt must not fall back either.
				l.login(c)
				c.Close()
				lines := h.lines()
				noCredential(t, lines)
				if !contains(lines, "STLS") {
					t.Errorf("STLS never tried: %q", lines)
				}
			})
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// In lockstep, bytes that answer no command are a protocol error: a server
// that sends an extra "+OK 7 7777" after a reply cannot have it taken as
// the reply to the next command.
func TestUnsolicitedReplyRefused(t *testing.T) {
	t.Run("after-every-reply", func(t *testing.T) {
		h := newHostile(t, "+OK ready\r\n+OK 7 7777\r\n", nil, func(line string) string { return "+OK\r\n+OK 7 7777\r\n" })
		c, err := Dial(testCtx(t), h.addr, peerOpts())
		if err == nil {
			n, size, err := c.Stat(testCtx(t))
			c.Close()
			t.Fatalf("Dial succeeded; Stat = %d %d %v", n, size, err)
		}
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("Dial: %v, want ErrProtocol", err)
		}
		h.lines()
	})
	for _, after := range []string{"PASS secret", "NOOP", "LIST", "RETR 1"} {
		t.Run("after-"+strings.Fields(after)[0], func(t *testing.T) {
			h := newHostile(t, "+OK ready\r\n", nil, func(line string) string {
				extra := ""
				if line == after {
					extra = "+OK 7 7777\r\n"
				}
				switch line {
				case "STAT":
					return "+OK 1 5\r\n" + extra
				case "LIST":
					return "+OK\r\n1 5\r\n.\r\n" + extra
				case "RETR 1":
					return "+OK\r\nabc\r\n.\r\n" + extra
				}
				return "+OK\r\n" + extra
			})
			c, err := Dial(testCtx(t), h.addr, peerOpts())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := testCtx(t)
			_, err = c.UserPass(ctx, "u", "secret")
			if err == nil {
				err = c.Noop(ctx)
			}
			if err == nil {
				_, err = c.List(ctx)
			}
			if err == nil {
				_, _, err = c.RetrTo(ctx, 1, io.Discard)
			}
			n, size, serr := c.Stat(ctx)
			if n == 7 || size == 7777 {
				t.Fatalf("the injected reply was taken for STAT's: %d %d", n, size)
			}
			if !errors.Is(err, ErrProtocol) || serr == nil {
				t.Errorf("injection after %s: err %v, then STAT %d %d %v", after, err, n, size, serr)
			}
			c.Close()
			h.lines()
		})
	}
}

// A login with SASL upgrades with STLS first when the server offers it.
func TestAuthUpgradesWithSTLS(t *testing.T) {
	e := newEnv(t, true, []string{"x\n"})
	o := e.opts()
	o.LocalPeer = notLocal
	c, err := Dial(testCtx(t), e.addr, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Auth(testCtx(t), PlainAuth("", "alice", "wonderland")); err != nil {
		t.Fatalf("AUTH PLAIN: %v (server saw %q)", err, e.seen())
	}
	if !c.IsTLS() {
		t.Error("AUTH PLAIN went over plain text")
	}
	seen := strings.Join(e.seen(), "|")
	if i, j := strings.Index(seen, "STLS"), strings.Index(seen, "AUTH"); i < 0 || j < i {
		t.Errorf("server saw %s: want STLS before AUTH", seen)
	}
}

// serverFingerprint returns the SHA-256 fingerprint of the certificate the
// server at addr presents.
func serverFingerprint(t *testing.T, addr string) []byte {
	t.Helper()
	tc, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	return Fingerprint(tc.ConnectionState().PeerCertificates[0].Raw)
}

func TestCertificatePinAndUntrusted(t *testing.T) {
	e := newEnv(t, true, []string{"x\n"})
	fp := serverFingerprint(t, e.tls)
	ctx := testCtx(t)

	// Untrusted (the test CA is not given): an error with the fingerprint.
	for _, mode := range []TLSMode{TLSAuto, ImplicitTLS} {
		addr := e.addr
		if mode == ImplicitTLS {
			addr = e.tls
		}
		c, err := Dial(ctx, addr, &Options{TLS: mode, DialTimeout: 5 * time.Second})
		if err == nil {
			_, err = c.Login(ctx, "alice", "wonderland")
			c.Close()
		}
		var ce *CertificateError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), FormatFingerprint(fp)) {
			t.Errorf("%v: untrusted certificate: %v", mode, err)
		}
		if Blame(err) != "protocol" {
			t.Errorf("Blame(%v) = %q", err, Blame(err))
		}
	}
	for _, l := range e.seen() {
		if strings.HasPrefix(l, "USER") || strings.HasPrefix(l, "PASS") || strings.HasPrefix(l, "AUTH") {
			t.Errorf("credential sent despite the certificate: %q", l)
		}
	}

	// Pinned: trusted without any root.
	c, err := Dial(ctx, e.addr, &Options{TLSFingerprint: fp, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil || !c.IsTLS() {
		t.Fatalf("login with the pin: %v (tls %v)", err, c.IsTLS())
	}
	c.Quit(ctx)

	// A wrong pin is refused even when the roots would trust the server.
	bad := append([]byte(nil), fp...)
	bad[0] ^= 0xff
	o := e.opts()
	o.TLSFingerprint = bad
	c, err = Dial(ctx, e.tls, &Options{TLS: ImplicitTLS, TLSConfig: o.TLSConfig, TLSFingerprint: bad, DialTimeout: 5 * time.Second})
	var ce *CertificateError
	if err == nil || !errors.As(err, &ce) || !errors.Is(err, ErrFingerprintMismatch) || !strings.Contains(err.Error(), FormatFingerprint(fp)) {
		t.Errorf("wrong pin: %v", err)
		if c != nil {
			c.Close()
		}
	}
}

func TestParseFingerprint(t *testing.T) {
	fp := Fingerprint([]byte("cert"))
	for _, s := range []string{FormatFingerprint(fp), strings.ToLower(strings.ReplaceAll(FormatFingerprint(fp), ":", ""))} {
		got, err := ParseFingerprint(s)
		if err != nil || FormatFingerprint(got) != FormatFingerprint(fp) {
			t.Errorf("ParseFingerprint(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "AB:CD", strings.Repeat("zz", 32)} {
		if _, err := ParseFingerprint(s); !errors.Is(err, ErrBadArgument) {
			t.Errorf("ParseFingerprint(%q): %v", s, err)
		}
	}
}

// A body line has no length limit: a 2 MiB line streams through.
func TestLongBodyLine(t *testing.T) {
	line := strings.Repeat("x", 2<<20)
	e := newEnv(t, false, []string{"Subject: long\n\n" + line + "\n"})
	c := e.login(t, nil)
	for _, le := range []LineEnding{CRLF, LF} {
		c.SetLineEnding(le)
		var sb strings.Builder
		if _, _, err := c.RetrTo(testCtx(t), 1, &sb); err != nil {
			t.Fatalf("RETR of a 2 MiB line: %v", err)
		}
		if !strings.Contains(sb.String(), line) {
			t.Errorf("line mangled: got %d bytes", sb.Len())
		}
	}
	// An explicit limit still applies.
	o := e.opts()
	o.MaxLineLength = 1 << 20
	c.Quit(testCtx(t))
	c2 := e.login(t, o)
	_, _, err := c2.RetrTo(testCtx(t), 1, io.Discard)
	if !errors.Is(err, ErrLineTooLong) || Blame(err) != "protocol" {
		t.Errorf("with MaxLineLength: %v", err)
	}
}

func TestBlame(t *testing.T) {
	e := newEnv(t, false, []string{"x\n"}, withFaults(server.Faults{Rules: []server.Fault{{Command: "RETR", Hangup: true}}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	err := c.Dele(ctx, 9)
	if Blame(err) != "server" {
		t.Errorf("Blame(%v) = %q", err, Blame(err))
	}
	_, _, err = c.RetrTo(ctx, 1, io.Discard)
	if Blame(err) != "network" {
		t.Errorf("Blame(%v) = %q", err, Blame(err))
	}
	if Blame(errors.New("disk full")) != "" {
		t.Error("a foreign error blamed on the engine")
	}
}

// Bytes that arrive after a reply was read, in a later segment, are seen
// before the next command is sent (plain TCP, Linux).
func TestUnsolicitedLateBytes(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	inject := make(chan struct{})
	got := make(chan string, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.WriteString(conn, "+OK ready\r\n")
		<-inject
		io.WriteString(conn, "+OK 7 7777\r\n")
		line, _ := bufio.NewReader(conn).ReadString('\n')
		got <- line
	}()
	c, err := Dial(testCtx(t), l.Addr().String(), peerOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.pending == nil {
		t.Skip("no socket peek on this platform")
	}
	close(inject)
	deadline := time.Now().Add(5 * time.Second)
	for !c.pending() {
		if time.Now().After(deadline) {
			t.Fatal("the injected bytes never arrived")
		}
		runtime.Gosched()
	}
	_, err = c.UserPass(testCtx(t), "u", "secret")
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("UserPass after late unsolicited bytes: %v", err)
	}
	c.Close()
	if line := <-got; line != "" {
		t.Errorf("the client sent %q after the unsolicited bytes", line)
	}
}
