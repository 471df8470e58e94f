package interp

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// An unbuffered input port takes from its source only what is read: the
// rest stays in the pipe for another reader. What the buffer held when
// the port was switched is read first, and counts in Buffered.
func TestInputBufferingOverAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.WriteString("ab\ncd\nef\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := NewInputPort(r, "pipe")
	if c, err := p.ReadChar(); err != nil || c != 'a' {
		t.Fatalf("ReadChar: %q %v", c, err)
	}
	if n := p.Buffered(); n != len("b\ncd\nef\n") {
		t.Fatalf("Buffered after one character of a block read: %d", n)
	}
	p.SetInputBuffered(false)
	if p.InputBuffered() || p.Buffered() != len("b\ncd\nef\n") {
		t.Fatalf("after SetInputBuffered(false): buffered %v, %d bytes ahead", p.InputBuffered(), p.Buffered())
	}
	line, _, err := p.ReadLine()
	if err != nil || string(line) != "b" {
		t.Fatalf("ReadLine: %q %v", line, err)
	}
	p.DropBuffered()
	if p.Buffered() != 0 {
		t.Fatalf("Buffered after DropBuffered: %d", p.Buffered())
	}
	if _, _, err := p.ReadLine(); err != io.EOF {
		t.Fatalf("the pipe was read ahead before the switch, so it is empty now; got %v", err)
	}

	// Unbuffered from the start: the pipe keeps what was not read.
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	w2.WriteString("one\ntwo\n")
	w2.Close()
	q := NewInputPort(r2, "pipe")
	q.SetInputBuffered(false)
	if line, _, err := q.ReadLine(); err != nil || string(line) != "one" {
		t.Fatalf("ReadLine: %q %v", line, err)
	}
	rest, err := io.ReadAll(r2)
	if err != nil || string(rest) != "two\n" {
		t.Errorf("left in the pipe: %q %v", rest, err)
	}
}

// Pending counts the output waiting in a file port's buffer; NoBuffer
// writes through at once.
func TestOutputPendingAndNoBuffer(t *testing.T) {
	var sink bytes.Buffer
	p := NewOutputPort(&sink, "sink")
	p.WriteString("abc")
	if p.Pending() != 3 || sink.Len() != 0 {
		t.Fatalf("pending %d, written %q", p.Pending(), sink.String())
	}
	p.NoBuffer = true
	p.WriteString("d")
	if p.Pending() != 0 || sink.String() != "abcd" {
		t.Fatalf("NoBuffer: pending %d, written %q", p.Pending(), sink.String())
	}
	if p.InMemory() || !NewStringOutputPort().InMemory() || !NewStringInputPort("x").InMemory() {
		t.Error("InMemory is wrong")
	}
}

// SetCurrentPort changes the binding of parameterize while it lasts, and
// the global one outside; StdPort keeps giving the interpreter's own.
func TestSetCurrentPort(t *testing.T) {
	var out bytes.Buffer
	it := New(WithOutput(&out))
	std := it.StdPort(1)
	a, b := NewStringOutputPort(), NewStringOutputPort()
	it.Define("a", a)
	it.Define("b", b)
	it.DefineBuiltins("test", Builtin{Name: "set-out!", MinArgs: 1, MaxArgs: 1, Doc: "(set-out! p): test",
		Fn: func(it *Interp, args []Value) (Value, error) {
			it.SetCurrentPort(1, args[0].(*Port))
			return Unspecified, nil
		}})
	if _, err := it.EvalString(t.Context(), `(parameterize ((current-output-port a)) (set-out! b) (display "in")) (display "out")`, "t.scm"); err != nil {
		t.Fatal(err)
	}
	it.FlushOutput()
	if string(b.Contents()) != "in" || len(a.Contents()) != 0 || !strings.Contains(out.String(), "out") {
		t.Fatalf("a %q, b %q, stdout %q", a.Contents(), b.Contents(), out.String())
	}
	if _, err := it.EvalString(t.Context(), `(set-out! b) (display "global")`, "t.scm"); err != nil {
		t.Fatal(err)
	}
	if string(b.Contents()) != "inglobal" || it.CurrentOutput() != b || it.StdPort(1) != b {
		t.Errorf("global: b %q", b.Contents())
	}
	if std == nil || it.StdPort(7) != nil {
		t.Error("StdPort")
	}
}
