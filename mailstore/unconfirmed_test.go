package mailstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"popsh/pop3"
	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

// countStored counts the messages in a Maildir's new/ or an mbox.
func countStored(t *testing.T, dest string) int {
	t.Helper()
	if strings.HasSuffix(dest, "/") {
		ents, err := os.ReadDir(filepath.Join(dest, "new"))
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count("\n"+string(b), "\nFrom ")
}

// listAll returns every message of the session, without UIDL.
func listAll(t *testing.T, c *pop3.Client) []pop3.MsgUID {
	t.Helper()
	l, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []pop3.MsgUID
	for _, m := range l {
		out = append(out, pop3.MsgUID{Num: m.Num})
	}
	return out
}

// A server without UIDL whose QUIT is not confirmed: the messages stored
// are recorded by their digest (identical ones counted), the next session
// recognizes them instead of storing them again, and once a QUIT is
// confirmed the record is gone (a later identical message is new mail).
func TestNoUIDLUnconfirmedQuit(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			be, addr := maildrop(t, 1)
			twin := []byte("Subject: twin\n\nthe same bytes\n")
			be.AddMessage("u", twin)
			be.AddMessage("u", twin)
			dir := t.TempDir()
			dest, state := filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
			if kind == "maildir" {
				dest = filepath.Join(dir, "Mail") + "/"
			}
			stateLines := func() int {
				b, _ := os.ReadFile(state)
				return strings.Count(string(b), "\nnouidl ")
			}

			// Session 1: all stored, DELE sent, the connection lost
			// before QUIT's reply (here: never sent; nothing applied).
			s := open(t, dest, state, "u@a")
			c := client(t, addr)
			if n, err := s.Fetch(ctx, c, listAll(t, c)); n != 3 || err != nil {
				t.Fatalf("session 1 Fetch = %d, %v", n, err)
			}
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := c.DeleMany(ctx, s.Stored()); err != nil {
				t.Fatal(err)
			}
			c.Close()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if n := stateLines(); n != 3 {
				t.Fatalf("%d digests recorded, want 3 (the twins counted twice)", n)
			}

			// Session 2: a new message; the three are recognized.
			be.AddMessage("u", []byte("Subject: new\n\nnew mail\n"))
			s = open(t, dest, state, "u@a")
			c = client(t, addr)
			if n, err := s.Fetch(ctx, c, listAll(t, c)); n != 1 || err != nil {
				t.Fatalf("session 2 Fetch = %d, %v: want only the new message stored", n, err)
			}
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			if got := len(s.Stored()); got != 4 {
				t.Fatalf("Stored() has %d messages, want 4 (1 new, 3 recognized)", got)
			}
			if err := c.DeleMany(ctx, s.Stored()); err != nil {
				t.Fatal(err)
			}
			if err := c.Quit(ctx); err != nil || !c.QuitConfirmed() {
				t.Fatalf("Quit = %v, confirmed %v", err, c.QuitConfirmed())
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if n := countStored(t, dest); n != 4 {
				t.Errorf("%d messages in the destination, want 4", n)
			}
			if be.Count("u") != 0 {
				t.Errorf("%d messages left on the server", be.Count("u"))
			}
			if n := stateLines(); n != 0 {
				t.Errorf("%d digests left after a confirmed QUIT", n)
			}
			if b, _ := os.ReadFile(state); string(b) != "popsh-uidls 3\n" {
				t.Errorf("state file without digests: %q, want the header alone (no UIDLs, no digests)", b)
			}

			// Session 3: the same bytes again, now new mail.
			be.AddMessage("u", twin)
			s = open(t, dest, state, "u@a")
			c = client(t, addr)
			if n, err := s.Fetch(ctx, c, listAll(t, c)); n != 1 || err != nil {
				t.Fatalf("session 3 Fetch = %d, %v", n, err)
			}
			s.Close()
		})
	}
}

// unconfirmedSession is a session with a server without UIDL (two
// messages) into an mbox whose QUIT is never sent (see storeUnconfirmed).
func unconfirmedSession(t *testing.T) (be *server.MemoryBackend, addr, dest, state string) {
	t.Helper()
	be, addr = maildrop(t, 2)
	dir := t.TempDir()
	dest, state = filepath.Join(dir, "mbox"), filepath.Join(dir, "state")
	storeUnconfirmed(t, addr, dest, state)
	return be, addr, dest, state
}

