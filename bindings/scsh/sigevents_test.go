package scsh

import (
	"syscall"
	"testing"
)

// Signal events: each signal popsh receives adds an event after the most
// recent one; a thread holding an event finds the later ones of the
// interrupt it asks for, in order, however many came meanwhile.
func TestSigevents(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define start (most-recent-sigevent))
	  (list (sigevent? start) (sigevent? 'x) (sigevent-type start))`, "(#t #f #f)")
	expectValue(t, it, `(next-sigevent/no-wait start interrupt/usr1)`, "#f")
	// SIGUSR1 ends the process by default: a program waiting for its
	// events sets a handler, here #f (ignore)
	expectValue(t, it, `(set-interrupt-handler interrupt/usr1 #f)
	  (set-interrupt-handler interrupt/usr2 #f)`, "#t")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	expectValue(t, it, `(define e1 (next-sigevent start interrupt/usr2))
	  (list (= (sigevent-type e1) interrupt/usr2) (eq? e1 (most-recent-sigevent)))`, "(#t #t)")
	// sent from Scheme, two of them before anyone looks
	expectValue(t, it, `(signal-process (pid) signal/usr1)
	  (define e2 (next-sigevent e1 interrupt/usr1))
	  (signal-process (pid) signal/usr2)
	  (define e3 (next-sigevent-set e2 (interrupt-set interrupt/usr1 interrupt/usr2)))
	  (list (sigevent-type e2) (sigevent-type e3))`, "(10 11)")
	// the chain is kept: the first event still leads to the same ones
	expectValue(t, it, `(list (eq? (next-sigevent start interrupt/usr1) e2)
	        (eq? (next-sigevent-set/no-wait (interrupt-set interrupt/usr2) e1) e3)
	        (eq? (next-sigevent-set/no-wait e2 (interrupt-set interrupt/usr2)) e3)
	        (next-sigevent/no-wait e3 interrupt/usr1))`, "(#t #t #t #f)")
	// a thread blocked in next-sigevent wakes when the signal comes
	expectValue(t, it, `(define got #f)
	  (define pre (most-recent-sigevent))
	  (spawn (lambda () (set! got (sigevent-type (next-sigevent pre interrupt/usr1)))))
	  (process-sleep 0.05)
	  (signal-process (pid) signal/usr1)
	  (list (await (lambda () got)) got)`, "(#t 10)")
	// a disabled interrupt is kept pending but its event comes at once
	expectValue(t, it, `(define pre (most-recent-sigevent))
	  (with-enabled-interrupts 0
	    (signal-process (pid) signal/usr1)
	    (sigevent-type (next-sigevent pre interrupt/usr1)))`, "10")
	expectError(t, it, `(next-sigevent 'start interrupt/usr1)`, "argument 1 (pre-event): expected a sigevent, got start")
	expectError(t, it, `(next-sigevent start 99)`, "argument 2 (interrupt): expected an interrupt")
	expectError(t, it, `(sigevent-type 5)`, "expected a sigevent")
}

// The children's SIGCHLD comes as an event though interrupt/chld has its
// default handler (SIGCHLD is ignored by default): a program can wait
// for its children's ends with next-sigevent.
func TestSigeventChld(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(interrupt-handler interrupt/chld)`, "#t")
	expectValue(t, it, `(define pre (most-recent-sigevent))
	  (define p (& (true)))
	  (sigevent-type (next-sigevent pre interrupt/chld))`, "4")
	// setting the handler back to the default keeps the events coming
	expectValue(t, it, `(set-interrupt-handler interrupt/chld #f)
	  (set-interrupt-handler interrupt/chld #t)
	  (define pre (most-recent-sigevent))
	  (run (true))
	  (await (lambda () (next-sigevent/no-wait pre interrupt/chld)))`, "#t")
}
