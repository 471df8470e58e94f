// Command popsh is a Scheme shell with a POP3 engine: an interactive REPL
// (readline, history, completion), a script runner that understands scsh's
// command line (-s, -c, -e, -l, --, the \ meta-argument), and a demo that
// starts a POP3 server on loopback and runs a tour.
//
// Usage:
//
//	popsh                        REPL on a terminal; on a pipe, run stdin
//	popsh FILE arg ...           run a script (same as -s FILE)
//	popsh [switch ...] -s FILE arg ...
//	popsh [switch ...] -c EXPR arg ...
//	popsh [switch ...] -- arg ...   REPL with arguments
//	popsh --demo                 start the demo server and run the tour
//	popsh --demo -i              the REPL against the demo server
//	popsh --demo [switch ...] FILE arg ...   any program against it
//	popsh --help | --version
//
// Exit status: 0 on success, 1 on an uncaught error, 255 on a usage error,
// n after (exit n).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"popsh/bindings"
	"popsh/bindings/scsh"
	"popsh/internal/demo"
	"popsh/internal/hugepage/earlyheap"
	"popsh/interp"
	"popsh/interp/repl"
)

// version is the program's version, printed by --version.
const version = "popsh 0.1.0"

func main() {
	startGCPacer()
	os.Exit(run(os.Args))
}

// atExit holds what must be undone when popsh leaves by exitNow (a signal
// or a stuck evaluation) instead of returning from run: the demo's server
// and its netrc file.
var atExit struct {
	sync.Mutex
	fns []func()
}

// exitNow runs the atExit functions and exits with code.
func exitNow(code int) {
	atExit.Lock()
	for i := len(atExit.fns) - 1; i >= 0; i-- {
		atExit.fns[i]()
	}
	atExit.Unlock()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(argv []string) int {
	args, err := expandMetaArgs(argv[1:])
	if err != nil {
		return reportStartError(err)
	}
	inv, err := parseArgs(args)
	if err != nil {
		return reportStartError(err)
	}
	switch {
	case inv.help:
		fmt.Print(usageText)
		return 0
	case inv.version:
		fmt.Println(version)
		return 0
	}
	banner := ""
	if inv.demo {
		d, err := startDemo()
		if err != nil {
			fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
			return 1
		}
		defer d.Close()
		atExit.Lock()
		atExit.fns = append(atExit.fns, func() { d.Close() })
		atExit.Unlock()
		if inv.tour {
			return runTour(d, argv[0])
		}
		banner = demoBanner(d)
	}
	prog := argv[0]
	if inv.end == "-s" {
		prog = inv.endArg
	}
	inv.cmdline = append([]string{prog}, inv.args...)
	it, err := newInterp(inv.cmdline)
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	if inv.end == "-s" {
		scsh.SetScriptFile(it, inv.endArg)
	}
	ctx, stop := interruptContext(it)
	if (inv.end == "--" || inv.end == "") && repl.IsTerminal(os.Stdin) {
		// The switches' loads first (Ctrl-C stops them), then the REPL.
		_, err := runActions(ctx, it, inv)
		stop(true)
		if err != nil {
			return finish(it, err)
		}
		return runREPL(it, banner)
	}
	// The process exits when run returns: Ctrl-C's handler is not given
	// back (see interruptContext), except with the demo, whose server is
	// closed after.
	defer stop(inv.demo)
	err = runBatch(ctx, it, inv, batchInput(ctx, it))
	// the stages the program forked end before it does (Ctrl-C stops them)
	err = scsh.WaitStages(ctx, it, err)
	err = scsh.RunExitHooks(ctx, it, err)
	if err == nil && ctx.Err() != nil {
		// Ctrl-C came while a primitive that does not wait finished its
		// work: the run was still interrupted.
		err = &interp.ErrorObject{Message: "interrupted", Cause: ctx.Err()}
	}
	return finish(it, err)
}

// batchInput makes stdin the interpreter's current input in a way that
// Ctrl-C can interrupt (a script waiting for input stops too), and returns
// the buffered reader the port reads from: in pipe mode, the program text
// is read through the same buffer, so what the program reads is what
// follows its text.
func batchInput(ctx context.Context, it *interp.Interp) *bufio.Reader {
	ir := repl.NewInterruptibleReader(os.Stdin)
	ir.SetContext(ctx)
	in := bufio.NewReaderSize(ir, 64<<10)
	it.SetInput(in)
	tiePorts(it)
	return in
}

// tiePorts makes a read from the current input and a write to the current
// error port flush the current output first, so a prompt written without
// a newline shows before the program waits, and messages keep their order.
func tiePorts(it *interp.Interp) {
	out := it.CurrentOutput()
	it.CurrentInput().Tie = out
	it.CurrentError().Tie = out
}

// newInterp returns an interpreter with everything popsh binds installed
// and the command line set.
func newInterp(cmdline []string) (*interp.Interp, error) {
	earlyheap.Again()
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		return nil, err
	}
	it.SetCommandLine(cmdline)
	scsh.SetArgs(it, cmdline[1:])
	if repl.IsTerminal(os.Stdout) {
		it.CurrentOutput().LineFlush = true
	}
	tiePorts(it)
	return it, nil
}

