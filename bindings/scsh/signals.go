package scsh

import (
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// Signals and interrupts as scsh 0.6 has them: the signal/... numbers
// (Linux's), signal-process and signal-process-group (kill(2)), itimer
// (setitimer(2): a SIGALRM), and the interrupt system of
// signal-handler-interface. A Unix signal reaches the program as an
// interrupt, interrupt/usr1 for SIGUSR1 and so on; each interrupt has a
// handler, #t (the default action), #f (ignore) or a procedure called with
// the enabled-interrupt set. As in scsh 0.6, handlers are called by a
// thread of their own (a Scheme thread, spawned when the first procedure
// handler is set): a Go goroutine only receives the signal and queues it,
// and the delivering thread runs the handler when it gets the interpreter
// lock, which the running thread gives up at its next interrupt check or
// wait. An interrupt that arrives while it is disabled (see
// set-enabled-interrupts) is kept pending and its handler is called when
// it is enabled again.

// signalNumbers are scsh's signal/NAME constants with Linux's numbers: the
// POSIX ones and scsh's Linux extras.
var signalNumbers = []struct {
	name string
	sig  syscall.Signal
}{
	{"signal/hup", syscall.SIGHUP}, {"signal/int", syscall.SIGINT}, {"signal/quit", syscall.SIGQUIT},
	{"signal/ill", syscall.SIGILL}, {"signal/trap", syscall.SIGTRAP}, {"signal/abrt", syscall.SIGABRT},
	{"signal/bus", syscall.SIGBUS}, {"signal/fpe", syscall.SIGFPE}, {"signal/kill", syscall.SIGKILL},
	{"signal/usr1", syscall.SIGUSR1}, {"signal/segv", syscall.SIGSEGV}, {"signal/usr2", syscall.SIGUSR2},
	{"signal/pipe", syscall.SIGPIPE}, {"signal/alrm", syscall.SIGALRM}, {"signal/term", syscall.SIGTERM},
	{"signal/chld", syscall.SIGCHLD}, {"signal/cld", syscall.SIGCHLD}, {"signal/cont", syscall.SIGCONT},
	{"signal/stop", syscall.SIGSTOP}, {"signal/tstp", syscall.SIGTSTP}, {"signal/ttin", syscall.SIGTTIN},
	{"signal/ttou", syscall.SIGTTOU}, {"signal/urg", syscall.SIGURG}, {"signal/xcpu", syscall.SIGXCPU},
	{"signal/xfsz", syscall.SIGXFSZ}, {"signal/vtalrm", syscall.SIGVTALRM}, {"signal/prof", syscall.SIGPROF},
	{"signal/winch", syscall.SIGWINCH}, {"signal/io", syscall.SIGIO},
}

// The interrupts, numbered as scsh 0.6's low-interrupt enumeration.
const (
	intAlarm = iota
	intKeyboard
	intPostGC
	intIOCompletion
	intChld
	intCont
	intHup
	intQuit
	intTerm
	intTstp
	intUsr1
	intUsr2
	intInfo
	intIO
	intPoll
	intProf
	intPwr
	intUrg
	intVtalrm
	intWinch
	intXcpu
	intXfsz
	numInterrupts
)

// interruptNames are the interrupt/NAME constants, aliases included.
var interruptNames = []struct {
	name string
	n    int
	sig  syscall.Signal // the Unix signal delivered as it, or 0
}{
	{"interrupt/alarm", intAlarm, syscall.SIGALRM}, {"interrupt/alrm", intAlarm, syscall.SIGALRM},
	{"interrupt/keyboard", intKeyboard, syscall.SIGINT}, {"interrupt/int", intKeyboard, syscall.SIGINT},
	{"interrupt/post-gc", intPostGC, 0}, {"interrupt/i/o-completion", intIOCompletion, 0},
	{"interrupt/chld", intChld, syscall.SIGCHLD}, {"interrupt/cont", intCont, syscall.SIGCONT},
	{"interrupt/hup", intHup, syscall.SIGHUP}, {"interrupt/quit", intQuit, syscall.SIGQUIT},
	{"interrupt/term", intTerm, syscall.SIGTERM}, {"interrupt/tstp", intTstp, syscall.SIGTSTP},
	{"interrupt/usr1", intUsr1, syscall.SIGUSR1}, {"interrupt/usr2", intUsr2, syscall.SIGUSR2},
	{"interrupt/info", intInfo, 0}, {"interrupt/io", intIO, syscall.SIGIO},
	{"interrupt/poll", intPoll, 0}, {"interrupt/prof", intProf, syscall.SIGPROF},
	{"interrupt/pwr", intPwr, syscall.SIGPWR}, {"interrupt/urg", intUrg, syscall.SIGURG},
	{"interrupt/vtalrm", intVtalrm, syscall.SIGVTALRM}, {"interrupt/winch", intWinch, syscall.SIGWINCH},
	{"interrupt/xcpu", intXcpu, syscall.SIGXCPU}, {"interrupt/xfsz", intXfsz, syscall.SIGXFSZ},
}

// interruptSignal[n] is the Unix signal delivered as interrupt n (0: none).
var interruptSignal = func() (v [numInterrupts]syscall.Signal) {
	for _, in := range interruptNames {
		v[in.n] = in.sig
	}
	return
}()

// signalInterrupt maps a Unix signal to its interrupt; ok is false for a
// signal that has none (SIGKILL, SIGSEGV ...).
func signalInterrupt(sig syscall.Signal) (n int, ok bool) {
	for i, s := range interruptSignal {
		if s != 0 && s == sig {
			return i, true
		}
	}
	return 0, false
}

// signalsIgnoredByDefault are the signals whose default action is to do
// nothing (scsh's list for Linux).
var signalsIgnoredByDefault = []syscall.Signal{syscall.SIGCHLD, syscall.SIGCONT, syscall.SIGWINCH}

// sigState is an interpreter's interrupt system. handlers, enabled and
// pending belong to Scheme code and are guarded by the interpreter lock;
// the rest is touched by Go goroutines too.
type sigState struct {
	handlers         [numInterrupts]interp.Value // #t, #f or a procedure
	enabled, pending int

	// queue carries the signals caught, to the delivering thread.
	queue chan syscall.Signal
	// deliverer is the number of the delivering thread while one runs
	// (or is being started), else 0; lastDeliverer counts them (under
	// the interpreter lock).
	deliverer     atomic.Int64
	lastDeliverer int64
	// keyboardTaken is set while the program has taken SIGINT over (a
	// handler procedure or #f for interrupt/keyboard, or ignore-signal):
	// the shell then leaves Ctrl-C to it.
	keyboardTaken atomic.Bool

	mu       sync.Mutex
	catchers map[syscall.Signal]*catcher // the signals caught for this interpreter
	ignored  map[syscall.Signal]bool     // signals set to SIG_IGN by ignore-signal

	// events is the chain of signal events (sigevents.go).
	events *sigEvents
}

// catcher receives one signal and forwards it to the queue.
type catcher struct {
	ch   chan os.Signal
	stop chan struct{}
}

const fullInterruptSet = 1<<numInterrupts - 1

func newSigState() *sigState {
	s := &sigState{queue: make(chan syscall.Signal, 64), enabled: fullInterruptSet,
		catchers: map[syscall.Signal]*catcher{}, ignored: map[syscall.Signal]bool{}}
	for i := range s.handlers {
		s.handlers[i] = true
	}
	return s
}

// catch starts receiving sig for the program (undoing an ignore-signal).
func (s *sigState) catch(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ignored, sig)
	if s.catchers[sig] != nil {
		return
	}
	c := &catcher{ch: make(chan os.Signal, 4), stop: make(chan struct{})}
	s.catchers[sig] = c
	signal.Notify(c.ch, sig)
	go func() {
		for {
			select {
			case <-c.ch:
				if s.deliverer.Load() == 0 {
					// the handler thread was stopped (Ctrl-C at the
					// prompt): the signal gets its default action
					s.undelivered(sig)
					continue
				}
				select {
				case s.queue <- sig:
				default: // the queue is full: like the kernel, coalesce
				}
			case <-c.stop:
				return
			}
		}
	}()
}

