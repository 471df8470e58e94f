package scripts

import (
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"popsh/pop3"
	"popsh/pop3/server"
)

// The scripts against servers that misbehave on purpose.

// A LIST whose message numbers are huge: movemail kept the sizes in a
// vector as long as the highest number (make-vector failed past 64 Mi
// entries, and allocated hundreds of MB below that). The run now goes on
// to the server's refusal of that number, deleting nothing.
func TestMovemailHugeMessageNumber(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{
		{Command: "LIST", Listing: []string{"1 300", "2000000000 300"}},
		{Command: "UIDL", Listing: []string{"1 first", "2000000000 second"}},
	}})
	e.add(genMessages(2)...)
	dest := filepath.Join(t.TempDir(), "mbox")
	r := run(t, e.env, "movemail.scm", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "server refused RETR 2000000000") || e.be.Count(testUser) != 2 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	if strings.Contains(r.stderr, "make-vector") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// movemail --timeout: a server that stops mid-message is given up on
// after that long, nothing deleted.
func TestMovemailTimeoutOption(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, StallAfter: 200, StallFor: 30e9},
	}})
	e.add(genMessages(3)...)
	dest := filepath.Join(t.TempDir(), "Maildir") + "/"
	r := run(t, e.env, "movemail.scm", "--timeout", "0.5", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "timeout (no progress for 500ms)") ||
		!strings.Contains(r.stderr, "nothing deleted on the server") || e.be.Count(testUser) != 3 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	if r := run(t, e.env, "movemail.scm", "--timeout", "0", dest); r.status != 2 {
		t.Errorf("--timeout 0: status %d, %q", r.status, r.stderr)
	}
}

