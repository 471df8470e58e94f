package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStringPorts(t *testing.T) {
	in := NewStringInputPort("héllo\r\nworld\nlast")
	runPrimCases(t, []primCase{
		{"read-char", args(in), `#\h`, ""},
		{"peek-char", args(in), `#\é`, ""},
		{"read-char", args(in), `#\é`, ""},
		{"read-line", args(in), `"llo"`, ""},
		{"read-string", args(3, in), `"wor"`, ""},
		{"read-line", args(in, sym("concat")), "\"ld\\n\"", ""},
		{"read-line", args(in, sym("peek")), `"last"`, ""},
		{"read-line", args(in), "#<eof>", ""},
		{"read-char", args(in), "#<eof>", ""},
		{"peek-char", args(in), "#<eof>", ""},
		{"read-string", args(2, in), "#<eof>", ""},
		{"char-ready?", args(in), "#t", ""},
		{"read-line", args(in, sym("bogus")), "", "expected one of the symbols trim, concat, peek, split, got bogus"},
		{"read-char", args(5), "", "expected an input port, got 5"},
	})
	// split mode returns the line and the delimiter.
	sp := NewStringInputPort("a\nb")
	v, err := callPrim(t, "read-line", sp, sym("split"))
	if err != nil || WriteString(v) != `"a" #\newline` {
		t.Errorf("split: %s %v", WriteString(v), err)
	}
	v, _ = callPrim(t, "read-line", sp, sym("split"))
	if WriteString(v) != `"b" #<eof>` {
		t.Errorf("split at end: %s", WriteString(v))
	}
	// peek mode leaves the newline in the port.
	pk := NewStringInputPort("x\ny")
	callPrim(t, "read-line", pk, sym("peek"))
	if c, _ := callPrim(t, "read-char", pk); c != Char('\n') {
		t.Errorf("peek mode consumed the newline: next is %s", WriteString(c))
	}

	out := NewStringOutputPort()
	callPrim(t, "write-char", Char('λ'), out)
	callPrim(t, "write-string", str("abcdef"), out, 1, 3)
	callPrim(t, "write", str("q\""), out)
	callPrim(t, "display", List(str("a"), Char('b')), out)
	callPrim(t, "newline", out)
	callPrim(t, "write-shared", List(1), out)
	callPrim(t, "write-simple", vec(), out)
	got, _ := callPrim(t, "get-output-string", out)
	if want := "λbc\"q\\\"\"(a b)\n(1)#()"; got.(*String).String() != want {
		t.Errorf("string port got %q, want %q", got.(*String).String(), want)
	}
	runPrimCases(t, []primCase{
		{"get-output-string", args(in), "", "expected a string output port"},
		{"write-string", args(str("abc"), out, 2, 5), "", "argument 4 (end): index 5 is out of range for a string of length 3"},
		{"write-char", args(str("a"), out), "", `expected a character, got "a"`},
		{"write-char", args(Char('a'), in), "", "expected an output port"},
		{"open-input-string", args(5), "", "expected a string, got 5"},
	})
}

func TestBytevectorPorts(t *testing.T) {
	in := NewBytevectorInputPort([]byte{1, 2, 3, 4, 5})
	runPrimCases(t, []primCase{
		{"binary-port?", args(in), "#t", ""},
		{"textual-port?", args(in), "#f", ""},
		{"read-u8", args(in), "1", ""},
		{"peek-u8", args(in), "2", ""},
		{"read-bytevector", args(2, in), "#u8(2 3)", ""},
		{"u8-ready?", args(in), "#t", ""},
		{"read-char", args(in), "", "expected a textual input port"},
		{"read-bytevector", args(10, in), "#u8(4 5)", ""},
		{"read-bytevector", args(1, in), "#<eof>", ""},
		{"read-u8", args(in), "#<eof>", ""},
		{"peek-u8", args(in), "#<eof>", ""},
	})
	b := bv(0, 0, 0, 0)
	in2 := NewBytevectorInputPort([]byte{9, 8, 7})
	n, err := callPrim(t, "read-bytevector!", b, in2, 1)
	if err != nil || n != 3 || WriteString(b) != "#u8(0 9 8 7)" {
		t.Errorf("read-bytevector!: %v %v %s", n, err, WriteString(b))
	}
	if n, _ := callPrim(t, "read-bytevector!", b, in2); n != EOF {
		t.Errorf("read-bytevector! at end: %s", WriteString(n))
	}
	out := NewBytevectorOutputPort()
	callPrim(t, "write-u8", 255, out)
	callPrim(t, "write-bytevector", bv(1, 2, 3, 4), out, 1, 3)
	got, _ := callPrim(t, "get-output-bytevector", out)
	if WriteString(got) != "#u8(255 2 3)" {
		t.Errorf("bytevector port: %s", WriteString(got))
	}
	runPrimCases(t, []primCase{
		{"write-u8", args(256, out), "", "expected a byte"},
		{"get-output-bytevector", args(NewStringOutputPort()), "", "expected a bytevector output port"},
	})
}

