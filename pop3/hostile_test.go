package pop3

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"popsh/pop3/server"
)

// Servers that misbehave on purpose: what they can make the client do, or
// say.

// A server that sends its reply a byte at a time never stalls for
// CommandTimeout, yet a line of 8 KiB at a byte a second would hold the
// client for two hours: a status line must come whole within
// CommandTimeout.
func TestTrickledStatusLineTimesOut(t *testing.T) {
	for _, cmd := range []string{server.Greeting, "STAT"} {
		t.Run(cmd, func(t *testing.T) {
			// The greeting (about 60 bytes) would take 3 s, far past
			// the command timeout, and never stall for as long as it.
			e := newEnv(t, false, []string{"Subject: a\n\nb\n"}, withFaults(server.Faults{Rules: []server.Fault{
				{Command: cmd, Trickle: 50 * time.Millisecond},
			}}))
			o := e.opts()
			o.CommandTimeout = 400 * time.Millisecond
			ctx := testCtx(t)
			var err error
			if cmd == server.Greeting {
				_, err = Dial(ctx, e.addr, o)
			} else {
				c := e.login(t, o)
				_, _, err = c.Stat(ctx)
			}
			if !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the command timeout", err)
			}
			if !strings.Contains(err.Error(), "not complete after 400ms") {
				t.Errorf("error %q does not say the line was too slow", err)
			}
		})
	}
}

