package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// zeros yields NUL bytes without allocating, counting what it gave.
type zeros struct{ n int64 }

func (z *zeros) Read(b []byte) (int, error) {
	clear(b)
	z.n += int64(len(b))
	return len(b), nil
}

// pattern yields s over and over, counting what it gave.
type pattern struct {
	s string
	i int
	n int64
}

func (p *pattern) Read(b []byte) (int, error) {
	for k := range b {
		b[k] = p.s[p.i]
		p.i = (p.i + 1) % len(p.s)
	}
	p.n += int64(len(b))
	return len(b), nil
}

func evalErr(t *testing.T, it *Interp, src string) error {
	t.Helper()
	v, err := it.EvalString(context.Background(), src, "t.scm")
	if err == nil {
		t.Fatalf("%s: got %.60s, want an error", src, WriteString(v))
	}
	return err
}

// Every reader of a port stops at the read limit with an error naming the
// port, on /dev/zero and on endless generated streams.
func TestReadLimitStopsEveryReader(t *testing.T) {
	const limit = 4096
	cases := []struct{ src, port, what string }{
		{`(read-line (open-input-file "/dev/zero"))`, "#<input-port /dev/zero>", "line"},
		{`(read (open-input-file "/dev/zero"))`, "#<input-port /dev/zero>", "datum"},
		{`(read-string 1000000000 (open-input-file "/dev/zero"))`, "#<input-port /dev/zero>", "string"},
		{`(read-bytevector 1000000000 (open-binary-input-file "/dev/zero"))`, "#<binary-input-port /dev/zero>", "bytevector"},
		{`(load "/dev/zero")`, "/dev/zero", "datum"},
		{`(include "/dev/zero")`, "/dev/zero", "datum"},
		{`(read-line gen-line)`, "#<input-port gen-line>", "line"},
		{`(read gen-token)`, "#<input-port gen-token>", "datum"},
		{`(read gen-string)`, "#<input-port gen-string>", "datum"},
		{`(read gen-list)`, "#<input-port gen-list>", "datum"},
		{`(read gen-comment)`, "#<input-port gen-comment>", "datum"},
	}
	var gens map[string]*pattern
	fresh := func(it *Interp) {
		gens = map[string]*pattern{
			"gen-line":    {s: "abc"},
			"gen-token":   {s: "x"},
			"gen-string":  {s: "s"},
			"gen-list":    {s: "(1 2 3 4 5 6 7 8 9"},
			"gen-comment": {s: "; only a comment, never a newline"},
		}
		for name, g := range gens {
			var r io.Reader = g
			switch name {
			case "gen-string":
				r = io.MultiReader(strings.NewReader(`"`), g)
			case "gen-list":
				r = io.MultiReader(strings.NewReader(`(`), g)
			}
			it.Define(name, NewInputPort(r, name))
		}
	}
	for _, c := range cases {
		it := New(WithOutput(&bytes.Buffer{}), WithMaxRead(limit))
		fresh(it)
		err := evalErr(t, it, c.src)
		msg := err.Error()
		want := fmt.Sprintf("%s: %s longer than the read limit of %d bytes", c.port, c.what, limit)
		if !strings.Contains(msg, want) {
			t.Errorf("%s: error %q, want it to contain %q", c.src, msg, want)
		}
		for name, g := range gens {
			if g.n > 2*limit+portBufSize {
				t.Errorf("%s: read %d bytes of %s for a limit of %d", c.src, g.n, name, limit)
			}
		}
		if strings.HasPrefix(c.src, "(include") {
			continue // an error while compiling: no handler is running yet
		}
		// The limit is an ordinary error: a handler sees it and the
		// interpreter goes on.
		fresh(it)
		v, err := it.EvalString(context.Background(), `(guard (e ((error-object? e) 'caught)) `+c.src+`)`, "t.scm")
		if err != nil || v != Intern("caught") {
			t.Errorf("%s under guard: %v %v, want caught", c.src, v, err)
		}
	}
}

// The limit is a setting: from Go (WithMaxRead, SetMaxRead) and from
// Scheme (read-limit, set-read-limit!); what fits is read whole.
func TestReadLimitSetting(t *testing.T) {
	it := New(WithOutput(&bytes.Buffer{}))
	if it.MaxRead() != DefaultMaxRead || DefaultMaxRead != 64<<20 {
		t.Fatalf("default read limit %d", it.MaxRead())
	}
	p := NewStringInputPort("0123456789abcdef\n0123456789abcdefg\n")
	// Calls from Go: the program text is input too, and would not fit.
	call := func(name string, args ...Value) (Value, error) {
		proc, _ := it.Lookup(name)
		return it.Call(context.Background(), proc, args...)
	}
	if _, err := call("set-read-limit!", 16); err != nil {
		t.Fatal(err)
	}
	v, err := call("read-limit")
	if err != nil || v != 16 || it.MaxRead() != 16 {
		t.Fatalf("read-limit after set-read-limit!: %v %v", v, err)
	}
	v, err = call("read-line", p)
	if err != nil || WriteString(v) != `"0123456789abcdef"` {
		t.Fatalf("a line of exactly the limit: %s %v", WriteString(v), err)
	}
	if _, err = call("read-line", p); err == nil || !strings.Contains(err.Error(), "#<input-port string>: line longer than the read limit of 16 bytes") {
		t.Errorf("a line one byte over the limit: %v", err)
	}
	err = evalErr(t, it, `(+ 1 2)`)
	if !strings.Contains(err.Error(), "t.scm: datum longer than the read limit of 16 bytes") {
		t.Errorf("program text over the limit: %v", err)
	}
	if _, err := call("set-read-limit!", 0); err == nil {
		t.Errorf("set-read-limit! 0 accepted")
	}
	it.SetMaxRead(0)
	if it.MaxRead() != DefaultMaxRead {
		t.Errorf("SetMaxRead(0) gives %d, want the default", it.MaxRead())
	}
}

