package interp

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// A Latin-1 port reads a byte as the character of its code; set back to
// UTF-8, what it had read ahead is decoded as UTF-8, from the same bytes.
func TestPortLatin1Switch(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("\xff\xfeab\xc3\xa9\n"))
	w.Close()
	p := NewInputPort(r, "pipe")
	defer p.Close()
	if err := p.SetLatin1(true); err != nil {
		t.Fatal(err)
	}
	if c, err := p.ReadChar(); c != 0xFF || err != nil || !p.Latin1() {
		t.Fatalf("Latin-1 read %U, %v (latin1 %v); want U+00FF", c, err, p.Latin1())
	}
	if c, _ := p.PeekChar(); c != 0xFE {
		t.Fatalf("peek %U, want U+00FE", c)
	}
	if err := p.SetLatin1(false); err != nil {
		t.Fatal(err)
	}
	got, err := p.ReadRunes(10)
	if want := "\uFFFDabé\n"; string(got) != want || p.Latin1() {
		t.Errorf("after the switch read %q, %v; want %q", string(got), err, want)
	}

	var out bytes.Buffer
	o := NewOutputPort(&out, "buffer")
	if err := o.SetLatin1(true); err != nil {
		t.Fatal(err)
	}
	o.WriteRune(0xFF)
	o.WriteString("é!")
	if err := o.Flush(); err != nil || out.String() != "\xff\xe9!" {
		t.Errorf("Latin-1 wrote % x, %v; want ff e9 21", out.Bytes(), err)
	}
	o.WriteString("λ")
	if err := o.Flush(); err == nil || !strings.Contains(err.Error(), "Latin-1") {
		t.Errorf("writing U+03BB: %v, want a Latin-1 error", err)
	}
	if err := NewStringOutputPort().SetLatin1(true); err == nil {
		t.Error("a string port took Latin-1")
	}
}
