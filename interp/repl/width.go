package repl

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"sync"
	"unicode"
)

// The cursor on the line being edited.
//
// The line editor (chzyer/readline v1.5.1) places the cursor by writing one
// backspace for each character after it, and counts an emoji as one
// column: on a line holding CJK text, emoji, a Tab or a combining accent,
// the cursor was shown away from where the next key edits, and a line of
// emoji wrapping past the terminal's width was not erased whole when
// redrawn. On tmux, where a backspace at the start of a wrapped row goes
// up to the row above, the cursor moved back over a row boundary of a long
// line was shown a row too high. The editor cannot be told the width of a
// character nor how to move, so the cursor is placed here: the painter
// (linePainter) lays the prompt and the line out as the terminal does, and
// ends its text with the rune cursorMark; the editor's output goes through
// a cursorWriter, which puts in place of the mark, and of the editor's own
// moves that follow it in the same write, moves up, CR and right to where
// the cursor belongs. The erasing of the line before it is redrawn is
// corrected the same way.

// cursorMark ends what the painter gives the editor; it never reaches the
// terminal. A noncharacter: no text holds it.
const cursorMark = '\U0010FFFF'

// tabWidth is how many spaces the editor shows for a Tab.
const tabWidth = 4

// runeWidth is the number of columns a terminal gives r: 2 for the wide
// and fullwidth characters of East Asian scripts and for emoji, 0 for
// combining marks, format and control characters, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r == '\t':
		return tabWidth
	case r < 0x300:
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return 0
		}
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Cc):
		return 0
	case unicode.Is(wideRunes, r):
		return 2
	}
	return 1
}