// A status line that comes in pieces, each well within the timeout and
// the whole too, is read as usual.
func TestSlowStatusLineWithinTimeout(t *testing.T) {
	e := newEnv(t, false, []string{"Subject: a\n\nb\n"}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "NOOP", Trickle: time.Millisecond},
	}}))
	c := e.login(t, nil)
	if err := c.Noop(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// A server's words reach error messages, statuses and the log; a hostile
// server can repeat the password it was sent, and send terminal escape
// sequences. Neither may come out of the client.
func TestServerTextShown(t *testing.T) {
	const pass = "wonderland"
	b64pass := base64.StdEncoding.EncodeToString([]byte(pass))
	check := func(t *testing.T, what, s string) {
		t.Helper()
		if strings.Contains(s, pass[:6]) || strings.Contains(s, b64pass[:len(b64pass)-2]) {
			t.Errorf("%s shows the password, its first part or its base64: %q", what, s)
		}
		if strings.ContainsAny(s, "\x1b\x07\u009b\u202e\u2066") {
			t.Errorf("%s passes a control character through: %q", what, s)
		}
	}
	plainIR := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00" + pass))
	cases := []struct {
		name  string
		fault server.Fault
		login bool // log in with USER/PASS first
		call  func(c *Client, ctx context.Context) (string, error)
	}{
		{"PASS -ERR", server.Fault{Command: "PASS", Reply: "-ERR [AUTH] wrong password '" + pass + "' \x1b[2J\x1b[31mHACKED\x07"}, false,
			func(c *Client, ctx context.Context) (string, error) { return c.UserPass(ctx, "alice", pass) }},
		{"PASS -ERR, base64", server.Fault{Command: "PASS", Reply: "-ERR [AUTH] you sent " + b64pass + " and " + strings.TrimRight(b64pass, "=")}, false,
			func(c *Client, ctx context.Context) (string, error) { return c.UserPass(ctx, "alice", pass) }},
		{"PASS +OK", server.Fault{Command: "PASS", Reply: "+OK welcome, " + pass + " \x1b]0;title\x07"}, false,
			func(c *Client, ctx context.Context) (string, error) { return c.UserPass(ctx, "alice", pass) }},
		{"AUTH PLAIN -ERR", server.Fault{Command: "AUTH", Reply: "-ERR [AUTH] bad credentials " + plainIR + " \x1b[2J"}, false,
			func(c *Client, ctx context.Context) (string, error) {
				return c.Auth(ctx, PlainAuth("", "alice", pass))
			}},
		{"STAT -ERR", server.Fault{Command: "STAT", Reply: "-ERR \x1b[2J \u009b31m " + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { _, _, err := c.Stat(ctx); return "", err }},
		{"STAT garbage", server.Fault{Command: "STAT", Reply: "\x1b[2J" + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { _, _, err := c.Stat(ctx); return "", err }},
		{"STAT numbers", server.Fault{Command: "STAT", Reply: "+OK 1 " + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { _, _, err := c.Stat(ctx); return "", err }},
		// A password that a quote of 80 characters would cut in two.
		{"STAT numbers, clipped", server.Fault{Command: "STAT", Reply: "+OK 1 " + strings.Repeat("x", 70) + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { _, _, err := c.Stat(ctx); return "", err }},
		{"STAT garbage, clipped", server.Fault{Command: "STAT", Reply: strings.Repeat("z", 72) + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { _, _, err := c.Stat(ctx); return "", err }},
		{"NOOP +OK", server.Fault{Command: "NOOP", Reply: "+OK " + pass + " \x1b[2J"}, true,
			func(c *Client, ctx context.Context) (string, error) { err := c.Noop(ctx); return c.LastStatus(), err }},
		{"RETR -ERR, bidi", server.Fault{Command: "RETR", Reply: "-ERR no message \u202etxt.exe\u2066 here"}, true,
			func(c *Client, ctx context.Context) (string, error) { st, _, err := c.Retr(ctx, 1); return st, err }},
		{"NOOP +OK, bidi", server.Fault{Command: "NOOP", Reply: "+OK \u202eeno\u2069"}, true,
			func(c *Client, ctx context.Context) (string, error) { err := c.Noop(ctx); return c.LastStatus(), err }},
		{"RETR -ERR", server.Fault{Command: "RETR", Reply: "-ERR gone, by the way your password is " + pass}, true,
			func(c *Client, ctx context.Context) (string, error) { st, _, err := c.Retr(ctx, 1); return st, err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, []string{"Subject: a\n\nb\n"}, withFaults(server.Faults{Rules: []server.Fault{tc.fault}}))
			var log syncBuffer
			o := e.opts()
			o.Log = &log
			o.AllowCleartext = true
			ctx := testCtx(t)
			c := e.dial(t, o)
			if tc.login {
				if _, err := c.UserPass(ctx, "alice", pass); err != nil {
					t.Fatal(err)
				}
			}
			status, err := tc.call(c, ctx)
			check(t, "the status", status)
			check(t, "LastStatus", c.LastStatus())
			if err != nil {
				check(t, "the error", err.Error())
				var perr *Error
				if errors.As(err, &perr) {
					check(t, "Error.Raw", perr.Raw)
					check(t, "Error.Text", perr.Text)
					if !strings.Contains(perr.Raw, "****") && strings.Contains(tc.fault.Reply, pass) {
						t.Errorf("Error.Raw %q does not mask the password", perr.Raw)
					}
				}
			}
			check(t, "the log", log.String())
			if !strings.Contains(log.String(), `\x1b`) && strings.Contains(tc.fault.Reply, "\x1b") {
				t.Errorf("the log does not show the escape as \\x1b:\n%s", log.String())
			}
		})
	}
}

// The greeting is shown escaped; the APOP timestamp is still found in the
// greeting as it came.
func TestGreetingShown(t *testing.T) {
	e := newEnv(t, false, nil, withFaults(server.Faults{Rules: []server.Fault{
		{Command: server.Greeting, Reply: "+OK \x1b[2J\x1b[31mhello <1.2@example>"},
	}}))
	c := e.dial(t, nil)
	if g := c.Greeting(); g != ` \x1b[2J\x1b[31mhello <1.2@example>` {
		t.Errorf("Greeting() = %q", g)
	}
	if ts := c.Timestamp(); ts != "<1.2@example>" {
		t.Errorf("Timestamp() = %q", ts)
	}
}

func TestEscapeControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                    "plain text",
		"tab\tkept":                     "tab\tkept",
		"\x1b[31mred\x1b[0m":            `\x1b[31mred\x1b[0m`,
		"bell\x07 nul\x00 del\x7f":      `bell\x07 nul\x00 del\x7f`,
		"cr\rlf\n":                      `cr\x0dlf\x0a`,
		"c1 \u009b31m":                  `c1 \u009b31m`,
		"raw c1 \x9b31m":                `raw c1 \x9b31m`,
		"grüße € ✓":                     "grüße € ✓",
		"latin-1 gr\xfc\xdfe":           "latin-1 gr\xfc\xdfe",
		"-ERR \u202etxt.exe":            `-ERR \u202etxt.exe`,
		"\u202a\u202b\u202c\u202d":      `\u202a\u202b\u202c\u202d`,
		"\u2066a\u2067b\u2068c\u2069":   `\u2066a\u2067b\u2068c\u2069`,
		"lrm\u200e rlm\u200f alm\u061c": `lrm\u200e rlm\u200f alm\u061c`,
		"arabic ؛ ‐ dash — ok":          "arabic ؛ ‐ dash — ok",
	} {
		if got := EscapeControls(in); got != want {
			t.Errorf("EscapeControls(%q) = %q, want %q", in, got, want)
		}
	}
}

// A message that never ends would fill the memory of a caller that reads
// it into memory, or the disk of one that stores it: once LIST has given
// its size, a body far longer than that is a protocol violation.
func TestEndlessBodyStopped(t *testing.T) {
	msgs := []string{"Subject: a\n\nb\n", "Subject: c\n\nd\n"}
	calls := map[string]func(c *Client, ctx context.Context) error{
		"Retr": func(c *Client, ctx context.Context) error {
			_, body, err := c.Retr(ctx, 2)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, body)
			return err
		},
		"Top": func(c *Client, ctx context.Context) error {
			_, body, err := c.Top(ctx, 2, 0)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, body)
			return err
		},
		"RetrMany": func(c *Client, ctx context.Context) error {
			return c.RetrMany(ctx, []int{1, 2}, func(n int, body io.Reader) error {
				_, err := ReadMessage(body, 100)
				return err
			})
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			verb := strings.ToUpper(strings.TrimSuffix(name, "Many"))
			e := newEnv(t, false, msgs, withFaults(server.Faults{Rules: []server.Fault{
				{Command: verb, Nth: 2, EndlessBody: true},
			}}))
			c := e.login(t, nil)
			ctx := testCtx(t)
			if name != "RetrMany" {
				// the first one is answered as it should be
				if err := call(c, ctx); err != nil {
					t.Fatalf("first %s: %v", verb, err)
				}
			}
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			err := call(c, ctx)
			if !errors.Is(err, ErrProtocol) || errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want a protocol violation", err)
			}
			if !strings.Contains(err.Error(), "LIST gave") {
				t.Errorf("error %q does not say the message is longer than listed", err)
			}
			if c.State() != StateClosed {
				t.Errorf("state %v after the violation", c.State())
			}
		})
	}
}

