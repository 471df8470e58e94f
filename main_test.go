package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"popsh/internal/demo"
)

// buildCommand is the README's command that builds popsh; TestMain builds
// the binary the tests run the same way.
const buildCommand = "CGO_ENABLED=0 go build -o popsh ."

// popshBin is the popsh binary built once by TestMain.
var popshBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "popsh-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	popshBin = filepath.Join(dir, "popsh")
	build := exec.Command("go", "build", "-o", popshBin, ".")
	if os.Getenv("POPSH_TEST_RACE") != "" {
		// POPSH_TEST_RACE=1 go test . runs the binary under the race
		// detector, which needs cgo.
		build.Args = slices.Insert(build.Args, 2, "-race")
		// which runs it several times slower
		expectTimeout = 60 * time.Second
	} else {
		// The README's build (buildCommand): static, without cgo.
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	out, err := build.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building popsh: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a run of popsh did.
type result struct {
	stdout, stderr string
	code           int
}

// runPopsh runs the binary with args in dir (the test's temp dir when
// empty), stdin from a pipe holding stdin, and returns what it did.
func runPopsh(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, popshBin, args...)
	if dir == "" {
		dir = t.TempDir()
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.Stdin = strings.NewReader(stdin)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("popsh %q: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("popsh %q: timed out; stdout %q stderr %q", args, so.String(), se.String())
	}
	return result{so.String(), se.String(), code}
}

// runPopshEnv is runPopsh with extra environment variables and no stdin.
func runPopshEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(popshBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "HOME="+dir), env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("popsh %q: %v", args, err)
	}
	return result{so.String(), se.String(), code}
}

// check fails the test unless r has the exit code and its outputs match
// the regular expressions (an empty pattern means "must be empty").
func (r result) check(t *testing.T, what string, code int, stdoutRE, stderrRE string) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit status %d, want %d\nstdout: %q\nstderr: %q", what, r.code, code, r.stdout, r.stderr)
	}
	match := func(name, got, re string) {
		if re == "" {
			if got != "" {
				t.Errorf("%s: %s = %q, want nothing", what, name, got)
			}
			return
		}
		if !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("%s: %s = %q, want a match for %q", what, name, got, re)
		}
	}
	match("stdout", r.stdout, stdoutRE)
	match("stderr", r.stderr, stderrRE)
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelpVersionUsage(t *testing.T) {
	runPopsh(t, "", "", "--help").check(t, "--help", 0, `(?s)^Usage: popsh .*-c <exp>`, "")
	runPopsh(t, "", "", "--version").check(t, "--version", 0, `^popsh \d+\.\d+\.\d+\n$`, "")
	runPopsh(t, "", "", "-x").check(t, "bad switch", 255, "", `(?s)^popsh: unknown switch -x\nUsage: popsh`)
	runPopsh(t, "", "", "-s").check(t, "-s without a file", 255, "", `switch -s needs an argument`)
	runPopsh(t, "", "", "-e", "main", "-c", "1").check(t, "-e with -c", 255, "", `-e cannot be used with -c`)
	runPopsh(t, "", "", "-ds", "--").check(t, "-ds without -s", 255, "", `requires a terminating -s`)
}

func TestDashC(t *testing.T) {
	dir := t.TempDir()
	runPopsh(t, dir, "", "-c", `(begin (display "hi") (write (command-line)))`, "x", "y").
		check(t, "-c", 0, `^hi\("[^"]*popsh" "x" "y"\)$`, "")
	runPopsh(t, dir, "", "-c", `(+ 1 2)`).check(t, "-c prints no value", 0, "", "")
	runPopsh(t, dir, "", "-c", `(display 1) (display 2)`).
		check(t, "-c with two expressions", 1, "", `More than one value read from string`)
	runPopsh(t, dir, "", "-c", `(car 5)`).check(t, "-c error", 1, "", `car`)
	runPopsh(t, dir, "", "-c", `(display "unclosed"`).check(t, "-c incomplete", 1, "", `.`)
}

