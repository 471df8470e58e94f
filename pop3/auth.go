package pop3

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SASLMech is a client-side SASL mechanism for [Client.Auth]. This package
// provides [PlainAuth], [LoginAuth], [CRAMMD5Auth], [XOAUTH2Auth] and
// [OAuthBearerAuth]; other mechanisms can be written against this
// interface.
type SASLMech interface {
	// Start returns the mechanism's name and its initial response (nil
	// for none; an empty non-nil slice for an empty one).
	Start() (name string, ir []byte, err error)
	// Next returns the response to a server challenge. An error cancels
	// the exchange (the client sends "*").
	Next(challenge []byte) ([]byte, error)
}

// cleartextMechs are the mechanisms that reveal the secret to anyone who
// can read the connection.
var cleartextMechs = map[string]bool{"PLAIN": true, "LOGIN": true, "XOAUTH2": true, "OAUTHBEARER": true}

// secretHolder is implemented by this package's mechanisms: the secret
// they send (a password or a token), which the client then masks in what
// it reports of the server's replies.
type secretHolder interface{ secret() string }

type plainMech struct{ identity, user, pass string }

func (m *plainMech) secret() string { return m.pass }

// PlainAuth returns the SASL PLAIN mechanism (RFC 4616). identity is the
// authorization identity, usually "".
func PlainAuth(identity, user, pass string) SASLMech { return &plainMech{identity, user, pass} }

func (m *plainMech) Start() (string, []byte, error) {
	return "PLAIN", []byte(m.identity + "\x00" + m.user + "\x00" + m.pass), nil
}

func (m *plainMech) Next(challenge []byte) ([]byte, error) {
	return nil, errors.New("PLAIN: unexpected server challenge")
}

type loginMech struct {
	user, pass string
	step       int
}

// LoginAuth returns the (obsolete, but widely offered) SASL LOGIN
// mechanism: the user name and the password in two steps.
func LoginAuth(user, pass string) SASLMech { return &loginMech{user: user, pass: pass} }

func (m *loginMech) secret() string { return m.pass }

func (m *loginMech) Start() (string, []byte, error) { return "LOGIN", nil, nil }

func (m *loginMech) Next(challenge []byte) ([]byte, error) {
	m.step++
	switch m.step {
	case 1:
		return []byte(m.user), nil
	case 2:
		return []byte(m.pass), nil
	}
	return nil, errors.New("LOGIN: unexpected server challenge")
}

type cramMech struct {
	user, secretKey string
	done            bool
}

// CRAMMD5Auth returns the SASL CRAM-MD5 mechanism (RFC 2195): the password
// never crosses the wire, but the server must store it in clear, and the
// mechanism is considered weak today.
func CRAMMD5Auth(user, secret string) SASLMech { return &cramMech{user: user, secretKey: secret} }

func (m *cramMech) secret() string { return m.secretKey }

func (m *cramMech) Start() (string, []byte, error) { return "CRAM-MD5", nil, nil }

func (m *cramMech) Next(challenge []byte) ([]byte, error) {
	if m.done {
		return nil, errors.New("CRAM-MD5: unexpected second challenge")
	}
	if len(challenge) == 0 {
		// RFC 2195: the challenge is a unique string (a message id). A
		// digest of nothing proves nothing and would be the same for
		// every session: the exchange is cancelled instead.
		return nil, errors.New("CRAM-MD5: the server's challenge is empty")
	}
	m.done = true
	h := hmac.New(md5.New, []byte(m.secretKey))
	h.Write(challenge)
	return []byte(m.user + " " + hex.EncodeToString(h.Sum(nil))), nil
}

type xoauth2Mech struct{ user, token string }

// XOAUTH2Auth returns the XOAUTH2 mechanism (Google, Microsoft) with an
// OAuth 2.0 bearer token. The token is a secret: like a password, it is
// only sent in clear under the rules of [Client.Auth].
func XOAUTH2Auth(user, token string) SASLMech { return &xoauth2Mech{user, token} }

func (m *xoauth2Mech) secret() string { return m.token }

func (m *xoauth2Mech) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + m.user + "\x01auth=Bearer " + m.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, as the mechanism requires; the server then replies -ERR.
func (m *xoauth2Mech) Next(challenge []byte) ([]byte, error) { return []byte{}, nil }

type oauthBearerMech struct {
	user, host string
	port       int
	token      string
}

// OAuthBearerAuth returns the OAUTHBEARER mechanism (RFC 7628) with an
// OAuth 2.0 bearer token. host and port name the server (port 0 leaves it
// out).
func OAuthBearerAuth(user, host string, port int, token string) SASLMech {
	return &oauthBearerMech{user, host, port, token}
}

