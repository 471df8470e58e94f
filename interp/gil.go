package interp

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The interpreter lock and thread switches: see the package documentation.

// interpKey is the context key under which an evaluation's context (and
// its threads') holds the interpreter: a port's read finds there the lock
// to release while it waits.
type interpKey struct{}

// threadState is the interpreter's thread bookkeeping.
type threadState struct {
	gil sync.Mutex
	// waiting counts the threads waiting for the lock; the running
	// thread yields at its next interrupt check when it is not zero.
	waiting atomic.Int32
	// mainOut is set while the primordial thread waits without the lock
	mainOut atomic.Bool

	mu   sync.Mutex // guards the fields below
	live map[*Thread]struct{}
	exit *ExitError // an (exit) called by a thread other than the primordial one
	// exitCh is closed when exit is set
	exitCh chan struct{}
	intr   chan struct{} // closed by Interrupt: wakes the primordial thread's waits
	// cancelEval cancels the context of the running top-level evaluation
	cancelEval context.CancelFunc
	main       *Thread
}

func (it *Interp) initThreads() {
	ts := &threadState{live: map[*Thread]struct{}{}, intr: make(chan struct{}), exitCh: make(chan struct{})}
	ts.main = &Thread{it: it, labels: labels{Intern("primordial"), Unspecified}, started: true, done: make(chan struct{})}
	it.ts = ts
	it.vm.thread = ts.main
	ts.gil.Lock()
}

// release gives up the interpreter lock, saving the running thread's VM
// state in it.
func (it *Interp) release() *Thread {
	t := it.vm.thread
	t.saved = it.vm
	if t == it.ts.main {
		it.ts.mainOut.Store(true)
	}
	it.ts.gil.Unlock()
	return t
}

// acquire takes the interpreter lock for t and installs its VM state.
func (it *Interp) acquire(t *Thread) {
	it.ts.waiting.Add(1)
	it.ts.gil.Lock()
	it.ts.waiting.Add(-1)
	it.vm = t.saved
	t.saved = vm{}
	if t == it.ts.main {
		it.ts.mainOut.Store(false)
	}
}

// Locked runs fn holding the interpreter lock, on the embedder's goroutine
// (the primordial thread): inside a Blocking it takes the lock back for
// fn (a REPL's completion of global names while it waits for a line, with
// other threads running), otherwise the lock is already held.
func (it *Interp) Locked(fn func()) {
	if !it.ts.mainOut.Load() {
		fn()
		return
	}
	it.acquire(it.ts.main)
	defer it.release()
	fn()
}

// Blocking runs fn with the interpreter lock released, so that other
// Scheme threads run while fn waits (on the network, a child process, a
// slow file). fn must not touch the interpreter or any Scheme value: read
// what it needs (Context, arguments) before, and use its results after.
// Call it only from a primitive (or other code running Scheme) of it.
func (it *Interp) Blocking(fn func() error) error {
	t := it.release()
	defer it.acquire(t)
	return fn()
}

// yield lets a waiting thread run.
func (it *Interp) yield() {
	t := it.release()
	runtime.Gosched()
	it.acquire(t)
}

// atTick runs at the VM's interrupt checks when something needs
// attention: an interrupt, a stop request or a thread waiting for the lock.
// A thread evaluating a lazy library definition (noYield) keeps the lock
// until it is done, so that no other thread finds that definition half
// made.
func (vm *vm) atTick() error {
	if vm.it.interrupt.Load() || vm.thread.stop.Load() {
		return vm.interrupted()
	}
	if vm.it.ts.waiting.Load() > 0 && vm.it.noYield == 0 {
		vm.it.yield()
		if vm.thread.stop.Load() {
			return vm.interrupted()
		}
	}
	return nil
}

// threadInterrupted is the error ending a thread other than the primordial
// one at an interrupt check, or nil for the primordial thread (whose
// interrupt is the evaluation's). A pending (exit) from any thread comes
// first.
func (vm *vm) threadInterrupted() error {
	it := vm.it
	if it.ts == nil {
		return nil
	}
	if exit := it.pendingExit(); exit != nil {
		return exit
	}
	t := vm.thread
	if t == nil || t == it.ts.main {
		return nil
	}
	if t.terminateReq.Load() {
		return &ErrorObject{Message: "thread terminated", Cause: context.Canceled}
	}
	return &ErrorObject{Message: "interrupted", Cause: context.Canceled}
}

// stopThreads stops every thread but the primordial one (Ctrl-C) and
// wakes the primordial thread's waits.
func (it *Interp) stopThreads() {
	if it.ts == nil {
		return
	}
	it.ts.mu.Lock()
	defer it.ts.mu.Unlock()
	select {
	case <-it.ts.intr:
	default:
		close(it.ts.intr)
	}
	if it.ts.cancelEval != nil {
		it.ts.cancelEval()
	}
	for t := range it.ts.live {
		t.halt()
	}
}

// renewInterrupt arms a new wake-up channel for the primordial thread and
// records the cancel function of the evaluation's context (at the start
// and end of a top-level evaluation).
func (it *Interp) renewInterrupt(cancel context.CancelFunc) {
	it.ts.mu.Lock()
	it.ts.cancelEval = cancel
	select {
	case <-it.ts.intr:
		it.ts.intr = make(chan struct{})
	default:
	}
	it.ts.mu.Unlock()
}

// requestExit records an (exit) called by a thread and interrupts the
// others: the primordial thread's evaluation then returns e.
func (it *Interp) requestExit(e *ExitError) {
	it.ts.mu.Lock()
	if it.ts.exit == nil {
		it.ts.exit = e
		close(it.ts.exitCh)
	}
	it.ts.mu.Unlock()
	it.Interrupt()
}

// ExitRequested returns a channel that is closed when a thread other than
// the primordial one calls (exit). An evaluation running then returns the
// *ExitError; one who waits between evaluations (a REPL at its prompt)
// learns it here, and PendingExit gives the status.
func (it *Interp) ExitRequested() <-chan struct{} { return it.ts.exitCh }

// PendingExit returns the (exit) a thread other than the primordial one
// called, or nil.
func (it *Interp) PendingExit() *ExitError { return it.pendingExit() }

// pendingExit is the (exit) a thread called, or nil.
func (it *Interp) pendingExit() *ExitError {
	it.ts.mu.Lock()
	defer it.ts.mu.Unlock()
	return it.ts.exit
}

// stopChan is the channel that closes when the running thread must stop.
func (it *Interp) stopChan() <-chan struct{} {
	t := it.vm.thread
	if t == it.ts.main {
		it.ts.mu.Lock()
		defer it.ts.mu.Unlock()
		return it.ts.intr
	}
	return t.stopCh
}

// wait releases the lock until ch closes (true), the timeout d passes
// (false; d < 0 means no timeout) or the thread must stop (an error).
func (it *Interp) wait(ch <-chan struct{}, d time.Duration) (bool, error) {
	select {
	case <-ch:
		return true, nil
	default:
	}
	if d == 0 {
		return false, nil
	}
	stop := it.stopChan()
	var timer <-chan time.Time
	if d > 0 {
		tm := time.NewTimer(d)
		defer tm.Stop()
		timer = tm.C
	}
	ok, stopped := false, false
	t := it.release()
	select {
	case <-ch:
		ok = true
	case <-timer:
	case <-stop:
		stopped = true
	}
	it.acquire(t)
	if stopped {
		return false, it.vm.interrupted()
	}
	return ok, nil
}
