package repl

import (
	"slices"
	"unicode"

	"github.com/chzyer/readline"
)

// Editing by words and by characters as a reader sees them.
//
// The line editor (chzyer/readline v1.5.1) takes only the ASCII letters
// and digits for the characters of a word, so that Alt-b, Alt-f, Alt-d,
// Ctrl-W and Alt-Backspace stopped inside "dèf" or went over a whole
// Greek or Japanese word; and it moves and deletes one code point at a
// time, so that Left stopped between an "e" and its combining accent, and
// Backspace took the accent alone, one person of a family emoji or half of
// a flag. The keys are left to the editor and what it did is put right in
// its Listener, from the line and cursor before the key (lineAt): the
// word keys with isWordRune, the character keys a grapheme cluster at a
// time. The deletions go to the editor's kill ring as it made them, so
// Ctrl-Y puts back what was really deleted, kept here (kill).

// isWordRune reports whether r belongs to a word: a letter or a digit of
// any script, or a mark that goes with one.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// wordEnd is where a move a word forward from pos in line ends: past the
// characters at pos that are not of a word, then past the word that
// follows.
func wordEnd(line []rune, pos int) int {
	for pos < len(line) && !isWordRune(line[pos]) {
		pos++
	}
	for pos < len(line) && isWordRune(line[pos]) {
		pos++
	}
	return pos
}

// wordStart is where a move a word back from pos in line ends: back over
// the characters before pos that are not of a word, then to the start of
// the word before them.
func wordStart(line []rune, pos int) int {
	for pos > 0 && !isWordRune(line[pos-1]) {
		pos--
	}
	for pos > 0 && isWordRune(line[pos-1]) {
		pos--
	}
	return pos
}

// Grapheme clusters, after the rules of Unicode's UAX #29 that matter on a
// line typed at a terminal: CR LF; a character with the marks, joiners,
// variation selectors, emoji modifiers and tags that follow it; a
// pictograph joined to the one before by ZERO WIDTH JOINER; regional
// indicators two by two (a flag); Hangul jamo into syllables.

