package pop3

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"popsh/pop3/server"
)

// testEnv is an in-process POP3 server for one test.
type testEnv struct {
	srv  *server.Server
	be   *server.MemoryBackend
	addr string // plain (STLS offered when tls is set)
	tls  string // implicit TLS, or ""
	pool *x509.CertPool

	mu       sync.Mutex
	commands []string // as the server saw them (secrets masked by the server)
}

type envOpt func(*server.Options)

func withFaults(f server.Faults) envOpt          { return func(c *server.Options) { c.Faults = f } }
func withRequireTLS() envOpt                     { return func(c *server.Options) { c.RequireTLS = true } }
func withOptions(f func(*server.Options)) envOpt { return f }

// newEnv starts a server with user alice (password "wonderland") and the
// given messages, plus STLS and implicit TLS when useTLS.
func newEnv(t testing.TB, useTLS bool, msgs []string, opts ...envOpt) *testEnv {
	t.Helper()
	e := &testEnv{be: server.NewMemoryBackend()}
	e.be.AddUser("alice", "wonderland")
	for _, m := range msgs {
		if _, err := e.be.AddMessage("alice", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	so := server.Options{Backend: e.be, Hostname: "test.example", OnCommand: func(user, line string) {
		e.mu.Lock()
		e.commands = append(e.commands, line)
		e.mu.Unlock()
	}}
	if useTLS {
		tc, pool, err := server.SelfSignedTLS()
		if err != nil {
			t.Fatal(err)
		}
		so.TLSConfig = tc
		e.pool = pool
	}
	for _, o := range opts {
		o(&so)
	}
	e.srv = server.New(so)
	if err := e.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e.addr = e.srv.Addr().String()
	if useTLS {
		if err := e.srv.StartTLS("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		e.tls = e.srv.TLSAddr().String()
	}
	t.Cleanup(func() { e.srv.Close() })
	return e
}

func (e *testEnv) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.commands...)
}

func (e *testEnv) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: e.pool}
}

// opts returns client options for this server: verified TLS with the
// test CA.
func (e *testEnv) opts() *Options {
	o := &Options{CommandTimeout: 5 * time.Second, DialTimeout: 5 * time.Second}
	if e.pool != nil {
		o.TLSConfig = e.tlsConfig()
	}
	return o
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial connects to the plain listener (nil o: e.opts()); the client is
// closed when the test ends.
func (e *testEnv) dial(t testing.TB, o *Options) *Client {
	t.Helper()
	if o == nil {
		o = e.opts()
	}
	c, err := Dial(testCtx(t), e.addr, o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// login connects and logs in as alice.
func (e *testEnv) login(t testing.TB, o *Options) *Client {
	t.Helper()
	ctx := testCtx(t)
	c := e.dial(t, o)
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// crlf converts LF to CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
