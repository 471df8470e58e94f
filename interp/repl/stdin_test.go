package repl

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
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
