package server

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawClient speaks POP3 by hand, so the server's tests depend on no client.
type rawClient struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

func dial(t testing.TB, addr string) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawClient{t: t, conn: c, r: bufio.NewReader(c)}
}

func (c *rawClient) send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, line+"\r\n"); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
}

// readLine returns one line without its CRLF.
func (c *rawClient) readLine() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read line: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line %q does not end in CRLF", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// cmd sends line and returns the status line.
func (c *rawClient) cmd(line string) string {
	c.t.Helper()
	c.send(line)
	return c.readLine()
}

func (c *rawClient) expectOK(line string) string {
	c.t.Helper()
	st := c.cmd(line)
	if !strings.HasPrefix(st, "+OK") {
		c.t.Fatalf("%s: got %q, want +OK", line, st)
	}
	return st
}

// readBody reads a multi-line body up to the terminating dot and returns the
// exact bytes before ".\r\n" (still byte-stuffed).
func (c *rawClient) readBody() []byte {
	c.t.Helper()
	var out []byte
	for {
		l, err := c.r.ReadBytes('\n')
		if err != nil {
			c.t.Fatalf("read body: %v after %d bytes", err, len(out))
		}
		if string(l) == ".\r\n" {
			return out
		}
		out = append(out, l...)
	}
}

func (c *rawClient) multi(line string) []byte {
	c.t.Helper()
	c.expectOK(line)
	return c.readBody()
}

func newTestServer(t testing.TB, opts Options) (*Server, *MemoryBackend) {
	t.Helper()
	be, _ := opts.Backend.(*MemoryBackend)
	if opts.Backend == nil {
		be = NewMemoryBackend()
		opts.Backend = be
	}
	if opts.Hostname == "" {
		opts.Hostname = "test.invalid"
	}
	srv := New(opts)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, be
}

var timestampRE = regexp.MustCompile(`<[^<>]+@[^<>]+>`)

func (c *rawClient) greeting() string {
	c.t.Helper()
	g := c.readLine()
	if !strings.HasPrefix(g, "+OK") {
		c.t.Fatalf("greeting %q", g)
	}
	return g
}

func login(t testing.TB, addr, user, pass string) *rawClient {
	t.Helper()
	c := dial(t, addr)
	c.greeting()
	c.expectOK("USER " + user)
	c.expectOK("PASS " + pass)
	return c
}

func TestBasicSession(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("alice", "wonderland")
	m1 := "Subject: one\n\nfirst\n"
	m2 := "Subject: two\r\n\r\nsecond\r\nline\r\n"
	be.AddMessage("alice", []byte(m1))
	be.AddMessage("alice", []byte(m2))

	c := dial(t, srv.Addr().String())
	g := c.greeting()
	if !timestampRE.MatchString(g) {
		t.Fatalf("greeting %q has no APOP timestamp", g)
	}
	if st := c.cmd("STAT"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("STAT before login: %q", st)
	}
	c.expectOK("USER alice")
	c.expectOK("PASS wonderland")
	size1 := len(m1) + 3 // three bare LFs
	size2 := len(m2)
	if st, want := c.cmd("STAT"), fmt.Sprintf("+OK 2 %d", size1+size2); st != want {
		t.Fatalf("STAT = %q, want %q", st, want)
	}
	if got, want := string(c.multi("LIST")), fmt.Sprintf("1 %d\r\n2 %d\r\n", size1, size2); got != want {
		t.Fatalf("LIST = %q, want %q", got, want)
	}
	if st, want := c.cmd("LIST 2"), fmt.Sprintf("+OK 2 %d", size2); st != want {
		t.Fatalf("LIST 2 = %q, want %q", st, want)
	}
	if st := c.cmd("LIST 3"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("LIST 3 = %q", st)
	}
	st := c.expectOK("RETR 1")
	if want := fmt.Sprintf("+OK %d octets", size1); st != want {
		t.Fatalf("RETR status %q, want %q", st, want)
	}
	if got, want := string(c.readBody()), "Subject: one\r\n\r\nfirst\r\n"; got != want {
		t.Fatalf("RETR 1 body %q, want %q", got, want)
	}
	if got, want := string(c.multi("RETR 2")), m2; got != want {
		t.Fatalf("RETR 2 body %q, want %q", got, want)
	}
	uidl := string(c.multi("UIDL"))
	uids := be.UIDs("alice")
	if want := fmt.Sprintf("1 %s\r\n2 %s\r\n", uids[0], uids[1]); uidl != want {
		t.Fatalf("UIDL = %q, want %q", uidl, want)
	}
	if st := c.cmd("LAST"); st != "+OK 2" {
		t.Fatalf("LAST = %q, want +OK 2", st)
	}
	c.expectOK("DELE 1")
	if st := c.cmd("RETR 1"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("RETR of deleted message: %q", st)
	}
	if st := c.cmd("DELE 1"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("DELE of deleted message: %q", st)
	}
	if st, want := c.cmd("STAT"), fmt.Sprintf("+OK 1 %d", size2); st != want {
		t.Fatalf("STAT after DELE = %q, want %q", st, want)
	}
	if got, want := string(c.multi("LIST")), fmt.Sprintf("2 %d\r\n", size2); got != want {
		t.Fatalf("LIST after DELE = %q, want %q", got, want)
	}
	c.expectOK("RSET")
	if st := c.cmd("LAST"); st != "+OK 0" {
		t.Fatalf("LAST after RSET = %q", st)
	}
	c.expectOK("NOOP")
	c.expectOK("DELE 2")
	c.expectOK("QUIT")
	if _, err := c.r.ReadByte(); err != io.EOF {
		t.Fatalf("after QUIT: want EOF, got %v", err)
	}
	if got := be.UIDs("alice"); len(got) != 1 || got[0] != uids[0] {
		t.Fatalf("after QUIT maildrop holds %v, want [%s]", got, uids[0])
	}
}

