package interp

import (
	"bufio"
	"context"
	"io"
	"os"
	"sort"
	"sync/atomic"
)

// Interp is one independent Scheme interpreter: its own global environment,
// stacks and current ports. An Interp is not safe for concurrent use, except
// Interrupt, which may be called from any goroutine; the Scheme threads of
// a program share it under the interpreter lock (see the package
// documentation and Blocking).
type Interp struct {
	// globals are the cells of the symbols made at run time; those of the
	// static symbols (symtab_static.go) are staticCells[id-1], a cell in
	// use once its Name is set.
	globals     map[*Symbol]*Global
	staticCells []Global
	// groups are the install functions of the deferred groups, by index
	// in staticGroups (groups.go); runningGroup names the group being
	// installed
	groups       []func()
	runningGroup string
	// usedGroups: the groups one of whose names got a cell before the
	// group was deferred
	usedGroups [256]bool
	// lazyDefaults: the static cells not yet used get interp's own
	// bindings (syntax, built-in procedures) when first used (defaults.go)
	lazyDefaults bool
	cells        []Global // the unused rest of the block global carves cells from
	vm           vm

	inParam, outParam, errParam *Parameter

	interrupt atomic.Bool
	ctx       context.Context
	// maxRead is the read limit in bytes (0: DefaultMaxRead)
	maxRead int

	cmdline []string

	// docs are the tables given to Document; docIndex indexes them (and
	// interp's own) on the first Doc call.
	docs     []docTable
	docIndex map[string]Documentation
	// deliver is the Scheme procedure that hands a raised object to the
	// handler stack (from the prelude).
	deliver Value
	// files being loaded, innermost last (for include and load relative paths)
	loading []string
	// env is the interaction environment object.
	env    *Environment
	gensym int
	// coreRefs: the procedures Go expanders refer to (see gref)
	coreRefs map[string]Value
	// libFinder finds the file of a library import does not know
	// (SetLibraryFinder); libLoading: the libraries being loaded by import
	libFinder  func(rel string) (string, bool)
	libLoading map[string]bool
	libRoots   []string // the directories import found library files in
	// paramAssign: the procedure (p value) runs (paramAssigner)
	paramAssign *Closure
	// features: the feature identifiers added by AddFeatures
	features []string
	// emergency: the evaluation ending now called emergency-exit, so its
	// dynamic-wind after thunks are not run (see enter and finish)
	emergency bool
	// libs: the export lists of the user's libraries (define-library)
	libs map[string][]string
	// auxNames maps a name an import gave an auxiliary keyword of a
	// standard library ((prefix (scheme base) b:) gives b:else) to the
	// keyword's own name: cond, case and guard know them by name.
	auxNames map[*Symbol]string
	// kept holds, by standard library, the standard bindings an embedder
	// replaced with versions of its own (KeepStandard).
	kept map[string][]keptBinding
	// openPorts: the file output ports the program opened, for
	// FlushOpenPorts (closed ones are dropped as new ones are added)
	openPorts []*Port
	// closeHook judges the close-port family (SetCloseHook)
	closeHook func(*Port) bool
	// locals: the embedder's per-interpreter values (SetLocal, Local)
	locals map[string]any
	// ts: the threads and the interpreter lock (gil.go)
	ts *threadState
	// lazyLoaded: the procedures and macros made so far from lazy library
	// definitions (lib_lazy.go), by definition
	lazyLoaded map[*libForm]Value
	// noYield > 0 while a lazy definition is being evaluated: the running
	// thread keeps the interpreter lock until it is done (gil.go)
	noYield int
	// pending: the deferred definitions of the cells marked pending
	pending map[*Global]*libForm
	// libDepth > 0 while library code (the interpreter's and embedders'
	// Scheme libraries) is installed, loaded or compiled: it then sees
	// the library's binding of a name the program has redefined (the
	// cell's lib). libRefs: the library code compiled so far, by the
	// cells it refers to (to point it at lib when the program redefines
	// a name; see shadow).
	libDepth int
	libRefs  map[*Global][]*Proto
}