// Headers chosen by a message's sender may hold terminal escape
// sequences: pop-headers shows each control character as "?".
func TestPopHeadersControlCharacters(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add("From: \x1b]0;owned\x07Eve <eve@example.org>\nSubject: \x1b[2J\x1b[31mred =?UTF-8?Q?=1B=5B5m?=blink\n\nbody\n")
	r := run(t, e.env, "pop-headers.scm")
	if r.status != 0 {
		t.Fatalf("status %d\n%s\n%s", r.status, r.stdout, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Errorf("control characters passed through: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "?[2J?[31mred ?[5mblink") || !strings.Contains(r.stdout, "?]0;owned?Eve") {
		t.Errorf("output %q", r.stdout)
	}
}

// A Subject or From with bidirectional-text controls (raw, or made by
// RFC 2047 decoding) cannot reorder pop-headers' line: each is a "?".
func TestPopHeadersBidiControls(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add("From: Mallory \u2067<eve@example.org>\u2069\nSubject: invoice \u202etxt.exe\u202c =?UTF-8?Q?=E2=80=AEfdp.scr?= \u2066x\u2069\u200e\u200f\u061c \u202a\u202b\u202d end\n\nbody\n")
	r := run(t, e.env, "pop-headers.scm")
	if r.status != 0 {
		t.Fatalf("status %d\n%s\n%s", r.status, r.stdout, r.stderr)
	}
	for _, c := range r.stdout {
		if pop3.IsBidiControl(c) {
			t.Fatalf("bidi control %U passed through: %q", c, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "invoice ?txt.exe? ?fdp.scr ?x???? ??? end") || !strings.Contains(r.stdout, "Mallory ?") {
		t.Errorf("output %q", r.stdout)
	}
}

// A server that repeats the password in its -ERR, with escape sequences:
// popstat's line has neither.
func TestPopstatHostileRefusal(t *testing.T) {
	f := loginFault("-ERR [AUTH] wrong password " + testPass + " \x1b[2J\x1b[31mHACKED")
	f.NoAPOPTimestamp = true
	e := newSrv(t, f)
	r := run(t, e.env, "popstat.scm", e.srv.Addr().String())
	if r.status != 1 || strings.Contains(r.stdout+r.stderr, testPass) || strings.ContainsAny(r.stdout+r.stderr, "\x1b") {
		t.Errorf("status %d, out %q, err %q", r.status, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `refused: [AUTH] wrong password **** \x1b[2J\x1b[31mHACKED`) {
		t.Errorf("out %q", r.stdout)
	}
}

// A server that answers RETR with only the header of a large message:
// movemail stored the stub and deleted the message. It now stops at that
// message, nothing deleted.
func TestMovemailRetrFarShorterThanListed(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, Listing: []string{"From: x@example.org", "Subject: stub"}},
	}})
	big := "From: a@example.org\nSubject: big\n\n" + strings.Repeat("attachment line\n", 20000)
	e.add(big, big, big)
	dest := filepath.Join(t.TempDir(), "mbox")
	r := run(t, e.env, "movemail.scm", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "less than half") ||
		!strings.Contains(r.stderr, "nothing deleted on the server") || e.be.Count(testUser) != 3 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
}

// A login refused with an RFC 2449 response code: movemail's message
// keeps the code (whether trying later can help), deleting nothing.
func TestMovemailResponseCodeShown(t *testing.T) {
	for _, code := range []string{"IN-USE", "LOGIN-DELAY", "SYS/TEMP", "AUTH"} {
		e := newSrv(t, loginFault("-ERR ["+code+"] not now"))
		e.add(genMessages(2)...)
		r := run(t, e.env, "movemail.scm", filepath.Join(t.TempDir(), "mbox"))
		if r.status != 1 || !strings.Contains(r.stderr, "****: ["+code+"] not now") ||
			strings.Contains(r.stderr, testPass) || e.be.Count(testUser) != 2 {
			t.Errorf("%s: status %d, %d on the server, stderr %q", code, r.status, e.be.Count(testUser), r.stderr)
		}
	}
}

// A server whose LIST is empty while STAT counts 5 messages: movemail
// said "0 messages moved" and succeeded. It now fails, naming both.
func TestMovemailListDisagreesWithStat(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{
		{Command: "LIST", Listing: []string{}},
		{Command: "UIDL", Listing: []string{}},
	}})
	e.add(genMessages(5)...)
	r := run(t, e.env, "movemail.scm", filepath.Join(t.TempDir(), "mbox"))
	if r.status != 1 || !strings.Contains(r.stderr, "movemail: protocol: STAT counts 5 messages, LIST lists 0") ||
		e.be.Count(testUser) != 5 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
}

// A server that offers PIPELINING and drops RETR 2: movemail stored
// message 3 as 2 and 4 as 3, then timed out; the next run deleted message
// 2 as stored and stored 4 twice. Now the run stops at the reply that
// announces message 3's size, with message 1 stored, and the next run
// brings 2, 3 and 4, each once.
func TestMovemailPipelinedRetrDropped(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 2, Swallow: true}}})
	var msgs []string
	for i := 1; i <= 4; i++ {
		msgs = append(msgs, fmt.Sprintf("From: s%d@example.org\nSubject: %d\n\n%s", i, i, strings.Repeat("line\n", 10*i)))
	}
	e.add(msgs...)
	dest := filepath.Join(t.TempDir(), "Maildir") + "/"
	r := run(t, e.env, "movemail.scm", "--timeout", "30", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "the size of message 3") || !strings.Contains(r.stderr, "1 message stored") ||
		e.be.Count(testUser) != 4 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	e.srv.SetFaults(server.Faults{})
	if r = run(t, e.env, "movemail.scm", dest); r.status != 0 {
		t.Fatalf("second run: status %d, stderr %q", r.status, r.stderr)
	}
	got := maildirMessages(t, dest)
	sort.Strings(got)
	if len(got) != 4 || e.be.Count(testUser) != 0 {
		t.Fatalf("%d messages stored, %d on the server", len(got), e.be.Count(testUser))
	}
	for i, m := range got {
		if m != msgs[i] {
			t.Errorf("message %d stored as %.40q", i+1, m)
		}
	}
}

