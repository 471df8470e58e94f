package main

// The REPL on a pseudo-terminal: the terminal's modes on the way in and
// out (bracketed paste), wide characters, editing as a user does it.

import (
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

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
	tm.expect("evaluating\r\n")
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

// screen is the screen of a terminal of w x h after the output so far.
func (tm *term) screen(w, h int) *screen {
	s := newScreen(w, h)
	s.feed(tm.output())
	return s
}

// tmuxScreen is screen on a terminal that goes up a row on a Backspace at
// the start of a wrapped one, as tmux does.
func (tm *term) tmuxScreen(w, h int) *screen {
	s := newScreen(w, h)
	s.reverseWrap = true
	s.feed(tm.output())
	return s
}

// waitScreen waits until the screen of a terminal of w x h satisfies ok,
// on xterm and on tmux, and returns nil then; after 10 seconds it returns
// a screen that does not.
func (tm *term) waitScreen(w, h int, ok func(*screen) bool) *screen {
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen(w, h)
		if ok(s) {
			if s = tm.tmuxScreen(w, h); ok(s) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// promptRow is the last row of s that starts with prompt.
func promptRow(s *screen, prompt string) int {
	rows := strings.Split(s.String(), "\n")
	for y := len(rows) - 1; y >= 0; y-- {
		if strings.HasPrefix(rows[y], prompt) {
			return y
		}
	}
	return -1
}

func TestREPLWideCharactersCursor(t *testing.T) {
	// CJK characters and emoji take two columns: moving the cursor left
	// over them shows it where the next character goes.
	tm := startTermSize(t, 10, 80, t.TempDir())
	tm.expect("popsh> ")
	tm.send(`"日本😀語"`)
	tm.expect(`"日本😀語"`)
	tm.send("\x1b[D\x1b[D")
	// popsh> "日本😀|語"
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 14 && s.y == promptRow(s, "popsh> ") }); s != nil {
		t.Errorf("cursor at column %d row %d, want 14 on the prompt's row %d:\n%s", s.x, s.y, promptRow(s, "popsh> "), s)
	}
	tm.send("x")
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 15 && strings.Contains(s.String(), `popsh> "日本😀x語"`) }); s != nil {
		t.Errorf("after typing x the cursor is at column %d, want 15:\n%s", s.x, s)
	}
	tm.send("\r")
	tm.expect(`"日本😀x語"` + "\r\n")
	tm.expect("popsh> ")
	// the reverse search shows the cursor on the match
	tm.send("\x12語")
	tm.expect("-i-search: 語")
	if s := tm.waitScreen(80, 10, func(s *screen) bool { return s.x == 15 && s.y == promptRow(s, "popsh> ") }); s != nil {
		t.Errorf("searching: cursor at column %d row %d, want 15 on the prompt's row %d:\n%s", s.x, s.y, promptRow(s, "popsh> "), s)
	}
	tm.send("\x07\x03")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLWideCharactersWrapped(t *testing.T) {
	// A line of emoji wider than the terminal, edited at its end and in
	// its middle: each redraw erases the rows of the one before, so the
	// screen shows the line once.
	const w, h = 20, 16
	tm := startTermSize(t, h, w, t.TempDir())
	tm.expect("popsh> ")
	smileys := strings.Repeat("😀", 20)
	tm.send(`(string-length "` + smileys)
	tm.expect(smileys[len(smileys)-4:])
	tm.send(`")`)
	tm.expect(`")`)
	for range 8 {
		tm.send("\x1b[D") // into the emoji
	}
	tm.send("ab")
	tm.expect("ab")
	tm.send("\r")
	tm.expect("\r\n" + pasteOff + "22\r\n")
	tm.expect("popsh> ")
	want := `popsh> (string-length "` + strings.Repeat("😀", 14) + "ab" + strings.Repeat("😀", 6) + `")`
	scr := tm.screen(w, h).String()
	entry := scr[max(0, strings.Index(scr, "popsh> (string")):]
	entry, _, _ = strings.Cut(entry, "\n22\npopsh>")
	if strings.ReplaceAll(entry, "\n", "") != want {
		t.Errorf("screen:\n%s\nwant the entry wrapped, once, then 22", scr)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLWordMoves(t *testing.T) {
	// Alt-f and Ctrl-Right go to the end of a word, as in Emacs and
	// bash, and Alt-d deletes to there; Alt-b goes to the start of one; Ctrl-W deletes the word before the
	// cursor, Ctrl-U all before it, Ctrl-Y puts the last deletion back.
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(list 'abc 'def)")
	tm.expect("'def)")
	tm.send("\x01\x1bf\x1b[1;5Cd\r") // Home, Alt-f, Ctrl-Right, d
	tm.expect("\r\n" + pasteOff + "(abcd def)\r\n")
	tm.expect("popsh> ")
	tm.send("(list 'ghi 'jkl 'mno)")
	tm.expect("'mno)")
	tm.send("\x1bb\x1bb\x17\r") // Alt-b twice, Ctrl-W
	tm.expect("\r\n" + pasteOff + "(jkl mno)\r\n")
	tm.expect("popsh> ")
	tm.send("(list 1 2 3 4)")
	tm.expect("4)")
	tm.send("\x1bb\x1bb\x15(list 5 \r") // Alt-b twice, Ctrl-U
	tm.expect("\r\n" + pasteOff + "(5 3 4)\r\n")
	tm.expect("popsh> ")
	tm.send("\x190)\r") // Ctrl-Y: what Ctrl-U took
	tm.expect("\r\n" + pasteOff + "(1 2 0)\r\n")
	tm.expect("popsh> ")
	// Alt-d deletes to the end of the next word, not the ')' after it
	tm.send("(list 'abc 'def)")
	tm.expect("'def)")
	tm.send("\x01\x1bf\x1bf\x1bd\r")
	tm.expect("\r\n" + pasteOff + "(abc)\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLLongLineEditedInMiddle(t *testing.T) {
	// A line of three rows on a terminal 40 wide, the cursor moved back
	// across a row boundary and text typed there: the cursor is shown
	// where the text goes, on xterm and on tmux (where a Backspace at the
	// start of a wrapped row goes up to the row above, so that moving the
	// cursor with Backspaces put it a row too high).
	const w, h = 40, 12
	tm := startTermSize(t, h, w, t.TempDir())
	tm.expect("popsh> ")
	line := `(list "` + strings.Repeat("a", 71) + `" 12345 "` + strings.Repeat("b", 20) + `")`
	tm.send(line)
	tm.expect(`bbbb")`)
	tm.send(strings.Repeat("\x1b[D", 40))
	// 40 back from the end: after 62 a's, column (7+69)%40 on the row
	// below the prompt's
	if s := tm.waitScreen(w, h, func(s *screen) bool { return s.x == 36 && s.y == promptRow(s, "popsh> ")+1 }); s != nil {
		t.Errorf("cursor at column %d row %d, want 36 on row %d:\n%s", s.x, s.y, promptRow(s, "popsh> ")+1, s)
	}
	tm.send("XYZ")
	if s := tm.waitScreen(w, h, func(s *screen) bool {
		return s.x == 39 && s.y == promptRow(s, "popsh> ")+1 && strings.Contains(s.String(), "aaaXYZa")
	}); s != nil {
		t.Errorf("after XYZ: cursor at column %d row %d, want 39 on row %d:\n%s", s.x, s.y, promptRow(s, "popsh> ")+1, s)
	}
	tm.send("\r")
	tm.expect(`("` + strings.Repeat("a", 62) + "XYZ" + strings.Repeat("a", 9) + `" 12345 "` + strings.Repeat("b", 20) + "\")\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLErrorPortTextWithoutNewline(t *testing.T) {
	// Text written to the error port without a newline stays on the
	// screen (the next prompt erased the line it was on), and a value
	// comes on a line of its own after it.
	const w, h = 80, 12
	tm := startTermSize(t, h, w, t.TempDir())
	tm.expect("popsh> ")
	tm.send(`(display "err-x" (current-error-port))` + "\r")
	tm.expect("\r\n" + pasteOff + "err-x")
	tm.expect("popsh> ")
	tm.send(`(begin (display "out-y") (display "err-z" (current-error-port)) 5)` + "\r")
	tm.expect("\r\n" + pasteOff + "out-yerr-z")
	tm.expect("popsh> ")
	tm.send(`"end"` + "\r")
	tm.expect(`"end"` + "\r\n")
	tm.expect("popsh> ")
	lines := strings.Split(tm.screen(w, h).String(), "\n")
	var got []string
	for _, l := range lines[1:] { // after the banner
		if l != "" && !strings.HasPrefix(l, "popsh>") {
			got = append(got, l)
		}
	}
	if want := []string{"err-x", "out-yerr-z", "5", `"end"`}; !slices.Equal(got, want) {
		t.Errorf("output lines %q, want %q; screen:\n%s", got, want, strings.Join(lines, "\n"))
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCompleteWideFileNames(t *testing.T) {
	// File names in Japanese completed inside a string: the list of
	// candidates is shown (the line editor panicked drawing it, leaving
	// the terminal in raw mode), with the cursor after the name typed.
	home := t.TempDir()
	for name, text := range map[string]string{"日本.scm": "(define loaded 'yes)\n", "日本語.txt": ""} {
		if err := os.WriteFile(filepath.Join(home, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const w, h = 80, 10
	tm := startTermSize(t, h, w, home)
	tm.expect("popsh> ")
	tm.send(`(load "日` + "\t")
	tm.expect("日本")
	tm.send("\t")
	tm.expect("本語.txt")
	if s := tm.waitScreen(w, h, func(s *screen) bool { return s.x == 18 && s.y == promptRow(s, "popsh> ") }); s != nil {
		t.Errorf("with the list shown the cursor is at column %d row %d, want 18 on the prompt's row:\n%s", s.x, s.y, s)
	}
	tm.send(".scm\")\r")
	tm.expect(".scm\")\r\n")
	tm.expect("popsh> ")
	tm.send("loaded\r")
	tm.expect("\r\n" + pasteOff + "yes\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCompleteNamesWiderThanTerminal(t *testing.T) {
	// Two file names almost as wide as the terminal: the list shows one
	// a row, and Ctrl-A in it (which divided by zero in the line editor
	// when no column fitted) does no harm; on a terminal narrower than a
	// name there is no list, and the session goes on.
	home := t.TempDir()
	dir := filepath.Join(home, "longdir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a_very_long_file_name_number_one_xxxxxxxxxxxxxxxxx.scm", "a_very_long_file_name_number_two_yyyyyyyyyyyyyyyyy.scm"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("(define loaded 'yes)\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, width := range []uint16{40, 30} {
		tm := startTermSize(t, 12, width, home)
		tm.expect("popsh> ")
		tm.send(`(load "longdir/a` + "\t")
		tm.expect("number_")
		tm.send("\t\t\x01\x1b[C") // the list, select, Ctrl-A, Right
		if width == 40 {
			s := tm.waitScreen(int(width), 12, func(s *screen) bool {
				rows := strings.Split(s.String(), "\n")
				return slices.Contains(rows, "_name_number_one_xxxxxxxxxxxxxxxxx.scm") && slices.Contains(rows, "_name_number_two_yyyyyyyyyyyyyyyyy.scm")
			})
			if s != nil {
				t.Errorf("the list of completions, one a row:\n%s", s)
			}
		}
		tm.send("\x03\x03")
		tm.send("(+ 1 2)\r")
		tm.expect("\r\n" + pasteOff + "3\r\n")
		tm.expect("popsh> ")
		tm.promptCtrlD()
		if code := tm.wait(); code != 0 {
			t.Errorf("width %d: exit status %d", width, code)
		}
	}
}

func TestREPLCtrlZWithoutJobControl(t *testing.T) {
	// Ctrl-Z at the prompt of a popsh that leads its session (run on a
	// terminal of its own, as here, with no shell's job control): it
	// cannot be stopped, so it rings the bell and the line goes on. (The
	// line editor's own suspension sent SIGTSTP to popsh's parent, this
	// test, and then waited for ever to be continued.)
	signal.Ignore(syscall.SIGTSTP)
	defer signal.Reset(syscall.SIGTSTP)
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(+ 1 2")
	tm.expect("(+ 1 2")
	tm.send("\x1a")
	tm.expect("\a")
	tm.send(")\r")
	tm.expect("\r\n" + pasteOff + "3\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCtrlZUnderShell(t *testing.T) {
	// Ctrl-Z at the prompt of popsh run by an interactive shell: popsh
	// stops with the bracketed paste mode off (the shell may not know
	// it), and fg brings it back with the line typed so far.
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run popsh under job control")
	}
	home := t.TempDir()
	cmd := exec.Command(bash, "--norc", "--noprofile", "-i")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "HOME="+home, "TERM=xterm", "PS1=$ ")
	tm := startTermCmd(t, 24, 80, cmd)
	tm.expect("$ ")
	tm.send(popshBin + "\r")
	tm.expect("popsh> ")
	tm.send("(+ 1 2")
	tm.expect("(+ 1 2")
	tm.waitRaw()
	tm.send("\x1a")
	tm.expect("Stopped")
	out := tm.output()
	if m := lastPasteMode(out[:strings.LastIndex(out, "Stopped")]); m != "l" {
		t.Errorf("paste mode while stopped: %q, want off (l)", m)
	}
	tm.expect("$ ")
	tm.send("fg\r")
	tm.expect("popsh> (+ 1 2")
	tm.send(")\r")
	tm.expect("\r\n" + pasteOff + "3\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	tm.expect("$ ")
	tm.send("exit\r")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCtrlCInSearchAndCompletion(t *testing.T) {
	// Ctrl-C drops the line also while a list of completions or a
	// reverse search is shown (the line editor only closed them).
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(car")
	tm.expect("(car")
	tm.send("\t")
	tm.expect("car+cdr")
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.send("(+ 1 2)\r")
	tm.expect("\r\n" + pasteOff + "3\r\n")
	tm.expect("popsh> ")
	tm.send("\x12+ 1")
	tm.expect("-i-search: + 1")
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.send("(+ 2 2)\r")
	tm.expect("\r\n" + pasteOff + "4\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLCompletionListFitsScreen(t *testing.T) {
	// Tab on "(string-" (a hundred names) on a terminal of 12 rows: the
	// list is cut to fit below the line, which stays in sight with the
	// cursor on it (a list taller than the screen scrolled it away).
	const w, h = 80, 12
	tm := startTermSize(t, h, w, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(string-")
	tm.expect("(string-")
	tm.send("\t")
	tm.expect("string-xcopy!") // the last name is listed
	if s := tm.waitScreen(w, h, func(s *screen) bool {
		y := promptRow(s, "popsh> (string-")
		return y >= 0 && s.y == y && s.x == 15
	}); s != nil {
		t.Errorf("cursor at column %d row %d, want on the line being typed:\n%s", s.x, s.y, s)
	}
	tm.send("ap\t")
	tm.expect("string-append/shared")
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.send("(string-append \"a\" \"b\")\r")
	tm.expect("\r\n" + pasteOff + "\"ab\"\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}