// A LIST size smaller than the message, within what servers that count
// LF line ends give, does not stop the message.
func TestListSizeUnderstated(t *testing.T) {
	msg := "Subject: a\n\n" + strings.Repeat("\n", 20000) // CR LF on the wire: twice the LF count
	e := newEnv(t, false, []string{msg}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "LIST", Listing: []string{"1 20012"}},
	}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	var got int
	err := c.RetrMany(ctx, []int{1}, func(n int, body io.Reader) error {
		b, err := io.ReadAll(body)
		got = len(b)
		return err
	})
	if err != nil || got != len(crlf(msg)) {
		t.Fatalf("RetrMany: %d octets, %v; want %d", got, err, len(crlf(msg)))
	}
}

// A unique id with a blank in it is refused: taking its first word would
// give two messages one id, and a message could be taken for another
// stored (and deleted) before.
func TestUIDLWithBlankRefused(t *testing.T) {
	e := newEnv(t, false, []string{"Subject: a\n\nb\n", "Subject: c\n\nd\n"}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "UIDL", Listing: []string{"1 same first", "2 same second"}},
	}}))
	c := e.login(t, nil)
	_, err := c.UIDL(testCtx(t))
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("UIDL: err = %v, want a protocol violation", err)
	}
}

// A server that answers "TOP n 0" with the whole message: the caller that
// asked for the header gets the header and the blank line, not the body
// (pop-headers would hold every message whole); "TOP n 2" gives two body
// lines. The rest is read, and the session goes on.
func TestTopLineCountIgnored(t *testing.T) {
	const head = "From: a@example.org\nSubject: big\n\n"
	msg := head + "one\n\ntwo\n" + strings.Repeat("body line\n", 5000)
	e := newEnv(t, false, []string{msg, msg}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "TOP", TopWhole: true},
	}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	for _, lines := range []int{0, 2, 3} {
		want := crlf(head + strings.Join(strings.SplitAfter("one\n\ntwo\n", "\n")[:lines], ""))
		_, body, err := c.Top(ctx, 1, lines)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(body)
		if err != nil || string(b) != want {
			t.Errorf("Top 1 %d: %d octets %q..., %v; want %q", lines, len(b), b[:min(len(b), 80)], err, want)
		}
	}
	var got []string
	err := c.TopMany(ctx, []int{1, 2}, 0, func(n int, body io.Reader) error {
		b, err := io.ReadAll(body)
		got = append(got, string(b))
		return err
	})
	if err != nil || len(got) != 2 || got[0] != crlf(head) || got[1] != crlf(head) {
		t.Errorf("TopMany: %q, %v", got, err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("NOOP after: %v", err)
	}
}

