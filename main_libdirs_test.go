package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The library path switches and scsh's lib-dirs procedures change one
// list: what the switches did, a script sees; what a script or a -l file
// does, -ll and find-library-file see.
func TestLibDirsSwitchesAndProcedures(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	deep := filepath.Join(lib, "sub", "deeper")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, lib, "l.scm", "(define from-lib \"lib\")\n")
	writeFile(t, deep, "d.scm", "(define from-lib \"deep\")\n")
	writeFile(t, dir, "s.scm", "(display from-lib)\n")
	noEnv := []string{"POPSH_LIB_PATH="}
	q := regexp.QuoteMeta

	// The switches, left to right, make the list (lib-dirs) shows.
	runPopshEnv(t, dir, noEnv, "+lp", "/x", "lp+", "/y", "+lp", "/w", "-c", "(write (lib-dirs))").
		check(t, "+lp lp+ +lp", 0, `^\("/w" "/x" "/y"\)$`, "")
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=/d1::/d2"}, "lp+", "/y", "-c", "(write (list (lib-dirs) default-lib-dirs))").
		check(t, "default from $POPSH_LIB_PATH", 0, `^\(\("/d1" "/d2" "/y"\) \("/d1" "/d2"\)\)$`, "")
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=/d1"}, "+lp", "/x", "-lp-clear", "-c", "(write (lib-dirs))").
		check(t, "-lp-clear", 0, `^\(\)$`, "")
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=/d1"}, "+lp", "/x", "-lp-clear", "-lp-default", "-c", "(write (lib-dirs))").
		check(t, "-lp-default", 0, `^\("/d1"\)$`, "")
	runPopshEnv(t, dir, noEnv, "+lpsd", "-s", filepath.Join(dir, "show.scm")).check(t, "missing script", 1, "", `show\.scm`)
	writeFile(t, dir, "show.scm", "(write (lib-dirs))\n")
	runPopshEnv(t, "/", noEnv, "lp+", "/y", "+lpsd", "-s", filepath.Join(dir, "show.scm")).
		check(t, "+lpsd", 0, `^\("`+q(dir)+`" "/y"\)$`, "")

	// A script's changes reach find-library-file, and reset-lib-dirs!
	// gives back the default, not what the switches added.
	writeFile(t, dir, "find.scm", `(write (find-library-file "l.scm" (lib-dirs) #f))
(lib-dirs-append! "`+lib+`")
(write (find-library-file "l.scm" (lib-dirs) #f))
(lib-dirs-prepend-script-dir!)
(write (car (lib-dirs)))
(reset-lib-dirs!)
(write (lib-dirs))
(clear-lib-dirs!)
(write (lib-dirs))
`)
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=/d1"}, "+lp", "/x", "-s", "find.scm").
		check(t, "script edits the path", 0, `^#f"`+q(filepath.Join(lib, "l.scm"))+`""`+q(dir)+`"\("/d1"\)\(\)$`, "")

	// A -l file that adds to the path changes what a later -ll finds.
	writeFile(t, dir, "addlib.scm", `(lib-dirs-prepend! "`+lib+`")`+"\n")
	runPopshEnv(t, dir, noEnv, "-l", "addlib.scm", "-ll", "l.scm", "-s", "s.scm").
		check(t, "-l (lib-dirs-prepend! ...) then -ll", 0, `^lib$`, "")
	runPopshEnv(t, dir, noEnv, "-ll", "l.scm", "-l", "addlib.scm", "-s", "s.scm").
		check(t, "-ll before the -l that adds the directory", 1, "", `l\.scm not found on the library path`)
	// script-dir put by a -l file is the -s script's directory for -ll.
	writeFile(t, lib, "sd.scm", "(lib-dirs-prepend! 'script-dir)\n")
	writeFile(t, dir, "l.scm", "(define from-lib \"script dir\")\n")
	runPopshEnv(t, "/", noEnv, "-l", filepath.Join(lib, "sd.scm"), "-ll", "l.scm", "-s", filepath.Join(dir, "s.scm")).
		check(t, "script-dir entry", 0, `^script dir$`, "")
	runPopshEnv(t, dir, noEnv, "-l", filepath.Join(lib, "sd.scm"), "-ll", "l.scm", "-c", "1").
		check(t, "script-dir entry without a script", 1, "", `script-dir, but there is no script file`)

	// A directory ending in / is searched with its subdirectories.
	runPopshEnv(t, dir, noEnv, "+lp", lib+"/", "-ll", "d.scm", "-s", "s.scm").
		check(t, "-ll in a subdirectory", 0, `^deep$`, "")
	runPopshEnv(t, dir, noEnv, "+lp", lib, "-ll", "d.scm", "-s", "s.scm").
		check(t, "-ll without the trailing /", 1, "", `d\.scm not found on the library path`)

	// The script-dir procedures need a script.
	runPopshEnv(t, dir, noEnv, "-c", "(lib-dirs-append-script-dir!)").
		check(t, "no script", 1, "", `lib-dirs-append-script-dir!: no script file is being run`)
}

// import of a library popsh does not know loads a/b/c.sld for (a b c):
// from the library path first, then the importing file's directory, then
// the current directory; a library that imports another is loaded the
// same way, and the macros it exports work where they are imported.
func TestImportLoadsLibraryFiles(t *testing.T) {
	dir := t.TempDir()
	libs := filepath.Join(dir, "libs")
	if err := os.MkdirAll(filepath.Join(libs, "shapes"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(libs, "shapes"), "area.sld", `(define-library (shapes area)
  (export square-area with-area)
  (import (scheme base) (shapes units))
  (begin
    (define (square-area side) (list (* side side) unit))
    (define (report a) (list 'area a))
    (define-syntax with-area (syntax-rules () ((_ s) (report (square-area s)))))))
`)
	writeFile(t, filepath.Join(libs, "shapes"), "units.sld", `(define-library (shapes units) (export unit) (import (scheme base)) (begin (define unit 'cm2)))
`)
	writeFile(t, dir, "prog.scm", "(import (scheme base) (scheme write) (shapes area))\n(write (list (square-area 3) (with-area 2)))\n")
	noEnv := []string{"POPSH_LIB_PATH="}
	want := `^\(\(9 cm2\) \(area \(4 cm2\)\)\)$`
	runPopshEnv(t, dir, noEnv, "+lp", libs, "-s", "prog.scm").check(t, "+lp", 0, want, "")
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=" + libs}, "-s", "prog.scm").check(t, "$POPSH_LIB_PATH", 0, want, "")
	runPopshEnv(t, libs, noEnv, "-s", filepath.Join(dir, "prog.scm")).check(t, "current directory", 0, want, "")
	writeFile(t, libs, "prog.scm", "(import (scheme base) (scheme write) (shapes area))\n(write (list (square-area 3) (with-area 2)))\n")
	runPopshEnv(t, "/", noEnv, "-s", filepath.Join(libs, "prog.scm")).check(t, "the importing file's directory", 0, want, "")
	writeFile(t, dir, "loop.sld", "(define-library (loop) (export x) (import (loop)) (begin (define x 1)))\n")
	writeFile(t, dir, "useloop.scm", "(import (loop))\n")
	runPopshEnv(t, dir, noEnv, "-s", "useloop.scm").check(t, "a library importing itself", 1, "", `library \(loop\) imports itself`)
	// a library found nowhere stays unknown, as before: its names are unbound
	writeFile(t, dir, "missing.scm", "(import (no such lib))\n(display 'ran)\n")
	runPopshEnv(t, dir, noEnv, "-s", "missing.scm").check(t, "not found", 0, `^ran$`, "")
}
