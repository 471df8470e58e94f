package interp

import (
	"context"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"popsh/interp/num"
)

// Thread is a Scheme thread (SRFI 18's make-thread, Scheme48's spawn).
type Thread struct {
	it *Interp
	labels
	thunk   Value
	started bool // guarded by the interpreter lock
	// saved is the thread's VM state while it does not hold the lock.
	saved vm
	// params is the parameter bindings the thread starts with.
	params map[*Parameter]Value

	done chan struct{} // closed when the thread has ended
	// the outcome, written before done is closed
	result  Value
	reason  Value // the raised object of an uncaught raise, or nil
	failure error // any other abnormal end (stopped, terminated)

	stop         atomic.Bool
	terminateReq atomic.Bool
	stopCh       chan struct{}
	stopOnce     sync.Once
	ctx          context.Context
	cancel       context.CancelFunc
	owned        []*Mutex // guarded by the interpreter lock
}

// SchemeString gives the printed form of a thread.
func (t *Thread) SchemeString() string { return named("thread", t.name) }

// named prints an object of kind with its name, if it has one.
func named(kind string, name Value) string {
	if name == Unspecified {
		return "#<" + kind + ">"
	}
	return "#<" + kind + " " + DisplayString(name) + ">"
}

// halt asks t to stop at its next interrupt check or wait.
func (t *Thread) halt() {
	t.stop.Store(true)
	t.stopOnce.Do(func() {
		if t.stopCh != nil {
			close(t.stopCh)
		}
		if t.cancel != nil {
			t.cancel()
		}
	})
}

// threadException is one of SRFI 18's exception objects.
type threadException struct {
	kind   string // "join-timeout", "abandoned-mutex", "terminated-thread", "uncaught"
	reason Value
}

// SchemeString gives the printed form of a thread exception.
func (e *threadException) SchemeString() string {
	if e.kind == "uncaught" {
		return "#<uncaught-exception " + WriteString(e.reason) + ">"
	}
	return "#<" + e.kind + "-exception>"
}

// Mutex is an SRFI 18 mutex (also Scheme48's lock). Its state is guarded by
// the interpreter lock; changed is closed (and replaced) when it is unlocked.
type Mutex struct {
	labels
	locked    bool
	owner     *Thread
	abandoned bool
	changed   chan struct{}
}

// SchemeString gives the printed form of a mutex.
func (m *Mutex) SchemeString() string { return named("mutex", m.name) }

func (m *Mutex) unlock() {
	if t := m.owner; t != nil {
		for i := len(t.owned) - 1; i >= 0; i-- {
			if t.owned[i] == m {
				t.owned = append(t.owned[:i], t.owned[i+1:]...)
				break
			}
		}
	}
	m.locked, m.owner = false, nil
	close(m.changed)
	m.changed = make(chan struct{})
}

// labels are the name and the specific value (SRFI 18's thread-name,
// thread-specific...) of a thread, a mutex or a condition variable.
type labels struct{ name, specific Value }

func (l *labels) labelsOf() *labels { return l }

// labelRows returns the rows of KIND-name, KIND-specific and
// KIND-specific-set!, whose argument, named param, is a T (want).
func labelRows[T interface{ labelsOf() *labels }](kind, param, want string) []Builtin {
	arg := func(v Value) (*labels, error) {
		x, ok := v.(T)
		if !ok {
			return nil, TypeError(want, v)
		}
		return x.labelsOf(), nil
	}
	return []Builtin{
		{Name: kind + "-name", MinArgs: 1, MaxArgs: 1, Doc: "(" + kind + "-name " + param + "): the name of " + param,
			Fn: func(it *Interp, a []Value) (Value, error) {
				l, err := arg(a[0])
				if err != nil {
					return nil, err
				}
				return l.name, nil
			}},
		{Name: kind + "-specific", MinArgs: 1, MaxArgs: 1,
			Doc: "(" + kind + "-specific " + param + "): the value stored in " + param + " by " + kind + "-specific-set!",
			Fn: func(it *Interp, a []Value) (Value, error) {
				l, err := arg(a[0])
				if err != nil {
					return nil, err
				}
				return l.specific, nil
			}},
		{Name: kind + "-specific-set!", MinArgs: 2, MaxArgs: 2, Doc: "(" + kind + "-specific-set! " + param + " obj): store obj in " + param,
			Fn: func(it *Interp, a []Value) (Value, error) {
				l, err := arg(a[0])
				if err != nil {
					return nil, argAt(1, param, err)
				}
				l.specific = a[1]
				return Unspecified, nil
			}},
	}
}