// extendsCluster reports whether r joins the cluster before it.
func extendsCluster(r rune) bool {
	switch {
	case r == 0x200d, // ZERO WIDTH JOINER
		r == 0x200c,                  // ZERO WIDTH NON-JOINER
		r >= 0xfe00 && r <= 0xfe0f,   // variation selectors
		r >= 0x1f3fb && r <= 0x1f3ff, // emoji skin tone modifiers
		r >= 0xe0020 && r <= 0xe007f, // tags (subdivision flags)
		r >= 0xe0100 && r <= 0xe01ef: // variation selectors supplement
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// isRegional reports whether r is a regional indicator (half a flag).
func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// hangulKind is the part of a Hangul syllable r can be: 'L' a leading
// consonant, 'V' a vowel, 'T' a trailing consonant, 'S' a precomposed
// syllable with a vowel (LV), 'X' one with a trailing consonant (LVT),
// 0 none.
func hangulKind(r rune) byte {
	switch {
	case r >= 0x1100 && r <= 0x115f, r >= 0xa960 && r <= 0xa97c:
		return 'L'
	case r >= 0x1160 && r <= 0x11a7, r >= 0xd7b0 && r <= 0xd7c6:
		return 'V'
	case r >= 0x11a8 && r <= 0x11ff, r >= 0xd7cb && r <= 0xd7fb:
		return 'T'
	case r >= 0xac00 && r <= 0xd7a3:
		if (r-0xac00)%28 == 0 {
			return 'S'
		}
		return 'X'
	}
	return 0
}

// joins reports whether there is no cluster boundary between line[i-1]
// and line[i]; ri is the number of regional indicators running up to
// line[i-1].
func joins(line []rune, i, ri int) bool {
	a, b := line[i-1], line[i]
	if a == '\r' && b == '\n' {
		return true
	}
	if a == '\r' || a == '\n' || b == '\r' || b == '\n' {
		return false
	}
	if extendsCluster(b) {
		return true
	}
	if a == 0x200d && isPictograph(b) {
		// a pictograph joined to the one before (a family, a
		// profession): the joiner is part of the cluster before
		for j := i - 2; j >= 0; j-- {
			if !extendsCluster(line[j]) {
				return isPictograph(line[j])
			}
		}
		return false
	}
	if isRegional(a) && isRegional(b) {
		return ri%2 == 1
	}
	switch ha, hb := hangulKind(a), hangulKind(b); {
	case ha == 'L' && (hb == 'L' || hb == 'V' || hb == 'S' || hb == 'X'),
		(ha == 'V' || ha == 'S') && (hb == 'V' || hb == 'T'),
		(ha == 'T' || ha == 'X') && hb == 'T':
		return true
	}
	return false
}

// isPictograph reports whether r is one of the pictographs that emoji
// sequences join.
func isPictograph(r rune) bool {
	return r >= 0x1f000 && r <= 0x1faff || r >= 0x2600 && r <= 0x27bf || r >= 0x2300 && r <= 0x23ff ||
		r == 0x00a9 || r == 0x00ae || r >= 0x2190 && r <= 0x21ff || r >= 0x2b00 && r <= 0x2bff
}

// clusterBounds lists the positions in line where a grapheme cluster
// starts, and len(line).
func clusterBounds(line []rune) []int {
	bounds := make([]int, 0, len(line)+1)
	ri := 0
	for i := range line {
		if i == 0 || !joins(line, i, ri) {
			bounds = append(bounds, i)
		}
		if isRegional(line[i]) {
			ri++
		} else {
			ri = 0
		}
	}
	return append(bounds, len(line))
}

// clusterBefore is the start of the cluster that ends at or holds pos-1:
// where Left and Backspace go from pos.
func clusterBefore(line []rune, pos int) int {
	prev := 0
	for _, b := range clusterBounds(line) {
		if b >= pos {
			return prev
		}
		prev = b
	}
	return prev
}

// clusterAfter is the end of the cluster at pos: where Right goes and
// what Delete deletes to.
func clusterAfter(line []rune, pos int) int {
	for _, b := range clusterBounds(line) {
		if b > pos {
			return b
		}
	}
	return len(line)
}

// lineEdit is the state the Listener keeps to put right what the editor
// did with a key.
type lineEdit struct {
	// kill is what the last deletion took, as the user saw it (Ctrl-Y
	// puts it back); nil when the editor's own is right
	kill []rune
}

// fix returns the line and cursor the key should have given, from prev
// (before it) and line and pos (as the editor left them), and whether
// they differ from the editor's.
func (le *lineEdit) fix(prev *lineAt, line []rune, pos int, key rune) ([]rune, int, bool) {
	if prev == nil {
		return nil, 0, false
	}
	old, at := prev.line, prev.pos
	same := slices.Equal(old, line)
	deleted := func(from, to int) ([]rune, int, bool) {
		// old less from..to, the cursor at from
		nl := append(append([]rune(nil), old[:from]...), old[to:]...)
		return nl, from, !slices.Equal(nl, line) || pos != from
	}
	switch key {
	case readline.MetaBackward:
		if same {
			p := wordStart(old, at)
			return line, p, p != pos
		}
	case readline.MetaForward:
		if same {
			p := wordEnd(old, at)
			return line, p, p != pos
		}
	case readline.CharBackward:
		if same && at > 0 {
			p := clusterBefore(old, at)
			return line, p, p != pos
		}
	case readline.CharForward:
		if same && at < len(old) {
			p := clusterAfter(old, at)
			return line, p, p != pos
		}
	case readline.MetaDelete:
		// the editor deleted forward from the cursor
		if pos == at && deletedAt(old, at, line) && len(line) < len(old) {
			end := wordEnd(old, at)
			le.kill = slices.Clone(old[at:end])
			return deleted(at, end)
		}
	case readline.MetaBackspace, readline.CharCtrlW:
		// the editor deleted back from the cursor
		if pos < at && deletedAt(old, pos, line) && len(old)-len(line) == at-pos {
			start := wordStart(old, at)
			le.kill = slices.Clone(old[start:at])
			return deleted(start, at)
		}
	case readline.CharBackspace, readline.CharCtrlH:
		if pos == at-1 && deletedAt(old, pos, line) && len(old)-len(line) == 1 {
			return deleted(clusterBefore(old, at), at)
		}
	case readline.CharDelete:
		if pos == at && deletedAt(old, at, line) && len(old)-len(line) == 1 {
			return deleted(at, clusterAfter(old, at))
		}
	case readline.CharTranspose:
		// Ctrl-T swaps the characters before and at the cursor (the
		// last two at the end of the line), whole clusters
		if len(line) == len(old) && len(old) >= 2 {
			a := clusterBefore(old, at)
			b := at
			if at == 0 {
				a, b = 0, clusterAfter(old, 0)
			} else if at == len(old) {
				b = a
				a = clusterBefore(old, b)
			}
			c := clusterAfter(old, b)
			if a == b || b == c {
				return nil, 0, false
			}
			nl := append(append(append(append([]rune(nil), old[:a]...), old[b:c]...), old[a:b]...), old[c:]...)
			return nl, c, !slices.Equal(nl, line) || c != pos
		}
	case readline.CharCtrlU:
		if at > 0 && pos == 0 && len(old)-len(line) == at {
			le.kill = slices.Clone(old[:at])
		}
	case readline.CharKill:
		if pos == at && len(line) == at && len(old) > at {
			le.kill = slices.Clone(old[at:])
		}
	case readline.CharCtrlY:
		// the editor put back its own last deletion at the cursor
		if n := len(line) - len(old); n > 0 && le.kill != nil && pos == at+n && deletedAt(line, at, old) {
			nl := append(append(append([]rune(nil), old[:at]...), le.kill...), old[at:]...)
			np := at + len(le.kill)
			return nl, np, !slices.Equal(nl, line) || np != pos
		}
	}
	return nil, 0, false
}
