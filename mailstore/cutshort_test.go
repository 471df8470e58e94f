package mailstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"popsh/pop3"
	"popsh/pop3/pop3test"
	"popsh/pop3/server"
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

// A message of a server without UIDL that ends at an unstuffed "." is not
// taken as stored, and the whole message handled before it stays stored.
// "immediate": the rest of it follows at once, and the client sees it at
// the end of the body (the message was never stored; the one before must
// not be dropped in its place). "late": the rest comes after the body was
// read, and the message, byte for byte one stored before whose deletion
// was not confirmed, was recognized: the recognition is taken back, or the
// server's message, longer than what was stored, would be deleted.
func TestCutShortRecognizedMessageNotDeleted(t *testing.T) {
	for _, when := range []string{"immediate", "late"} {
		for _, kind := range []string{"maildir", "mbox"} {
			t.Run(when+"/"+kind, func(t *testing.T) {
				cutShortAfterUnconfirmed(t, when, kind)
			})
		}
	}
}

func cutShortAfterUnconfirmed(t *testing.T, when, kind string) {
	ctx := context.Background()
	// What lateRestServer's message 2 holds up to its unstuffed ".".
	stored := []byte("Subject: two\n\nbefore the dot\n")
	be := server.NewMemoryBackend()
	be.AddUser("u", "pw")
	be.AddMessage("u", stored)
	srv := pop3test.StartServer(t, server.Options{Backend: be, SharedMaildrops: true,
		Faults: server.Faults{Rules: []server.Fault{{Command: "RETR", NoStuffing: true}}}})
	addr := srv.Addr().String()
	dir := t.TempDir()
	dest, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	if kind == "maildir" {
		dest = filepath.Join(dir, "Mail") + "/"
	}
	storeUnconfirmed(t, addr, dest, state) // session 1

	// Session 2: the server applied the deletion after all; it now holds
	// a new message, then one that begins with the stored one's bytes
	// and a line "." it does not stuff.
	if when == "immediate" {
		be.Clear("u")
		be.AddMessage("u", []byte("Subject: one\n\nfirst\n"))
		be.AddMessage("u", append(append([]byte{}, stored...), ".\nafter the dot\n"...))
	} else {
		addr = lateRestServer(t)
	}
	s := open(t, dest, state, "u@a")
	c := client(t, addr)
	n, err := s.Fetch(ctx, c, listAll(t, c))
	if n != 1 || !errors.Is(err, pop3.ErrStrayData) {
		t.Fatalf("Fetch = %d, %v: want message 1 stored, then stray data after message 2", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := s.Stored(); len(got) != 1 || got[0] != 1 {
		t.Errorf("Stored() = %v, want [1]: message 2 (cut short) must not be deleted", got)
	}
	if n := countStored(t, dest); n != 2 {
		t.Errorf("%d messages in the destination, want 2 (session 1's, the new one)", n)
	}
	if st, err := readState(state); err != nil || st.digests(stateKey{"u@a", destKey(dest)})[hexSHA(stored)] != 1 {
		t.Errorf("the record of session 1's message: %v; want it kept (count 1)", err)
	}
}

func hexSHA(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
