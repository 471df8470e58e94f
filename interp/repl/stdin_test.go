package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"popsh/interp"
)

func TestInterruptibleReaderInterruptsAndKeepsData(t *testing.T) {
	pr, pw := io.Pipe()
	ir := NewInterruptibleReader(pr)
	ctx, cancel := context.WithCancel(context.Background())
	ir.SetContext(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := ir.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrReadInterrupted) || !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted Read: err = %v, want ErrReadInterrupted and context.Canceled", err)
		}
		if !interp.IsInterrupt(ErrReadInterrupted) {
			t.Error("ErrReadInterrupted is not an interrupt for interp")
		}
		if got := interp.FormatError(err); got != "interrupted" {
			t.Errorf("FormatError(interrupted Read) = %q, want \"interrupted\"", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after the context was cancelled")
	}
	// What arrives afterwards goes to the next reader: nothing is lost.
	ir.SetContext(nil)
	go pw.Write([]byte("hello world"))
	b := make([]byte, 5)
	n, err := ir.Read(b)
	if err != nil || string(b[:n]) != "hello" {
		t.Fatalf("Read after interrupt = %q, %v; want \"hello\"", b[:n], err)
	}
	n, err = ir.Read(make([]byte, 100))
	if err != nil || n != len(" world") {
		t.Fatalf("second Read = %d, %v; want the rest (6 bytes)", n, err)
	}
	pw.Close()
	if _, err := ir.Read(b); !errors.Is(err, io.EOF) {
		t.Fatalf("Read at end = %v, want io.EOF", err)
	}
}

func TestInterruptibleReaderClose(t *testing.T) {
	pr, _ := io.Pipe()
	ir := NewInterruptibleReader(pr)
	errc := make(chan error, 1)
	go func() {
		_, err := ir.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	ir.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("Read after Close = %v, want io.EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a pending Read")
	}
}

// scriptedReader returns its results in order: a terminal gives io.EOF for
// each Ctrl-D and then more keys.
type scriptedReader struct{ results []readResult }

func (s *scriptedReader) Read(p []byte) (int, error) {
	if len(s.results) == 0 {
		return 0, io.EOF
	}
	r := s.results[0]
	s.results = s.results[1:]
	return copy(p, r.data), r.err
}

func TestInterruptibleReaderEOFIsNotSticky(t *testing.T) {
	ir := NewInterruptibleReader(&scriptedReader{results: []readResult{
		{[]byte("ab"), nil}, {nil, io.EOF}, {[]byte("cd\n"), nil}, {nil, io.EOF}, {nil, io.EOF},
	}})
	b := make([]byte, 10)
	var got []string
	for range 5 {
		n, err := ir.Read(b)
		got = append(got, fmt.Sprintf("%q %v", b[:n], err))
	}
	want := []string{`"ab" <nil>`, `"" EOF`, `"cd\n" <nil>`, `"" EOF`, `"" EOF`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reads = %q, want %q (each end of file once, then the data after it)", got, want)
	}
}

// ErrReadInterrupted reads as it did when made with fmt.Errorf("read %w").
func TestErrReadInterruptedText(t *testing.T) {
	if got, want := ErrReadInterrupted.Error(), "read "+interp.ErrInterrupted.Error(); got != want {
		t.Errorf("ErrReadInterrupted = %q, want %q", got, want)
	}
	if !errors.Is(ErrReadInterrupted, interp.ErrInterrupted) || errors.Unwrap(ErrReadInterrupted) != interp.ErrInterrupted {
		t.Error("ErrReadInterrupted does not wrap interp.ErrInterrupted")
	}
}

func TestInterruptibleReaderUnreadComesFirst(t *testing.T) {
	// Text given back was read before what the reader still holds: it
	// comes first, a line at a time, then a Ctrl-D given back (the end of
	// file for a program, the key for the line editor), then the rest.
	ir := NewInterruptibleReader(&scriptedReader{results: []readResult{{data: []byte("abcdef")}}})
	b := make([]byte, 3)
	if n, err := ir.Read(b); err != nil || string(b[:n]) != "abc" {
		t.Fatalf("Read = %q %v", b[:n], err)
	}
	ir.Unread([]byte("x\nyz"), 0, true)
	var got []string
	for range 3 {
		n, err := ir.Read(make([]byte, 10))
		got = append(got, fmt.Sprint(n, err))
	}
	ir.Unread(nil, 0, true)
	ir.SetContext(context.WithValue(context.Background(), struct{}{}, 1)) // a program reads
	_, err := ir.Read(make([]byte, 10))
	got = append(got, fmt.Sprint(err))
	ir.SetContext(nil)
	n, err := ir.Read(b)
	got = append(got, fmt.Sprintf("%q %v", b[:n], err))
	want := []string{"2 <nil>", "2 <nil>", "1 <nil>", "EOF", `"def" <nil>`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reads %q, want %q", got, want)
	}
}
