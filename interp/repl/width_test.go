package repl

import (
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
	for _, l := range strings.Split(helpText, "\n") {
		if n := utf8.RuneCountInString(l); n >= 80 {
			t.Errorf("help line of %d columns: %q", n, l)
		}
	}
}
