// Package repl is an interactive read-eval-print loop over an
// *interp.Interp: prompts, multi-line input while parentheses are open
// (decided by the reader's ErrIncomplete), history, completion of bound
// names, Ctrl-C that stops a running evaluation (cancelling its context, so
// a blocked read returns too) or clears the line being typed, Ctrl-D that
// leaves, errors printed with their position while the session goes on,
// and a few commands (,help ,load ,time ,exit).
//
// The terminal is reached only through the small LineEditor interface;
// NewTerminalEditor implements it with github.com/chzyer/readline. Tests
// and other front ends can supply their own.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"popsh/interp"
)

// Default prompts.
const (
	DefaultPrompt         = "popsh> "
	DefaultContinuePrompt = "  ...> "
)

// Options configures a REPL session. Only Interp and Editor are required.
type Options struct {
	// Interp is the interpreter the session evaluates in.
	Interp *interp.Interp
	// Editor reads the lines typed.
	Editor LineEditor
	// Stdin, when set, is the shared terminal input that the interpreter's
	// current input port reads: the REPL gives it each evaluation's context,
	// so Ctrl-C also ends a (read-line) waiting for the user.
	Stdin *InterruptibleReader
	// Interrupts delivers Ctrl-C presses that arrive while an evaluation
	// runs (SIGINT: the terminal is not in raw mode then). Each one cancels
	// the running evaluation. Nil means evaluations cannot be interrupted.
	Interrupts <-chan os.Signal
	// Out receives results; Err receives error messages. Defaults: the
	// process's stdout and stderr.
	Out, Err io.Writer
	// ErrSameTerminal says Out and Err are one terminal: Err becomes the
	// interpreter's error port too, and a line either leaves unfinished
	// is ended before a prompt or a value.
	ErrSameTerminal bool
	// Prompt and ContinuePrompt default to DefaultPrompt and
	// DefaultContinuePrompt.
	Prompt, ContinuePrompt string
	// Banner is printed once at the start, when not empty.
	Banner string
	// Filename names the input in error positions (default "stdin"); each
	// entry is numbered, so an error in the seventh entry typed, line 1,
	// column 12, is at "stdin#7:1:12".
	Filename string
	// Doc, when set, returns the long documentation of a name for the ,doc
	// command, printed after its doc line (Interp.Doc), or "" when there is
	// none.
	Doc func(name string) string
	// Width, when set, gives the terminal's width in columns (0: not
	// known): the banner, ,help, ,doc and ,apropos fold their lines to it.
	Width func() int
	// Stuck, when set, is called (from another goroutine) if Ctrl-C is
	// pressed three times during one evaluation that does not stop (a
	// system call that cannot be interrupted, say). The shell exits there.
	Stuck func()
}

// ExitStatus is returned by Run when the session ended with a status: the
// program called (exit n) or the user typed ,exit n.
type ExitStatus struct{ Code int }

// Error describes the exit request.
func (e *ExitStatus) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Run runs the session until the user leaves (Ctrl-D or ,exit) or the
// program exits. It returns nil when the user left normally, an
// *ExitStatus for (exit n) or ,exit n, or the error that stopped the line
// editor. The parent ctx ends the session when cancelled.
func Run(ctx context.Context, opts Options) error {
	s := newSession(opts)
	if s.opts.Banner != "" {
		io.WriteString(s.out, fold(s.opts.Banner+"\n", s.width()))
	}
	err := s.loop(ctx)
	// The last output may end mid-line ((display "bye") (exit)): end the
	// line, so that what the line editor erases when it closes (the line
	// the cursor is on) is an empty one.
	s.flush()
	s.out.freshLine()
	return err
}

// session is the state of one Run.
type session struct {
	opts Options
	it   *interp.Interp
	out  *freshLineWriter // results, and the interpreter's output port
	err  io.Writer
	// entry counts the entries read, for positions (stdin#N:line:col).
	entry int
}

