package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"popsh/interp"
	"popsh/pop3/server"
)

func testTLSConfig(pool *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: pool}
}

// wire returns how message i of testMessages reads in LF mode.
func lfText(i int) string {
	m := strings.ReplaceAll(sampleMessages[i], "\r\n", "\n")
	if !strings.HasSuffix(m, "\n") {
		m += "\n" // the server adds the final line end, as Dovecot does
	}
	return m
}

func crlfText(i int) string {
	return strings.ReplaceAll(lfText(i), "\n", "\r\n")
}

func TestPOP3ConnectPrintsHost(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	got := e.must(fmt.Sprintf(`(pop3-connect %q)`, e.host))
	if got != "#{pop3-connection 127.0.0.1}" {
		t.Errorf("connection prints as %s, want #{pop3-connection 127.0.0.1}", got)
	}
	if got := e.must(`(pop3-connection? (pop3-connect "` + e.host + `"))`); got != "#t" {
		t.Errorf("pop3-connection? = %s", got)
	}
	if got := e.must(`(pop3-connection? 5)`); got != "#f" {
		t.Errorf("pop3-connection? 5 = %s", got)
	}
}

func TestPOP3MailhostOverridesHost(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	t.Setenv("MAILHOST", e.host)
	// The argument names a host that does not resolve: MAILHOST wins, as
	// in pop3.scm.
	e.must(`(define conn (pop3-connect "no-such-host.invalid"))`)
	if got := e.must(`(pop3-connection-host conn)`); got != `"127.0.0.1"` {
		t.Errorf("host = %s", got)
	}
	e.must(`(pop3-login conn)`)
	// And with no argument at all.
	e.must(`(define c2 (pop3-connect))`)
	e.must(`(pop3-quit conn)`)
	e.must(`(pop3-login c2)`)
}

func TestPOP3ConnectBadHost(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	for _, tc := range []struct{ src, want string }{
		{`(pop3-connect)`, "no host"},
		{`(pop3-connect "ftp://x")`, "unknown scheme"},
		{`(pop3-connect "host:99999")`, `pop3-connect: bad port "99999" in host "host:99999" (want 1-65535)`},
		{`(pop3-connect "[::1")`, "missing ]"},
		{`(pop3-connect/no-tls "pop3s://127.0.0.1")`, "asks for TLS"},
		{`(pop3-connect 42)`, "pop3-connect: argument 1 (host): expected a string, got 42"},
		{`(pop3-connect "127.0.0.1" 7)`, "pop3-connect: argument 2 (logfile): expected a string, got 7"},
		{`(pop3-connect/no-tls 42)`, "pop3-connect/no-tls: expected a string, got 42"},
		{`(pop3-connect "127.0.0.1:1")`, "pop3-connect"},
	} {
		got := e.mustFail(tc.src)
		wantContains(t, tc.src, got, tc.want)
	}
}