// Global is a top-level binding cell.
type Global struct {
	Name    *Symbol
	value   Value
	special *specialForm
	macro   *macro
	// builtin is the primitive installed under this name by New; pure says
	// the cell still holds it, so the VM may inline it.
	builtin *Primitive
	pure    bool
	// pending: the cell is unbound and has a deferred definition (in
	// Interp.pending), evaluated when the name is first referred to (see
	// forceGlobal)
	pending bool
	// lib, once the program has defined a name the libraries bind, holds
	// the libraries' binding, which their code keeps using (as a Scheme48
	// module keeps its own bindings whatever the user package defines);
	// userDef: the program's own definition is in this cell.
	lib     *Global
	userDef bool
}

type unboundT struct{}

// unbound marks a global cell without a value.
var unbound Value = &unboundT{}

// Closure is a compiled Scheme procedure.
type Closure struct {
	proto *Proto
	free  []Value
}

// SchemeString gives the printed form of a closure.
func (c *Closure) SchemeString() string {
	if c.proto.name != "" {
		return "#<procedure " + c.proto.name + ">"
	}
	return "#<procedure>"
}

// box holds a variable that is both captured by a closure and assigned.
type box struct{ v Value }

// Parameter is a parameter object (make-parameter).
type Parameter struct {
	value     Value
	converter Value
	name      string
	// owner is the interpreter whose threads may bind the parameter
	// (parameterize binds it in the running thread only)
	owner *Interp
}

// SchemeString gives the printed form of a parameter.
func (p *Parameter) SchemeString() string {
	if p.name != "" {
		return "#<parameter " + p.name + ">"
	}
	return "#<parameter>"
}

// Value returns the current value of the parameter in the running thread.
func (p *Parameter) Value() Value {
	if p.owner != nil {
		return p.owner.vm.paramValue(p)
	}
	return p.value
}

// paramValue is p's value in this thread: its parameterize binding, or
// the global value.
func (vm *vm) paramValue(p *Parameter) Value {
	if vm.params != nil {
		if v, ok := vm.params[p]; ok {
			return v
		}
	}
	return p.value
}

// caseLambda is the procedure made by case-lambda.
type caseLambda struct {
	clauses []*Closure
	name    string
}

// SchemeString gives the printed form of a case-lambda procedure.
func (c *caseLambda) SchemeString() string { return "#<procedure " + c.name + ">" }

// Continuation is a first-class continuation captured by call/cc. Its
// value stack and frames are the segments stack and frames on top of
// those of parent (a continuation captured earlier, below this one, whose
// part of the stack was still intact): capturing at every level of a
// recursion copies each level once, not the whole stack each time.
type Continuation struct {
	parent       *Continuation
	stack        []Value // the values at sbase..ssize of the VM's stack
	frames       []frame // the frames at fbase..fsize
	sbase, ssize int
	fbase, fsize int
	wind         *windFrame
	handlers     Value
	level        int
}

// SchemeString gives the printed form of a continuation.
func (k *Continuation) SchemeString() string { return "#<continuation>" }

type windFrame struct {
	before, after Value
	parent        *windFrame
	depth         int
}

// ctlProc is a control procedure the VM implements itself.
type ctlProc struct {
	name string
	kind int
}

// SchemeString gives the printed form of a control procedure.
func (c *ctlProc) SchemeString() string { return "#<procedure " + c.name + ">" }

const (
	ctlCallCC = iota
)

// directHandler marks an entry of the handler stack pushed by
// %with-direct-handler (scsh's with-handler semantics).
type directHandler struct{ proc Value }

// SchemeString gives the printed form of a direct handler entry.
func (d *directHandler) SchemeString() string { return "#<handler>" }

// Environment is the value of (interaction-environment) and (environment ...).
type Environment struct {
	name string
	// names: the top-level names an environment made from import sets
	// gives under new names (prefix, rename), as cells of the globals they
	// denote; nil for the interaction environment
	names map[*Symbol]*Global
}

