package mail

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"popsh/bindings/scsh"
	"popsh/interp"
	"popsh/pop3/server"
)

// Test fixtures of the in-process server's maildrop for user alice.
var sampleMessages = []string{
	// 1: LF stored; dot-stuffed lines on the wire.
	"From: Ann <ann@example.org>\nSubject: one\n\nHello\n.dot line\n..two dots\n.\nend\n",
	// 2: CRLF stored.
	"From: Bob <bob@example.org>\r\nSubject: two\r\n\r\nbody two\r\n",
	// 3: no final newline.
	"From: Cy <cy@example.org>\nSubject: three\n\nthree",
}

const (
	testUser     = "alice"
	testPassword = "wonderland"
)

// pop3Env is an interpreter with popsh's bindings, talking to a private
// in-process POP3 server whose command transcript the test can read.
type pop3Env struct {
	t    *testing.T
	srv  *server.Server
	be   *server.MemoryBackend
	addr string
	host string // "127.0.0.1:PORT" as given to pop3-connect
	pool *x509.CertPool

	mu   sync.Mutex
	cmds []string // command lines received (secrets masked by the server)

	it  *interp.Interp
	out *bytes.Buffer
}

type envConfig struct {
	faults     server.Faults
	tls        bool // STLS offered, implicit TLS listener started
	requireTLS bool
	opts       Options
	noNetrc    bool
	cert       *server.Certificate // the server's certificate (with tls); nil: a fresh one
}

// newPOP3Env starts a server for alice with testMessages, writes a netrc
// (mode 0600) naming her for 127.0.0.1, points NETRC at it, clears
// MAILHOST, and returns a fresh interpreter with Install done.
func newPOP3Env(t *testing.T, cfg envConfig) *pop3Env {
	t.Helper()
	e := &pop3Env{t: t, be: server.NewMemoryBackend()}
	e.be.AddUser(testUser, testPassword)
	e.be.AddUser("bob", "builder")
	for _, m := range sampleMessages {
		if _, err := e.be.AddMessage(testUser, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	scfg := server.Options{
		Backend:    e.be,
		Hostname:   "test.invalid",
		Faults:     cfg.faults,
		RequireTLS: cfg.requireTLS,
		OnCommand: func(user, line string) {
			e.mu.Lock()
			e.cmds = append(e.cmds, line)
			e.mu.Unlock()
		},
	}
	if cfg.tls {
		cert := cfg.cert
		if cert == nil {
			var err error
			if cert, err = server.GenerateCertificate("localhost", "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		tc, err := cert.TLSConfig()
		if err != nil {
			t.Fatal(err)
		}
		scfg.TLSConfig = tc
		e.pool = cert.Pool()
	}
	e.srv = server.New(scfg)
	if err := e.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.srv.Close() })
	e.addr = e.srv.Addr().String()
	e.host = e.addr

	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	content := fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPassword)
	if cfg.noNetrc {
		content = ""
	}
	if err := os.WriteFile(netrc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)
	t.Setenv("MAILHOST", "")
	t.Setenv("HOME", dir)

	opts := cfg.opts
	if e.pool != nil && opts.TLSConfig == nil {
		opts.TLSConfig = testTLSConfig(e.pool)
	}
	e.it, e.out = newTestInterp(t, opts)
	return e
}

// newTestInterp returns an interpreter with Install done, writing to a
// buffer.
func newTestInterp(t *testing.T, opts Options) (*interp.Interp, *bytes.Buffer) {
	t.Helper()
	out := new(bytes.Buffer)
	it := interp.New(interp.WithOutput(out), interp.WithErrorOutput(out))
	if err := installAll(it, opts); err != nil {
		t.Fatalf("Install: %v", err)
	}
	return it, out
}

// eval evaluates src; output is flushed into e.out.
func (e *pop3Env) eval(src string) (interp.Value, error) {
	return evalIn(e.it, src)
}

func evalIn(it *interp.Interp, src string) (interp.Value, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := it.EvalString(ctx, src, "test.scm")
	it.FlushOutput()
	return v, err
}

// must evaluates src and fails the test on error; it returns the result
// as write prints it.
func (e *pop3Env) must(src string) string {
	e.t.Helper()
	v, err := e.eval(src)
	if err != nil {
		e.t.Fatalf("%s\n=> error: %v\noutput so far:\n%s", src, err, e.out.String())
	}
	return interp.WriteString(v)
}

// mustFail evaluates src, expects an error, and returns its text.
func (e *pop3Env) mustFail(src string) string {
	e.t.Helper()
	v, err := e.eval(src)
	if err == nil {
		e.t.Fatalf("%s\n=> %s, want an error", src, interp.WriteString(v))
	}
	return err.Error()
}

// commands returns the command lines the server has received so far.
func (e *pop3Env) commands() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.cmds...)
}

// waitCommands waits until the server has recorded n commands (the hook
// runs on the server's goroutine).
func (e *pop3Env) waitCommands(n int) []string {
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := e.commands()
		if len(c) >= n || time.Now().After(deadline) {
			return c
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// connectLogin defines conn and logs in with the netrc credentials.
func (e *pop3Env) connectLogin() {
	e.t.Helper()
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	e.must(`(pop3-login conn)`)
}

func wantContains(t *testing.T, what, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("%s: %q does not contain %q", what, got, s)
		}
	}
}

// installAll installs what bindings.Install does: the scsh layer, then this
// package's procedures (an internal test cannot import popsh/bindings).
func installAll(it *interp.Interp, opts Options) error {
	if err := scsh.Install(it); err != nil {
		return err
	}
	return Install(it, opts)
}
