package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"

	"popsh/interp"
)

// ErrInterrupt is returned by a LineEditor when the user pressed Ctrl-C
// while editing a line. The partial line is discarded.
var ErrInterrupt = errors.New("interrupt")

// A LineEditor reads lines typed by a user. It is the only thing the REPL
// needs from a terminal library, so the library can be swapped (or faked in
// tests) by writing another implementation.
type LineEditor interface {
	// ReadLine shows prompt and returns the line typed, without its newline.
	// It returns io.EOF when the user leaves (Ctrl-D on an empty line) and
	// ErrInterrupt when the user pressed Ctrl-C.
	ReadLine(prompt string) (string, error)
	// AddHistory records an entry in the history (and its file, if any).
	AddHistory(entry string) error
	// Close restores the terminal. It may be called while ReadLine runs on
	// another goroutine (a thread ended the program at the prompt): the
	// line is abandoned and that ReadLine may never return.
	Close() error
}

// A Printer is a LineEditor that can print while a line is being typed
// (output of another thread at the prompt): the text appears above the
// prompt, and the prompt and the line being typed are drawn again below
// it. Its writers write directly when no line is being read.
type Printer interface {
	LineEditor
	// Stdout returns a writer to the standard output that does this.
	Stdout() io.Writer
	// Stderr returns a writer to the standard error that does this.
	Stderr() io.Writer
}

// An EntryEditor is a LineEditor told, before each line is read, the
// lines of the entry typed so far with their prompts ("" for the first
// line of an entry): clearing the screen (Ctrl-L) on a continuation line
// draws them again above the line being typed.
type EntryEditor interface {
	LineEditor
	SetEntry(shown string)
}

// EditorOptions configures NewTerminalEditor.
type EditorOptions struct {
	// Stdin is where keys are read from (a terminal). Nil means os.Stdin.
	Stdin io.ReadCloser
	// Stdout is where prompts and echo go. Nil means os.Stdout.
	Stdout io.Writer
	// HistoryFile, when not empty, is loaded at start and appended to after
	// each entry. It is created with mode 0600: a history may hold passwords.
	HistoryFile string
	// HistoryLimit is the number of entries kept (default 1000).
	HistoryLimit int
	// Complete, when set, returns the completions of the word before the
	// cursor (full words, not suffixes).
	Complete func(line string, pos int) (word string, candidates []string)
	// Interrupts delivers Ctrl-C (SIGINT) to NewPlainEditor, whose
	// terminal is in its line mode while a line is read.
	Interrupts <-chan os.Signal
}

// terminalEditor is a LineEditor over github.com/chzyer/readline v1.5.1.
//
// Two known problems of that version are contained here: it returns the
// partial line together with ErrInterrupt (we drop it), and Close hangs when
// a Readline is in flight (ReadLine and Close are only ever called from the
// REPL's one goroutine, never concurrently). Its own history file handling
// rewrites the file with mode 0666 when trimming, so the history file is
// managed here instead (mode 0600). Its input goes through a keyReader
// (keys.go): the keys of other terminals, bracketed paste, and pasted text
// inserted in one piece. Its painter and output place the cursor on a
// line holding wide characters (width.go).
type terminalEditor struct {
	rl    *readline.Instance
	mu    sync.Mutex
	histF *os.File
	limit int
	keys  *keyReader
	// reading is set while ReadLine runs: output then goes above the
	// line being typed
	reading atomic.Bool
	// entry is the lines of the entry typed before the line being read,
	// with their prompts (SetEntry)
	entry atomic.Pointer[string]
	// term is the terminal itself, for the bracketed paste mode switches
	term io.Writer
	// last is the line and the cursor's position after the last key
	// (the Listener's), nil when not known
	last atomic.Pointer[lineAt]
	// layout and prompt are shared with the editor's painter and output
	// (width.go)
	layout *cursorLayout
	prompt *atomic.Pointer[[]rune]
}