// pop-headers reports a failure in one line naming itself, as the other
// scripts do, not as an uncaught error at a line of the script: a refusal
// with its response code (the password masked), a connection refused.
func TestPopHeadersFailures(t *testing.T) {
	f := loginFault("-ERR [AUTH] wrong password " + testPass)
	f.NoAPOPTimestamp = true
	e := newSrv(t, f)
	r := run(t, e.env, "pop-headers.scm", e.srv.Addr().String())
	if r.status != 1 || !strings.HasPrefix(r.stderr, "pop-headers: server refused ") ||
		!strings.HasSuffix(r.stderr, ": [AUTH] wrong password ****\n") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("refused: status %d, out %q, err %q", r.status, r.stdout, r.stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	r = run(t, e.env, "pop-headers.scm", "pop://"+testUser+"@"+closed)
	if r.status != 1 || !strings.HasPrefix(r.stderr, "pop-headers: pop3-connect: cannot connect to "+closed) || strings.Contains(r.stderr, ".scm:") {
		t.Errorf("connection refused: status %d, out %q, err %q", r.status, r.stdout, r.stderr)
	}
}

// A server that trickles a message a byte at a time, never stalling for
// the timeout: movemail waited for the whole message (hours for a large
// one). It now gives up once --timeout is spent and the message has come
// at less than --min-rate bytes per second, nothing deleted.
func TestMovemailTrickledMessage(t *testing.T) {
	e := newSrv(t, server.Faults{Rules: []server.Fault{
		{Command: "RETR", Nth: 2, Trickle: 5 * time.Millisecond}, // 1.4 KB: 7 s
	}})
	e.add(genMessages(3)...)
	dest := filepath.Join(t.TempDir(), "Maildir") + "/"
	r := run(t, e.env, "movemail.scm", "--timeout", "0.3", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "less than 512 bytes/s") ||
		!strings.Contains(r.stderr, "nothing deleted on the server") || e.be.Count(testUser) != 3 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
	r = run(t, e.env, "movemail.scm", "--timeout", "0.3", "--min-rate", "2000", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "less than 2000 bytes/s") {
		t.Errorf("--min-rate 2000: status %d, stderr %q", r.status, r.stderr)
	}
	for _, bad := range []string{"-1", "1.5", "fast"} {
		if r := run(t, e.env, "movemail.scm", "--min-rate", bad, dest); r.status != 2 || !strings.Contains(r.stderr, "bad --min-rate") {
			t.Errorf("--min-rate %s: status %d, %q", bad, r.status, r.stderr)
		}
	}
}

// A login that fails at each step (USER refused, PASS refused with a
// response code, the connection closed right after PASS): movemail,
// popstat and pop-headers each fail with status 1 and one clear line
// naming the step (and the code: a wrong password is not a disabled
// account), never the password; nothing is deleted. popstat left the
// code out.
func TestLoginFailuresReported(t *testing.T) {
	userPass := func(rule server.Fault) server.Faults {
		// USER/PASS only: no APOP timestamp, no SASL.
		return server.Faults{NoAPOPTimestamp: true, RemoveCapa: []string{"SASL"}, DisableCommands: []string{"AUTH"},
			Rules: []server.Fault{rule}}
	}
	for _, c := range []struct {
		name          string
		faults        server.Faults
		movemail, pop string // in movemail's and pop-headers' message, in popstat's
	}{
		{"USER refused", userPass(server.Fault{Command: "USER", Reply: "-ERR no such user"}),
			"server refused USER alice: no such user", "USER alice refused: no such user"},
		{"PASS [AUTH]", userPass(server.Fault{Command: "PASS", Reply: "-ERR [AUTH] bad password"}),
			"server refused PASS ****: [AUTH] bad password", "PASS **** refused: [AUTH] bad password"},
		{"PASS [SYS/PERM]", userPass(server.Fault{Command: "PASS", Reply: "-ERR [SYS/PERM] account disabled"}),
			"server refused PASS ****: [SYS/PERM] account disabled", "PASS **** refused: [SYS/PERM] account disabled"},
		{"PASS hangup", userPass(server.Fault{Command: "PASS", Hangup: true}),
			"pop3-login: PASS ****: connection closed by the server", "pop3-login: PASS ****: connection closed by the server"},
		{"APOP [SYS/TEMP]", server.Faults{Rules: []server.Fault{{Command: "APOP", Reply: "-ERR [SYS/TEMP] try later"}}},
			"server refused APOP alice ****: [SYS/TEMP] try later", "APOP alice **** refused: [SYS/TEMP] try later"},
		{"APOP closed", server.Faults{Rules: []server.Fault{{Command: "APOP", CloseAfter: 3}}},
			"pop3-login: APOP alice ****: connection closed by the server", "pop3-login: APOP alice ****: connection closed by the server"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newSrv(t, c.faults)
			e.add(genMessages(2)...)
			dest := filepath.Join(t.TempDir(), "mbox")
			for _, s := range []struct {
				script string
				args   []string
				want   string
			}{
				{"movemail.scm", []string{dest}, c.movemail},
				{"pop-headers.scm", nil, c.movemail},
				{"popstat.scm", []string{e.srv.Addr().String()}, "cannot check: " + c.pop},
			} {
				r := run(t, e.env, s.script, s.args...)
				out := r.stdout + r.stderr
				if r.status != 1 || !strings.Contains(out, s.want) || strings.Contains(out, testPass) {
					t.Errorf("%s: status %d, out %q, err %q; want %q", s.script, r.status, r.stdout, r.stderr, s.want)
				}
			}
			if n := e.be.Count(testUser); n != 2 {
				t.Errorf("%d messages left on the server", n)
			}
			for _, cmd := range e.commands() {
				if strings.HasPrefix(cmd, "PASS") && c.name == "USER refused" || strings.HasPrefix(cmd, "DELE") || strings.HasPrefix(cmd, "RETR") {
					t.Errorf("%q sent", cmd)
				}
			}
		})
	}
}

