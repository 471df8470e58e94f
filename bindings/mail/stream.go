package mail

import (
	"errors"
	"fmt"
	"io"

	"popsh/interp"
	"popsh/pop3"
)

// forEachPort implements (pop3-for-each-message/port conn proc [msgids]):
// calls (proc msgid port) for every message (or those listed), port being
// a textual input port reading the message as it arrives from the server,
// so that no message is ever held whole in memory; returns the count.
//
// The RETR commands are pipelined when the server offers PIPELINING (the
// engine's window of commands sent ahead); their replies wait in the
// network buffers while proc reads its message. What proc leaves unread is
// read and discarded when it returns, and the port is closed then: each
// message is consumed or skipped before the next one is read. No other
// command may use the connection while proc runs (they raise a call-error;
// pop3-close closes it at once and ends the iteration with an error).
// When proc raises an error or escapes, no more commands are sent, the
// replies already asked for are read and discarded, and the connection
// stays usable.
func (b *pop3Bindings) forEachPort(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-for-each-message/port"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	proc := args[1]
	if !interp.IsProcedure(proc) {
		return nil, withWho(who, interp.ArgTypeError(2, "proc", "a procedure", proc))
	}
	// the iteration holds the interpreter lock (its procedure may give it
	// up): no other thread's call may be under way on c, nor start
	if err := claim(who, c); err != nil {
		return nil, err
	}
	defer func() { c.busy = false }()
	var ids []int
	if v, ok := optionalArg(args, 2); ok {
		if ids, err = msgidList(who, 3, v); err != nil {
			return nil, err
		}
		if unlisted(c.client, ids) {
			// a message is read up to a bound set by its listed size,
			// and LIST gives the sizes
			if _, err := c.client.List(b.ctx()); err != nil {
				return nil, b.fail(who, c, err)
			}
		}
	} else {
		ms, err := c.client.List(b.ctx())
		if err != nil {
			return nil, b.fail(who, c, err)
		}
		for _, m := range ms {
			ids = append(ids, m.Num)
		}
	}
	b.setLineEnding(c)
	count := 0
	var procErr error
	c.streaming = true
	err = c.client.RetrMany(b.ctx(), ids, func(n int, body io.Reader) error {
		c.seen(n)
		port := interp.NewInputPort(messageBody{body}, fmt.Sprintf("message %d", n))
		_, err := it.Call(b.ctx(), proc, n, port)
		port.Close()
		if err != nil {
			procErr = err
			return err
		}
		count++
		return nil
	})
	c.streaming = false
	if procErr != nil && errors.Is(err, procErr) {
		if c.client.State() != pop3.StateTransaction {
			c.closeAfter(who, c.client.Err()) // the session broke while proc was reading
		}
		return nil, procErr
	}
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return count, nil
}

// messageBody hides everything but Read of a message body (a port closes what
// it reads from when it is an io.Closer).
type messageBody struct{ r io.Reader }

func (b messageBody) Read(p []byte) (int, error) { return b.r.Read(p) }