// The terminal's bracketed paste mode: while it is on, the terminal sends
// pasted text between ESC [ 200 ~ and ESC [ 201 ~, so that the keyReader
// takes it as text (a Tab in it is not a completion request, a Ctrl-R not
// a search). It is on only while a line is read: a program reading the
// terminal during an evaluation, or the shell after popsh, gets a paste
// as it is.
const (
	PasteModeOn  = "\x1b[?2004h"
	PasteModeOff = "\x1b[?2004l"
)

// NewTerminalEditor returns a LineEditor for an interactive terminal.
func NewTerminalEditor(opts EditorOptions) (LineEditor, error) {
	limit := opts.HistoryLimit
	if limit <= 0 {
		limit = 1000
	}
	var stdin io.ReadCloser = os.Stdin
	if opts.Stdin != nil {
		stdin = opts.Stdin
	}
	keys := newKeyReader(stdin)
	var stdout io.Writer = os.Stdout
	if opts.Stdout != nil {
		stdout = opts.Stdout
	}
	var e *terminalEditor
	var edits lineEdit
	keys.suspend = func() { e.suspend() }
	layout := &cursorLayout{row: -1}
	var prompt atomic.Pointer[[]rune]
	cfg := &readline.Config{
		Prompt:                 "> ",
		HistoryLimit:           limit,
		DisableAutoSaveHistory: true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "\n",
		Stdin:                  keys,
		Stdout:                 &cursorWriter{w: stdout, layout: layout},
	}
	cfg.Painter = &linePainter{
		layout: layout,
		prompt: func() []rune {
			if p := prompt.Load(); p != nil {
				return *p
			}
			return nil
		},
		width: func() int { return cfg.FuncGetWidth() },
	}
	cfg.Listener = readline.FuncListener(func(line []rune, pos int, key rune) ([]rune, int, bool) {
		// (called by the editor after each key, on its goroutine)
		op := e.rl.Operation
		if key == readline.CharCtrlL && keys.plain.Load() {
			// the editor has cleared the screen and drawn the line
			// being typed at its top: put the entry's earlier lines
			// back above it
			if shown := e.entry.Load(); shown != nil && *shown != "" {
				e.rl.Stdout().Write([]byte(*shown))
			}
		}
		wasPlain := keys.plain.Load()
		keys.plain.Store(!op.IsSearchMode() && !op.IsInCompleteMode())
		prev := e.last.Load()
		record := func(l []rune, p int) { e.last.Store(&lineAt{append([]rune(nil), l...), p}) }
		if wasPlain && !op.IsSearchMode() && !op.IsInCompleteMode() {
			// words of any script, characters as one sees them
			// (edit.go)
			if nl, np, ok := edits.fix(prev, line, pos, key); ok {
				record(nl, np)
				return nl, np, true
			}
		}
		nl, np, ok := keys.insertRun(line, pos, key)
		if ok {
			record(nl, np)
		} else {
			record(line, pos)
		}
		return nl, np, ok
	})
	if opts.Complete != nil {
		height := func() int { return 0 }
		if f, ok := stdout.(*os.File); ok {
			height = func() int {
				_, h, err := readline.GetSize(int(f.Fd()))
				if err != nil {
					return 0
				}
				return h
			}
		}
		cfg.AutoComplete = &completer{complete: opts.Complete, width: func() int { return cfg.FuncGetWidth() }, height: height}
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, fmt.Errorf("line editor: %w", err)
	}
	e = &terminalEditor{rl: rl, limit: limit, keys: keys, term: stdout, layout: layout, prompt: &prompt}
	if opts.HistoryFile != "" {
		if err := e.openHistory(opts.HistoryFile); err != nil {
			// A history that cannot be read or written is not fatal.
			fmt.Fprintf(rl.Stderr(), "popsh: history disabled: %v\n", err)
		}
	}
	return e, nil
}

// openHistory loads the last entries of path into the editor and keeps the
// file open for appending (see loadHistory).
func (e *terminalEditor) openHistory(path string) error {
	f, lines, err := loadHistory(path, e.limit)
	if err != nil {
		return err
	}
	for _, l := range lines {
		e.rl.SaveHistory(l)
	}
	e.histF = f
	return nil
}

