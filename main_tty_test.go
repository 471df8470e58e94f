package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A script on a terminal turns echo off with tty-info and
// set-tty-info/now on its current input port (the shell's standard
// input), reads a password that the terminal does not show, and puts the
// settings back.
func TestScriptReadsPasswordWithoutEcho(t *testing.T) {
	dir := t.TempDir()
	script := `(let* ((saved (tty-info))
       (quiet (copy-tty-info saved)))
  (set-tty-info:local-flags quiet (bitwise-and (tty-info:local-flags quiet) (bitwise-not ttyl/echo)))
  (display "Password: ")
  (set-tty-info/now (current-input-port) quiet)
  (let ((pw (read-line)))
    (set-tty-info/now (current-input-port) saved)
    (newline)
    (display (list 'got (string-length pw) (tty? (current-input-port))))
    (newline)))
`
	if err := os.WriteFile(filepath.Join(dir, "pw.scm"), []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, dir, "-s", "pw.scm")
	tm.expect("Password: ")
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if st.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the script never turned echo off")
		}
		time.Sleep(5 * time.Millisecond)
	}
	tm.send("hunter22\n")
	tm.expect("(got 8 #t)")
	// The settings were put back before the line was written.
	st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lflag&unix.ECHO == 0 {
		t.Errorf("echo was not put back")
	}
	<-tm.done
	tm.mu.Lock()
	out := tm.out.String()
	tm.mu.Unlock()
	if strings.Contains(out, "hunter22") {
		t.Errorf("the password was echoed: %q", out)
	}
}
