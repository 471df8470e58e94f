package pop3test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"popsh/pop3/server"
)

// interopServer serves the edge set plus a few ordinary messages to user
// "u" with password "pw" and returns the server and the messages by name.
func interopServer(t *testing.T, tlsCfg ...*tls.Config) (*server.Server, map[string]EdgeMessage) {
	t.Helper()
	be := server.NewMemoryBackend()
	be.AddUser("u", "pw")
	byName := map[string]EdgeMessage{}
	for _, e := range EdgeMessages() {
		be.AddMessage("u", e.Stored)
		byName[e.Name] = e
	}
	for i, m := range SmallMessages(3, 9) {
		name := fmt.Sprintf("small-%d", i)
		byName[name] = newEdge(name, "ordinary message", m)
		be.AddMessage("u", m)
	}
	cfg := server.Options{Backend: be}
	if len(tlsCfg) > 0 {
		cfg.TLSConfig = tlsCfg[0]
	}
	return StartServer(t, cfg), byName
}

// match finds the message whose expected form equals got.
func match(byName map[string]EdgeMessage, got []byte, form func(EdgeMessage) []byte) string {
	for name, e := range byName {
		if bytes.Equal(form(e), got) {
			return name
		}
	}
	return ""
}

// TestInteropMpop fetches the edge set from our server with mpop (a real
// POP3 client, Debian package mpop) into a Maildir and compares each file
// byte for byte with the LF form.
func TestInteropMpop(t *testing.T) {
	bin, err := exec.LookPath("mpop")
	if err != nil {
		t.Skip("mpop not installed (apt-get install mpop): skipping interoperability test")
	}
	cert, err := server.GenerateCertificate("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := cert.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"plain", "stls", "pop3s"} {
		t.Run(mode, func(t *testing.T) { mpopFetch(t, bin, mode, cert.CAPEM, tlsCfg) })
	}
}

func mpopFetch(t *testing.T, bin, mode string, caPEM []byte, tlsCfg *tls.Config) {
	srv, byName := interopServer(t, tlsCfg)
	dir := t.TempDir()
	md := filepath.Join(dir, "md")
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(md, sub), 0o700)
	}
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, caPEM, 0o644)
	addr := srv.Addr().String()
	tlsLines := "tls off\nauth user\n"
	switch mode {
	case "stls":
		tlsLines = "tls on\ntls_starttls on\ntls_trust_file " + ca + "\nauth cram-md5\n"
	case "pop3s":
		addr = srv.TLSAddr().String()
		tlsLines = "tls on\ntls_starttls off\ntls_trust_file " + ca + "\nauth plain\n"
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	rc := filepath.Join(dir, "mpoprc")
	conf := fmt.Sprintf("account test\nhost localhost\nport %s\n%suser u\npassword pw\n"+
		"delivery maildir %s\nkeep on\nonly_new off\nreceived_header off\nuidls_file %s/uidls\npipelining on\n", port, tlsLines, md, dir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-q", "-C", rc, "test").CombinedOutput()
	if err != nil {
		t.Fatalf("mpop: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(md, "new", "*"))
	if len(files) != len(byName) {
		t.Fatalf("mpop delivered %d messages, want %d", len(files), len(byName))
	}
	seen := map[string]bool{}
	for _, f := range files {
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := match(byName, got, func(e EdgeMessage) []byte { return e.LF })
		if name == "" || seen[name] {
			t.Errorf("mpop wrote %s = %q, matching no expected LF form", filepath.Base(f), clip(got))
			continue
		}
		seen[name] = true
	}
}

// TestInteropPoplib fetches the edge set with Python's poplib and compares
// each message (lines joined with CRLF) with the CRLF form.
func TestInteropPoplib(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("python3 not installed: skipping interoperability test")
		}
	}
	srv, byName := interopServer(t)
	dir := t.TempDir()
	script := `
import poplib, sys, os
poplib._MAXLINE = 100000
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
p = poplib.POP3(host, port, timeout=20)
p.user("u"); p.pass_("pw")
n, _ = p.stat()
for i in range(1, n + 1):
    resp, lines, octets = p.retr(i)
    with open(os.path.join(out, "%d.eml" % i), "wb") as f:
        f.write(b"".join(l + b"\r\n" for l in lines))
p.quit()
`
	host, port, _ := strings.Cut(srv.Addr().String(), ":")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", script, host, port, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != len(byName) {
		t.Fatalf("poplib fetched %d messages, want %d", len(files), len(byName))
	}
	seen := map[string]bool{}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		name := match(byName, got, func(e EdgeMessage) []byte { return e.CRLF })
		if name == "" || seen[name] {
			t.Errorf("poplib got %s = %q, matching no expected CRLF form", filepath.Base(f), clip(got))
		}
		seen[name] = true
	}
}