// With the default limit, a stream of zeros is refused after 64 MiB: the
// reader does not go on until memory runs out.
func TestReadLimitDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	it := New(WithOutput(&bytes.Buffer{}))
	z := &zeros{}
	it.Define("z", NewInputPort(z, "zeros"))
	err := evalErr(t, it, `(read-line z)`)
	if !strings.Contains(err.Error(), "#<input-port zeros>: line longer than the read limit of 67108864 bytes") {
		t.Errorf("error %v", err)
	}
	if z.n < DefaultMaxRead || z.n > DefaultMaxRead+2*portBufSize {
		t.Errorf("read %d bytes for a limit of %d", z.n, DefaultMaxRead)
	}
}

// cancelAfter yields s and cancels the evaluation once it has given n
// bytes (as Ctrl-C would while a long read runs). It ends 64 MiB later, so
// that a reader deaf to the interrupt ends too (and the test fails).
type cancelAfter struct {
	pattern
	n      int64
	cancel func()
}

func (c *cancelAfter) Read(b []byte) (int, error) {
	if c.pattern.n >= c.n {
		c.cancel()
	}
	if c.pattern.n >= c.n+64<<20 {
		return 0, io.EOF
	}
	return c.pattern.Read(b)
}

// An interrupt stops load and read in the middle of endless input that
// never reaches the read limit, as an error (never a value).
func TestReadInterruptedEndlessInput(t *testing.T) {
	for _, src := range []string{"load", `(read p)`, `(read-line p)`, `(read-string 100000000 p)`} {
		ctx, cancel := context.WithCancel(context.Background())
		it := New(WithOutput(&bytes.Buffer{}), WithMaxRead(1<<40))
		s := " "
		if strings.Contains(src, "line") || strings.Contains(src, "string") {
			s = "x"
		}
		gen := &cancelAfter{pattern: pattern{s: s}, n: 1 << 20, cancel: cancel}
		var err error
		var v Value
		if src == "load" {
			v, err = it.EvalReader(ctx, gen, "endless.scm")
		} else {
			it.Define("p", NewInputPort(gen, "endless"))
			v, err = it.EvalString(ctx, src, "t.scm")
		}
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s interrupted: got %.40s, %v; want an error wrapping context.Canceled", src, WriteString(v), err)
		}
		if gen.pattern.n >= gen.n+64<<20 {
			t.Errorf("%s went on for %d bytes after the interrupt", src, gen.pattern.n)
		}
	}
}

// failAfter gives text once, then fails as an interrupted terminal read does.
type failAfter struct {
	text   string
	cancel func()
}

func (f *failAfter) Read(b []byte) (int, error) {
	if f.text != "" {
		n := copy(b, f.text)
		f.text = f.text[n:]
		return n, nil
	}
	f.cancel()
	return 0, fmt.Errorf("read interrupted: %w", context.Canceled)
}

// A read whose source fails (Ctrl-C while it waits for the rest of a
// datum) is an error, never the datum read so far.
func TestReadInterruptedNotPartialDatum(t *testing.T) {
	for _, text := range []string{"abc", "(a b", `"str`, "12"} {
		ctx, cancel := context.WithCancel(context.Background())
		it := New(WithOutput(&bytes.Buffer{}))
		it.Define("p", NewInputPort(&failAfter{text: text, cancel: cancel}, "tty"))
		v, err := it.EvalString(ctx, `(read p)`, "t.scm")
		cancel()
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("read of %q then an interrupted source: got %s, %v; want an error", text, WriteString(v), err)
		}
	}
	// A source failing for another reason is an error naming the port.
	it := New(WithOutput(&bytes.Buffer{}))
	it.Define("p", NewInputPort(io.MultiReader(strings.NewReader("(a b"), &errReader{}), "flaky"))
	err := evalErr(t, it, `(read p)`)
	if !strings.Contains(err.Error(), "#<input-port flaky>") || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("failing source: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// Input nested through datum comments or datum labels is bounded like
// nested lists: an error, not a Go stack overflow.
func TestReaderHostileNesting(t *testing.T) {
	var labels strings.Builder
	for i := 0; i < 2000000; i++ {
		fmt.Fprintf(&labels, "#%d=", i)
	}
	labels.WriteString("x")
	for _, c := range []struct{ name, text, want string }{
		{"datum comments", strings.Repeat("#;", 10000000) + "1 2", "datum comments nested too deeply"},
		{"datum labels", labels.String(), "data nested too deeply"},
		{"quotes", strings.Repeat("'", 10000000) + "x", "data nested too deeply"},
		{"vectors", strings.Repeat("#(", 10000000), "data nested too deeply"},
	} {
		_, _, err := ReadAll(strings.NewReader(c.text), "hostile.scm")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// within the bound, both still work
	vs, _, err := ReadAll(strings.NewReader("(1 #;#;2 3 4) #0=(a . #0#)"), "ok.scm")
	if err != nil || len(vs) != 2 || WriteString(vs[0]) != "(1 4)" || WriteString(vs[1]) != "#0=(a . #0#)" {
		t.Errorf("datum comments and labels: %v %v", vs, err)
	}
}