func TestDroppedConnectionDeletesNothing(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("bob", "builder")
	be.AddMessage("bob", []byte("a\n"))
	be.AddMessage("bob", []byte("b\n"))
	c := login(t, srv.Addr().String(), "bob", "builder")
	c.expectOK("DELE 1")
	c.expectOK("DELE 2")
	c.conn.Close()
	// The lock is released when the session ends; a new login then works
	// and sees both messages.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c2 := dial(t, srv.Addr().String())
		c2.greeting()
		c2.expectOK("USER bob")
		st := c2.cmd("PASS builder")
		if strings.HasPrefix(st, "+OK") {
			if st := c2.cmd("STAT"); st != "+OK 2 6" {
				t.Fatalf("STAT after dropped session = %q, want +OK 2 6", st)
			}
			break
		}
		if !strings.Contains(st, "[IN-USE]") || time.Now().After(deadline) {
			t.Fatalf("PASS = %q", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if be.Count("bob") != 2 {
		t.Fatalf("backend holds %d messages, want 2", be.Count("bob"))
	}
}

func TestAuthFailuresAndLock(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("carol", "chess board!")
	addr := srv.Addr().String()
	c := dial(t, addr)
	c.greeting()
	if st := c.cmd("PASS x"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("PASS without USER: %q", st)
	}
	c.expectOK("USER carol")
	if st := c.cmd("PASS wrong"); st != "-ERR [AUTH] Authentication failed." {
		t.Fatalf("wrong password: %q", st)
	}
	c.expectOK("USER nobody")
	if st := c.cmd("PASS chess board!"); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("unknown user: %q", st)
	}
	c.expectOK("USER carol")
	c.expectOK("PASS chess board!") // password with spaces: rest of the line
	c2 := dial(t, addr)
	c2.greeting()
	c2.expectOK("USER carol")
	if st := c2.cmd("PASS chess board!"); !strings.HasPrefix(st, "-ERR [IN-USE]") {
		t.Fatalf("second session: %q, want -ERR [IN-USE]", st)
	}
	if st := c.cmd("USER carol"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("USER in TRANSACTION: %q", st)
	}
	c.expectOK("QUIT")
}

func TestAPOP(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("mrose", "tanstaaf")
	c := dial(t, srv.Addr().String())
	ts := timestampRE.FindString(c.greeting())
	sum := md5.Sum([]byte(ts + "tanstaaf"))
	if st := c.cmd("APOP mrose 0123456789abcdef0123456789abcdef"); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("bad digest: %q", st)
	}
	c.expectOK("APOP mrose " + hex.EncodeToString(sum[:]))
	if st := c.cmd("STAT"); st != "+OK 0 0" {
		t.Fatalf("STAT = %q", st)
	}
	// The RFC 1939 example digest, for the record of the algorithm.
	ex := md5.Sum([]byte("<1896.697170952@dbc.mtview.ca.us>tanstaaf"))
	if hex.EncodeToString(ex[:]) != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Fatal("RFC 1939 APOP example digest mismatch")
	}
}

