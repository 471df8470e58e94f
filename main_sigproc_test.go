package main

import (
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A script that handles interrupt/keyboard gets Ctrl-C itself: its
// handler runs and the script goes on to its end (status 0); without the
// handler, the same Ctrl-C stops the script (status 130).
func TestSigintHandlerTakesCtrlC(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "h.scm", `(define got #f)
(set-interrupt-handler interrupt/keyboard (lambda (enabled) (set! got #t)))
(display "ready") (newline) (flush-output-port)
(let wait ((i 0))
  (cond (got (display "handled") (newline))
        ((< i 2000) (process-sleep 0.01) (wait (+ i 1)))
        (else (display "no handler call") (newline))))
`)
	code, out, errOut := interruptAtReady(t, dir, "h.scm", nil)
	if code != 0 || out != "handled\n" {
		t.Errorf("with a handler: status %d, stdout %q, stderr %q; want 0 and the handler's line", code, out, errOut)
	}
	writeFile(t, dir, "d.scm", `(set-interrupt-handler interrupt/keyboard (lambda (enabled) #t))
(handle-signal-default signal/int)
(display "ready") (newline) (flush-output-port)
(process-sleep 20) (display "not reached")
`)
	code, out, errOut = interruptAtReady(t, dir, "d.scm", nil)
	if code != 130 || strings.Contains(out, "not reached") || !strings.Contains(errOut, "interrupted") {
		t.Errorf("default again: status %d, stdout %q, stderr %q; want 130 and interrupted", code, out, errOut)
	}
}

// Exit hooks run, the last added first and the narrowed ones after,
// when a script ends normally or calls exit; not after %exit or an error.
func TestExitHooks(t *testing.T) {
	hooks := `(add-narrowed-exit-hook! (lambda () (display "narrowed") (newline)))
(add-exit-hook! (lambda () (display "first") (newline)))
(add-exit-hook! (lambda () (display "second") (newline)))
`
	cases := []struct {
		name, end, out string
		code           int
	}{
		{"normal end", `(display "end") (newline)`, "end\nsecond\nfirst\nnarrowed\n", 0},
		{"exit", `(exit 3) (display "not reached")`, "second\nfirst\nnarrowed\n", 3},
		{"%exit", `(%exit 4)`, "", 4},
		{"error", `(car '())`, "", 1},
		{"a hook that exits", `(add-exit-hook! (lambda () (exit 9)))`, "", 9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "s.scm", hooks+c.end+"\n")
			r := runPopsh(t, dir, "", "-s", "s.scm")
			if r.code != c.code || r.stdout != c.out {
				t.Errorf("status %d stdout %q (stderr %q); want %d %q", r.code, r.stdout, r.stderr, c.code, c.out)
			}
		})
	}
}

// A handler for SIGTERM can clean up and exit with its own status; an
// error in a handler ends the script with status 1 and says which.
func TestTermHandlerExits(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "t.scm", `(set-interrupt-handler interrupt/term
  (lambda (enabled) (display "cleaned up") (newline) (exit 7)))
(signal-process (pid) signal/term)
(process-sleep 20)
(display "not reached")
`)
	r := runPopsh(t, dir, "", "-s", "t.scm")
	if r.code != 7 || r.stdout != "cleaned up\n" {
		t.Errorf("status %d stdout %q stderr %q; want 7 and the handler's line", r.code, r.stdout, r.stderr)
	}
	writeFile(t, dir, "e.scm", `(set-interrupt-handler interrupt/usr2 (lambda (enabled) (car '())))
(signal-process (pid) signal/usr2)
(process-sleep 20)
(display "not reached")
`)
	r = runPopsh(t, dir, "", "-s", "e.scm")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "the handler of interrupt/usr2 failed") || !strings.Contains(r.stderr, "car:") {
		t.Errorf("status %d stdout %q stderr %q; want 1 and the handler's error", r.code, r.stdout, r.stderr)
	}
}

// (suspend) stops popsh's process group (here, a group of its own);
// SIGCONT lets it go on.
func TestSuspend(t *testing.T) {
	cmd := exec.Command(popshBin, "-c", "(begin (suspend) (display 'resumed))")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	var ws syscall.WaitStatus
	done := make(chan error, 1)
	go func() {
		_, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || !ws.Stopped() || ws.StopSignal() != syscall.SIGSTOP {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("popsh was not stopped by SIGSTOP: %v, status %#x, output %q", err, int(ws), out.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("popsh did not stop")
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGCONT: %v (output %q)", err, out.String())
	}
	if out.String() != "resumed" {
		t.Errorf("output %q, want resumed", out.String())
	}
}