func (m *oauthBearerMech) secret() string { return m.token }

func (m *oauthBearerMech) Start() (string, []byte, error) {
	var b strings.Builder
	b.WriteString("n,")
	if m.user != "" {
		// RFC 5801 saslname: "," and "=" are escaped.
		b.WriteString("a=" + strings.NewReplacer("=", "=3D", ",", "=2C").Replace(m.user))
	}
	b.WriteString(",\x01")
	if m.host != "" {
		b.WriteString("host=" + m.host + "\x01")
	}
	if m.port > 0 {
		b.WriteString("port=" + strconv.Itoa(m.port) + "\x01")
	}
	b.WriteString("auth=Bearer " + m.token + "\x01\x01")
	return "OAUTHBEARER", []byte(b.String()), nil
}

// Next answers the server's error challenge (a JSON status) with the
// single byte 0x01 that RFC 7628 prescribes; the server then replies -ERR.
func (m *oauthBearerMech) Next(challenge []byte) ([]byte, error) { return []byte{1}, nil }

// APOPDigest returns the APOP digest of RFC 1939: the MD5 of the greeting's
// timestamp followed by the shared secret, in lower-case hex.
func APOPDigest(timestamp, secret string) string {
	sum := md5.Sum([]byte(timestamp + secret))
	return hex.EncodeToString(sum[:])
}

// checkCreds refuses credentials that would break a command line.
func checkCreds(op, user, pass string) error {
	if user == "" {
		return fmt.Errorf("pop3: %s: %w: empty user name; nothing sent", op, ErrBadArgument)
	}
	if err := checkArg(op, "user name", user); err != nil {
		return err
	}
	return checkArg(op, "password", pass)
}

// requireTLS fails if a credential would go out unencrypted against
// Options.RequireTLS.
func (c *Client) requireTLS(op string) error {
	if c.opts.RequireTLS && !c.isTLS {
		return fmt.Errorf("pop3: %s: %w: the connection is not encrypted; nothing sent", op, ErrTLSRequired)
	}
	return nil
}

// checkCleartext refuses to send a cleartext credential over an
// unencrypted connection unless the peer is on this machine or the
// options allow it.
func (c *Client) checkCleartext(op string) error {
	if c.isTLS || c.opts.AllowCleartext {
		return nil
	}
	if c.conn != nil && c.opts.LocalPeer(c.conn.RemoteAddr()) {
		return nil
	}
	how := "the server offers no STLS"
	if c.opts.TLS == PlainText {
		how = "TLS was turned off"
	}
	return fmt.Errorf("pop3: %s: %w to %s over an unencrypted connection (%s): use TLS, or set Options.AllowCleartext to allow it; nothing sent", op, ErrCleartext, c.host, how)
}

// upgrade runs STLS before a login when the server offers it and the
// options do not forbid it ([TLSAuto], [StartTLS]). A refusal, a failed
// handshake or an untrusted certificate is an error: the caller must not
// go on to send a credential.
func (c *Client) upgrade(ctx context.Context, op string) error {
	if c.isTLS || c.opts.TLS == PlainText {
		return nil
	}
	caps, err := c.capsOrEmpty(ctx)
	if err != nil {
		return err
	}
	if !caps.STLS() {
		return nil
	}
	if err := c.StartTLS(ctx); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return fmt.Errorf("pop3: %s: the server offers STLS but refused it (%w); nothing sent: %w", op, ErrTLSRequired, err)
		}
		return err
	}
	return nil
}

// loggedIn moves to the TRANSACTION state.
func (c *Client) loggedIn() {
	c.state = StateTransaction
	c.caps = nil // capabilities may change after login (RFC 2449)
}

// UserPass logs in with USER and PASS. Unless Options.TLS is [PlainText],
// an unencrypted connection is first upgraded with STLS if the server
// offers it (a failed upgrade is an error: nothing is sent). The password
// then goes in clear only over TLS, to a peer on this machine, or with
// [Options.AllowCleartext]; otherwise UserPass fails with [ErrCleartext]
// before sending anything. USER and PASS are sent in lockstep (pipelining
// them makes Dovecot stall ~40 ms).
func (c *Client) UserPass(ctx context.Context, user, pass string) (string, error) {
	const op = "USER/PASS"
	if err := checkCreds(op, user, pass); err != nil {
		return "", err
	}
	if err := c.check(op, StateAuthorization); err != nil {
		return "", err
	}
	if err := c.upgrade(ctx, op); err != nil {
		return "", err
	}
	if err := c.requireTLS(op); err != nil {
		return "", err
	}
	if err := c.checkCleartext(op); err != nil {
		return "", err
	}
	return c.userPass(ctx, user, pass)
}