// undelivered does what a signal does when no thread delivers it: SIGINT
// is left to the shell, a signal ignored by default is dropped, and any
// other is given back to the Go runtime and sent again (SIGTERM, SIGHUP
// and SIGQUIT then end the process). It runs on the catcher's goroutine.
func (s *sigState) undelivered(sig syscall.Signal) {
	if sig == syscall.SIGINT || sig == syscall.SIGALRM || sig == syscall.SIGURG {
		return
	}
	for _, ig := range signalsIgnoredByDefault {
		if ig == sig {
			return
		}
	}
	go func() {
		// Sent again under the lock and to this thread: a signal sent to
		// the calling thread is handled before the call returns, so a
		// handler set meanwhile (catch waits for the lock) cannot receive
		// this old one, as it could when sent to the process, whose
		// signals any thread may take a moment later.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.uncatchLocked(sig)
		syscall.Tgkill(os.Getpid(), syscall.Gettid(), sig)
	}()
}

// uncatch stops receiving sig for the program: what Go (and popsh) do
// with it by default applies again.
func (s *sigState) uncatch(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uncatchLocked(sig)
}

// uncatchLocked is uncatch with s.mu held.
func (s *sigState) uncatchLocked(sig syscall.Signal) {
	if c := s.catchers[sig]; c != nil {
		signal.Stop(c.ch)
		close(c.stop)
		delete(s.catchers, sig)
	}
	if s.ignored[sig] {
		// undo signal.Ignore without signal.Reset, which would also undo
		// the shell's own signal.Notify calls
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, sig)
		signal.Stop(ch)
		delete(s.ignored, sig)
	}
}

