package server

import (
	"bufio"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestSASLLoginAndXOAuth2(t *testing.T) {
	srv, be := newTestServer(t, Options{SASLMechanisms: []string{"plain", "LOGIN", "XOAUTH2"}})
	be.AddUser("ann", "pass word")
	be.AddToken("ann", "ya29.token")
	addr := srv.Addr().String()

	c := dial(t, addr)
	c.greeting()
	if capa := string(c.multi("CAPA")); !strings.Contains(capa, "SASL PLAIN LOGIN XOAUTH2\r\n") {
		t.Fatalf("CAPA %q", capa)
	}
	if st := c.cmd("AUTH CRAM-MD5"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("CRAM-MD5 not offered but answered %q", st)
	}
	if st := c.cmd("AUTH LOGIN"); st != "+ "+b64("Username:") {
		t.Fatalf("LOGIN prompt %q", st)
	}
	if st := c.cmd(b64("ann")); st != "+ "+b64("Password:") {
		t.Fatalf("LOGIN password prompt %q", st)
	}
	if st := c.cmd(b64("wrong")); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("LOGIN wrong password: %q", st)
	}
	c.cmd("AUTH LOGIN " + b64("ann"))
	c.expectOK(b64("pass word"))
	c.expectOK("QUIT")

	c = dial(t, addr)
	c.greeting()
	st := c.cmd("AUTH XOAUTH2 " + b64("user=ann\x01auth=Bearer wrong\x01\x01"))
	if !strings.HasPrefix(st, "+ ") {
		t.Fatalf("XOAUTH2 failure challenge %q", st)
	}
	if js, _ := base64.StdEncoding.DecodeString(st[2:]); !strings.Contains(string(js), `"status":"401"`) {
		t.Fatalf("XOAUTH2 error %q", js)
	}
	if st := c.cmd(""); !strings.HasPrefix(st, "-ERR [AUTH]") {
		t.Fatalf("XOAUTH2 after empty response: %q", st)
	}
	if st := c.cmd("AUTH XOAUTH2"); st != "+ " {
		t.Fatalf("XOAUTH2 continuation %q", st)
	}
	c.expectOK(b64("user=ann\x01auth=Bearer ya29.token\x01\x01"))
	c.expectOK("QUIT")
}

func TestLockWait(t *testing.T) {
	srv, be := newTestServer(t, Options{LockWait: 2 * time.Second})
	be.AddUser("u", "p")
	c := login(t, srv.Addr().String(), "u", "p")
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	c2.expectOK("USER u")
	c2.send("PASS p")
	time.Sleep(100 * time.Millisecond)
	c.conn.Close() // the first session ends while the second one waits
	if st := c2.readLine(); !strings.HasPrefix(st, "+OK") {
		t.Fatalf("PASS waiting for the lock: %q", st)
	}
}

// TestSTLSDiscardsPipelinedCleartext: commands sent in cleartext after STLS
// (an injection) must not run inside the TLS session.
func TestSTLSDiscardsPipelinedCleartext(t *testing.T) {
	tlsCfg, pool, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	srv, be := newTestServer(t, Options{TLSConfig: tlsCfg})
	be.AddUser("u", "p")
	c := dial(t, srv.Addr().String())
	c.greeting()
	c.send("STLS\r\nUSER u")
	if st := c.readLine(); !strings.HasPrefix(st, "+OK") {
		t.Fatalf("STLS %q", st)
	}
	tc := tls.Client(c.conn, &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	c.conn, c.r = tc, bufio.NewReader(tc)
	if st := c.cmd("PASS p"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("PASS after injected USER: %q (the cleartext USER was used)", st)
	}
}

func TestCloseEndsAllGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	be.AddMessage("u", []byte(strings.Repeat("x", 1<<20)+"\n"))
	srv := New(Options{Backend: be})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	var conns []*rawClient
	for i := 0; i < 5; i++ {
		conns = append(conns, dial(t, srv.Addr().String()))
	}
	c := conns[0]
	c.greeting()
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.send("RETR 1") // not read: the server blocks writing
	time.Sleep(50 * time.Millisecond)
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for _, c := range conns {
		c.conn.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	if err := srv.Start("127.0.0.1:0"); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	if be.Count("u") != 1 {
		t.Fatal("Close deleted messages")
	}
}

func TestExtraCapabilitiesAndTooManyErrors(t *testing.T) {
	srv, _ := newTestServer(t, Options{ExtraCapabilities: []string{"EXPIRE 30", "LOGIN-DELAY 900"}})
	c := dial(t, srv.Addr().String())
	c.greeting()
	capa := string(c.multi("CAPA"))
	if !strings.Contains(capa, "\r\nEXPIRE 30\r\nLOGIN-DELAY 900\r\nIMPLEMENTATION popsh\r\n") {
		t.Fatalf("CAPA %q", capa)
	}
	for i := 1; i < maxBadCommands; i++ {
		if st := c.cmd("BOGUS"); !strings.HasPrefix(st, "-ERR") {
			t.Fatalf("BOGUS %d: %q", i, st)
		}
	}
	if st := c.cmd("BOGUS"); st != "-ERR Unknown command." {
		t.Fatalf("last BOGUS: %q", st)
	}
	if l := c.readLine(); l != "-ERR Too many invalid commands." {
		t.Fatalf("after %d invalid commands: %q", maxBadCommands, l)
	}
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection still open")
	}
}

