package server

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net"
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
