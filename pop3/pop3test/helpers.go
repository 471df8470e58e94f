package pop3test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"popsh/pop3/server"
)

// StartServer starts an in-process POP3 server for the test on 127.0.0.1
// (plain, with STLS when opts.TLSConfig is set, plus an implicit-TLS listener
// in that case) and closes it when the test ends. A nil opts.Backend gets a
// fresh MemoryBackend (keep your own reference instead when you need to add
// users).
func StartServer(t testing.TB, opts server.Options) *server.Server {
	t.Helper()
	if opts.Backend == nil {
		opts.Backend = server.NewMemoryBackend()
	}
	if opts.Hostname == "" {
		opts.Hostname = "popsh.test"
	}
	srv := server.New(opts)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("start POP3 server: %v", err)
	}
	if opts.TLSConfig != nil {
		if err := srv.StartTLS("127.0.0.1:0"); err != nil {
			srv.Close()
			t.Fatalf("start POP3S server: %v", err)
		}
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Recorder collects the command lines a server receives; pass its Hook as
// server.Options.OnCommand. Secrets arrive masked ("PASS ****").
type Recorder struct {
	mu    sync.Mutex
	lines []string
}

// Hook is the server.Options.OnCommand function.
func (r *Recorder) Hook(user, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, line)
}

// Lines returns a copy of the command lines received so far.
func (r *Recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// Reset forgets the lines received so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = nil
}

// Contains reports whether any received line contains s (e.g. a password
// that must never appear).
func (r *Recorder) Contains(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// RawConn is a hand-driven POP3 connection for tests that must see the
// protocol exactly; every failure stops the test.
type RawConn struct {
	t testing.TB
	// Conn is the underlying connection (replace it, and R, after STLS).
	Conn net.Conn
	// R reads from Conn.
	R *bufio.Reader
}

// Dial connects to addr with a 20-second deadline for the whole
// conversation and closes the connection when the test ends.
func Dial(t testing.TB, addr string) *RawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return NewRawConn(t, c)
}

// NewRawConn wraps an open connection (e.g. a *tls.Conn).
func NewRawConn(t testing.TB, c net.Conn) *RawConn {
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	return &RawConn{t: t, Conn: c, R: bufio.NewReaderSize(c, 64*1024)}
}

// Send writes line and CRLF.
func (c *RawConn) Send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.Conn, line+"\r\n"); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
}

// ReadLine reads one CRLF-terminated line and returns it without CRLF.
func (c *RawConn) ReadLine() string {
	c.t.Helper()
	l, err := c.R.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read line: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line %q does not end in CRLF", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// Cmd sends line and returns the status line.
func (c *RawConn) Cmd(line string) string {
	c.t.Helper()
	c.Send(line)
	return c.ReadLine()
}

// OK sends line and fails the test unless the reply is +OK; it returns the
// status line.
func (c *RawConn) OK(line string) string {
	c.t.Helper()
	st := c.Cmd(line)
	if !strings.HasPrefix(st, "+OK") {
		c.t.Fatalf("%s: got %q, want +OK", maskPass(line), st)
	}
	return st
}

func maskPass(line string) string {
	if len(line) >= 5 && strings.EqualFold(line[:5], "PASS ") {
		return "PASS ****"
	}
	return line
}

// ReadWire reads a multi-line body exactly as sent, terminating ".\r\n"
// included (still byte-stuffed).
func (c *RawConn) ReadWire() []byte {
	c.t.Helper()
	var out []byte
	for {
		l, err := c.R.ReadBytes('\n')
		out = append(out, l...)
		if err != nil {
			c.t.Fatalf("read body: %v after %d bytes", err, len(out))
		}
		if string(l) == ".\r\n" {
			return out
		}
	}
}

// Multi sends line, expects +OK and returns the body as ReadWire does.
func (c *RawConn) Multi(line string) []byte {
	c.t.Helper()
	c.OK(line)
	return c.ReadWire()
}
