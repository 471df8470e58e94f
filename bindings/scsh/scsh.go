// Package scsh is popsh's scsh 0.6 layer: the procedures and forms scsh
// scripts and libraries use, with scsh's semantics (read from the scsh 0.6
// manual and sources), defined in an interpreter by Install. The file
// names say what each holds (awk.go, regexp.go, fname.go, stage.go ...;
// the Scheme parts are in scm/). Every procedure written in Go is a row
// of an interp.Builtin table with its doc line, one table per subject;
// docs.go holds the doc lines of the syntax, the Scheme procedures and the
// variables. Argument errors read as interp's ("regexp-search: argument 2
// (string): expected a string, got 5").
//
//   - Conditions (Scheme48's old system): define-condition-type (a
//     procedure), condition-predicate, condition-type, condition-stuff,
//     condition?, signal, signal-condition, warn, call-error, error?,
//     call-error?, syscall-error?, warning?, ignore-errors,
//     display-condition, with-errno-handler[*], and with-handler, whose
//     handler (lambda (c punt) ...) runs at the point of the signal and
//     whose value becomes the signal's value; a signal inside the handler
//     reaches the same handler; (punt) passes the condition outwards. A
//     condition is an *interp.ErrorObject (Kind = type name, Message = the
//     first element of the stuff when it is a string, Irritants = the
//     rest), so R7RS guard and error-object? see it, and interpreter
//     errors are error conditions. A non-error condition with no handler
//     proceeds (a warning is displayed). display-condition prints a
//     condition in scsh's format (interp.ErrorObject.ConditionString);
//     interp.FormatError prints an uncaught one the same way.
//   - define-record (type/NAME, make-NAME of the plain fields, NAME?,
//     NAME:FIELD, set-NAME:FIELD, modify-NAME:FIELD, copy-NAME, (field
//     default), a disclose method; prints #{NAME}), let-optionals,
//     let-optionals*, :optional (lazy defaults, scsh's error messages),
//     receive, define-structure / define-structures / define-interface
//     flattened into the global environment ((files ...) are loaded
//     relative to the current directory).
//   - format: Scheme48's directives ~a ~s ~d ~% ~& ~~ ~? only; leftover or
//     missing arguments and unknown directives are errors.
//   - Ports: read-line (LF only, a CR stays; trim concat peek split),
//     read-crlf-line, read-delimited, read-paragraph, skip-char-set,
//     write-string (s [port start end]), write-crlf (also
//     flushes), force-output, open-output-file / open-input-file /
//     open-file with open/... flags (Linux O_* values) and a mode,
//     file-exists? (#f on ENOENT, ENOTDIR and EACCES), close,
//     with-current-{output,input,error}-port[*], with-error-output-port[*],
//     make-string-input-port, make-string-output-port,
//     string-output-port-output, call-with-string-output-port,
//     port->string, port->string-list, port->sexp-list, port->list,
//     port-fold, close-after.
//   - Regexps: rx with posix-string and SREs (strings, chars, the
//     operators : seq or | * + ? = >= ** submatch ~ - & /, char classes
//     such as ("abc"), any nonl
//     bos eos bol eol, digit alpha alnum space white upper lower punct
//     ..., w/nocase uncase, ,expr and ,@expr); POSIX leftmost-longest
//     matching on Go's engine; regexp-search[?], match:substring (#f for a
//     submatch that did not participate), match:start, match:end,
//     string-match, make-regexp, regexp-exec, regexp-quote,
//     regexp-substitute[/global], regexp-fold, regexp-for-each,
//     let-match, if-match, match-cond; the awk loop (integer, regexp
//     string and expression tests, =>, range :range range: :range:, else,
//     after; no continue variable) and field-reader.
//   - Strings: string-index[-right] (char, char-set or predicate), index,
//     rindex, infix-splitter, field-splitter, suffix-splitter,
//     sloppy-suffix-splitter, string-join, join-strings, string-prefix?,
//     string-suffix?, string-trim[-left/-right/-both], string-contains,
//     string-pad[-left/-right], string-null?, string-concatenate,
//     string-tokenize, safe-first, safe-second, char->ascii,
//     ascii->char; the rest of SRFI-13 (string-take/drop[-right],
//     string-every/any, string-count, string-skip, string-fold[-right],
//     string-reverse, string-titlecase, string-filter/delete, string= <
//     ... and -ci, string-compare, string-hash, string-unfold, xsubstring,
//     ...), SRFI-14 (char-set algebra, conversions and iteration) and
//     SRFI-1 extras (span, break, unfold, lset-*, alist-*, del-ass*), in
//     scm/srfi.scm and srfi14.go.
//   - netrc, both calling styles: (netrc:parse [file]) -> record and
//     (netrc:lookup rec machine [default?]) -> login password account, or
//     the 1998 (netrc:lookup machine) on a lazily parsed file;
//     netrc:lookup-login, netrc:lookup-password, netrc:default-login,
//     netrc:default-password, user-mail-address, netrc-machine-entry and
//     its accessors, netrc-macro-definitions. NETRC names the file (else
//     ~/.netrc); a file readable by group or others is refused; a missing
//     file is empty. Go code uses popsh/internal/netrc.
//   - System: getenv, setenv, env->alist, with-env*, home-directory (a
//     variable), user-login-name, system-name, pid, time, date (time
//     [tz]), date->string, format-date, date:... accessors (year-1900,
//     month 0-11), command-line-arguments (a variable, see SetArgs),
//     argv, arg, arg*, sleep, file operations and file-name procedures,
//     with-cwd[*], cwd, chdir, obtain-dot-lock, release-dot-lock,
//     exec-path, exec, file-info (+ file-info:type ... :ctime), glob
//     (with {a,b}; * skips dot files), create-symlink, read-symlink,
//     run/collecting.
//   - Files, file names, environment alists and regexps as data
//     (files.go, fname.go, envalist.go, redata.go):
//     file-info and its shortcuts on names, descriptors and file ports,
//     set-file-*, truncate-file, sync-file, create-hard-link,
//     create-fifo, delete-filesys-object, the access predicates,
//     temp-file-iterate, glob-quote; scsh's file-name rules
//     (simplify-file-name, parse-file-name, resolve-, expand- and
//     absolute-file-name with a directory); alist->env, with-env*,
//     with-total-env*, alist-update, alist-compress, add-before,
//     add-after; the re-* ADT, flush-submatches, uncase,
//     sre->regexp, regexp->sre, regexp->posix-string,
//     regexp-fold-right.
//   - Networking: host-info (+ :name :aliases :addresses), service-info
//     (+ :name :aliases :port :protocol) with a built-in table (pop3,
//     pop-3 and pop are 110, pop3s 995, ...) before /etc/services, and
//     the POPSH_SERVICES override ("pop3=11110,smtp=2525": a script's
//     unchanged (service-info "pop3" "tcp") reaches a test server);
//     socket-connect, socket:inport, socket:outport, close-socket,
//     protocol-family/internet, socket-type/stream. A failed connection
//     is a syscall-error.
//   - Process notation on os/exec: run (raw wait status), run/strings,
//     run/string, run/port, run/sexp, run/sexps, &, wait, ||, &&,
//     exec-epf, status:exit-val, status:term-sig, proc:pid; process forms
//     (prog arg ...), (| pf ...), (pipe pf ...), (epf pf redir ...) and
//     (begin ...); redirections < > >> << (= fd fd) (- fd) for fds 0-2
//     and stdports (the child's stdin reads the current input port; its
//     stdout and stderr follow the current ports anyway); implicit
//     backquote. A (begin ...) stage runs in the
//     interpreter after the stages before it have finished (no fork):
//     its input is their whole output and its output goes to the next
//     stage. A synchronous form's children write into the current Scheme
//     ports (directly to the OS files when those ports are over them);
//     & and run/port children, which run on while Scheme goes on, write
//     their stderr (and &'s stdout) to the process's own. Cancelling the
//     evaluation (Ctrl-C) kills the children of a synchronous form.
//     Inside a (begin ...) stage, exec, exec-path, %exec, exec-epf and
//     exit end the stage only (stage.go); the * procedures
//     (run/string* ...) run their thunk as such a stage; fork and its
//     family are errors naming these alternatives.
//   - Scheme48 tables and fluids, user-info and group-info, umask and the
//     process's ids, uname, time+ticks (tables.go, users.go,
//     procstate.go, scm/scsh-process.scm).
//   - File descriptors and their ports (fdports.go, fdprims.go): one port
//     per descriptor with scsh's revealed counts, dup->*, fcntl flags,
//     seek and tell that keep a port's buffer right, buffering policies,
//     select, partial reads and writes; POSIX record locks (reclock.go);
//     read-delimited!, directory streams and string collectors
//     (portmisc.go); y-or-n?, with-dot-lock, record-reader and file-match
//     (scm/scsh-ports.scm).
//   - The date setters, scsh's utilities (scm/utilities.scm), ->regexp,
//     substitute-env-vars, MD5, the version, byte order (misc.go), weak
//     tables (weak.go), crypt (crypt.go) and the low-level socket calls
//     (sockets.go, socketprims.go).
package scsh

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"sync"

	"popsh/interp"
)

//go:embed scm/scsh.scm
var scshPrelude string

// scshLibrary is scsh.scm: its procedure definitions are compiled on
// first use, its macros on first expansion, its parameters and condition
// predicates on first reference; its other forms (copies of procedures)
// are done by Install without compiling.
var scshLibrary = interp.NewIndexedLibrary(&scshIndex, scshPrelude, scshDeferred...)

// scshDeferred are the variables of scsh.scm defined on first reference.
var scshDeferred = []string{"%scsh-handler-depth", "call-error?", "syscall-error?", "warning?", "%scsh-stage-exit"}

// The libraries are cut into their top-level forms when popsh is built
// (forms_index.go; see interp.FormIndex), not at every start.
//
//go:generate env POPSH_WRITE_INDEX=1 go test -run ^TestFormIndexCurrent$ .

// enumsPrelude is Scheme48's finite types and enum sets
// (define-enumerated-type, define-enum-set-type and the set operations).
//
//go:embed scm/enums.scm
var enumsPrelude string

// enumsLibrary is made when an interpreter first installs it: its names
// are a deferred group, and its record types and macros are evaluated
// only then.
var enumsLibrary = sync.OnceValue(func() *interp.LazyLibrary {
	return interp.NewLibrary("enums.scm", enumsPrelude)
})

// srfiPrelude is the rest of SRFI-1, SRFI-13 and SRFI-14 that scsh 0.6
// exports, written in Scheme over the primitives.
//
//go:embed scm/srfi.scm
var srfiPrelude string

// srfiLibrary compiles srfi.scm one definition at a time on first use: it
// holds only procedure definitions, and compiling all of them at every
// start would cost most of popsh's start-up.
// It is made when an interpreter first installs it (its names are a
// deferred group: most programs never do).
var srfiLibrary = sync.OnceValue(func() *interp.LazyLibrary {
	return interp.NewIndexedLazyLibrary(&srfiIndex, srfiPrelude)
})

// processLibrary holds the scsh procedures written in Scheme over the
// process primitives (run/string* and the other * procedures, port
// filters, with-umask*, call-terminally).
//
//go:embed scm/scsh-process.scm
var processPrelude string

var processLibrary = sync.OnceValue(func() *interp.LazyLibrary {
	return interp.NewIndexedLazyLibrary(&processIndex, processPrelude)
})

// scshEnv is the per-interpreter state of the scsh layer. Every primitive
// that needs state is a closure over one scshEnv, so interpreters never
// share anything.
type scshEnv struct {
	it *interp.Interp
	// condTypes maps a condition type name to itself and all its supertypes.
	condTypes map[string][]string
	// netrc is the file parsed for the 1998 global-state netrc API.
	netrc *netrcFile
	// args are the scsh command-line arguments (see SetArgs).
	args []string
	// envAlist is the alist last installed by alist->env (and kept up to
	// date by setenv), which env->alist returns as it was given, repeated
	// names included; nil means the process environment as it is.
	envAlist []interp.Value
	// sig is the interrupt system (signals.go); procs the process
	// objects not yet waited for (procobj.go); exitHooks and
	// narrowedHooks the thunks run at exit (procctl.go).
	sig                      *sigState
	procs                    *procTable
	exitHooks, narrowedHooks []interp.Value

	// fds maps file descriptors to their ports (fdports.go).
	fds *fdTable

	// stages are the forked stages that run; stdin0 is the pipe from a
	// stage that fork/pipe made the program's standard input (fork.go).
	stages stageTable
	stdin0 *interp.Port
	// pipes are the holders of the ports made by pipe (fork.go)
	pipes pipeHolders
}

// ctx is the context of the running evaluation: cancelling it (Ctrl-C at
// the REPL) stops network waits, sleeps and child processes.
func (e *scshEnv) ctx() context.Context { return e.it.Context() }

// call applies a Scheme procedure from Go.
func (e *scshEnv) call(proc interp.Value, args ...interp.Value) (interp.Value, error) {
	return e.it.Call(e.ctx(), proc, args...)
}

// envKey is the interpreter local (interp.Interp.SetLocal) under which
// Install keeps its state.
const envKey = "popsh/bindings/scsh"

// Install defines the scsh compatibility layer in it: conditions,
// records and binding forms, format, ports, regexps, strings, netrc,
// system procedures, networking and process notation. It is safe to call
// once per interpreter.
func Install(it *interp.Interp) error {
	e := &scshEnv{it: it, condTypes: map[string][]string{}, procs: newProcTable()}
	for _, ct := range [][]string{
		{"error"}, {"call-error", "error"}, {"read-error", "error"}, {"file-error", "error"},
		{"exception", "error"}, {"vm-exception", "error"}, {"i/o-error", "error"},
		{"syscall-error", "error"}, {"syntax-error", "error"},
		{"warning"}, {"note"}, {"interrupt"},
	} {
		e.condTypes[ct[0]] = ct
	}
	it.SetLocal(envKey, e)
	// the SRFIs this layer provides, for cond-expand
	it.AddFeatures("srfi-1", "srfi-8", "srfi-13", "srfi-14", "srfi-28", "srfi-69")
	// The groups whose values do not depend on when they are made (no
	// environment, ports or files read at install) are installed when one
	// of their names is first referred to, if popsh's build found that no
	// other code binds their names (interp.DeferGroup); the others now.
	group := func(name string, install func()) { it.DeferGroup("scsh: "+name, install) }
	e.installConditions()
	group("format", e.installFormat)
	group("regexps", e.installRegexps)
	group("strings", e.installStrings)
	group("ports", e.installPorts)
	group("netrc", e.installNetrc)
	e.installSystem()
	group("net", e.installNet)
	group("sockets", e.installSockets)
	e.installProc()
	group("records", e.installRecords)
	group("macros", e.installMacros)
	group("locks", e.installLocks)
	group("rdelim", e.installRdelim)
	group("char-sets", e.installCharSetOps)
	group("file-info", e.installFileInfo)
	group("tables", e.installTables)
	group("hash-tables", e.installHashTables)
	group("users", e.installUsers)
	group("process-state", e.installProcState)
	e.installStage()
	group("file-ops", e.installFileOps)
	e.installEnvAlist()
	group("regexp-data", e.installRegexpData)
	e.installSignals()
	e.installProcObjects()
	e.installProcControl()
	e.installFdPorts()
	group("record-locks", e.installRecordLocks)
	e.installPortMisc()
	group("misc", e.installMisc)
	group("tty", e.installTTY)
	group("random", e.installRandom)
	group("options", e.installOptions)
	group("platform", e.installPlatform)
	e.installSyslog()
	e.installLibDirs()
	e.installDocs()
	if err := scshLibrary.Load(it); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	if err := sigprocLibrary.Load(it); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	e.defineTempFileTemplate()
	group("srfi.scm", func() { srfiLibrary().Install(it) })
	group("scsh-process.scm", func() { processLibrary().Install(it) })
	group("enums.scm", func() { enumsLibrary().Install(it) })
	if err := e.initExecPathList(); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	e.setArgs(nil)
	return nil
}

// defineTempFileTemplate defines *temp-file-template*, as scsh.scm wrote
// it: (string-append (or (getenv "TMPDIR") "/var/tmp") "/" (number->string
// (pid)) "~a"), read from the environment at install.
func (e *scshEnv) defineTempFileTemplate() {
	dir, ok := os.LookupEnv("TMPDIR")
	if !ok {
		dir = "/var/tmp"
	}
	e.it.Define("*temp-file-template*", interp.NewString(dir+"/"+strconv.Itoa(os.Getpid())+"~a"))
}

// SetArgs sets scsh's command-line-arguments variable (the arguments
// after the script name) in an interpreter prepared by Install. The
// shell calls it after it.SetCommandLine; (command-line) and argv come from
// the interpreter's command line.
func SetArgs(it *interp.Interp, args []string) {
	if e, ok := it.Local(envKey).(*scshEnv); ok {
		e.setArgs(args)
	}
}

func (e *scshEnv) setArgs(args []string) {
	e.args = append([]string(nil), args...)
	vals := make([]interp.Value, len(args))
	for i, a := range args {
		vals[i] = interp.NewString(a)
	}
	e.it.Define("command-line-arguments", interp.List(vals...))
}