func newSession(opts Options) *session {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Err == nil {
		opts.Err = os.Stderr
	}
	if opts.Prompt == "" {
		opts.Prompt = DefaultPrompt
	}
	if opts.ContinuePrompt == "" {
		opts.ContinuePrompt = DefaultContinuePrompt
	}
	if opts.Filename == "" {
		opts.Filename = "stdin"
	}
	s := &session{opts: opts, it: opts.Interp, out: newFreshLineWriter(opts.Out), err: opts.Err}
	s.it.SetOutput(s.out)
	if opts.ErrSameTerminal {
		// the error port's text without a newline is ended before
		// a prompt or a value too (the line editor would erase it)
		s.err = s.out.sharing(opts.Err)
		s.it.SetErrorOutput(s.err)
	}
	if opts.Stdin != nil {
		s.it.SetInput(opts.Stdin)
		// lines typed ahead that a program reads are shown as the
		// terminal would have echoed them
		opts.Stdin.EchoTo(s.out)
	}
	// Interactive ports: output is line-buffered, and reading input or
	// writing an error flushes it first (a prompt written without a
	// newline shows before the program waits for the answer).
	out := s.it.CurrentOutput()
	out.LineFlush = true
	s.it.CurrentInput().Tie = out
	s.it.CurrentError().Tie = out
	return s
}

// flush pushes the program's buffered output to the terminal, so it
// appears before the next prompt.
func (s *session) flush() {
	if p := s.it.CurrentOutput(); p != nil {
		p.Flush()
	}
	if p := s.it.CurrentError(); p != nil {
		p.Flush()
	}
}

func (s *session) loop(ctx context.Context) error {
	var buf strings.Builder
	var shown strings.Builder // buf's lines as shown, with their prompts
	// timed says buf is the expression of a ,time typed on timedLine,
	// its parentheses open there
	timed, timedLine, timedArg := false, "", ""
	entryEd, _ := s.opts.Editor.(EntryEditor)
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		s.flush()
		prompt := s.opts.Prompt
		if buf.Len() > 0 {
			prompt = s.opts.ContinuePrompt
		} else {
			shown.Reset()
			s.out.freshLine()
		}
		if entryEd != nil {
			entryEd.SetEntry(shown.String())
		}
		// other threads run while the line is typed; one of them may
		// end the program with (exit) meanwhile
		var line string
		var err error
		var exit *interp.ExitError
		s.it.Blocking(func() error {
			type read struct {
				line string
				err  error
			}
			lines := make(chan read, 1)
			go func() {
				l, e := s.opts.Editor.ReadLine(prompt)
				lines <- read{l, e}
			}()
			select {
			case r := <-lines:
				line, err = r.line, r.err
			case <-s.it.ExitRequested():
				// the line being typed is abandoned (Editor.Close
				// copes with the ReadLine still running)
				exit = s.it.PendingExit()
			}
			return nil
		})
		if exit != nil {
			s.flush()
			return &ExitStatus{Code: exit.Code}
		}
		switch {
		case errors.Is(err, ErrInterrupt):
			buf.Reset() // Ctrl-C at the prompt: forget what was typed
			timed = false
			continue
		case errors.Is(err, io.EOF):
			if buf.Len() > 0 {
				// Ctrl-D on a continuation line: drop the unfinished
				// entry, stay in the session.
				buf.Reset()
				timed = false
				fmt.Fprintln(s.err, "; unfinished entry discarded (Ctrl-D at an empty prompt leaves)")
				continue
			}
			return nil
		case err != nil:
			return fmt.Errorf("repl: read line: %w", err)
		}
		if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ",") {
			err := s.command(ctx, strings.TrimSpace(line))
			var more errTimeMore
			if !errors.As(err, &more) {
				if keepInHistory(line) {
					s.opts.Editor.AddHistory(line)
				}
				if err != nil {
					return err
				}
				continue
			}
			// ,time of an expression on several lines: read the
			// rest as an entry, then time it
			timed, timedLine, timedArg = true, line, more.text
			line = more.text
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		if timed && shown.Len() == 0 {
			shown.WriteString(prompt + timedLine + "\n")
		} else {
			shown.WriteString(prompt + line + "\n")
		}
		name := s.entryName(s.entry + 1)
		datums, err := s.readAll(buf.String(), name)
		if errors.Is(err, interp.ErrIncomplete) {
			continue // open parentheses: read another line
		}
		src := buf.String()
		buf.Reset()
		s.entry++
		if timed {
			timed = false
			src = strings.TrimSpace(timedLine) + src[len(timedArg):]
			if keepInHistory(src) {
				s.opts.Editor.AddHistory(src)
			}
			if err != nil {
				s.printError(err)
				continue
			}
			if err := s.timeAll(ctx, datums, name); err != nil {
				return err
			}
			continue
		}
		if keepInHistory(src) {
			s.opts.Editor.AddHistory(src)
		}
		readErr := err // the data before a read error are evaluated first
		for _, d := range datums {
			v, err := s.eval(ctx, func(ctx context.Context) (interp.Value, error) {
				return s.it.EvalString(ctx, d, name)
			})
			if err != nil {
				if st := exitStatus(err); st != nil {
					s.flush()
					return st
				}
				s.printError(err)
				readErr = nil // the rest of this input is not evaluated
				break
			}
			s.printValue(v)
		}
		if readErr != nil {
			s.printError(readErr)
		}
	}
}