// loadScript loads the script of -s or -sfd.
func loadScript(ctx context.Context, it *interp.Interp, inv *invocation) error {
	if inv.end == "-sfd" {
		fd, _ := strconv.Atoi(inv.endArg)
		f := os.NewFile(uintptr(fd), "fd "+inv.endArg)
		if f == nil {
			return fmt.Errorf("-sfd %d: not a file descriptor", fd)
		}
		defer f.Close()
		if _, err := f.Stat(); err != nil {
			return fmt.Errorf("-sfd: read the script from fd %d: %w", fd, err)
		}
		_, err := it.EvalReader(ctx, f, "fd "+inv.endArg)
		return err
	}
	_, err := it.EvalFile(ctx, inv.endArg)
	return err
}

// runActions does the switches' actions left to right; scriptLoaded
// reports whether -ds/-dm/-de loaded the script among them.
func runActions(ctx context.Context, it *interp.Interp, inv *invocation) (scriptLoaded bool, err error) {
	libPath := scsh.LibDirs(it)
	scriptFile := ""
	if inv.end == "-s" {
		scriptFile = inv.endArg
	}
	for _, a := range inv.actions {
		var err error
		switch a.kind {
		case actLoad:
			if a.flag == "-le" {
				err = scsh.LoadExec(ctx, it, a.arg)
			} else {
				_, err = it.EvalFile(ctx, a.arg)
			}
		case actLoadLib:
			var f string
			if f, err = libPath.Find(a.arg, scriptFile); err == nil {
				if a.flag == "-lel" {
					err = scsh.LoadExec(ctx, it, f)
				} else {
					_, err = it.EvalFile(ctx, f)
				}
			}
		case actScriptHere:
			err = loadScript(ctx, it, inv)
			scriptLoaded = true
		case actLibPrepend:
			libPath.Prepend(a.arg)
		case actLibAppend:
			libPath.Append(a.arg)
		case actLibClear:
			libPath.Clear()
		case actLibDefault:
			libPath.Reset()
		}
		if err != nil {
			return scriptLoaded, err
		}
	}
	return scriptLoaded, nil
}

// runBatch does the switches' actions, then the end option (for the REPL's
// end options, evaluates stdin, which is not a terminal); it returns the
// first error.
func runBatch(ctx context.Context, it *interp.Interp, inv *invocation, stdin *bufio.Reader) error {
	scriptLoaded, err := runActions(ctx, it, inv)
	if err != nil {
		return err
	}
	switch inv.end {
	case "-s", "-sfd":
		if !scriptLoaded {
			if err := loadScript(ctx, it, inv); err != nil {
				return err
			}
		}
		if inv.entry != "" {
			proc, ok := it.Lookup(inv.entry)
			if !ok {
				return fmt.Errorf("-e %s: unbound variable %s", inv.entry, inv.entry)
			}
			if _, err := it.Call(ctx, proc, stringList(inv.cmdline)); err != nil {
				return err
			}
		}
		return nil
	case "-c":
		return evalOne(ctx, it, inv.endArg)
	default:
		// No end option or --, and stdin is not a terminal: evaluate stdin
		// silently, stopping at the first uncaught error like a script.
		_, err := it.EvalReader(ctx, stdin, "stdin")
		return err
	}
}

// stringList returns a fresh Scheme list of strings.
func stringList(ss []string) interp.Value {
	vals := make([]interp.Value, len(ss))
	for i, s := range ss {
		vals[i] = interp.NewString(s)
	}
	return interp.List(vals...)
}

// evalOne evaluates the -c expression, which must be exactly one datum.
func evalOne(ctx context.Context, it *interp.Interp, src string) error {
	r := interp.NewReader(strings.NewReader(src), "-c")
	if _, err := r.Read(); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("-c: no expression in the string")
		}
		return err
	}
	if _, err := r.Read(); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return fmt.Errorf("-c: More than one value read from string %q", src)
	}
	_, err := it.EvalString(ctx, src, "-c")
	return err
}