// loadHistory opens the history file at path for appending and returns its
// last limit entries. A history may hold passwords: an existing file that
// group or others may access is made 0600 before anything is read or
// appended, and refused when that fails (a file of another user, say). An
// overlong file is trimmed (rewritten 0600).
func loadHistory(path string, limit int) (*os.File, []string, error) {
	f, err := openPrivate(path)
	if err != nil {
		return nil, nil, err
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > limit {
		f.Close()
		lines = lines[len(lines)-limit:]
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			return nil, nil, fmt.Errorf("trim history %s: %w", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return nil, nil, fmt.Errorf("trim history %s: %w", path, err)
		}
		if f, err = openPrivate(path); err != nil {
			return nil, nil, err
		}
	}
	return f, lines, nil
}

// openPrivate opens (or creates) the history file at path for reading and
// appending, with mode 0600: a mode giving group or others any access is
// changed on the open file first; when it cannot be, the file is refused.
func openPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open history: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open history: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("history %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		if err := f.Chmod(perm &^ 0o077); err != nil {
			f.Close()
			return nil, fmt.Errorf("history %s may be read by others (mode %04o) and its mode cannot be made 0600: %w", path, perm, err)
		}
	}
	return f, nil
}

// ReadLine implements LineEditor.
func (e *terminalEditor) ReadLine(prompt string) (string, error) {
	e.rl.SetPrompt(prompt)
	p := []rune(prompt)
	e.prompt.Store(&p)
	e.layout.mu.Lock()
	e.layout.row = -1 // a new line starts on a row of its own
	e.layout.mu.Unlock()
	e.last.Store(&lineAt{pos: 0})
	e.keys.plain.Store(true) // a new line starts in no search and no list
	e.reading.Store(true)
	io.WriteString(e.term, PasteModeOn)
	line, err := e.rl.Readline()
	io.WriteString(e.term, PasteModeOff)
	e.reading.Store(false)
	e.keys.giveBack() // typed ahead: for the program the line runs
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", ErrInterrupt // chzyer also returns the partial text: drop it
	case err != nil:
		return "", err
	}
	return line, nil
}

// lineAt is a line being edited and the cursor's position in it.
type lineAt struct {
	line []rune
	pos  int
}

// deletedAt reports whether now is old with characters deleted at pos.
func deletedAt(old []rune, pos int, now []rune) bool {
	n := len(old) - len(now)
	return pos <= len(now) && n >= 0 && slices.Equal(now[:pos], old[:pos]) && slices.Equal(now[pos:], old[pos+n:])
}

// suspend stops popsh for Ctrl-Z typed at the prompt, as a shell's job
// control does, the terminal given back as it was meanwhile, and draws the
// line again when popsh is continued. The line editor's own suspension is
// not used: it sends SIGTSTP to popsh's parent process as well (stopping a
// program that runs popsh on a terminal of its own), and when popsh cannot
// be stopped (it leads its session: no shell's job control, the stop is
// discarded) it waited for a SIGCONT that never came, and the session hung.
// Then, or when the stop signal is ignored (as popsh's parent had it),
// Ctrl-Z only rings the bell.
func (e *terminalEditor) suspend() {
	if e == nil || !e.reading.Load() {
		return // not at the prompt
	}
	sid, err := unix.Getsid(0)
	if err != nil || sid == unix.Getpgrp() || signal.Ignored(syscall.SIGTSTP) {
		io.WriteString(e.term, "\a")
		return
	}
	e.rl.Clean()
	io.WriteString(e.term, PasteModeOff) // the shell may not use it
	e.rl.Terminal.ExitRawMode()
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	if err := unix.Kill(unix.Getpid(), unix.SIGTSTP); err == nil {
		<-cont
	}
	e.rl.Terminal.EnterRawMode()
	io.WriteString(e.term, PasteModeOn)
	e.rl.Refresh()
}

// SetEntry implements EntryEditor.
func (e *terminalEditor) SetEntry(shown string) { e.entry.Store(&shown) }