// SchemeString gives the printed form of an environment.
func (e *Environment) SchemeString() string { return "#<environment " + e.name + ">" }

// Promise is the value of delay, delay-force and make-promise.
type Promise struct {
	b *promiseState // shared with the promises a delay-force chain forwards to
}

// SchemeString gives the printed form of a promise.
func (p *Promise) SchemeString() string { return "#<promise>" }

// Option configures a new interpreter.
type Option func(*Interp)

// WithInput sets the initial current input.
func WithInput(r io.Reader) Option { return func(it *Interp) { it.SetInput(r) } }

// WithOutput sets the initial current output.
func WithOutput(w io.Writer) Option { return func(it *Interp) { it.SetOutput(w) } }

// WithErrorOutput sets the initial current error output.
func WithErrorOutput(w io.Writer) Option { return func(it *Interp) { it.SetErrorOutput(w) } }

// WithCommandLine sets the value of (command-line).
func WithCommandLine(args []string) Option { return func(it *Interp) { it.cmdline = args } }

// WithMaxDepth bounds the depth of non-tail recursion (default 4,000,000
// frames); deeper recursion ends in a "recursion too deep" error.
func WithMaxDepth(frames int) Option { return func(it *Interp) { it.vm.maxFrames = frames } }

// New returns a fresh interpreter with the standard library installed.
func New(opts ...Option) *Interp {
	it := &Interp{globals: make(map[*Symbol]*Global), staticCells: make([]Global, len(staticSymbols))}
	it.vm.it = it
	it.vm.stack = make([]Value, 1024)
	it.vm.handlers = Null
	it.vm.maxFrames = defaultMaxFrames
	it.initThreads()
	it.env = &Environment{name: "interaction"}
	out := NewOutputPort(os.Stdout, "stdout")
	in := NewInputPort(os.Stdin, "stdin")
	in.Tie = out
	it.inParam = &Parameter{owner: it, value: in, name: "current-input-port"}
	it.outParam = &Parameter{owner: it, value: out, name: "current-output-port"}
	errp := NewOutputPort(os.Stderr, "stderr")
	errp.LineFlush = true
	errp.Tie = out
	it.errParam = &Parameter{owner: it, value: errp, name: "current-error-port"}
	if staticDefaultsValid() {
		// the cells are given their built-in bindings when first used
		it.lazyDefaults = true
	} else {
		for name, sf := range specialForms {
			it.global(Intern(name)).special = sf
		}
		for name, m := range builtinMacros {
			it.global(Intern(name)).macro = m
		}
		for _, p := range builtins {
			g := it.global(Intern(p.Name))
			g.value, g.builtin, g.pure = p, p, true
		}
	}
	it.installControl()
	for _, o := range opts {
		o(it)
	}
	maxRead := it.maxRead
	it.maxRead = 0 // the prelude is ours: a small read limit is for input
	if err := it.loadPrelude(); err != nil {
		panic("popsh: prelude failed: " + err.Error())
	}
	it.maxRead = maxRead
	it.snapshotCoreRefs()
	return it
}

// cell returns the cell of name, nil when it has none.
func (it *Interp) cell(name *Symbol) *Global {
	if name.id > 0 {
		g := &it.staticCells[name.id-1]
		if g.Name == nil {
			it.firstUse(g, name)
		}
		if g.Name != nil {
			return it.view(g)
		}
		return nil
	}
	if g := it.globals[name]; g != nil {
		return it.view(g)
	}
	return nil
}

// view is the cell library code uses for g: its lib while library code is
// being installed or compiled, else g.
func (it *Interp) view(g *Global) *Global {
	if it.libDepth > 0 && g.lib != nil {
		return g.lib
	}
	return g
}

// inLibrary marks library code being installed, loaded or compiled until
// the function it returns is called.
func (it *Interp) inLibrary() func() {
	it.libDepth++
	return func() { it.libDepth-- }
}