// A server that answers RETR with far less than the listed size (only the
// header, or another, small message) is caught: the message would be
// stored as that and deleted. A size listed a little high is not.
func TestRetrFarShorterThanListed(t *testing.T) {
	big := "From: a@example.org\nSubject: big\n\n" + strings.Repeat("attachment line\n", 20000)
	stub := []string{"From: a@example.org", "Subject: big"}
	e := newEnv(t, false, []string{big, big}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 1, Listing: stub},
	}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	err := c.RetrMany(ctx, []int{1}, func(n int, body io.Reader) error {
		_, err := io.ReadAll(body)
		return err
	})
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "less than half") {
		t.Fatalf("RETR of a header for a %d-octet message: %v", len(crlf(big)), err)
	}

	// Listed 100 KiB high, nothing more: read as usual.
	e = newEnv(t, false, []string{big}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "LIST", Listing: []string{fmt.Sprintf("1 %d", len(crlf(big))+100<<10)}},
	}}))
	c = e.login(t, nil)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	_, body, err := c.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(body); err != nil || len(b) != len(crlf(big)) {
		t.Errorf("RETR: %d octets, %v", len(b), err)
	}
}

// A server that offers PIPELINING and drops a pipelined RETR: each later
// reply would be read as the one before it (message 3 taken for 2). The
// size the reply announces is message 3's: the batch stops there, before
// anything of it reaches the caller.
func TestPipelinedRetrDropped(t *testing.T) {
	var msgs []string
	for i := 1; i <= 4; i++ {
		msgs = append(msgs, fmt.Sprintf("Subject: %d\n\n%s", i, strings.Repeat("x\n", 10*i)))
	}
	e := newEnv(t, false, msgs, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, Swallow: true},
	}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	var got []int
	err := c.RetrMany(ctx, []int{1, 2, 3, 4}, func(n int, body io.Reader) error {
		b, err := io.ReadAll(body)
		if err == nil && !strings.HasPrefix(string(b), fmt.Sprintf("Subject: %d\r\n", n)) {
			t.Errorf("message %d is %.12q", n, b)
		}
		got = append(got, n)
		return err
	})
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "the size of message 3") || len(got) != 1 {
		t.Fatalf("RetrMany: %v; bodies of %v", err, got)
	}
}

// Implicit TLS to a port that speaks plain POP3: the handshake fails (no
// fallback, no credential sent) and the error says the port greets in
// plain text.
func TestImplicitTLSToPlainPort(t *testing.T) {
	e := newEnv(t, true, []string{"Subject: s\n\nbody\n"})
	o := e.opts()
	o.TLS = ImplicitTLS
	_, err := Dial(testCtx(t), e.addr, o)
	if err == nil || !strings.Contains(err.Error(), "greets in plain text") {
		t.Fatalf("Dial: %v", err)
	}
}

