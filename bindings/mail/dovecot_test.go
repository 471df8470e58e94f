package mail

// The pop3-* procedures and scsh's pop3.scm against a real server: a
// private Dovecot on 127.0.0.1 (pop3test.StartDovecot; skipped, saying so,
// when dovecot is not installed).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
	"popsh/pop3/pop3test"
)

func TestMain(m *testing.M) { pop3test.Main(m) }

// dovecotEnv is an interpreter pointed at a Dovecot user holding msgs.
type dovecotEnv struct {
	t   *testing.T
	d   *pop3test.Dovecot
	u   *pop3test.DovecotUser
	it  *interp.Interp
	out *bytes.Buffer
}

func newDovecotEnv(t *testing.T, opts Options, msgs ...[]byte) *dovecotEnv {
	t.Helper()
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	for _, m := range msgs {
		if err := u.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("MAILHOST", "")
	t.Setenv("NETRC", filepath.Join(t.TempDir(), "no-netrc"))
	if opts.TLSConfig == nil {
		opts.TLSConfig = d.ClientTLSConfig()
	}
	e := &dovecotEnv{t: t, d: d, u: u}
	e.it, e.out = newTestInterp(t, opts)
	return e
}

func (e *dovecotEnv) must(src string) string {
	e.t.Helper()
	v, err := evalIn(e.it, src)
	if err != nil {
		e.t.Fatalf("%s\n=> error: %v", src, err)
	}
	return interp.WriteString(v)
}

// login defines conn, connected to addr, and logs in as the env's user.
func (e *dovecotEnv) login(connect string) {
	e.t.Helper()
	e.must(fmt.Sprintf(`(define conn (%s))`, connect))
	e.must(fmt.Sprintf(`(pop3-login conn %q %q)`, e.u.Name, e.u.Password))
}

func TestPOP3DovecotLoginMethods(t *testing.T) {
	e := newDovecotEnv(t, Options{NoAutoStartTLS: true}, []byte("Subject: hi\n\nhello\n"))
	// Without TLS: APOP (Dovecot's greeting has a timestamp).
	log := filepath.Join(t.TempDir(), "log")
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q %q))`, e.d.Addr, log))
	e.must(fmt.Sprintf(`(pop3-login conn %q %q)`, e.u.Name, e.u.Password))
	e.must(`(pop3-quit conn)`)
	b, _ := os.ReadFile(log)
	wantContains(t, "log", string(b), "<- APOP "+e.u.Name+" ****", "-> +OK")
	if strings.Contains(string(b), e.u.Password) || strings.Contains(string(b), "PASS") {
		t.Errorf("log shows a password or PASS:\n%s", b)
	}
	// Explicit APOP.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.d.Addr))
	e.must(fmt.Sprintf(`(pop3-login/APOP conn %q %q)`, e.u.Name, e.u.Password))
	e.must(`(pop3-quit conn)`)
	// A wrong password: a -ERR condition with Dovecot's text and code.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.d.Addr))
	got := e.must(fmt.Sprintf(`(guard (c ((-ERR? c) (list (pop3-error-code c) (pop3-error-text c)))) (pop3-login conn %q "wrong"))`, e.u.Name))
	if !strings.HasPrefix(got, `("AUTH" "`) {
		t.Errorf("wrong password on Dovecot: %s", got)
	}
	e.must(`(pop3-close conn)`)
	// SASL PLAIN and CRAM-MD5, implicit TLS.
	for _, mech := range []string{"plain", "cram-md5", "login"} {
		e.must(fmt.Sprintf(`(define conn (pop3-connect/tls %q))`, e.d.TLSAddr))
		e.must(fmt.Sprintf(`(pop3-login/sasl conn '%s %q %q)`, mech, e.u.Name, e.u.Password))
		if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) (lambda (n o) n))`); got != "1" {
			t.Errorf("%s: stat = %s", mech, got)
		}
		e.must(`(pop3-quit conn)`)
	}
	// STLS by hand.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.d.Addr))
	e.must(`(pop3-starttls conn)`)
	e.must(fmt.Sprintf(`(pop3-login conn %q %q)`, e.u.Name, e.u.Password))
	e.must(`(pop3-quit conn)`)
}

func TestPOP3DovecotNetrc(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t) // made before Dovecot started: valid at once
	if err := u.AddMessage([]byte("Subject: netrc\n\nok\n")); err != nil {
		t.Fatal(err)
	}
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %q\n", u.Name, u.Password)), 0o600)
	t.Setenv("NETRC", netrc)
	t.Setenv("MAILHOST", d.Addr)
	it, _ := newTestInterp(t, Options{TLSConfig: d.ClientTLSConfig()})
	v, err := evalIn(it, `(let ((c (pop3-connect))) (pop3-login c) (call-with-values (lambda () (pop3-stat c)) (lambda (n o) (pop3-quit c) n)))`)
	if err != nil || interp.WriteString(v) != "1" {
		t.Errorf("netrc login on Dovecot: %v %v", v, err)
	}
}
