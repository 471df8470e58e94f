package repl

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRuneWidth(t *testing.T) {
	for _, c := range []struct {
		r rune
		w int
	}{
		{'a', 1}, {'é', 1}, {'λ', 1}, {'Ж', 1},
		{'日', 2}, {'語', 2}, {'か', 2}, {'カ', 2}, {'한', 2}, {'Ａ', 2}, {'。', 2},
		{'😀', 2}, {'🚀', 2}, {'🦀', 2}, {'⌚', 2},
		{'\u0301', 0}, {pasteMark, 0}, {'\u200b', 0}, {0x07, 0},
		{'\t', tabWidth},
		{'─', 1}, {'€', 1},
	} {
		if got := runeWidth(c.r); got != c.w {
			t.Errorf("runeWidth(%U %q) = %d, want %d", c.r, c.r, got, c.w)
		}
	}
}

func TestHelpTextFitsTerminal(t *testing.T) {
	// ,help on a terminal of 80 columns: no line wraps.
	for _, l := range strings.Split(fold(helpText, helpWidth(80)), "\n") {
		if n := utf8.RuneCountInString(l); n >= 80 {
			t.Errorf("help line of %d columns: %q", n, l)
		}
	}
}

func TestCursorPlacement(t *testing.T) {
	var b bytes.Buffer
	l := &cursorLayout{row: -1}
	w := &cursorWriter{w: &b, layout: l}
	p := &linePainter{layout: l, prompt: func() []rune { return []rune("> ") }, width: func() int { return 10 }}
	// "> 日本語ab" fills the row; c wraps; the cursor goes back up
	// before 語 (column 6), whatever the editor's own moves were
	painted := p.Paint([]rune("日本語abc"), 2)
	w.Write([]byte("> " + string(painted) + "\b\b\b\b"))
	if want := "> 日本語abc\x1b[1A\r\x1b[6C"; b.String() != want {
		t.Errorf("drawn %q, want %q", b.String(), want)
	}
	// before c: at the start of the second row
	b.Reset()
	painted = p.Paint([]rune("日本語abc"), 5)
	w.Write([]byte("> " + string(painted) + "\b"))
	if want := "> 日本語abc\r"; b.String() != want {
		t.Errorf("drawn %q, want %q", b.String(), want)
	}
	// erasing it goes up the one row the cursor is below the prompt's,
	// though the editor counted none
	b.Reset()
	w.Write([]byte("\x1b[J\x1b[2K\r"))
	if want := "\r\x1b[1A\x1b[J"; b.String() != want {
		t.Errorf("erased with %q, want %q", b.String(), want)
	}
	// a program's text holding the mark character or the erasing
	// sequence passes as it is
	b.Reset()
	text := "x\U0010FFFFy\x1b[J\x1b[2K\r"
	w.Write([]byte(text))
	if b.String() != text {
		t.Errorf("text written %q, want %q", b.String(), text)
	}
}
