package server

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func faultServer(t *testing.T, f Faults) (*Server, *MemoryBackend) {
	t.Helper()
	srv, be := newTestServer(t, Options{Faults: f})
	be.AddUser("u", "p")
	be.AddMessage("u", []byte("Subject: a\n\nline one\nline two\n"))
	be.AddMessage("u", []byte("Subject: b\n\n.dot\n"))
	return srv, be
}

// rest reads everything until the server closes the connection.
func (c *rawClient) rest() string {
	c.t.Helper()
	b, err := io.ReadAll(c.r)
	if err != nil {
		c.t.Fatalf("read to EOF: %v", err)
	}
	return string(b)
}

func TestFaultDelay(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{
		{Command: Greeting, Delay: 150 * time.Millisecond},
		{Command: "STAT", Nth: 2, Delay: 150 * time.Millisecond},
	}})
	start := time.Now()
	c := dial(t, srv.Addr().String())
	c.greeting()
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("greeting after %v, want >= 150ms", d)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.expectOK("STAT") // Nth: 2 (Nth itself is checked in TestFaultReplyCodes)
	start = time.Now()
	c.expectOK("STAT")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("second STAT after %v, want >= 150ms", d)
	}
}

func TestFaultReplyCodes(t *testing.T) {
	for _, reply := range []string{"-ERR [IN-USE] locked", "-ERR [LOGIN-DELAY] wait 10 minutes", "-ERR [SYS/TEMP] try later", "HELLO THERE"} {
		srv, be := faultServer(t, Faults{Rules: []Fault{{Command: "PASS", Nth: 1, Reply: reply}}})
		c := dial(t, srv.Addr().String())
		c.greeting()
		c.expectOK("USER u")
		if st := c.cmd("PASS p"); st != reply {
			t.Fatalf("PASS = %q, want %q", st, reply)
		}
		// Not logged in: the fault replaced the command.
		if st := c.cmd("STAT"); !strings.HasPrefix(st, "-ERR") {
			t.Fatalf("STAT after faulty PASS: %q", st)
		}
		c.expectOK("USER u")
		c.expectOK("PASS p") // Nth: 1 only
		if be.Count("u") != 2 {
			t.Fatal("messages lost")
		}
	}
}

func TestFaultGarbageGreeting(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: Greeting, Reply: "* OK IMAP4rev1 ready"}}})
	c := dial(t, srv.Addr().String())
	if got := c.rest(); got != "* OK IMAP4rev1 ready\r\n" {
		t.Fatalf("got %q", got)
	}
}

func TestFaultCloseAfter(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "RETR", CloseAfter: 20}}})
	c := login(t, srv.Addr().String(), "u", "p")
	c.send("RETR 1")
	full := fmt.Sprintf("+OK %d octets\r\nSubject: a\r\n\r\nline one\r\nline two\r\n.\r\n", 34)
	if got := c.rest(); got != full[:20] {
		t.Fatalf("got %q, want the first 20 bytes %q", got, full[:20])
	}
}

func TestFaultCloseAfterGreeting(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: Greeting, CloseAfter: 5}}})
	c := dial(t, srv.Addr().String())
	if got := c.rest(); got != "+OK p" {
		t.Fatalf("got %q, want %q", got, "+OK p")
	}
}

func TestFaultHangup(t *testing.T) {
	srv, be := faultServer(t, Faults{Rules: []Fault{{Command: "QUIT", Hangup: true}}})
	c := login(t, srv.Addr().String(), "u", "p")
	c.expectOK("DELE 1")
	c.send("QUIT")
	if got := c.rest(); got != "" {
		t.Fatalf("got %q, want nothing", got)
	}
	if be.Count("u") != 2 {
		t.Fatal("hangup at QUIT deleted messages")
	}
}

// Swallow: the second STAT gets no reply; the third is answered as usual,
// so a client that pipelined them reads the third's reply as the second's.
func TestFaultSwallow(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "STAT", Nth: 2, Swallow: true}}})
	c := login(t, srv.Addr().String(), "u", "p")
	c.send("STAT")
	c.send("STAT")
	c.send("NOOP")
	c.send("STAT")
	for i, want := range []string{"+OK 2 ", "+OK", "+OK 2 "} {
		if got := c.readLine(); !strings.HasPrefix(got, want) || (want == "+OK" && strings.HasPrefix(got, "+OK 2")) {
			t.Fatalf("reply %d: %q, want %q...", i+1, got, want)
		}
	}
}

func TestFaultNoTerminator(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "RETR", NoTerminator: true}}})
	c := login(t, srv.Addr().String(), "u", "p")
	c.send("RETR 2")
	if got, want := c.rest(), "+OK 20 octets\r\nSubject: b\r\n\r\n..dot\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFaultLongLine(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "STAT", LongLine: 100000}, {Command: "TOP", LongLine: 5000}}})
	c := login(t, srv.Addr().String(), "u", "p")
	if st := c.cmd("STAT"); st != "+OK "+strings.Repeat("x", 100000) {
		t.Fatalf("STAT line of %d bytes", len(st))
	}
	if st := c.cmd("TOP 1 0"); st != "+OK "+strings.Repeat("x", 5000) {
		t.Fatalf("TOP line of %d bytes", len(st))
	}
	if got := string(c.readBody()); got != "Subject: a\r\n\r\n" {
		t.Fatalf("TOP body after long line: %q", got)
	}
	c.expectOK("NOOP")
}

