package repl

import (
	"bytes"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// keyReader sits between the terminal and the line editor and makes what
// terminals send into what the editor understands:
//
//   - the Home and End keys of the terminals that send ESC [ 1 ~ / ESC [ 4 ~
//     (the Linux console, tmux, screen) or ESC [ 7 ~ / ESC [ 8 ~ (rxvt),
//     which the editor ignores, become ESC [ H and ESC [ F;
//   - Ctrl or Alt with Left or Right (ESC [ 1 ; 5 D ...) moves by a word,
//     as Alt-b and Alt-f do, instead of by a character; Alt-Backspace sent
//     as ESC Ctrl-H deletes a word back, as ESC DEL does;
//   - the markers of a bracketed paste (ESC [ 200 ~ ... ESC [ 201 ~) are
//     dropped; a Tab inside a paste is text, not a completion request; a
//     line break in it ends a line; any other control character or
//     escape sequence in it (the colours of text copied from a terminal,
//     a Ctrl-Z or Ctrl-C) is dropped, not taken as a key;
//   - Ctrl-C in a reverse search or a list of completions comes after a
//     Ctrl-G that leaves them, so that it drops the line;
//   - a run of text that arrives in one read (a paste, typed-ahead
//     input) is handed to the editor as one inserted piece instead of key
//     by key: the editor redraws the whole line at each key, so a pasted
//     line of n characters cost n redraws of up to n characters each (a
//     10,000-character line: 54 MB written to the terminal and 9 s).
//
// The run is given as the rune pasteMark, and its text is queued; the
// editor inserts the mark like any character and the Listener (insertRun)
// then replaces it with the queued text, in one redraw.
type keyReader struct {
	src io.ReadCloser

	mu      sync.Mutex
	out     []byte   // translated bytes not yet returned
	carry   []byte   // an incomplete sequence or character at the end of the last read
	inPaste bool     // between ESC [ 200 ~ and ESC [ 201 ~
	runs    []string // texts of the pasteMarks handed out, oldest first
	// held is what came after the first line end of a read: the keys of
	// the next line, or text for the program that line runs (giveBack)
	held []byte

	// plain says the editor was last seen editing the line (not in a
	// reverse search or a completion list, where a run must come key by
	// key); the Listener sets it after each key.
	plain atomic.Bool

	// suspend, when set, is called for Ctrl-Z outside a paste, which the
	// editor does not get (see terminalEditor.suspend); stops counts
	// those not yet handled
	suspend func()
	stops   int
}

// pasteMark stands for a run of text in the editor's input. It is a
// character of no width (WORD JOINER), so the one redraw that shows it
// before it is replaced shows nothing more; the character itself, typed or
// pasted, is handed out as a run of its own.
const pasteMark = '\u2060'

func newKeyReader(src io.ReadCloser) *keyReader {
	k := &keyReader{src: src}
	k.plain.Store(true)
	return k
}

// Read implements io.Reader.
func (k *keyReader) Read(p []byte) (int, error) {
	for {
		k.mu.Lock()
		if len(k.out) > 0 {
			n := copy(p, k.out)
			k.out = k.out[n:]
			k.mu.Unlock()
			return n, nil
		}
		var data []byte
		var err error
		if len(k.held) > 0 && !k.srcHasTyped() {
			// the editor reads on past a line end (Ctrl-D deleting,
			// the next line of an entry): the keys held come next
			data, k.held = k.held, nil
		} else {
			k.mu.Unlock()
			buf := make([]byte, 4096)
			n, pasted, typed := 0, 0, false
			if t, ok := k.src.(typedSource); ok {
				n, pasted, typed = t.ReadTyped(buf)
			}
			if !typed {
				n, err = k.src.Read(buf)
			}
			k.mu.Lock()
			data = append(k.carry, buf[:n]...)
			k.carry = nil
			if pasted > 0 && !k.inPaste {
				// text given back from a bracketed paste: still
				// pasted text (a Tab in it is not a completion)
				data = slices.Concat(data[:len(data)-n], []byte(pasteStart), buf[:pasted], []byte(pasteEnd), buf[pasted:n])
			}
		}
		if err != nil {
			// no more is coming: what was held is passed as it is
			k.out = append(k.out, data...)
			data = nil
		}
		k.translate(data)
		stops := k.stops
		k.stops = 0
		if len(k.out) == 0 && err != nil {
			k.mu.Unlock()
			return 0, err
		}
		k.mu.Unlock()
		if stops > 0 {
			k.suspend()
		}
	}
}

// Close closes the source (the line editor closes its input when it is
// closed).
func (k *keyReader) Close() error { return k.src.Close() }

// takeRun returns the text of the oldest pasteMark handed out.
func (k *keyReader) takeRun() (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.runs) == 0 {
		return "", false
	}
	s := k.runs[0]
	k.runs = k.runs[1:]
	return s, true
}