// keepInHistory reports whether an entry goes into the history (and its
// file): not one that calls a login procedure, which takes a password
// (pop3-login, pop3-login/APOP, pop3-login/sasl), nor one typed with a
// space first, as bash's ignorespace leaves out a line.
func keepInHistory(entry string) bool {
	return !strings.HasPrefix(entry, " ") && !strings.Contains(entry, "pop3-login")
}

// entryName is the name of entry n in positions: "stdin#7".
func (s *session) entryName(n int) string {
	return fmt.Sprintf("%s#%d", s.opts.Filename, n)
}

// readAll splits src into the source texts of its data, each padded with
// newlines and spaces so that positions in it are those in src; the error
// is interp.ErrIncomplete (in its chain) when src ends inside an open datum.
// On any other read error (an extra ')', a bad # syntax) it returns the
// texts of the data before the bad one with the error, so that what was
// complete is still evaluated, as a reader taking one datum at a time
// would.
func (s *session) readAll(src, name string) ([]string, error) {
	sr := strings.NewReader(src)
	br := bufio.NewReader(sr)
	r := interp.NewReader(br, name)
	var starts []interp.Pos
	var ends []int // byte offset just after each datum
	var readErr error
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, interp.ErrIncomplete) {
			return nil, err
		}
		if err != nil {
			readErr = err
			break
		}
		starts = append(starts, r.LastPos())
		// the reader gives back what it looked at past the datum, so
		// the text left unread starts right after it
		ends = append(ends, len(src)-sr.Len()-br.Buffered())
	}
	rs := []rune(src)
	lineStart := []int{0}
	for i, c := range rs {
		if c == '\n' {
			lineStart = append(lineStart, i+1)
		}
	}
	offset := func(p interp.Pos) int {
		if p.Line < 1 || p.Line > len(lineStart) {
			return 0
		}
		return min(lineStart[p.Line-1]+p.Col-1, len(rs))
	}
	chunks := make([]string, len(starts))
	for i, p := range starts {
		end := len(rs)
		switch {
		case i+1 < len(starts):
			end = offset(starts[i+1])
		case readErr != nil:
			// the last good datum ends where the reader left it
			end = min(utf8.RuneCountInString(src[:ends[i]]), len(rs))
		}
		start := offset(p)
		if start > end {
			start = end
		}
		chunks[i] = strings.Repeat("\n", p.Line-1) + strings.Repeat(" ", p.Col-1) + string(rs[start:end])
	}
	return chunks, readErr
}

// eval runs f with a context that Ctrl-C cancels.
func (s *session) eval(parent context.Context, f func(ctx context.Context) (interp.Value, error)) (interp.Value, error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	if s.opts.Stdin != nil {
		s.opts.Stdin.TakePartialLine()
		s.opts.Stdin.SetContext(ctx)
		defer func() {
			s.opts.Stdin.SetContext(nil)
			if s.opts.Stdin.TakePartialLine() {
				// the program read text ended by Ctrl-D: its echo
				// left the cursor after it
				s.out.markPartial()
			}
		}()
	}
	if s.opts.Interrupts != nil {
		s.forgetInterrupts() // a Ctrl-C that came before this evaluation started
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			presses := 0
			for {
				select {
				case <-s.opts.Interrupts:
					cancel(errInterrupted)
					presses++
					if presses == 2 && s.opts.Stuck != nil {
						fmt.Fprintln(s.err, "\n(stopping; press Ctrl-C once more to leave popsh)")
					}
					if presses == 3 && s.opts.Stuck != nil {
						s.opts.Stuck()
					}
				case <-done:
					return
				}
			}
		}()
		defer func() { close(done); wg.Wait() }()
	}
	if s.opts.Stdin != nil && s.opts.Stdin.TakeInterrupt() {
		// Ctrl-C typed right after the entry, before the terminal
		// left the line editor's mode (it came as a key, not a signal)
		cancel(errInterrupted)
	}
	v, err := f(ctx)
	if errors.Is(context.Cause(ctx), errInterrupted) {
		// Interrupted: whatever the evaluation made of it (an error from
		// a read, or an end of file that (read) returned and the program
		// took as the end of its input), it stopped because of Ctrl-C.
		if err == nil {
			return nil, errInterrupted
		}
		if !interp.IsInterrupt(err) {
			err = fmt.Errorf("%w (%w)", errInterrupted, err)
		}
	}
	return v, err
}