func TestPOP3LoginNetrcUsesAPOP(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	st := e.must(`(pop3-login conn)`)
	if !strings.HasPrefix(st, `" `) {
		t.Errorf("status %s: want the text after +OK with its leading space, as pop3.scm returns it", st)
	}
	cmds := e.waitCommands(2)
	joined := strings.Join(cmds, "\n")
	if !regexp.MustCompile(`(?m)^APOP alice \*\*\*\*$`).MatchString(joined) {
		t.Errorf("no APOP in %q: the greeting has a timestamp, APOP is the strongest method without TLS", joined)
	}
	if strings.Contains(joined, "PASS") || strings.Contains(joined, testPassword) {
		t.Errorf("password sent in clear: %q", joined)
	}
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) list)`); got != "(3 "+fmt.Sprint(e.dropSize())+")" {
		t.Errorf("stat after login = %s", got)
	}
}

// dropSize is the maildrop size as STAT reports it.
func (e *pop3Env) dropSize() int {
	n := 0
	for i := range sampleMessages {
		m := strings.ReplaceAll(sampleMessages[i], "\r\n", "\n")
		n += len(m) + strings.Count(m, "\n")
	}
	return n
}

func TestPOP3LoginUserPassWithoutTimestamp(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{NoAPOPTimestamp: true}, opts: Options{}})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	e.must(`(pop3-login conn "alice" "wonderland")`)
	joined := strings.Join(e.waitCommands(3), "\n")
	// No timestamp: the server's CRAM-MD5 is the next strongest.
	if !strings.Contains(joined, "AUTH CRAM-MD5") {
		t.Errorf("commands %q: want AUTH CRAM-MD5 (no APOP timestamp, SASL CRAM-MD5 offered)", joined)
	}
}

func TestPOP3LoginFallsBackOnPlainERR(t *testing.T) {
	// APOP refused as a method (a -ERR without response code): USER/PASS
	// next, as pop3.scm falls back.
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{{Command: "APOP", Reply: "-ERR APOP switched off here"}}}})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	e.must(`(pop3-login conn)`)
	joined := strings.Join(e.waitCommands(3), "\n")
	for _, want := range []string{"APOP alice ****", "USER alice", "PASS ****"} {
		if !strings.Contains(joined, want) {
			t.Errorf("commands %q lack %q", joined, want)
		}
	}
	if got := e.must(`(pop3-last conn)`); got != "0" {
		t.Errorf("pop3-last after login = %s", got)
	}
}

func TestPOP3LoginFailedRaisesERR(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	// guard, -ERR?, error?, error-object?, the accessors.
	got := e.must(`(guard (c (#t (list (-ERR? c) (error? c) (error-object? c)
	                                  (pop3-error-text c) (pop3-error-code c) (pop3-error-command c)
	                                  (condition-stuff c))))
	                 (pop3-login conn "alice" "wrong"))`)
	want := `(#t #t #t "Authentication failed." "AUTH" "APOP alice ****" (" [AUTH] Authentication failed." "APOP alice ****"))`
	if got != want {
		t.Errorf("condition = %s\nwant        %s", got, want)
	}
	// [AUTH] means the credentials are wrong: no cleartext retry.
	joined := strings.Join(e.waitCommands(1), "\n")
	if strings.Contains(joined, "USER") || strings.Contains(joined, "PASS") {
		t.Errorf("USER/PASS tried after [AUTH]: %q", joined)
	}
	// with-handler sees it too, and its value becomes the call's value.
	got = e.must(`(with-handler (lambda (c punt) (if (-ERR? c) 'refused (punt)))
	                (lambda () (pop3-login conn "alice" "wrong")))`)
	if got != "refused" {
		t.Errorf("with-handler value = %s, want refused", got)
	}
	// Uncaught, it names the procedure and the server's text.
	msg := e.mustFail(`(pop3-login conn "alice" "wrong")`)
	wantContains(t, "uncaught", msg, "Authentication failed", "APOP alice ****")
	// The connection is still usable: the right password now works.
	e.must(`(pop3-login conn)`)
}

