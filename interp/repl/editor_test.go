package repl

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/chzyer/readline"
)

func newTestEditor(t *testing.T, limit int) *terminalEditor {
	t.Helper()
	rl, err := readline.NewEx(&readline.Config{
		Stdin:          io.NopCloser(strings.NewReader("")),
		Stdout:         io.Discard,
		FuncIsTerminal: func() bool { return false },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// readline's input goroutine adds itself to a WaitGroup that
		// Close waits on, with nothing ordering the two: the race
		// detector reports a Close right after NewEx. A read first (the
		// empty input ends at once) orders them.
		rl.Readline()
		rl.Close()
	})
	return &terminalEditor{rl: rl, limit: limit}
}

func TestHistoryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".popsh_history")
	// A new history file is created with mode 0600.
	e := newTestEditor(t, 3)
	if err := e.openHistory(path); err != nil {
		t.Fatal(err)
	}
	if err := e.AddHistory("(define (f x)\n  (* x 2))"); err != nil {
		t.Fatal(err)
	}
	e.AddHistory("   ")
	e.AddHistory("(f 1)")
	e.histF.Close()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if string(b) != "(define (f x)   (* x 2))\n(f 1)\n" {
		t.Errorf("history file = %q: want one line per entry, blank entries left out", b)
	}
	// An overlong history is trimmed to the limit when loaded, keeping 0600.
	os.WriteFile(path, []byte("a\nb\nc\nd\ne\n"), 0o600)
	e2 := newTestEditor(t, 3)
	if err := e2.openHistory(path); err != nil {
		t.Fatal(err)
	}
	e2.histF.Close()
	b, _ = os.ReadFile(path)
	fi, _ = os.Stat(path)
	if string(b) != "c\nd\ne\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("trimmed history = %q mode %v; want the last 3 entries, 0600", b, fi.Mode().Perm())
	}
	// A history that cannot be written is reported, not fatal.
	e3 := newTestEditor(t, 3)
	if err := e3.openHistory(filepath.Join(dir, "no", "such", "dir", "h")); err == nil {
		t.Error("openHistory in a missing directory: no error")
	}
	if err := e3.AddHistory("(+ 1 2)"); err != nil {
		t.Errorf("AddHistory without a file: %v", err)
	}
}

// An existing history readable by others is made 0600 before anything is
// appended; its entries are still loaded and new ones appended.
func TestHistoryFileMadePrivate(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o666, 0o640, 0o604} {
		path := filepath.Join(t.TempDir(), ".popsh_history")
		if err := os.WriteFile(path, []byte("(old 1)\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		e := newTestEditor(t, 10)
		if err := e.openHistory(path); err != nil {
			t.Fatalf("mode %04o: %v", mode, err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("history of mode %04o: now %v (%v), want 0600 before any append", mode, fi.Mode().Perm(), err)
		}
		if err := e.AddHistory(`(pop3-login c "carol" "secret")`); err != nil {
			t.Fatal(err)
		}
		e.histF.Close()
		b, _ := os.ReadFile(path)
		if string(b) != "(old 1)\n(pop3-login c \"carol\" \"secret\")\n" {
			t.Errorf("history of mode %04o = %q", mode, b)
		}
	}
	// A history that is not a regular file is refused.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	e := newTestEditor(t, 10)
	if err := e.openHistory(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO as history: %v", err)
	}
	if e.histF != nil {
		t.Errorf("a refused history is kept open")
	}
}
