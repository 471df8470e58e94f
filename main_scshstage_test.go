package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"testing"
	"time"
)

// A scsh script run by the popsh binary: exec in a (begin ...) stage ends
// the stage only, and scsh's | symbols read beside R7RS |symbols|.
func TestScshStageAndBarsInScript(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "stage.scm", `#!/usr/local/bin/popsh -s
!#
(run (begin (exec-path "echo" "child")))
(display "parent") (newline)
(display (status:exit-val (run (begin (exit 5))))) (newline)
(write (run/strings (| (printf "b\\na\\n") (sort)))) (newline)
(write (list '|-test '(|+ x) '|two words|)) (newline)
`)
	r := runPopsh(t, dir, "", script)
	r.check(t, "stage script", 0, `^child\nparent\n5\n\("a" "b"\)\n\(\|-test \(\|\+ x\) \|two words\|\)\n$`, "")
}

// A script's forked stages end before popsh does: their output is part of
// the program's. fork/pipe then exec-path runs the program on the pipe
// (popsh cannot be replaced while a stage runs in it).
func TestForkedStagesFinishBeforeExit(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "late.scm", `(fork (lambda () (process-sleep 0.3) (display "late stage") (newline)))
(display "parent done") (newline)
`)
	r := runPopsh(t, dir, "", script)
	r.check(t, "stage after the parent", 0, `^parent done\nlate stage\n$`, "")
	script = writeFile(t, dir, "pipe.scm", `(fork/pipe (lambda () (display "b\na\n")))
(exec-path "sort")
(display "not reached")
`)
	r = runPopsh(t, dir, "", script)
	r.check(t, "fork/pipe then exec-path", 0, `^a\nb\n$`, "")
	script = writeFile(t, dir, "status.scm", `(fork/pipe (lambda () (display "x\n")))
(exec-path "sh" "-c" "read l; echo got $l; exit 4")
`)
	r = runPopsh(t, dir, "", script)
	r.check(t, "exec status", 4, `^got x\n$`, "")
}

// Ctrl-C while popsh waits, at the end of a script, for a stage that
// does not end: the wait stops, as an interrupted script does.
func TestInterruptWaitForStages(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "forever.scm", `(fork (lambda () (let loop () (process-sleep 1) (loop))))
(display "waiting") (newline)
`)
	cmd := exec.Command(popshBin, "forever.scm")
	cmd.Dir = dir
	var se bytes.Buffer
	cmd.Stderr = &se
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "waiting\n" {
		cmd.Process.Kill()
		t.Fatalf("first line %q", line)
	}
	// the script has ended (its output is flushed at its end): popsh
	// waits for the stage
	time.Sleep(200 * time.Millisecond)
	interruptExpect130(t, cmd, "Ctrl-C while popsh waits for its stage")
	if se.String() != "interrupted\n" {
		t.Errorf("stderr %q", se.String())
	}
}
