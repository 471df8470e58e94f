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
//	popsh --demo [-i]            start the demo server and run the tour
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
	"syscall"

	"popsh/bindings"
	"popsh/interp"
	"popsh/interp/repl"
)

// version is the program's version, printed by --version.
const version = "popsh 0.1.0"

const usageText = `Usage: popsh [meta-arg] [switch ...] [end-option arg ...]
       popsh FILE arg ...          (the same as popsh -s FILE arg ...)
       popsh --demo [-i] | --help | --version

meta-arg:   \ <script-file-name>   (switches are read from line 2 of the script)
switch:     -e <entry>             call (<entry> (command-line)) after loading
            -l <file>              load a file (also -lm, -le: popsh has one package)
            -ll <file> -lel <file> load a file found on the library path
            +lp <dir> lp+ <dir> +lpe <dir> lpe+ <dir> +lpsd lpsd+ -lp-clear -lp-default
            -o <struct> -m <struct> -n <package>   accepted; no effect in popsh
            -ds -dm -de            load the script here (requires -s or -sfd)
end-option: -s <script>            run a script file, then exit
            -sfd <fd>              run the script read from file descriptor fd
            -c <exp>               evaluate exactly one expression, then exit
            --                     interactive REPL (the default)
`

// usageError is a bad command line: the message, then the usage text, and
// exit status 255 (scsh's (exit -1)).
type usageError struct{ msg string }

// Error returns the message (the usage text is printed separately).
func (e *usageError) Error() string { return e.msg }

// Kinds of switch actions, done left to right before the end option.
const (
	actLoad       = iota // -l, -lm, -le: load Arg (relative to the cwd)
	actLoadLib           // -ll, -lel: load Arg found on the library path
	actScriptHere        // -ds, -dm, -de: load the script at this point
	actLibPrepend        // +lp, +lpe: put Arg first on the library path
	actLibAppend         // lp+, lpe+: put Arg last on the library path
	actLibClear          // -lp-clear
	actLibDefault        // -lp-default
)

// action is one switch to perform, in order.
type action struct {
	kind int
	arg  string
	flag string // the switch as typed, for messages
}

// invocation is a parsed command line.
type invocation struct {
	help, version bool
	demo          bool // --demo
	demoREPL      bool // --demo -i
	actions       []action
	entry         string // -e ENTRY, or ""
	end           string // "-s", "-sfd", "-c", "--" or "" (no end option: REPL)
	endArg        string // the script, the fd, or the expression
	args          []string
	cmdline       []string // (command-line): program or script name, then args
}

// parseArgs parses the arguments after the program name (meta-argument
// already expanded), following scsh 0.6's top.scm.
func parseArgs(args []string) (*invocation, error) {
	inv := &invocation{}
	if len(args) > 0 {
		switch args[0] {
		case "--help", "-h", "-help":
			inv.help = true
			if len(args) > 1 {
				return nil, &usageError{"--help takes no arguments"}
			}
			return inv, nil
		case "--version":
			inv.version = true
			if len(args) > 1 {
				return nil, &usageError{"--version takes no arguments"}
			}
			return inv, nil
		case "--demo":
			inv.demo = true
			for _, a := range args[1:] {
				if a != "-i" || inv.demoREPL {
					return nil, &usageError{fmt.Sprintf("--demo: unexpected argument %q (only -i)", a)}
				}
				inv.demoREPL = true
			}
			return inv, nil
		}
	}
	needArg := func(i int) (string, error) {
		if i+1 >= len(args) {
			return "", &usageError{fmt.Sprintf("switch %s needs an argument", args[i])}
		}
		return args[i+1], nil
	}
	scriptHere := ""
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-e":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			inv.entry = v
			i++
		case "-l", "-lm", "-le", "-ll", "-lel", "+lp", "lp+", "+lpe", "lpe+":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			i++
			switch a {
			case "-l", "-lm", "-le":
				inv.actions = append(inv.actions, action{actLoad, v, a})
			case "-ll", "-lel":
				inv.actions = append(inv.actions, action{actLoadLib, v, a})
			case "+lp":
				inv.actions = append(inv.actions, action{actLibPrepend, v, a})
			case "lp+":
				inv.actions = append(inv.actions, action{actLibAppend, v, a})
			case "+lpe":
				inv.actions = append(inv.actions, action{actLibPrepend, expandDir(v), a})
			case "lpe+":
				inv.actions = append(inv.actions, action{actLibAppend, expandDir(v), a})
			}
		case "+lpsd", "lpsd+":
			// The script's directory: filled in once the script is known.
			k := actLibPrepend
			if a == "lpsd+" {
				k = actLibAppend
			}
			inv.actions = append(inv.actions, action{k, "", a})
		case "-lp-clear":
			inv.actions = append(inv.actions, action{actLibClear, "", a})
		case "-lp-default":
			inv.actions = append(inv.actions, action{actLibDefault, "", a})
		case "-o", "-m", "-n":
			// Scheme48's module system is flattened: every name is visible.
			if _, err := needArg(i); err != nil {
				return nil, err
			}
			i++
		case "-ds", "-dm", "-de":
			if scriptHere != "" {
				return nil, &usageError{fmt.Sprintf("switch %s after %s: the script can be loaded only once", a, scriptHere)}
			}
			scriptHere = a
			inv.actions = append(inv.actions, action{actScriptHere, "", a})
		case "-s", "-sfd", "-c":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			inv.end, inv.endArg = a, v
			i += 2
			goto done
		case "--":
			inv.end = "--"
			i++
			goto done
		default:
			if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+") {
				return nil, &usageError{fmt.Sprintf("unknown switch %s", a)}
			}
			// popsh FILE arg ...: a script, as with -s.
			inv.end, inv.endArg = "-s", a
			i++
			goto done
		}
	}