// CondVar is an SRFI 18 condition variable.
type CondVar struct {
	labels
	waiters []chan struct{}
}

// SchemeString gives the printed form of a condition variable.
func (c *CondVar) SchemeString() string { return named("condition-variable", c.name) }

// Placeholder is Scheme48's write-once cell.
type Placeholder struct {
	set   bool
	value Value
	ready chan struct{}
}

// SchemeString gives the printed form of a placeholder.
func (p *Placeholder) SchemeString() string { return "#<placeholder>" }

// Channel hands values between threads: a Go channel underneath.
type Channel struct {
	ch       chan Value
	closed   chan struct{}
	isClosed bool // guarded by the interpreter lock
}

// SchemeString gives the printed form of a channel.
func (c *Channel) SchemeString() string { return "#<channel>" }

// TimePoint is an SRFI 18 time object: an absolute point in time.
type TimePoint struct{ t time.Time }

// SchemeString gives the printed form of a time object.
func (t *TimePoint) SchemeString() string {
	return "#<time " + t.t.UTC().Format(time.RFC3339Nano) + ">"
}

// newThread makes a thread that will run thunk; it inherits the creating
// thread's parameter bindings.
func (it *Interp) newThread(thunk, name Value) *Thread {
	t := &Thread{it: it, labels: labels{name, Unspecified}, thunk: thunk,
		done: make(chan struct{}), stopCh: make(chan struct{})}
	if len(it.vm.params) > 0 {
		t.params = make(map[*Parameter]Value, len(it.vm.params))
		for p, v := range it.vm.params {
			t.params[p] = v
		}
	}
	return t
}

// startThread runs t on a new goroutine.
func (it *Interp) startThread(t *Thread) error {
	if t.started {
		return &ErrorObject{Who: "thread-start!", Message: "thread already started:", Irritants: []Value{t}}
	}
	t.started = true
	// not ended with the evaluation that started it (a thread started at
	// the prompt runs on); Interrupt stops it (halt)
	t.ctx, t.cancel = context.WithCancel(context.WithoutCancel(it.Context()))
	t.saved = vm{it: it, stack: make([]Value, 256), handlers: Null,
		maxFrames: it.vm.maxFrames, thread: t, params: t.params}
	it.ts.mu.Lock()
	it.ts.live[t] = struct{}{}
	interrupted := it.ts.exit != nil
	it.ts.mu.Unlock()
	if interrupted {
		t.halt()
	}
	go t.run()
	return nil
}

func (t *Thread) run() {
	it := t.it
	it.acquire(t)
	var v Value
	var err error
	if t.stop.Load() {
		err = it.vm.interrupted()
	} else {
		v, err = it.vm.apply(t.thunk, nil)
	}
	switch e := err.(type) {
	case nil:
		t.result = v
	case *ExitError:
		it.requestExit(e)
		t.failure = e
	case *ErrorObject:
		switch {
		case t.terminateReq.Load():
			t.failure = e
		case e.Cause != nil && isCancel(e.Cause):
			t.failure = e
		case e.Payload != nil:
			t.reason = e.Payload
		default:
			t.reason = e
		}
	default:
		t.reason = &ErrorObject{Message: err.Error(), Cause: err}
	}
	if t.reason != nil {
		t.reportUncaught(err)
	}
	for _, m := range append([]*Mutex(nil), t.owned...) {
		if m.locked && m.owner == t {
			m.unlock()
			m.abandoned = true
		}
	}
	t.owned = nil
	it.ts.mu.Lock()
	delete(it.ts.live, t)
	it.ts.mu.Unlock()
	t.cancel()
	close(t.done)
	it.vm = vm{}
	it.ts.gil.Unlock()
}

