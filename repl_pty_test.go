package main

// The REPL on a pseudo-terminal as a user sees it: what stays on the
// screen (the terminal model of vt_test.go), keys of various terminals,
// output from other threads while a line is typed, TERM=dumb.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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

func TestREPLKeysOfOtherTerminals(t *testing.T) {
	// Home and End as the Linux console, tmux and screen send them
	// (ESC [ 1 ~, ESC [ 4 ~) and as rxvt does (ESC [ 7 ~, ESC [ 8 ~);
	// Ctrl-Left moves back a word.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("list 1 2")
	tm.expect("list 1 2")
	for _, k := range []string{"\x1b[1~(", "\x1b[4~ 3)", "\x1b[7~\x1b[3~(", "\x1b[8~"} {
		tm.send(k)
	}
	tm.send("\x1b[1;5D\x1b[1;5D9 \r")
	tm.expect("\r\n" + pasteOff + "(1 9 2 3)\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLPaste(t *testing.T) {
	tm := startTermSize(t, 40, 100, t.TempDir())
	tm.expect("popsh> ")
	// A block of several entries at once: all evaluated, in order, the
	// output of each after its entry.
	tm.send("(define n 5)\r(display \"first\")\r(list n\r  (* n n))\r\"é日本😀\"\r")
	tm.expect("(display \"first\")\r\n" + pasteOff + "first\r\n")
	tm.expect("(* n n))\r\n" + pasteOff + "(5 25)\r\n")
	tm.expect("\r\n" + pasteOff + "\"é日本😀\"\r\n")
	tm.expect("popsh> ")
	// A bracketed paste: the markers are not text, and a Tab in it is a
	// character of the text, not a completion request.
	tm.send("\x1b[200~(string-append \"a\tb\"\r  \"c\")\x1b[201~\r")
	tm.expect("\"a\\tbc\"\r\n")
	tm.expect("popsh> ")
	// A long line pasted: the line editor does not redraw the whole line
	// for each of its characters (that wrote 54 MB for 10,000 characters).
	// The bound leaves room for a paste that arrives in many pieces on a
	// loaded machine (each piece redraws the line once: 212 KB seen).
	tm.mu.Lock()
	before := tm.out.Len()
	tm.mu.Unlock()
	long := strings.Repeat("x", 20000)
	tm.send(`(string-length "` + long + `")` + "\r")
	tm.expect("\r\n" + pasteOff + "20000\r\n")
	tm.expect("popsh> ")
	tm.mu.Lock()
	written := tm.out.Len() - before
	tm.mu.Unlock()
	if written > 100*len(long) {
		t.Errorf("pasting a line of %d characters wrote %d bytes to the terminal", len(long), written)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLThreadOutputAtPrompt(t *testing.T) {
	// A thread prints while a line is being typed: its text appears on
	// lines of its own above the prompt, and the prompt and the line typed
	// so far are drawn again below it.
	threadOutputAtPrompt(t, "(current-output-port)", "from the thread", "no newline")
}

// threadOutputAtPrompt has a thread write a line and then text without a
// newline to port while "(list 1 2" is being typed, and checks the screen:
// both on lines of their own above the prompt, drawn again with the line
// typed, and the value of the entry right after its line.
func threadOutputAtPrompt(t *testing.T, port, line, half string) {
	t.Helper()
	home := t.TempDir()
	flag := filepath.Join(home, "go")
	tm := startTermSize(t, 20, 80, home)
	tm.expect("popsh> ")
	tm.send(`(define t (spawn (lambda () (let wait () (if (file-exists? "` + flag + `") #t (begin (sleep 10) (wait)))) ` +
		`(display "` + line + `" ` + port + `) (newline ` + port + `) (display "` + half + `" ` + port + `) (flush-output-port ` + port + `))))` + "\r")
	tm.expect("\r\n")
	tm.expect("popsh> ")
	tm.send("(list 1 2")
	tm.expect("(list 1 2")
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tm.expect(half)
	tm.expect("popsh> (list 1 2")
	lines := strings.Split(tm.screenText(80, 20), "\n")
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) < 3 || lines[len(lines)-3] != line || lines[len(lines)-2] != half || lines[len(lines)-1] != "popsh> (list 1 2" {
		t.Errorf("screen after the thread's output to %s:\n%s", port, strings.Join(lines, "\n"))
	}
	// the value right after the entry's line: no empty line (the text
	// written above the prompt ended its line)
	tm.send(" 3)\r")
	tm.expect(" 3)\r\n" + pasteOff + "(1 2 3)\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLDumbTerminal(t *testing.T) {
	// TERM=dumb (an Emacs shell buffer): not one control sequence; the
	// terminal's line mode echoes and edits; Ctrl-C drops the line; the
	// history file is still written.
	home := t.TempDir()
	tm := startTermEnv(t, 24, 80, home, []string{"TERM=dumb"})
	tm.expect("popsh> ")
	tm.send("(+ 1 2)\r")
	tm.expect("(+ 1 2)\r\n3\r\npopsh> ")
	tm.send("(car 1)\r")
	tm.expect("car: expected a pair, got 1\r\npopsh> ")
	tm.send("(list \"é日本\"\r")
	tm.expect("  ...> ")
	tm.send("'x)\r")
	tm.expect("(\"é日本\" x)\r\npopsh> ")
	tm.send("(abandoned")
	tm.expect("(abandoned")
	tm.send("\x03")
	tm.expect("\r\npopsh> ")
	tm.send("(begin (display \"typed: \") (read-line))\r")
	tm.expect("typed: ")
	tm.send("hello\r")
	tm.expect("\"hello\"\r\npopsh> ")
	// The terminal echoes the line itself, before popsh reads it, and a
	// Ctrl-C then would flush the unread line: wait for the loop's own
	// output before interrupting it.
	tm.send("(begin (display \"looping\") (newline) (let loop () (loop)))\r")
	tm.expect("looping\r\n")
	tm.interruptUntil("interrupted\r\npopsh> ")
	tm.send("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D %d", code)
	}
	<-tm.done
	tm.mu.Lock()
	out := tm.out.String()
	tm.mu.Unlock()
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("control sequences written to a dumb terminal: %q", out)
	}
	if b, err := os.ReadFile(filepath.Join(home, ".popsh_history")); err != nil || !strings.Contains(string(b), "(+ 1 2)\n") {
		t.Errorf("history file: %q, %v", b, err)
	}
}

func TestREPLThreadExitsAtPrompt(t *testing.T) {
	// A thread calls (exit 4) while the user types: popsh ends with 4,
	// the thread's output stays, the terminal is back in its line mode.
	home := t.TempDir()
	flag := filepath.Join(home, "go")
	tm := startTermSize(t, 20, 80, home)
	tm.expect("popsh> ")
	tm.send(`(spawn (lambda () (let wait () (if (file-exists? "` + flag + `") #t (begin (sleep 10) (wait)))) (display "bye from the thread") (exit 4)))` + "\r")
	tm.expect("#<thread>\r\n")
	tm.expect("popsh> ")
	tm.send("(list 1 2")
	tm.expect("(list 1 2")
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := tm.wait(); code != 4 {
		t.Errorf("exit status %d, want 4", code)
	}
	st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lflag&unix.ICANON == 0 || st.Lflag&unix.ECHO == 0 {
		t.Errorf("terminal left in raw mode (lflag %#x)", st.Lflag)
	}
	<-tm.done
	if scr := tm.screenText(80, 20); !slices.Contains(strings.Split(scr, "\n"), "bye from the thread") {
		t.Errorf("screen:\n%s", scr)
	}
}

func TestREPLThreadErrorOutputAtPrompt(t *testing.T) {
	// A thread writes to the current error port while a line is being
	// typed: as for its standard output, the text goes on lines of its own
	// above the prompt, which is drawn again below it with the line typed.
	threadOutputAtPrompt(t, "(current-error-port)", "error text", "half")
}

func TestREPLClearScreenOnContinuationLine(t *testing.T) {
	// Ctrl-L while an entry spans lines: the cleared screen shows the
	// entry's earlier lines, then the line being typed, not that line
	// alone.
	tm := startTermSize(t, 20, 80, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(list 1\r")
	tm.expect("  ...> ")
	tm.send("2\r")
	tm.expect("  ...> ")
	tm.send("3")
	tm.expect("3")
	tm.send("\x0c")
	tm.expect("\x1b[H")
	tm.expect("  ...> 2") // the earlier lines, drawn again
	tm.expect("  ...> 3")
	lines := strings.Split(tm.screenText(80, 20), "\n")
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if want := []string{"popsh> (list 1", "  ...> 2", "  ...> 3"}; !slices.Equal(lines, want) {
		t.Errorf("screen after Ctrl-L:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	tm.send(")\r")
	tm.expect("(1 2 3)\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCtrlCStopsPrintingValue(t *testing.T) {
	// A value of millions of elements takes seconds to print on a
	// terminal: Ctrl-C stops the printing, says so, and the prompt comes
	// back without the rest of the value.
	tm := startTermSize(t, 20, 80, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(iota 3000000)\r")
	tm.expect("(0 1 2 3 4 5 6 7 8 9 10")
	tm.send("\x03")
	tm.expect("; printing stopped (Ctrl-C)\r\n")
	tm.expect("popsh> ")
	tm.mu.Lock()
	all := tm.out.String()
	tm.mu.Unlock()
	if strings.Contains(all, " 2999999)") {
		t.Errorf("the whole value was printed (%d bytes of output)", len(all))
	}
	tm.send("(+ 1 2)\r")
	tm.expect("3\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
