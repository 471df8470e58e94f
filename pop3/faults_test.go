package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"popsh/pop3/server"
)

func TestFaults(t *testing.T) {
	msg := "Subject: x\n\n" + strings.Repeat("body line\n", 2000)
	cases := []struct {
		name  string
		fault server.Fault
		call  func(c *Client, ctx context.Context) error
		want  error
		login bool
	}{
		{"delay", server.Fault{Command: "STAT", Delay: 3 * time.Second}, stat, ErrTimeout, true},
		{"close-mid-body", server.Fault{Command: "RETR", CloseAfter: 5000}, retrAll, ErrTruncated, true},
		{"close-mid-status", server.Fault{Command: "STAT", CloseAfter: 3}, stat, io.ErrUnexpectedEOF, true},
		{"no-terminator", server.Fault{Command: "RETR", NoTerminator: true}, retrAll, ErrTruncated, true},
		{"garbage", server.Fault{Command: "STAT", Reply: "HELLO THERE"}, stat, ErrProtocol, true},
		{"long-line", server.Fault{Command: "NOOP", LongLine: 100000}, noop, ErrLineTooLong, true},
		{"bad-number", server.Fault{Command: "STAT", BadNumber: true}, stat, ErrProtocol, true},
		{"bad-list", server.Fault{Command: "LIST", BadNumber: true}, list, ErrProtocol, true},
		{"hangup", server.Fault{Command: "RETR", Hangup: true}, retrAll, io.ErrUnexpectedEOF, true},
		{"in-use", server.Fault{Command: "PASS", Reply: "-ERR [IN-USE] locked"}, func(c *Client, ctx context.Context) error {
			c.opts.AllowCleartext = true
			_, err := c.UserPass(ctx, "alice", "wonderland")
			return err
		}, ErrServer, false},
		{"login-delay", server.Fault{Command: "APOP", Reply: "-ERR [LOGIN-DELAY] wait"}, nil, ErrServer, false},
		{"retr-many-cut", server.Fault{Command: "RETR", Nth: 2, CloseAfter: 100}, retrMany, ErrTruncated, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g0 := runtime.NumGoroutine()
			e := newEnv(t, false, []string{msg, msg, msg}, withFaults(server.Faults{Rules: []server.Fault{tc.fault}}))
			o := e.opts()
			o.CommandTimeout = 300 * time.Millisecond
			ctx := testCtx(t)
			c, err := Dial(ctx, e.addr, o)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if tc.login {
				if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
					t.Fatal(err)
				}
				err = tc.call(c, ctx)
			} else if tc.call != nil {
				err = tc.call(c, ctx)
			} else {
				_, err = c.Login(ctx, "alice", "wonderland")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v, past the deadline", d)
			}
			var pe *Error
			if errors.As(err, &pe) {
				if !pe.Temporary() {
					t.Errorf("%v not temporary", pe)
				}
			} else if err := c.Noop(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("connection reused after %v", err)
			}
			c.Close()
			e.srv.Close()
			checkGoroutines(t, g0)
		})
	}
}

func stat(c *Client, ctx context.Context) error { _, _, err := c.Stat(ctx); return err }

func noop(c *Client, ctx context.Context) error { return c.Noop(ctx) }

func list(c *Client, ctx context.Context) error { _, err := c.List(ctx); return err }

func retrAll(c *Client, ctx context.Context) error {
	_, n, err := c.RetrTo(ctx, 1, io.Discard)
	if err == nil {
		return fmt.Errorf("complete-looking body of %d bytes", n)
	}
	return err
}

func retrMany(c *Client, ctx context.Context) error {
	return c.RetrMany(ctx, []int{1, 2, 3}, func(n int, body io.Reader) error {
		_, err := io.Copy(io.Discard, body)
		return err
	})
}

// checkGoroutines fails if goroutines started during a test are still
// running shortly after it ends.
func checkGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines leaked:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}
