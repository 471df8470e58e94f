package interp

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Thread is a Scheme thread (SRFI 18's make-thread, Scheme48's spawn).
type Thread struct {
	it       *Interp
	name     Value
	specific Value
	thunk    Value
	started  bool // guarded by the interpreter lock
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
	name, specific Value
	locked         bool
	owner          *Thread
	abandoned      bool
	changed        chan struct{}
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

// CondVar is an SRFI 18 condition variable.
type CondVar struct {
	name, specific Value
	waiters        []chan struct{}
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
	t := &Thread{it: it, name: name, specific: Unspecified, thunk: thunk,
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
func timeoutArg(who string, a []Value, i int) (time.Duration, error) {
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
	var s float64
	if err := UnpackArgs(who, []Value{a[i]}, "timeout", &s); err != nil {
		return 0, &ErrorObject{Who: who, Message: "timeout: expected a number of seconds or #f, got", Irritants: []Value{a[i]}}
	}
	if math.IsNaN(s) || s <= 0 {
		return 0, nil
	}
	if s > 1e9 {
		return -1, nil
	}
	return time.Duration(s * float64(time.Second)), nil
}

func threadArg(who string, v Value) (*Thread, error) {
	t, ok := v.(*Thread)
	if !ok {
		return nil, &ErrorObject{Who: who, Message: "expected a thread, got", Irritants: []Value{v}}
	}
	return t, nil
}

func mutexArg(who string, v Value) (*Mutex, error) {
	m, ok := v.(*Mutex)
	if !ok {
		return nil, &ErrorObject{Who: who, Message: "expected a mutex, got", Irritants: []Value{v}}
	}
	return m, nil
}

func condVarArg(who string, v Value) (*CondVar, error) {
	c, ok := v.(*CondVar)
	if !ok {
		return nil, &ErrorObject{Who: who, Message: "expected a condition variable, got", Irritants: []Value{v}}
	}
	return c, nil
}

func channelArg(who string, v Value) (*Channel, error) {
	c, ok := v.(*Channel)
	if !ok {
		return nil, &ErrorObject{Who: who, Message: "expected a channel, got", Irritants: []Value{v}}
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

func threadExceptionPred(name, kind string) *Primitive {
	return prim(name, 1, 1, func(it *Interp, a []Value) (Value, error) {
		e, ok := a[0].(*threadException)
		return ok && e.kind == kind, nil
	})
}

func init() {
	register(
		prim("current-time", 0, 0, func(it *Interp, a []Value) (Value, error) { return &TimePoint{time.Now()}, nil }),
		prim("time?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*TimePoint); return ok, nil }),
		prim("time->seconds", 1, 1, func(it *Interp, a []Value) (Value, error) {
			tp, ok := a[0].(*TimePoint)
			if !ok {
				return nil, TypeError("a time object", a[0])
			}
			return float64(tp.t.UnixNano()) / 1e9, nil
		}),
		prim("seconds->time", 1, 1, func(it *Interp, a []Value) (Value, error) {
			var s float64
			if err := UnpackArgs("seconds->time", a, "seconds", &s); err != nil {
				return nil, err
			}
			if math.IsNaN(s) || math.IsInf(s, 0) || math.Abs(s) > 1e11 {
				return nil, &ErrorObject{Who: "seconds->time", Message: "seconds out of range:", Irritants: []Value{a[0]}}
			}
			sec, frac := math.Modf(s)
			return &TimePoint{time.Unix(int64(sec), int64(frac*1e9))}, nil
		}),
		prim("current-thread", 0, 0, func(it *Interp, a []Value) (Value, error) { return it.vm.thread, nil }),
		prim("thread?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Thread); return ok, nil }),
		prim("make-thread", 1, 2, func(it *Interp, a []Value) (Value, error) {
			if !isProcedure(a[0]) {
				return nil, TypeError("a procedure", a[0])
			}
			return it.newThread(a[0], optName(a, 1)), nil
		}),
		prim("thread-name", 1, 1, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-name", a[0])
			if err != nil {
				return nil, err
			}
			return t.name, nil
		}),
		prim("thread-specific", 1, 1, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-specific", a[0])
			if err != nil {
				return nil, err
			}
			return t.specific, nil
		}),
		prim("thread-specific-set!", 2, 2, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-specific-set!", a[0])
			if err != nil {
				return nil, err
			}
			t.specific = a[1]
			return Unspecified, nil
		}),
		prim("thread-start!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-start!", a[0])
			if err != nil {
				return nil, err
			}
			return t, it.startThread(t)
		}),
		prim("spawn", 1, 2, func(it *Interp, a []Value) (Value, error) {
			if !isProcedure(a[0]) {
				return nil, TypeError("a procedure", a[0])
			}
			t := it.newThread(a[0], optName(a, 1))
			return t, it.startThread(t)
		}),
		prim("thread-yield!", 0, 0, func(it *Interp, a []Value) (Value, error) {
			it.yield()
			if it.vm.thread.stop.Load() {
				return nil, it.vm.interrupted()
			}
			return Unspecified, nil
		}),
		prim("thread-sleep!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			d, err := timeoutArg("thread-sleep!", a, 0)
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
		}),
		prim("thread-join!", 1, 3, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-join!", a[0])
			if err != nil {
				return nil, err
			}
			d, err := timeoutArg("thread-join!", a, 1)
			if err != nil {
				return nil, err
			}
			var tv Value
			if len(a) > 2 {
				tv = a[2]
			}
			return it.join(t, d, tv)
		}),
		prim("thread-terminate!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			t, err := threadArg("thread-terminate!", a[0])
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
		}),
		threadExceptionPred("join-timeout-exception?", "join-timeout"),
		threadExceptionPred("abandoned-mutex-exception?", "abandoned-mutex"),
		threadExceptionPred("terminated-thread-exception?", "terminated-thread"),
		threadExceptionPred("uncaught-exception?", "uncaught"),
		prim("uncaught-exception-reason", 1, 1, func(it *Interp, a []Value) (Value, error) {
			e, ok := a[0].(*threadException)
			if !ok || e.kind != "uncaught" {
				return nil, TypeError("an uncaught-exception object", a[0])
			}
			return e.reason, nil
		}),

		// mutexes
		prim("make-mutex", 0, 1, func(it *Interp, a []Value) (Value, error) {
			return &Mutex{name: optName(a, 0), specific: Unspecified, changed: make(chan struct{})}, nil
		}),
		prim("mutex?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Mutex); return ok, nil }),
		prim("mutex-name", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-name", a[0])
			if err != nil {
				return nil, err
			}
			return m.name, nil
		}),
		prim("mutex-specific", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-specific", a[0])
			if err != nil {
				return nil, err
			}
			return m.specific, nil
		}),
		prim("mutex-specific-set!", 2, 2, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-specific-set!", a[0])
			if err != nil {
				return nil, err
			}
			m.specific = a[1]
			return Unspecified, nil
		}),
		prim("mutex-state", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-state", a[0])
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
		}),
		prim("mutex-lock!", 1, 3, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-lock!", a[0])
			if err != nil {
				return nil, err
			}
			d, err := timeoutArg("mutex-lock!", a, 1)
			if err != nil {
				return nil, err
			}
			owner := it.vm.thread
			if len(a) > 2 && a[2] != DefaultObject {
				if a[2] == Value(false) {
					owner = nil
				} else if owner, err = threadArg("mutex-lock!", a[2]); err != nil {
					return nil, err
				}
			}
			return it.lockMutex("mutex-lock!", m, d, owner)
		}),
		prim("mutex-unlock!", 1, 3, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("mutex-unlock!", a[0])
			if err != nil {
				return nil, err
			}
			var cv *CondVar
			if len(a) > 1 && a[1] != DefaultObject && a[1] != Value(false) {
				if cv, err = condVarArg("mutex-unlock!", a[1]); err != nil {
					return nil, err
				}
			}
			d, err := timeoutArg("mutex-unlock!", a, 2)
			if err != nil {
				return nil, err
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
		}),

		// condition variables
		prim("make-condition-variable", 0, 1, func(it *Interp, a []Value) (Value, error) {
			return &CondVar{name: optName(a, 0), specific: Unspecified}, nil
		}),
		prim("condition-variable?", 1, 1, func(it *Interp, a []Value) (Value, error) {
			_, ok := a[0].(*CondVar)
			return ok, nil
		}),
		prim("condition-variable-name", 1, 1, func(it *Interp, a []Value) (Value, error) {
			c, err := condVarArg("condition-variable-name", a[0])
			if err != nil {
				return nil, err
			}
			return c.name, nil
		}),
		prim("condition-variable-specific", 1, 1, func(it *Interp, a []Value) (Value, error) {
			c, err := condVarArg("condition-variable-specific", a[0])
			if err != nil {
				return nil, err
			}
			return c.specific, nil
		}),
		prim("condition-variable-specific-set!", 2, 2, func(it *Interp, a []Value) (Value, error) {
			c, err := condVarArg("condition-variable-specific-set!", a[0])
			if err != nil {
				return nil, err
			}
			c.specific = a[1]
			return Unspecified, nil
		}),
		prim("condition-variable-signal!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			c, err := condVarArg("condition-variable-signal!", a[0])
			if err != nil {
				return nil, err
			}
			if len(c.waiters) > 0 {
				close(c.waiters[0])
				c.waiters = c.waiters[1:]
			}
			return Unspecified, nil
		}),
		prim("condition-variable-broadcast!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			c, err := condVarArg("condition-variable-broadcast!", a[0])
			if err != nil {
				return nil, err
			}
			for _, w := range c.waiters {
				close(w)
			}
			c.waiters = nil
			return Unspecified, nil
		}),

		// Scheme48 locks: mutexes owned by the thread that obtains them
		prim("make-lock", 0, 0, func(it *Interp, a []Value) (Value, error) {
			return &Mutex{name: Intern("lock"), specific: Unspecified, changed: make(chan struct{})}, nil
		}),
		prim("lock?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Mutex); return ok, nil }),
		prim("obtain-lock", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("obtain-lock", a[0])
			if err != nil {
				return nil, err
			}
			if _, err := it.lockMutex("obtain-lock", m, -1, it.vm.thread); err != nil {
				return nil, err
			}
			return Unspecified, nil
		}),
		prim("maybe-obtain-lock", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("maybe-obtain-lock", a[0])
			if err != nil {
				return nil, err
			}
			return it.lockMutex("maybe-obtain-lock", m, 0, it.vm.thread)
		}),
		prim("release-lock", 1, 1, func(it *Interp, a []Value) (Value, error) {
			m, err := mutexArg("release-lock", a[0])
			if err != nil {
				return nil, err
			}
			if m.locked {
				m.unlock()
			}
			return Unspecified, nil
		}),

		// placeholders
		prim("make-placeholder", 0, 1, func(it *Interp, a []Value) (Value, error) {
			return &Placeholder{ready: make(chan struct{})}, nil
		}),
		prim("placeholder?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Placeholder); return ok, nil }),
		prim("placeholder-value", 1, 1, func(it *Interp, a []Value) (Value, error) {
			p, ok := a[0].(*Placeholder)
			if !ok {
				return nil, TypeError("a placeholder", a[0])
			}
			if _, err := it.wait(p.ready, -1); err != nil {
				return nil, err
			}
			return p.value, nil
		}),
		prim("placeholder-set!", 2, 2, func(it *Interp, a []Value) (Value, error) {
			p, ok := a[0].(*Placeholder)
			if !ok {
				return nil, TypeError("a placeholder", a[0])
			}
			if p.set {
				return nil, &ErrorObject{Who: "placeholder-set!", Message: "placeholder already has a value:", Irritants: []Value{p.value}}
			}
			p.set, p.value = true, a[1]
			close(p.ready)
			return Unspecified, nil
		}),

		// channels
		prim("make-channel", 0, 1, func(it *Interp, a []Value) (Value, error) {
			n := 0
			if len(a) > 0 {
				if err := UnpackArgs("make-channel", a, "capacity", &n); err != nil {
					return nil, err
				}
				if n < 0 || n > 1<<20 {
					return nil, &ErrorObject{Who: "make-channel", Message: "capacity out of range:", Irritants: []Value{a[0]}}
				}
			}
			return &Channel{ch: make(chan Value, n), closed: make(chan struct{})}, nil
		}),
		prim("channel?", 1, 1, func(it *Interp, a []Value) (Value, error) { _, ok := a[0].(*Channel); return ok, nil }),
		prim("channel-send!", 2, 2, func(it *Interp, a []Value) (Value, error) {
			c, err := channelArg("channel-send!", a[0])
			if err != nil {
				return nil, err
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
		}),
		prim("channel-receive", 1, 3, func(it *Interp, a []Value) (Value, error) {
			c, err := channelArg("channel-receive", a[0])
			if err != nil {
				return nil, err
			}
			d, err := timeoutArg("channel-receive", a, 1)
			if err != nil {
				return nil, err
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
		}),
		prim("channel-close!", 1, 1, func(it *Interp, a []Value) (Value, error) {
			c, err := channelArg("channel-close!", a[0])
			if err != nil {
				return nil, err
			}
			if !c.isClosed {
				c.isClosed = true
				close(c.closed)
			}
			return Unspecified, nil
		}),
	)
}