// AddHistory implements LineEditor: the entry becomes one line of history.
func (e *terminalEditor) AddHistory(entry string) error {
	// One entry per expression: a multi-line input is recalled as one line
	// that means the same thing.
	entry = strings.TrimSpace(HistoryLine(entry))
	if entry == "" {
		return nil
	}
	if err := e.rl.SaveHistory(entry); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return appendHistory(e.histF, entry)
}

// appendHistory writes entry as a line of the history file f, if any.
func appendHistory(f *os.File, entry string) error {
	if f == nil {
		return nil
	}
	if _, err := f.WriteString(entry + "\n"); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// Close implements LineEditor.
func (e *terminalEditor) Close() error {
	e.mu.Lock()
	if e.histF != nil {
		e.histF.Close()
		e.histF = nil
	}
	e.mu.Unlock()
	if e.reading.Load() {
		// A ReadLine is in flight (the program is ending while the user
		// types): closing the editor would wait for it. Erase the line
		// and give the terminal back as it was.
		e.reading.Store(false)
		e.rl.Clean()
		io.WriteString(e.term, PasteModeOff)
		if err := e.rl.Terminal.ExitRawMode(); err != nil {
			return fmt.Errorf("line editor: close: %w", err)
		}
		return nil
	}
	io.WriteString(e.term, PasteModeOff)
	if err := e.rl.Close(); err != nil {
		return fmt.Errorf("line editor: close: %w", err)
	}
	return nil
}

// Stdout implements Printer.
func (e *terminalEditor) Stdout() io.Writer {
	return &aboveWriter{e: e, direct: e.rl.Config.Stdout, above: e.rl.Stdout()}
}

// Stderr implements Printer.
func (e *terminalEditor) Stderr() io.Writer {
	return &aboveWriter{e: e, direct: e.rl.Config.Stderr, above: e.rl.Stderr()}
}

// aboveWriter writes above the line being typed while ReadLine runs, and
// directly otherwise.
type aboveWriter struct {
	e      *terminalEditor
	direct io.Writer
	above  io.Writer // the editor's: erases the line, writes, draws it again
	// endedLine says the last Write went above the prompt, its line
	// ended there (freshLineWriter asks)
	endedLine atomic.Bool
}

// Write implements io.Writer. Text written above the prompt that does not
// end a line is ended, so that the prompt is drawn at the start of one.
func (w *aboveWriter) Write(p []byte) (int, error) {
	if !w.e.reading.Load() || len(p) == 0 {
		w.endedLine.Store(false)
		return w.direct.Write(p)
	}
	w.endedLine.Store(true)
	q := p
	if p[len(p)-1] != '\n' {
		q = append(p[:len(p):len(p)], '\n')
	}
	if _, err := w.above.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// completer adapts a word completion function to readline's AutoCompleter,
// which wants the suffixes of the candidates and how many characters
// before the cursor to show in front of each in its list.
type completer struct {
	complete func(line string, pos int) (string, []string)
	width    func() int // the terminal's
	height   func() int // the terminal's, 0 when not known
}

// Do implements readline.AutoCompleter.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	word, cands := c.complete(string(line[:pos]), pos)
	n := len([]rune(word))
	var out [][]rune
	widest := 0
	for _, s := range cands {
		if r := []rune(s); len(r) >= n {
			out = append(out, r[n:])
			widest = max(widest, readline.Runes{}.WidthAll(r[n:]))
		}
	}
	shown := listedPart(line[pos-n : pos])
	if len(out) < 2 {
		return out, shown
	}
	// The editor lists the candidates in columns of the widest plus
	// the part shown plus one, in the width less one; with no column
	// that fits it wrote them on top of one another and divided by zero
	// on Ctrl-A in the list. Show less of the word; when a candidate
	// alone is too wide, no list: only their common start is completed.
	w := c.width()
	if room := w - 2 - widest; shown > room {
		shown = max(room, 0)
	}
	if commonPrefix(out) > 0 {
		return out, shown // no list: their common start is completed
	}
	if widest+shown+1 > w-1 {
		return nil, 0
	}
	// A list taller than the screen scrolled the line being typed out
	// of sight (the editor's move back up stopped at the top row): list
	// what fits, the first ones and the last (so that they start with
	// no more in common than all do).
	if h := c.height(); h > 0 {
		fit := (w - 1) / (widest + shown + 1) * max(h-3, 1)
		if len(out) > fit {
			out = append(out[:max(fit-1, 1):max(fit-1, 1)], out[len(out)-1])
		}
	}
	return out, shown
}

// commonPrefix is the number of characters all of cands start with.
func commonPrefix(cands [][]rune) int {
	n := len(cands[0])
	for _, c := range cands[1:] {
		i := 0
		for i < n && i < len(c) && c[i] == cands[0][i] {
			i++
		}
		n = i
	}
	return n
}

// listedPart is how many of the last characters of word the editor shows
// before each suffix in its list of completions. It pads the entries of
// the list by the number of characters of the word but subtracts the
// columns they take: with two wide characters in the word (a file name in
// Japanese) the padding came out negative and the editor panicked,
// leaving the terminal in raw mode. The part shown holds at most one
// character the editor counts two columns wide.
func listedPart(word []rune) int {
	wide := 0
	for i := len(word) - 1; i >= 0; i-- {
		if (readline.Runes{}).Width(word[i]) > 1 {
			if wide++; wide > 1 {
				return len(word) - 1 - i
			}
		}
	}
	return len(word)
}

// TerminalWidth is the width in columns of the terminal f, 0 when f is
// not a terminal.
func TerminalWidth(f *os.File) int {
	w, _, err := readline.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return readline.IsTerminal(int(f.Fd())) }

// SaveTerminal records the state of the terminal f and returns a function
// that puts it back: the shell calls it when a signal (SIGTERM, SIGHUP)
// ends the process while the line editor may have the terminal in raw mode.
func SaveTerminal(f *os.File) (restore func(), err error) {
	fd := int(f.Fd())
	st, err := readline.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("save terminal state: %w", err)
	}
	return func() { readline.Restore(fd, st) }, nil
}

