package repl

import (
	"io"
	"strings"
	"testing"
)

// chunks is a source that returns one chunk per Read, as a terminal does
// for each burst of input.
type chunks struct{ parts []string }

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	c.parts[0] = c.parts[0][n:]
	if c.parts[0] == "" {
		c.parts = c.parts[1:]
	}
	return n, nil
}

func (c *chunks) Close() error { return nil }

// keysOf runs the parts through a keyReader and returns what the editor
// reads, each run shown as [text].
func keysOf(t *testing.T, parts ...string) string {
	t.Helper()
	k := newKeyReader(&chunks{parts: append([]string(nil), parts...)})
	b, err := io.ReadAll(k)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, r := range string(b) {
		if r == pasteMark {
			text, ok := k.takeRun()
			if !ok {
				t.Fatalf("%q: a mark without its text", parts)
			}
			out.WriteString("[" + text + "]")
			continue
		}
		out.WriteRune(r)
	}
	if _, ok := k.takeRun(); ok {
		t.Errorf("%q: a run without its mark", parts)
	}
	return out.String()
}

func TestKeyReader(t *testing.T) {
	for _, c := range []struct {
		parts []string
		want  string
	}{
		// keys typed one by one pass as they are
		{[]string{"a", "b", "\t", "\r"}, "ab\t\r"},
		// Home and End of other terminals, word moves
		{[]string{"\x1b[1~", "\x1b[4~", "\x1b[7~", "\x1b[8~"}, "\x1b[H\x1b[F\x1b[H\x1b[F"},
		{[]string{"\x1b[1;5D", "\x1b[1;5C", "\x1b[1;3D"}, "\x1bb\x1bf\x1bb"},
		// Alt-Backspace as ESC Ctrl-H: as ESC DEL
		{[]string{"\x1b\x08", "\x1b\x7f"}, "\x1b\x7f\x1b\x7f"},
		// other sequences untouched, even split over reads
		{[]string{"\x1b", "[", "A", "\x1b[3", "~", "\x1bO", "H", "\x1bb"}, "\x1b[A\x1b[3~\x1bOH\x1bb"},
		{[]string{"\x1b[", "1", "~x"}, "\x1b[Hx"},
		// a burst of text is one run; control keys end it
		{[]string{"(+ 1 2)\r(car x)\r"}, "[(+ 1 2)]\r[(car x)]\r"},
		{[]string{"é日本😀ab"}, "[é日本😀ab]"},
		// a character split over two reads
		{[]string{"a\xe6\x97", "\xa5b"}, "a[日b]"},
		// a Tab in a burst is a key, outside a bracketed paste; inside
		// one it is text, and the markers go
		{[]string{"car\tx"}, "[car]\tx"},
		{[]string{"\x1b[200~(f\t\"a\tb\")\r\x1b[201~\t"}, "[(f\t\"a\tb\")]\r\t"},
		// in a paste, control characters and sequences are not keys:
		// dropped (a line break still ends a line)
		{[]string{"\x1b[200~a\x03b\x1a\x04c\x1b[31md\x1b[0m\x1bOHe\x1bbf\n\x12g\x1b[201~\x03"}, "[abcdef]\ng\x03"},
		{[]string{"\x1b[200~x\x1b[3", "1mred\x1b", "[201~"}, "x[red]"},
		// after Ctrl-R, the text in the same burst goes key by key (it
		// is the search string)
		{[]string{"\x12zz"}, "\x12zz"},
		// the mark character itself typed is a run of its own
		{[]string{"\u2060"}, "[\u2060]"},
	} {
		if got := keysOf(t, c.parts...); got != c.want {
			t.Errorf("%q: the editor reads %q, want %q", c.parts, got, c.want)
		}
	}
}

func TestInsertRun(t *testing.T) {
	k := newKeyReader(&chunks{})
	k.runs = []string{"abc"}
	line, pos, ok := k.insertRun([]rune("(x\u2060)"), 3, pasteMark)
	if !ok || string(line) != "(xabc)" || pos != 5 {
		t.Errorf("insertRun = %q, %d, %v; want \"(xabc)\", 5, true", string(line), pos, ok)
	}
	// a mark that did not land in the line (a search string): its text
	// is dropped with it
	k.runs = []string{"zz"}
	if _, _, ok := k.insertRun([]rune("(x)"), 1, pasteMark); ok || len(k.runs) != 0 {
		t.Errorf("a mark outside the line: changed %v, runs left %q", ok, k.runs)
	}
}

func TestKeyReaderGivesBackTypedAhead(t *testing.T) {
	// A read holding a line and what was typed after it: the editor gets
	// the line; the text after it goes back to the terminal's reader,
	// line by line, LF-ended and without paste markers, for the program
	// the line runs; from the first key on, the rest stays for the editor.
	ir := NewInterruptibleReader(&chunks{parts: []string{"(read-line)\r\none\r\x1b[200~two\r\nthree\x1b[201~\r\x1b[Afour\r"}})
	k := newKeyReader(ir)
	b := make([]byte, 100)
	n, err := k.Read(b)
	if err != nil || string(b[:n]) != string(pasteMark)+"\r" {
		t.Fatalf("the editor read %q %v, want the run and Enter", b[:n], err)
	}
	if text, _ := k.takeRun(); text != "(read-line)" {
		t.Errorf("run %q", text)
	}
	k.giveBack()
	var lines []string
	for range 3 {
		n, err := ir.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b[:n]))
	}
	if want := []string{"one\n", "two\n", "three\n"}; strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("the program read %q, want %q", lines, want)
	}
	// the Up key and after: the editor's next line
	n, err = k.Read(b)
	if err != nil || string(b[:n]) != "\x1b[A"+string(pasteMark)+"\r" {
		t.Errorf("the editor read %q %v next, want Up, the run and Enter", b[:n], err)
	}

	// when no program reads them, the lines given back are the editor's
	// next lines, in the order typed, before the keys held
	ir = NewInterruptibleReader(&chunks{parts: []string{"(+ 1 2)\rone\rtwo\r\x1b[Athree\r"}})
	if got, want := linesRead(t, newKeyReader(ir), 4), []string{"[(+ 1 2)]\r", "[one]\n", "[two]\n", "[three]\x1b[A\r"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the editor read %q, want %q", got, want)
	}
}

func TestKeyReaderPasteGivenBackStaysPasted(t *testing.T) {
	// A bracketed paste of several lines: the lines after the first,
	// given back and read again by the editor, are still pasted text (a
	// Tab in them was a completion request, and was lost); keys typed
	// after the paste are keys; a control character in the paste is
	// dropped, not a key (Ctrl-D there is no end of file).
	ir := NewInterruptibleReader(&chunks{parts: []string{"\x1b[200~(list 1\n2\t3)\n(f\t4\x04)\x1b[201~\t"}})
	if got, want := linesRead(t, newKeyReader(ir), 4), []string{"[(list 1]\n", "[2\t3)]\n", "[(f\t4]", ")\t"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the editor read %q, want %q", got, want)
	}
}

// linesRead is what the editor gets in n reads of k, each followed by the
// end of its line (giveBack), the run of each shown as [text] first.
func linesRead(t *testing.T, k *keyReader, n int) []string {
	t.Helper()
	b := make([]byte, 100)
	var got []string
	for range n {
		n, err := k.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		k.giveBack()
		s := strings.ReplaceAll(string(b[:n]), string(pasteMark), "")
		if text, ok := k.takeRun(); ok {
			s = "[" + text + "]" + s
		}
		got = append(got, s)
	}
	return got
}