func TestPOP3NotInTransactionSendsNothing(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	before := len(e.waitCommands(0))
	for _, call := range []string{
		`(pop3-stat conn)`, `(pop3-get conn 1)`, `(pop3-headers conn 1)`, `(pop3-last conn)`,
		`(pop3-delete conn 1)`, `(pop3-reset conn)`, `(pop3-quit conn)`, `(pop3-top conn 1 2)`,
		`(pop3-list conn)`, `(pop3-uidl conn)`, `(pop3-noop conn)`, `(pop3-delete-all conn)`,
		`(pop3-get-all conn)`, `(pop3-for-each-message conn list)`,
	} {
		got := e.must(fmt.Sprintf(`(guard (c ((error-object? c) (list (condition-type c) (error-object-message c)))) %s)`, call))
		if !strings.Contains(got, `call-error "not in transaction state"`) {
			t.Errorf("%s before login: %s, want a call-error \"not in transaction state\"", call, got)
		}
	}
	// with-handler sees the call-error, as pop3.scm's own check raises it.
	if got := e.must(`(with-handler (lambda (c punt) (if (call-error? c) (car (condition-stuff c)) (punt))) (lambda () (pop3-stat conn)))`); got != `"not in transaction state"` {
		t.Errorf("with-handler on call-error: %s", got)
	}
	// Let a NOOP through to be sure the transcript is current.
	e.must(`(pop3-login conn)`)
	e.must(`(pop3-noop conn)`)
	cmds := e.waitCommands(before + 2)
	for _, c := range cmds[before:] {
		if !strings.HasPrefix(c, "APOP") && c != "NOOP" && c != "CAPA" {
			t.Errorf("command %q sent while not in transaction state", c)
		}
	}
	// After quit, the same.
	e.must(`(pop3-quit conn)`)
	got := e.mustFail(`(pop3-stat conn)`)
	wantContains(t, "after quit", got, "not in transaction state")
}

func TestPOP3BadMsgidSendsNothing(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	n := len(e.waitCommands(1))
	for _, arg := range []string{"0", "-1", `"1"`, "1.5", "'one", "(expt 10 30)"} {
		for _, proc := range []string{"pop3-get", "pop3-headers", "pop3-delete"} {
			got := e.mustFail(fmt.Sprintf("(%s conn %s)", proc, arg))
			wantContains(t, proc+" "+arg, got, proc+": argument 2 (msgid): expected a message number (a positive exact integer), got ")
		}
	}
	wantContains(t, "pop3-top", e.mustFail(`(pop3-top conn 1 -1)`), "pop3-top: argument 3 (lines): expected a non-negative exact integer, got -1")
	wantContains(t, "pop3-get-all", e.mustFail(`(pop3-get-all conn '(1 0))`),
		"pop3-get-all: argument 2 (msgids): element 2: expected a message number (a positive exact integer), got 0")
	wantContains(t, "pop3-for-each-message", e.mustFail(`(pop3-for-each-message conn list '(x))`),
		"pop3-for-each-message: argument 3 (msgids): element 1: expected a message number")
	wantContains(t, "pop3-delete-all", e.mustFail(`(pop3-delete-all conn 7)`),
		"pop3-delete-all: argument 2 (msgids): expected a list of message numbers, got 7")
	e.must(`(pop3-noop conn)`)
	cmds := e.waitCommands(n + 1)
	if got := cmds[n:]; len(got) != 1 || got[0] != "NOOP" {
		t.Errorf("commands after the bad calls: %q, want only NOOP", got)
	}
}

func TestPOP3CredentialsWithLineBreakRefused(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	n := len(e.waitCommands(0))
	for _, src := range []string{
		`(pop3-login conn "alice" "wonder\nland")`,
		`(pop3-login conn "alice" "wonder\r\nQUIT")`,
		`(pop3-login conn "al\nice" "wonderland")`,
		`(pop3-login/APOP conn "alice" "a\nb")`,
		`(pop3-login/sasl conn 'plain "alice" "a\nb")`,
	} {
		got := e.mustFail(src)
		wantContains(t, src, got, "line break")
	}
	// The server sees commands in order: once it has the CAPA sent now,
	// it would have had anything the refused logins sent.
	e.must(`(pop3-capabilities conn)`)
	if cmds := e.waitCommands(n + 1); len(cmds) != n+1 || cmds[n] != "CAPA" {
		t.Errorf("commands sent: %q, want only CAPA", cmds[n:])
	}
}