// wideRunes are the characters of two columns: Unicode's East Asian Wide
// and Fullwidth ranges and the emoji shown as pictures.
var wideRunes = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x1100, Hi: 0x115f, Stride: 1}, // Hangul initial consonants
		{Lo: 0x231a, Hi: 0x231b, Stride: 1}, // watch, hourglass
		{Lo: 0x2329, Hi: 0x232a, Stride: 1},
		{Lo: 0x23e9, Hi: 0x23ec, Stride: 1},
		{Lo: 0x23f0, Hi: 0x23f0, Stride: 1},
		{Lo: 0x23f3, Hi: 0x23f3, Stride: 1},
		{Lo: 0x25fd, Hi: 0x25fe, Stride: 1},
		{Lo: 0x2614, Hi: 0x2615, Stride: 1},
		{Lo: 0x2648, Hi: 0x2653, Stride: 1},
		{Lo: 0x267f, Hi: 0x267f, Stride: 1},
		{Lo: 0x2693, Hi: 0x2693, Stride: 1},
		{Lo: 0x26a1, Hi: 0x26a1, Stride: 1},
		{Lo: 0x26aa, Hi: 0x26ab, Stride: 1},
		{Lo: 0x26bd, Hi: 0x26be, Stride: 1},
		{Lo: 0x26c4, Hi: 0x26c5, Stride: 1},
		{Lo: 0x26ce, Hi: 0x26ce, Stride: 1},
		{Lo: 0x26d4, Hi: 0x26d4, Stride: 1},
		{Lo: 0x26ea, Hi: 0x26ea, Stride: 1},
		{Lo: 0x26f2, Hi: 0x26f3, Stride: 1},
		{Lo: 0x26f5, Hi: 0x26f5, Stride: 1},
		{Lo: 0x26fa, Hi: 0x26fa, Stride: 1},
		{Lo: 0x26fd, Hi: 0x26fd, Stride: 1},
		{Lo: 0x2705, Hi: 0x2705, Stride: 1},
		{Lo: 0x270a, Hi: 0x270b, Stride: 1},
		{Lo: 0x2728, Hi: 0x2728, Stride: 1},
		{Lo: 0x274c, Hi: 0x274c, Stride: 1},
		{Lo: 0x274e, Hi: 0x274e, Stride: 1},
		{Lo: 0x2753, Hi: 0x2755, Stride: 1},
		{Lo: 0x2757, Hi: 0x2757, Stride: 1},
		{Lo: 0x2795, Hi: 0x2797, Stride: 1},
		{Lo: 0x27b0, Hi: 0x27b0, Stride: 1},
		{Lo: 0x27bf, Hi: 0x27bf, Stride: 1},
		{Lo: 0x2b1b, Hi: 0x2b1c, Stride: 1},
		{Lo: 0x2b50, Hi: 0x2b50, Stride: 1},
		{Lo: 0x2b55, Hi: 0x2b55, Stride: 1},
		{Lo: 0x2e80, Hi: 0x303e, Stride: 1}, // CJK radicals, symbols and punctuation
		{Lo: 0x3041, Hi: 0x33ff, Stride: 1}, // kana, Bopomofo, CJK compatibility
		{Lo: 0x3400, Hi: 0x4dbf, Stride: 1}, // CJK extension A
		{Lo: 0x4e00, Hi: 0x9fff, Stride: 1}, // CJK unified ideographs
		{Lo: 0xa000, Hi: 0xa4cf, Stride: 1}, // Yi
		{Lo: 0xa960, Hi: 0xa97f, Stride: 1},
		{Lo: 0xac00, Hi: 0xd7a3, Stride: 1}, // Hangul syllables
		{Lo: 0xf900, Hi: 0xfaff, Stride: 1}, // CJK compatibility ideographs
		{Lo: 0xfe10, Hi: 0xfe19, Stride: 1},
		{Lo: 0xfe30, Hi: 0xfe6f, Stride: 1},
		{Lo: 0xff00, Hi: 0xff60, Stride: 1}, // fullwidth forms
		{Lo: 0xffe0, Hi: 0xffe6, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x16fe0, Hi: 0x16fe4, Stride: 1},
		{Lo: 0x17000, Hi: 0x18aff, Stride: 1}, // Tangut
		{Lo: 0x1b000, Hi: 0x1b2ff, Stride: 1}, // kana supplement
		{Lo: 0x1f004, Hi: 0x1f004, Stride: 1},
		{Lo: 0x1f0cf, Hi: 0x1f0cf, Stride: 1},
		{Lo: 0x1f18e, Hi: 0x1f18e, Stride: 1},
		{Lo: 0x1f191, Hi: 0x1f19a, Stride: 1},
		{Lo: 0x1f200, Hi: 0x1f202, Stride: 1},
		{Lo: 0x1f210, Hi: 0x1f23b, Stride: 1},
		{Lo: 0x1f240, Hi: 0x1f248, Stride: 1},
		{Lo: 0x1f250, Hi: 0x1f251, Stride: 1},
		{Lo: 0x1f260, Hi: 0x1f265, Stride: 1},
		{Lo: 0x1f300, Hi: 0x1f320, Stride: 1}, // emoji
		{Lo: 0x1f32d, Hi: 0x1f335, Stride: 1},
		{Lo: 0x1f337, Hi: 0x1f37c, Stride: 1},
		{Lo: 0x1f37e, Hi: 0x1f393, Stride: 1},
		{Lo: 0x1f3a0, Hi: 0x1f3ca, Stride: 1},
		{Lo: 0x1f3cf, Hi: 0x1f3d3, Stride: 1},
		{Lo: 0x1f3e0, Hi: 0x1f3f0, Stride: 1},
		{Lo: 0x1f3f4, Hi: 0x1f3f4, Stride: 1},
		{Lo: 0x1f3f8, Hi: 0x1f43e, Stride: 1},
		{Lo: 0x1f440, Hi: 0x1f440, Stride: 1},
		{Lo: 0x1f442, Hi: 0x1f4fc, Stride: 1},
		{Lo: 0x1f4ff, Hi: 0x1f53d, Stride: 1},
		{Lo: 0x1f54b, Hi: 0x1f54e, Stride: 1},
		{Lo: 0x1f550, Hi: 0x1f567, Stride: 1},
		{Lo: 0x1f57a, Hi: 0x1f57a, Stride: 1},
		{Lo: 0x1f595, Hi: 0x1f596, Stride: 1},
		{Lo: 0x1f5a4, Hi: 0x1f5a4, Stride: 1},
		{Lo: 0x1f5fb, Hi: 0x1f64f, Stride: 1},
		{Lo: 0x1f680, Hi: 0x1f6c5, Stride: 1},
		{Lo: 0x1f6cc, Hi: 0x1f6cc, Stride: 1},
		{Lo: 0x1f6d0, Hi: 0x1f6d2, Stride: 1},
		{Lo: 0x1f6d5, Hi: 0x1f6d7, Stride: 1},
		{Lo: 0x1f6dc, Hi: 0x1f6df, Stride: 1},
		{Lo: 0x1f6eb, Hi: 0x1f6ec, Stride: 1},
		{Lo: 0x1f6f4, Hi: 0x1f6fc, Stride: 1},
		{Lo: 0x1f7e0, Hi: 0x1f7eb, Stride: 1},
		{Lo: 0x1f7f0, Hi: 0x1f7f0, Stride: 1},
		{Lo: 0x1f90c, Hi: 0x1f93a, Stride: 1},
		{Lo: 0x1f93c, Hi: 0x1f945, Stride: 1},
		{Lo: 0x1f947, Hi: 0x1f9ff, Stride: 1},
		{Lo: 0x1fa70, Hi: 0x1faff, Stride: 1},
		{Lo: 0x20000, Hi: 0x2fffd, Stride: 1}, // CJK extensions B and later
		{Lo: 0x30000, Hi: 0x3fffd, Stride: 1},
	},
}