// ignore sets sig to SIG_IGN (inherited by the programs popsh starts).
func (s *sigState) ignore(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.catchers[sig]; c != nil {
		signal.Stop(c.ch)
		close(c.stop)
		delete(s.catchers, sig)
	}
	signal.Ignore(sig)
	s.ignored[sig] = true
}

// InterruptTaken reports whether the program run by it has taken SIGINT
// over: it set a handler procedure or #f for interrupt/keyboard, or called
// (ignore-signal signal/int). The shell then does not stop the evaluation
// on Ctrl-C. Safe to call from any goroutine.
func InterruptTaken(it *interp.Interp) bool {
	e, ok := it.Local(envKey).(*scshEnv)
	return ok && e.sig != nil && e.sig.keyboardTaken.Load()
}

// interruptArg reads an interrupt number, argument pos named param.
func interruptArg(v interp.Value, pos int, param string) (int, error) {
	n, ok := v.(int)
	if !ok || n < 0 || n >= numInterrupts {
		return 0, argType(pos, param, "an interrupt (0 to "+strconv.Itoa(numInterrupts-1)+")", v)
	}
	return n, nil
}

// interruptSetArg reads a set of interrupts (a bit mask).
func interruptSetArg(v interp.Value, pos int, param string) (int, error) {
	n, ok := v.(int)
	if !ok || n < 0 || n > fullInterruptSet {
		return 0, argType(pos, param, "an interrupt set", v)
	}
	return n, nil
}

// signalArg reads a signal number.
func signalArg(v interp.Value, pos int, param string) (syscall.Signal, error) {
	n, ok := v.(int)
	if !ok || n < 0 || n > 64 {
		return 0, argType(pos, param, "a signal number", v)
	}
	return syscall.Signal(n), nil
}

