package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// interruptAtReady runs popsh on script with stdin, waits for the script
// to print "ready", sends SIGINT and returns the exit status and stderr.
func interruptAtReady(t *testing.T, dir, script string, stdin io.Reader) (int, string, string) {
	t.Helper()
	cmd := exec.Command(popshBin, script)
	cmd.Dir = dir
	cmd.Stdin = stdin
	// stderr in a file: a background child holding it open does not
	// keep Wait waiting
	ef, err := os.CreateTemp(dir, "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	cmd.Stderr = ef
	stderr := func() string { b, _ := os.ReadFile(ef.Name()); return string(b) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(out)
	line, err := br.ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s: first line %q (%v), stderr %q", script, line, err, stderr())
	}
	cmd.Process.Signal(os.Interrupt)
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(br); rest <- string(b) }()
	errc := make(chan error, 1)
	go func() { so := <-rest; errc <- cmd.Wait(); rest <- so }()
	select {
	case err := <-errc:
		so := <-rest
		var ee *exec.ExitError
		if err == nil {
			return 0, so, stderr()
		}
		if !errors.As(err, &ee) {
			t.Fatalf("%s: %v", script, err)
		}
		return ee.ExitCode(), so, stderr()
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%s did not stop on SIGINT", script)
	}
	return 0, "", ""
}

// Ctrl-C during read, load and long primitives ends a script with status
// 130 and "interrupted", never with a partial value and status 0.
func TestInterruptReadsAndLoads(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, script string
		// feed, when set, writes to the FIFO (held open for writing)
		feed func(w *os.File)
		// stdin is what the script reads on stdin (a pipe kept open)
		stdin string
	}{
		{name: "read of a partial datum on stdin",
			script: `(display "ready") (newline) (define x (read)) (display "not reached ") (write x)`,
			stdin:  "abc"},
		{name: "read-line of a partial line on stdin",
			script: `(display "ready") (newline) (define x (read-line)) (display "not reached ") (write x)`,
			stdin:  "abc"},
		{name: "load of a FIFO holding a partial datum",
			script: `(display "ready") (newline) (flush-output-port) (load "fifo") (display "not reached")`,
			feed:   func(w *os.File) { w.WriteString("(display \"x\"") }},
		{name: "load of an endless stream",
			script: `(set-read-limit! (expt 2 50)) (display "ready") (newline) (flush-output-port) (load "fifo") (display "not reached")`,
			feed: func(w *os.File) {
				b := bytes.Repeat([]byte(" \n"), 32<<10)
				for {
					if _, err := w.Write(b); err != nil {
						return
					}
				}
			}},
		{name: "load of /dev/zero",
			// a limit high enough that the interrupt, not the limit, stops it
			script: `(set-read-limit! (expt 2 28)) (display "ready") (newline) (flush-output-port) (load "/dev/zero") (display "not reached")`},
		{name: "wait for a background process",
			script: `(define p (& (sleep 5) (> "/dev/null"))) (display "ready") (newline) (flush-output-port) (wait p) (display "not reached")`},
		{name: "skip-char-set over /dev/zero",
			script: `(display "ready") (newline) (flush-output-port) (skip-char-set #\nul (open-input-file "/dev/zero")) (display "not reached")`},
		{name: "read-string over an endless stream",
			script: `(set-read-limit! (expt 2 50)) (display "ready") (newline) (flush-output-port) (read-string (expt 2 40) (open-input-file "fifo")) (display "not reached")`,
			feed: func(w *os.File) {
				b := bytes.Repeat([]byte("x"), 64<<10)
				for {
					if _, err := w.Write(b); err != nil {
						return
					}
				}
			}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			writeFile(t, dir, "s.scm", c.script+"\n")
			var w *os.File
			if c.feed != nil {
				var err error
				// O_RDWR: opening does not wait for the reader
				if w, err = os.OpenFile(fifo, os.O_RDWR, 0); err != nil {
					t.Fatal(err)
				}
				go c.feed(w)
			}
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			pw.WriteString(c.stdin)
			code, so, se := interruptAtReady(t, dir, "s.scm", pr)
			pr.Close()
			pw.Close()
			if w != nil {
				w.Close()
			}
			if code != 130 || strings.Contains(so, "not reached") || !strings.Contains(se, "interrupted") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 130, nothing more on stdout, \"interrupted\"", code, so, se)
			}
		})
	}
}

// No input makes popsh print a Go runtime trace: /dev/zero read, loaded or
// run as a script stops at the read limit with a Scheme error.
func TestReadLimitDevZeroScript(t *testing.T) {
	dir := t.TempDir()
	for _, expr := range []string{
		`(read-line (open-input-file "/dev/zero"))`,
		`(read (open-input-file "/dev/zero"))`,
		`(read-string (expt 2 40) (open-input-file "/dev/zero"))`,
		`(load "/dev/zero")`,
		`(port->string (open-input-file "/dev/zero"))`,
		`(read-delimited "\n" (open-input-file "/dev/zero"))`,
		`(read-paragraph (open-input-file "/dev/zero"))`,
		`(read-line (open-input-file "/dev/zero") 'peek)`,
	} {
		r := runPopsh(t, dir, "", "-c", `(begin (set-read-limit! 100000) `+expr+`)`)
		if r.code != 1 || !strings.Contains(r.stderr, "/dev/zero") || !strings.Contains(r.stderr, "longer than the read limit of 100000 bytes") ||
			strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%s: exit %d, stderr %q", expr, r.code, r.stderr)
		}
	}
	// the output of a process collected into a string
	for _, expr := range []string{`(run/string (cat /dev/zero))`, `(run/strings (yes))`} {
		r := runPopsh(t, dir, "", "-c", `(begin (set-read-limit! 100000) `+expr+`)`)
		if r.code != 1 || !strings.Contains(r.stderr, "the output of the process is longer than the read limit of 100000 bytes") {
			t.Errorf("%s: exit %d, stderr %q", expr, r.code, r.stderr)
		}
	}
	// a script that is /dev/zero itself
	r := runPopsh(t, dir, "", "/dev/zero")
	if r.code != 1 || !strings.Contains(r.stderr, "/dev/zero: datum longer than the read limit of 67108864 bytes") {
		t.Errorf("popsh /dev/zero: exit %d, stderr %q", r.code, r.stderr)
	}
}