func TestScriptHeaderAndMetaArg(t *testing.T) {
	dir := t.TempDir()
	// The #! ... !# header is a block comment.
	writeFile(t, dir, "hdr.scm", "#!/usr/local/bin/popsh -s\n!#\n(display \"header ok\") (newline)\n")
	runPopsh(t, dir, "", "-s", "hdr.scm").check(t, "#! !# header", 0, `^header ok\n$`, "")
	// The \ meta-argument: line 2 holds the switches.
	writeFile(t, dir, "meta.scm", "#!/usr/local/bin/popsh \\\n-e main -s\n!#\n(define (main args) (write args) (newline))\n")
	runPopsh(t, dir, "", `\`, "meta.scm", "p", "q").
		check(t, `\ meta-arg`, 0, `^\("meta.scm" "p" "q"\)\n$`, "")
	// The 1998 ecm-net test driver's header: module file, script loaded
	// into the config package, a structure opened, an entry point.
	writeFile(t, dir, "modules.scm", "(define-structure helpers (export twice) (open scheme) (begin (define (twice x) (* 2 x))))\n")
	writeFile(t, dir, "driver.scm", "#!/usr/local/bin/scsh \\\n-lm modules.scm -dm -o test -e run-tests -s\n!#\n"+
		"(define-structure test (export run-tests) (open scheme helpers)\n"+
		"  (begin (define (run-tests args) (display (twice 21)) (write (cdr args)) (newline))))\n")
	runPopsh(t, dir, "", `\`, "driver.scm", "a", "b").
		check(t, "ecm-net style header", 0, `^42\("a" "b"\)\n$`, "")
	writeFile(t, dir, "badmeta.scm", "#!/usr/local/bin/popsh \\\n-e\tmain -s\n!#\n")
	runPopsh(t, dir, "", `\`, "badmeta.scm").check(t, "tab in meta-arg line", 255, "", `tab`)
	// The env forms the README recommends, with popsh found on $PATH.
	pathEnv := "PATH=" + filepath.Dir(popshBin) + ":" + os.Getenv("PATH")
	for _, tc := range []struct{ header, label, want string }{
		{"#!/usr/bin/env -S popsh -s", "env -S", "env -S (\"a\")\n"},
		{"#!/usr/bin/env popsh", "env", "env (\"a\")\n"},
	} {
		name := writeFile(t, dir, strings.ReplaceAll(tc.label, " ", "")+".scm", tc.header+"\n!#\n(display \""+tc.label+
			" \") (write command-line-arguments) (newline)\n")
		cmd := exec.Command(name, "a")
		cmd.Env = append(os.Environ(), pathEnv)
		out, err := cmd.CombinedOutput()
		if string(out) != tc.want || err != nil {
			t.Errorf("%s: %q, %v; want %q", tc.header, out, err, tc.want)
		}
	}
	// Run as an executable through the kernel's #! handling.
	exe := writeFile(t, dir, "exe.scm", "#!"+popshBin+" \\\n-e main -s\n!#\n(define (main args) (display (length args)) (newline) (exit 3))\n")
	cmd := exec.Command(exe, "one", "two")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || string(out) != "3\n" {
		t.Errorf("executable script: out %q err %v, want \"3\\n\" and status 3", out, err)
	}
}

func TestLibraryPath(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	os.Mkdir(lib, 0o755)
	writeFile(t, lib, "l.scm", "(define from-lib \"lib\")\n")
	writeFile(t, dir, "s.scm", "(display from-lib)\n")
	writeFile(t, dir, "near.scm", "(define from-lib \"near the script\")\n")
	// +lpe expands $VARIABLES; -lel loads from the path.
	r := runPopshEnv(t, dir, []string{"LIBDIR=" + lib}, "+lpe", "$LIBDIR", "-lel", "l.scm", "-s", "s.scm")
	r.check(t, "+lpe $VAR -lel", 0, `^lib$`, "")
	// lp+ appends: the first directory with the file wins.
	runPopsh(t, dir, "", "+lp", lib, "lp+", dir, "-ll", "l.scm", "-s", "s.scm").check(t, "+lp lp+ -ll", 0, `^lib$`, "")
	// +lpsd is the script's directory.
	runPopsh(t, "", "", "+lpsd", "-ll", "near.scm", "-s", filepath.Join(dir, "s.scm")).
		check(t, "+lpsd", 0, `^near the script$`, "")
	// -lp-clear empties the path; -lp-default restores $POPSH_LIB_PATH.
	runPopsh(t, dir, "", "+lp", lib, "-lp-clear", "-ll", "l.scm", "-s", "s.scm").
		check(t, "-lp-clear", 1, "", `l\.scm not found on the library path`)
	runPopshEnv(t, dir, []string{"POPSH_LIB_PATH=/nonexistent:" + lib}, "-lp-clear", "-lp-default", "-ll", "l.scm", "-s", "s.scm").
		check(t, "-lp-default", 0, `^lib$`, "")
	// -ds loads the script at its place among the switches: here before
	// the -l that defines what it needs, so it fails.
	runPopsh(t, dir, "", "-ds", "-l", filepath.Join(lib, "l.scm"), "-s", "s.scm").
		check(t, "-ds before -l", 1, "", `from-lib`)
	runPopsh(t, dir, "", "-l", filepath.Join(lib, "l.scm"), "-de", "-s", "s.scm").
		check(t, "-l then -de", 0, `^lib$`, "")
}

// The file of -le or -lel is in Scheme48's exec language, as scsh loads
// it: (config) and (user) change packages (popsh has one), (config
// '(load ...)) and (run 'form) run what they are given, (open 'x) does
// nothing, and load takes several files, a ~ at the start of a name being
// the home directory.
func TestExecLanguageLoad(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	os.MkdirAll(filepath.Join(home, "lib"), 0o755)
	writeFile(t, filepath.Join(home, "lib"), "packages.scm", "(define-structure things (export thing) (open scheme) (begin (define thing 'thing)))\n")
	writeFile(t, filepath.Join(home, "lib"), "more.scm", "(define more 'more)\n")
	writeFile(t, filepath.Join(home, "lib"), "other.scm", "(define other 'other)\n")
	writeFile(t, dir, "load.scm", `(config)
(load "~/lib/packages.scm" "~/lib/more.scm")
(config '(load "~/lib/other.scm"))
(user)
(open 'things)
(run '(define ran (list thing more other)))
(in 'user '(define inside #t))
(config (lambda () (define-structure x (export) (open scheme))))
(define plain 'plain)
`)
	writeFile(t, dir, "s.scm", "(write (list ran inside plain))\n")
	r := runPopshEnv(t, dir, []string{"HOME=" + home}, "-le", "load.scm", "-o", "things", "-s", "s.scm")
	r.check(t, "-le", 0, `^\(\(thing more other\) #t plain\)$`, "")
	runPopshEnv(t, dir, []string{"HOME=" + home}, "+lp", dir, "-lel", "load.scm", "-s", "s.scm").
		check(t, "-lel", 0, `^\(\(thing more other\) #t plain\)$`, "")
	// a plain -l file is no exec file: (config) is an unbound variable there
	runPopshEnv(t, dir, []string{"HOME=" + home}, "-l", "load.scm", "-s", "s.scm").
		check(t, "-l", 1, "", `config`)
}

func TestScriptFromFileDescriptor(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "fd.scm", "(display \"from fd 3\") (write command-line-arguments)\n")
	f, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(popshBin, "-sfd", "3", "x")
	cmd.ExtraFiles = []*os.File{f} // fd 3 in the child
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != `from fd 3("x")` {
		t.Errorf("-sfd 3: %q, %v; want the script's output", out, err)
	}
	runPopsh(t, dir, "", "-sfd", "9").check(t, "-sfd on a closed descriptor", 1, "", `fd 9`)
}

func TestExitStatusAndErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "exit3.scm", "(display \"before exit\")\n(exit 3)\n(display \"after\")\n")
	runPopsh(t, dir, "", "exit3.scm").check(t, "(exit 3)", 3, `^before exit$`, "")
	writeFile(t, dir, "exitm1.scm", "(exit -1)\n")
	runPopsh(t, dir, "", "exitm1.scm").check(t, "(exit -1)", 255, "", "")
	writeFile(t, dir, "exit0.scm", "(exit)\n")
	runPopsh(t, dir, "", "exit0.scm").check(t, "(exit)", 0, "", "")
	writeFile(t, dir, "err.scm", "(display \"partial output\")\n(newline)\n(define x 1)\n  (car x)\n(display \"not reached\")\n")
	runPopsh(t, dir, "", "err.scm").check(t, "uncaught error", 1, `^partial output\n$`, `err\.scm:4:3: car: `)
	// Forms are read and evaluated one after the other (as scsh's load
	// does), so what comes before a syntax error runs.
	writeFile(t, dir, "syntax.scm", "(display \"x\")\n(define (f) (+ 1 2)\n")
	runPopsh(t, dir, "", "syntax.scm").check(t, "unclosed paren", 1, `^x$`, `syntax\.scm:2:1`)
	writeFile(t, dir, "syntax2.scm", "(display 1)\n(display 2))\n")
	runPopsh(t, dir, "", "syntax2.scm").check(t, "extra close paren", 1, `^12$`, `syntax2\.scm:2:`)
	runPopsh(t, dir, "", "missing.scm").check(t, "missing script", 1, "", `missing\.scm`)
	writeFile(t, dir, "raise.scm", "(error \"login failed\" \"x\")\n")
	runPopsh(t, dir, "", "raise.scm").check(t, "(error ...)", 1, "", `^raise\.scm:1:1: Error: login failed "x"\n$`)
	// A scsh condition prints in scsh's display-condition format.
	writeFile(t, dir, "cond.scm", "(define-condition-type '-ERR '(error))\n(signal '-ERR \"bad password\" \"PASS\")\n")
	runPopsh(t, dir, "", "cond.scm").check(t, "-ERR condition", 1, "", `^-ERR: bad password.*\n      "PASS"\n`)
	runPopsh(t, dir, "", "-c", `(call-error "not in transaction state" 'pop3-get)`).
		check(t, "call-error", 1, "", `^call-error: not in transaction state.*\n            pop3-get\n`)
	// command-line-arguments is set (the scsh layer's variable).
	runPopsh(t, dir, "", "-c", `(write command-line-arguments)`, "p", "q r").check(t, "command-line-arguments", 0, `^\("p" "q r"\)$`, "")
}

func TestScriptInterrupted(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "loop.scm", "(display \"started\")\n(newline)\n(let loop ((i 0)) (loop (+ i 1)))\n")
	cmd := exec.Command(popshBin, "loop.scm")
	cmd.Dir = dir
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	interruptExpect130(t, cmd, "interrupted script")
	if so.String() != "started\n" || se.String() != "interrupted\n" {
		t.Errorf("stdout %q stderr %q; want the output flushed and \"interrupted\"", so.String(), se.String())
	}
}

func TestPipeMode(t *testing.T) {
	runPopsh(t, "", "(define x 20)\n(+ x 1)\n(display (* x 2))\n(newline)\n").
		check(t, "pipe", 0, `^40\n$`, "")
	runPopsh(t, "", "(display \"a\")\n(newline)\n(car '())\n(display \"b\")\n").
		check(t, "pipe error stops", 1, `^a\n$`, `stdin:3:1: car`)
	runPopsh(t, "", "(display 1)\n(exit 4)\n").check(t, "pipe exit", 4, `^1$`, "")
	runPopsh(t, "", "(display 1\n").check(t, "pipe incomplete", 1, "", `.`)
	runPopsh(t, "", "").check(t, "empty pipe", 0, "", "")
}

// ---------------------------------------------------------------------
// The REPL through a real pseudo-terminal.

// term is popsh running on a pseudo-terminal.
type term struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	mark int // expect searches from here
	done chan struct{}
}

func startTerm(t *testing.T, home string, args ...string) *term {
	t.Helper()
	return startTermSize(t, 40, 200, home, args...)
}

// startTermSize is startTerm on a terminal of rows x cols.
func startTermSize(t *testing.T, rows, cols uint16, home string, args ...string) *term {
	t.Helper()
	return startTermEnv(t, rows, cols, home, []string{"TERM=xterm"}, args...)
}

// startTermEnv is startTermSize with env added to the environment.
func startTermEnv(t *testing.T, rows, cols uint16, home string, env []string, args ...string) *term {
	t.Helper()
	cmd := exec.Command(popshBin, args...)
	cmd.Dir = home
	cmd.Env = append(append(os.Environ(), "HOME="+home), env...)
	return startTermCmd(t, rows, cols, cmd)
}

// startTermCmd runs cmd on a pseudo-terminal of rows x cols.
func startTermCmd(t *testing.T, rows, cols uint16, cmd *exec.Cmd) *term {
	t.Helper()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Fatalf("start popsh on a pty: %v", err)
	}
	tm := &term{t: t, pty: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			tm.mu.Lock()
			tm.out.Write(b[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	return tm
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(s)); err != nil {
		tm.t.Fatalf("write to pty: %v", err)
	}
}

// expect waits until the output after the mark contains want, and moves
// the mark past it.
// expectTimeout is how long expect waits for output.
var expectTimeout = 10 * time.Second

func (tm *term) expect(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	from := tm.mark
	for {
		var found bool
		if found, from = tm.find(want, from); found {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %q; output after the mark:\n%q", want, tm.tail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// find looks for want in the output from offset from (at or after the
// mark); when it is there, the mark moves past it. Otherwise it returns
// where the next search may start: the output is searched in place, once,
// however much a program prints (a value of megabytes on the terminal).
func (tm *term) find(want string, from int) (bool, int) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	b := tm.out.Bytes()
	if i := bytes.Index(b[from:], []byte(want)); i >= 0 {
		tm.mark = from + i + len(want)
		return true, tm.mark
	}
	return false, max(from, len(b)-len(want)+1)
}

// tail is the output after the mark.
func (tm *term) tail() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return string(tm.out.Bytes()[tm.mark:])
}

// interruptUntil sends Ctrl-C (repeating once a second) until want appears.
func (tm *term) interruptUntil(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	from := tm.mark
	for time.Now().Before(deadline) {
		tm.send("\x03")
		end := time.Now().Add(time.Second)
		for time.Now().Before(end) {
			var found bool
			if found, from = tm.find(want, from); found {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	tm.t.Fatalf("Ctrl-C did not bring %q; output after the mark:\n%q", want, tm.tail())
}

// waitCooked waits until the terminal is in its normal (canonical, echo)
// mode: the line editor has handed it over to the running evaluation, so
// what is typed now goes to the program (Ctrl-D is an end of file).
func (tm *term) waitCooked() {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
		if err != nil {
			tm.t.Fatalf("terminal mode: %v", err)
		}
		if st.Lflag&unix.ICANON != 0 && st.Lflag&unix.ECHO != 0 {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the terminal stayed in raw mode; output after the mark:\n%q", tm.out.String()[tm.mark:])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitRaw waits until the line editor has the terminal (raw mode: not
// canonical, no echo), so that a key typed now is the editor's, not a
// byte the line discipline hands to whoever reads next.
func (tm *term) waitRaw() {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
		if err != nil {
			tm.t.Fatalf("terminal mode: %v", err)
		}
		if st.Lflag&unix.ICANON == 0 && st.Lflag&unix.ECHO == 0 {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the terminal stayed in cooked mode; output after the mark:\n%q", tm.out.String()[tm.mark:])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// promptCtrlD types Ctrl-D at the line editor's prompt.
func (tm *term) promptCtrlD() {
	tm.t.Helper()
	tm.waitRaw()
	tm.send("\x04")
}

// wait waits for popsh to exit and returns its status.
func (tm *term) wait() int {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			tm.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("popsh did not exit; output:\n%q", tm.out.String()[tm.mark:])
		return -1
	}
}

func TestREPLTyping(t *testing.T) {
	home := t.TempDir()
	tm := startTerm(t, home)
	tm.expect("popsh> ")
	tm.send("(+ 1 2)\r")
	tm.expect("3\r\n")
	tm.expect("popsh> ")
	// Strings are written, several values each on a line, nothing for unspecified.
	tm.send("(values \"a b\" #\\x 'sym)\r")
	tm.expect("\"a b\"\r\n#\\x\r\nsym\r\n")
	tm.expect("popsh> ")
	// Multi-line input: the continuation prompt while parentheses are open.
	tm.send("(define (sq x)\r")
	tm.expect("...> ")
	tm.send("  (* x x))\r")
	tm.expect("popsh> ")
	tm.send("(sq 12)\r")
	tm.expect("144\r\n")
	// An error prints with its position and the session goes on.
	tm.send("(car 5)\r")
	tm.expect("car")
	tm.expect("popsh> ")
	tm.send("(display \"still here\")\r")
	tm.expect("still here")
	tm.expect("popsh> ")
	// Program output appears before the next prompt, on its own line.
	tm.send(",help\r")
	tm.expect(",load FILE")
	tm.expect("popsh> ")
	tm.promptCtrlD() // Ctrl-D leaves
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", code)
	}
}

func TestREPLInterrupt(t *testing.T) {
	home := t.TempDir()
	tm := startTerm(t, home)
	tm.expect("popsh> ")
	// Ctrl-C at the prompt clears the line.
	tm.send("(this is abandoned")
	tm.send("\x03")
	tm.expect("popsh> ")
	tm.send("(+ 2 2)\r")
	tm.expect("4\r\n")
	tm.expect("popsh> ")
	// Ctrl-C during a busy loop.
	tm.send("(let loop ((i 0)) (loop (+ i 1)))\r")
	time.Sleep(300 * time.Millisecond)
	tm.interruptUntil("interrupted")
	tm.expect("popsh> ")
	tm.send("(+ 3 4)\r")
	tm.expect("7\r\n")
	tm.expect("popsh> ")
	tm.send(",exit 5\r")
	if code := tm.wait(); code != 5 {
		t.Errorf("exit status after ,exit 5 = %d, want 5", code)
	}
}

func TestREPLHistoryAndCompletion(t *testing.T) {
	home := t.TempDir()
	tm := startTerm(t, home)
	tm.expect("popsh> ")
	tm.send("(* 1234 1000)\r")
	tm.expect("1234000\r\n")
	tm.expect("popsh> ")
	tm.send("(define zebra-unique-one 1)\r")
	tm.expect("popsh> ")
	tm.send("(define zebra-unique-two 2)\r")
	tm.expect("popsh> ")
	tm.send("zebra-uni\t")
	tm.expect("zebra-unique-") // the common part is completed
	tm.send("\t")
	tm.expect("zebra-unique-one")
	tm.expect("zebra-unique-two")
	tm.send("\x03\x03") // leave the list, then clear the line
	tm.expect("popsh> ")
	// The pop3 procedures are bound names too.
	tm.send("(pop3-connec\t\t")
	tm.expect("pop3-connect/tls")
	tm.send("\x03\x03")
	tm.expect("popsh> ")
	tm.send("(exit 0)\r")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after (exit 0) = %d, want 0", code)
	}
	hist := filepath.Join(home, ".popsh_history")
	fi, err := os.Stat(hist)
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(hist)
	if !strings.Contains(string(b), "(* 1234 1000)\n") {
		t.Errorf("history file = %q, want the typed expression", b)
	}
	// A second session recalls it with the up arrow.
	tm2 := startTerm(t, home)
	tm2.expect("popsh> ")
	tm2.send("\x1b[A\x1b[A\x1b[A\x1b[A") // up past the three defines and exit
	tm2.expect("(* 1234 1000)")
	tm2.send("\r")
	tm2.expect("1234000\r\n")
	tm2.promptCtrlD()
	if code := tm2.wait(); code != 0 {
		t.Errorf("second session exit status %d", code)
	}
}

func TestDemo(t *testing.T) {
	// popsh --demo: the server, the tour (every entry point), the way on.
	r := runPopsh(t, "", "", "--demo")
	r.check(t, "--demo", 0, `(?s)^popsh demo: a POP3 server .* runs at 127\.0\.0\.1:\d+.*#\{pop3-connection 127\.0\.0\.1\}.*popsh --demo -i`, "")
}

func TestDemoInteractiveOnAPipe(t *testing.T) {
	// --demo -i on a pipe evaluates stdin against the demo server, with
	// MAILHOST and the netrc pointing at it.
	prog := `(define c (pop3-connect))
(display c) (newline)
(pop3-login c)
(call-with-values (lambda () (pop3-stat c)) (lambda (n octets) (display n) (newline)))
(pop3-quit c)
`
	runPopsh(t, "", prog, "--demo", "-i").check(t, "--demo -i", 0, `^#\{pop3-connection 127\.0\.0\.1\}\n[1-9][0-9]*\n$`, "")
	// A failed login is an uncaught -ERR condition: scsh's format, the
	// position, status 1, and never the password.
	r := runPopsh(t, "", "(define c (pop3-connect))\n(pop3-login c \"demo\" \"sekrit-pw\")\n", "--demo", "-i")
	r.check(t, "failed login", 1, "", `^-ERR: .*Authentication failed.*\[stdin:2:1\]\n`)
	if strings.Contains(r.stderr, "sekrit-pw") {
		t.Errorf("the password appears in the error: %q", r.stderr)
	}
}

// BenchmarkNewInterp measures what every popsh run does before the
// program's first form: a new interpreter with the scsh layer and the pop3
// procedures installed.
func BenchmarkNewInterp(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newInterp([]string{"popsh"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartupProcess measures a whole `popsh -c 1` process: exec,
// runtime start, interpreter set-up, one evaluation, exit.
func BenchmarkStartupProcess(b *testing.B) {
	for b.Loop() {
		if out, err := exec.Command(popshBin, "-c", "1").CombinedOutput(); err != nil {
			b.Fatalf("popsh -c 1: %v %s", err, out)
		}
	}
}

func TestREPLTerminatedRestoresTerminal(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ") // the line editor has the terminal in raw mode now
	time.Sleep(100 * time.Millisecond)
	tm.cmd.Process.Signal(syscall.SIGTERM)
	if code := tm.wait(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status after SIGTERM = %d, want %d", code, 128+int(syscall.SIGTERM))
	}
	// The pty must be back in canonical mode with echo (as pty.Start set it).
	st, err := unix.IoctlGetTermios(int(tm.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lflag&unix.ICANON == 0 || st.Lflag&unix.ECHO == 0 {
		t.Errorf("terminal left in raw mode after SIGTERM (lflag %#x)", st.Lflag)
	}
}

func TestScriptArgs(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "args.scm", `
(write command-line-arguments) (newline)
(write (command-line)) (newline)
(write (argv 0)) (newline)
`)
	want := `^\("a" "b c"\)\n\("args.scm" "a" "b c"\)\n"args.scm"\n$`
	runPopsh(t, dir, "", "args.scm", "a", "b c").check(t, "popsh FILE args", 0, want, "")
	runPopsh(t, dir, "", "-s", "args.scm", "a", "b c").check(t, "-s FILE args", 0, want, "")
}

func TestEntryAndLoads(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lib.scm", `(define (greet who) (string-append "hello " who))`)
	writeFile(t, dir, "main.scm", `(define (main args) (display (greet (cadr args))) (newline) (write args) (newline))`)
	runPopsh(t, dir, "", "-l", "lib.scm", "-e", "main", "-s", "main.scm", "world").
		check(t, "-l -e -s", 0, `^hello world\n\("main.scm" "world"\)\n$`, "")
	// -lm and -o are accepted (one flat package); -dm loads the script at its place.
	runPopsh(t, dir, "", "-lm", "lib.scm", "-o", "pop3", "-dm", "-e", "main", "-s", "main.scm", "there").
		check(t, "-lm -o -dm -e -s", 0, `^hello there\n`, "")
	// The library path: +lp DIR and -ll FILE.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	writeFile(t, sub, "sublib.scm", `(define from-lib 'yes)`)
	runPopsh(t, dir, "", "+lp", sub, "-ll", "sublib.scm", "-c", "(write from-lib)").
		check(t, "+lp -ll", 0, `^yes$`, "")
	runPopsh(t, dir, "", "-ll", "sublib.scm", "-c", "1").
		check(t, "-ll not on the path", 1, "", `sublib.scm not found on the library path`)
	runPopsh(t, dir, "", "-l", "nope.scm", "-c", "1").check(t, "-l missing file", 1, "", `nope.scm`)
	runPopsh(t, dir, "", "-e", "nope", "-s", "lib.scm").check(t, "-e unbound", 1, "", `nope`)
	// -e with -- is ignored (scsh): the REPL runs; on a pipe it reads stdin.
	runPopsh(t, dir, "(display 7)", "-e", "main", "--").check(t, "-e with --", 0, `^7$`, "")
}

func TestREPLInterruptBlockedRead(t *testing.T) {
	home := t.TempDir()
	tm := startTerm(t, home)
	tm.expect("popsh> ")
	// Ctrl-C during a blocked read: (read-line) waits for the terminal.
	tm.send("(read-line)\r")
	time.Sleep(300 * time.Millisecond)
	tm.interruptUntil("interrupted")
	tm.expect("popsh> ")
	tm.send("(* 6 7)\r")
	tm.expect("42\r\n")
	tm.expect("popsh> ")
	// A read that is not interrupted still gets the line typed.
	tm.send("(string-length (read-line))\r")
	time.Sleep(200 * time.Millisecond)
	tm.send("hello\r")
	tm.expect("5\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", code)
	}
}

func TestPipeModeSharesStdin(t *testing.T) {
	// The program text and the program's reads come from the same stdin.
	runPopsh(t, "", "(begin (read-char) (display (string-upcase (read-line))))\nhello\n(display \"!\")\n").
		check(t, "pipe shares stdin", 0, `^HELLO!$`, "")
}

func TestScriptBlockedReadInterrupted(t *testing.T) {
	for _, prog := range []string{
		"(read-char)\n(display \"not reached\")\n",
		// (read) takes the interrupted read for the end of its input; the
		// loop ends, but the script still stops as interrupted.
		"(let loop () (if (eof-object? (read)) (display \"finished\") (loop)))\n",
	} {
		dir := t.TempDir()
		writeFile(t, dir, "wait.scm", "(display \"waiting\")\n(newline)\n"+prog)
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(popshBin, "wait.scm")
		cmd.Dir = dir
		cmd.Stdin = pr
		var so, se bytes.Buffer
		cmd.Stderr = &se
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pr.Close()
		// A read from stdin flushes stdout first: once "waiting" arrives,
		// the script is in its read (or about to enter it).
		copied := make(chan struct{})
		started := make(chan struct{})
		go func() {
			defer close(copied)
			line, _ := bufio.NewReader(io.TeeReader(stdout, &so)).ReadString('\n')
			if line == "waiting\n" {
				close(started)
			}
			io.Copy(&so, stdout)
		}()
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%s: the script did not print \"waiting\" before its read", prog)
		}
		cmd.Process.Signal(os.Interrupt)
		errc := make(chan error, 1)
		go func() { <-copied; errc <- cmd.Wait() }()
		select {
		case err := <-errc:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Errorf("%s: interrupted read: %v, want exit status 130", prog, err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%s: the script blocked in a read did not stop on SIGINT", prog)
		}
		pw.Close() // never written: the read blocked
		if !strings.HasPrefix(so.String(), "waiting\n") || strings.Contains(so.String(), "not reached") || se.String() != "interrupted\n" {
			t.Errorf("%s: stdout %q stderr %q; want \"waiting\" and \"interrupted\" (as at the prompt)", prog, so.String(), se.String())
		}
	}
}

func TestREPLInterruptNetworkRead(t *testing.T) {
	// A server that accepts and never says a word: pop3-connect waits for
	// the greeting until Ctrl-C.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send(fmt.Sprintf("(pop3-connect %q)\r", ln.Addr().String()))
	time.Sleep(300 * time.Millisecond)
	tm.interruptUntil("interrupted")
	tm.expect("popsh> ")
	tm.send("(+ 20 22)\r")
	tm.expect("42\r\n")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", code)
	}
}

func TestPromptShowsBeforeRead(t *testing.T) {
	// A prompt written without a newline must show before the program
	// waits for input: in a script and at the REPL.
	dir := t.TempDir()
	writeFile(t, dir, "ask.scm", "(display \"Name? \")\n(define l (read-line))\n(display (string-append \"hi \" l))\n(newline)\n")
	tm := startTerm(t, dir, "ask.scm")
	tm.expect("Name? ")
	tm.send("Ann\r")
	tm.expect("hi Ann\r\n")
	if code := tm.wait(); code != 0 {
		t.Errorf("script exit status %d", code)
	}
	tm = startTerm(t, dir)
	tm.expect("popsh> ")
	tm.send("(begin (display \"Age? \") (string->number (read-line)))\r")
	tm.expect("Age? ")
	tm.waitCooked()
	tm.send("41\r")
	tm.expect("41\r\n")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("REPL exit status %d", code)
	}
}

func TestDemoREPL(t *testing.T) {
	tm := startTerm(t, t.TempDir(), "--demo", "-i")
	tm.expect("POP3 server with sample mail runs at 127.0.0.1:")
	tm.expect("popsh> ")
	tm.send("(define c (pop3-connect))\r")
	tm.expect("popsh> ")
	tm.send("(pop3-login c)\r")
	tm.expect("Logged in")
	tm.expect("popsh> ")
	msgs, err := demo.Messages()
	if err != nil {
		t.Fatal(err)
	}
	tm.send("(pop3-stat c)\r") // two values, each on its own line
	tm.expect(fmt.Sprintf("(pop3-stat c)\r\n%s%d\r\n", pasteOff, len(msgs)))
	tm.expect("\r\n")
	tm.expect("popsh> ")
	tm.send("(pop3-quit c)\r")
	tm.expect("popsh> ")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// repoFile returns the absolute path of a file of this repository.
func repoFile(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDemoRunsAnyProgram(t *testing.T) {
	// A script with switches and arguments, -c and -s run against the
	// demo server with MAILHOST and NETRC set.
	dir := t.TempDir()
	writeFile(t, dir, "lib.scm", `(define (count-mail)
  (let ((c (pop3-connect)))
    (pop3-login c)
    (receive (n octets) (pop3-stat c) (pop3-quit c) n)))`)
	writeFile(t, dir, "s.scm", `(display (count-mail)) (display " ") (write command-line-arguments) (newline)`)
	msgs, err := demo.Messages()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`^%d \("a" "b"\)\n$`, len(msgs))
	runPopsh(t, dir, "", "--demo", "-l", "lib.scm", "s.scm", "a", "b").check(t, "--demo -l FILE FILE args", 0, want, "")
	runPopsh(t, dir, "", "--demo", "-l", "lib.scm", "-s", "s.scm", "a", "b").check(t, "--demo -l -s FILE args", 0, want, "")
	runPopsh(t, dir, "", "--demo", "-c", `(begin (display (getenv "MAILHOST")) (display " ") (display (file-exists? (getenv "NETRC"))))`).
		check(t, "--demo -c", 0, `^127\.0\.0\.1:\d+ #t$`, "")
	runPopsh(t, dir, "", "--demo", "-x").check(t, "--demo -x", 255, "", `unknown switch -x`)

	// The scripts of scripts/ work on the demo as the hints print them.
	md := filepath.Join(dir, "Maildir") + "/"
	runPopsh(t, dir, "", "--demo", repoFile(t, "scripts/movemail.scm"), md).
		check(t, "--demo movemail.scm DIR/", 0, fmt.Sprintf(`%d messages .* moved to `, len(msgs)), "")
	if got, err := os.ReadDir(filepath.Join(md, "new")); err != nil || len(got) != len(msgs) {
		t.Errorf("Maildir/new after movemail on the demo: %d files, %v; want %d", len(got), err, len(msgs))
	}
	runPopsh(t, dir, "", "--demo", repoFile(t, "scripts/popstat.scm")).
		check(t, "--demo popstat.scm", 0, fmt.Sprintf(`^127\.0\.0\.1:\d+: %d messages, \d+ KB \(no TLS\)\n$`, len(msgs)), "")
	runPopsh(t, dir, "", "--demo", repoFile(t, "scripts/pop-headers.scm")).
		check(t, "--demo pop-headers.scm", 0, `^   1 +\d+ +25 Nov 2026  popsh +Welcome to popsh\n`, "")
	// An empty maildrop says so.
	writeFile(t, dir, "empty.scm", `(let ((c (pop3-connect))) (pop3-login c) (pop3-delete-all c) (pop3-quit c))
(load "`+repoFile(t, "scripts/pop-headers.scm")+`")`)
	runPopsh(t, dir, "", "--demo", "empty.scm").check(t, "pop-headers.scm on an empty maildrop", 0, `^0 messages\n$`, "")
}

func TestDemoBannerExports(t *testing.T) {
	// The banner of --demo -i gives the two lines that point another
	// terminal at the server, and they work there.
	tm := startTerm(t, t.TempDir(), "--demo", "-i")
	tm.expect("export MAILHOST=")
	tm.mu.Lock()
	rest := tm.out.String()[tm.mark-len("export MAILHOST="):]
	tm.mu.Unlock()
	m := regexp.MustCompile(`export MAILHOST=(127\.0\.0\.1:\d+)\r\n +export NETRC=(\S+)\r\n`).FindStringSubmatch(rest)
	if m == nil {
		tm.expect("popsh> ")
		t.Fatalf("banner without the two export lines: %q", tm.out.String())
	}
	tm.expect("popsh> ")
	r := runPopshEnv(t, t.TempDir(), []string{"MAILHOST=" + m[1], "NETRC=" + m[2]}, repoFile(t, "scripts/popstat.scm"))
	r.check(t, "popstat.scm with the exported settings", 0, `^127\.0\.0\.1:\d+: \d+ messages`, "")
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// eval types line and Enter, and returns what was printed after the line
// up to (not including) the next prompt; the mark moves past that prompt.
func (tm *term) eval(line string) string {
	tm.t.Helper()
	tm.send(line + "\r")
	tm.expect(line + "\r\n" + pasteOff)
	start := tm.mark
	tm.expect("popsh> ")
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()[start : tm.mark-len("popsh> ")]
}

func TestREPLCtrlD(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	// Ctrl-D while the program reads the terminal: end of file for that
	// read only; the session goes on.
	tm.send("(read-line)\r")
	tm.expect("(read-line)\r\n")
	tm.waitCooked() // the evaluation reads the terminal now
	tm.send("\x04")
	tm.expect("#<eof>\r\n")
	tm.expect("popsh> ")
	tm.send("(list (read-char) (read-line))\r")
	tm.expect("(read-line))\r\n")
	tm.waitCooked()
	tm.send("\x04")
	tm.send("\x04")
	tm.expect("(#<eof> #<eof>)\r\n")
	tm.expect("popsh> ")
	tm.send("(+ 40 2)\r")
	tm.expect("42\r\n")
	tm.expect("popsh> ")
	// Ctrl-D on a continuation line drops the unfinished entry, says so
	// in one line, and stays.
	tm.send("(define (half x)\r")
	tm.expect("...> ")
	tm.promptCtrlD()
	tm.expect("; unfinished entry discarded")
	tm.expect("popsh> ")
	if s := tm.eval("(procedure? half)"); !strings.Contains(s, "unbound") {
		t.Errorf("after the discarded entry: %q, want half unbound", s)
	}
	// Ctrl-D at an empty prompt leaves.
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status after Ctrl-D = %d, want 0", code)
	}
}

func TestREPLInterruptsPrintOneWay(t *testing.T) {
	// A server that accepts and never says a word: a network wait.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	for _, prog := range []string{
		"(let loop () (loop))",
		"(read-line)",
		"(read)",
		"(let loop ((n 0)) (if (eof-object? (read)) (list 'finished n) (loop (+ n 1))))",
		"(read-char)",
		fmt.Sprintf("(pop3-connect %q)", ln.Addr().String()),
	} {
		tm.send(prog + "\r")
		tm.expect(prog + "\r\n")
		tm.waitCooked() // the evaluation runs
		tm.interruptUntil("interrupted")
		start := tm.mark - len("interrupted")
		tm.expect("popsh> ")
		tm.mu.Lock()
		around := tm.out.String()[start-8 : tm.mark]
		tm.mu.Unlock()
		if !regexp.MustCompile(`(\^C|\n)interrupted\r\n`).MatchString(around) || strings.Contains(around, "finished") ||
			strings.Contains(around, "rror") || strings.Contains(around, "eof") {
			t.Errorf("%s, then Ctrl-C: %q; want the line \"interrupted\" and nothing else", prog, around)
		}
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLEntryPositionsAndErrorsOnce(t *testing.T) {
	tm := startTerm(t, t.TempDir())
	tm.expect("popsh> ")
	tm.send("(define (f x) (car x))\r") // entry 1
	tm.expect("popsh> ")
	tm.send("(+ 1 2)\r") // entry 2
	tm.expect("3\r\n")
	tm.expect("popsh> ")
	// Entry 3: the error is in entry 1, column 15.
	if s := tm.eval("(f 5)"); !strings.Contains(s, "stdin#1:1:15: car: expected a pair, got 5\r\n  at f (stdin#1:1:15)") {
		t.Errorf("error inside f: %q, want the position stdin#1:1:15", s)
	}
	tm.send("(list 1\r") // entry 4, over two lines
	tm.expect("...> ")
	s := tm.eval("   (error \"got\" 0))")
	if !strings.Contains(s, "stdin#4:2:4: Error: got 0\r\n") || strings.Contains(s, "got 0 0") {
		t.Errorf("error in entry 4: %q, want stdin#4:2:4 and the value once", s)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestREPLFileNameCompletionAndDoc(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "examples"), 0o755)
	writeFile(t, dir, "examples/hello-world.scm", "(display \"hello from the file\")\n")
	tm := startTerm(t, dir)
	tm.expect("popsh> ")
	// Tab inside a string completes file names, not Scheme names.
	tm.send("(load \"exa\t")
	tm.expect("(load \"examples/")
	tm.send("hel\t")
	tm.expect("examples/hello-world.scm")
	tm.send("\")\r")
	tm.expect("hello from the file")
	tm.expect("popsh> ")
	// Outside a string, Tab still completes names.
	tm.send("(pop3-get-a\t")
	tm.expect("(pop3-get-all")
	tm.send("\x03")
	tm.expect("popsh> ")
	// ,doc prints the doc line (call, what it does, section), then the
	// entry of docs/procedures.md.
	if s := tm.eval(",doc pop3-stat"); !strings.Contains(s, "(pop3-stat conn)\r\n  two values, the number of messages and their size in octets\r\n  (pop3: messages)\r\n") ||
		!strings.Contains(s, "docs/procedures.md)") {
		t.Errorf(",doc pop3-stat: %q, want its doc line, section and guide entry", s)
	}
	// ,apropos: one name a line, with its doc line.
	if s := tm.eval(",apropos pop3-sta"); !strings.Contains(s, "pop3-starttls  (pop3-starttls conn): upgrade the session to TLS with STLS (before login)\r\npop3-stat      (pop3-stat conn): two values") {
		t.Errorf(",apropos pop3-sta: %q", s)
	}
	if s := tm.eval(",doc mbox-append"); !strings.Contains(s, "(mbox-append file text ...)") {
		t.Errorf(",doc mbox-append: %q", s)
	}
	if s := tm.eval(",doc no-such-name-here"); !strings.Contains(s, "not bound and not documented") {
		t.Errorf(",doc of an unknown name: %q", s)
	}
	tm.promptCtrlD()
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestErrorValuePrintedOnce(t *testing.T) {
	// The refused value appears once in the message, not again as an
	// irritant.
	r := runPopsh(t, "", "", "--demo", "-c", "(let ((c (pop3-connect))) (pop3-login c) (pop3-get c 0))")
	r.check(t, "pop3-get 0", 1, "", `^-c:1:\d+: pop3-get: argument 2 \(msgid\): expected a message number \(a positive exact integer\), got 0\n$`)
}

func TestDemoTerminatedRemovesNetrc(t *testing.T) {
	// SIGTERM at the demo's prompt: the terminal is restored and the
	// demo's netrc file (its password) does not stay behind.
	tm := startTerm(t, t.TempDir(), "--demo", "-i")
	tm.expect("export NETRC=")
	start := tm.mark
	tm.expect("\r\n")
	tm.mu.Lock()
	netrc := strings.TrimSpace(tm.out.String()[start : tm.mark-2])
	tm.mu.Unlock()
	if _, err := os.Stat(netrc); err != nil {
		t.Fatalf("the demo's netrc %q: %v", netrc, err)
	}
	tm.expect("popsh> ")
	tm.cmd.Process.Signal(syscall.SIGTERM)
	if code := tm.wait(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status after SIGTERM = %d", code)
	}
	if _, err := os.Stat(netrc); !os.IsNotExist(err) {
		t.Errorf("after SIGTERM the demo's netrc %q is still there (%v)", netrc, err)
	}
}

// TestBuildIsStatic checks that the binary built as the README says has no
// dynamic loader: a static popsh starts without loading libc.
func TestBuildIsStatic(t *testing.T) {
	if os.Getenv("POPSH_TEST_RACE") != "" {
		t.Skip("the race detector's build links with cgo")
	}
	f, err := elf.Open(popshBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("%s (built with %q) asks for a dynamic loader", popshBin, buildCommand)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Fatalf("%s (built with %q) needs shared libraries %v (%v)", popshBin, buildCommand, libs, err)
	}
}

// A script that imports (scheme base) before it uses read-line or
// read-string gets R7RS's, whatever order popsh installs its bindings in;
// one that does not import it keeps scsh's.
func TestStandardReadersOfSchemeBase(t *testing.T) {
	dir := t.TempDir()
	std := writeFile(t, dir, "std.scm", `(import (scheme base) (scheme write))
(write (list (read-line (open-input-string "a\r\nb")) (eof-object? (read-string 3 (open-input-string "")))))`)
	runPopsh(t, dir, "", "-s", std).check(t, "imports (scheme base)", 0, `^\("a" #t\)$`, "")
	lib := writeFile(t, dir, "lib.scm", `(define-library (reader) (import (scheme base) (scheme write)) (export run)
  (begin (define (run) (write (read-line (open-input-string "okay\r\nnext"))))))
(import (reader))
(run)`)
	runPopsh(t, dir, "", "-s", lib).check(t, "a library imports (scheme base)", 0, `^"okay"$`, "")
	scsh := writeFile(t, dir, "scsh.scm", `(write (list (read-line (open-input-string "a\r\nb")) (read-string 3 (open-input-string ""))))`)
	runPopsh(t, dir, "", "-s", scsh).check(t, "scsh", 0, `^\("a\\r" #f\)$`, "")
}

// interruptExpect130 sends SIGINT to the popsh of cmd and checks that it
// ends within 10 seconds with status 130, as an interrupted run does.
func interruptExpect130(t *testing.T, cmd *exec.Cmd, what string) {
	t.Helper()
	cmd.Process.Signal(os.Interrupt)
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("%s: %v, want exit status 130", what, err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%s: popsh did not stop on SIGINT", what)
	}
}