// HistoryLine turns a multi-line entry into one line with the same meaning,
// so that recalling it from the history evaluates what was typed: a line
// break inside a string literal becomes the escape \n (\r for a carriage
// return), a backslash-newline continuation inside a string is elided as
// the reader would, a ; comment is dropped (it would swallow the rest of
// the joined line), and any other line break becomes a space.
func HistoryLine(entry string) string {
	var b strings.Builder
	const (
		normal = iota
		inString
		inBar
		inComment
	)
	state := normal
	rs := []rune(entry)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch state {
		case normal:
			switch c {
			case '"':
				state = inString
			case '|':
				if interp.BarSymbolAt(rs, i) {
					state = inBar
				}
			case ';':
				state = inComment
				continue
			case '#':
				if i+2 < len(rs) && rs[i+1] == '\\' {
					// A character literal: #\" #\; #\| are not delimiters.
					b.WriteString(string(rs[i : i+3]))
					i += 2
					continue
				}
			case '\n', '\r':
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(c)
		case inString, inBar:
			switch {
			case c == '\\' && i+1 < len(rs):
				j := i + 1
				for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t') {
					j++
				}
				if state == inString && j < len(rs) && (rs[j] == '\n' || rs[j] == '\r') {
					// Line continuation: drop it and the next line's indentation.
					if rs[j] == '\r' && j+1 < len(rs) && rs[j+1] == '\n' {
						j++
					}
					j++
					for j < len(rs) && (rs[j] == ' ' || rs[j] == '\t') {
						j++
					}
					i = j - 1
					continue
				}
				b.WriteRune(c)
				b.WriteRune(rs[i+1])
				i++
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			default:
				if (state == inString && c == '"') || (state == inBar && c == '|') {
					state = normal
				}
				b.WriteRune(c)
			}
		case inComment:
			if c == '\n' || c == '\r' {
				state = normal
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}
