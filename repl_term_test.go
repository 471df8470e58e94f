package main

// The REPL on a pseudo-terminal: the terminal's modes on the way in and
// out (bracketed paste), wide characters, editing as a user does it.

import (
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"popsh/interp/repl"
)

// pasteOff is what the line editor writes after the Enter that ends a
// line: the terminal's bracketed paste mode goes off for the evaluation.
const pasteOff = repl.PasteModeOff

// lastPasteMode is the last bracketed paste mode switch in s: "h" (on),
// "l" (off) or "" (none).
func lastPasteMode(s string) string {
	on, off := strings.LastIndex(s, "\x1b[?2004h"), strings.LastIndex(s, "\x1b[?2004l")
	switch {
	case on < 0 && off < 0:
		return ""
	case on > off:
		return "h"
	}
	return "l"
}

// output is all that popsh wrote to the terminal so far.
func (tm *term) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// cooked reports whether the terminal is in its line mode with echo.
func (tm *term) cooked() bool {
	tm.t.Helper()
	st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
	if err != nil {
		tm.t.Fatal(err)
	}
	return st.Lflag&unix.ICANON != 0 && st.Lflag&unix.ECHO != 0
}

func TestREPLBracketedPasteMode(t *testing.T) {
	// The bracketed paste mode is on while a line is typed (a Tab in a
	// paste is then text, not a completion request), off while an entry
	// is evaluated (a program reading the terminal gets a paste as it
	// is), and off when popsh leaves, however it leaves.
	tm := startTerm(t, t.TempDir())
	tm.expect("\x1b[?2004h")
	tm.expect("popsh> ")
	tm.send(`(begin (display "evaluating") (newline) (read-line))` + "\r")
	tm.expect("evaluating")
	out := tm.output()
	if m := lastPasteMode(out[:strings.LastIndex(out, "evaluating")]); m != "l" {
		t.Errorf("paste mode during the evaluation: %q, want off (l)", m)
	}
	tm.waitCooked()
	tm.send("typed\r")
	tm.expect("\"typed\"\r\n")
	tm.expect("popsh> ")
	if m := lastPasteMode(tm.output()); m != "h" {
		t.Errorf("paste mode at the prompt: %q, want on (h)", m)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
	<-tm.done
	if m := lastPasteMode(tm.output()); m != "l" {
		t.Errorf("paste mode after Ctrl-D: %q, want off (l)", m)
	}

	for _, c := range []struct {
		name  string
		leave func(tm *term)
		code  int
	}{
		{"exit", func(tm *term) { tm.send("(exit 3)\r") }, 3},
		{",exit", func(tm *term) { tm.send(",exit 4\r") }, 4},
		{"SIGTERM at the prompt", func(tm *term) {
			tm.waitRaw()
			tm.cmd.Process.Signal(syscall.SIGTERM)
		}, 128 + 15},
		{"SIGHUP while typing", func(tm *term) {
			tm.send("(list 1")
			tm.expect("(list 1")
			tm.cmd.Process.Signal(syscall.SIGHUP)
		}, 128 + 1},
	} {
		tm := startTerm(t, t.TempDir())
		tm.expect("popsh> ")
		c.leave(tm)
		if code := tm.wait(); code != c.code {
			t.Errorf("%s: exit status %d, want %d", c.name, code, c.code)
		}
		if !tm.cooked() {
			t.Errorf("%s: terminal left in raw mode", c.name)
		}
		<-tm.done
		if m := lastPasteMode(tm.output()); m != "l" {
			t.Errorf("%s: paste mode left %q, want off (l)", c.name, m)
		}
	}
}
