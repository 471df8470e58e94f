package mailstore

import (
	"bufio"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"popsh/pop3"
)

// lateRestServer is a POP3 server that does not byte-stuff message 2's
// line ".", and sends the rest of that message a moment later: no check
// at the end of the body can see it coming.
func lateRestServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(20 * time.Second))
				br := bufio.NewReader(conn)
				conn.Write([]byte("+OK hello\r\n"))
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					switch strings.TrimRight(line, "\r\n") {
					case "CAPA":
						conn.Write([]byte("+OK\r\nUSER\r\n.\r\n"))
					case "USER u", "PASS pw", "NOOP":
						conn.Write([]byte("+OK\r\n"))
					case "LIST":
						conn.Write([]byte("+OK\r\n1 40\r\n2 60\r\n.\r\n"))
					case "RETR 1":
						conn.Write([]byte("+OK\r\nSubject: one\r\n\r\nfirst\r\n.\r\n"))
					case "RETR 2":
						conn.Write([]byte("+OK\r\nSubject: two\r\n\r\nbefore the dot\r\n.\r\n"))
						time.Sleep(300 * time.Millisecond)
						conn.Write([]byte("after the dot\r\n.\r\n"))
					case "QUIT":
						conn.Write([]byte("+OK\r\n"))
						return
					default:
						conn.Write([]byte("-ERR what?\r\n"))
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

// Message 2, cut short by an unstuffed ".", is not kept, though the rest
// of it comes only after its end was read: the NOOP after the retrieval is
// answered after it, and the protocol violation drops the message before.
func TestCutShortMessageNotKept(t *testing.T) {
	addr := lateRestServer(t)
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := pop3.Dial(ctx, addr, &pop3.Options{TLS: pop3.PlainText})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Login(ctx, "u", "pw"); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			dest := filepath.Join(dir, "mbox")
			if kind == "maildir" {
				dest = filepath.Join(dir, "Mail") + "/"
			}
			s := open(t, dest, filepath.Join(dir, "state"), "u@a")
			n, err := s.Fetch(ctx, c, []pop3.MsgUID{{Num: 1, UID: "a"}, {Num: 2, UID: "b"}})
			if n != 1 || !errors.Is(err, pop3.ErrProtocol) {
				t.Errorf("Fetch = %d, %v: want message 1 stored and a protocol violation", n, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got := s.Stored(); len(got) != 1 || got[0] != 1 {
				t.Errorf("Stored() = %v, want [1]", got)
			}
			if n := countStored(t, dest); n != 1 {
				t.Errorf("%d messages in the destination, want 1", n)
			}
			if s.Seen("b") {
				t.Error("message 2 recorded as stored")
			}
		})
	}
}
