package main

// The REPL on a pseudo-terminal: what a program reading the terminal
// gets, keys that edit by words and by characters as a user sees them,
// the history kept, REPL commands.

import (
	"strings"
	"testing"
)

func TestREPLReadCtrlD(t *testing.T) {
	// (read) at the terminal: one Ctrl-D is the end of file (it waited
	// for a second); Ctrl-D inside a datum ends it with an error saying
	// so, on a line of its own (it waited for ever), and the session goes
	// on.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(read)\r")
	tm.expect("(read)\r\n")
	tm.waitCooked()
	tm.send("\x04")
	tm.expect("#<eof>\r\n")
	tm.expect("popsh> ")
	tm.send("(read)\r")
	tm.expect("(read)\r\n")
	tm.waitCooked()
	tm.send("(a b")
	tm.expect("(a b")
	tm.send("\x04")
	tm.send("\x04")
	tm.expect("\r\ninput:1:1: read: unexpected end of input in list\r\n")
	if tail := tm.output()[tm.mark-len("(a b\r\ninput:1:1: read: unexpected end of input in list\r\n"):]; !strings.HasPrefix(tail, "(a b\r\n") {
		t.Errorf("the error is not on a line of its own after the text typed: %q", tail)
	}
	tm.expect("popsh> ")
	if s := printed(tm.eval("(+ 1 2)")); s != "3\r\n" {
		t.Errorf("after the unfinished datum: %q, want 3", s)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