// cursorPos is a place on the screen relative to the start of the prompt:
// row, and col from 0 to the width (col == width: past the last column,
// where the terminal waits to wrap until the next character).
type cursorPos struct{ row, col int }

// advance is where the cursor is after r is written at p on a terminal of
// width w: a character that does not fit in the row goes to the next one.
func (p cursorPos) advance(r rune, w int) cursorPos {
	if r == '\n' {
		return cursorPos{p.row + 1, 0}
	}
	cw := runeWidth(r)
	if cw == 0 {
		return p
	}
	if p.col+cw > w {
		p = cursorPos{p.row + 1, 0}
	}
	p.col += cw
	return p
}

// cursorLayout holds what the painter worked out for the cursorWriter.
type cursorLayout struct {
	mu sync.Mutex
	// moves replaces the mark and what follows it in the same write:
	// from the end of the line to the cursor
	moves []byte
	// row is the row of the cursor below the prompt's after the last
	// redraw that was corrected (-1: the editor's own was kept)
	row int
	// col is the cursor's column then
	col int
	// marked says the painter's last text, with its mark, is not yet
	// written (other text holding the mark character is left alone)
	marked bool
}

// linePainter is the editor's Painter: it returns the line as it is, with
// cursorMark at the end when the cursor must be placed here, and leaves
// the moves in layout.
type linePainter struct {
	layout *cursorLayout
	prompt func() []rune
	width  func() int
}