// csiKeys maps the control sequences translated to what they become.
var csiKeys = map[string]string{
	"1~": "\x1b[H", "7~": "\x1b[H", // Home
	"4~": "\x1b[F", "8~": "\x1b[F", // End
	"1;5D": "\x1bb", "1;3D": "\x1bb", "5D": "\x1bb", // Ctrl/Alt-Left: a word back
	"1;5C": "\x1bf", "1;3C": "\x1bf", "5C": "\x1bf", // Ctrl/Alt-Right: a word on
}

// translate appends to k.out what the editor gets for data; an incomplete
// sequence or character at its end is kept in k.carry for the next read.
func (k *keyReader) translate(data []byte) {
	var run []byte // printable text not yet handed out
	runes := 0
	// a run is one piece only while the editor edits the line: not after
	// a key that may start a search or a completion list
	collapse := k.plain.Load()
	endRun := func() {
		switch {
		case collapse && (runes >= 2 || bytes.ContainsRune(run, pasteMark)):
			k.runs = append(k.runs, string(run))
			k.out = utf8.AppendRune(k.out, pasteMark)
		default:
			// key by key; the mark character itself would be taken
			// for a run: it is dropped
			k.out = append(k.out, bytes.ReplaceAll(run, []byte(string(pasteMark)), nil)...)
		}
		run, runes = nil, 0
	}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == 0x1b:
			if !k.inPaste {
				// a key: the text before it is one run (in a paste,
				// the text goes on past what is dropped)
				endRun()
			}
			if i+1 >= len(data) {
				endRun()
				k.carry = append(k.carry, data[i:]...)
				return
			}
			if data[i+1] == 'O' {
				// ESC O x (SS3: Home, End, arrows): as it is
				if i+2 >= len(data) {
					endRun()
					k.carry = append(k.carry, data[i:]...)
					return
				}
				if !k.inPaste {
					k.out = append(k.out, data[i:i+3]...)
				}
				i += 3
				continue
			}
			if data[i+1] != '[' {
				// ESC and the next character (Alt-b ...): as they are
				if !utf8.FullRune(data[i+1:]) {
					endRun()
					k.carry = append(k.carry, data[i:]...)
					return
				}
				_, size := utf8.DecodeRune(data[i+1:])
				switch {
				case k.inPaste:
				case data[i+1] == 0x08:
					// Alt-Backspace of the terminals whose
					// Backspace is Ctrl-H: the editor knows
					// ESC DEL only (ESC Ctrl-H deleted one
					// character)
					k.out = append(k.out, 0x1b, 0x7f)
				default:
					k.out = append(k.out, data[i:i+1+size]...)
				}
				i += 1 + size
				continue
			}
			j := i + 2
			for j < len(data) && (data[j] >= '0' && data[j] <= '9' || data[j] == ';') {
				j++
			}
			if j >= len(data) {
				endRun()
				k.carry = append(k.carry, data[i:]...)
				return
			}
			params, final := string(data[i+2:j]), data[j]
			seq := data[i : j+1]
			i = j + 1
			switch key := params + string(final); {
			case key == "200~":
				k.inPaste = true
			case key == "201~":
				k.inPaste = false
			case k.inPaste:
				// not a key: dropped
			case csiKeys[key] != "":
				k.out = append(k.out, csiKeys[key]...)
			default:
				k.out = append(k.out, seq...)
			}
		case c >= 0x20 && c != 0x7f || c == '\t' && k.inPaste:
			if !utf8.FullRune(data[i:]) {
				endRun()
				k.carry = append(k.carry, data[i:]...)
				return
			}
			_, size := utf8.DecodeRune(data[i:])
			run = append(run, data[i:i+size]...)
			runes++
			i += size
		case k.inPaste && c != '\r' && c != '\n':
			// a control character in pasted text: not a key
			i++
		default:
			endRun()
			if c == '\t' || c == 0x12 || c == 0x13 { // Tab, Ctrl-R, Ctrl-S
				// they may start a list or a search: not plain
				// until the Listener has seen what they did
				collapse = false
				k.plain.Store(false)
			}
			if c == 0x1a && k.suspend != nil { // Ctrl-Z: not for the editor
				k.stops++
				i++
				continue
			}
			if c == '\r' || c == '\n' {
				// a line ends (CR LF, of a paste, is one end): what
				// follows waits, for the program the line runs or
				// the next line (giveBack)
				k.out = append(k.out, c)
				if c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
					i++
				}
				k.held = append(k.held, data[i+1:]...)
				return
			}
			if c == 0x03 && !k.plain.Load() {
				// Ctrl-C in a reverse search or a list of completions:
				// the editor would only leave them (as Ctrl-G does);
				// it drops the line, as everywhere else
				k.out = append(k.out, 0x07)
			}
			k.out = append(k.out, c)
			i++
		}
	}
	endRun()
}