func (c *Client) userPass(ctx context.Context, user, pass string) (string, error) {
	line := "USER " + user
	if _, err := c.simple(ctx, line, line, StateAuthorization); err != nil {
		return "", err
	}
	c.conceal(pass)
	r, err := c.simple(ctx, "PASS "+pass, "PASS ****", StateAuthorization)
	if err != nil {
		return "", err
	}
	c.loggedIn()
	return c.shown(r.Raw), nil
}

// APOP logs in with APOP (RFC 1939 section 7): only an MD5 digest of the
// greeting's timestamp and the secret is sent. It fails with
// [ErrUnsupported] if the greeting carried no timestamp.
func (c *Client) APOP(ctx context.Context, user, secret string) (string, error) {
	const op = "APOP"
	if err := checkCreds(op, user, secret); err != nil {
		return "", err
	}
	if strings.ContainsAny(user, " \t") {
		return "", fmt.Errorf("pop3: %s: %w: user name contains a blank; nothing sent", op, ErrBadArgument)
	}
	if err := c.check(op, StateAuthorization); err != nil {
		return "", err
	}
	if c.timestamp == "" {
		return "", fmt.Errorf("pop3: %s: %w: the greeting has no APOP timestamp; nothing sent", op, ErrUnsupported)
	}
	if err := c.upgrade(ctx, op); err != nil {
		return "", err
	}
	if err := c.requireTLS(op); err != nil {
		return "", err
	}
	c.conceal(secret)
	r, err := c.simple(ctx, "APOP "+user+" "+APOPDigest(c.timestamp, secret), "APOP "+user+" ****", StateAuthorization)
	if err != nil {
		return "", err
	}
	c.loggedIn()
	return c.shown(r.Raw), nil
}

// maxSASLSteps bounds a SASL exchange against a server that never ends it.
const maxSASLSteps = 16

// Auth logs in with SASL (RFC 5034), sending the initial response with the
// command when it fits in 255 octets. A mechanism that reveals the
// password (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) obeys the same rule as
// [Client.UserPass] on unencrypted connections; like every login method,
// Auth first upgrades with STLS when the server offers it. The log shows every
// client payload as "****".
func (c *Client) Auth(ctx context.Context, mech SASLMech) (string, error) {
	name, ir, err := mech.Start()
	op := "AUTH " + name
	if err != nil {
		return "", fmt.Errorf("pop3: %s: %w", op, err)
	}
	if name == "" || strings.ContainsAny(name, " \t\r\n\x00") {
		return "", fmt.Errorf("pop3: AUTH: %w: bad mechanism name %q; nothing sent", ErrBadArgument, name)
	}
	if err := c.check(op, StateAuthorization); err != nil {
		return "", err
	}
	if err := c.upgrade(ctx, op); err != nil {
		return "", err
	}
	if err := c.requireTLS(op); err != nil {
		return "", err
	}
	if cleartextMechs[strings.ToUpper(name)] {
		if err := c.checkCleartext(op); err != nil {
			return "", err
		}
	}
	if m, ok := mech.(secretHolder); ok {
		c.conceal(m.secret())
	}
	line, display := op, op
	var pendingIR []byte
	if ir != nil {
		enc := "="
		if len(ir) > 0 {
			enc = base64.StdEncoding.EncodeToString(ir)
			c.conceal(enc)
		}
		if len(op)+1+len(enc)+2 <= 255 {
			line += " " + enc
			display += " ****"
		} else {
			pendingIR = ir // sent in answer to the first, empty, challenge
		}
	}
	defer c.endOp()
	// The state is checked again: the STLS of upgrade may have failed.
	if err := c.begin(ctx, op, line, display, StateAuthorization); err != nil {
		return "", err
	}
	for step := 0; ; step++ {
		l, err := c.readLine(op, c.opts.MaxStatusLength)
		if err != nil {
			return "", err
		}
		s := string(l)
		if c.opts.Log != nil {
			c.logf("-> %s", c.shown(s))
		}
		if s != "+" && !strings.HasPrefix(s, "+ ") {
			r, err := parseResponse(s, c.quote)
			if err != nil {
				return "", c.ioError(op, err)
			}
			if err := c.checkQuiet(op); err != nil {
				return "", err
			}
			c.status = ""
			if !r.OK {
				return "", c.serverError(display, r)
			}
			c.status = c.shown(r.Raw)
			c.loggedIn()
			return c.status, nil
		}
		if step >= maxSASLSteps {
			return "", c.ioError(op, protocolErrorf("SASL exchange longer than %d steps", maxSASLSteps))
		}
		var resp []byte
		var merr error
		if pendingIR != nil {
			resp, pendingIR = pendingIR, nil
		} else {
			chal, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(s, "+")))
			if derr != nil {
				merr = fmt.Errorf("server challenge is not base64: %w", derr)
			} else {
				resp, merr = mech.Next(chal)
			}
		}
		if merr != nil {
			return "", c.cancelSASL(op, merr)
		}
		enc := base64.StdEncoding.EncodeToString(resp)
		if len(resp) > 0 {
			c.conceal(enc)
		}
		if err := c.send(op, enc, "****"); err != nil {
			return "", err
		}
		if err := c.flush(op); err != nil {
			return "", err
		}
	}
}