// errInterrupted is the cause of a cancellation by Ctrl-C.
var errInterrupted = interp.ErrInterrupted

// exitStatus returns the status of an exit request in err's chain, or nil.
func exitStatus(err error) *ExitStatus {
	var st *ExitStatus
	if errors.As(err, &st) {
		return st
	}
	var ee *interp.ExitError
	if errors.As(err, &ee) {
		return &ExitStatus{Code: ee.Code}
	}
	return nil
}

// printValue writes v as write does: each of several values on its own
// line, nothing for an unspecified value or no values.
func (s *session) printValue(v interp.Value) {
	s.flush()
	var vals []interp.Value
	switch x := v.(type) {
	case *interp.MultipleValues:
		vals = x.Vals
	default:
		if v == nil || v == interp.Unspecified {
			return
		}
		vals = []interp.Value{v}
	}
	s.forgetInterrupts() // a Ctrl-C that came before the printing started
	for _, x := range vals {
		s.out.freshLine()
		if !s.writeInterruptibly(interp.WriteString(x) + "\n") {
			s.out.freshLine()
			fmt.Fprintln(s.err, "; printing stopped (Ctrl-C)")
			return
		}
	}
}

// printChunk is how much of a printed value goes to the terminal at a
// time, between looks for a Ctrl-C.
const printChunk = 4 << 10

// writeInterruptibly writes text to the output a piece at a time, and
// stops when Ctrl-C is pressed (a value of millions of elements takes
// seconds to go through a terminal, minutes over a slow link). It
// reports whether all of text was written.
func (s *session) writeInterruptibly(text string) bool {
	for len(text) > 0 {
		if s.opts.Interrupts != nil {
			select {
			case <-s.opts.Interrupts:
				return false
			default:
			}
		}
		n := min(len(text), printChunk)
		for n < len(text) && !utf8.RuneStart(text[n]) {
			n++ // whole characters in each piece
		}
		if _, err := io.WriteString(s.out, text[:n]); err != nil {
			return true // the output is gone: nothing more to show
		}
		text = text[n:]
	}
	return true
}

// printError reports an error; the session goes on.
func (s *session) printError(err error) {
	s.flush()
	s.out.freshLine()
	fmt.Fprintln(s.err, interp.FormatError(err))
}

// helpText is folded to the terminal's width (at most 79 columns) when
// printed: the paragraph is one line here.
const helpText = `Type a Scheme expression to evaluate it; its value is printed with write. An expression may span several lines: the prompt changes while parentheses are open. Ctrl-C stops a running evaluation or the printing of its value, or clears the line. Ctrl-D leaves at an empty prompt, drops an unfinished entry, and is the end of file for a program reading the terminal. Errors give entry#line:col (stdin#7:1:12). Tab completes the names bound in the interpreter, and file names in a string and after ,load; Ctrl-R searches the history.
Commands:
  ,help          this text
  ,load FILE     load a Scheme file
  ,doc NAME      what NAME takes and does (also ,describe)
  ,apropos TEXT  list the names whose name or doc line contains TEXT
  ,time EXPR     evaluate EXPR and say how long it took
  ,exit [N]      leave (with exit status N)`