// registerLib records library code compiled into p and the protos in it.
func (it *Interp) registerLib(p *Proto) {
	p.lib = true
	if it.libRefs == nil {
		it.libRefs = make(map[*Global][]*Proto)
	}
	for _, g := range p.globals {
		it.libRefs[g] = append(it.libRefs[g], p)
	}
	for _, q := range p.protos {
		it.registerLib(q)
	}
}

// userDefine is called before the program (code that is not library code)
// defines g. When g holds a binding of the libraries, the binding moves to
// a cell of its own, g.lib, and the library code compiled so far is
// pointed at it; library code compiled later finds it through view. The
// program's code keeps g, so its earlier references to the name see its
// definition.
func (it *Interp) userDefine(g *Global) error {
	if g.lib == nil && !g.userDef && g.bound() {
		if g.pending {
			if err := it.forceGlobal(g); err != nil {
				return err
			}
		}
		l := &Global{Name: g.Name, value: g.value, special: g.special, macro: g.macro, builtin: g.builtin, pure: g.pure}
		g.lib = l
		for _, p := range it.libRefs[g] {
			for i, x := range p.globals {
				if x == g {
					p.globals[i] = l
				}
			}
		}
		delete(it.libRefs, g)
	}
	g.userDef = true
	return nil
}

// global returns the cell of name, creating an unbound one if needed.
// Cells are carved from blocks (a cell is never removed, so a block lives
// as long as the interpreter anyway).
func (it *Interp) global(name *Symbol) *Global {
	if name.id > 0 {
		g := &it.staticCells[name.id-1]
		if g.Name == nil {
			it.firstUse(g, name)
		}
		if g.Name == nil {
			g.Name, g.value = name, unbound
		}
		return it.view(g)
	}
	g := it.globals[name]
	if g == nil {
		if len(it.cells) == 0 {
			it.cells = make([]Global, 256)
		}
		g = &it.cells[0]
		it.cells = it.cells[1:]
		g.Name, g.value = name, unbound
		it.globals[name] = g
	}
	return it.view(g)
}

// bound reports whether the cell holds a binding: a value, syntax, or a
// deferred definition.
func (g *Global) bound() bool {
	return g.value != unbound || g.special != nil || g.macro != nil || g.pending
}

// setGlobal assigns a global cell, keeping the inlining flag right.
func (g *Global) set(v Value) {
	g.value = v
	g.pure = g.builtin != nil && v == Value(g.builtin)
}

// Define binds name to v in the global environment.
func (it *Interp) Define(name string, v Value) {
	it.recordBinding(name)
	g := it.global(Intern(name))
	g.special, g.macro = nil, nil
	if g.pending {
		it.setPending(g, nil)
	}
	g.set(v)
}

// keptBinding is a standard binding an embedder replaced.
type keptBinding struct {
	name  *Symbol
	value Value
}

// KeepStandard is called by an embedder about to bind name, a procedure
// of the standard library lib (written as in an import set: "(scheme
// base)"), to a version of its own that answers the same call
// differently (scsh's read-string returns #f at the end of a file where
// R7RS's returns the eof object). The standard binding is kept: a program
// or library that imports lib, whole or with only naming name, gets it
// back, while other code sees the embedder's.
func (it *Interp) KeepStandard(lib, name string) {
	var v Value
	if g := it.cell(Intern(name)); g != nil && g.builtin != nil {
		// the primitive New bound, even when the embedder's is there
		// already (its group installed first)
		v = g.builtin
	} else if lv, ok := it.Lookup(name); ok {
		v = lv
	} else {
		return
	}
	if it.kept == nil {
		it.kept = map[string][]keptBinding{}
	}
	it.kept[lib] = append(it.kept[lib], keptBinding{Intern(name), v})
}