// typedSource is a source that text can be given back to (an
// *InterruptibleReader; see giveBack).
type typedSource interface {
	Unread(text []byte, pasted int, eof bool)
	UnreadInterrupt()
	HasTyped() bool
	ReadTyped(p []byte) (n, pasted int, ok bool)
}

// The markers of a bracketed paste.
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// srcHasTyped reports whether the source still holds text given back
// (giveBack): it came before what is held.
func (k *keyReader) srcHasTyped() bool {
	t, ok := k.src.(typedSource)
	return ok && t.HasTyped()
}

// giveBack hands the text held after the line just read back to the
// source (an *InterruptibleReader), so that the program this line runs
// reads it first (lines typed ahead answer its read-line), and the next
// line is read from it otherwise. Only text goes back, and a Ctrl-D after
// it (the end of file of the program's read), or a Ctrl-C (which
// interrupts the program): from the first other key on (an arrow, Ctrl-Z)
// what was typed stays for the editor.
// Line ends are given as LF, as the terminal's line mode gives them, and
// the markers of a bracketed paste are dropped.
func (k *keyReader) giveBack() {
	u, ok := k.src.(typedSource)
	if !ok {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.held) == 0 {
		return
	}
	var text []byte
	rest := k.held
	eof, interrupt := false, false
	// pasted counts the bytes of text that came in a paste, as long as
	// all before them did
	inPaste, pasted := k.inPaste, 0
	for len(rest) > 0 {
		c := rest[0]
		if m, ok := bytes.CutPrefix(rest, []byte(pasteStart)); ok {
			rest, inPaste = m, len(text) == pasted
			continue
		}
		if m, ok := bytes.CutPrefix(rest, []byte(pasteEnd)); ok {
			rest, inPaste = m, false
			continue
		}
		if inPaste && (c < 0x20 && c != '\r' && c != '\n' && c != '\t' || c == 0x7f || c == 0x1b) {
			// a control character or sequence in pasted text is not
			// a key (see translate): left for the editor to drop
			break
		}
		if c == 0x03 {
			// Ctrl-C: it interrupts the program, and drops what
			// was typed before it, as the terminal's interrupt does
			text, pasted, interrupt = nil, 0, true
			rest = rest[1:]
			break
		}
		if c == 0x04 {
			// Ctrl-D: the end of file of the program's read
			eof = true
			rest = rest[1:]
			break
		}
		if c < 0x20 && c != '\r' && c != '\n' && c != '\t' || c == 0x7f {
			break // a key
		}
		switch {
		case c == '\r' && len(rest) > 1 && rest[1] == '\n':
			rest = rest[1:]
			continue
		case c == '\r':
			c = '\n'
		}
		text = append(text, c)
		if inPaste {
			pasted++
		}
		rest = rest[1:]
	}
	k.held = append([]byte(nil), rest...)
	k.inPaste = inPaste // where what is held starts
	if len(text) > 0 || eof {
		u.Unread(text, pasted, eof)
	}
	if interrupt {
		u.UnreadInterrupt()
	}
}

// insertRun is the editor's Listener: when the key just inserted is a
// pasteMark, the mark (before the cursor) is replaced by its text.
func (k *keyReader) insertRun(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key != pasteMark {
		return nil, 0, false
	}
	text, ok := k.takeRun()
	if !ok || pos < 1 || pos > len(line) || line[pos-1] != pasteMark {
		// not inserted where expected (the mark went to a search
		// string, say): drop the marks
		return withoutMarks(line, pos)
	}
	ins := []rune(text)
	out := make([]rune, 0, len(line)-1+len(ins))
	out = append(out, line[:pos-1]...)
	out = append(out, ins...)
	out = append(out, line[pos:]...)
	return out, pos - 1 + len(ins), true
}

// withoutMarks removes any pasteMark from line.
func withoutMarks(line []rune, pos int) ([]rune, int, bool) {
	out := make([]rune, 0, len(line))
	np := pos
	for i, r := range line {
		if r == pasteMark {
			if i < pos {
				np--
			}
			continue
		}
		out = append(out, r)
	}
	return out, np, len(out) != len(line)
}