// reportUncaught writes, to the thread's current error port, that an
// uncaught raise (err) ended it. SRFI 18 keeps the raised object for
// thread-join!, but a thread nobody joins (spawned to serve, or waited
// for through a placeholder it never sets) would otherwise end without a
// word; the object is still raised at a join.
func (t *Thread) reportUncaught(err error) {
	p := t.it.CurrentError()
	if p == nil {
		return
	}
	p.WriteString(t.SchemeString() + " ended by an uncaught error: " + strings.TrimRight(FormatError(err), "\n") + "\n")
	p.Flush()
}

// join waits for t (d < 0: no timeout) and returns its result, or raises
// what SRFI 18 says.
func (it *Interp) join(t *Thread, d time.Duration, timeoutVal Value) (Value, error) {
	if t == it.vm.thread {
		return nil, &ErrorObject{Who: "thread-join!", Message: "a thread cannot join itself"}
	}
	ok, err := it.wait(t.done, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		if timeoutVal != nil {
			return timeoutVal, nil
		}
		return nil, &raiseErr{obj: &threadException{kind: "join-timeout"}}
	}
	switch {
	case t.reason != nil:
		return nil, &raiseErr{obj: &threadException{kind: "uncaught", reason: t.reason}}
	case t.failure != nil:
		return nil, &raiseErr{obj: &threadException{kind: "terminated-thread"}}
	}
	return t.result, nil
}

// timeoutArg reads an optional timeout: #f or absent is none (-1), a real
// number is seconds from now.
func timeoutArg(a []Value, i int) (time.Duration, error) {
	if i >= len(a) || a[i] == Value(false) || a[i] == DefaultObject {
		return -1, nil
	}
	if tp, ok := a[i].(*TimePoint); ok {
		d := time.Until(tp.t)
		if d < 0 {
			d = 0
		}
		return d, nil
	}
	s, err := num.ToFloat(a[i])
	if err != nil {
		return 0, TypeError("a number of seconds, a time or #f", a[i])
	}
	if math.IsNaN(s) || s <= 0 {
		return 0, nil
	}
	if s > 1e9 {
		return -1, nil
	}
	return time.Duration(s * float64(time.Second)), nil
}

func threadArg(v Value) (*Thread, error) {
	t, ok := v.(*Thread)
	if !ok {
		return nil, TypeError("a thread", v)
	}
	return t, nil
}

func mutexArg(v Value) (*Mutex, error) {
	m, ok := v.(*Mutex)
	if !ok {
		return nil, TypeError("a mutex", v)
	}
	return m, nil
}

func condVarArg(v Value) (*CondVar, error) {
	c, ok := v.(*CondVar)
	if !ok {
		return nil, TypeError("a condition variable", v)
	}
	return c, nil
}

func channelArg(v Value) (*Channel, error) {
	c, ok := v.(*Channel)
	if !ok {
		return nil, TypeError("a channel", v)
	}
	return c, nil
}

func optName(a []Value, i int) Value {
	if i < len(a) && a[i] != DefaultObject {
		return a[i]
	}
	return Unspecified
}

// lockMutex is mutex-lock!: owner nil locks it not-owned.
func (it *Interp) lockMutex(who string, m *Mutex, d time.Duration, owner *Thread) (Value, error) {
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	for m.locked {
		left := time.Duration(-1)
		if d >= 0 {
			left = time.Until(deadline)
			if d == 0 || left <= 0 {
				return false, nil
			}
		}
		if _, err := it.wait(m.changed, left); err != nil {
			return nil, err
		}
	}
	m.locked, m.owner = true, owner
	if owner != nil {
		owner.owned = append(owner.owned, m)
	}
	if m.abandoned {
		m.abandoned = false
		return nil, &raiseErr{obj: &threadException{kind: "abandoned-mutex"}}
	}
	return true, nil
}

func threadExceptionPred(name, doc, kind string) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		e, ok := a[0].(*threadException)
		return ok && e.kind == kind, nil
	}}
}

