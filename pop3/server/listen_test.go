package server

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestCloseEndsAllGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	be.AddMessage("u", []byte(strings.Repeat("x", 1<<20)+"\n"))
	retr := make(chan struct{}, 1)
	srv := New(Options{Backend: be, OnCommand: func(user, line string) {
		if line == "RETR 1" {
			retr <- struct{}{}
		}
	}})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	var conns []*rawClient
	for i := 0; i < 5; i++ {
		conns = append(conns, dial(t, srv.Addr().String()))
	}
	c := conns[0]
	c.greeting()
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.send("RETR 1") // not read: the server blocks writing
	<-retr
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for _, c := range conns {
		c.conn.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
	if err := srv.Start("127.0.0.1:0"); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	if be.Count("u") != 1 {
		t.Fatal("Close deleted messages")
	}
}

func TestIPv6Loopback(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	be := NewMemoryBackend()
	be.AddUser("u", "p")
	srv := New(Options{Backend: be})
	go srv.Serve(l)
	defer srv.Close()
	c := dial(t, l.Addr().String())
	c.greeting()
	if capa := string(c.multi("CAPA")); !strings.Contains(capa, "USER\r\n") {
		t.Fatalf("CAPA on ::1 hides USER (::1 is the loopback): %q", capa)
	}
	c.expectOK("USER u")
	c.expectOK("PASS p")
	c.expectOK("QUIT")
}
