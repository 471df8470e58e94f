package mail

import (
	"slices"
	"strings"
	"testing"
	"time"

	"popsh/pop3/server"
)

// A server that repeats the password in its -ERR, with terminal escape
// sequences: neither reaches the condition's message, pop3-error-text or
// the status a script prints.
func TestSchemeServerTextShown(t *testing.T) {
	e := newPOP3Env(t, envConfig{faults: server.Faults{NoAPOPTimestamp: true, RemoveCapa: []string{"SASL"}, Rules: []server.Fault{
		{Command: "PASS", Reply: "-ERR [AUTH] wrong password '" + testPassword + "' \x1b[2J\x1b]0;title\x07"},
	}}})
	e.must(`(define conn (pop3-connect "` + e.host + `"))`)
	for _, src := range []string{
		`(pop3-login conn)`,
		`(guard (e ((-ERR? e) (error (pop3-error-text e)))) (pop3-login conn))`,
	} {
		msg := e.mustFail(src)
		if strings.Contains(msg, testPassword) || strings.ContainsAny(msg, "\x1b\x07") {
			t.Errorf("%s: %q", src, msg)
		}
		wantContains(t, src, msg, `'****'`, `\x1b[2J`)
	}
}

// A message that never ends, asked for by number without a LIST first:
// the procedures that read messages into memory list the sizes first and
// stop it at its bound, instead of growing until the memory is gone.
func TestSchemeEndlessMessage(t *testing.T) {
	for _, tc := range []struct{ verb, src string }{
		{"RETR", `(pop3-get-all conn '(2))`},
		{"RETR", `(pop3-for-each-message conn (lambda (n text) #t) '(2))`},
		{"RETR", `(pop3-for-each-message/port conn (lambda (n port) (read-string 100000000 port)) '(2))`},
		{"TOP", `(pop3-headers-many conn '(2))`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
				{Command: tc.verb, EndlessBody: true},
			}}})
			e.connectLogin()
			msg := e.mustFail(tc.src)
			wantContains(t, tc.src, msg, "protocol violation", "LIST gave")
		})
	}
}

// pop3-get, pop3-headers and pop3-top of a message the session has not
// listed: the body had no bound, and a server's endless message ran into
// the output port until the disk or the memory was full. The size is now
// asked first ("LIST n"), and a body far longer is a protocol violation.
func TestSchemeEndlessMessageUnlisted(t *testing.T) {
	for _, tc := range []struct{ verb, src string }{
		{"RETR", `(pop3-get conn 2)`},
		{"TOP", `(pop3-headers conn 2)`},
		{"TOP", `(pop3-top conn 2 5)`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
				{Command: tc.verb, EndlessBody: true},
			}}})
			e.connectLogin()
			start := time.Now()
			msg := e.mustFail(`(call-with-output-file "/dev/null" (lambda (p) (with-current-output-port p ` + tc.src + `)))`)
			wantContains(t, tc.src, msg, "protocol violation", "LIST gave")
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("stopped after %v", d)
			}
		})
	}
	// A server that refuses "LIST n" and then answers "RETR n".
	e := newPOP3Env(t, envConfig{faults: server.Faults{Rules: []server.Fault{
		{Command: "LIST", Reply: "-ERR no such message"},
		{Command: "RETR", EndlessBody: true},
	}}})
	e.connectLogin()
	msg := e.mustFail(`(call-with-output-file "/dev/null" (lambda (p) (with-current-output-port p (pop3-get conn 2))))`)
	wantContains(t, "LIST refused", msg, "protocol violation", "refused LIST 2, then answered")
	// A message that is not there: RETR's refusal, as before.
	e = newPOP3Env(t, envConfig{})
	e.connectLogin()
	msg = e.mustFail(`(pop3-get conn 99)`)
	wantContains(t, "no message 99", msg, "RETR 99")
	// Messages fetched one by one cost one LIST for the whole maildrop,
	// not a LIST n each.
	e = newPOP3Env(t, envConfig{})
	e.connectLogin()
	e.must(`(call-with-output-string (lambda (p) (with-current-output-port p (pop3-get conn 1) (pop3-headers conn 2) (pop3-get conn 3))))`)
	lists := 0
	for _, c := range e.commands() {
		if strings.HasPrefix(c, "LIST") {
			lists++
			if c != "LIST" {
				t.Errorf("a LIST n after a whole LIST: %q", e.commands())
			}
		}
	}
	if lists != 1 {
		t.Errorf("%d LIST commands for three messages, want 1: %q", lists, e.commands())
	}
	// A message unmarked by RSET after the LIST is listed alone, and
	// fetched.
	e = newPOP3Env(t, envConfig{})
	e.connectLogin()
	e.must(`(pop3-delete conn 2)`)
	e.must(`(pop3-list conn)`)
	e.must(`(pop3-reset conn)`)
	e.must(`(call-with-output-string (lambda (p) (with-current-output-port p (pop3-get conn 2))))`)
	if !slices.Contains(e.commands(), "LIST 2") {
		t.Errorf("no LIST 2 for a message unmarked after the LIST: %q", e.commands())
	}
	// A message the session has listed costs no second LIST.
	e = newPOP3Env(t, envConfig{})
	e.connectLogin()
	e.must(`(pop3-list conn)`)
	e.must(`(call-with-output-string (lambda (p) (with-current-output-port p (pop3-get conn 1) (pop3-get conn 2))))`)
	for _, c := range e.commands() {
		if strings.HasPrefix(c, "LIST ") {
			t.Errorf("a LIST for a listed message: %q", e.commands())
		}
	}
}

// pop3-abort closes without QUIT: a message marked is not deleted, and
// the server saw no QUIT.
func TestPop3Abort(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	e.connectLogin()
	before := e.be.Count(testUser)
	e.must(`(pop3-delete conn 1)`)
	e.must(`(pop3-abort conn)`)
	e.must(`(pop3-close conn)`) // closing a closed connection: nothing sent
	msg := e.mustFail(`(pop3-stat conn)`)
	wantContains(t, "stat after abort", msg, "not in transaction state")
	e.waitCommands(3)
	for _, c := range e.commands() {
		if c == "QUIT" {
			t.Errorf("QUIT sent: %q", e.commands())
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.be.Count(testUser) != before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := e.be.Count(testUser); n != before {
		t.Errorf("%d messages after the abort, want %d", n, before)
	}
}
