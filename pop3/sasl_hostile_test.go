package pop3

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"popsh/pop3/server"
)

// A CRAM-MD5 server that sends an empty challenge gets "*", never a
// digest of nothing; a server that does not take the cancel as RFC 5034
// says (-ERR) loses the connection.
func TestSASLHostileServer(t *testing.T) {
	cases := []struct {
		name   string
		script []string
		closed bool
		want   string
	}{
		{"empty challenge, cancel taken", []string{"+ ", "-ERR Authentication cancelled."}, false, "the server's challenge is empty"},
		{"bare +, cancel taken", []string{"+", "-ERR cancelled"}, false, "the server's challenge is empty"},
		{"cancel ignored", []string{"+ ", "+ "}, true, "went on with the exchange after the client cancelled it"},
		{"cancel ignored with a challenge", []string{"+ ", "+ PDEyMzRAZXhhbXBsZT4="}, true, "went on with the exchange"},
		{"garbage after cancel", []string{"+ ", "HELLO THERE"}, true, "neither +OK nor -ERR"},
		{"+OK after cancel", []string{"+ ", "+OK welcome"}, true, "accepted an exchange the client cancelled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, []string{"Subject: a\n\nbody\n"},
				withFaults(server.Faults{Rules: []server.Fault{{Command: "AUTH", SASL: tc.script}}}))
			var log syncBuffer
			o := e.opts()
			o.Log = &log
			c := e.dial(t, o)
			ctx := testCtx(t)
			_, err := c.Auth(ctx, CRAMMD5Auth("alice", "wonderland"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Auth = %v, want an error saying %q", err, tc.want)
			}
			if tc.closed != errors.Is(err, ErrProtocol) {
				t.Errorf("Auth error %v: ErrProtocol %v, want %v", err, errors.Is(err, ErrProtocol), tc.closed)
			}
			seen := e.seen()
			if !slices.Contains(seen, "*") || slices.Contains(seen, "****") {
				t.Errorf("the server saw %q: want the cancel \"*\" and no response", seen)
			}
			if strings.Contains(log.String(), "<- ****") {
				t.Errorf("the log shows a response sent:\n%s", log.String())
			}
			if tc.closed {
				if c.State() != StateClosed {
					t.Errorf("state %v after a server that broke the exchange, want CLOSED", c.State())
				}
				if _, err := c.UserPass(ctx, "alice", "wonderland"); !errors.Is(err, ErrClosed) {
					t.Errorf("UserPass after the broken exchange = %v, want ErrClosed", err)
				}
				return
			}
			// Cancelled cleanly: the session goes on, not logged in.
			if c.State() != StateAuthorization {
				t.Fatalf("state %v after a cancelled exchange, want AUTHORIZATION", c.State())
			}
			if _, err := c.UserPass(ctx, "alice", "wonderland"); err != nil {
				t.Fatalf("UserPass after the cancel: %v", err)
			}
			if n, _, err := c.Stat(ctx); err != nil || n != 1 {
				t.Fatalf("Stat = %d, %v", n, err)
			}
		})
	}
}
