package scsh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"popsh/interp"
)

// Process notation runs on os/exec. The run macros quasiquote their
// process form, so at run time it is plain data: (prog arg ...), (| pf ...)
// or (pipe pf ...), (epf pf redir ...), or a procedure (a (begin ...)
// form, turned into a thunk by the macro), followed by redirections
// (< [fd] file) (> [fd] file) (>> [fd] file) (<< [fd] obj) (= fd1 fd2)
// (- fd) and stdports. Only fds 0, 1 and 2 can be redirected.
//
// A (begin ...) stage cannot fork in Go: it runs in the interpreter,
// after the stages before it have finished, reading their whole output
// from (current-input-port) and writing to (current-output-port), both
// rebound to strings. Pipelines of programs alone run concurrently over
// OS pipes.

// procStage is one element of a pipeline.
type procStage struct {
	argv  []string
	thunk interp.Value // a (begin ...) stage
	// grp is the innermost (epf ...) with redirections that holds the
	// stage inside a pipeline (nil: none, the form's own redirections)
	grp *stageGroup
}

// stageGroup is an (epf pf redir ...) that is an element of a pipeline:
// its redirections apply to its stages, first to last, and not to the
// rest of the pipeline. The file descriptors it does not redirect are
// those of its place in the enclosing pipeline.
type stageGroup struct {
	first, last int
	parent      *stageGroup
	env         [3]fdTarget
}

// fdTarget is what a group's descriptor 0, 1 or 2 is, after its
// redirections so far.
type fdTarget struct {
	inherit int // the descriptor of the group's place it is (-1: below)
	in      *redirIn
	out     *redirOut
	closed  bool
}

// procSpec is a parsed extended process form.
type procSpec struct {
	stages []procStage
	stdin  *redirIn     // nil: inherit
	out    [3]*redirOut // fd 1 and 2 targets; index 0 unused
	dup    map[int]int  // fd -> fd it duplicates
	closed map[int]bool // fds closed with (- fd)
	stdp   bool         // stdports
}

type redirIn struct {
	file string
	data *string
}

type redirOut struct {
	file   string
	append bool
}

func procErr(format string, args ...any) error {
	return &interp.ErrorObject{Who: "run", Message: fmt.Sprintf(format, args...)}
}

// stringify converts a process-form argument: strings, symbols and
// integers are accepted, as in scsh.
func stringify(v interp.Value) (string, error) {
	switch x := v.(type) {
	case *interp.String:
		return x.String(), nil
	case *interp.Symbol:
		return x.Name, nil
	case int:
		return fmt.Sprint(x), nil
	}
	if isNumber(v) {
		return interp.DisplayString(v), nil
	}
	return "", procErr("can only stringify strings, symbols and integers, got %s", interp.WriteString(v))
}

func isProcedure(v interp.Value) bool {
	switch v.(type) {
	case *interp.Primitive:
		return true
	case *interp.String, *interp.Symbol, *interp.Pair, *interp.EmptyList, int, bool, interp.Char, *interp.Vector:
		return false
	}
	_, self := v.(interp.SelfPrinter)
	return self
}

// parseEPF parses an extended process form given as a list (pf redir ...).
// hasBeginStage reports whether a stage of sp is a (begin ...) form, run
// in the interpreter.
func (sp *procSpec) hasBeginStage() bool {
	for _, st := range sp.stages {
		if st.thunk != nil {
			return true
		}
	}
	return false
}

