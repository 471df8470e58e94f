package scsh

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Cancelling the evaluation (Ctrl-C) ends a read waiting on run/port's pipe
// or on a FIFO opened with scsh's open-input-file.
func TestRunPortReadInterruptible(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // a writer, so opening for reading does not block
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, open := range []string{`(run/port (sleep 2))`, `(open-input-file "` + fifo + `")`, `(open-file "` + fifo + `" open/read)`} {
		t.Run(open, func(t *testing.T) { readInterrupted(t, open) })
	}
}

func readInterrupted(t *testing.T, open string) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	if _, err := evalScsh(t, it, `(define p `+open+`)`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := it.EvalString(ctx, `(read-line p)`, "r.scm")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("read-line after cancel: got %v, want an error wrapping context.Canceled", err)
		}
	case <-time.After(1500 * time.Millisecond):
		t.Fatal("read-line on run/port ignored the cancellation")
	}
}
