package main

import "testing"

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