// Lookup returns the global value of name.
func (it *Interp) Lookup(name string) (Value, bool) {
	g := it.cell(Intern(name))
	if g != nil && g.pending {
		if err := it.forceFromGo(g); err != nil {
			return nil, false
		}
	}
	if g == nil || g.value == unbound {
		return nil, false
	}
	return g.value, true
}

// GlobalNames returns the sorted names of every global binding, syntax
// keywords included (for completion).
func (it *Interp) GlobalNames() []string {
	out := make([]string, 0, len(it.globals)+len(it.staticCells))
	for i := range it.staticCells {
		if g := &it.staticCells[i]; g.Name != nil && g.bound() {
			out = append(out, g.Name.Name)
		} else if g.Name == nil && it.hasDefault(&staticSymbols[i]) {
			// bound when first used
			out = append(out, staticSymbols[i].Name)
		}
	}
	for s, g := range it.globals {
		if g.bound() {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out
}

// CurrentInput returns the current input port.
func (it *Interp) CurrentInput() *Port {
	p, _ := it.inParam.Value().(*Port)
	return p
}

// CurrentOutput returns the current output port.
func (it *Interp) CurrentOutput() *Port {
	p, _ := it.outParam.Value().(*Port)
	return p
}

// CurrentError returns the current error port.
func (it *Interp) CurrentError() *Port {
	p, _ := it.errParam.Value().(*Port)
	return p
}

// SetInput makes r the current input. The output port is flushed before
// each read from it (Port.Tie), so a prompt appears before input is awaited.
func (it *Interp) SetInput(r io.Reader) {
	var p *Port
	if _, ok := r.(*bufio.Reader); ok {
		// the port reads through r itself, which its owner may read
		// too (popsh reads piped program text from it): no lock release
		p = NewInputPort(r, "input")
		p.shared = true
	} else {
		src := &releasingSource{r: r, it: it}
		p = NewInputPort(src, "input")
		src.port = p
		if c, ok := r.(io.Closer); ok {
			p.closer = c
		} else {
			p.closer = nil
		}
	}
	p.Tie = it.CurrentOutput()
	it.inParam.value = p
}

// SetOutput makes w the current output. Output is buffered: it is flushed
// at the end of each Eval call, by flush-output-port, and before reading
// the current input or writing the current error port.
func (it *Interp) SetOutput(w io.Writer) {
	it.flushPort(it.outParam.value)
	out := NewOutputPort(w, "output")
	it.outParam.value = out
	if p := it.CurrentInput(); p != nil {
		p.Tie = out
	}
	if p := it.CurrentError(); p != nil {
		p.Tie = out
	}
}

// SetErrorOutput makes w the current error output (flushed at each newline,
// after the current output).
func (it *Interp) SetErrorOutput(w io.Writer) {
	it.flushPort(it.errParam.value)
	p := NewOutputPort(w, "error")
	p.LineFlush = true
	p.Tie = it.CurrentOutput()
	it.errParam.value = p
}

func (it *Interp) flushPort(v Value) {
	if p, ok := v.(*Port); ok {
		p.Flush()
	}
}

// FlushOutput flushes the current output and error ports.
func (it *Interp) FlushOutput() {
	it.flushPort(it.outParam.Value())
	it.flushPort(it.errParam.Value())
}

// LoadingFile returns the absolute name of the file being loaded (by load
// or EvalFile), the innermost one when loads nest, or "" when no file is
// being loaded.
func (it *Interp) LoadingFile() string {
	if len(it.loading) == 0 {
		return ""
	}
	return it.loading[len(it.loading)-1]
}

// SetCommandLine sets the list (command-line) returns.
func (it *Interp) SetCommandLine(args []string) { it.cmdline = append([]string(nil), args...) }

// Interrupt stops the running evaluation (if any) soon; the evaluation
// returns an error satisfying errors.Is(err, context.Canceled). Safe to call
// from any goroutine (a signal handler's, typically).
// Every Scheme thread of the interpreter stops too.
func (it *Interp) Interrupt() {
	it.interrupt.Store(true)
	it.stopThreads()
}
