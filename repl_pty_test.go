package main

// The REPL on a pseudo-terminal as a user sees it: what stays on the
// screen (the terminal model of vt_test.go), keys of various terminals,
// output from other threads while a line is typed, TERM=dumb.

import (
	"slices"
	"strings"
	"testing"
)

// screenText is what a terminal of w x h shows after the output so far.
func (tm *term) screenText(w, h int) string {
	tm.mu.Lock()
	out := tm.out.String()
	tm.mu.Unlock()
	s := newScreen(w, h)
	s.feed(out)
	return s.String()
}

// printed is what tm.eval returned up to the line editor's first control
// sequence (the start of the next prompt): what the entry printed.
func printed(s string) string {
	if i := strings.IndexByte(s, 0x1b); i >= 0 {
		return s[:i]
	}
	return s
}

func TestREPLExitKeepsLastOutput(t *testing.T) {
	// Output without a newline, then (exit) in the same entry: the text
	// stays on the screen when the line editor lets the terminal go.
	for _, c := range []struct {
		line, text string
		code       int
	}{
		{`(begin (display "bye now") (exit 3))`, "bye now", 3},
		{`(display "see you") (exit)`, "see you", 0},
	} {
		tm := startTermSize(t, 10, 60, t.TempDir())
		tm.expect("popsh> ")
		tm.send(c.line + "\r")
		if code := tm.wait(); code != c.code {
			t.Errorf("%s: exit status %d, want %d", c.line, code, c.code)
		}
		<-tm.done
		scr := tm.screenText(60, 10)
		if !slices.Contains(strings.Split(scr, "\n"), c.text) {
			t.Errorf("%s: the screen does not show %q on a line of its own:\n%s", c.line, c.text, scr)
		}
	}
}

func TestREPLExtraParen(t *testing.T) {
	// An extra ')' after a definition: the definition is made, the ')'
	// reported once with its position, and the prompt comes back.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	if s := printed(tm.eval("(define twelve 12))")); s != "stdin#1:1:19: read: unexpected ')'\r\n" {
		t.Errorf("after (define twelve 12)): %q, want one line naming the extra ')'", s)
	}
	if s := printed(tm.eval("(* twelve 2)")); s != "24\r\n" {
		t.Errorf("(* twelve 2) = %q, want 24", s)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
