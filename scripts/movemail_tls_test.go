package scripts

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/pop3"
	"popsh/pop3/server"
)

// newTLSSrv is newSrv with STLS offered, under a certificate from a CA
// the system does not know.
func newTLSSrv(t *testing.T, faults server.Faults) (*srvEnv, *server.Certificate) {
	t.Helper()
	cert, err := server.GenerateCertificate("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tc, err := cert.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	e := newSrv(t, faults)
	e.srv.Close()
	e.srv = server.New(server.Options{Backend: e.be, Hostname: "test.invalid", Faults: faults, TLSConfig: tc,
		OnCommand: func(user, line string) { e.mu.Lock(); e.cmds = append(e.cmds, line); e.mu.Unlock() }})
	if err := e.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.srv.Close() })
	e.env = append(e.env, "MAILHOST="+e.srv.Addr().String(), "SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem"))
	return e, cert
}

func noCredentialSent(t *testing.T, cmds []string) {
	t.Helper()
	for _, c := range cmds {
		if strings.HasPrefix(c, "USER") || strings.HasPrefix(c, "PASS") || strings.HasPrefix(c, "APOP") || strings.HasPrefix(c, "AUTH") {
			t.Errorf("credential sent: %q", c)
		}
	}
}

// movemail: a refused STLS ends the run; nothing crosses in clear.
func TestMovemailSTLSRefused(t *testing.T) {
	e, _ := newTLSSrv(t, server.Faults{Rules: []server.Fault{{Command: "STLS", Reply: "-ERR not today"}}})
	e.add(genMessages(2)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "refused") || !strings.Contains(r.stderr, "STLS") {
		t.Errorf("status %d, stderr %q", r.status, r.stderr)
	}
	noCredentialSent(t, e.commands())
	if e.be.Count(testUser) != 2 {
		t.Error("messages deleted")
	}
}

// movemail: an untrusted certificate is refused with its fingerprint and
// the options that trust it; --tls-fingerprint and --tls-ca-file do.
func TestMovemailCertificateTrust(t *testing.T) {
	e, cert := newTLSSrv(t, server.Faults{})
	e.add(genMessages(3)...)
	tc, _ := cert.TLSConfig()
	sum := sha256.Sum256(tc.Certificates[0].Certificate[0])
	fp := pop3.FormatFingerprint(sum[:])

	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", "--keep", dest)
	if r.status != 1 {
		t.Fatalf("untrusted: status %d, stderr %q", r.status, r.stderr)
	}
	for _, want := range []string{fp, "--tls-fingerprint", "--tls-ca-file"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	noCredentialSent(t, e.commands())

	r = run(t, e.env, "movemail.scm", "--keep", "--tls-fingerprint", strings.ToLower(strings.ReplaceAll(fp, ":", "")), dest)
	if r.status != 0 {
		t.Fatalf("--tls-fingerprint: status %d, stderr %q", r.status, r.stderr)
	}
	if got := maildirMessages(t, dest); len(got) != 3 {
		t.Errorf("%d messages moved", len(got))
	}
	cmds := strings.Join(e.commands(), "|")
	if i, j := strings.Index(cmds, "STLS"), strings.Index(cmds, "PASS"); i < 0 || j < i {
		t.Errorf("server saw %s", cmds)
	}

	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, cert.CAPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	dest2 := filepath.Join(t.TempDir(), "Mail2") + "/"
	r = run(t, e.env, "movemail.scm", "--tls-ca-file", ca, "-s", filepath.Join(t.TempDir(), "state2"), dest2)
	if r.status != 0 {
		t.Fatalf("--tls-ca-file: status %d, stderr %q", r.status, r.stderr)
	}
	if got := maildirMessages(t, dest2); len(got) != 3 {
		t.Errorf("%d messages moved with --tls-ca-file", len(got))
	}

	bad := "AA" + fp[2:]
	if bad == fp {
		bad = "BB" + fp[2:]
	}
	e.add(genMessages(1)...)
	r = run(t, e.env, "movemail.scm", "--tls-fingerprint", bad, filepath.Join(t.TempDir(), "M3")+"/")
	if r.status != 1 || !strings.Contains(r.stderr, fp) {
		t.Errorf("wrong pin: status %d, stderr %q", r.status, r.stderr)
	}
	for _, args := range [][]string{{"--tls-fingerprint", "12:34"}, {"--no-tls", "--tls-ca-file", ca}} {
		r = run(t, e.env, "movemail.scm", append(args, dest)...)
		if r.status != 2 {
			t.Errorf("%v: status %d, stderr %q", args, r.status, r.stderr)
		}
	}
}

// movemail --no-tls is the cleartext opt-in: no STLS. (That it also lets
// a password cross in clear to a remote server is tested in bindings,
// where the loopback check can be overridden.)
func TestMovemailNoTLS(t *testing.T) {
	e, _ := newTLSSrv(t, server.Faults{NoAPOPTimestamp: true})
	e.add(genMessages(2)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	r := run(t, e.env, "movemail.scm", "--no-tls", dest)
	if r.status != 0 {
		t.Fatalf("status %d, stderr %q", r.status, r.stderr)
	}
	cmds := strings.Join(e.commands(), "|")
	if strings.Contains(cmds, "STLS") || !strings.Contains(cmds, "RETR 2") {
		t.Errorf("server saw %s", cmds)
	}
	r = run(t, nil, "movemail.scm", "--help")
	if !strings.Contains(r.stdout, "--tls-fingerprint") || !strings.Contains(r.stdout, "in the clear") {
		t.Errorf("--help: %s", r.stdout)
	}
}