// A body (or a listing) trickled a byte at a time never stalls for
// CommandTimeout and each line comes whole within it: only the size cap
// stopped it, after hours. A whole reply must now average MinRate once
// CommandTimeout has been spent waiting for it.
func TestTrickledReplyStopped(t *testing.T) {
	body := "Subject: a\n\n" + strings.Repeat("trickled line\n", 40) // about 600 bytes: 3 s at 5 ms a byte
	listing := make([]string, 80)
	for i := range listing {
		listing[i] = fmt.Sprintf("%d 10", i+1)
	}
	for _, cmd := range []string{"RETR", "LIST"} {
		t.Run(cmd, func(t *testing.T) {
			f := server.Fault{Command: cmd, Trickle: 5 * time.Millisecond}
			if cmd == "LIST" {
				f.Listing = listing
			}
			e := newEnv(t, false, []string{body}, withFaults(server.Faults{Rules: []server.Fault{f}}))
			o := e.opts()
			o.CommandTimeout = 300 * time.Millisecond
			c := e.login(t, o)
			ctx := testCtx(t)
			var err error
			if cmd == "RETR" {
				_, _, err = c.RetrTo(ctx, 1, io.Discard)
			} else {
				_, err = c.List(ctx)
			}
			if !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want the rate bound", err)
			}
			if !strings.Contains(err.Error(), "less than 512 bytes/s") {
				t.Errorf("error %q does not say the reply was too slow", err)
			}
			if c.State() != StateClosed {
				t.Errorf("state %v", c.State())
			}
		})
	}
}

// The rate bound counts the time the client waits on the network, not the
// time its caller takes over a body: a caller that reads slowly from a
// fast server is not cut off, however long it takes.
func TestSlowReaderNotRateBound(t *testing.T) {
	body := "Subject: a\n\n" + strings.Repeat(strings.Repeat("x", 1000)+"\n", 1000) // 1 MB
	e := newEnv(t, false, []string{body})
	o := e.opts()
	o.CommandTimeout = time.Second
	o.MinRate = 1 << 30 // the grace alone: one second of waiting
	c := e.login(t, o)
	_, r, err := c.Retr(testCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	total := 0
	for {
		n, err := r.Read(buf)
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", total, err)
		}
		time.Sleep(50 * time.Millisecond) // 32 reads or more: 1.6 s of the caller's time
	}
	if total != len(crlf(body)) {
		t.Errorf("read %d bytes, want %d", total, len(crlf(body)))
	}
}

// A negative MinRate puts no bound on a reply: the trickled body comes
// whole.
func TestMinRateOff(t *testing.T) {
	body := "Subject: a\n\n" + strings.Repeat("b\n", 30)
	e := newEnv(t, false, []string{body}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "RETR", Trickle: 5 * time.Millisecond},
	}}))
	o := e.opts()
	o.CommandTimeout = 150 * time.Millisecond
	o.MinRate = -1
	c := e.login(t, o)
	var b strings.Builder
	if _, _, err := c.RetrTo(testCtx(t), 1, &b); err != nil {
		t.Fatal(err)
	}
	if b.String() != crlf(body) {
		t.Errorf("body %q", b.String())
	}
}

// The APOP timestamp of a greeting: RFC 1939 gives it the form of a
// message id, and a greeting may have other "<...>" in its text; none,
// or one that is not printable ASCII, means no APOP.
func TestAPOPTimestampChoice(t *testing.T) {
	for greeting, want := range map[string]string{
		"":                                   "",
		" POP3 ready":                        "",
		" ready <1896.697170952@dbc.mtview>": "<1896.697170952@dbc.mtview>",
		" <banner> ready <1.2@h>":            "<1.2@h>", // was "<banner>": APOP then failed
		" <a@b> <c@d>":                       "<a@b>",
		" <1234.5678> ready":                 "<1234.5678>",
		" <\xc3\xa4@b>":                      "",
		" <\xc3\xa4@b> <ok@b>":               "<ok@b>",
		" <>":                                "",
		" <abc@d":                            "",
		" <a<b@c>":                           "<b@c>",
		" <a b@c>":                           "",
		" >x< <y@z>":                         "<y@z>",
		" <a\x1b@b>":                         "",
	} {
		if got := findTimestamp(greeting); got != want {
			t.Errorf("findTimestamp(%q) = %q, want %q", greeting, got, want)
		}
	}
}

