package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// plainEditor is a LineEditor for a terminal that must not receive control
// sequences (TERM=dumb: an Emacs shell buffer, a serial console) or whose
// output is not the terminal (popsh | tee log): the prompt is written as it
// is and the line is read in the terminal's own line mode, which does the
// echo and the editing (Backspace, Ctrl-U, Ctrl-W). No recall and no
// completion; entries still go to the history file for later sessions.
type plainEditor struct {
	in   io.Reader
	out  io.Writer
	ints <-chan os.Signal

	mu    sync.Mutex
	histF *os.File
}

// NewPlainEditor returns a LineEditor that writes no control sequences
// (see plainEditor). opts.Interrupts delivers Ctrl-C (SIGINT, which the
// terminal sends in its line mode) while a line is read: the line is
// dropped and ReadLine returns ErrInterrupt. Only an *InterruptibleReader
// Stdin can be interrupted. Complete and HistoryLimit are not used.
func NewPlainEditor(opts EditorOptions) (LineEditor, error) {
	e := &plainEditor{in: opts.Stdin, out: opts.Stdout, ints: opts.Interrupts}
	if e.in == nil {
		e.in = os.Stdin
	}
	if e.out == nil {
		e.out = os.Stdout
	}
	if opts.HistoryFile != "" {
		limit := opts.HistoryLimit
		if limit <= 0 {
			limit = 1000
		}
		f, _, err := loadHistory(opts.HistoryFile, limit)
		if err != nil {
			fmt.Fprintf(os.Stderr, "popsh: history disabled: %v\n", err)
		}
		e.histF = f
	}
	return e, nil
}

// ReadLine implements LineEditor.
func (e *plainEditor) ReadLine(prompt string) (string, error) {
	io.WriteString(e.out, prompt)
	var cancel context.CancelFunc = func() {}
	if ir, ok := e.in.(*InterruptibleReader); ok && e.ints != nil {
		// Ctrl-C ends the read: drop the presses that came before
	drain:
		for {
			select {
			case <-e.ints:
			default:
				break drain
			}
		}
		var ctx context.Context
		ctx, cancel = context.WithCancel(context.Background())
		ir.SetContext(ctx)
		defer ir.SetContext(nil)
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-e.ints:
				cancel()
			case <-done:
			}
		}()
	}
	defer cancel()
	var line []byte
	b := make([]byte, 1) // one byte at a time: what follows the line stays for the program
	for {
		n, err := e.in.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				return strings.TrimSuffix(string(line), "\r"), nil
			}
			line = append(line, b[0])
			continue
		}
		switch {
		case errors.Is(err, ErrReadInterrupted):
			// the terminal dropped what was typed; start a new line
			io.WriteString(e.out, "\n")
			return "", ErrInterrupt
		case errors.Is(err, io.EOF):
			if len(line) == 0 {
				io.WriteString(e.out, "\n")
				return "", io.EOF
			}
			// Ctrl-D after some text: the text is the line
			io.WriteString(e.out, "\n")
			return string(line), nil
		case err != nil:
			return "", err
		}
	}
}

// AddHistory implements LineEditor.
func (e *plainEditor) AddHistory(entry string) error {
	entry = strings.TrimSpace(HistoryLine(entry))
	if entry == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return appendHistory(e.histF, entry)
}

// Close implements LineEditor.
func (e *plainEditor) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.histF != nil {
		e.histF.Close()
		e.histF = nil
	}
	return nil
}