func TestFaultBadNumber(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "STAT", BadNumber: true}, {Command: "LIST", BadNumber: true}}})
	c := login(t, srv.Addr().String(), "u", "p")
	if st := c.cmd("STAT"); st != "+OK 2x 54y" {
		t.Fatalf("STAT = %q", st)
	}
	if st := c.cmd("LIST 2"); st != "+OK 2 20-" {
		t.Fatalf("LIST 2 = %q", st)
	}
	if got := string(c.multi("LIST")); got != "1 34-\r\n2 20-\r\n" {
		t.Fatalf("LIST = %q", got)
	}
	if got := string(c.multi("UIDL")); strings.Contains(got, "-") {
		t.Fatalf("UIDL affected: %q", got)
	}
}

func TestFaultCapabilities(t *testing.T) {
	tlsCfg, _, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	srv, be := newTestServer(t, Options{TLSConfig: tlsCfg, Faults: Faults{
		RemoveCapa:      []string{"PIPELINING", "STLS", "UIDL"},
		DisableCommands: []string{"UIDL", "STLS"},
		NoAPOPTimestamp: true,
	}})
	be.AddUser("u", "p")
	c := dial(t, srv.Addr().String())
	if g := c.greeting(); timestampRE.MatchString(g) {
		t.Fatalf("greeting has a timestamp: %q", g)
	}
	capa := string(c.multi("CAPA"))
	for _, gone := range []string{"PIPELINING", "STLS", "UIDL"} {
		if strings.Contains(capa, gone) {
			t.Errorf("CAPA still lists %s: %q", gone, capa)
		}
	}
	if !strings.Contains(capa, "TOP\r\n") {
		t.Errorf("CAPA lost TOP: %q", capa)
	}
	if st := c.cmd("STLS"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("disabled STLS: %q", st)
	}
	if st := c.cmd("APOP u 00000000000000000000000000000000"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("APOP without timestamp: %q", st)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
	if st := c.cmd("UIDL"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("disabled UIDL: %q", st)
	}
}

func TestSetFaults(t *testing.T) {
	srv, _ := faultServer(t, Faults{})
	c1 := login(t, srv.Addr().String(), "u", "p")
	c1.expectOK("QUIT")
	srv.SetFaults(Faults{Rules: []Fault{{Command: "*", Reply: "-ERR [SYS/TEMP] down"}}})
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	if st := c2.cmd("USER u"); st != "-ERR [SYS/TEMP] down" {
		t.Fatalf("after SetFaults: %q", st)
	}
	srv.SetFaults(Faults{})
	login(t, srv.Addr().String(), "u", "p").expectOK("QUIT")
}

func TestFaultStall(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "RETR", StallAfter: 25, StallFor: time.Second}}})
	c := login(t, srv.Addr().String(), "u", "p")
	c.send("RETR 1")
	start := time.Now()
	first := make([]byte, 25)
	if _, err := io.ReadFull(c.r, first); err != nil {
		t.Fatal(err)
	}
	// Nothing more comes for a while (the stall is 1 s; we look for 100 ms).
	c.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("byte 26 arrived during the stall")
	}
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest := c.readBody()
	if got, want := string(first)+string(rest), "+OK 34 octets\r\nSubject: a\r\n\r\nline one\r\nline two\r\n"; got != want {
		t.Fatalf("after the stall: %q, want %q", got, want)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("whole reply after %v, want >= 1s", d)
	}
	c.expectOK("NOOP")
}

func TestFaultNthSession(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: Greeting, Session: 2, Reply: "-ERR [SYS/TEMP] busy"}}})
	for i, want := range []string{"+OK", "-ERR [SYS/TEMP] busy", "+OK"} {
		c := dial(t, srv.Addr().String())
		if l := c.readLine(); !strings.HasPrefix(l, want) {
			t.Fatalf("session %d greeting %q, want %q", i+1, l, want)
		}
	}
}

func TestFaultSASLScript(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "AUTH", Nth: 1, SASL: []string{"+ ", "+ ", "GARBAGE"}}}})
	c := dial(t, srv.Addr().String())
	c.greeting()
	if st := c.cmd("AUTH CRAM-MD5"); st != "+ " {
		t.Fatalf("AUTH = %q, want an empty challenge", st)
	}
	if st := c.cmd("*"); st != "+ " {
		t.Fatalf("after the cancel = %q, want the scripted \"+ \"", st)
	}
	if st := c.cmd("Zm9v"); st != "GARBAGE" {
		t.Fatalf("third line = %q", st)
	}
	// The script ends; the session goes on, not logged in.
	if st := c.cmd("STAT"); !strings.HasPrefix(st, "-ERR") {
		t.Fatalf("STAT after the script = %q, want -ERR (not logged in)", st)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
}

func TestFaultNoStuffing(t *testing.T) {
	srv, _ := faultServer(t, Faults{Rules: []Fault{{Command: "RETR", NoStuffing: true}}})
	c := dial(t, srv.Addr().String())
	c.greeting()
	c.expectOK("USER u")
	c.expectOK("PASS p")
	// Message 2 is "Subject: b\n\n.dot\n": sent as ".dot", not "..dot".
	if body := string(c.multi("RETR 2")); !strings.Contains(body, "\r\n.dot\r\n") || strings.Contains(body, "..dot") {
		t.Fatalf("RETR 2 = %q", body)
	}
}
