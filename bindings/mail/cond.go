package mail

import (
	"errors"
	"strings"

	"popsh/interp"
	"popsh/pop3"
)

// pop3ErrType is the condition type of a server's -ERR, as pop3.scm names
// it: (define-condition-type '-ERR '(error)).
const pop3ErrType = "-ERR"

// withWho names the procedure that failed.
func withWho(who string, e *interp.ErrorObject) *interp.ErrorObject {
	if e.Who == "" {
		e.Who = who
	}
	return e
}

// callError builds scsh's call-error condition, (call-error msg proc .
// args), represented as the scsh layer represents conditions (an error
// object whose Kind is the type, Message the first element of the stuff,
// Irritants the rest): its stuff is (msg proc . args), proc being the
// procedure's name as a symbol, as pop3.scm passes it. Who stays empty so
// that condition-stuff and error-object-message give msg unchanged.
func callError(msg, who string, args ...interp.Value) *interp.ErrorObject {
	irr := append([]interp.Value{interp.Intern(who)}, args...)
	return &interp.ErrorObject{Kind: "call-error", Message: msg, Irritants: irr}
}

// errCondition builds the -ERR condition of a server refusal, with the
// stuff pop3.scm signals: (text-after-ERR command), the text unchanged
// (leading space and response code included) and the command with any
// secret masked. pop3-error-text, pop3-error-code and pop3-error-command
// give the parts; the engine's *pop3.Error is its Cause, for Go callers.
func errCondition(who string, e *pop3.Error) *interp.ErrorObject {
	return &interp.ErrorObject{
		Kind:      pop3ErrType,
		Message:   e.Raw,
		Irritants: []interp.Value{interp.NewString(e.Command)},
		Cause:     e,
	}
}

// errParts returns the server text, response code and command of a -ERR
// condition, whether popsh raised it or pop3.scm's own code signalled it
// (stuff = (text command)).
func errParts(who string, v interp.Value) (text, code, command string, err error) {
	e, ok := v.(*interp.ErrorObject)
	if !ok || e.Kind != pop3ErrType {
		return "", "", "", withWho(who, interp.TypeError("a -ERR condition", v))
	}
	var perr *pop3.Error
	if errors.As(e.Cause, &perr) {
		return perr.Text, perr.Code, perr.Command, nil
	}
	raw := e.Message
	if len(e.Irritants) > 0 {
		if s, ok := e.Irritants[0].(*interp.String); ok {
			command = s.String()
		}
	}
	r, perr2 := pop3.ParseResponse("-ERR" + raw)
	if perr2 != nil || r.OK {
		// Not the text of a -ERR line (pop3.scm signals the whole
		// response when it is neither +OK nor -ERR).
		return strings.TrimSpace(raw), "", command, nil
	}
	return r.Text, r.Code, command, nil
}

func (b *pop3Bindings) errorText(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	text, _, _, err := errParts("pop3-error-text", args[0])
	if err != nil {
		return nil, err
	}
	return interp.NewString(text), nil
}

// errorCode returns the response code ("IN-USE", "AUTH", "SYS/TEMP"...)
// as a string, or #f when the server gave none.
func (b *pop3Bindings) errorCode(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	_, code, _, err := errParts("pop3-error-code", args[0])
	if err != nil {
		return nil, err
	}
	if code == "" {
		return false, nil
	}
	return interp.NewString(code), nil
}

func (b *pop3Bindings) errorCommand(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	_, _, cmd, err := errParts("pop3-error-command", args[0])
	if err != nil {
		return nil, err
	}
	return interp.NewString(cmd), nil
}