// command runs a REPL command (a line starting with a comma).
func (s *session) command(ctx context.Context, line string) error {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ",help", ",?":
		io.WriteString(s.out, fold(helpText+"\n", helpWidth(s.width())))
	case ",exit", ",quit", ",q":
		code := 0
		if arg != "" {
			n, err := strconv.Atoi(arg)
			if err != nil {
				fmt.Fprintf(s.err, ",exit: expected an integer status, got %q\n", arg)
				return nil
			}
			code = n
		}
		s.flush()
		return &ExitStatus{Code: code}
	case ",load":
		if arg == "" {
			fmt.Fprintln(s.err, ",load: which file? (,load FILE)")
			return nil
		}
		file := arg
		if uq, err := strconv.Unquote(arg); err == nil {
			file = uq
		}
		_, err := s.eval(ctx, func(ctx context.Context) (interp.Value, error) {
			return s.it.EvalFile(ctx, file)
		})
		if err != nil {
			if st := exitStatus(err); st != nil {
				s.flush()
				return st
			}
			s.printError(err)
		}
	case ",doc", ",describe", ",d":
		if arg == "" {
			fmt.Fprintln(s.err, ",doc: which name? (,doc NAME)")
			return nil
		}
		var b strings.Builder
		s.describe(&b, arg)
		io.WriteString(s.out, fold(b.String(), s.width()))
	case ",apropos", ",a":
		if arg == "" {
			fmt.Fprintln(s.err, ",apropos: which text? (,apropos TEXT)")
			return nil
		}
		s.apropos(arg)
	case ",time":
		if arg == "" {
			fmt.Fprintln(s.err, ",time: which expression? (,time EXPR)")
			return nil
		}
		datums, err := s.readAll(arg+"\n", s.entryName(s.entry+1))
		if errors.Is(err, interp.ErrIncomplete) {
			// the expression goes on on the next lines
			return errTimeMore{arg}
		}
		s.entry++
		if err != nil {
			s.printError(err)
			return nil
		}
		return s.timeAll(ctx, datums, s.entryName(s.entry))
	default:
		fmt.Fprintf(s.err, "unknown command %s (,help lists them)\n", name)
	}
	return nil
}

// errTimeMore is returned by command for ,time with an expression whose
// parentheses are still open: the loop reads more lines of it.
type errTimeMore struct{ text string }

func (e errTimeMore) Error() string { return ",time: unfinished expression" }

// timeAll evaluates the data of a ,time entry, each with its value and
// the time it took.
func (s *session) timeAll(ctx context.Context, datums []string, name string) error {
	{
		for _, d := range datums {
			start := time.Now()
			v, err := s.eval(ctx, func(ctx context.Context) (interp.Value, error) {
				return s.it.EvalString(ctx, d, name)
			})
			el := time.Since(start)
			if err != nil {
				if st := exitStatus(err); st != nil {
					s.flush()
					return st
				}
				s.printError(err)
				return nil
			}
			s.printValue(v)
			s.flush()
			s.out.freshLine()
			fmt.Fprintf(s.out, "; %s elapsed\n", el.Round(time.Microsecond))
		}
	}
	return nil
}

// describe prints the doc line of name (its call, what it does, its
// section), then the long documentation Options.Doc gives, or what kind of
// thing name is bound to when there is no documentation.
func (s *session) describe(out io.Writer, name string) {
	d, hasLine := s.it.Doc(name)
	long := ""
	if s.opts.Doc != nil {
		long = strings.TrimRight(s.opts.Doc(name), "\n")
	}
	v, bound := s.it.Lookup(name)
	if hasLine {
		sig := interp.DocSignature(d.Doc)
		what := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(d.Doc, sig), ":"))
		fmt.Fprintln(out, sig)
		if what != "" {
			fmt.Fprintln(out, "  "+what)
		}
		fmt.Fprintf(out, "  (%s)\n", d.Section)
		if long != "" {
			// the long entry under the line, without the same call again
			long = strings.TrimPrefix(long, sig+"\n")
			fmt.Fprintln(out)
		}
	}
	switch {
	case long != "":
		fmt.Fprintln(out, long)
	case hasLine:
	case bound:
		fmt.Fprintf(out, "%s: %s (no documentation)\n", name, interp.WriteString(v))
	default:
		fmt.Fprintf(out, "; %s is not bound and not documented (,apropos %s lists names containing it)\n", name, name)
	}
}

// width is the terminal's width, 0 when not known.
func (s *session) width() int {
	if s.opts.Width == nil {
		return 0
	}
	return s.opts.Width()
}

