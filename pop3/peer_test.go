package pop3

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// peer is a scripted POP3 server for transcript tests: it plays a script
// of "S: line" (send line + CRLF), "S+raw" (send raw bytes, escapes
// allowed via strings given by the test), "C: line" (expect this client
// line), "HANG" (read until the client goes away, replying nothing) and
// "CLOSE". Mismatches are reported when the test ends.
type peer struct {
	addr string
	done chan error
	got  []string
}

func newPeer(t *testing.T, script ...string) *peer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{addr: l.Addr().String(), done: make(chan error, 1)}
	go func() {
		conn, err := l.Accept()
		l.Close()
		if err != nil {
			p.done <- err
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		br := bufio.NewReader(conn)
		for i, step := range script {
			switch {
			case strings.HasPrefix(step, "S: "):
				if _, err := io.WriteString(conn, step[3:]+"\r\n"); err != nil {
					p.done <- fmt.Errorf("step %d %q: %v", i, step, err)
					return
				}
			case strings.HasPrefix(step, "S+"):
				if _, err := io.WriteString(conn, step[2:]); err != nil {
					p.done <- fmt.Errorf("step %d %q: %v", i, step, err)
					return
				}
			case strings.HasPrefix(step, "C: "):
				line, err := br.ReadString('\n')
				p.got = append(p.got, line)
				if err != nil || line != step[3:]+"\r\n" {
					p.done <- fmt.Errorf("step %d: client sent %q (%v), want %q", i, line, err, step[3:]+"\r\n")
					return
				}
			case step == "HANG":
				io.Copy(io.Discard, br)
			case step == "CLOSE":
				p.done <- nil
				return
			default:
				p.done <- fmt.Errorf("bad script step %q", step)
				return
			}
		}
		// The script is over: nothing more may arrive but QUIT or EOF.
		line, err := br.ReadString('\n')
		if err == nil && line != "QUIT\r\n" {
			p.done <- fmt.Errorf("client sent %q after the script", line)
			return
		}
		if err == nil {
			io.WriteString(conn, "+OK bye\r\n")
		}
		p.done <- nil
	}()
	t.Cleanup(func() {
		select {
		case err := <-p.done:
			if err != nil {
				t.Errorf("peer: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("peer: script not finished")
		}
	})
	return p
}

// peerOpts are client options for a scripted peer: plain text, short
// timeouts.
func peerOpts() *Options {
	return &Options{TLS: PlainText, CommandTimeout: 2 * time.Second, DialTimeout: 2 * time.Second, AllowCleartext: true}
}

func dialPeer(t *testing.T, p *peer, o *Options) *Client {
	t.Helper()
	if o == nil {
		o = peerOpts()
	}
	c, err := Dial(testCtx(t), p.addr, o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
