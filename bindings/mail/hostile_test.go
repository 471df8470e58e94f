package mail

import (
	"strings"
	"testing"

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
