package repl

import (
	"slices"
	"testing"

	"github.com/chzyer/readline"
)

func TestClusterBounds(t *testing.T) {
	// each case: the clusters of a line, in order
	for _, clusters := range [][]string{
		{"a", "e\u0301", "b"},                                             // combining acute
		{"👨\u200d👩\u200d👧", "x"},                                          // a family
		{"🇫🇷", "🇩🇪", "🇮"},                                                 // flags, and half of one
		{"👍🏽", "1\ufe0f\u20e3"},                                           // a skin tone, a keycap
		{"\u1100\u1161\u11a8", "\uac01", "\uac00\u11a8"},                  // Hangul jamo and syllables
		{"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"}, // Scotland
		{"\r\n", "\n", "a"},
		{"a\u200d", "b"}, // a joiner goes with what is before it
	} {
		var line []rune
		want := []int{0}
		for _, c := range clusters {
			line = append(line, []rune(c)...)
			want = append(want, len(line))
		}
		if got := clusterBounds(line); !slices.Equal(got, want) {
			t.Errorf("clusterBounds(%q) = %v, want %v", string(line), got, want)
		}
	}
	line := []rune("xe\u0301y")
	if p := clusterBefore(line, 3); p != 1 {
		t.Errorf("clusterBefore at 3 = %d, want 1", p)
	}
	if p := clusterAfter(line, 1); p != 3 {
		t.Errorf("clusterAfter at 1 = %d, want 3", p)
	}
}

func TestWordsOfAnyScript(t *testing.T) {
	line := []rune("(list 'naïve '日本語 'ελληνικά)")
	for _, c := range []struct{ pos, start, end int }{
		{len(line), 19, len(line)},
		{19, 14, 27},
		{12, 7, 17},
		{6, 1, 12},
		{0, 0, 5},
	} {
		if s := wordStart(line, c.pos); s != c.start {
			t.Errorf("wordStart at %d = %d, want %d", c.pos, s, c.start)
		}
		if e := wordEnd(line, c.pos); e != c.end {
			t.Errorf("wordEnd at %d = %d, want %d", c.pos, e, c.end)
		}
	}
}

func TestLineEditTranspose(t *testing.T) {
	// Ctrl-T swaps whole characters: the editor swapped code points, so
	// an accent went over to the other letter.
	for _, c := range []struct {
		line   string
		at     int
		want   string
		wantAt int
	}{
		{"xe\u0301y", 3, "xye\u0301", 4}, // at y: é and y
		{"xe\u0301y", 4, "xye\u0301", 4}, // at the end: the last two
		{"e\u0301xy", 0, "xe\u0301y", 3}, // at the start: the first two
		{"ab", 1, "ba", 2},
	} {
		old := []rune(c.line)
		// what the editor did: swap the code points before and at the cursor
		line := slices.Clone(old)
		pos := c.at
		switch {
		case pos == 0:
			pos = 1
		case pos == len(line):
			pos = len(line) - 1
		}
		line[pos], line[pos-1] = line[pos-1], line[pos]
		pos++
		var le lineEdit
		nl, np, ok := le.fix(&lineAt{old, c.at}, line, pos, readline.CharTranspose)
		if !ok {
			nl, np = line, pos
		}
		if string(nl) != c.want || np != c.wantAt {
			t.Errorf("Ctrl-T in %q at %d: %q at %d, want %q at %d", c.line, c.at, string(nl), np, c.want, c.wantAt)
		}
	}
}
