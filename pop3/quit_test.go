package pop3

import (
	"testing"

	"popsh/pop3/server"
)

// QuitConfirmed is true only after QUIT's +OK; Marked follows DELE and
// RSET; Listed gives the last whole LIST.
func TestQuitConfirmedAndMarked(t *testing.T) {
	msgs := []string{"Subject: 1\n\na\n", "Subject: 2\n\nb\n", "Subject: 3\n\nc\n"}
	for name, tc := range map[string]struct {
		fault *server.Fault
		want  bool
	}{
		"ok":        {nil, true},
		"-ERR":      {&server.Fault{Command: "QUIT", Reply: "-ERR [SYS/TEMP] later"}, false},
		"hangup":    {&server.Fault{Command: "QUIT", Hangup: true}, false},
		"cut short": {&server.Fault{Command: "QUIT", CloseAfter: 2}, false},
	} {
		t.Run(name, func(t *testing.T) {
			var f server.Faults
			if tc.fault != nil {
				f.Rules = []server.Fault{*tc.fault}
			}
			e := newEnv(t, false, msgs, withFaults(f))
			c := e.login(t, nil)
			ctx := testCtx(t)
			if _, ok := c.Listed(); ok {
				t.Error("Listed before any LIST says there was one")
			}
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			if l, ok := c.Listed(); !ok || len(l) != 3 || l[2].Num != 3 {
				t.Errorf("Listed = %v, %v", l, ok)
			}
			if err := c.Dele(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if err := c.Rset(ctx); err != nil {
				t.Fatal(err)
			}
			if c.Marked(1) {
				t.Error("message 1 still marked after RSET")
			}
			if err := c.DeleMany(ctx, []int{2, 3}); err != nil {
				t.Fatal(err)
			}
			if c.Marked(1) || !c.Marked(2) || !c.Marked(3) {
				t.Errorf("Marked 1..3 = %v %v %v, want false true true", c.Marked(1), c.Marked(2), c.Marked(3))
			}
			err := c.Quit(ctx)
			if c.QuitConfirmed() != tc.want || (err == nil) != tc.want {
				t.Errorf("Quit = %v, QuitConfirmed %v, want %v", err, c.QuitConfirmed(), tc.want)
			}
		})
	}
}