// fold breaks the lines of text wider than width columns at spaces, each
// part after the first indented as its line is; a word wider than the
// line is cut. Width 0 or less leaves text as it is. The terminal would
// break them anywhere, mid-word.
func fold(text string, width int) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	lines := strings.SplitAfter(text, "\n")
	for _, line := range lines {
		nl := strings.HasSuffix(line, "\n")
		rs := []rune(strings.TrimSuffix(line, "\n"))
		indent := 0
		for indent < len(rs) && rs[indent] == ' ' {
			indent++
		}
		// a row of a table ("  ,load FILE     load a file"): the
		// parts after the first go under its second column
		if i := strings.Index(string(rs[indent:]), "  "); i > 0 {
			col := indent + utf8.RuneCountInString(string(rs[indent:])[:i])
			for col < len(rs) && rs[col] == ' ' {
				col++
			}
			if col < len(rs) {
				indent = col
			}
		}
		if indent > width/2 {
			indent = 0
		}
		for {
			// the longest start of rs that fits, ended at a space
			cols, cut, lastSpace := 0, len(rs), -1
			for i, r := range rs {
				if r == ' ' && i > 0 {
					lastSpace = i
				}
				if cols += runeWidth(r); cols > width {
					cut = i
					break
				}
			}
			if cut == len(rs) {
				b.WriteString(string(rs))
				break
			}
			if lastSpace > indent {
				cut = lastSpace
			}
			cut = max(cut, 1)
			b.WriteString(strings.TrimRight(string(rs[:cut]), " "))
			b.WriteByte('\n')
			rest := []rune(strings.TrimLeft(string(rs[cut:]), " "))
			if len(rest) == 0 {
				break
			}
			rs = append([]rune(strings.Repeat(" ", indent)), rest...)
		}
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// helpWidth is the width ,help is folded to on a terminal of width w (0:
// not known): lines of at most 79 columns, fewer to fit the terminal.
func helpWidth(w int) int {
	if w <= 0 || w > 79 {
		return 79
	}
	return w
}

// cutToWidth cuts line to width columns, ending it with "..." when it
// was longer.
func cutToWidth(line string, width int) string {
	cols := 0
	rs := []rune(line)
	for i, r := range rs {
		if cols += runeWidth(r); cols > width {
			keep, kc := i, cols-runeWidth(r)
			for keep > 0 && kc+3 > width {
				keep--
				kc -= runeWidth(rs[keep])
			}
			return string(rs[:keep]) + "..."
		}
	}
	return line
}

// aproposWidth is the width of a line of ,apropos: a longer doc line is
// cut short (,doc prints it whole).
const aproposWidth = 100

// apropos lists the bound names (but the %-prefixed internals) that
// contain text, then those whose doc line mentions it (in any case), one
// per line with what its doc line says, the names aligned.
func (s *session) apropos(text string) {
	var byName, byDoc []string
	docs := map[string]string{}
	lower := strings.ToLower(text)
	for _, n := range s.it.GlobalNames() {
		if strings.HasPrefix(n, "%") {
			continue
		}
		doc := ""
		if d, ok := s.it.Doc(n); ok {
			doc = d.Doc
		}
		switch {
		case strings.Contains(n, text):
			byName = append(byName, n)
		case doc != "" && strings.Contains(strings.ToLower(doc), lower):
			byDoc = append(byDoc, n)
		default:
			continue
		}
		docs[n] = doc
	}
	if len(byName)+len(byDoc) == 0 {
		fmt.Fprintf(s.out, "; no bound name or doc line contains %q\n", text)
		return
	}
	width := 0
	for _, n := range append(byName, byDoc...) {
		width = max(width, len(n))
	}
	width = min(width, 28)
	list := func(names []string) {
		for _, n := range names {
			line := n
			if doc := docs[n]; doc != "" {
				line = fmt.Sprintf("%-*s  %s", width, n, doc)
				if w := s.width(); w > 0 && w < aproposWidth {
					line = cutToWidth(line, w)
				} else if r := []rune(line); len(r) > aproposWidth {
					line = string(r[:aproposWidth-3]) + "..."
				}
			}
			fmt.Fprintln(s.out, line)
		}
	}
	list(byName)
	if len(byDoc) > 0 {
		if len(byName) > 0 {
			fmt.Fprintf(s.out, "; doc lines mentioning %q:\n", text)
		}
		list(byDoc)
	}
}

// Commands lists the REPL commands, for completion.
var commands = []string{",apropos", ",describe", ",doc", ",exit", ",help", ",load", ",time"}

// Completer returns a completion function for NewTerminalEditor that
// completes REPL commands at the start of a line, file names inside a
// string ((load "exa -> (load "examples/), and otherwise the names bound in
// it (GlobalNames), matching the word before the cursor.
func Completer(it *interp.Interp) func(line string, pos int) (string, []string) {
	return func(line string, _ int) (string, []string) {
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, ",") && !strings.Contains(t, " ") {
			return t, matching(commands, t)
		} else if arg, ok := strings.CutPrefix(t, ",load "); ok {
			// ,load FILE: a file name, bare or in quotes
			word := strings.TrimLeft(arg, " ")
			word = strings.TrimPrefix(word, `"`)
			return word, fileNames(word)
		}
		if start, ok := openString(line); ok {
			word := line[start:]
			return word, fileNames(word)
		}
		i := len(line)
		for i > 0 && !isDelimiter(line[i-1]) {
			i--
		}
		word := line[i:]
		if word == "" {
			return "", nil
		}
		var names []string
		it.Locked(func() { names = it.GlobalNames() })
		return word, matching(names, word)
	}
}

