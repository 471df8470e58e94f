package pop3

import (
	"errors"
	"io"
	"testing"
)

func TestBadArgumentsSendNothing(t *testing.T) {
	e := newEnv(t, false, []string{"a\n"})
	ctx := testCtx(t)
	c := e.dial(t, nil)
	before := len(e.seen())
	for name, f := range map[string]func() error{
		"user-crlf":  func() error { _, err := c.Login(ctx, "alice\r\nDELE 1", "x"); return err },
		"pass-lf":    func() error { _, err := c.UserPass(ctx, "alice", "pw\nQUIT"); return err },
		"pass-nul":   func() error { _, err := c.APOP(ctx, "alice", "pw\x00"); return err },
		"user-empty": func() error { _, err := c.Login(ctx, "", "x"); return err },
		"apop-space": func() error { _, err := c.APOP(ctx, "al ice", "x"); return err },
		"mech-name":  func() error { _, err := c.Auth(ctx, badMech{}); return err },
	} {
		if err := f(); !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	before = len(e.seen())
	for name, f := range map[string]func() error{
		"retr-0":     func() error { _, _, err := c.Retr(ctx, 0); return err },
		"retr-neg":   func() error { _, _, err := c.RetrTo(ctx, -1, io.Discard); return err },
		"top-lines":  func() error { _, _, err := c.Top(ctx, 1, -1); return err },
		"dele-0":     func() error { return c.Dele(ctx, 0) },
		"list-0":     func() error { _, err := c.ListOne(ctx, 0); return err },
		"uidl-0":     func() error { _, err := c.UIDLOne(ctx, 0); return err },
		"many-0":     func() error { return c.DeleMany(ctx, []int{1, 0}) },
		"retrmany-0": func() error { return c.RetrMany(ctx, []int{-5}, nil) },
	} {
		if err := f(); !errors.Is(err, ErrBadArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("bad arguments reached the wire: %q", got[before:])
	}
	if e.be.Count("alice") != 1 {
		t.Error("message lost")
	}
}

type badMech struct{}

func (badMech) Start() (string, []byte, error) { return "PLAIN\r\nQUIT", nil, nil }

func (badMech) Next([]byte) ([]byte, error) { return nil, nil }
