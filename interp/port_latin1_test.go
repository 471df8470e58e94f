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

// On a Latin-1 port the byte reads and writes (read-u8, peek-u8,
// read-bytevector, write-u8, write-bytevector) see the bytes on the wire,
// not the UTF-8 the port keeps inside.
func TestPortLatin1Bytes(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("\xff\xfbA\xe9\x80z"))
	w.Close()
	p := NewInputPort(r, "pipe")
	defer p.Close()
	if err := p.SetLatin1(true); err != nil {
		t.Fatal(err)
	}
	if b, err := p.PeekByte(); b != 0xFF || err != nil {
		t.Fatalf("peek byte %#x, %v; want 0xff", b, err)
	}
	if b, err := p.ReadByte(); b != 0xFF || err != nil {
		t.Fatalf("read byte %#x, %v; want 0xff", b, err)
	}
	buf := make([]byte, 3)
	n, err := p.ReadBytes(buf)
	if got := buf[:n]; string(got) != "\xfbA\xe9" || err != nil {
		t.Fatalf("read bytes % x, %v; want fb 41 e9", got, err)
	}
	if c, err := p.ReadChar(); c != 0x80 || err != nil {
		t.Fatalf("then a character %U, %v; want U+0080", c, err)
	}
	n, err = p.ReadBytes(buf)
	if string(buf[:n]) != "z" || err != nil {
		t.Fatalf("last bytes %q, %v", buf[:n], err)
	}

	var out bytes.Buffer
	o := NewOutputPort(&out, "buffer")
	if err := o.SetLatin1(true); err != nil {
		t.Fatal(err)
	}
	o.WriteByte(0xFF)
	o.WriteOctets([]byte{0xFB, 0x01, 0x80})
	o.WriteRune('é')
	if err := o.Flush(); err != nil || out.String() != "\xff\xfb\x01\x80\xe9" {
		t.Errorf("Latin-1 byte writes gave % x, %v; want ff fb 01 80 e9", out.Bytes(), err)
	}
}