// openString reports whether line ends inside a string literal, and where
// the literal's text starts (after its opening quote).
func openString(line string) (start int, ok bool) {
	in := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case in && c == '\\':
			i++ // an escaped character, \" included
		case in && c == '"':
			in = false
		case in:
		case c == '"':
			in, start = true, i+1
		case c == ';':
			return 0, false // the rest is a comment
		case c == '#' && i+2 < len(line) && line[i+1] == '\\':
			i += 2 // a character literal such as #\" or #\;
		}
	}
	return start, in
}

// fileNames lists the files whose names start with word (a path typed
// inside a string), directories with a trailing slash, in order. Hidden
// files are listed only when the name typed starts with a dot.
func fileNames(word string) []string {
	if word == "~" {
		return []string{"~/"} // the home directory, as load takes it
	}
	dir, base := filepath.Split(word)
	// ~/ stands for the home directory (load expands it): the files
	// listed are there, and the candidates keep the ~/ typed
	real := interp.ExpandHome(dir)
	entries, err := os.ReadDir(filepath.Clean(real + "."))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(real, n)); err == nil && fi.IsDir() {
				isDir = true
			}
		}
		if isDir {
			n += "/"
		}
		out = append(out, dir+n)
	}
	sort.Strings(out)
	return out
}

func matching(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '(', ')', '[', ']', '"', ';', '\'', '`', ',':
		return true
	}
	return false
}

// freshLineWriter remembers whether the last byte written ended a line, so
// that a result or a prompt never starts in the middle of the program's
// output. Two of them writing to one terminal (the output and the error
// port) share their line: the last byte written by either counts.
type freshLineWriter struct {
	w    io.Writer
	line *lineState
}

// lineState is whether a terminal's line is unfinished.
type lineState struct {
	mu      sync.Mutex
	midLine bool
}

func newFreshLineWriter(w io.Writer) *freshLineWriter {
	return &freshLineWriter{w: w, line: &lineState{}}
}

// sharing returns a freshLineWriter of w on the same line as f.
func (f *freshLineWriter) sharing(w io.Writer) *freshLineWriter {
	return &freshLineWriter{w: w, line: f.line}
}

// Write writes p, remembering whether it ended a line.
func (f *freshLineWriter) Write(p []byte) (int, error) {
	f.line.mu.Lock()
	defer f.line.mu.Unlock()
	n, err := f.w.Write(p)
	if n > 0 {
		f.line.midLine = p[n-1] != '\n'
		if a, ok := f.w.(*aboveWriter); ok && a.endedLine.Load() {
			f.line.midLine = false // written above the prompt, the line ended
		}
	}
	return n, err
}

// markPartial records that the terminal's line is unfinished (by text
// written by another, the terminal's echo).
func (f *freshLineWriter) markPartial() {
	f.line.mu.Lock()
	f.line.midLine = true
	f.line.mu.Unlock()
}

// freshLine starts a new line unless at the start of one.
func (f *freshLineWriter) freshLine() {
	f.line.mu.Lock()
	defer f.line.mu.Unlock()
	if f.line.midLine {
		f.w.Write([]byte{'\n'})
		f.line.midLine = false
	}
}

// forgetInterrupts drops the Ctrl-Cs already waiting on opts.Interrupts.
func (s *session) forgetInterrupts() {
	for s.opts.Interrupts != nil {
		select {
		case <-s.opts.Interrupts:
		default:
			return
		}
	}
}
