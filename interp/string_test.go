package interp

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unsafe"
)

// The representation: narrow (one byte per character) while every
// character is below 256, widened in place by a wider character.
func TestStringNarrowWide(t *testing.T) {
	cases := []struct {
		text   string
		narrow bool
	}{
		{"", true},
		{"plain ASCII", true},
		{"café ÿ ©", true},        // UTF-8 for characters below 256
		{"naïve €", false},        // the euro sign is U+20AC
		{"bad \xff byte", false},  // an invalid byte is U+FFFD, as []rune gives
		{"\xc3", false},           // a truncated sequence too
		{"tab\tnul\x00end", true}, // control characters are characters
	}
	for _, c := range cases {
		want := []rune(c.text)
		for name, s := range map[string]*String{
			"NewString":        NewString(c.text),
			"NewStringUTF8":    NewStringUTF8([]byte(c.text)),
			"NewStringOwnUTF8": NewStringOwnUTF8([]byte(c.text)),
			"NewStringRunes":   NewStringRunes([]rune(c.text)),
		} {
			if s.IsNarrow() != c.narrow {
				t.Errorf("%s(%q): narrow %v, want %v", name, c.text, s.IsNarrow(), c.narrow)
			}
			if s.Len() != len(want) {
				t.Fatalf("%s(%q): length %d, want %d", name, c.text, s.Len(), len(want))
			}
			for i, r := range want {
				if s.At(i) != r {
					t.Errorf("%s(%q): char %d is %U, want %U", name, c.text, i, s.At(i), r)
				}
			}
			if got := s.String(); got != string(want) {
				t.Errorf("%s(%q).String() = %q", name, c.text, got)
			}
			if got := string(s.Runes()); got != string(want) {
				t.Errorf("%s(%q).Runes() = %q", name, c.text, got)
			}
		}
	}
	l := NewStringLatin1([]byte("caf\xe9"))
	if !l.IsNarrow() || l.Len() != 4 || l.At(3) != 'é' || l.String() != "café" {
		t.Errorf("NewStringLatin1: %q narrow=%v", l.String(), l.IsNarrow())
	}
}

// string-set! of a wide character widens the same string object, and the
// other operations see the new character.
func TestStringSetWidens(t *testing.T) {
	var out bytes.Buffer
	it := New(WithOutput(&out))
	v, err := it.EvalString(context.Background(), `
(define s (make-string 3 #\a))
(define t s)
(string-set! s 1 #\λ)
(string-set! s 2 #\é)
(write (list (eq? s t) s (string-length s) (string-ref s 1) (string->list s)
             (string-append s "!") (substring s 1 3) (string->symbol s)
             (equal? s (string #\a #\λ #\é)) (string=? s "aλé") (string<? s "aλê") (string<? "aé" s)))
(define u (string-copy "xyz"))
(string-copy! u 0 "€" 0 1)
(write u)
(define w (string-copy "abcd"))
(string-fill! w #\ÿ 1 3)
(write w)
(write (read-line (open-input-string "ÿ€\nx")))
(write (utf8->string (string->utf8 "aé€")))
s`, "t")
	if err != nil {
		t.Fatal(err)
	}
	want := `(#t "aλé" 3 #\λ (#\a #\λ #\é) "aλé!" "λé" aλé #t #t #t #t)"€yz""aÿÿd""ÿ€""aé€"`
	if out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
	if s := v.(*String); s.IsNarrow() {
		t.Error("s is still narrow after storing λ")
	}
}

// Narrow strings stay narrow through the common operations, and overlapping
// string-copy! works in both forms.
func TestStringOpsKeepNarrow(t *testing.T) {
	it := New()
	for _, src := range []string{
		`(string-append "abc" (substring "défg" 1 3) (list->string (list #\é)))`,
		`(read-string 5 (open-input-string "ÿÿÿÿÿÿ"))`,
		`(get-output-string (let ((p (open-output-string))) (write-string "é" p) p))`,
		`(string-upcase "abc")`,
		`(symbol->string 'abc)`,
	} {
		v, err := it.EvalString(context.Background(), src, "t")
		if err != nil {
			t.Fatal(src, err)
		}
		if !v.(*String).IsNarrow() {
			t.Errorf("%s: wide %q", src, v.(*String).String())
		}
	}
	for _, c := range []struct{ text, want string }{{"abcde", "aabce"}, {"aλcde", "aaλce"}} {
		s := NewString(c.text)
		s.copyInto(1, s, 0, 3)
		if s.String() != c.want {
			t.Errorf("overlapping copy in %q: %q, want %q", c.text, s.String(), c.want)
		}
	}
}

// A large message-sized text takes one byte per character.
func TestStringOwnUTF8Large(t *testing.T) {
	text := []byte(strings.Repeat("Subject: caf\xc3\xa9\r\n", 1<<16))
	s := NewStringOwnUTF8(text)
	if !s.IsNarrow() || s.Len() != 1<<16*15 || s.At(12) != 'é' {
		t.Fatalf("narrow=%v len=%d", s.IsNarrow(), s.Len())
	}
	if got := s.String(); got != strings.Repeat("Subject: café\r\n", 1<<16) {
		t.Errorf("round trip differs (length %d)", len(got))
	}
}

// A String is no larger than a slice and two flags (many small strings).
func TestStringSize(t *testing.T) {
	if n := unsafe.Sizeof(String{}); n > 32 {
		t.Errorf("String is %d bytes", n)
	}
}
