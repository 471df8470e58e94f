package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestThreadsSIGINT: Ctrl-C stops a script whose threads are busy,
// sleeping and waiting, while the primordial thread joins: status 130.
func TestThreadsSIGINT(t *testing.T) {
	dir := t.TempDir()
	script := `
(define busy (spawn (lambda () (let loop () (loop)))))
(define sleeper (spawn (lambda () (sleep 1000000))))
(define waiter (spawn (lambda () (channel-receive (make-channel)))))
(thread-yield!)
(display "ready\n")
(flush-output-port)
(thread-join! busy)
(display "not reached\n")
`
	if err := os.WriteFile(filepath.Join(dir, "s.scm"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	code, so, se := interruptAtReady(t, dir, "s.scm", strings.NewReader(""))
	if code != 130 || strings.Contains(so, "not reached") || !strings.Contains(se, "interrupted") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 130 and \"interrupted\"", code, so, se)
	}
}

// TestThreadsExit: (exit n) in a thread flushes the output and ends the
// process with n, while the primordial thread is still waiting.
func TestThreadsExit(t *testing.T) {
	r := runPopsh(t, "", "", "-c", `(begin (display "main ") (spawn (lambda () (display "thread") (exit 4))) (sleep 1000000) (display "not reached"))`)
	if r.code != 4 || r.stdout != "main thread" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 4 and %q", r.code, r.stdout, r.stderr, "main thread")
	}
}

// TestREPLThreadRunsAtPrompt: a thread started at the prompt goes on
// running while the REPL waits for the next line.
func TestREPLThreadRunsAtPrompt(t *testing.T) {
	home := t.TempDir()
	tm := startTerm(t, home)
	tm.expect("popsh> ")
	file := filepath.Join(home, "ran")
	tm.send(`(define t (spawn (lambda () (sleep 200) (with-output-to-file "` + file + `" (lambda () (display "ran"))) 'ok)))` + "\r")
	tm.expect("popsh> ")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, err := os.ReadFile(file); err == nil && string(b) == "ran" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the thread did not run while the REPL waited for input")
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.send("(thread-join! t)\r")
	tm.expect("ok\r\n")
	tm.expect("popsh> ")
	tm.send("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", code)
	}
}

// TestThreadsReadReleasesLock: a thread waiting for a line on standard
// input (a pipe) lets the other threads run; the test writes the line only
// after another thread has printed, which it could not do if the reader
// held the interpreter lock.
func TestThreadsReadReleasesLock(t *testing.T) {
	dir := t.TempDir()
	script := `
(define in (open-input-file "/dev/stdin"))
(define reader (spawn (lambda () (read-line in))))
(thread-yield!)
(define worker (spawn (lambda () (display "worker done\n") (flush-output-port) 'w)))
(thread-join! worker)
(display (string-append "read: " (thread-join! reader) "\n"))
`
	if err := os.WriteFile(filepath.Join(dir, "s.scm"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(popshBin, "s.scm")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 4)
	go func() {
		br := bufio.NewReader(stdout)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				close(lines)
				return
			}
			lines <- l
		}
	}()
	select {
	case l := <-lines:
		if l != "worker done\n" {
			t.Fatalf("first line %q", l)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the worker thread did not run while another thread waited for input")
	}
	io.WriteString(stdin, "hello\n")
	stdin.Close()
	if l := <-lines; l != "read: hello\n" {
		t.Errorf("then %q", l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("%v; stderr %q", err, stderr.String())
	}
}