func TestPOP3NetrcLookups(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	dir := t.TempDir()
	write := func(content string, mode os.FileMode) {
		p := filepath.Join(dir, "netrc")
		os.Remove(p)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		t.Setenv("NETRC", p)
	}
	connect := func() { e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host)) }

	// The default entry when the host has none.
	write("machine other.example login x password y\ndefault login alice password wonderland\n", 0o600)
	connect()
	e.must(`(pop3-login conn)`)
	e.must(`(pop3-quit conn)`)

	// The login given, the password from netrc (same login).
	connect()
	e.must(`(pop3-login conn "alice")`)
	e.must(`(pop3-quit conn)`)

	// A login that differs from the netrc entry's: no password for it.
	connect()
	got := e.mustFail(`(pop3-login conn "bob")`)
	wantContains(t, "other login", got, "must provide a password")

	// No entry at all.
	write("machine other.example login x password y\n", 0o600)
	got = e.mustFail(`(pop3-login conn)`)
	wantContains(t, "no entry", got, "must provide a login")
	got = e.must(`(guard (c ((call-error? c) (condition-stuff c))) (pop3-login conn))`)
	if got != `("must provide a login" pop3-login)` {
		t.Errorf("call-error stuff = %s", got)
	}

	// A password given without a login: the call-error does not show it.
	got = e.must(`(guard (c ((call-error? c) (condition-stuff c))) (pop3-login conn #f "hunter2"))`)
	if got != `("must provide a login" pop3-login #f "****")` {
		t.Errorf("call-error stuff with a password = %s", got)
	}

	// A file others may read is refused, with a clear error.
	write("default login alice password wonderland\n", 0o644)
	got = e.mustFail(`(pop3-login conn)`)
	wantContains(t, "0644 netrc", got, "netrc")
	if !strings.Contains(got, "permission") && !strings.Contains(got, "dangerous") {
		t.Errorf("0644 netrc: %q does not explain the refusal", got)
	}
	// Given both, netrc is not read at all.
	e.must(`(pop3-login conn "alice" "wonderland")`)
}

func TestPOP3LogFile(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{NoAPOPTimestamp: true, RemoveCapa: []string{"SASL"}}})
	log := filepath.Join(t.TempDir(), "pop3.log")
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q %q))`, e.host, log))
	e.must(`(pop3-login conn)`) // USER/PASS: no timestamp, no SASL
	e.must(`(pop3-stat conn)`)
	e.must(`(pop3-quit conn)`)
	st, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("log mode %04o, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(log)
	text := string(b)
	wantContains(t, "log", text, "opened POP3 connection to", "<- USER alice", "<- PASS ****", "<- STAT", "-> +OK", "<- QUIT")
	if strings.Contains(text, testPassword) {
		t.Errorf("the password is in the log:\n%s", text)
	}
	// A second connection appends.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q %q))`, e.host, log))
	e.must(`(pop3-close conn)`)
	b2, _ := os.ReadFile(log)
	if !strings.HasPrefix(string(b2), text) || strings.Count(string(b2), "opened POP3 connection") != 2 {
		t.Errorf("log not appended:\n%s", b2)
	}
	// An unwritable log file is a clear error.
	got := e.mustFail(fmt.Sprintf(`(pop3-connect %q "/nonexistent-dir/x.log")`, e.host))
	wantContains(t, "bad log", got, "log file")
}

