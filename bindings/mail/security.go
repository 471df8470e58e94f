package mail

// What the pop3-* procedures do to keep a password off the wire and to
// decide whom to trust: the parameters pop3-allow-cleartext,
// pop3-require-tls, pop3-tls-fingerprint and pop3-tls-ca-file, and the
// messages that say how to change them.

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"popsh/interp"
	"popsh/pop3"
)

// pop3SecurityPrelude defines the security parameters. Their values are
// checked when set; pop3-connect reads them all, the login procedures read
// pop3-allow-cleartext and pop3-require-tls again (so that either place
// can be wrapped in parameterize).
const pop3SecurityPrelude = `
(define pop3-allow-cleartext
  (make-parameter #f
    (lambda (x)
      (if (boolean? x) x
          (error "pop3-allow-cleartext: expected #t or #f, got" x)))))

(define pop3-require-tls
  (make-parameter #f
    (lambda (x)
      (if (boolean? x) x
          (error "pop3-require-tls: expected #t or #f, got" x)))))

(define pop3-tls-fingerprint
  (make-parameter #f
    (lambda (x)
      (if (or (not x) (string? x)) x
          (error "pop3-tls-fingerprint: expected #f or a string of hex digits, got" x)))))

(define pop3-tls-ca-file
  (make-parameter #f
    (lambda (x)
      (if (or (not x) (string? x)) x
          (error "pop3-tls-ca-file: expected #f or a file name, got" x)))))

(define pop3-connect-timeout
  (make-parameter #f
    (lambda (x)
      (if (or (not x) (and (real? x) (> x 0))) x
          (error "pop3-connect-timeout: expected #f or a positive number of seconds, got" x)))))

(define pop3-command-timeout
  (make-parameter #f
    (lambda (x)
      (if (or (not x) (and (real? x) (> x 0))) x
          (error "pop3-command-timeout: expected #f or a positive number of seconds, got" x)))))

(define pop3-min-rate
  (make-parameter #f
    (lambda (x)
      (if (or (not x) (and (exact-integer? x) (>= x 0))) x
          (error "pop3-min-rate: expected #f or a number of bytes per second, 0 or more, got" x)))))
`

// parameterDocs documents the parameters of the preludes.
var parameterDocs = []interp.DocLine{
	{Name: "pop3-line-ending", Doc: "pop3-line-ending: parameter, 'lf (the default) or 'crlf: the line ends of the messages received"},
	{Name: "pop3-allow-cleartext", Doc: "pop3-allow-cleartext: parameter, #f by default; #t lets a password cross unencrypted to a remote server"},
	{Name: "pop3-require-tls", Doc: "pop3-require-tls: parameter, #f by default; #t refuses every credential on an unencrypted session"},
	{Name: "pop3-tls-fingerprint", Doc: "pop3-tls-fingerprint: parameter, #f or the SHA-256 fingerprint of the one server certificate to trust"},
	{Name: "pop3-tls-ca-file", Doc: "pop3-tls-ca-file: parameter, #f or a PEM file of the CA certificates to trust instead of the system's"},
	{Name: "pop3-connect-timeout", Doc: "pop3-connect-timeout: parameter, #f or the seconds connecting (TLS handshake included) may take"},
	{Name: "pop3-command-timeout", Doc: "pop3-command-timeout: parameter, #f or the seconds any one wait on the server may take"},
	{Name: "pop3-min-rate", Doc: "pop3-min-rate: parameter, #f (512) or the bytes per second a whole reply must average once pop3-command-timeout is spent; 0: no bound"},
}

// connParams holds the parameter objects the bindings read.
type connParams struct {
	allowCleartext, requireTLS, fingerprint, caFile, connectTimeout, commandTimeout, minRate interp.Value
}

// securityParams are the parameters pop3SecurityPrelude defines, each
// made on first reference.
var securityParams = []string{"pop3-allow-cleartext", "pop3-require-tls", "pop3-tls-fingerprint",
	"pop3-tls-ca-file", "pop3-connect-timeout", "pop3-command-timeout", "pop3-min-rate"}

// lookupParams finds the parameter objects defined by the preludes (the
// preludes' own, even if the program has bound the names to something
// else since), once: the first connection makes them if nothing referred
// to them before.
func (b *pop3Bindings) lookupParams() error {
	if b.paramsFound {
		return nil
	}
	for _, p := range []struct {
		lib  *interp.LazyLibrary
		name string
		dst  *interp.Value
	}{
		{pop3Library, "pop3-line-ending", &b.lineEnding},
		{pop3SecurityLibrary, securityParams[0], &b.params.allowCleartext},
		{pop3SecurityLibrary, securityParams[1], &b.params.requireTLS},
		{pop3SecurityLibrary, securityParams[2], &b.params.fingerprint},
		{pop3SecurityLibrary, securityParams[3], &b.params.caFile},
		{pop3SecurityLibrary, securityParams[4], &b.params.connectTimeout},
		{pop3SecurityLibrary, securityParams[5], &b.params.commandTimeout},
		{pop3SecurityLibrary, securityParams[6], &b.params.minRate},
	} {
		v, err := p.lib.Value(b.it, p.name)
		if err != nil {
			return fmt.Errorf("pop3 prelude did not define %s: %w", p.name, err)
		}
		*p.dst = v
	}
	b.paramsFound = true
	return nil
}

