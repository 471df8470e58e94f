package scsh

import (
	"path/filepath"
	"testing"
)

// Starting a program flushes every output port first, as scsh's fork
// does: a file the program still has open is complete for the program
// started (a generated source handed to a compiler before it is closed).
func TestProcessFormFlushesPorts(t *testing.T) {
	f := filepath.Join(t.TempDir(), "gen.txt")
	runScshCases(t, []scshCase{
		{`(define out (open-output-file "` + f + `"))
		  (write-string "line one\n" out)
		  (run/string (cat ,"` + f + `"))`, `"line one\n"`, ""},
		{`(display "two\n" out)
		  (run/strings (cat ,"` + f + `"))`, `("line one" "two")`, ""},
		{`(display "three\n" out)
		  (run (grep -q three ,"` + f + `"))`, `0`, ""},
	})
}
