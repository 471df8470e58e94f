package interp

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

const deepLevels = 1000000

// countingWriter checks the printed text without keeping it: it counts
// bytes and remembers the first and last few.
type countingWriter struct {
	n          int
	head, tail []byte
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	if len(w.head) < 16 {
		w.head = append(w.head, b[:min(len(b), 16-len(w.head))]...)
	}
	w.tail = append(w.tail, b...)
	if len(w.tail) > 16 {
		w.tail = append([]byte(nil), w.tail[len(w.tail)-16:]...)
	}
	return len(b), nil
}

// Writing or displaying a structure nested a million deep uses no deep Go
// recursion (the goroutine's stack is capped at 4 MiB here: a recursive
// printer dies) and allocates a small multiple of the structure's size.
func TestPrintDeepStructures(t *testing.T) {
	deepList := func() Value {
		var x Value = Null
		for i := 0; i < deepLevels; i++ {
			x = &Pair{x, Null}
		}
		return x
	}
	deepVector := func() Value {
		var x Value = &Vector{}
		for i := 0; i < deepLevels; i++ {
			x = &Vector{Items: []Value{x}}
		}
		return x
	}
	deepQuote := func() Value {
		var x Value = Intern("x")
		for i := 0; i < deepLevels; i++ {
			x = List(Intern("quote"), x)
		}
		return x
	}
	deepMixed := func() Value { // (1 #(2 (1 #(2 ... ))))
		var x Value = Null
		for i := 0; i < deepLevels/2; i++ {
			x = List(1, &Vector{Items: []Value{2, x}})
		}
		return x
	}
	cases := []struct {
		name       string
		build      func() Value
		size       int // bytes of the structure
		head, tail string
		n          int
	}{
		{"list", deepList, deepLevels * 32, "((((", "))))", 2*deepLevels + 2},
		{"vector", deepVector, deepLevels * 56, "#(#(", "))))", 3*deepLevels + 3},
		{"quote", deepQuote, deepLevels * 64, "''''", "'''x", deepLevels + 1},
		{"mixed", deepMixed, deepLevels / 2 * 120, "(1 #(2 (1", "))))", 0},
	}
	old := debug.SetMaxStack(4 << 20)
	defer debug.SetMaxStack(old)
	for _, c := range cases {
		for _, mode := range []PrintMode{ModeWrite, ModeDisplay} {
			v := c.build()
			w := &countingWriter{}
			p := NewOutputPort(w, "count")
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := WriteValue(p, v, mode)
			p.Flush()
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !strings.HasPrefix(string(w.head), c.head) || !strings.HasSuffix(string(w.tail), c.tail) || (c.n > 0 && w.n != c.n) {
				t.Errorf("%s: printed %d bytes %q...%q", c.name, w.n, w.head, w.tail)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > uint64(3*c.size) {
				t.Errorf("%s (mode %d): printing allocated %d bytes for a structure of about %d", c.name, mode, alloc, c.size)
			}
			t.Logf("%s (mode %d): %d bytes printed, %d allocated, structure about %d", c.name, mode, w.n, alloc, c.size)
			runtime.KeepAlive(v)
		}
	}
}

// The same from Scheme: write and display of a list built a million deep.
func TestPrintDeepFromScheme(t *testing.T) {
	var out bytes.Buffer
	it := New(WithOutput(&out))
	_, err := it.EvalString(context.Background(), `
(define (deep n) (let loop ((i 0) (x '())) (if (= i n) x (loop (+ i 1) (list x)))))
(define d (deep 1000000))
(write d)
(newline)
(display (vector d))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("(", deepLevels) + "()" + strings.Repeat(")", deepLevels)
	if out.String() != want+"\n#("+want+")" {
		t.Errorf("printed %d bytes, want %d", out.Len(), 2*len(want)+4)
	}
}
