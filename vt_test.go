package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// screen is a small model of an xterm screen, enough for what the line
// editor writes: printable characters with deferred line wrap, CR, LF,
// BS, cursor moves (CSI A B C D), erase to the end of the screen or line
// (CSI J, CSI K, CSI 2K), wide characters in two cells (wideInTest);
// other sequences are ignored. With reverseWrap, BS at the start of a row
// that continues the one above (wrapped) goes to the last column of that
// row, as tmux does.
type screen struct {
	w, h, x, y  int
	pending     bool // the cursor is past the last column: the next character wraps
	rows        [][]rune
	wrapped     []bool // the row continues the one above
	reverseWrap bool
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h, wrapped: make([]bool, h)}
	for range h {
		s.rows = append(s.rows, []rune(strings.Repeat(" ", w)))
	}
	return s
}

func (s *screen) lineFeed() {
	if s.y == s.h-1 {
		s.rows = append(s.rows[1:], []rune(strings.Repeat(" ", s.w)))
		s.wrapped = append(s.wrapped[1:], false)
		return
	}
	s.y++
	s.wrapped[s.y] = false
}

// wrap goes to the start of the next row, which continues this one.
func (s *screen) wrap() {
	s.x, s.pending = 0, false
	s.lineFeed()
	s.wrapped[s.y] = true
}

var csi = regexp.MustCompile(`^\x1b\[([0-9;?]*)([A-Za-z])`)

func (s *screen) feed(text string) {
	for len(text) > 0 {
		if m := csi.FindStringSubmatch(text); m != nil {
			text = text[len(m[0]):]
			n, _ := strconv.Atoi(strings.Split(m[1], ";")[0])
			s.pending = false
			switch m[2] {
			case "A":
				s.y = max(0, s.y-max(n, 1))
			case "B":
				s.y = min(s.h-1, s.y+max(n, 1))
			case "C":
				s.x = min(s.w-1, s.x+max(n, 1))
			case "D":
				s.x = max(0, s.x-max(n, 1))
			case "H":
				// cursor to row;col (1-based; home without them)
				parts := strings.Split(m[1], ";")
				row, _ := strconv.Atoi(parts[0])
				col := 1
				if len(parts) > 1 {
					col, _ = strconv.Atoi(parts[1])
				}
				s.y, s.x = min(s.h-1, max(row, 1)-1), min(s.w-1, max(col, 1)-1)
			case "J":
				for x := s.x; x < s.w; x++ {
					s.rows[s.y][x] = ' '
				}
				for y := s.y + 1; y < s.h; y++ {
					s.rows[y] = []rune(strings.Repeat(" ", s.w))
				}
			case "K":
				from := s.x
				if n == 2 {
					from = 0
				}
				for x := from; x < s.w; x++ {
					s.rows[s.y][x] = ' '
				}
			}
			continue
		}
		r, size := []rune(text[:min(len(text), 4)])[0], 0
		size = len(string(r))
		text = text[size:]
		switch {
		case r == '\r':
			s.x, s.pending = 0, false
		case r == '\n':
			s.lineFeed()
			s.pending = false
		case r == '\b' && s.reverseWrap && s.x == 0 && s.y > 0 && s.wrapped[s.y]:
			s.y, s.x = s.y-1, s.w-1
		case r == '\b':
			s.x, s.pending = max(0, s.x-1), false
		case r == 0x1b || r < ' ' || unicode.In(r, unicode.Mn, unicode.Cf):
		case wideInTest(r):
			// two cells; a character that does not fit in the row
			// goes to the next one
			if s.pending || s.x == s.w-1 {
				s.wrap()
			}
			s.rows[s.y][s.x], s.rows[s.y][s.x+1] = r, wideRight
			if s.x+2 == s.w {
				s.x, s.pending = s.w-1, true
			} else {
				s.x += 2
			}
		default:
			if s.pending {
				s.wrap()
			}
			s.rows[s.y][s.x] = r
			if s.x == s.w-1 {
				s.pending = true
			} else {
				s.x++
			}
		}
	}
}

// wideRight fills the right cell of a wide character.
const wideRight = rune(-1)

// wideInTest reports whether r takes two cells: the CJK ideographs and
// kana and the emoji the tests type.
func wideInTest(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r >= 0x1f300 && r <= 0x1faff
}

func (s *screen) String() string {
	var lines []string
	for _, r := range s.rows {
		var b strings.Builder
		for _, c := range r {
			if c != wideRight {
				b.WriteRune(c)
			}
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return strings.Join(lines, "\n")
}

func TestScreenModel(t *testing.T) {
	s := newScreen(10, 3)
	s.feed("abcdefghijKL\r\nx\x1b[Ay\x1b[J")
	if got, want := s.String(), "abcdefghij\nKy\n"; got != want {
		t.Errorf("screen = %q, want %q", got, want)
	}
}

func TestREPLReverseSearchKeepsEarlierOutput(t *testing.T) {
	// Ctrl-R finding an entry longer than the terminal is wide redraws
	// only the line being edited: what was printed before stays.
	const w, h = 40, 30
	tm := startTermSize(t, h, w, t.TempDir())
	tm.expect("popsh> ")
	long := `(list "` + strings.Repeat("a", 70) + `zzz" 1)`
	for _, e := range []string{`(display "first output")`, long, `(display "second output")`} {
		tm.send(e + "\r")
		tm.expect(e + "\r\n")
		tm.expect("popsh> ")
	}
	tm.send("\x12") // Ctrl-R
	tm.expect("-i-search: ")
	tm.send("zz")
	tm.expect("zz")
	tm.send("z")
	tm.expect("-i-search: zzz")
	tm.send("\x07") // leave the search
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.send("(+ 1 1)\r")
	tm.expect("2\r\n")
	tm.expect("popsh> ")
	tm.mu.Lock()
	out := tm.out.String()
	tm.mu.Unlock()
	s := newScreen(w, h)
	s.feed(out)
	got := s.String()
	for _, want := range []string{"first output", "second output", `("` + strings.Repeat("a", 30)} {
		if !strings.Contains(got, want) {
			t.Errorf("after Ctrl-R the screen lost %q:\n%s", want, got)
		}
	}
}