// setHandler makes h the handler of interrupt n and catches or releases
// its signal to match.
func (e *scshEnv) setHandler(n int, h interp.Value) error {
	s := e.sig
	s.handlers[n] = h
	sig := interruptSignal[n]
	if n == intKeyboard {
		s.keyboardTaken.Store(h != true)
	}
	if sig == 0 {
		return nil
	}
	if h == true {
		if !s.keepCaught(n) {
			s.uncatch(sig)
		}
		return nil
	}
	s.catch(sig)
	return e.startDelivery()
}

// startDelivery spawns the thread that calls the handlers, unless it runs.
func (e *scshEnv) startDelivery() error {
	if e.sig.deliverer.Load() != 0 {
		return nil
	}
	spawn, ok1 := e.it.Lookup("spawn")
	loop, ok2 := e.it.Lookup("%deliver-interrupts")
	if !ok1 || !ok2 {
		return scshErr("set-interrupt-handler", "the interpreter has no threads to deliver interrupts")
	}
	e.sig.lastDeliverer++
	n := e.sig.lastDeliverer
	e.sig.deliverer.Store(n)
	if _, err := e.call(spawn, loop, interp.Intern("deliver-interrupts")); err != nil {
		e.sig.deliverer.CompareAndSwap(n, 0)
		return err
	}
	return nil
}

// deliverInterrupts is the delivering thread's loop: it waits for a
// signal with the interpreter lock released and calls its handler.
func (e *scshEnv) deliverInterrupts() (interp.Value, error) {
	s := e.sig
	me := s.deliverer.Load()
	// a thread stopped by Ctrl-C may take the lock back only after a new
	// one has started: it clears the number only if it is its own
	defer s.deliverer.CompareAndSwap(me, 0)
	ctx := e.ctx()
	for {
		var sig syscall.Signal
		stopped := false
		e.it.Blocking(func() error {
			select {
			case sig = <-s.queue:
			case <-ctx.Done():
				// said at once: taking the lock back may wait for the
				// next evaluation
				s.deliverer.CompareAndSwap(me, 0)
				stopped = true
			}
			return nil
		})
		if stopped {
			return interp.Unspecified, nil
		}
		n, ok := signalInterrupt(sig)
		if !ok {
			continue
		}
		s.events.add(n)
		if s.enabled&(1<<n) == 0 {
			s.pending |= 1 << n
			continue
		}
		if err := e.callHandler(n); err != nil {
			return nil, e.handlerFailed(n, err)
		}
	}
}

// handlerFailed is what an error in a handler does: an exit or an
// interrupt goes on as it is; any other error is reported on the error
// port and ends the program with status 1, as an uncaught error would.
func (e *scshEnv) handlerFailed(n int, err error) error {
	if _, ok := err.(*interp.ExitError); ok || interp.IsInterrupt(err) {
		return err
	}
	p := e.it.CurrentError()
	p.Write([]byte("popsh: the handler of " + interruptLabel(n) + " failed: " + interp.FormatError(err) + "\n"))
	p.Flush()
	return &interp.ExitError{Code: 1}
}

// interruptLabel names interrupt n as its first constant does.
func interruptLabel(n int) string {
	for _, in := range interruptNames {
		if in.n == n {
			return in.name
		}
	}
	return "interrupt " + strconv.Itoa(n)
}

// callHandler runs the handler of interrupt n in the calling thread.
func (e *scshEnv) callHandler(n int) error {
	switch h := e.sig.handlers[n]; h {
	case false:
		return nil
	case true:
		return e.defaultAction(n)
	default:
		_, err := e.call(h, e.sig.enabled)
		return err
	}
}

