package server

import (
	"io"
	"net"
	"testing"
	"time"
)

// FuzzSession feeds arbitrary client input to a session: the server must
// neither panic nor hang, and must answer every line with a status that
// starts with "+OK", "-ERR" or "+ " (a SASL continuation).
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"USER u\r\nPASS p\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 1\r\nDELE 1\r\nLAST\r\nRSET\r\nQUIT\r\n",
		"CAPA\r\nAUTH\r\nAUTH PLAIN\r\nAHUAcA==\r\nLIST 2\r\nQUIT\r\n",
		"AUTH CRAM-MD5\r\n*\r\nAPOP u 00\r\nUTF8\r\nSTLS\r\nNOOP\r\n",
		"USER u\nPASS p\nRETR 99999999999999999999\nTOP 1 -1\nDELE 0\n",
		"\r\n\x00\xff RETR\r\n",
	} {
		f.Add([]byte(seed))
	}
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	be.AddMessage("u", []byte("Subject: a\n\n.x\n"))
	be.AddMessage("u", []byte("b"))
	f.Fuzz(func(t *testing.T, input []byte) {
		srv := New(Options{Backend: be, Hostname: "fuzz", IdleTimeout: 100 * time.Millisecond, MaxLineLength: 256,
			SASLMechanisms: []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}, AllowInsecureAuth: true})
		client, conn := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			newSession(srv, conn, 1, false).run()
		}()
		go func() {
			client.Write(input)
			// Then QUIT; the session also ends on too many bad commands or
			// by its idle timeout (e.g. when QUIT lands in a SASL exchange).
			client.Write([]byte("\r\nQUIT\r\n"))
		}()
		client.SetReadDeadline(time.Now().Add(10 * time.Second))
		out, err := io.ReadAll(client)
		if err != nil {
			t.Fatalf("reading replies: %v (after %q)", err, out)
		}
		client.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("session did not end")
		}
		start := true
		for i := 0; i < len(out); i++ {
			if start {
				rest := out[i:]
				if !(hasPrefix(rest, "+OK") || hasPrefix(rest, "-ERR") || hasPrefix(rest, "+ ")) {
					// Lines of a multi-line body or listing are free-form;
					// only the first line must be a status.
					if i == 0 {
						t.Fatalf("first reply %q", out)
					}
				}
			}
			start = out[i] == '\n'
		}
	})
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }
