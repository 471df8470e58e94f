// Package interp is popsh's Scheme: an R7RS-small interpreter with proper
// tail calls, full re-entrant continuations, positioned errors, SRFI 18
// threads and an embedding API.
//
// # Running Scheme
//
// New makes an interpreter with the standard library installed; Options
// (WithOutput, WithInput, WithErrorOutput, WithCommandLine, WithMaxRead,
// WithMaxDepth) set its ports and limits. Interp.EvalString, EvalReader,
// EvalFile and Eval evaluate; Interp.Call calls a Scheme procedure from Go;
// Interp.Interrupt stops a running evaluation (as does its context ending).
// Interp.Lookup, Define and GlobalNames reach the global environment;
// Interp.SetLocal and Local keep an embedder's per-interpreter state in Go.
// NewLibrary (LazyLibrary) adds a Scheme library whose definitions compile
// on first use, so that start-up stays fast; NewIndexedLibrary takes the
// library's top-level split made at build time (FormIndex, written by
// FormIndexSource under go generate). Interp.DeferGroup installs a group of
// Go bindings when one of its names is first referred to, for the groups
// popsh's build found safe to defer (the static symbols, written by
// StaticSymbolsSource from what SetBindingRecorder reports).
//
//	it := interp.New(interp.WithOutput(os.Stdout))
//	v, err := it.EvalString(ctx, "(+ 1 2)", "example")
//	if err != nil { fmt.Fprintln(os.Stderr, interp.FormatError(err)) }
//
// # Defining procedures in Go
//
// A procedure written in Go is a row of a table of Builtin (name, arity,
// function, one-line doc) installed with Interp.DefineBuiltins; names bound
// otherwise (syntax, Scheme definitions, parameters) are documented with
// Interp.Document. Interp.Doc and Documented answer from those tables, for
// the REPL's ,doc and ,apropos and for the generated reference. A PrimFn
// unpacks its arguments with UnpackArgs and reports a bad one with
// TypeError, ArgTypeError or ArgError, so that every error about arguments
// reads the same way; a PrimFn that waits (network, processes, sleep) runs
// the wait inside Interp.Blocking. DefineMacro adds a Go macro transformer.
//
// # Values
//
// A Scheme value is a Go value (Value): bool, int and *big.Int, float64,
// *big.Rat and complex numbers (package num), Char, *String (one byte per
// character while every character is below 256), *Symbol (Intern), *Pair and
// Null, *Vector, *Bytevector, *Record and *RecordType, *Port, procedures
// (*Primitive, *Closure, *Continuation, *Parameter), *Promise, *Opaque for Go
// values carried through Scheme, and the thread objects (*Thread, *Mutex,
// *CondVar, *Channel, *Placeholder, TimePoint). Eq, Eqv and Equal compare;
// WriteString, DisplayString, ShortWriteString and WriteValue print; ToGo
// converts to plain Go values.
//
// # Errors
//
// A failed evaluation returns an *ErrorObject (R7RS error objects and scsh
// conditions) or an *ExitError for (exit). FormatError renders any of them
// for a user, in one place: the message with its position and the backtrace
// ([]Frame, innermost first). IsInterrupt tells an interrupt apart.
//
// # Reading and ports
//
// Reader reads data from text, recording the position of every pair.
// Port is the one port type: textual and binary, input and output, over
// files (OpenFilePort), strings, bytevectors or any io.Reader or io.Writer.
// Every read of a line, string or datum stops at the interpreter's read
// limit (DefaultMaxRead, WithMaxRead) with an error naming the port.
//
// # How it works
//
// The reader (reader.go) turns text into data, recording the
// position of each pair in a side table. The compiler (compile*.go) analyses
// one top-level form at a time: macros are expanded, variables are resolved
// to frame slots, closure slots or global cells, and a compact bytecode is
// generated for each lambda (flat closures; a variable that is both captured
// and assigned lives in a box). The VM (vm.go) runs the bytecode over an
// explicit value stack and frame stack owned by the interpreter, so that
// call/cc copies the stacks, deep recursion costs memory only, and every
// tail call reuses its frame.
//
// # Threads and the interpreter lock
//
// Scheme threads are goroutines, but only one of them runs Scheme code at
// a time: the one holding the interpreter lock (the GIL). Everything a
// Scheme program can reach — globals, pairs, vectors, strings, ports,
// records — is only ever read or written by the lock's holder, so a data
// race in a Scheme program (two threads doing set-car! on one pair) is a
// race between Scheme steps, never between Go memory accesses: it cannot
// tear a Go interface value or a slice header, and cannot crash popsh.
//
// The lock is released where a thread waits: around every blocking
// operation (network, process and file waits, sleep, joins, mutex, lock,
// condition-variable, placeholder and channel waits). A blocking
// primitive says so in one place, by running its wait inside
// Interp.Blocking; the code inside must not touch Scheme values or the
// interpreter. A thread that computes for long gives the lock up at the
// VM's interrupt checks (every few thousand calls) when another thread
// wants it, so a busy loop does not starve the others.
//
// Each thread has its own VM state (stacks, exception handlers,
// dynamic-wind list, parameter bindings): the running thread's state sits
// in Interp.vm, and the lock's hand-over saves it in the thread and
// installs the next thread's. That keeps the single-threaded VM, and its
// hot loop, as it was: a thread switch costs one copy of a small struct.
//
// parameterize binds a parameter in the running thread only: the thread's
// binding map is consulted before the parameter's global value, and a new
// thread starts with a copy of its creator's bindings (so
// current-output-port is per thread too). A thread starts with no
// exception handler and no dynamic-wind extent; an error or an escape in
// it ends or unwinds that thread alone.
//
// Port operations hold the lock for their whole length: one write or
// display is never interleaved with another thread's output. A read that
// waits for input (the current input from SetInput unless it is given a
// *bufio.Reader, which its owner may share; a file port on a pipe, FIFO or
// terminal) releases it while it waits, into a buffer of its own, with the
// port marked busy: another thread reading the same port waits for that
// read to finish before it touches the port's buffer.
//
// Interrupt (Ctrl-C, or the evaluation's context ending) stops every
// thread: each stops at its next interrupt check or wait, its network
// calls cancelled through its Context. (exit) in any thread stops the
// others and makes the primordial thread's evaluation return the
// *ExitError. thread-terminate! is safe for the same reason: the thread
// stops only at those points, never inside a primitive.
//
// The library definitions made on first use (a procedure's compilation,
// a deferred variable's evaluation: see NewLibrary) run without a thread
// switch: the thread that needs one first makes it while the others
// wait, so every thread sees the one value it gives.
//
// Why a lock rather than fine-grained locking of every object: it is
// sound by construction (no Scheme operation needs its own lock to keep
// Go memory intact), it costs nothing on the hot path when there is one
// thread, and popsh's threads are for waiting on servers in parallel, not
// for computing in parallel.
//
// The embedder's goroutine (the one that called New) is the primordial
// thread; it holds the lock from New on, except while it waits.
package interp