func TestSASL(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("dave", "open sesame")
	addr := srv.Addr().String()
	plain := func(authz, user, pass string) string {
		return base64.StdEncoding.EncodeToString([]byte(authz + "\x00" + user + "\x00" + pass))
	}

	c := dial(t, addr)
	c.greeting()
	if got := string(c.multi("AUTH")); got != "PLAIN\r\nCRAM-MD5\r\n" {
		t.Fatalf("AUTH list %q", got)
	}
	if st := c.cmd("AUTH PLAIN " + plain("", "dave", "nope")); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("AUTH PLAIN wrong: %q", st)
	}
	if st := c.cmd("AUTH PLAIN"); st != "+ " {
		t.Fatalf("AUTH PLAIN continuation %q", st)
	}
	if st := c.cmd("*"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("cancel: %q", st)
	}
	if st := c.cmd("AUTH PLAIN"); st != "+ " {
		t.Fatalf("AUTH PLAIN continuation %q", st)
	}
	c.expectOK(plain("", "dave", "open sesame"))
	c.expectOK("QUIT")

	c = dial(t, addr)
	c.greeting()
	c.expectOK("AUTH PLAIN " + plain("dave", "dave", "open sesame"))
	c.expectOK("QUIT")

	c = dial(t, addr)
	c.greeting()
	st := c.cmd("AUTH CRAM-MD5")
	if !strings.HasPrefix(st, "+ ") {
		t.Fatalf("CRAM-MD5 challenge %q", st)
	}
	chal, err := base64.StdEncoding.DecodeString(st[2:])
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(md5.New, []byte("open sesame"))
	mac.Write(chal)
	c.expectOK(base64.StdEncoding.EncodeToString([]byte("dave " + hex.EncodeToString(mac.Sum(nil)))))
	c.expectOK("QUIT")
}

func TestCAPAAndSTLS(t *testing.T) {
	tlsCfg, pool, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	srv, be := newTestServer(t, Options{TLSConfig: tlsCfg, RequireTLS: true})
	be.AddUser("erin", "pw")
	be.AddMessage("erin", []byte("x\n"))
	c := dial(t, srv.Addr().String())
	c.greeting()
	capa := string(c.multi("CAPA"))
	for _, want := range []string{"TOP\r\n", "UIDL\r\n", "PIPELINING\r\n", "RESP-CODES\r\n", "AUTH-RESP-CODE\r\n", "STLS\r\n", "UTF8\r\n"} {
		if !strings.Contains(capa, want) {
			t.Errorf("CAPA lacks %q: %q", want, capa)
		}
	}
	if strings.Contains(capa, "USER") || strings.Contains(capa, "SASL") {
		t.Errorf("CAPA offers cleartext login before TLS with RequireTLS: %q", capa)
	}
	if st := c.cmd("USER erin"); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("USER before STLS with RequireTLS: %q", st)
	}
	c.expectOK("STLS")
	tc := tls.Client(c.conn, &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake: %v", err)
	}
	c.conn, c.r = tc, bufio.NewReader(tc)
	capa = string(c.multi("CAPA"))
	if strings.Contains(capa, "STLS") || !strings.Contains(capa, "USER") {
		t.Fatalf("CAPA after STLS: %q", capa)
	}
	if st := c.cmd("STLS"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("second STLS: %q", st)
	}
	c.expectOK("USER erin")
	c.expectOK("PASS pw")
	if got := string(c.multi("RETR 1")); got != "x\r\n" {
		t.Fatalf("RETR over TLS: %q", got)
	}
	c.expectOK("QUIT")
}