// A LIST with message 1 twice (and STAT counting 2) from a server without
// UIDL: movemail fetched message 1 twice, stored it twice and deleted it
// twice. It now stops at the listing, nothing stored or deleted.
func TestMovemailListTwice(t *testing.T) {
	e := newSrv(t, server.Faults{DisableCommands: []string{"UIDL"}, RemoveCapa: []string{"UIDL"}, Rules: []server.Fault{
		{Command: "LIST", Listing: []string{"1 1500", "1 1500"}},
	}})
	e.add(genMessages(2)...)
	dest := filepath.Join(t.TempDir(), "mbox")
	r := run(t, e.env, "movemail.scm", dest)
	if r.status != 1 || !strings.Contains(r.stderr, "LIST: protocol violation: the server lists message 1 twice") ||
		!strings.Contains(r.stderr, "nothing deleted on the server") || e.be.Count(testUser) != 2 {
		t.Errorf("status %d, %d on the server, stderr %q", r.status, e.be.Count(testUser), r.stderr)
	}
}

// A UIDL giving two messages one id: movemail, keeping ids to know what
// it has stored, would take the second for the first and delete it
// unread. The run stops at UIDL, nothing stored or deleted; a UIDL with a
// message twice likewise.
func TestMovemailUIDLDuplicates(t *testing.T) {
	for _, listing := range [][]string{{"1 same", "2 same"}, {"1 a", "1 b"}} {
		e := newSrv(t, server.Faults{Rules: []server.Fault{{Command: "UIDL", Listing: listing}}})
		e.add(genMessages(2)...)
		dest := filepath.Join(t.TempDir(), "Maildir") + "/"
		r := run(t, e.env, "movemail.scm", dest)
		if r.status != 1 || !strings.Contains(r.stderr, "UIDL: protocol violation") ||
			!strings.Contains(r.stderr, "0 messages stored") || e.be.Count(testUser) != 2 {
			t.Errorf("%v: status %d, %d on the server, stderr %q", listing, r.status, e.be.Count(testUser), r.stderr)
		}
	}
}

// A server that does not byte-stuff: message 4's line "." ends it early,
// and the rest of it follows as if it were the next reply. The message
// cut short must not be stored (it would be deleted next run, its end
// lost): movemail fails with a protocol error, stores none of it, deletes
// nothing; once the server is fixed, everything moves, once.
func TestMovemailUnstuffedDot(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		for _, kind := range []string{"maildir", "mbox"} {
			t.Run(fmt.Sprintf("pipelining%v/%s", pipelining, kind), func(t *testing.T) {
				t.Parallel()
				fs := server.Faults{Rules: []server.Fault{{Command: "RETR", NoStuffing: true}}}
				if !pipelining {
					fs.RemoveCapa = []string{"PIPELINING"}
				}
				e := newSrv(t, fs)
				e.add(genMessages(6)...)
				dest := destIn(t.TempDir(), kind)
				got := e.runFails(kind, dest, "protocol")
				if len(got) > 3 {
					t.Errorf("%d messages stored, want at most the 3 before message 4", len(got))
				}
				if n := e.be.Count(testUser); n != 6 {
					t.Errorf("%d messages left on the server, want 6", n)
				}
				e.rerunMovesAll(kind, dest, 6)
			})
		}
	}
}