func TestPortPredicatesAndClosing(t *testing.T) {
	in := NewStringInputPort("abc")
	out := NewStringOutputPort()
	runPrimCases(t, []primCase{
		{"port?", args(in), "#t", ""},
		{"port?", args(5), "#f", ""},
		{"input-port?", args(in), "#t", ""},
		{"input-port?", args(out), "#f", ""},
		{"output-port?", args(out), "#t", ""},
		{"textual-port?", args(out), "#t", ""},
		{"input-port-open?", args(in), "#t", ""},
		{"output-port-open?", args(out), "#t", ""},
		{"close-input-port", args(in), "#!unspecific", ""},
		{"input-port-open?", args(in), "#f", ""},
		{"read-char", args(in), "", "is closed"},
		{"close-port", args(out), "#!unspecific", ""},
		{"close-port", args(out), "#!unspecific", ""},
		{"output-port-open?", args(out), "#f", ""},
		{"write-char", args(Char('a'), out), "", "is closed"},
		{"close-output-port", args(NewStringInputPort("")), "", "expected an output port"},
		{"eof-object", args(), "#<eof>", ""},
		{"eof-object?", args(EOF), "#t", ""},
		{"eof-object?", args(false), "#f", ""},
	})
}

func TestFilePorts(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.txt")
	p, err := callPrim(t, "open-output-file", str(name))
	if err != nil {
		t.Fatal(err)
	}
	callPrim(t, "write-string", str("line one\nline two\n"), p)
	callPrim(t, "write", str("odd str"), p)
	// Nothing is on disk before a flush (buffered), everything after close.
	if _, err := callPrim(t, "close-port", p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	if string(data) != "line one\nline two\n\"odd str\"" {
		t.Errorf("file contents %q", data)
	}
	in, err := callPrim(t, "open-input-file", str(name))
	if err != nil {
		t.Fatal(err)
	}
	runPrimCases(t, []primCase{
		{"read-line", args(in), `"line one"`, ""},
		{"read-line", args(in), `"line two"`, ""},
		{"char-ready?", args(in), "#t", ""},
		{"read-line", args(in), `"\"odd str\""`, ""},
		{"read-line", args(in), "#<eof>", ""},
		{"file-exists?", args(str(name)), "#t", ""},
		{"file-exists?", args(str(name + ".no")), "#f", ""},
		{"delete-file", args(str(name)), "#!unspecific", ""},
		{"file-exists?", args(str(name)), "#f", ""},
	})
	callPrim(t, "close-port", in)
	// Errors are file errors naming the file and the reason.
	missing := filepath.Join(dir, "missing.txt")
	for _, prim := range []string{"open-input-file", "open-binary-input-file", "delete-file"} {
		_, err := callPrim(t, prim, str(missing))
		var eo *ErrorObject
		if !errors.As(err, &eo) || eo.Kind != KindFileError {
			t.Errorf("%s: error %v is not a file error", prim, err)
			continue
		}
		if !strings.Contains(eo.Message, missing) || !strings.Contains(eo.Message, "no such file or directory") {
			t.Errorf("%s: message %q does not name the file and the reason", prim, eo.Message)
		}
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: error does not wrap the OS error", prim)
		}
	}
	_, err = callPrim(t, "open-output-file", str(filepath.Join(dir, "no", "such", "dir")))
	if err == nil || !strings.Contains(err.Error(), "cannot open") {
		t.Errorf("open-output-file in a missing directory: %v", err)
	}
	// Binary file round trip.
	bname := filepath.Join(dir, "bin")
	bp, _ := callPrim(t, "open-binary-output-file", str(bname))
	callPrim(t, "write-bytevector", bv(0, 1, 254, 255), bp)
	callPrim(t, "close-output-port", bp)
	bi, _ := callPrim(t, "open-binary-input-file", str(bname))
	if v, _ := callPrim(t, "read-bytevector", 100, bi); WriteString(v) != "#u8(0 1 254 255)" {
		t.Errorf("binary file read back %s", WriteString(v))
	}
	// OpenFilePort with explicit flags and permissions (scsh's use).
	sname := filepath.Join(dir, "secret")
	sp, err := OpenFilePort(sname, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600, false)
	if err != nil {
		t.Fatal(err)
	}
	sp.WriteString("x")
	sp.Close()
	if st, _ := os.Stat(sname); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := OpenFilePort(sname, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600, false); err == nil {
		t.Error("O_EXCL on an existing file succeeded")
	}
}

