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

func TestREPLWordKeysUnicode(t *testing.T) {
	// Letters of any script make words for Alt-b, Alt-f, Alt-d, Ctrl-W
	// and Alt-Backspace (the editor took only ASCII letters and digits:
	// Ctrl-W after "naïve" deleted "ve"), and Ctrl-Y puts back what was
	// deleted.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(list 'αβγ 'δεζ)")
	tm.expect("'δεζ)")
	tm.send("\x1bb\x1bbx\x1bd\r") // Alt-b twice, x, Alt-d
	tm.expect("\r\n" + pasteOff + "(x δεζ)\r\n")
	tm.expect("popsh> ")
	tm.send("(list 'ab 'çédille 'naïve")
	tm.expect("'naïve")
	tm.send("\x17z)\r") // Ctrl-W
	tm.expect("\r\n" + pasteOff + "(ab çédille z)\r\n")
	tm.expect("popsh> ")
	tm.send("(list 'один)")
	tm.expect("'один)")
	tm.send("\x1b[D\x1b\x7f\x19\x19\r") // Left, Alt-Backspace, Ctrl-Y twice
	tm.expect("\r\n" + pasteOff + "(одинодин)\r\n")
	tm.expect("popsh> ")
	tm.send("(list 'größe 'ñandú)")
	tm.expect("'ñandú)")
	tm.send("\x01\x1bf\x1bf\x1bd\r") // Home, Alt-f twice, Alt-d
	tm.expect("\r\n" + pasteOff + "(größe)\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLGraphemeClusters(t *testing.T) {
	// A letter with a combining accent, an emoji sequence joined by ZWJ,
	// a flag: Left and Right move over each as one character, Backspace
	// and Delete delete it whole, and the cursor is shown where the next
	// key edits.
	tm := startTermSize(t, 10, 80, t.TempDir())
	tm.expect("popsh> ")
	tm.send("\"e\u0301a\"")
	tm.expect("a\"")
	tm.send("\x1b[D\x1b[D\x1b[D") // Left three times: before the é
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 8 && s.y == promptRow(s, "popsh> ") }); s != nil {
		t.Errorf("cursor at column %d row %d, want 8 on the prompt's row:\n%s", s.x, s.y, s)
	}
	tm.send("x\x1b[C\x1b[Cy\r") // x, Right twice (over é and a), y
	tm.expect("\r\n" + pasteOff + "\"xe\u0301ay\"\r\n")
	tm.expect("popsh> ")
	tm.send("\"ab👨\u200d👩\u200d👧\"")
	tm.expect("👧\"")
	tm.send("\x1b[D\x7f\r") // Left, Backspace: the whole family
	tm.expect("\r\n" + pasteOff + "\"ab\"\r\n")
	tm.expect("popsh> ")
	tm.send("\"🇫🇷🇩🇪\"")
	tm.expect("🇪\"")
	tm.send("\x1b[D\x1b[D\x04\r") // Left twice, Ctrl-D: the German flag
	tm.expect("\r\n" + pasteOff + "\"🇫🇷\"\r\n")
	tm.expect("popsh> ")
	tm.send("\"👍🏽🇫🇷z\"")
	tm.expect("z\"")
	tm.send("\x1b[D\x1b[D\x1b[D\x1b[D") // Left four times: before the thumb
	// popsh> "|👍🏽🇫🇷z": the thumb and its tone two columns each
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 8 }); s != nil {
		t.Errorf("cursor at column %d, want 8:\n%s", s.x, s)
	}
	tm.send("\x1b[C") // Right: after the thumb with its tone
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 12 }); s != nil {
		t.Errorf("cursor at column %d, want 12:\n%s", s.x, s)
	}
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLPasteMarkNotShown(t *testing.T) {
	// Text arriving in one piece is inserted in one piece through a
	// character of the editor's own (U+2060): it never reaches the
	// terminal, nor the program.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send(`(string-length "abcdefgh")` + "\r")
	tm.expect("\r\n" + pasteOff + "8\r\n")
	tm.expect("popsh> ")
	tm.send("(list 1 2")
	tm.expect("(list 1 2")
	tm.send(" 3 4)\r")
	tm.expect("\r\n" + pasteOff + "(1 2 3 4)\r\n")
	tm.expect("popsh> ")
	if out := tm.output(); strings.ContainsRune(out, '\u2060') {
		t.Errorf("the editor's mark reached the terminal: %q", out)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLTypedAheadGoesToProgram(t *testing.T) {
	// Lines typed (or pasted) after an entry, before it runs, answer the
	// entry's reads first, shown as typed, and only what it leaves is
	// read at the next prompt: the editor took them all, and the
	// program waited for a line already typed.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	for _, c := range []struct {
		keys   string   // typed at once
		shown  []string // then on the terminal, in order, each followed by a prompt
		reason string
	}{
		{"(read-line)\rhello\r(+ 1 2)\r", []string{"(read-line)\r\n" + pasteOff + "hello\r\n\"hello\"\r\n", "(+ 1 2)\r\n" + pasteOff + "3\r\n"},
			"a line for read-line"},
		{"(list (read) (read-line) (read-line))\rfoo bar\rsecond line\r(* 6 7)\r",
			[]string{"(list (read) (read-line) (read-line))\r\n" + pasteOff + "foo bar\r\nsecond line\r\n(foo \" bar\" \"second line\")\r\n", "(* 6 7)\r\n" + pasteOff + "42\r\n"},
			"(read) then (read-line): the rest of the line after the datum"},
		{"(read-line)\r\x04(+ 1 2)\r", []string{"(read-line)\r\n" + pasteOff + "#<eof>\r\n", "(+ 1 2)\r\n" + pasteOff + "3\r\n"},
			"Ctrl-D: the end of file of the program's read, not Ctrl-D at the next prompt (which left popsh)"},
		{"(read)\r(a b\x04", []string{"(read)\r\n" + pasteOff + "(a b\r\ninput:1:1: read: unexpected end of input in list\r\n"},
			"Ctrl-D in a datum"},
		{"(let loop () (loop))\r\x03(+ 2 2)\r", []string{"(let loop () (loop))\r\n" + pasteOff + "interrupted\r\n", "(+ 2 2)\r\n" + pasteOff + "4\r\n"},
			"Ctrl-C right after Enter, before the terminal left the editor's mode: it interrupts the entry"},
		{"(list 1\r\x03(+ 2 3)\r", []string{"^C\r\n", "(+ 2 3)\r\n" + pasteOff + "5\r\n"},
			"Ctrl-C after a line of an unfinished entry: it drops the entry"},
		{"\x1b[200~(list 1\r2\t3)\r\x1b[201~", []string{"\r\n" + pasteOff + "(1 2 3)\r\n"},
			"a bracketed paste of several lines: a Tab on a line after the first is text too"},
		{"\x1b[200~(begin (display \"name? \") (read-line))\rBob\r\x1b[201~", []string{"\r\n" + pasteOff + "name? Bob\r\n\"Bob\"\r\n"},
			"a bracketed paste, and a prompt of the program's own"},
	} {
		t.Log(c.reason)
		tm.send(c.keys)
		for _, s := range c.shown {
			tm.expect(s)
			tm.expect("popsh> ")
		}
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLTypedAheadPasswordNotShown(t *testing.T) {
	// A password typed ahead for an entry that turns the terminal's echo
	// off to read it: the line given to the program is not shown.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send(`(let* ((saved (tty-info)) (quiet (copy-tty-info saved))) ` +
		`(set-tty-info:local-flags quiet (bitwise-and (tty-info:local-flags quiet) (bitwise-not ttyl/echo))) ` +
		`(set-tty-info/now (current-input-port) quiet) ` +
		`(let ((pw (read-line))) (set-tty-info/now (current-input-port) saved) (string-length pw)))` + "\rhunter22\r")
	tm.expect("\r\n" + pasteOff + "8\r\n")
	tm.expect("popsh> ")
	if strings.Contains(tm.output(), "hunter22") {
		t.Errorf("the password typed ahead was shown: %q", tm.output())
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
