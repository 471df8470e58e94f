package interp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Text written to a binary output port is written as UTF-8 bytes.
func TestTextToBinaryOutputPort(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(let ((o (open-output-bytevector))) (display "foo" o) (get-output-bytevector o))`, "#u8(102 111 111)"},
		{`(let ((o (open-output-bytevector))) (write "λ" o) (get-output-bytevector o))`, "#u8(34 206 187 34)"},
		{`(let ((o (open-output-bytevector))) (write-char #\é o) (newline o) (get-output-bytevector o))`, "#u8(195 169 10)"},
		{`(let ((o (open-output-bytevector))) (write-string "abcd" o 1 3) (get-output-bytevector o))`, "#u8(98 99)"},
		{`(let ((o (open-output-bytevector))) (write-u8 1 o) (write-simple '(a) o) (write-shared 2 o) (get-output-bytevector o))`, "#u8(1 40 97 41 50)"},
		{`(let ((o (open-output-bytevector))) (parameterize ((current-output-port o)) (display 42) (newline)) (utf8->string (get-output-bytevector o)))`, `"42\n"`},
	}
	for _, c := range cases {
		it := New(WithOutput(&bytes.Buffer{}))
		v, err := it.EvalString(context.Background(), c.src, "b.scm")
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := WriteString(v); got != c.want {
			t.Errorf("%s: got %s, want %s", c.src, got, c.want)
		}
	}
	// a binary file port too
	f := filepath.Join(t.TempDir(), "out.bin")
	it := New(WithOutput(&bytes.Buffer{}))
	src := `(let ((p (open-binary-output-file "` + f + `"))) (display "héllo" p) (close-port p))`
	if _, err := it.EvalString(context.Background(), src, "b.scm"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(f); err != nil || string(b) != "héllo" {
		t.Errorf("file holds %q (%v), want héllo", b, err)
	}
	// input ports are still refused as output
	if _, err := New().EvalString(context.Background(), `(display 1 (open-input-string "x"))`, "b.scm"); err == nil {
		t.Errorf("display to an input port was accepted")
	}
}
