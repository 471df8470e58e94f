package scsh

import "popsh/interp"

// scsh 0.6's signal events (its sigevents structure): a functional view
// of the interrupts that have arrived. Each interrupt delivered adds an
// event to a chain; (most-recent-sigevent) is the last one, and a thread
// that holds an event waits with next-sigevent for the first later one of
// a given interrupt. No event is lost between the two calls, and threads
// that hold different events do not disturb each other. The chain is
// extended by the delivering thread (signals.go) for every interrupt it
// receives, whether the interrupt is enabled or not, before its handler
// runs. An event's type is its interrupt number (interrupt/usr1 ...); the
// first event, made at start, has type #f.
//
// As in scsh 0.6, a signal whose handler is the default one and whose
// default action ends the process still ends it: a program that waits
// for SIGUSR1 events sets the handler of interrupt/usr1 to #f or to a
// procedure. The signals whose default action is to do nothing (SIGCHLD,
// SIGCONT, SIGWINCH) and SIGALRM are caught from the first use of an
// event procedure on, whatever their handlers, so their events come too.

// sigEvents is the chain's end; it belongs to Scheme code and is guarded
// by the interpreter lock.
type sigEvents struct {
	rt     *interp.RecordType
	latest *interp.Record
	// arrived is closed (and replaced) when an event is added.
	arrived chan struct{}
	// running is set at the first use of an event procedure.
	running bool
}

// quietInterrupts are the interrupts caught for their events while
// sigevents run, though their handler is the default: their default
// action does nothing.
var quietInterrupts = []int{intAlarm, intChld, intCont, intWinch}

func isQuiet(n int) bool {
	for _, q := range quietInterrupts {
		if q == n {
			return true
		}
	}
	return false
}

func newSigEvents() *sigEvents {
	rt := &interp.RecordType{Name: "sigevent", Fields: []*interp.Symbol{interp.Intern("type"), interp.Intern("next")}}
	rt.Printer = func(r *interp.Record) string {
		if n, ok := r.Fields[0].(int); ok {
			return "#{sigevent " + interruptLabel(n) + "}"
		}
		return "#{sigevent}"
	}
	return &sigEvents{rt: rt, latest: &interp.Record{Type: rt, Fields: []interp.Value{false, false}},
		arrived: make(chan struct{})}
}

// add records that interrupt n arrived (under the interpreter lock).
func (v *sigEvents) add(n int) {
	ev := &interp.Record{Type: v.rt, Fields: []interp.Value{n, false}}
	v.latest.Fields[1] = ev
	v.latest = ev
	close(v.arrived)
	v.arrived = make(chan struct{})
}

// startSigevents makes sure the events of the quiet interrupts are caught
// and that a thread delivers the signals.
func (e *scshEnv) startSigevents(who string) error {
	s := e.sig
	if !s.events.running {
		s.events.running = true
		for _, n := range quietInterrupts {
			s.catch(interruptSignal[n])
		}
	}
	if err := e.startDelivery(); err != nil {
		return scshErr(who, "the interpreter has no threads to deliver signals")
	}
	return nil
}

// eventArg reads a sigevent, argument pos named param.
func (e *scshEnv) eventArg(v interp.Value, pos int, param string) (*interp.Record, error) {
	r, ok := v.(*interp.Record)
	if !ok || r.Type != e.sig.events.rt {
		return nil, argType(pos, param, "a sigevent", v)
	}
	return r, nil
}

// nextEvent finds the first event after pre whose interrupt is in set;
// unless wait, #f when there is none yet.
func (e *scshEnv) nextEvent(who string, pre *interp.Record, set int, wait bool) (interp.Value, error) {
	if err := e.startSigevents(who); err != nil {
		return nil, err
	}
	ctx := e.ctx()
	for {
		for next, ok := pre.Fields[1].(*interp.Record); ok; next, ok = pre.Fields[1].(*interp.Record) {
			if n, isInt := next.Fields[0].(int); isInt && set&(1<<n) != 0 {
				return next, nil
			}
			pre = next
		}
		if !wait {
			return false, nil
		}
		arrived := e.sig.events.arrived
		var cause error
		e.it.Blocking(func() error {
			select {
			case <-arrived:
			case <-ctx.Done():
				cause = ctx.Err()
			}
			return nil
		})
		if cause != nil {
			return nil, &interp.ErrorObject{Who: who, Message: "interrupted", Cause: cause}
		}
	}
}