// A unique id may be longer than the 70 characters of RFC 1939 (some
// servers use file names), but not without bound: a million ids of 8 KiB
// would fill the memory.
func TestUIDLengthBounded(t *testing.T) {
	long := strings.Repeat("u", 200)
	e := newEnv(t, false, []string{"Subject: a\n\nb\n", "Subject: c\n\nd\n"}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: "UIDL", Nth: 1, Listing: []string{"1 " + long, "2 b"}},
		{Command: "UIDL", Nth: 2, Listing: []string{"1 " + strings.Repeat("u", 5000), "2 b"}},
	}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	uids, err := c.UIDL(ctx)
	if err != nil || len(uids) != 2 || uids[0].UID != long {
		t.Fatalf("UIDL with a 200-byte id: %v, %v", uids, err)
	}
	_, err = c.UIDL(ctx)
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "a unique id of 5000 bytes") {
		t.Fatalf("err = %v, want a protocol violation naming the length", err)
	}
}

// A listing with a message twice, or a UIDL giving two messages one id:
// a client taking it as it came fetched one message twice, or took one
// for the other (and a script keeping ids deleted it unread). Numbers out
// of order are allowed.
func TestListingDuplicates(t *testing.T) {
	msgs := []string{"Subject: a\n\nb\n", "Subject: c\n\nd\n", "Subject: e\n\nf\n"}
	for _, c := range []struct {
		cmd     string
		listing []string
		want    string // "" for success
	}{
		{"LIST", []string{"3 10", "1 10", "2 10"}, ""},
		{"LIST", []string{"1 10", "2 10", "1 10"}, "lists message 1 twice"},
		{"UIDL", []string{"3 c", "1 a", "2 b"}, ""},
		{"UIDL", []string{"1 a", "2 b", "2 c"}, "lists message 2 twice"},
		{"UIDL", []string{"1 a", "2 b", "3 a"}, `gives messages 1 and 3 the unique id "a"`},
	} {
		t.Run(c.cmd+" "+strings.Join(c.listing, ","), func(t *testing.T) {
			e := newEnv(t, false, msgs, withFaults(server.Faults{Rules: []server.Fault{{Command: c.cmd, Listing: c.listing}}}))
			cl := e.login(t, nil)
			var n int
			var err error
			if c.cmd == "LIST" {
				var l []MsgInfo
				l, err = cl.List(testCtx(t))
				n = len(l)
			} else {
				var l []MsgUID
				l, err = cl.UIDL(testCtx(t))
				n = len(l)
			}
			if c.want == "" {
				if err != nil || n != 3 {
					t.Fatalf("%d entries, %v", n, err)
				}
				return
			}
			if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a protocol violation saying %q", err, c.want)
			}
			if cl.State() != StateClosed {
				t.Errorf("state %v", cl.State())
			}
		})
	}
}

