package pop3

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestStateMachineSendsNothing(t *testing.T) {
	e := newEnv(t, false, []string{"a\n"})
	ctx := testCtx(t)
	c := e.dial(t, nil)
	before := len(e.seen())
	calls := map[string]func() error{
		"Stat":  func() error { _, _, err := c.Stat(ctx); return err },
		"List":  func() error { _, err := c.List(ctx); return err },
		"Retr":  func() error { _, _, err := c.Retr(ctx, 1); return err },
		"Top":   func() error { _, _, err := c.Top(ctx, 1, 0); return err },
		"Dele":  func() error { return c.Dele(ctx, 1) },
		"Rset":  func() error { return c.Rset(ctx) },
		"Noop":  func() error { return c.Noop(ctx) },
		"Last":  func() error { _, err := c.Last(ctx); return err },
		"UIDL":  func() error { _, err := c.UIDL(ctx); return err },
		"RetrM": func() error { return c.RetrMany(ctx, []int{1}, func(int, io.Reader) error { return nil }) },
		"DeleM": func() error { return c.DeleMany(ctx, []int{1}) },
	}
	for name, f := range calls {
		if err := f(); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "not in TRANSACTION state") {
			t.Errorf("%s before login: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("commands sent in the wrong state: %q", got[before:])
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
	before = len(e.seen())
	for name, f := range map[string]func() error{
		"Login":    func() error { _, err := c.Login(ctx, "alice", "wonderland"); return err },
		"APOP":     func() error { _, err := c.APOP(ctx, "alice", "wonderland"); return err },
		"UTF8":     func() error { return c.UTF8(ctx) },
		"StartTLS": func() error { return c.StartTLS(ctx) },
	} {
		if err := f(); !errors.Is(err, ErrState) {
			t.Errorf("%s after login: %v", name, err)
		}
	}
	if got := e.seen(); len(got) != before {
		t.Errorf("commands sent in the wrong state: %q", got[before:])
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Stat(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Stat after Quit: %v", err)
	}
	if c.State() != StateClosed {
		t.Errorf("state after Quit = %v", c.State())
	}
}