// param returns the current value of a parameter object (#f if it is not
// one).
func paramValue(p interp.Value) interp.Value {
	if pp, ok := p.(*interp.Parameter); ok {
		return pp.Value()
	}
	return false
}

// paramTrue reports whether a boolean parameter is #t.
func paramTrue(p interp.Value) bool {
	b, ok := paramValue(p).(bool)
	return ok && b
}

// paramString returns a string parameter's value, or "" for #f.
func paramString(p interp.Value) string {
	if s, ok := paramValue(p).(*interp.String); ok {
		return s.String()
	}
	return ""
}

// applyTLSParams sets the pin and the CA file of pop3-tls-fingerprint and
// pop3-tls-ca-file in o.
func (b *pop3Bindings) applyTLSParams(o *pop3.Options) error {
	if fp := paramString(b.params.fingerprint); fp != "" {
		sum, err := pop3.ParseFingerprint(fp)
		if err != nil {
			return interp.Errorf("pop3-tls-fingerprint: %q is not a SHA-256 fingerprint (64 hex digits, colons optional)", fp)
		}
		o.TLSFingerprint = sum
	}
	if path := paramString(b.params.caFile); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return &interp.ErrorObject{Kind: interp.KindFileError, Message: fmt.Sprintf("pop3-tls-ca-file: cannot read %s: %v", path, plainError(err)), Cause: err}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return interp.Errorf("pop3-tls-ca-file: %s holds no PEM certificate", path)
		}
		o.TLSConfig.RootCAs = pool
	}
	return nil
}

// applyLoginPolicy gives the connection the cleartext and TLS policy in
// force now: what was in force at connect time, or what is now.
func (b *pop3Bindings) applyLoginPolicy(c *pop3Conn) {
	_ = b.lookupParams() // done by the connection's engineOptions already
	c.client.SetAllowCleartext(c.allowCleartext || paramTrue(b.params.allowCleartext))
	c.client.SetRequireTLS(c.requireTLS || paramTrue(b.params.requireTLS))
}

// securityMessage explains a refusal of the engine's security rules in
// terms of what a script or a movemail user can change, or returns "".
func securityMessage(host string, err error) string {
	var ce *pop3.CertificateError
	switch {
	case errors.As(err, &ce):
		fp := "none sent"
		if ce.Fingerprint != nil {
			fp = pop3.FormatFingerprint(ce.Fingerprint)
		}
		return fmt.Sprintf("the TLS certificate of %s is not trusted (%v); its SHA-256 fingerprint is %s. "+
			"If you have checked it, trust it with pop3-tls-fingerprint (movemail: --tls-fingerprint), "+
			"or name its CA with pop3-tls-ca-file (movemail: --tls-ca-file); nothing sent",
			ce.Host, plainError(ce.Err), fp)
	case errors.Is(err, pop3.ErrCleartext):
		return fmt.Sprintf("refusing to send a password in clear to %s: the connection is not encrypted and the server is not on this machine. "+
			"Use pop3s:// or a server that offers STLS, or allow it with (parameterize ((pop3-allow-cleartext #t)) ...) "+
			"(movemail: --no-tls); nothing sent", host)
	case errors.Is(err, pop3.ErrTLSRequired):
		var perr *pop3.Error
		if errors.As(err, &perr) {
			return fmt.Sprintf("%s offers STLS but refused it (-ERR%s): no fallback to plain text; nothing sent", host, perr.Raw)
		}
		return fmt.Sprintf("TLS is required (pop3-require-tls) but the connection to %s is not encrypted; nothing sent", host)
	}
	return ""
}

// plainError renders an error chain for a user: one clause per cause,
// without Go's package prefixes ("pop3: ", "dial tcp ...: ",
// "read tcp ...: ").
//
// Control characters are escaped: the text may quote what a server sent
// (a certificate's names, a reply), to be printed on a terminal.
func plainError(err error) string {
	s := err.Error()
	s = strings.ReplaceAll(s, "pop3: ", "")
	s = strings.ReplaceAll(s, "x509: ", "")
	s = strings.ReplaceAll(s, "tls: ", "")
	return pop3.EscapeControls(s)
}

// typeName names the type of v for a message that must not show the
// value itself (a password).
func typeName(v interp.Value) string {
	switch v.(type) {
	case int:
		return "an integer"
	case float64:
		return "a real number"
	case bool:
		return "a boolean"
	case *interp.Symbol:
		return "a symbol"
	case *interp.String:
		return "a string"
	case *interp.Pair:
		return "a pair"
	}
	if v == interp.Null {
		return "the empty list"
	}
	if _, ok := v.(interp.Char); ok {
		return "a character"
	}
	return "a value of another type"
}

// secretArg unpacks a password (or token), argument pos named param; a
// type error names the type only, never the value.
func secretArg(who string, pos int, param string, v interp.Value) (string, error) {
	s, ok := v.(*interp.String)
	if !ok {
		return "", withWho(who, interp.ArgError(pos, param, "expected a string, got "+typeName(v)))
	}
	return s.String(), nil
}