// pipeSession runs a session over net.Pipe, whose peer is not the loopback.
func pipeSession(t *testing.T, opts Options) *rawClient {
	t.Helper()
	if opts.Hostname == "" {
		opts.Hostname = "test.invalid"
	}
	srv := New(opts)
	client, conn := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		newSession(srv, conn, 1, false).run()
	}()
	t.Cleanup(func() {
		client.Close()
		<-done
	})
	client.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{t: t, conn: client, r: bufio.NewReader(client)}
}

func TestCleartextRefusedFromElsewhere(t *testing.T) {
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	c := pipeSession(t, Options{Backend: be, SASLMechanisms: []string{"PLAIN", "LOGIN", "CRAM-MD5"}})
	ts := timestampRE.FindString(c.greeting())
	capa := string(c.multi("CAPA"))
	if strings.Contains(capa, "USER") || strings.Contains(capa, "PLAIN") || !strings.Contains(capa, "SASL CRAM-MD5\r\n") {
		t.Fatalf("CAPA from a remote host offers cleartext logins: %q", capa)
	}
	for _, cmd := range []string{"USER u", "PASS p", "AUTH PLAIN " + b64("\x00u\x00p"), "AUTH LOGIN"} {
		if st := c.cmd(cmd); !strings.HasPrefix(st, "-ERR [AUTH] Plaintext") {
			t.Fatalf("%s from a remote host: %q", cmd, st)
		}
	}
	if got := string(c.multi("AUTH")); got != "CRAM-MD5\r\n" {
		t.Fatalf("AUTH list %q", got)
	}
	sum := md5.Sum([]byte(ts + "p"))
	c.expectOK("APOP u " + hex.EncodeToString(sum[:]))
	c.expectOK("QUIT")

	c = pipeSession(t, Options{Backend: be, AllowInsecureAuth: true})
	c.greeting()
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.expectOK("QUIT")
}

func TestMaxConnections(t *testing.T) {
	srv, be := newTestServer(t, Options{MaxConnections: 2})
	be.AddUser("u", "p")
	c1 := dial(t, srv.Addr().String())
	c1.greeting()
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	c3 := dial(t, srv.Addr().String())
	if l := c3.readLine(); l != "-ERR [SYS/TEMP] Too many connections, try later." {
		t.Fatalf("third connection: %q", l)
	}
	c1.expectOK("QUIT")
	if _, err := c1.r.ReadByte(); err == nil {
		t.Fatal("QUIT did not close")
	}
	// The first session is gone (its goroutine may still be finishing):
	// a new connection is served again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dial(t, srv.Addr().String())
		l := c.readLine()
		if strings.HasPrefix(l, "+OK") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a session ended: %q", l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestIPv6Loopback(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	srv := New(Options{Backend: be})
	go srv.Serve(l)
	defer srv.Close()
	c := dial(t, l.Addr().String())
	c.greeting()
	if capa := string(c.multi("CAPA")); !strings.Contains(capa, "USER\r\n") {
		t.Fatalf("CAPA on ::1 hides USER (::1 is the loopback): %q", capa)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.expectOK("QUIT")
}
