package server

import (
	"bufio"
	"crypto/tls"
	"strings"
	"testing"
)

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