// TestLineFlushAndTie checks the two ordering controls for terminals.
func TestLineFlushAndTie(t *testing.T) {
	var sink bytes.Buffer
	out := NewOutputPort(&sink, "stdout")
	out.WriteString("partial")
	if sink.Len() != 0 {
		t.Fatal("output port is not buffered")
	}
	out.LineFlush = true
	out.WriteString(" line\nmore")
	if sink.String() != "partial line\nmore" {
		t.Errorf("line flush wrote %q", sink.String())
	}
	out.WriteString(" no newline")
	if strings.Contains(sink.String(), "no newline") {
		t.Error("line-flushed port flushed without a newline")
	}
	// A tied error port flushes the output port first.
	var both bytes.Buffer
	o := NewOutputPort(&both, "stdout")
	e := NewOutputPort(&both, "stderr")
	e.Tie = o
	o.WriteString("out1 ")
	e.WriteString("err1 ")
	e.Flush()
	o.WriteString("out2")
	o.Flush()
	if both.String() != "out1 err1 out2" {
		t.Errorf("tied ports interleaved as %q", both.String())
	}
	// A tied input port flushes the output before it waits.
	var prompt bytes.Buffer
	po := NewOutputPort(&prompt, "stdout")
	pi := NewInputPort(strings.NewReader("x"), "stdin")
	pi.Tie = po
	po.WriteString("> ")
	pi.ReadChar()
	if prompt.String() != "> " {
		t.Errorf("prompt not flushed before read: %q", prompt.String())
	}
	if po.AtLineStart() {
		t.Error("AtLineStart after a prompt")
	}
}

type failWriter struct{}

func (failWriter) Write(b []byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReported(t *testing.T) {
	p := NewOutputPort(failWriter{}, "full")
	p.WriteString("abc")
	if err := p.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("flush error %v", err)
	}
	if _, err := callPrim(t, "write-string", str("x"), p); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write after failure: %v", err)
	}
}