done:
	inv.args = append([]string{}, args[min(i, len(args)):]...)
	switch inv.end {
	case "-c":
		if scriptHere != "" {
			return nil, &usageError{fmt.Sprintf("-c cannot follow %s", scriptHere)}
		}
		if inv.entry != "" {
			return nil, &usageError{"-e cannot be used with -c"}
		}
	case "-sfd":
		if n, err := strconv.Atoi(inv.endArg); err != nil || n < 0 {
			return nil, &usageError{fmt.Sprintf("-sfd needs a file descriptor number, got %q", inv.endArg)}
		}
	case "-s":
	default: // "--" or no end option: the REPL
		if scriptHere != "" {
			return nil, &usageError{fmt.Sprintf("switch %s requires a terminating -s <script>", scriptHere)}
		}
		inv.entry = "" // scsh ignores -e without a script
	}
	if inv.end == "-s" || inv.end == "-sfd" {
		dir := "."
		if inv.end == "-s" {
			dir = filepath.Dir(inv.endArg)
		}
		for k := range inv.actions {
			if a := &inv.actions[k]; a.flag == "+lpsd" || a.flag == "lpsd+" {
				a.arg = dir
			}
		}
	} else {
		for k := range inv.actions {
			if a := &inv.actions[k]; a.flag == "+lpsd" || a.flag == "lpsd+" {
				a.arg = "."
			}
		}
	}
	return inv, nil
}

// expandDir expands a leading ~ and $VARIABLES in a library directory
// (+lpe, lpe+).
func expandDir(d string) string {
	if d == "~" || strings.HasPrefix(d, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			d = h + d[1:]
		}
	}
	return os.ExpandEnv(d)
}

// defaultLibPath is the library path at start and after -lp-default: the
// directories listed in $POPSH_LIB_PATH (colon-separated), else none.
func defaultLibPath() []string {
	var p []string
	for _, d := range strings.Split(os.Getenv("POPSH_LIB_PATH"), ":") {
		if d != "" {
			p = append(p, d)
		}
	}
	return p
}