// eventAndSet reads the event and the interrupt set of the -set
// procedures, in either order: scsh 0.6 takes (pre-event set) for
// next-sigevent-set but (set pre-event) for next-sigevent-set/no-wait.
func (e *scshEnv) eventAndSet(a []interp.Value) (*interp.Record, int, error) {
	ev, set := a[0], a[1]
	if _, ok := set.(*interp.Record); ok {
		ev, set = set, ev
	}
	pre, err := e.eventArg(ev, 1, "pre-event")
	if err != nil {
		return nil, 0, err
	}
	n, err := interruptSetArg(set, 2, "set")
	if err != nil {
		return nil, 0, err
	}
	return pre, n, nil
}

func (e *scshEnv) installSigevents() {
	e.sig.events = newSigEvents()
	one := func(who string, wait bool) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			pre, err := e.eventArg(a[0], 1, "pre-event")
			if err != nil {
				return nil, err
			}
			n, err := interruptArg(a[1], 2, "interrupt")
			if err != nil {
				return nil, err
			}
			return e.nextEvent(who, pre, 1<<n, wait)
		}
	}
	set := func(who string, wait bool) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			pre, n, err := e.eventAndSet(a)
			if err != nil {
				return nil, err
			}
			return e.nextEvent(who, pre, n, wait)
		}
	}
	e.it.DefineBuiltins("scsh: signals and interrupts", []interp.Builtin{
		{Name: "most-recent-sigevent", MinArgs: 0, MaxArgs: 0,
			Doc: "(most-recent-sigevent): the last signal event; the events after it are waited for with next-sigevent",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := e.startSigevents("most-recent-sigevent"); err != nil {
					return nil, err
				}
				return e.sig.events.latest, nil
			}},
		{Name: "sigevent?", MinArgs: 1, MaxArgs: 1,
			Doc: "(sigevent? obj): whether obj is a signal event",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				return ok && r.Type == e.sig.events.rt, nil
			}},
		{Name: "sigevent-type", MinArgs: 1, MaxArgs: 1,
			Doc: "(sigevent-type event): the interrupt of a signal event (interrupt/usr1 ...), #f for the first event",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := e.eventArg(a[0], 0, "event")
				if err != nil {
					return nil, err
				}
				return r.Fields[0], nil
			}},
		{Name: "next-sigevent", MinArgs: 2, MaxArgs: 2,
			Doc: "(next-sigevent pre-event interrupt): wait for the first signal event after pre-event of interrupt, and return it",
			Fn:  one("next-sigevent", true)},
		{Name: "next-sigevent/no-wait", MinArgs: 2, MaxArgs: 2,
			Doc: "(next-sigevent/no-wait pre-event interrupt): the first signal event after pre-event of interrupt, or #f if none has come",
			Fn:  one("next-sigevent/no-wait", false)},
		{Name: "next-sigevent-set", MinArgs: 2, MaxArgs: 2,
			Doc: "(next-sigevent-set pre-event set): wait for the first signal event after pre-event of an interrupt in set, and return it",
			Fn:  set("next-sigevent-set", true)},
		{Name: "next-sigevent-set/no-wait", MinArgs: 2, MaxArgs: 2,
			Doc: "(next-sigevent-set/no-wait set pre-event): the first signal event after pre-event of an interrupt in set, or #f",
			Fn:  set("next-sigevent-set/no-wait", false)},
	}...)
}

// keepCaught reports whether sig stays caught when its handler is set
// back to the default: it is a quiet one and sigevents run.
func (s *sigState) keepCaught(n int) bool {
	return s.events != nil && s.events.running && isQuiet(n)
}