// defaultAction does what interrupt n does with no handler: nothing for
// the signals ignored by default and the alarm; for SIGINT, popsh's own
// Ctrl-C (the evaluation stops); otherwise what the Go runtime does with
// the signal (SIGTERM, SIGHUP and SIGQUIT end the process).
func (e *scshEnv) defaultAction(n int) error {
	sig := interruptSignal[n]
	switch {
	case sig == 0 || n == intAlarm:
		return nil
	case n == intKeyboard:
		e.it.Interrupt()
		return nil
	}
	for _, ig := range signalsIgnoredByDefault {
		if ig == sig {
			return nil
		}
	}
	e.sig.uncatch(sig)
	return syscall.Kill(os.Getpid(), sig)
}

// setEnabled makes mask the enabled set and calls the handlers of the
// interrupts it enables that were pending.
func (e *scshEnv) setEnabled(mask int) error {
	s := e.sig
	old := s.enabled
	s.enabled = mask
	for n := 0; n < numInterrupts; n++ {
		bit := 1 << n
		if old&bit == 0 && mask&bit != 0 && s.pending&bit != 0 {
			s.pending &^= bit
			if err := e.callHandler(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// signalTarget reads a process object or a process id (argument 1 of who).
func (e *scshEnv) signalTarget(who string, v interp.Value) (pid int, h *procHandle, err error) {
	if o, ok := v.(*interp.Opaque); ok {
		if h, ok := o.Value.(*procHandle); ok {
			if h.pid <= 0 {
				return 0, nil, scshErr(who, "the process object of a (begin ...) stage has no process", v)
			}
			return h.pid, h, nil
		}
	}
	if n, ok := v.(int); ok && n >= 0 {
		if n > stagePidBase {
			// the id of a forked stage not yet waited for
			e.procs.mu.Lock()
			h := e.procs.byPid[n]
			e.procs.mu.Unlock()
			if h != nil {
				return n, h, nil
			}
		}
		return n, nil, nil
	}
	return 0, nil, argType(1, "proc", "a process object or a process id", v)
}

func (e *scshEnv) installSignals() {
	e.sig = newSigState()
	for _, sn := range signalNumbers {
		e.it.Define(sn.name, int(sn.sig))
	}
	for _, in := range interruptNames {
		e.it.Define(in.name, in.n)
	}
	e.it.Define("number-of-interrupts", numInterrupts)
	e.it.Define("full-interrupt-set", fullInterruptSet)
	e.it.Define("signals-ignored-by-default", interp.List(int(syscall.SIGCHLD), int(syscall.SIGCONT), int(syscall.SIGWINCH)))
	for _, en := range moreErrnos {
		e.it.Define(en.name, int(en.val))
	}
	e.it.Document("scsh: signals and interrupts", signalDocs...)
	e.installSigevents()
	e.it.Document("scsh: conditions", moreErrnoDocs...)

	const sec = "scsh: signals and interrupts"
	e.it.DefineBuiltins(sec, []interp.Builtin{
		{Name: "signal-process", MinArgs: 2, MaxArgs: 2,
			Doc: "(signal-process proc sig): send signal sig to the process proc (a process object or id)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pid, h, err := e.signalTarget("signal-process", a[0])
				if err != nil {
					return nil, err
				}
				sig, err := signalArg(a[1], 2, "sig")
				if err != nil {
					return nil, err
				}
				if h != nil && h.stage != nil {
					return interp.Unspecified, h.stage.signal(a[0], sig)
				}
				if h != nil && h.reaped() {
					// its pid may be another process's by now
					return nil, syscallError("kill", syscall.ESRCH, a[0], a[1])
				}
				if err := syscall.Kill(pid, sig); err != nil {
					return nil, syscallError("kill", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "signal-process-group", MinArgs: 2, MaxArgs: 2,
			Doc: "(signal-process-group pgrp sig): send signal sig to every process of the process group pgrp (0: popsh's own)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pgrp, _, err := e.signalTarget("signal-process-group", a[0])
				if err != nil {
					return nil, err
				}
				sig, err := signalArg(a[1], 2, "sig")
				if err != nil {
					return nil, err
				}
				if err := syscall.Kill(-pgrp, sig); err != nil {
					return nil, syscallError("killpg", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "itimer", MinArgs: 1, MaxArgs: 1,
			Doc: "(itimer seconds): send popsh a SIGALRM (interrupt/alarm) after seconds; 0 cancels the timer",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				secs, err := secondsArg(a[0], 0, "seconds")
				if err != nil {
					return nil, err
				}
				if secs < 0 {
					return nil, argType(0, "seconds", "a non-negative number of seconds", a[0])
				}
				d := time.Duration(secs * float64(time.Second))
				if secs > 0 && d < time.Microsecond {
					d = time.Microsecond // a zero value would cancel
				}
				v := unix.Itimerval{Value: unix.NsecToTimeval(d.Nanoseconds())}
				if _, err := unix.Setitimer(unix.ItimerReal, v); err != nil {
					return nil, syscallError("setitimer", err, a[0])
				}
				return interp.Unspecified, nil
			}},
		{Name: "suspend", MinArgs: 0, MaxArgs: 0,
			Doc: "(suspend): stop popsh's process group (SIGSTOP), as a shell's job control would; it goes on at SIGCONT",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				it.FlushOutput()
				// kill returns before the stop has taken hold: another
				// thread may be the one that stops the process, and this
				// one would run on (an exit would then cancel the stop).
				// So suspend returns when SIGCONT has come.
				cont := make(chan os.Signal, 1)
				signal.Notify(cont, syscall.SIGCONT)
				defer signal.Stop(cont)
				if err := syscall.Kill(0, syscall.SIGSTOP); err != nil {
					return nil, syscallError("kill", err)
				}
				it.Blocking(func() error {
					<-cont
					return nil
				})
				return interp.Unspecified, nil
			}},
		{Name: "signal->interrupt", MinArgs: 1, MaxArgs: 1,
			Doc: "(signal->interrupt sig): the interrupt that Unix signal sig is delivered as",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sig, err := signalArg(a[0], 0, "sig")
				if err != nil {
					return nil, err
				}
				n, ok := signalInterrupt(sig)
				if !ok {
					return nil, scshErr("signal->interrupt", "Unix signal has no Scheme 48 interrupt.", a[0])
				}
				return n, nil
			}},
		{Name: "interrupt-set", MinArgs: 0, MaxArgs: -1,
			Doc: "(interrupt-set interrupt ...): the set of the interrupts given",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				set := 0
				for i, v := range a {
					n, err := interruptArg(v, i+1, "interrupt")
					if err != nil {
						return nil, err
					}
					set |= 1 << n
				}
				return set, nil
			}},
		{Name: "interrupt-in-set?", MinArgs: 2, MaxArgs: 2,
			Doc: "(interrupt-in-set? interrupt set): whether interrupt is in set",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := interruptArg(a[0], 1, "interrupt")
				if err != nil {
					return nil, err
				}
				set, err := interruptSetArg(a[1], 2, "set")
				if err != nil {
					return nil, err
				}
				return set&(1<<n) != 0, nil
			}},
		{Name: "insert-interrupt", MinArgs: 2, MaxArgs: 2,
			Doc: "(insert-interrupt interrupt set): set with interrupt added",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := interruptArg(a[0], 1, "interrupt")
				if err != nil {
					return nil, err
				}
				set, err := interruptSetArg(a[1], 2, "set")
				if err != nil {
					return nil, err
				}
				return set | 1<<n, nil
			}},
		{Name: "remove-interrupt", MinArgs: 2, MaxArgs: 2,
			Doc: "(remove-interrupt interrupt set): set without interrupt",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := interruptArg(a[0], 1, "interrupt")
				if err != nil {
					return nil, err
				}
				set, err := interruptSetArg(a[1], 2, "set")
				if err != nil {
					return nil, err
				}
				return set &^ (1 << n), nil
			}},
		{Name: "enabled-interrupts", MinArgs: 0, MaxArgs: 0,
			Doc: "(enabled-interrupts): the set of the interrupts whose handlers are called when they arrive",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.sig.enabled, nil
			}},
		{Name: "set-enabled-interrupts", MinArgs: 1, MaxArgs: 1,
			Doc: "(set-enabled-interrupts set): enable the interrupts of set, the others kept pending; runs the handlers of pending ones it enables",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				set, err := interruptSetArg(a[0], 0, "set")
				if err != nil {
					return nil, err
				}
				if err := e.setEnabled(set); err != nil {
					return nil, err
				}
				return set, nil
			}},
		{Name: "set-interrupt-handler", MinArgs: 2, MaxArgs: 2,
			Doc: "(set-interrupt-handler interrupt handler): set the handler of interrupt (#t: default, #f: ignore, or a procedure); the old one",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := interruptArg(a[0], 1, "interrupt")
				if err != nil {
					return nil, err
				}
				h := a[1]
				if _, isBool := h.(bool); !isBool && !interp.IsProcedure(h) {
					return nil, argType(2, "handler", "#t, #f or a procedure", h)
				}
				if n == intProf && h != true {
					return nil, scshErr("set-interrupt-handler", "popsh cannot handle SIGPROF: the Go runtime keeps it for profiling", a[0])
				}
				old := e.sig.handlers[n]
				if err := e.setHandler(n, h); err != nil {
					return nil, err
				}
				return old, nil
			}},
		{Name: "interrupt-handler", MinArgs: 1, MaxArgs: 1,
			Doc: "(interrupt-handler interrupt): the handler of interrupt (#t: the default action, #f: ignored, or a procedure)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := interruptArg(a[0], 0, "interrupt")
				if err != nil {
					return nil, err
				}
				return e.sig.handlers[n], nil
			}},
		{Name: "ignore-signal", MinArgs: 1, MaxArgs: 1,
			Doc: "(ignore-signal sig): have the system ignore signal sig (SIG_IGN: programs started after inherit it)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sig, err := signalArg(a[0], 0, "sig")
				if err != nil {
					return nil, err
				}
				if err := checkCatchable("ignore-signal", sig, a[0]); err != nil {
					return nil, err
				}
				if sig == syscall.SIGINT {
					// Ctrl-C is the shell's too: ignore it in popsh only
					return interp.Unspecified, e.setHandler(intKeyboard, false)
				}
				e.sig.ignore(sig)
				return interp.Unspecified, nil
			}},
		{Name: "handle-signal-default", MinArgs: 1, MaxArgs: 1,
			Doc: "(handle-signal-default sig): give signal sig its default action again",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sig, err := signalArg(a[0], 0, "sig")
				if err != nil {
					return nil, err
				}
				if err := checkCatchable("handle-signal-default", sig, a[0]); err != nil {
					return nil, err
				}
				if n, ok := signalInterrupt(sig); ok {
					return interp.Unspecified, e.setHandler(n, true)
				}
				e.sig.uncatch(sig)
				return interp.Unspecified, nil
			}},
		{Name: "%deliver-interrupts", MinArgs: 0, MaxArgs: 0,
			Doc: "(%deliver-interrupts): the loop of the thread that calls the interrupt handlers",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.deliverInterrupts()
			}},
	}...)
}

// checkCatchable refuses the signals a process cannot catch or ignore and
// those the Go runtime needs for itself.
func checkCatchable(who string, sig syscall.Signal, v interp.Value) error {
	switch sig {
	case 0, syscall.SIGKILL, syscall.SIGSTOP:
		return scshErr(who, "this signal cannot be caught or ignored", v)
	case syscall.SIGPROF, syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL, syscall.SIGTRAP:
		return scshErr(who, "popsh cannot change how this signal is handled: the Go runtime needs it", v)
	}
	return nil
}