// finish flushes the interpreter's ports, reports an uncaught error and
// returns the exit status: n for (exit n), 1 for an error, 130 when
// interrupted, else 0.
func finish(it *interp.Interp, err error) int {
	flushPorts(it)
	if err == nil {
		return 0
	}
	var ee *interp.ExitError
	if errors.As(err, &ee) {
		return ee.Code & 0xff
	}
	var st *repl.ExitStatus
	if errors.As(err, &st) {
		return st.Code & 0xff
	}
	fmt.Fprintln(os.Stderr, interp.FormatError(err))
	if interp.IsInterrupt(err) {
		return 130
	}
	return 1
}

// flushPorts flushes every output port the program opened and did not
// close (scsh flushes all ports at exit: a script that never closes its
// log or mailbox file loses nothing), then the current output and error
// ports.
func flushPorts(it *interp.Interp) {
	if err := interp.FlushOpenPorts(it); err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
	}
}

// interruptContext returns a context cancelled by the first Ctrl-C
// (SIGINT), so a script stops cleanly with its output flushed; a second
// Ctrl-C kills the process as usual. While the program of it has taken
// SIGINT over (a handler for interrupt/keyboard, or ignore-signal), Ctrl-C
// is left to it. stop ends the watch; with release, Ctrl-C gets its
// default action back (the REPL then installs its own handling). Without
// release, the handler stays registered: for a run whose process exits
// next, as giving it back costs a round trip to the runtime's signal
// thread, a tenth of a millisecond of every start.
func interruptContext(it *interp.Interp) (ctx context.Context, stop func(release bool)) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	go func() {
		for {
			select {
			case <-ch:
				if scsh.InterruptTaken(it) {
					continue
				}
				signal.Reset(os.Interrupt)
				cancel()
			case <-ctx.Done():
			}
			return
		}
	}()
	return ctx, func(release bool) {
		if release {
			signal.Stop(ch)
		}
		cancel()
	}
}

// startDemo is the first step of --demo: start popsh's own POP3 server on
// 127.0.0.1 over a sample maildrop and point the connection defaults at it
// (MAILHOST and a private NETRC file) for everything that runs after.
func startDemo() (*demo.Server, error) {
	d, err := demo.Start(context.Background())
	if err != nil {
		return nil, fmt.Errorf("--demo: %w", err)
	}
	if err := d.Apply(); err != nil {
		d.Close()
		return nil, fmt.Errorf("--demo: %w", err)
	}
	return d, nil
}

// runTour is --demo alone: run the tour (examples/tour.scm, embedded)
// against the demo server and say how to continue, in commands that start
// popsh the way this run was started (see commandName).
func runTour(d *demo.Server, argv0 string) int {
	it, err := newInterp([]string{"popsh"})
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	ctx, stop := interruptContext(it)
	defer stop(true)
	batchInput(ctx, it)
	fmt.Printf("popsh demo: a POP3 server with sample mail runs at %s (MAILHOST=%s).\n"+
		"Running examples/tour.scm:\n\n", d.Addr, d.Addr)
	if _, err := it.EvalString(ctx, demo.Tour(), "examples/tour.scm"); err != nil {
		return finish(it, err)
	}
	flushPorts(it)
	fmt.Print(demo.Hints(commandName(argv0)))
	return 0
}

// demoBanner greets the REPL of --demo -i: where the server is, the two
// lines that point another terminal at it, and what to type.
func demoBanner(d *demo.Server) string {
	return fmt.Sprintf("%s demo: a POP3 server with sample mail runs at %s while this prompt is open.\n"+
		"To use it from another terminal:\n%s"+
		"Try: (define c (pop3-connect)) (pop3-login c) (pop3-stat c) (pop3-get c 1) (pop3-quit c)\n"+
		",help for help; Ctrl-D to leave (the server stops).", version, d.Addr, indent(d.Exports(), "  "))
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// commandName is how the user started popsh, for hints they can paste:
// "go run ." when the binary is go run's temporary build, the path typed
// when there is one ("./popsh"), else "popsh" (found on $PATH).
func commandName(argv0 string) string {
	switch {
	case strings.Contains(argv0, string(filepath.Separator)+"go-build"):
		return "go run ."
	case strings.ContainsRune(argv0, filepath.Separator):
		return argv0
	}
	return "popsh"
}

// reportStartError prints a command-line problem and returns its status.
func reportStartError(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(os.Stderr, "popsh: %s\n%s", ue.msg, usageText)
		return 255
	}
	fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
	return 255
}