func init() {
	registerBuiltins("threads", []Builtin{
		{Name: "current-time", MinArgs: 0, MaxArgs: 0, Doc: "(current-time): the time now, as a time object",
			Fn: func(it *Interp, a []Value) (Value, error) { return &TimePoint{time.Now()}, nil }},
		{Name: "time?", MinArgs: 1, MaxArgs: 1, Doc: "(time? obj): whether obj is a time object",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*TimePoint); return ok, nil }},
		{Name: "time->seconds", MinArgs: 1, MaxArgs: 1, Doc: "(time->seconds time): the seconds since the epoch of time, as an inexact number",
			Fn: func(it *Interp, a []Value) (Value, error) {
				tp, ok := a[0].(*TimePoint)
				if !ok {
					return nil, TypeError("a time object", a[0])
				}
				return float64(tp.t.UnixNano()) / 1e9, nil
			}},
		{Name: "seconds->time", MinArgs: 1, MaxArgs: 1, Doc: "(seconds->time x): the time object x seconds after the epoch",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, err := num.ToFloat(a[0])
				if err != nil {
					return nil, TypeError("a real number", a[0])
				}
				if math.IsNaN(s) || math.IsInf(s, 0) || math.Abs(s) > 1e11 {
					return nil, &ErrorObject{Who: "seconds->time", Message: "seconds out of range:", Irritants: []Value{a[0]}}
				}
				sec, frac := math.Modf(s)
				return &TimePoint{time.Unix(int64(sec), int64(frac*1e9))}, nil
			}},
		{Name: "current-thread", MinArgs: 0, MaxArgs: 0, Doc: "(current-thread): the thread running",
			Fn: func(it *Interp, a []Value) (Value, error) { return it.vm.thread, nil }},
		{Name: "thread?", MinArgs: 1, MaxArgs: 1, Doc: "(thread? obj): whether obj is a thread",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Thread); return ok, nil }},
		{Name: "make-thread", MinArgs: 1, MaxArgs: 2, Doc: "(make-thread thunk [name]): a new thread, not yet started, that will call thunk",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if !isProcedure(a[0]) {
					return nil, ArgTypeError(1, "thunk", "a procedure", a[0])
				}
				return it.newThread(a[0], optName(a, 1)), nil
			}},
		{Name: "thread-start!", MinArgs: 1, MaxArgs: 1, Doc: "(thread-start! thread): start thread; return it",
			Fn: func(it *Interp, a []Value) (Value, error) {
				t, err := threadArg(a[0])
				if err != nil {
					return nil, err
				}
				return t, it.startThread(t)
			}},
		{Name: "spawn", MinArgs: 1, MaxArgs: 2, Doc: "(spawn thunk [name]): a new thread calling thunk, started",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if !isProcedure(a[0]) {
					return nil, ArgTypeError(1, "thunk", "a procedure", a[0])
				}
				t := it.newThread(a[0], optName(a, 1))
				return t, it.startThread(t)
			}},
		{Name: "thread-yield!", MinArgs: 0, MaxArgs: 0, Doc: "(thread-yield!): let other threads run",
			Fn: func(it *Interp, a []Value) (Value, error) {
				it.yield()
				if it.vm.thread.stop.Load() {
					return nil, it.vm.interrupted()
				}
				return Unspecified, nil
			}},
		{Name: "thread-sleep!", MinArgs: 1, MaxArgs: 1, Doc: "(thread-sleep! timeout): pause the thread for timeout (seconds or a time object)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				d, err := timeoutArg(a, 0)
				if err != nil {
					return nil, err
				}
				if d < 0 {
					return nil, &ErrorObject{Who: "thread-sleep!", Message: "expected a number of seconds, got", Irritants: []Value{a[0]}}
				}
				if _, err := it.wait(nil, d); err != nil {
					return nil, err
				}
				return Unspecified, nil
			}},
		{Name: "thread-join!", MinArgs: 1, MaxArgs: 3, Doc: "(thread-join! thread [timeout [timeout-val]]): wait for thread to end; its result",
			Fn: func(it *Interp, a []Value) (Value, error) {
				t, err := threadArg(a[0])
				if err != nil {
					return nil, argAt(1, "thread", err)
				}
				d, err := timeoutArg(a, 1)
				if err != nil {
					return nil, argAt(2, "timeout", err)
				}
				var tv Value
				if len(a) > 2 {
					tv = a[2]
				}
				return it.join(t, d, tv)
			}},
		{Name: "thread-terminate!", MinArgs: 1, MaxArgs: 1, Doc: "(thread-terminate! thread): stop thread",
			Fn: func(it *Interp, a []Value) (Value, error) {
				t, err := threadArg(a[0])
				if err != nil {
					return nil, err
				}
				if t == it.ts.main {
					return nil, &ErrorObject{Who: "thread-terminate!", Message: "cannot terminate the primordial thread (use exit)"}
				}
				t.terminateReq.Store(true)
				t.halt()
				if t == it.vm.thread {
					return nil, it.vm.interrupted()
				}
				if !t.started {
					// never started: it ends now, terminated
					t.started = true
					t.failure = &ErrorObject{Message: "thread terminated"}
					close(t.done)
				}
				return Unspecified, nil
			}},
		threadExceptionPred("join-timeout-exception?", "(join-timeout-exception? obj): whether obj is raised by a thread-join! that timed out", "join-timeout"),
		threadExceptionPred("abandoned-mutex-exception?", "(abandoned-mutex-exception? obj): whether obj is raised on locking a mutex whose owner ended", "abandoned-mutex"),
		threadExceptionPred("terminated-thread-exception?", "(terminated-thread-exception? obj): whether obj is raised on joining a terminated thread", "terminated-thread"),
		threadExceptionPred("uncaught-exception?", "(uncaught-exception? obj): whether obj is raised on joining a thread that ended by an exception", "uncaught"),
		{Name: "uncaught-exception-reason", MinArgs: 1, MaxArgs: 1, Doc: "(uncaught-exception-reason exc): the exception that ended the thread",
			Fn: func(it *Interp, a []Value) (Value, error) {
				e, ok := a[0].(*threadException)
				if !ok || e.kind != "uncaught" {
					return nil, TypeError("an uncaught-exception object", a[0])
				}
				return e.reason, nil
			}},

		// mutexes
		{Name: "make-mutex", MinArgs: 0, MaxArgs: 1, Doc: "(make-mutex [name]): a new unlocked mutex",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &Mutex{labels: labels{optName(a, 0), Unspecified}, changed: make(chan struct{})}, nil
			}},
		{Name: "mutex?", MinArgs: 1, MaxArgs: 1, Doc: "(mutex? obj): whether obj is a mutex",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Mutex); return ok, nil }},
		{Name: "mutex-state", MinArgs: 1, MaxArgs: 1, Doc: "(mutex-state mutex): the owner thread of mutex, or not-owned, abandoned or not-abandoned",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, err
				}
				switch {
				case m.locked && m.owner != nil:
					select {
					case <-m.owner.done:
						return Intern("abandoned"), nil
					default:
					}
					return m.owner, nil
				case m.locked:
					return Intern("not-owned"), nil
				case m.abandoned:
					return Intern("abandoned"), nil
				}
				return Intern("not-abandoned"), nil
			}},
		{Name: "mutex-lock!", MinArgs: 1, MaxArgs: 3, Doc: "(mutex-lock! mutex [timeout [thread]]): lock mutex for thread; #f on timeout",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, argAt(1, "mutex", err)
				}
				d, err := timeoutArg(a, 1)
				if err != nil {
					return nil, argAt(2, "timeout", err)
				}
				owner := it.vm.thread
				if len(a) > 2 && a[2] != DefaultObject {
					if a[2] == Value(false) {
						owner = nil
					} else if owner, err = threadArg(a[2]); err != nil {
						return nil, argAt(3, "thread", err)
					}
				}
				return it.lockMutex("mutex-lock!", m, d, owner)
			}},
		{Name: "mutex-unlock!", MinArgs: 1, MaxArgs: 3, Doc: "(mutex-unlock! mutex [condvar [timeout]]): unlock mutex, then wait on condvar if given",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, argAt(1, "mutex", err)
				}
				var cv *CondVar
				if len(a) > 1 && a[1] != DefaultObject && a[1] != Value(false) {
					if cv, err = condVarArg(a[1]); err != nil {
						return nil, argAt(2, "condvar", err)
					}
				}
				d, err := timeoutArg(a, 2)
				if err != nil {
					return nil, argAt(3, "timeout", err)
				}
				var ch chan struct{}
				if cv != nil {
					ch = make(chan struct{})
					cv.waiters = append(cv.waiters, ch)
				}
				if m.locked {
					m.unlock()
				}
				if cv == nil {
					return true, nil
				}
				ok, err := it.wait(ch, d)
				if !ok {
					for i, w := range cv.waiters {
						if w == ch {
							cv.waiters = append(cv.waiters[:i:i], cv.waiters[i+1:]...)
							break
						}
					}
				}
				if err != nil {
					return nil, err
				}
				return ok, nil
			}},

		// condition variables
		{Name: "make-condition-variable", MinArgs: 0, MaxArgs: 1, Doc: "(make-condition-variable [name]): a new condition variable",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &CondVar{labels: labels{optName(a, 0), Unspecified}}, nil
			}},
		{Name: "condition-variable?", MinArgs: 1, MaxArgs: 1, Doc: "(condition-variable? obj): whether obj is a condition variable",
			Fn: func(it *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*CondVar)
				return ok, nil
			}},
		{Name: "condition-variable-signal!", MinArgs: 1, MaxArgs: 1, Doc: "(condition-variable-signal! condvar): wake one thread waiting on condvar",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := condVarArg(a[0])
				if err != nil {
					return nil, err
				}
				if len(c.waiters) > 0 {
					close(c.waiters[0])
					c.waiters = c.waiters[1:]
				}
				return Unspecified, nil
			}},
		{Name: "condition-variable-broadcast!", MinArgs: 1, MaxArgs: 1, Doc: "(condition-variable-broadcast! condvar): wake every thread waiting on condvar",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := condVarArg(a[0])
				if err != nil {
					return nil, err
				}
				for _, w := range c.waiters {
					close(w)
				}
				c.waiters = nil
				return Unspecified, nil
			}},

		// Scheme48 locks: mutexes owned by the thread that obtains them
		{Name: "make-lock", MinArgs: 0, MaxArgs: 0, Doc: "(make-lock): a new lock (Scheme48)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &Mutex{labels: labels{Intern("lock"), Unspecified}, changed: make(chan struct{})}, nil
			}},
		{Name: "lock?", MinArgs: 1, MaxArgs: 1, Doc: "(lock? obj): whether obj is a lock",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Mutex); return ok, nil }},
		{Name: "obtain-lock", MinArgs: 1, MaxArgs: 1, Doc: "(obtain-lock lock): wait for lock and take it",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, err
				}
				if _, err := it.lockMutex("obtain-lock", m, -1, it.vm.thread); err != nil {
					return nil, err
				}
				return Unspecified, nil
			}},
		{Name: "maybe-obtain-lock", MinArgs: 1, MaxArgs: 1, Doc: "(maybe-obtain-lock lock): take lock if free; whether it was taken",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, err
				}
				return it.lockMutex("maybe-obtain-lock", m, 0, it.vm.thread)
			}},
		{Name: "release-lock", MinArgs: 1, MaxArgs: 1, Doc: "(release-lock lock): release lock",
			Fn: func(it *Interp, a []Value) (Value, error) {
				m, err := mutexArg(a[0])
				if err != nil {
					return nil, err
				}
				if m.locked {
					m.unlock()
				}
				return Unspecified, nil
			}},

		// placeholders
		{Name: "make-placeholder", MinArgs: 0, MaxArgs: 1, Doc: "(make-placeholder [name]): a new empty placeholder (a value set once)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return &Placeholder{ready: make(chan struct{})}, nil
			}},
		{Name: "placeholder?", MinArgs: 1, MaxArgs: 1, Doc: "(placeholder? obj): whether obj is a placeholder",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Placeholder); return ok, nil }},
		{Name: "placeholder-value", MinArgs: 1, MaxArgs: 1, Doc: "(placeholder-value placeholder): the value of placeholder, waiting until it is set",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Placeholder)
				if !ok {
					return nil, TypeError("a placeholder", a[0])
				}
				if _, err := it.wait(p.ready, -1); err != nil {
					return nil, err
				}
				return p.value, nil
			}},
		{Name: "placeholder-set!", MinArgs: 2, MaxArgs: 2, Doc: "(placeholder-set! placeholder obj): set the value of placeholder, once",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Placeholder)
				if !ok {
					return nil, ArgTypeError(1, "placeholder", "a placeholder", a[0])
				}
				if p.set {
					return nil, &ErrorObject{Who: "placeholder-set!", Message: "placeholder already has a value:", Irritants: []Value{p.value}}
				}
				p.set, p.value = true, a[1]
				close(p.ready)
				return Unspecified, nil
			}},

		// channels
		{Name: "make-channel", MinArgs: 0, MaxArgs: 1, Doc: "(make-channel [capacity]): a new channel holding up to capacity values (0: a rendezvous)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				n := 0
				if len(a) > 0 {
					var ok bool
					if n, ok = a[0].(int); !ok {
						return nil, TypeError("an exact integer", a[0])
					}
					if n < 0 || n > 1<<20 {
						return nil, &ErrorObject{Who: "make-channel", Message: "capacity out of range:", Irritants: []Value{a[0]}}
					}
				}
				return &Channel{ch: make(chan Value, n), closed: make(chan struct{})}, nil
			}},
		{Name: "channel?", MinArgs: 1, MaxArgs: 1, Doc: "(channel? obj): whether obj is a channel",
			Fn: func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Channel); return ok, nil }},
		{Name: "channel-send!", MinArgs: 2, MaxArgs: 2, Doc: "(channel-send! channel obj): send obj on channel, waiting for room",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := channelArg(a[0])
				if err != nil {
					return nil, argAt(1, "channel", err)
				}
				closedErr := &ErrorObject{Who: "channel-send!", Message: "channel is closed"}
				if c.isClosed {
					return nil, closedErr
				}
				v := a[1]
				select {
				case c.ch <- v:
					return Unspecified, nil
				default:
				}
				stop := it.stopChan()
				sent, stopped := false, false
				t := it.release()
				select {
				case c.ch <- v:
					sent = true
				case <-c.closed:
				case <-stop:
					stopped = true
				}
				it.acquire(t)
				switch {
				case stopped:
					return nil, it.vm.interrupted()
				case !sent:
					return nil, closedErr
				}
				return Unspecified, nil
			}},
		{Name: "channel-receive", MinArgs: 1, MaxArgs: 3, Doc: "(channel-receive channel [timeout [timeout-val]]): the next value of channel, waiting for one",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := channelArg(a[0])
				if err != nil {
					return nil, argAt(1, "channel", err)
				}
				d, err := timeoutArg(a, 1)
				if err != nil {
					return nil, argAt(2, "timeout", err)
				}
				var tv Value = false
				if len(a) > 2 {
					tv = a[2]
				}
				select {
				case v := <-c.ch:
					return v, nil
				default:
				}
				if c.isClosed {
					return EOF, nil
				}
				if d == 0 {
					return tv, nil
				}
				var timer <-chan time.Time
				if d > 0 {
					tm := time.NewTimer(d)
					defer tm.Stop()
					timer = tm.C
				}
				stop := it.stopChan()
				var v Value
				got, closed, stopped := false, false, false
				t := it.release()
				select {
				case v = <-c.ch:
					got = true
				case <-c.closed:
					closed = true
				case <-timer:
				case <-stop:
					stopped = true
				}
				it.acquire(t)
				switch {
				case stopped:
					return nil, it.vm.interrupted()
				case got:
					return v, nil
				case closed:
					select {
					case v := <-c.ch:
						return v, nil
					default:
					}
					return EOF, nil
				}
				return tv, nil
			}},
		{Name: "channel-close!", MinArgs: 1, MaxArgs: 1, Doc: "(channel-close! channel): close channel: receivers get the eof object once it is empty",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := channelArg(a[0])
				if err != nil {
					return nil, err
				}
				if !c.isClosed {
					c.isClosed = true
					close(c.closed)
				}
				return Unspecified, nil
			}},
	}...)
	registerBuiltins("threads", labelRows[*Thread]("thread", "thread", "a thread")...)
	registerBuiltins("threads", labelRows[*Mutex]("mutex", "mutex", "a mutex")...)
	registerBuiltins("threads", labelRows[*CondVar]("condition-variable", "condvar", "a condition variable")...)
}
