package server

import (
	"strings"
	"time"
)

// Faults configures deliberate misbehaviour, for testing clients. The zero
// value is a well-behaved server. Faults can be set in Options or changed on a
// running server with Server.SetFaults (new sessions use the new value).
type Faults struct {
	// RemoveCapa lists capability names (e.g. "PIPELINING", "STLS", "UIDL",
	// "SASL", "TOP") left out of the CAPA reply. The commands still work
	// unless also listed in DisableCommands.
	RemoveCapa []string
	// DisableCommands lists commands answered with "-ERR Unknown command"
	// (e.g. "STLS", "UIDL", "TOP", "APOP", "AUTH", "LAST", "CAPA").
	DisableCommands []string
	// NoAPOPTimestamp leaves the <timestamp> out of the greeting (APOP then
	// fails).
	NoAPOPTimestamp bool
	// Rules are per-command faults; the first matching rule applies.
	Rules []Fault
}

// Greeting is the pseudo-command name that a Fault uses to target the
// server greeting.
const Greeting = "GREETING"

// Fault is one injected misbehaviour, applied to the reply to a command.
// The faults that rewrite a reply (LongLine, CloseAfter, NoTerminator,
// StallAfter/StallFor, Trickle, EndlessBody, Listing, NoStuffing) are not applied to
// STLS and AUTH, whose replies are exchanges; Delay, Reply and Hangup
// apply to every command.
type Fault struct {
	// Command is the command keyword ("RETR", "PASS", ...), Greeting for the
	// greeting, or "*" for every command (not the greeting).
	Command string
	// Nth selects the Nth matching command of a session (1-based); 0 means
	// every matching command.
	Nth int
	// Session selects the Nth session of the server (1-based, in the order
	// connections were accepted); 0 means every session.
	Session int
	// Delay waits this long before replying.
	Delay time.Duration
	// Reply, if not empty, replaces the whole reply by this single line (CRLF
	// is added): "-ERR [IN-USE] locked", "-ERR [LOGIN-DELAY] wait",
	// "-ERR [SYS/TEMP] try later", or garbage such as "HELLO".
	// For USER/PASS/APOP/AUTH the login does not happen.
	Reply string
	// LongLine, if > 0, replaces the status line by "+OK " followed by
	// LongLine bytes of 'x' (an overlong line); a multi-line body follows as
	// usual.
	LongLine int
	// CloseAfter, if > 0, sends only the first CloseAfter bytes of the reply
	// (status line, body and terminator counted) and closes the connection.
	CloseAfter int
	// StallAfter and StallFor send the first StallAfter bytes of the reply
	// (at least 1), then pause for StallFor before sending the rest: a
	// server that stops mid-reply without closing.
	StallAfter int
	StallFor   time.Duration
	// Hangup closes the connection without replying.
	Hangup bool
	// Swallow ignores the command: no reply, and the session goes on (a
	// server that drops a pipelined command). Not for the greeting.
	Swallow bool
	// NoTerminator sends a multi-line reply without its terminating ".\r\n"
	// and closes the connection.
	NoTerminator bool
	// BadNumber makes the numbers in STAT and LIST replies malformed
	// ("+OK 2x 120y").
	BadNumber bool
	// Trickle sends the reply a byte at a time, this long apart: a server
	// that never stalls long enough to time out and still takes forever.
	Trickle time.Duration
	// EndlessBody follows the status line of a multi-line reply (RETR,
	// TOP) with body lines that never end, until the client goes away.
	EndlessBody bool
	// TopWhole answers "TOP n lines" with the whole message, whatever the
	// line count: a server that ignores it.
	TopWhole bool
	// Listing, if not nil, replaces the lines of a multi-line reply (LIST,
	// UIDL, CAPA) by these, sent as given (no byte-stuffing), then ".".
	Listing []string
	// NoStuffing sends multi-line replies without byte-stuffing: a body
	// line "." ends the message early, and the rest of it follows as if
	// it were the next reply (a server that forgets RFC 1939's
	// byte-stuffing).
	NoStuffing bool
	// SASL, if not nil, replaces an AUTH exchange by a script: the server
	// answers the AUTH command with SASL[0] and each line the client
	// sends next with the following one, as given ("+ " for an empty
	// challenge, "+ " again after the client's "*" for a server that
	// ignores the cancel, garbage, "+OK ..."); the session then goes on,
	// not logged in. A SASL exchange that misbehaves.
	SASL []string
}

func (f *Faults) removed(capa string) bool {
	for _, c := range f.RemoveCapa {
		if strings.EqualFold(c, capa) {
			return true
		}
	}
	return false
}

func (f *Faults) disabled(cmd string) bool {
	for _, c := range f.DisableCommands {
		if strings.EqualFold(c, cmd) {
			return true
		}
	}
	return false
}

// match returns the fault for the n-th occurrence (1-based) of cmd in
// session number sess, or nil.
func (f *Faults) match(cmd string, n int, sess uint64) *Fault {
	for i := range f.Rules {
		r := &f.Rules[i]
		if r.Session != 0 && uint64(r.Session) != sess {
			continue
		}
		if r.Command == "*" {
			if cmd == Greeting {
				continue
			}
		} else if !strings.EqualFold(r.Command, cmd) {
			continue
		}
		if r.Nth != 0 && r.Nth != n {
			continue
		}
		return r
	}
	return nil
}

func (f Faults) clone() Faults {
	f.RemoveCapa = append([]string(nil), f.RemoveCapa...)
	f.DisableCommands = append([]string(nil), f.DisableCommands...)
	f.Rules = append([]Fault(nil), f.Rules...)
	return f
}