func TestReadLineLongLines(t *testing.T) {
	long := strings.Repeat("x", 200000)
	in := NewInputPort(strings.NewReader(long+"\n"+long), "long")
	for i := 0; i < 2; i++ {
		v, err := callPrim(t, "read-line", in)
		if err != nil || v.(*String).Len() != 200000 {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	if v, _ := callPrim(t, "read-line", in); v != EOF {
		t.Error("no EOF after the last line")
	}
}

// BenchmarkPortThroughput writes and reads 10 MB and 100 MB through file
// and string ports. Linear means the same MB/s at both sizes; file ports
// hold only their 64 KiB buffer (allocations are the lines read back).
func BenchmarkPortThroughput(b *testing.B) {
	line := NewString(strings.Repeat("0123456789", 10) + "\n") // 101 bytes
	for _, mb := range []int{10, 100} {
		lines := (mb << 20) / line.Len()
		size := int64(lines * line.Len())
		b.Run(fmt.Sprintf("file-%dMB", mb), func(b *testing.B) {
			name := filepath.Join(b.TempDir(), "big")
			b.SetBytes(size)
			for i := 0; i < b.N; i++ {
				p, err := OpenFilePort(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600, false)
				if err != nil {
					b.Fatal(err)
				}
				for j := 0; j < lines; j++ {
					p.WriteText(line, 0, line.Len())
				}
				p.Close()
				in, _ := OpenFilePort(name, os.O_RDONLY, 0, true)
				n := int64(0)
				for {
					l, _, err := in.ReadLine()
					if err == io.EOF {
						break
					}
					n += int64(len(l)) + 1
				}
				in.Close()
				if n != size {
					b.Fatalf("read %d bytes", n)
				}
			}
		})
		b.Run(fmt.Sprintf("string-%dMB", mb), func(b *testing.B) {
			b.SetBytes(size)
			for i := 0; i < b.N; i++ {
				p := NewStringOutputPort()
				for j := 0; j < lines; j++ {
					p.WriteText(line, 0, line.Len())
				}
				in := NewStringInputPort(string(p.Contents()))
				n := int64(0)
				for {
					_, err := in.ReadChar()
					if err != nil {
						break
					}
					n++
				}
				if n != size {
					b.Fatalf("read %d chars", n)
				}
			}
		})
	}
}

func TestFlushOpenPorts(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "unclosed.txt")
	var out bytes.Buffer
	it := New(WithOutput(&out))
	ctx := context.Background()
	src := fmt.Sprintf("(define p (open-output-file %q)) (write-string \"kept\" p) (display \"shown\")", name)
	if _, err := it.EvalString(ctx, src, "t"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(name); len(data) != 0 {
		t.Fatalf("file written before any flush: %q", data)
	}
	if err := FlushOpenPorts(it); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(name); string(data) != "kept" {
		t.Errorf("unclosed file holds %q after FlushOpenPorts", data)
	}
	if out.String() != "shown" {
		t.Errorf("current output %q", out.String())
	}
	// Closed ports are dropped from the registry as new ones open.
	for i := 0; i < 20; i++ {
		src := fmt.Sprintf("(close-port (open-output-file %q))", filepath.Join(dir, fmt.Sprint(i)))
		if _, err := it.EvalString(ctx, src, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(it.openPorts); n > 3 {
		t.Errorf("registry keeps %d ports", n)
	}
}

// The record of open ports is the interpreter's own: a program that
// defines or sets the name it once had cannot make FlushOpenPorts lose
// what it wrote.
func TestOpenPortsOutOfProgramReach(t *testing.T) {
	for _, clobber := range []string{"(define %open-output-ports 0)", "(set! %open-output-ports '())"} {
		name := filepath.Join(t.TempDir(), "unclosed.txt")
		it := New()
		src := fmt.Sprintf("(define p (open-output-file %q)) (write-string \"kept\" p) %s", name, clobber)
		if _, err := it.EvalString(context.Background(), src, "t"); err != nil && !strings.Contains(clobber, "set!") {
			t.Fatal(err)
		}
		if err := FlushOpenPorts(it); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(name); string(data) != "kept" {
			t.Errorf("after %s: the unclosed file holds %q, want \"kept\"", clobber, data)
		}
	}
}

// TestStringPortLimit checks that an output string port growing without
// bound stops with an error and keeps what it holds.
func TestStringPortLimit(t *testing.T) {
	p := NewStringOutputPort()
	p.limit = 100
	chunk := strings.Repeat("a", 30)
	var err error
	n := 0
	for ; n < 10 && err == nil; n++ {
		err = p.WriteString(chunk)
	}
	if err == nil || !strings.Contains(err.Error(), "output string port holds more than 100 bytes") {
		t.Fatalf("after %d writes: err = %v, want the limit error", n, err)
	}
	if n != 4 {
		t.Errorf("the limit error came after %d writes of 30 bytes, want 4", n)
	}
	if got := len(p.Contents()); got != 120 {
		t.Errorf("port holds %d bytes, want the 120 written", got)
	}
	if err := p.WriteString("x"); err == nil {
		t.Errorf("a write after the limit succeeded")
	}
}