// storeUnconfirmed stores every message of the server at addr, without
// UIDL, into dest: committed, DELE sent, the connection closed without
// QUIT, so that their deletion is not confirmed.
func storeUnconfirmed(t *testing.T, addr, dest, state string) {
	t.Helper()
	ctx := context.Background()
	s := open(t, dest, state, "u@a")
	c := client(t, addr)
	if _, err := s.Fetch(ctx, c, listAll(t, c)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	c.DeleMany(ctx, s.Stored())
	c.Close()
	s.Close()
}

// After an unconfirmed QUIT that the server did apply, the records of
// messages no longer there are forgotten once a session has seen every
// message and its QUIT is confirmed.
func TestNoUIDLRecordsForgotten(t *testing.T) {
	ctx := context.Background()
	be, addr, dest, state := unconfirmedSession(t)
	// The server removed them after all (as if QUIT's reply was lost).
	be.Clear("u")
	be.AddMessage("u", []byte("Subject: later\n\nlater\n"))
	s := open(t, dest, state, "u@a")
	c := client(t, addr)
	if n, err := s.Fetch(ctx, c, listAll(t, c)); n != 1 || err != nil {
		t.Fatalf("Fetch = %d, %v", n, err)
	}
	s.Commit()
	c.DeleMany(ctx, s.Stored())
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(state); strings.Contains(string(b), "nouidl") {
		t.Errorf("records of messages the server no longer has are kept: %q", b)
	}
}

func TestStateDigestLines(t *testing.T) {
	dir := t.TempDir()
	d := strings.Repeat("ab", 32)
	for name, text := range map[string]string{
		"v2 with a digest":  "popsh-uidls 2\ndest \"a\" \"/b\"\nnouidl " + d + "\n",
		"malformed digest":  "popsh-uidls 3\ndest \"a\" \"/b\"\nnouidl xyz\n",
		"digest, no header": "popsh-uidls 3\nnouidl " + d + "\n",
	} {
		p := filepath.Join(dir, "state")
		os.WriteFile(p, []byte(text), 0o600)
		if _, err := readState(p); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
	p := filepath.Join(dir, "state")
	os.WriteFile(p, []byte("popsh-uidls 3\ndest \"a\" \"/b\"\nU1\nnouidl "+d+"\nnouidl "+d+"\n"), 0o600)
	s, err := readState(p)
	if err != nil {
		t.Fatal(err)
	}
	if size, ok := s.sections[stateKey{"a", "/b"}]["U1"]; s.digests(stateKey{"a", "/b"})[d] != 2 || !ok || size != noSize {
		t.Errorf("digest count %d, UIDL %v", s.digests(stateKey{"a", "/b"})[d], s.sections[stateKey{"a", "/b"}])
	}
	if err := s.write(p); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "popsh-uidls 3\ndest \"a\" \"/b\"\nU1\nnouidl "+d+"\nnouidl "+d+"\n" {
		t.Errorf("written again as %q", b)
	}
}

// Fetch of messages the session has not listed lists them first: a
// server's endless message is then a protocol error, not a full disk.
func TestFetchUnlistedBounded(t *testing.T) {
	for _, kind := range []string{"maildir", "mbox"} {
		t.Run(kind, func(t *testing.T) {
			be := server.NewMemoryBackend()
			be.AddUser("u", "pw")
			be.AddMessage("u", []byte("Subject: a\n\nshort\n"))
			srv := pop3test.StartServer(t, server.Options{Backend: be, SharedMaildrops: true, Faults: server.Faults{Rules: []server.Fault{{Command: "RETR", EndlessBody: true}}}})
			dir := t.TempDir()
			dest := filepath.Join(dir, "mbox")
			if kind == "maildir" {
				dest = filepath.Join(dir, "Mail") + "/"
			}
			s := open(t, dest, filepath.Join(dir, "state"), "u@a")
			defer s.Close()
			c := client(t, srv.Addr().String())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			n, err := s.Fetch(ctx, c, []pop3.MsgUID{{Num: 1}})
			if n != 0 || !errors.Is(err, pop3.ErrProtocol) || !strings.Contains(err.Error(), "LIST gave") {
				t.Fatalf("Fetch = %d, %v: want a protocol violation (longer than listed)", n, err)
			}
			c2 := client(t, srv.Addr().String())
			if _, err := s.Fetch(ctx, c2, []pop3.MsgUID{{Num: 7}}); !errors.Is(err, pop3.ErrBadArgument) {
				t.Errorf("Fetch of a message LIST lacks = %v", err)
			}
		})
	}
}

// The journal's UIDL field carries the digest of a message without UIDL;
// a journal replayed after its commit counts no digest twice.
func TestJournalDigestField(t *testing.T) {
	d := strings.Repeat("0f", 32)
	for _, c := range []struct{ uid, digest, field string }{
		{"U1", "", "U1"},
		{"", "", "-"},
		{"", d, "-" + d},
	} {
		if f := uidField(c.uid, c.digest); f != c.field {
			t.Errorf("uidField(%q, %q) = %q, want %q", c.uid, c.digest, f, c.field)
		}
		if u, dg := uidOf(c.field); u != c.uid || dg != c.digest {
			t.Errorf("uidOf(%q) = %q, %q", c.field, u, dg)
		}
	}
	if u, dg := uidOf("-notadigest"); u != "-notadigest" || dg != "" {
		t.Errorf("uidOf of a UIDL starting with '-' = %q, %q", u, dg)
	}
	p := filepath.Join(t.TempDir(), "state")
	k := stateKey{"a", "/b"}
	for range 2 {
		if err := addState(p, k, nil, []string{d, d}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := readState(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.digests(k)[d]; n != 2 {
		t.Errorf("after the same journal twice: count %d, want 2", n)
	}
}
