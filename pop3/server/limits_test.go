package server

import (
	"strings"
	"testing"
	"time"
)

func TestLockWait(t *testing.T) {
	passes := make(chan struct{}, 2)
	srv, be := newTestServer(t, Options{LockWait: 2 * time.Second, OnCommand: func(user, line string) {
		if strings.HasPrefix(line, "PASS") {
			passes <- struct{}{}
		}
	}})
	be.AddUser("u", "p")
	c := login(t, srv.Addr().String(), "u", "p")
	<-passes
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	c2.expectOK("USER u")
	c2.send("PASS p")
	<-passes       // the second session has its PASS: it waits for the lock
	c.conn.Close() // the first session ends while the second one waits
	if st := c2.readLine(); !strings.HasPrefix(st, "+OK") {
		t.Fatalf("PASS waiting for the lock: %q", st)
	}
}

func TestExtraCapabilitiesAndTooManyErrors(t *testing.T) {
	srv, _ := newTestServer(t, Options{ExtraCapabilities: []string{"EXPIRE 30", "LOGIN-DELAY 900"}})
	c := dial(t, srv.Addr().String())
	c.greeting()
	capa := string(c.multi("CAPA"))
	if !strings.Contains(capa, "\r\nEXPIRE 30\r\nLOGIN-DELAY 900\r\nIMPLEMENTATION popsh\r\n") {
		t.Fatalf("CAPA %q", capa)
	}
	for i := 1; i < maxBadCommands; i++ {
		if st := c.cmd("BOGUS"); !strings.HasPrefix(st, "-ERR") {
			t.Fatalf("BOGUS %d: %q", i, st)
		}
	}
	if st := c.cmd("BOGUS"); st != "-ERR Unknown command." {
		t.Fatalf("last BOGUS: %q", st)
	}
	if l := c.readLine(); l != "-ERR Too many invalid commands." {
		t.Fatalf("after %d invalid commands: %q", maxBadCommands, l)
	}
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection still open")
	}
}

func TestMaxConnections(t *testing.T) {
	srv, be := newTestServer(t, Options{MaxConnections: 2})
	be.AddUser("u", "p")
	c1 := dial(t, srv.Addr().String())
	c1.greeting()
	c2 := dial(t, srv.Addr().String())
	c2.greeting()
	c3 := dial(t, srv.Addr().String())
	if l := c3.readLine(); l != "-ERR [SYS/TEMP] Too many connections, try later." {
		t.Fatalf("third connection: %q", l)
	}
	c1.expectOK("QUIT")
	if _, err := c1.r.ReadByte(); err == nil {
		t.Fatal("QUIT did not close")
	}
	// The first session is gone (its goroutine may still be finishing):
	// a new connection is served again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := dial(t, srv.Addr().String())
		l := c.readLine()
		if strings.HasPrefix(l, "+OK") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a session ended: %q", l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