// A flood: a greeting of a megabyte, a CAPA of thousands of lines. Each
// ends in a clear error, in bounded memory. (A listing of more than
// maxListEntries lines fails too; a million lines would slow the tests.)
func TestFloodsBounded(t *testing.T) {
	lines := func(n int, f func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	e := newEnv(t, false, []string{"Subject: a\n\nb\n"}, withFaults(server.Faults{Rules: []server.Fault{
		{Command: server.Greeting, Session: 1, LongLine: 1 << 20},
		{Command: "CAPA", Session: 2, Listing: lines(5000, func(i int) string { return fmt.Sprintf("X-CAP-%d", i) })},
	}}))
	ctx := testCtx(t)
	_, err := Dial(ctx, e.addr, e.opts())
	if !errors.Is(err, ErrLineTooLong) || !strings.Contains(err.Error(), "greeting") {
		t.Errorf("greeting of 1 MiB: %v", err)
	}
	c := e.dial(t, nil)
	if _, err := c.Capabilities(ctx); err == nil || !strings.Contains(err.Error(), "more than 1000 capabilities") {
		t.Errorf("CAPA of 5000 lines: %v", err)
	}
}

// The time a reply has earned at MinRate does not overflow: 10 GB at a
// byte a second were a negative duration, and the reply cut at once.
func TestRateBoundNoOverflow(t *testing.T) {
	c := &Client{opts: Options{CommandTimeout: time.Minute, MinRate: 1}, opCtx: context.Background()}
	c.replyBytes = 1e10
	now := time.Now()
	if d, rate := c.readDeadline(now); rate || d.Before(now.Add(time.Minute)) {
		t.Errorf("deadline %v after now (rate bound: %v), want the command timeout", d.Sub(now), rate)
	}
	c.replyBytes, c.replyWait = 100, time.Hour
	if d, rate := c.readDeadline(now); !rate || d.After(now) {
		t.Errorf("100 bytes in an hour at 1 byte/s: deadline %v after now (rate bound: %v)", d.Sub(now), rate)
	}
}

// A server that answers STLS with +OK and then goes on in plain text
// (answering the TLS hello as a command), or says nothing at all: the
// error says which (not that the port is the wrong one), soon (within
// DialTimeout), and no credential is sent.
func TestSTLSAcceptedThenNoTLS(t *testing.T) {
	for _, c := range []struct {
		name  string
		hello func() string // the answer to each line of the TLS hello
		want  string
	}{
		{"plain text", func() string { return "-ERR Unknown command.\r\n" }, "accepted STLS but went on in plain text"},
		{"silent", func() string { time.Sleep(time.Second); return "" }, "accepted STLS but did not answer the TLS handshake"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHostile(t, "+OK ready\r\n", nil, func(line string) string {
				switch line {
				case "CAPA":
					return "+OK\r\nUSER\r\nSTLS\r\n.\r\n"
				case "STLS":
					return "+OK begin TLS negotiation\r\n"
				}
				return c.hello()
			})
			o := &Options{CommandTimeout: 5 * time.Second, DialTimeout: 500 * time.Millisecond}
			cl, err := Dial(testCtx(t), h.addr, o)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			start := time.Now()
			_, err = cl.Login(testCtx(t), "alice", "wonderland")
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "use its TLS port") {
				t.Fatalf("Login = %v", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			for _, l := range h.lines() {
				if strings.HasPrefix(l, "USER") || strings.HasPrefix(l, "PASS") || strings.Contains(l, "wonderland") {
					t.Errorf("credential sent: %q", l)
				}
			}
		})
	}
}

// A server that does not byte-stuff: message 2's line "." ends its body
// early, and the rest follows where the next reply should start. The
// reader of message 2 gets a protocol violation at its end, not a clean
// end of message: a handler would otherwise take (and store) the message
// cut short before the next status line showed anything wrong.
func TestUnstuffedDotEndsBodyWithError(t *testing.T) {
	msgs := []string{"Subject: 1\n\none\n", "Subject: 2\n\nbefore\n.\nafter\n", "Subject: 3\n\nthree\n"}
	for _, pipelining := range []bool{true, false} {
		t.Run(fmt.Sprintf("pipelining%v", pipelining), func(t *testing.T) {
			f := server.Faults{Rules: []server.Fault{{Command: "RETR", NoStuffing: true}}}
			if !pipelining {
				f.RemoveCapa = []string{"PIPELINING"}
			}
			e := newEnv(t, false, msgs, withFaults(f))
			c := e.login(t, nil)
			ctx := testCtx(t)
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			whole := map[int]string{}
			err := c.RetrMany(ctx, []int{1, 2, 3}, func(n int, body io.Reader) error {
				b, err := io.ReadAll(body)
				if err == nil {
					whole[n] = string(b)
				}
				return err
			})
			if !errors.Is(err, ErrProtocol) || !errors.Is(err, ErrStrayData) || !strings.Contains(err.Error(), "byte-stuff") {
				t.Errorf("RetrMany = %v, want stray data, naming byte-stuffing", err)
			}
			if _, ok := whole[2]; ok {
				t.Errorf("message 2 read to a clean end, cut short: %q", whole[2])
			}
			if whole[1] != "Subject: 1\r\n\r\none\r\n" {
				t.Errorf("message 1 = %q", whole[1])
			}
		})
	}
}