// cancelSASL cancels a SASL exchange with "*" because of cause (RFC 5034
// section 4): the server must answer -ERR, and the session goes on, not
// logged in. A server that answers anything else (a new challenge, +OK,
// garbage) is not trusted further: the connection is closed.
func (c *Client) cancelSASL(op string, cause error) error {
	if err := c.send(op, "*", "*"); err != nil {
		return err
	}
	if err := c.flush(op); err != nil {
		return err
	}
	c.startReply()
	l, err := c.readLine(op, c.opts.MaxStatusLength)
	if err != nil {
		return err
	}
	s := string(l)
	if c.opts.Log != nil {
		c.logf("-> %s", c.shown(s))
	}
	c.status = ""
	if s == "+" || strings.HasPrefix(s, "+ ") {
		return c.fatal(fmt.Errorf("pop3: %s: %w: the server went on with the exchange after the client cancelled it (%v)", op, ErrProtocol, cause))
	}
	r, err := parseResponse(s, c.quote)
	if err != nil {
		return c.ioError(op, err)
	}
	if r.OK {
		return c.fatal(fmt.Errorf("pop3: %s: %w: the server accepted an exchange the client cancelled (%v)", op, ErrProtocol, cause))
	}
	if err := c.checkQuiet(op); err != nil {
		return err
	}
	return fmt.Errorf("pop3: %s: cancelled, not logged in: %w", op, cause)
}

// Login logs in with the strongest method the server offers under the
// options' policy, and returns the status:
//
//   - Unless Options.TLS is [PlainText], an unencrypted connection is first
//     upgraded with STLS if CAPA lists it; a refused STLS (an error wrapping
//     [ErrTLSRequired] and the [*Error]), a failed handshake or an untrusted
//     certificate ends the login, never with a fallback to plain text.
//   - With Options.RequireTLS, an unencrypted connection fails here with
//     [ErrTLSRequired]; nothing secret is sent.
//   - Encrypted: USER/PASS, or SASL PLAIN if the server lists PLAIN but
//     not USER.
//   - Unencrypted: APOP if the greeting has a timestamp, else SASL
//     CRAM-MD5 if offered, else USER/PASS under the rule of
//     [Client.UserPass] ([ErrCleartext] unless the peer is on this
//     machine or Options.AllowCleartext is set).
//
// A refused login is a [*Error] (with code "AUTH" on most servers); Login
// never falls back to a weaker method.
func (c *Client) Login(ctx context.Context, user, pass string) (string, error) {
	const op = "login"
	if err := checkCreds(op, user, pass); err != nil {
		return "", err
	}
	if err := c.check(op, StateAuthorization); err != nil {
		return "", err
	}
	if err := c.upgrade(ctx, op); err != nil {
		return "", err
	}
	caps, err := c.capsOrEmpty(ctx)
	if err != nil {
		return "", err
	}
	if err := c.requireTLS(op); err != nil {
		return "", err
	}
	if c.isTLS {
		if !caps.User() && caps.HasSASL("PLAIN") {
			return c.Auth(ctx, PlainAuth("", user, pass))
		}
		return c.userPass(ctx, user, pass)
	}
	switch {
	case c.timestamp != "" && !strings.ContainsAny(user, " \t"):
		return c.APOP(ctx, user, pass)
	case caps.HasSASL("CRAM-MD5"):
		return c.Auth(ctx, CRAMMD5Auth(user, pass))
	}
	if err := c.checkCleartext(op); err != nil {
		return "", err
	}
	return c.userPass(ctx, user, pass)
}