// Paint implements readline.Painter.
func (p *linePainter) Paint(line []rune, pos int) []rune {
	w := p.width()
	prompt := p.prompt()
	l := p.layout
	l.mu.Lock()
	defer l.mu.Unlock()
	if w <= 0 {
		// no width known: the editor's own moves
		l.moves, l.row = nil, -1
		return line
	}
	var at, end cursorPos
	for _, r := range prompt {
		end = end.advance(r, w)
	}
	for i, r := range line {
		if i == pos {
			at = end
		}
		end = end.advance(r, w)
	}
	var b []byte
	if end.col == w {
		// past the last column: the terminal wraps at the next
		// character; make it wrap now, so the cursor is on the row
		// counted
		b = append(b, " \b"...)
		end = cursorPos{end.row + 1, 0}
	}
	if pos >= len(line) {
		at = end
	} else if next := runeWidth(line[pos]); at.col == w || at.col+next > w {
		// the next character starts the next row
		at = cursorPos{at.row + 1, 0}
	}
	if at != end {
		if up := end.row - at.row; up > 0 {
			b = append(b, "\x1b["+strconv.Itoa(up)+"A"...)
		}
		b = append(b, '\r')
		if at.col > 0 {
			b = append(b, "\x1b["+strconv.Itoa(at.col)+"C"...)
		}
	}
	l.moves, l.row, l.col, l.marked = b, at.row, at.col, true
	if len(line) > 0 && line[len(line)-1] == '\n' {
		// the line is entered: the next prompt starts on a row of
		// its own
		l.row = -1
	}
	out := make([]rune, 0, len(line)+1)
	for _, r := range line {
		switch r {
		case '\t':
			// as the editor would show it, in the columns counted
			out = append(out, ' ', ' ', ' ', ' ')
		case cursorMark:
			out = append(out, unicode.ReplacementChar)
		case pasteMark:
			// a run of text about to be put in its place (keys.go):
			// not for the terminal (it has no width)
		default:
			out = append(out, r)
		}
	}
	return append(out, cursorMark)
}

// cursorWriter is the editor's output: a write holding cursorMark ends
// there with the painter's moves; the erasing of the line (ESC [ J, then
// ESC [ 2 K CR ESC [ A for each row above the cursor, then ESC [ 2 K CR)
// goes up the rows the cursor really is below the prompt's.
type cursorWriter struct {
	w      io.Writer
	layout *cursorLayout
}

// listBack ends what the editor writes below the line (a list of
// completions, the reverse search's prompt): up to the line, to its start,
// and right to the column it counts for the cursor (wrong when the line
// holds wide characters).
var listBack = regexp.MustCompile(`(\x1b\[\d+A\r|\r\x1b\[\d+A)(\x1b\[\d+C)?$`)

var (
	markBytes = []byte(string(cursorMark))
	eraseUp   = []byte("\x1b[2K\r\x1b[A")
	eraseLast = []byte("\x1b[2K\r")
)

// Write implements io.Writer.
func (c *cursorWriter) Write(p []byte) (int, error) {
	l := c.layout
	if i := bytes.Index(p, markBytes); i >= 0 {
		l.mu.Lock()
		marked := l.marked
		l.marked = false
		q := append(p[:i:i], l.moves...)
		l.mu.Unlock()
		if marked {
			if _, err := c.w.Write(q); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	if rest, ok := bytes.CutPrefix(p, []byte("\x1b[J")); ok && bytes.HasSuffix(rest, eraseLast) {
		ups := bytes.Count(rest, eraseUp)
		if len(rest) == ups*len(eraseUp)+len(eraseLast) {
			l.mu.Lock()
			row := l.row
			if row > 0 {
				l.row = 0
			}
			l.mu.Unlock()
			if row >= 0 && row != ups {
				q := []byte("\r")
				if row > 0 {
					q = append(q, "\x1b["+strconv.Itoa(row)+"A"...)
				}
				q = append(q, "\x1b[J"...)
				if _, err := c.w.Write(q); err != nil {
					return 0, err
				}
				return len(p), nil
			}
		}
	}
	if len(p) > 0 && (p[0] == '\n' || bytes.HasPrefix(p, []byte("\x1b[J"))) && bytes.Contains(p, []byte("\x1b[J")) {
		if m := listBack.FindSubmatchIndex(p); m != nil {
			l.mu.Lock()
			row, col := l.row, l.col
			l.mu.Unlock()
			if row >= 0 {
				q := append(p[:m[3]:m[3]], "\x1b["+strconv.Itoa(col)+"C"...)
				if col == 0 {
					q = p[:m[3]:m[3]]
				}
				if _, err := c.w.Write(q); err != nil {
					return 0, err
				}
				return len(p), nil
			}
		}
	}
	return c.w.Write(p)
}
