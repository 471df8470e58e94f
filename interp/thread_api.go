package interp

// The thread API for embedders: a Go primitive can start a Scheme thread,
// learn when it has ended and ask it to stop, as spawn, thread-join! and
// thread-terminate! do for a program.

// Spawn starts a new thread calling thunk, as spawn does: it starts with
// the parameter bindings of the thread running. Call it from a primitive
// (the interpreter lock held).
func (it *Interp) Spawn(thunk, name Value) (*Thread, error) {
	if !isProcedure(thunk) {
		return nil, ArgTypeError(1, "thunk", "a procedure", thunk)
	}
	if name == nil {
		name = Unspecified
	}
	t := it.newThread(thunk, name)
	return t, it.startThread(t)
}

// Done returns a channel that is closed when t has ended, normally or not.
func (t *Thread) Done() <-chan struct{} { return t.done }

// Terminate asks t to stop at its next interrupt check or wait, as
// thread-terminate! does; a wait it is in (a read, a sleep, a child
// process) is cut short. It may be called from any goroutine.
func (t *Thread) Terminate() {
	t.terminateReq.Store(true)
	t.halt()
}

// Current returns the thread running (the primordial one outside any
// thread the program started).
func (it *Interp) Current() *Thread { return it.vm.thread }
