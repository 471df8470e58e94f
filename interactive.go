package main

// The interactive session: the REPL on a terminal, and putting the
// terminal back as it was when a signal ends the process.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"popsh/docs"
	"popsh/interp"
	"popsh/interp/repl"
)

// runREPL runs the interactive session on the terminal; banner, when not
// empty, replaces the greeting.
func runREPL(it *interp.Interp, banner string) int {
	stdin := repl.NewInterruptibleReader(os.Stdin)
	hist := ""
	if home, err := os.UserHomeDir(); err == nil {
		hist = filepath.Join(home, ".popsh_history")
	}
	ints := make(chan os.Signal, 4)
	signal.Notify(ints, os.Interrupt)
	defer signal.Stop(ints)
	opts := repl.EditorOptions{
		Stdin:       stdin,
		HistoryFile: hist,
		Complete:    repl.Completer(it),
		Interrupts:  ints,
	}
	newEditor := repl.NewTerminalEditor
	// no control sequences: a terminal that does not know them, or
	// output that is not the terminal (popsh | tee log)
	plain := os.Getenv("TERM") == "dumb" || !repl.IsTerminal(os.Stdout)
	if plain {
		newEditor = repl.NewPlainEditor
	}
	ed, err := newEditor(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	// SIGTERM or SIGHUP may come while the terminal is in raw mode and in
	// bracketed paste mode, and a Go panic may end the session: put the
	// terminal back as it was before leaving.
	if restore, err := repl.SaveTerminal(os.Stdin); err == nil {
		if !plain {
			saved := restore
			restore = func() {
				saved()
				io.WriteString(os.Stdout, repl.PasteModeOff)
			}
		}
		defer func() {
			if p := recover(); p != nil {
				restore()
				panic(p)
			}
		}()
		ends := make(chan os.Signal, 1)
		signal.Notify(ends, syscall.SIGTERM, syscall.SIGHUP)
		defer signal.Stop(ends)
		go func() {
			s, ok := <-ends
			if !ok {
				return
			}
			restore()
			code := 1
			if n, isNum := s.(syscall.Signal); isNum {
				code = 128 + int(n)
			}
			exitNow(code)
		}()
	}
	if banner == "" {
		banner = version + ": Scheme with POP3. ,help for help; Ctrl-D to leave."
	}
	var out, errOut io.Writer = os.Stdout, os.Stderr
	if p, ok := ed.(repl.Printer); ok {
		// output of other threads while a line is typed goes above it,
		// on the standard output and on the error port alike
		out, errOut = p.Stdout(), p.Stderr()
		it.SetErrorOutput(errOut)
	}
	err = repl.Run(context.Background(), repl.Options{
		Interp: it,
		Editor: ed,
		Out:    out,
		Err:    errOut,
		// text the error port leaves without a newline is not erased by
		// the next prompt
		ErrSameTerminal: sameFile(os.Stdout, os.Stderr),
		Stdin:           stdin,
		Interrupts:      ints,
		Banner:          banner,
		Doc:             docs.Describe,
		Width:           func() int { return repl.TerminalWidth(os.Stdout) },
		Stuck: func() {
			// The evaluation ignores Ctrl-C: leave (the terminal is in
			// its normal mode while an evaluation runs).
			fmt.Fprintln(os.Stderr, "popsh: the evaluation does not stop; leaving")
			exitNow(130)
		},
	})
	ed.Close()
	var st *repl.ExitStatus
	if errors.As(err, &st) {
		flushPorts(it)
		return st.Code & 0xff
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	flushPorts(it)
	return 0
}

// sameFile reports whether a and b are the same file (one terminal).
func sameFile(a, b *os.File) bool {
	fa, err := a.Stat()
	if err != nil {
		return false
	}
	fb, err := b.Stat()
	return err == nil && os.SameFile(fa, fb)
}