// findOnLibPath returns the first dir/name that exists.
func findOnLibPath(path []string, name string) (string, error) {
	if filepath.IsAbs(name) {
		return name, nil
	}
	for _, d := range path {
		f := filepath.Join(d, name)
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("load: %s not found on the library path %q", name, path)
}

// expandMetaArgs expands scsh's meta-argument: when args (after the program
// name) starts with `\`, the switches on line 2 of the script named next
// replace the `\`, and the expansion repeats while the result starts with `\`.
func expandMetaArgs(args []string) ([]string, error) {
	for n := 0; len(args) > 0 && args[0] == `\`; n++ {
		if n > 20 {
			return nil, &usageError{`meta-argument: too many nested \ expansions`}
		}
		if len(args) < 2 {
			return nil, &usageError{`meta-argument \ needs a script file name`}
		}
		line, err := secondLine(args[1])
		if err != nil {
			return nil, err
		}
		extra, err := parseMetaArgLine(line)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("meta-argument: line 2 of %s: %v", args[1], err)}
		}
		args = append(extra, args[1:]...)
	}
	return args, nil
}

// secondLine returns the text of a file from its line 2 on (at most
// 64 KiB): the meta-argument grammar decides where line 2 ends, since a
// backslash may escape a newline.
func secondLine(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("meta-argument: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	if _, err := r.ReadString('\n'); err != nil {
		return "", &usageError{fmt.Sprintf("meta-argument: %s has no second line", path)}
	}
	rest, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return "", fmt.Errorf("meta-argument: read %s: %w", path, err)
	}
	return string(rest), nil
}

// parseMetaArgLine splits line 2 of a script with scsh's meta-argument
// grammar (meta-arg.scm): every space ends an argument (two spaces make an
// empty one), a newline ends the list, a tab is an error, and a backslash
// escapes space, tab, newline and backslash, or gives \n \r \t \b \a \f \v
// or \nnn (three octal digits).
func parseMetaArgLine(line string) ([]string, error) {
	var args []string
	var cur []byte
	for i := 0; ; i++ {
		if i >= len(line) || line[i] == '\n' {
			return append(args, string(cur)), nil
		}
		c := line[i]
		switch c {
		case ' ':
			args = append(args, string(cur))
			cur = nil
		case '\t':
			return nil, fmt.Errorf("tab at column %d (a tab is not allowed; escape it as \\t)", i+1)
		case '\\':
			i++
			if i >= len(line) {
				return nil, errors.New("backslash at the end of the line")
			}
			switch e := line[i]; e {
			case ' ', '\t', '\n', '\\':
				cur = append(cur, e)
			case 'n':
				cur = append(cur, '\n')
			case 'r':
				cur = append(cur, '\r')
			case 't':
				cur = append(cur, '\t')
			case 'b':
				cur = append(cur, '\b')
			case 'a':
				cur = append(cur, '\a')
			case 'f':
				cur = append(cur, '\f')
			case 'v':
				cur = append(cur, '\v')
			default:
				if e >= '0' && e <= '7' {
					if i+2 >= len(line) || !isOctal(line[i+1]) || !isOctal(line[i+2]) {
						return nil, fmt.Errorf("\\%c at column %d: an octal escape needs exactly three digits", e, i)
					}
					v, _ := strconv.ParseUint(line[i:i+3], 8, 16)
					if v > 255 {
						return nil, fmt.Errorf("\\%s at column %d: octal escape out of range", line[i:i+3], i)
					}
					cur = append(cur, byte(v))
					i += 2
				} else {
					return nil, fmt.Errorf("unknown escape \\%c at column %d", e, i)
				}
			}
		default:
			cur = append(cur, c)
		}
	}
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func main() {
	startGCPacer()
	os.Exit(run(os.Args))
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
	case inv.demo:
		return runDemo(inv.demoREPL)
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
	ctx, stop := interruptContext()
	if (inv.end == "--" || inv.end == "") && repl.IsTerminal(os.Stdin) {
		// The switches' loads first (Ctrl-C stops them), then the REPL.
		_, err := runActions(ctx, it, inv)
		stop()
		if err != nil {
			return finish(it, err)
		}
		return runREPL(it, "")
	}
	defer stop()
	return finish(it, runBatch(ctx, it, inv, batchInput(ctx, it)))
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
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		return nil, err
	}
	it.SetCommandLine(cmdline)
	bindings.SetScshArgs(it, cmdline[1:])
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
	libPath := defaultLibPath()
	for _, a := range inv.actions {
		var err error
		switch a.kind {
		case actLoad:
			_, err = it.EvalFile(ctx, a.arg)
		case actLoadLib:
			var f string
			if f, err = findOnLibPath(libPath, a.arg); err == nil {
				_, err = it.EvalFile(ctx, f)
			}
		case actScriptHere:
			err = loadScript(ctx, it, inv)
			scriptLoaded = true
		case actLibPrepend:
			libPath = append([]string{a.arg}, libPath...)
		case actLibAppend:
			libPath = append(libPath, a.arg)
		case actLibClear:
			libPath = nil
		case actLibDefault:
			libPath = defaultLibPath()
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
	fmt.Fprintln(os.Stderr, formatError(err))
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

// formatError renders an uncaught error for stderr. A scsh condition (one
// of the scsh layer's condition types, such as -ERR or call-error) prints
// the way scsh's display-condition does ("TYPE: message" and the irritants
// one a line, the position in brackets); any other error prints as
// "file:line:col: who: message irritant ...". A short backtrace follows.
func formatError(err error) string {
	var eo *interp.ErrorObject
	if errors.As(err, &eo) && !errors.Is(err, context.Canceled) {
		switch eo.Kind {
		case interp.KindError, interp.KindReadError, interp.KindFileError, interp.KindSyntax:
		default:
			msg := strings.TrimRight(bindings.FormatCondition(eo), "\n")
			if bt := repl.Backtrace(eo, 5); bt != "" {
				msg += "\n" + bt
			}
			return msg
		}
	}
	if eo != nil && eo.Kind == interp.KindError && eo.Who == "" && eo.Payload == nil {
		// An error signalled by the program itself, (error "msg" irritant
		// ...): scsh's top level prints it as "Error: msg"; keep our
		// position in front of it.
		s := repl.FormatError(err)
		if prefix := eo.Pos.String() + ": "; eo.Pos.IsValid() && strings.HasPrefix(s, prefix) {
			return prefix + "Error: " + s[len(prefix):]
		}
		if !eo.Pos.IsValid() {
			return "Error: " + s
		}
		return s
	}
	return repl.FormatError(err)
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
// Ctrl-C kills the process as usual.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	go func() {
		select {
		case <-ch:
			signal.Reset(os.Interrupt)
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// runREPL runs the interactive session on the terminal; banner, when not
// empty, replaces the greeting.
func runREPL(it *interp.Interp, banner string) int {
	stdin := repl.NewInterruptibleReader(os.Stdin)
	hist := ""
	if home, err := os.UserHomeDir(); err == nil {
		hist = filepath.Join(home, ".popsh_history")
	}
	ed, err := repl.NewTerminalEditor(repl.EditorOptions{
		Stdin:       stdin,
		HistoryFile: hist,
		Complete:    repl.Completer(it),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	ints := make(chan os.Signal, 4)
	signal.Notify(ints, os.Interrupt)
	defer signal.Stop(ints)
	// SIGTERM or SIGHUP may come while the terminal is in raw mode: put it
	// back as it was before leaving.
	if restore, err := repl.SaveTerminal(os.Stdin); err == nil {
		ends := make(chan os.Signal, 1)
		signal.Notify(ends, syscall.SIGTERM, syscall.SIGHUP)
		defer signal.Stop(ends)
		go func() {
			s, ok := <-ends
			if !ok {
				return
			}
			restore()
			code := 1
			if n, isNum := s.(syscall.Signal); isNum {
				code = 128 + int(n)
			}
			os.Exit(code)
		}()
	}
	if banner == "" {
		banner = version + ": Scheme with POP3. ,help for help; Ctrl-D to leave."
	}
	err = repl.Run(context.Background(), repl.Options{
		Interp:      it,
		Editor:      ed,
		Stdin:       stdin,
		Interrupts:  ints,
		Banner:      banner,
		FormatError: formatError,
		Stuck: func() {
			// The evaluation ignores Ctrl-C: leave (the terminal is in
			// its normal mode while an evaluation runs).
			fmt.Fprintln(os.Stderr, "popsh: the evaluation does not stop; leaving")
			os.Exit(130)
		},
	})
	ed.Close()
	var st *repl.ExitStatus
	if errors.As(err, &st) {
		flushPorts(it)
		return st.Code & 0xff
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	flushPorts(it)
	return 0
}

// runDemo is --demo: start popsh's own POP3 server on 127.0.0.1 over a
// sample maildrop, point the connection defaults at it (MAILHOST and a
// private NETRC file), run the tour (examples/tour.scm, embedded) and say
// how to continue; with -i, open the REPL against the same server instead.
func runDemo(interactive bool) int {
	d, err := bindings.StartDemo(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: --demo: %v\n", err)
		return 1
	}
	defer d.Close()
	if err := d.Apply(); err != nil {
		fmt.Fprintf(os.Stderr, "popsh: --demo: %v\n", err)
		return 1
	}
	it, err := newInterp([]string{"popsh"})
	if err != nil {
		fmt.Fprintf(os.Stderr, "popsh: %v\n", err)
		return 1
	}
	if !interactive || !repl.IsTerminal(os.Stdin) {
		ctx, stop := interruptContext()
		defer stop()
		in := batchInput(ctx, it)
		if interactive { // --demo -i on a pipe: evaluate stdin against the server
			return finish(it, runBatch(ctx, it, &invocation{}, in))
		}
		fmt.Printf("popsh demo: a POP3 server with sample mail runs at %s (MAILHOST=%s).\n"+
			"Running examples/tour.scm:\n\n", d.Addr, d.Addr)
		if _, err := it.EvalString(ctx, bindings.DemoTour(), "examples/tour.scm"); err != nil {
			return finish(it, err)
		}
		flushPorts(it)
		fmt.Print(bindings.DemoHelp)
		return 0
	}
	return runREPL(it, fmt.Sprintf("%s demo: a POP3 server with sample mail runs at %s (MAILHOST).\n"+
		"Try: (define c (pop3-connect)) (pop3-login c) (pop3-stat c) (pop3-get c 1) (pop3-quit c)\n"+
		",help for help; Ctrl-D to leave (the server stops).", version, d.Addr))
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