func TestPOP3InterruptBlockedRead(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{{Command: "STAT", Delay: 20 * time.Second}}}})
	e.connectLogin()
	n := len(e.commands())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := e.it.EvalString(ctx, `(pop3-stat conn)`, "test.scm")
		done <- err
	}()
	// Cancel once the server has STAT, whose reply it delays: pop3-stat is
	// then waiting for it.
	if cmds := e.waitCommands(n + 1); len(cmds) <= n || cmds[len(cmds)-1] != "STAT" {
		t.Fatalf("the server did not get STAT: %q", cmds)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("pop3-stat returned normally after cancel")
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("took %v to return after cancel", time.Since(start))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pop3-stat still blocked 10 s after the context was cancelled")
	}
	// The interrupted reply would come later: the connection is closed,
	// and later calls say so and why, the call-error's message and who
	// still first (pop3.scm's handlers look at them); nothing is sent.
	for _, call := range []string{"(pop3-stat conn)", "(pop3-get conn 1)", "(pop3-login conn \"u\" \"p\")"} {
		got := e.mustFail(call)
		wantContains(t, call+" after the interrupt", got, "not in ", "the connection was closed when pop3-stat was interrupted")
	}
	if got := e.must(`(guard (c ((call-error? c) (condition-stuff c))) (pop3-stat conn))`); got != `("not in transaction state" pop3-stat "the connection was closed when pop3-stat was interrupted")` {
		t.Errorf("condition-stuff after the interrupt: %s", got)
	}
	if cmds := e.commands(); len(cmds) != n+1 {
		t.Errorf("commands sent after the interrupt: %q", cmds[n+1:])
	}
}

func TestPOP3TLS(t *testing.T) {
	e := newPOP3Env(t, envConfig{tls: true})
	// STLS is offered: pop3-login upgrades before sending anything secret.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#f" {
		t.Errorf("tls? before login = %s", got)
	}
	e.must(`(pop3-login conn)`)
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#t" {
		t.Errorf("tls? after login = %s: STLS was offered, the login must have upgraded", got)
	}
	joined := strings.Join(e.waitCommands(3), "\n")
	wantContains(t, "transcript", joined, "STLS", "USER alice", "PASS ****")
	e.must(`(pop3-quit conn)`)

	// pop3-starttls by hand.
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	e.must(`(pop3-starttls conn)`)
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#t" {
		t.Errorf("tls? after pop3-starttls = %s", got)
	}
	e.must(`(pop3-login/sasl conn 'plain "alice" "wonderland")`)
	e.must(`(pop3-quit conn)`)

	// Implicit TLS with pop3-connect/tls and pop3s://.
	if err := e.srv.StartTLS("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	tlsAddr := e.srv.TLSAddr().String()
	e.must(fmt.Sprintf(`(define conn (pop3-connect/tls %q))`, tlsAddr))
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#t" {
		t.Errorf("pop3-connect/tls: tls? = %s", got)
	}
	e.must(`(pop3-login conn)`)
	e.must(`(pop3-quit conn)`)
	e.must(fmt.Sprintf(`(define conn (pop3-connect "pop3s://%s"))`, tlsAddr))
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#t" {
		t.Errorf("pop3s://: tls? = %s", got)
	}
	e.must(`(pop3-close conn)`)

	// Without the CA, the certificate is refused: no silent fallback.
	it, _ := newTestInterp(t, Options{})
	_, err := evalIn(it, fmt.Sprintf(`(pop3-connect/tls %q)`, tlsAddr))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unverified certificate accepted, or unclear error: %v", err)
	}
	_, err = evalIn(it, fmt.Sprintf(`(let ((c (pop3-connect %q))) (pop3-login c))`, e.host))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("STLS with an unverified certificate: %v", err)
	}
}

func TestPOP3LoginSASL(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	for _, mech := range []string{"'plain", "'cram-md5", `"CRAM-MD5"`} {
		e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
		e.must(fmt.Sprintf(`(pop3-login/sasl conn %s)`, mech)) // credentials from netrc
		e.must(`(pop3-stat conn)`)
		e.must(`(pop3-quit conn)`)
	}
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	got := e.mustFail(`(pop3-login/sasl conn 'gssapi)`)
	wantContains(t, "unknown mech", got, "unknown SASL mechanism")
	got = e.must(`(guard (c ((-ERR? c) (pop3-error-code c))) (pop3-login/sasl conn 'plain "alice" "nope"))`)
	if got != `"AUTH"` {
		t.Errorf("failed SASL login: %s", got)
	}
}