func TestImplicitTLS(t *testing.T) {
	cert, err := GenerateCertificate("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := cert.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	srv := New(Options{Backend: be, TLSConfig: tlsCfg})
	if err := srv.StartTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn, err := tls.Dial("tcp", srv.TLSAddr().String(), &tls.Config{RootCAs: cert.Pool(), ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("POP3S dial with verification: %v", err)
	}
	defer conn.Close()
	c := &rawClient{t: t, conn: conn, r: bufio.NewReader(conn)}
	c.greeting()
	if capa := string(c.multi("CAPA")); strings.Contains(capa, "STLS") {
		t.Fatalf("CAPA on POP3S offers STLS: %q", capa)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.expectOK("QUIT")
	// An unknown CA must fail verification.
	if _, err := tls.Dial("tcp", srv.TLSAddr().String(), &tls.Config{ServerName: "127.0.0.1"}); err == nil {
		t.Fatal("TLS dial without the test CA succeeded")
	}
}

func TestTOPAndStuffing(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("u", "p")
	msg := "From: a\nSubject: dots\n\n.one\n..two\n.\nfour\nfive"
	be.AddMessage("u", []byte(msg))
	c := login(t, srv.Addr().String(), "u", "p")
	wire := "From: a\r\nSubject: dots\r\n\r\n..one\r\n...two\r\n..\r\nfour\r\nfive\r\n"
	if got := string(c.multi("RETR 1")); got != wire {
		t.Fatalf("RETR = %q, want %q", got, wire)
	}
	if st, want := c.cmd("LIST 1"), fmt.Sprintf("+OK 1 %d", len(msg)+7); st != want {
		t.Fatalf("LIST 1 = %q, want %q", st, want)
	}
	for n, want := range map[int]string{
		0:  "From: a\r\nSubject: dots\r\n\r\n",
		2:  "From: a\r\nSubject: dots\r\n\r\n..one\r\n...two\r\n",
		3:  "From: a\r\nSubject: dots\r\n\r\n..one\r\n...two\r\n..\r\n",
		99: wire,
	} {
		if got := string(c.multi(fmt.Sprintf("TOP 1 %d", n))); got != want {
			t.Errorf("TOP 1 %d = %q, want %q", n, got, want)
		}
	}
	for _, bad := range []string{"TOP 1", "TOP 1 -1", "TOP x 1", "TOP 2 0", "RETR 0", "RETR -1", "RETR +1", "RETR", "DELE 9"} {
		if st := c.cmd(bad); !strings.HasPrefix(st, "-ERR") {
			t.Errorf("%s: %q, want -ERR", bad, st)
		}
	}
}

func TestPipelining(t *testing.T) {
	srv, be := newTestServer(t, Options{})
	be.AddUser("p", "q")
	const n = 50
	for i := 0; i < n; i++ {
		be.AddMessage("p", []byte(fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)))
	}
	c := dial(t, srv.Addr().String())
	c.greeting()
	var b strings.Builder
	b.WriteString("USER p\r\nPASS q\r\nSTAT\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "RETR %d\r\nDELE %d\r\n", i, i)
	}
	b.WriteString("QUIT\r\n")
	if _, err := io.WriteString(c.conn, b.String()); err != nil {
		t.Fatal(err)
	}
	c.readLine()
	c.readLine()
	if st := c.readLine(); !strings.HasPrefix(st, fmt.Sprintf("+OK %d ", n)) {
		t.Fatalf("STAT %q", st)
	}
	for i := 0; i < n; i++ {
		if st := c.readLine(); !strings.HasPrefix(st, "+OK") {
			t.Fatalf("RETR %d: %q", i+1, st)
		}
		if got, want := string(c.readBody()), fmt.Sprintf("Subject: %d\r\n\r\nbody %d\r\n", i, i); got != want {
			t.Fatalf("RETR %d body %q, want %q (replies out of order?)", i+1, got, want)
		}
		if st := c.readLine(); !strings.HasPrefix(st, "+OK") {
			t.Fatalf("DELE %d: %q", i+1, st)
		}
	}
	if st := c.readLine(); !strings.HasPrefix(st, "+OK") {
		t.Fatalf("QUIT %q", st)
	}
	if be.Count("p") != 0 {
		t.Fatalf("%d messages left", be.Count("p"))
	}
}

func TestLimits(t *testing.T) {
	srv, be := newTestServer(t, Options{MaxLineLength: 100, IdleTimeout: 500 * time.Millisecond})
	be.AddUser("u", "p")
	c := dial(t, srv.Addr().String())
	c.greeting()
	if st := c.cmd("USER " + strings.Repeat("a", 200)); st != "-ERR Line too long." {
		t.Fatalf("overlong line: %q", st)
	}
	c.expectOK("USER u") // the session goes on
	if st := c.cmd("FROB"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("unknown command: %q", st)
	}
	start := time.Now()
	if l := c.readLine(); l != "-ERR Disconnected for inactivity." {
		t.Fatalf("idle: %q", l)
	}
	if _, err := c.r.ReadByte(); err != io.EOF {
		t.Fatalf("after idle timeout: %v, want EOF", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("idle timeout took %v", d)
	}
}

func TestOnCommandMasksSecrets(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	srv, be := newTestServer(t, Options{OnCommand: func(user, line string) {
		mu.Lock()
		lines = append(lines, user+"|"+line)
		mu.Unlock()
	}})
	be.AddUser("u", "s3cret")
	c := login(t, srv.Addr().String(), "u", "s3cret")
	c.expectOK("STAT")
	c.expectOK("QUIT")
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	c2.cmd("AUTH PLAIN")
	c2.cmd(base64.StdEncoding.EncodeToString([]byte("\x00u\x00s3cret")))
	c2.expectOK("QUIT")
	srv.Close()
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(lines, "\n")
	want := "|USER u\nu|PASS ****\nu|STAT\nu|QUIT\n|AUTH PLAIN\n|****\nu|QUIT"
	if got != want {
		t.Fatalf("transcript\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "s3cret") || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte("\x00u\x00s3cret"))) {
		t.Fatal("secret in transcript")
	}
}

func TestShutdown(t *testing.T) {
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	srv := New(Options{Backend: be})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv.Addr().String(), "u", "p")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	if err := <-done; err == nil {
		t.Fatal("Shutdown with an open idle session returned nil before its deadline")
	}
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("session still open after Shutdown deadline")
	}
	if _, err := net.DialTimeout("tcp", srv.Addr().String(), time.Second); err == nil {
		t.Fatal("listener still accepting after Shutdown")
	}
}