func parseEPF(form interp.Value) (*procSpec, error) {
	items, ok := interp.ListToSlice(form)
	if !ok || len(items) == 0 {
		return nil, procErr("bad process form: %s", interp.WriteString(form))
	}
	sp := &procSpec{dup: map[int]int{}, closed: map[int]bool{}}
	if err := sp.addPF(items[0], nil, false); err != nil {
		return nil, err
	}
	for _, r := range items[1:] {
		if err := sp.addRedir(r); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// addPF adds the stages of pf; grp is the group they are in, and
// inPipe says pf is an element of a pipeline (an epf there redirects its
// own stages only).
func (sp *procSpec) addPF(pf interp.Value, grp *stageGroup, inPipe bool) error {
	if isProcedure(pf) {
		sp.stages = append(sp.stages, procStage{thunk: pf, grp: grp})
		return nil
	}
	items, ok := interp.ListToSlice(pf)
	if !ok || len(items) == 0 {
		return procErr("bad process form: %s", interp.WriteString(pf))
	}
	if h, ok := items[0].(*interp.Symbol); ok {
		switch h.Name {
		case "|", "pipe":
			if len(items) < 2 {
				return procErr("empty pipeline")
			}
			for _, sub := range items[1:] {
				if err := sp.addPF(sub, grp, true); err != nil {
					return err
				}
			}
			return nil
		case "epf":
			if len(items) < 2 {
				return procErr("empty epf")
			}
			if !inPipe && grp == nil {
				// the whole form: its redirections are the form's
				if err := sp.addPF(items[1], nil, false); err != nil {
					return err
				}
				for _, r := range items[2:] {
					if err := sp.addRedir(r); err != nil {
						return err
					}
				}
				return nil
			}
			g := &stageGroup{first: len(sp.stages), parent: grp}
			for k := range g.env {
				g.env[k].inherit = k
			}
			if err := sp.addPF(items[1], g, false); err != nil {
				return err
			}
			g.last = len(sp.stages) - 1
			for _, r := range items[2:] {
				if err := g.addRedir(r); err != nil {
					return err
				}
			}
			return nil
		case "|+":
			return procErr("|+ pipelines are not supported")
		}
	}
	argv := make([]string, len(items))
	for i, a := range items {
		s, err := stringify(a)
		if err != nil {
			return err
		}
		argv[i] = s
	}
	sp.stages = append(sp.stages, procStage{argv: argv, grp: grp})
	return nil
}

// plain reports whether the form has no redirections of its own.
func (sp *procSpec) plain() bool {
	return sp.stdin == nil && sp.out[1] == nil && sp.out[2] == nil && len(sp.dup) == 0 && len(sp.closed) == 0 && !sp.stdp && !sp.hasGroups()
}

// hasGroups reports whether an epf inside a pipeline has redirections.
func (sp *procSpec) hasGroups() bool {
	for _, st := range sp.stages {
		if st.grp != nil {
			return true
		}
	}
	return false
}

// addRedir applies a redirection of an epf inside a pipeline to its
// descriptors, in order (as dup2 calls would).
func (g *stageGroup) addRedir(r interp.Value) error {
	tmp := &procSpec{dup: map[int]int{}, closed: map[int]bool{}}
	if err := tmp.addRedir(r); err != nil {
		return err
	}
	if tmp.stdp {
		return procErr("stdports inside a pipeline is not supported")
	}
	switch {
	case tmp.stdin != nil:
		g.env[0] = fdTarget{inherit: -1, in: tmp.stdin}
	case tmp.out[1] != nil:
		g.env[1] = fdTarget{inherit: -1, out: tmp.out[1]}
	case tmp.out[2] != nil:
		g.env[2] = fdTarget{inherit: -1, out: tmp.out[2]}
	case len(tmp.closed) > 0:
		for fd := range tmp.closed {
			g.env[fd] = fdTarget{inherit: -1, closed: true}
		}
	default:
		for a, b := range tmp.dup {
			g.env[a] = g.env[b]
		}
	}
	return nil
}

func fdArg(v interp.Value) (int, error) {
	n, ok := v.(int)
	if !ok || n < 0 {
		return 0, procErr("expected a file descriptor, got %s", interp.WriteString(v))
	}
	if n > 2 {
		return 0, procErr("redirection of fd %d is not supported (only 0, 1, 2)", n)
	}
	return n, nil
}

func (sp *procSpec) addRedir(r interp.Value) error {
	if s, ok := r.(*interp.Symbol); ok && s.Name == "stdports" {
		sp.stdp = true
		return nil
	}
	items, ok := interp.ListToSlice(r)
	if !ok || len(items) < 2 {
		return procErr("bad redirection: %s", interp.WriteString(r))
	}
	h, ok := items[0].(*interp.Symbol)
	if !ok {
		return procErr("bad redirection: %s", interp.WriteString(r))
	}
	args := items[1:]
	switch h.Name {
	case "<", ">", ">>", "<<":
		fd := 0
		if h.Name == ">" || h.Name == ">>" {
			fd = 1
		}
		if len(args) == 2 {
			n, err := fdArg(args[0])
			if err != nil {
				return err
			}
			fd = n
			args = args[1:]
		}
		if len(args) != 1 {
			return procErr("bad redirection: %s", interp.WriteString(r))
		}
		if h.Name == "<<" {
			if fd != 0 {
				return procErr("<< only to fd 0 is supported")
			}
			s := interp.DisplayString(args[0])
			sp.stdin = &redirIn{data: &s}
			return nil
		}
		file, err := stringify(args[0])
		if err != nil {
			return err
		}
		if h.Name == "<" {
			if fd != 0 {
				return procErr("< only to fd 0 is supported")
			}
			sp.stdin = &redirIn{file: file}
			return nil
		}
		if fd == 0 {
			return procErr("%s to fd 0 is not supported", h.Name)
		}
		sp.out[fd] = &redirOut{file: file, append: h.Name == ">>"}
		delete(sp.dup, fd)
		return nil
	case "=":
		if len(args) != 2 {
			return procErr("bad redirection: %s", interp.WriteString(r))
		}
		a, err := fdArg(args[0])
		if err != nil {
			return err
		}
		b, err := fdArg(args[1])
		if err != nil {
			return err
		}
		// Redirections apply in order, as dup2 calls would: (= a b) makes
		// a what b is now, so a later (> b file) leaves a alone
		// ((= 2 1) (> f): errors to the old output, output to f).
		if a >= 1 && b >= 1 && sp.out[b] != nil {
			sp.out[a] = sp.out[b]
			delete(sp.dup, a)
			return nil
		}
		if c, ok := sp.dup[b]; ok {
			b = c
		}
		if a >= 1 {
			sp.out[a] = nil
		}
		delete(sp.closed, a)
		sp.dup[a] = b
		return nil
	case "-":
		fd, err := fdArg(args[0])
		if err != nil {
			return err
		}
		sp.closed[fd] = true
		return nil
	}
	return procErr("unknown redirection %s", h.Name)
}

// procRunner runs a procSpec inside one interpreter.
type procRunner struct {
	it   *interp.Interp
	ctx  context.Context
	call func(proc interp.Value, args ...interp.Value) (interp.Value, error)
	// runStr runs a (begin ...) stage; a nil input means the stage reads
	// the current input port (the first stage, with no < or <<).
	// stderr is where the stage's error output goes when it is collected
	// (a *bytes.Buffer); otherwise the current error port is kept.
	runStr func(thunk interp.Value, input *string, stderr io.Writer) (string, int, error)
	// lookPath finds a program (nil: exec.LookPath on $PATH).
	lookPath func(string) (string, error)
	// lastPid is the process id of the last stage started.
	lastPid int
	// stdin is what a program reads by default (nil: os.Stdin)
	stdin func() io.Reader
	// pumped is set when the output of the programs started goes to
	// Scheme ports through pumps: the wait must then be called by the
	// Scheme thread holding the interpreter lock
	pumped bool
}

// procResult is a finished or running pipeline.
type procResult struct {
	cmds   []*exec.Cmd
	wait   func() (int, error) // raw wait status of the last stage
	output *bytes.Buffer
}

// stageTargets resolves the descriptors 0, 1 and 2 of the stages of a
// pipeline whose epf elements have redirections of their own.
type stageTargets struct {
	sp     *procSpec
	stdin  io.Reader
	outs   [3]io.Writer
	pipeR  []*os.File
	pipeW  []*os.File
	opened map[*redirOut]*os.File
	files  []*os.File // opened for groups, closed after the run
	err    error
}

func (t *stageTargets) first(g *stageGroup) int {
	if g == nil {
		return 0
	}
	return g.first
}

func (t *stageTargets) last(g *stageGroup) int {
	if g == nil {
		return len(t.sp.stages) - 1
	}
	return g.last
}

// viewIn is what descriptor 0 is inside g, for g's first stage.
func (t *stageTargets) viewIn(g *stageGroup) io.Reader {
	if g == nil {
		return t.stdin
	}
	e := g.env[0]
	switch {
	case e.in != nil && e.in.data != nil:
		return strings.NewReader(*e.in.data)
	case e.in != nil:
		f, err := os.Open(e.in.file)
		if err != nil {
			t.err = syscallError("open", err, interp.NewString(e.in.file))
			return nil
		}
		t.files = append(t.files, f)
		return f
	case e.inherit == 0:
		if g.first > t.first(g.parent) {
			return t.pipeR[g.first-1]
		}
		return t.viewIn(g.parent)
	}
	return nil
}

// viewOut is what descriptor k (1 or 2) is inside g, for g's last stage
// (k = 1) or any of its stages (k = 2).
func (t *stageTargets) viewOut(g *stageGroup, k int) io.Writer {
	if g == nil {
		return t.outs[k]
	}
	e := g.env[k]
	switch {
	case e.out != nil:
		if f := t.opened[e.out]; f != nil {
			return f
		}
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if e.out.append {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(e.out.file, flag, 0o666)
		if err != nil {
			t.err = syscallError("open", err, interp.NewString(e.out.file))
			return nil
		}
		t.opened[e.out] = f
		t.files = append(t.files, f)
		return f
	case e.inherit == 1:
		if g.last < t.last(g.parent) {
			return t.pipeW[g.last]
		}
		return t.viewOut(g.parent, 1)
	case e.inherit == 2:
		return t.viewOut(g.parent, 2)
	}
	return nil
}

func (t *stageTargets) closeFiles() {
	for _, f := range t.files {
		f.Close()
	}
}

// waitStatus converts a finished command's state into a raw wait status
// (exit code << 8, or the signal number).
func waitStatus(ps *os.ProcessState) int {
	if ps == nil {
		return 0
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok {
		return int(ws)
	}
	return ps.ExitCode() << 8
}

// start launches the pipeline. stdout is where the last stage's fd 1
// goes when not redirected (nil: the Scheme current output port, pumped).
// It returns a function that waits for the whole pipeline.
func (pr *procRunner) start(sp *procSpec, stdout io.Writer, stderr io.Writer, background bool) (func() (int, error), error) {
	// As scsh's fork, flush every output port first: a program started
	// reads the files written so far complete (a source file still open,
	// handed to a compiler), and output keeps its order. A port that
	// cannot be flushed reports it at its next write or close.
	if pr.it != nil {
		interp.FlushOpenPorts(pr.it)
	}
	// A (begin ...) stage forces the sequential model.
	if sp.hasBeginStage() {
		if sp.hasGroups() {
			return nil, procErr("an epf with redirections inside a pipeline that has a (begin ...) stage is not supported")
		}
		return pr.runSequential(sp, stdout, stderr)
	}
	var toClose []io.Closer
	closeAll := func() {
		for _, c := range toClose {
			c.Close()
		}
	}
	// output for Scheme ports without a descriptor goes through pumps
	pumps := &portPumps{}
	var err error
	if stdout, err = pumps.writer(stdout); err == nil {
		stderr, err = pumps.writer(stderr)
	}
	for _, pp := range pumps.ports {
		toClose = append(toClose, pp.r, pp.w)
		pr.pumped = true
	}
	if err != nil {
		closeAll()
		return nil, err
	}
	var stdin io.Reader
	switch {
	case sp.closed[0]:
		stdin = nil
	case sp.stdin != nil && sp.stdin.data != nil:
		stdin = strings.NewReader(*sp.stdin.data)
	case sp.stdin != nil:
		f, err := os.Open(sp.stdin.file)
		if err != nil {
			return nil, syscallError("open", err, interp.NewString(sp.stdin.file))
		}
		toClose = append(toClose, f)
		stdin = f
	case sp.stdp:
		if in := pr.it.CurrentInput(); in.Name == "stdin" {
			stdin = os.Stdin
		} else {
			stdin = inputSource(in)
		}
	default:
		if !background {
			stdin = os.Stdin
			if pr.stdin != nil {
				stdin = pr.stdin()
			}
		}
	}
	// The stages' stderr (and the last one's stdout) are copied by
	// goroutines of os/exec: serialise the writes to shared writers.
	mu := new(sync.Mutex)
	outs := [3]io.Writer{nil, lockWriter(mu, stdout), lockWriter(mu, stderr)}
	orig := outs // what a (= a b) given before any (> b ...) refers to
	opened := map[*redirOut]*os.File{}
	for fd := 1; fd <= 2; fd++ {
		if sp.closed[fd] {
			outs[fd] = nil
			continue
		}
		if f := opened[sp.out[fd]]; f != nil {
			// (> f) then (= 2 1): one open file for both
			outs[fd] = f
			continue
		}
		if r := sp.out[fd]; r != nil {
			flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			if r.append {
				flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
			}
			f, err := os.OpenFile(r.file, flag, 0o666)
			if err != nil {
				closeAll()
				return nil, syscallError("open", err, interp.NewString(r.file))
			}
			toClose = append(toClose, f)
			outs[fd] = f
			opened[r] = f
		}
	}
	for a, b := range sp.dup {
		if a >= 1 && b >= 1 && !sp.closed[a] {
			outs[a] = orig[b]
		}
	}
	// The pipes between consecutive stages, made first: a group's
	// redirection may send a stage to a pipe further on ((= 2 1) in an
	// epf sends every stage's errors where the epf's output goes).
	n := len(sp.stages)
	pipeR := make([]*os.File, n)
	pipeW := make([]*os.File, n)
	var pipeEnds []*os.File
	for i := 0; i < n-1; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll()
			for _, f := range pipeEnds {
				f.Close()
			}
			return nil, syscallError("pipe", err)
		}
		pipeR[i], pipeW[i] = r, w
		pipeEnds = append(pipeEnds, r, w)
	}
	closePipes := func() {
		for _, f := range pipeEnds {
			f.Close()
		}
		pipeEnds = nil
	}
	st := &stageTargets{sp: sp, stdin: stdin, outs: outs, pipeR: pipeR, pipeW: pipeW, opened: opened}
	var cmds []*exec.Cmd
	for i, stage := range sp.stages {
		look := exec.LookPath
		if pr.lookPath != nil {
			look = pr.lookPath
		}
		path, err := look(stage.argv[0])
		if err != nil {
			closeAll()
			closePipes()
			return nil, syscallError("exec", err, interp.NewString(stage.argv[0]))
		}
		cmd := exec.CommandContext(pr.ctx, path, stage.argv[1:]...)
		cmd.Args[0] = stage.argv[0]
		g := stage.grp
		if i > st.first(g) {
			cmd.Stdin = pipeR[i-1]
		} else {
			cmd.Stdin = st.viewIn(g)
		}
		if i < st.last(g) {
			cmd.Stdout = pipeW[i]
		} else {
			cmd.Stdout = st.viewOut(g, 1)
		}
		cmd.Stderr = st.viewOut(g, 2)
		if st.err != nil {
			closeAll()
			closePipes()
			st.closeFiles()
			return nil, st.err
		}
		cmds = append(cmds, cmd)
	}
	for _, f := range st.files {
		toClose = append(toClose, f)
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			closeAll()
			closePipes()
			for _, started := range cmds {
				if started.Process != nil {
					started.Process.Kill()
					started.Wait()
				}
			}
			return nil, syscallError("fork/exec", err, interp.NewString(c.Args[0]))
		}
		pr.lastPid = c.Process.Pid
	}
	// The parent's copies of the pipe ends go once the children have them:
	// a reader gets EOF only when no other process holds the write end,
	// and a writer (yes) whose reader exits (head) must be left with no
	// reader, so that it gets SIGPIPE and ends.
	closePipes()
	pumps.started()
	var once sync.Once
	var status int
	var werr error
	wait := func() (int, error) {
		once.Do(func() {
			pumps.deliver(pr.it)
			for i, c := range cmds {
				err := c.Wait()
				var ee *exec.ExitError
				if err != nil && !errors.As(err, &ee) {
					werr = fmt.Errorf("wait for %s: %w", c.Args[0], err)
				}
				if i == len(cmds)-1 {
					status = waitStatus(c.ProcessState)
				}
			}
			closeAll()
		})
		return status, werr
	}
	return wait, nil
}

// runSequential runs a pipeline that contains (begin ...) stages one
// stage after the other, passing each stage's whole output to the next.
func (pr *procRunner) runSequential(sp *procSpec, stdout, stderr io.Writer) (func() (int, error), error) {
	input := ""
	if sp.stdin != nil {
		if sp.stdin.data != nil {
			input = *sp.stdin.data
		} else {
			b, err := os.ReadFile(sp.stdin.file)
			if err != nil {
				return nil, syscallError("open", err, interp.NewString(sp.stdin.file))
			}
			input = string(b)
		}
	}
	// The first stage reads what the form would read: its < or <<
	// redirection, else the current input port (a stage) or the process's
	// standard input (a program), as a forked child would.
	inherit := sp.stdin == nil && !sp.closed[0]
	status := 0
	for i, st := range sp.stages {
		if st.thunk != nil {
			in := &input
			if i == 0 && inherit {
				in = nil
			}
			out, code, err := pr.runStr(st.thunk, in, stderr)
			if err != nil {
				return nil, err
			}
			input, status = out, code
			continue
		}
		sub := &procSpec{stages: []procStage{st}, dup: map[int]int{}, closed: map[int]bool{}}
		if i > 0 || !inherit {
			s := input
			sub.stdin = &redirIn{data: &s}
		} else {
			sub.stdp = true
		}
		var buf bytes.Buffer
		wait, err := pr.start(sub, &buf, stderr, false)
		if err != nil {
			return nil, err
		}
		status, err = wait()
		if err != nil {
			return nil, err
		}
		input = buf.String()
	}
	if r := sp.out[1]; r != nil {
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if r.append {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(r.file, flag, 0o666)
		if err != nil {
			return nil, syscallError("open", err, interp.NewString(r.file))
		}
		defer f.Close()
		stdout = f
	}
	if stdout != nil {
		if _, err := io.WriteString(stdout, input); err != nil {
			return nil, fmt.Errorf("run: write output: %w", err)
		}
	}
	return func() (int, error) { return status, nil }, nil
}

// portWriter adapts an output port to io.Writer.
type portWriter struct{ p *interp.Port }

func (w portWriter) Write(b []byte) (int, error) { return w.p.Write(b) }

// splitLines splits output like port->string-list: LF-terminated lines
// with the LF removed; a last line without LF is kept.
func splitLines(s string) []interp.Value {
	var out []interp.Value
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, interp.NewString(s))
			break
		}
		out = append(out, interp.NewString(s[:i]))
		s = s[i+1:]
	}
	return out
}

// lockedWriter serialises writes to w with mu (it hides any ReadFrom of
// w, which io.Copy would otherwise call from several goroutines).
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// lockWriter wraps w unless it is nil or an *os.File (given to children
// as a file descriptor).
func lockWriter(mu *sync.Mutex, w io.Writer) io.Writer {
	if w == nil {
		return nil
	}
	if f, ok := w.(*os.File); ok {
		return f
	}
	return &lockedWriter{mu: mu, w: w}
}