func TestPOP3APOPExplicit(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	if got := e.must(`(pop3-greeting conn)`); !regexp.MustCompile(`<[^>]+@test\.invalid>`).MatchString(got) {
		t.Errorf("greeting %s has no APOP timestamp", got)
	}
	e.must(`(pop3-login/APOP conn "alice" "wonderland")`)
	e.must(`(pop3-quit conn)`)
	e.must(fmt.Sprintf(`(define conn (pop3-connect %q))`, e.host))
	got := e.must(`(guard (c ((-ERR? c) (pop3-error-command c))) (pop3-login/APOP conn "alice" "wrong"))`)
	if got != `"APOP alice ****"` {
		t.Errorf("APOP refusal command = %s (the digest must be masked)", got)
	}
}

func TestPOP3ErrorAccessorsOnPOP3ScmCondition(t *testing.T) {
	// A -ERR condition signalled the way pop3.scm does, with stuff
	// (text command): the accessors read it too.
	it, _ := newTestInterp(t, Options{})
	v, err := evalIn(it, `(with-handler (lambda (c punt) (list (-ERR? c) (pop3-error-text c) (pop3-error-code c) (pop3-error-command c)))
	                        (lambda () (signal '-ERR " [IN-USE] locked" "PASS ****")))`)
	if err != nil {
		t.Fatal(err)
	}
	if got := interp.WriteString(v); got != `(#t "locked" "IN-USE" "PASS ****")` {
		t.Errorf("accessors on a signalled -ERR = %s", got)
	}
	_, err = evalIn(it, `(pop3-error-text 5)`)
	if err == nil {
		t.Error("pop3-error-text accepted a non -ERR value")
	}
}

func TestPOP3ArgumentTypes(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	// A one-argument procedure does not number its argument (as car).
	for _, tc := range []struct{ src, want string }{
		{`(pop3-stat 5)`, "pop3-stat: expected a pop3 connection, got 5"},
		{`(pop3-login "conn")`, `pop3-login: argument 1 (conn): expected a pop3 connection, got "conn"`},
		{`(pop3-get 'c 1)`, "pop3-get: argument 1 (conn): expected a pop3 connection, got c"},
		{`(pop3-quit #f)`, "pop3-quit: expected a pop3 connection, got #f"},
		{`(pop3-connection-host 1)`, "pop3-connection-host: expected a pop3 connection, got 1"},
		{`(pop3-login/sasl 'c 'plain)`, "pop3-login/sasl: argument 1 (conn): expected a pop3 connection, got c"},
	} {
		wantContains(t, tc.src, e.mustFail(tc.src), tc.want)
	}
	e.connectLogin()
	wantContains(t, "mechanism", e.mustFail(`(pop3-login/sasl conn 5)`),
		"pop3-login/sasl: argument 2 (mechanism): expected a mechanism name")
}

func TestPOP3IterationSameWithoutPipelining(t *testing.T) {
	var results []string
	for _, faults := range []server.Faults{{}, {RemoveCapa: []string{"PIPELINING"}}} {
		e := newPOP3Env(t, envConfig{faults: faults})
		for i := 0; i < 70; i++ { // more than one window of windowMessages

			e.be.AddMessage(testUser, []byte(fmt.Sprintf("Subject: m%d\n\nbody %d\n", i, i)))
		}
		e.connectLogin()
		results = append(results, e.must(`(pop3-get-all conn)`))
		if got := e.must(`(pop3-for-each-message conn (lambda (n text) #t) '(73 1 2))`); got != "3" {
			t.Errorf("for-each over 3 listed messages = %s", got)
		}
		e.must(`(pop3-quit conn)`)
	}
	if results[0] != results[1] {
		t.Errorf("pipelined and lockstep results differ:\n%s\n%s", results[0], results[1])
	}
	if !strings.HasSuffix(results[0], ` (73 . "Subject: m69\n\nbody 69\n"))`) {
		t.Errorf("message 73 missing from get-all: %.300s...", results[0])
	}
}
