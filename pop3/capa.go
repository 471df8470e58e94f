package pop3

import (
	"context"
	"errors"
	"strings"
)

// Capabilities is a server's CAPA reply (RFC 2449), parsed. Capability
// names are matched without regard to case.
type Capabilities struct {
	// Lines holds the reply's lines as sent, one capability per line.
	Lines []string
	args  map[string][]string
}

// parseCapabilities parses CAPA lines.
func parseCapabilities(lines []string) *Capabilities {
	c := &Capabilities{Lines: lines, args: make(map[string][]string, len(lines))}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		name := strings.ToUpper(f[0])
		if _, dup := c.args[name]; dup {
			c.args[name] = append(c.args[name], f[1:]...)
			continue
		}
		c.args[name] = f[1:]
	}
	return c
}

// Has reports whether the server lists the capability name.
func (c *Capabilities) Has(name string) bool {
	if c == nil {
		return false
	}
	_, ok := c.args[strings.ToUpper(name)]
	return ok
}

// Args returns the arguments of the capability name (nil if absent or
// without arguments).
func (c *Capabilities) Args(name string) []string {
	if c == nil {
		return nil
	}
	return c.args[strings.ToUpper(name)]
}

// SASL returns the SASL mechanisms listed by the SASL capability, upper
// case.
func (c *Capabilities) SASL() []string {
	a := c.Args("SASL")
	out := make([]string, len(a))
	for i, m := range a {
		out[i] = strings.ToUpper(m)
	}
	return out
}

// HasSASL reports whether the SASL capability lists mech.
func (c *Capabilities) HasSASL(mech string) bool {
	for _, m := range c.Args("SASL") {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// Pipelining reports whether the server accepts pipelined commands.
func (c *Capabilities) Pipelining() bool { return c.Has("PIPELINING") }

// STLS reports whether the server offers STLS.
func (c *Capabilities) STLS() bool { return c.Has("STLS") }

// UTF8 reports whether the server offers the UTF8 command (RFC 6856).
func (c *Capabilities) UTF8() bool { return c.Has("UTF8") }

// RespCodes reports whether the server sends RFC 2449 response codes.
func (c *Capabilities) RespCodes() bool { return c.Has("RESP-CODES") }

// AuthRespCode reports whether the server promises [AUTH] on credential
// failures (RFC 3206).
func (c *Capabilities) AuthRespCode() bool { return c.Has("AUTH-RESP-CODE") }

// Top reports whether the server offers TOP.
func (c *Capabilities) Top() bool { return c.Has("TOP") }

// UIDL reports whether the server offers UIDL.
func (c *Capabilities) UIDL() bool { return c.Has("UIDL") }

// User reports whether the server offers USER/PASS.
func (c *Capabilities) User() bool { return c.Has("USER") }

// Expire returns the EXPIRE policy ("NEVER", a number of days, possibly
// followed by "USER") and whether the server announced one.
func (c *Capabilities) Expire() (string, bool) {
	if !c.Has("EXPIRE") {
		return "", false
	}
	return strings.Join(c.Args("EXPIRE"), " "), true
}

// LoginDelay returns the LOGIN-DELAY policy (minimum seconds between
// logins, possibly followed by "USER") and whether the server announced
// one.
func (c *Capabilities) LoginDelay() (string, bool) {
	if !c.Has("LOGIN-DELAY") {
		return "", false
	}
	return strings.Join(c.Args("LOGIN-DELAY"), " "), true
}

// Implementation returns the IMPLEMENTATION text, or "".
func (c *Capabilities) Implementation() string {
	return strings.Join(c.Args("IMPLEMENTATION"), " ")
}

// Capabilities sends CAPA and returns the parsed reply. The reply is
// cached until it may change (after STLS and after login). A server
// without CAPA answers "-ERR": that is returned as a [*Error].
func (c *Client) Capabilities(ctx context.Context) (*Capabilities, error) {
	if c.caps != nil && c.err == nil && c.state != StateClosed {
		return c.caps, nil
	}
	const op = "CAPA"
	defer c.endOp()
	if _, err := c.command(ctx, op, op, StateAuthorization, StateTransaction); err != nil {
		return nil, err
	}
	var lines []string
	err := c.readList(op, func(l []byte) error {
		if len(lines) >= 1000 {
			return errors.New("more than 1000 capabilities")
		}
		lines = append(lines, string(l))
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.caps = parseCapabilities(lines)
	return c.caps, nil
}

// capsOrEmpty returns the capabilities, or nil (no capability at all) if
// the server refuses CAPA. Only I/O errors are returned.
func (c *Client) capsOrEmpty(ctx context.Context) (*Capabilities, error) {
	caps, err := c.Capabilities(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			c.caps = parseCapabilities(nil)
			return c.caps, nil
		}
		return nil, err
	}
	return caps, nil
}
