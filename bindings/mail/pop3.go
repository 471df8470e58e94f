package mail

// The pop3-* procedures: the ten entry points of scsh's pop3.scm, with its
// names, optional arguments, results and conditions, and the procedures
// beyond it (TLS, CAPA, LIST, UIDL, TOP, NOOP, SASL, pipelined iteration).
// The protocol is popsh/pop3's; this file only moves values between Scheme
// and the engine and keeps pop3.scm's conventions (see README "pop3-*").

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"popsh/internal/netrc"
	"popsh/interp"
	"popsh/pop3"
)

// pop3Conn is the Go value behind a #{pop3-connection HOST} object. Where
// the session stands (pop3.scm's state field) is the engine's
// client.State(): AUTHORIZATION until a login succeeds, TRANSACTION
// (pop3.scm's 'connected) after, CLOSED after QUIT or a failure.
type pop3Conn struct {
	client *pop3.Client
	target pop3.Addr
	log    *os.File // the conversation log, or nil

	// The cleartext and TLS policy in force when the connection was
	// opened (pop3-allow-cleartext, pop3-require-tls, or an explicit
	// pop3-connect/no-tls); a login also honours the values in force then.
	allowCleartext, requireTLS bool

	// fromMailhost is set when MAILHOST overrode the host argument; the
	// connection then says so when printed.
	fromMailhost bool

	// For servers without LAST (it left the RFCs in 1994; Dovecot has
	// none): the highest message number retrieved (RETR, TOP) in this
	// session, which pop3-last returns once the server refused LAST.
	lastSeen int
	noLast   bool

	// streaming is set while pop3-for-each-message/port reads the
	// replies of a pipelined burst: no other command may be sent then.
	streaming bool

	// busy is set while an engine call on the connection is under way
	// (with the interpreter lock released); guarded by that lock.
	busy bool

	// broken says why an error closed the connection ("closed when
	// pop3-stat was interrupted"), for the calls that come later; ""
	// while it is open and after pop3-quit.
	broken string
}

// claim marks c busy for one engine call: a connection belongs to one
// thread at a time, and a second thread using it meanwhile gets an error.
func claim(who string, c *pop3Conn) error {
	if c.busy {
		return withWho(who, &interp.ErrorObject{Message: errConnBusy})
	}
	c.busy = true
	return nil
}

// errConnBusy is the message of claim's error.
const errConnBusy = "the connection is in use by another thread"

func isBusyErr(err error) bool {
	var e *interp.ErrorObject
	return errors.As(err, &e) && e.Message == errConnBusy
}

// doConn runs an engine call on c with the interpreter lock released, so
// that other Scheme threads run while it waits on the network; c is busy
// meanwhile (claim). call must not touch Scheme values.
func doConn(b *pop3Bindings, who string, c *pop3Conn, call func(ctx context.Context) error) error {
	if err := claim(who, c); err != nil {
		return err
	}
	defer func() { c.busy = false }()
	ctx := b.ctx()
	return b.it.Blocking(func() error { return call(ctx) })
}

// callConn is doConn for a call with a result.
func callConn[T any](b *pop3Bindings, who string, c *pop3Conn, call func(ctx context.Context) (T, error)) (T, error) {
	var v T
	err := doConn(b, who, c, func(ctx context.Context) (err error) {
		v, err = call(ctx)
		return err
	})
	return v, err
}

// blockingReader reads a message body with the interpreter lock released.
type blockingReader struct {
	it *interp.Interp
	r  io.Reader
}

func (r blockingReader) Read(p []byte) (n int, err error) {
	r.it.Blocking(func() error {
		n, err = r.r.Read(p)
		return nil
	})
	return n, err
}

// seen records that message n was retrieved.
func (c *pop3Conn) seen(n int) {
	if n > c.lastSeen {
		c.lastSeen = n
	}
}

// close releases the connection and the log; it is idempotent.
// closeAfter closes c after the call who failed with err, keeping why
// for the later calls (see stateError).
func (c *pop3Conn) closeAfter(who string, err error) {
	if e := c.client.Err(); e != nil {
		err = e // the engine's own cause
	}
	if c.broken == "" {
		switch {
		case err == nil:
			c.broken = "the connection was closed after " + who + " failed"
		case errors.Is(err, context.Canceled) || errors.Is(err, interp.ErrInterrupted):
			c.broken = "the connection was closed when " + who + " was interrupted"
		default:
			c.broken = "the connection was closed after " + who + " failed: " + plainError(err)
		}
	}
	c.close()
}

// stateError is the call-error of who called on c in the wrong state
// (msg: "not in transaction state"); when an error closed c, why is
// added to what it says (after msg and who, which pop3.scm's handlers
// look at).
func stateError(c *pop3Conn, msg, who string) error {
	if c.broken != "" && c.client.State() == pop3.StateClosed {
		return callError(msg, who, interp.NewString(c.broken))
	}
	return callError(msg, who)
}

func (c *pop3Conn) close() {
	c.client.Close()
	if c.log != nil {
		c.log.Close()
		c.log = nil
	}
}

// pop3Bindings holds what the primitives of one interpreter share.
type pop3Bindings struct {
	it         *interp.Interp
	opts       Options
	lineEnding interp.Value // the pop3-line-ending parameter object
	params     connParams   // the other parameter objects (pop3_security.go)
	// paramsFound: lineEnding and params are set (lookupParams, on the
	// first connection: the preludes make them on first use)
	paramsFound bool
}

// pop3ConnKind is the Kind of the opaque connection objects; they print as
// #{pop3-connection HOST}.
const pop3ConnKind = "pop3-connection"

// Options configure what Install defines. The zero value is what the
// popsh command uses: system certificate roots, the engine's default
// timeouts, STLS used automatically when a plain-text server offers it.
type Options struct {
	// TLSConfig is the base TLS configuration of every POP3 connection
	// (certificate roots, client certificates). Nil: the system roots
	// (SSL_CERT_FILE and SSL_CERT_DIR are honoured). Certificates are
	// always verified unless the config says InsecureSkipVerify; the
	// ServerName is the connection's host.
	TLSConfig *tls.Config
	// NoAutoStartTLS keeps plain-text connections plain even when the
	// server offers STLS, and allows USER/PASS on them. By default a
	// server offering STLS is upgraded before any credential is sent.
	NoAutoStartTLS bool
	// DialTimeout and CommandTimeout bound connecting and every network
	// wait (zero: the pop3 engine's defaults, 30 s and 60 s). The Scheme
	// parameters pop3-connect-timeout and pop3-command-timeout override
	// them per connection.
	DialTimeout, CommandTimeout time.Duration
	// LocalPeer reports whether a server's address is on this machine,
	// where a password may cross unencrypted (see pop3.Options.LocalPeer;
	// nil: loopback addresses). Tests set it to see the rules for remote
	// servers without leaving the loopback.
	LocalPeer func(net.Addr) bool
}

// Install defines the pop3-* procedures, the -ERR condition type, and the
// delivery procedures of the scripts (the Scheme face of popsh/mailstore).
// The scsh layer must be installed first (popsh/bindings/scsh): -ERR is
// declared through its condition system.
func Install(it *interp.Interp, opts Options) error {
	if err := installPOP3(it, opts); err != nil {
		return fmt.Errorf("install pop3 procedures: %w", err)
	}
	// The delivery procedures are made on first reference to one of
	// their names (interp.DeferGroup).
	it.DeferGroup("mail: delivery", func() { installDeliver(it) })
	return nil
}

// installPOP3 defines the pop3-* procedures, the -ERR condition type and
// the pop3-line-ending parameter in it. The scsh layer must be installed
// first (scsh.Install): the -ERR type is declared through its
// define-condition-type, exactly as pop3.scm does, so that a copy of
// pop3.scm loaded later and these procedures agree on -ERR?.
func installPOP3(it *interp.Interp, opts Options) error {
	b := &pop3Bindings{it: it, opts: opts}
	raise, ok := it.Lookup("raise")
	if !ok {
		return errors.New("raise is not defined (interpreter too old?)")
	}
	// The procedures are made when one of their names is first referred
	// to (raise is the one taken now, as before; see interp.DeferGroup).
	it.DeferGroup("mail: pop3", func() {
		defineSignalling(it, raise, "pop3: connections",
			interp.Builtin{Name: "pop3-connect", MinArgs: 0, MaxArgs: 2, Fn: b.connect(false),
				Doc: "(pop3-connect [host [logfile]]): open a POP3 session (MAILHOST overrides host; pop3s:// is TLS)"},
			interp.Builtin{Name: "pop3-connect/tls", MinArgs: 0, MaxArgs: 2, Fn: b.connect(true),
				Doc: "(pop3-connect/tls [host [logfile]]): pop3-connect over implicit TLS (port 995 by default)"},
			interp.Builtin{Name: "pop3-connect/no-tls", MinArgs: 1, MaxArgs: 1, Fn: b.connectNoTLS,
				Doc: "(pop3-connect/no-tls host): connect without STLS, a cleartext password allowed (TLS turned off)"},
			interp.Builtin{Name: "pop3-starttls", MinArgs: 1, MaxArgs: 1, Fn: b.starttls,
				Doc: "(pop3-starttls conn): upgrade the session to TLS with STLS (before login)"},
			interp.Builtin{Name: "pop3-capabilities", MinArgs: 1, MaxArgs: 1, Fn: b.capabilities,
				Doc: "(pop3-capabilities conn): the server's CAPA lines, each a list of strings"},
			interp.Builtin{Name: "pop3-quit", MinArgs: 1, MaxArgs: 1, Fn: b.quit,
				Doc: "(pop3-quit conn): QUIT (the marked messages are deleted), then close; the status"},
			interp.Builtin{Name: "pop3-close", MinArgs: 1, MaxArgs: 1, Fn: b.closePrim,
				Doc: "(pop3-close conn): end the session in any state (QUIT if still open) and close it"},
			interp.Builtin{Name: "pop3-abort", MinArgs: 1, MaxArgs: 1, Fn: b.abortPrim,
				Doc: "(pop3-abort conn): close the connection without QUIT: the server deletes nothing marked in this session"},
			interp.Builtin{Name: "pop3-connection?", MinArgs: 1, MaxArgs: 1, Fn: b.isConn,
				Doc: "(pop3-connection? obj): #t if obj is a POP3 connection"},
			interp.Builtin{Name: "pop3-connection-host", MinArgs: 1, MaxArgs: 1, Fn: b.connHost,
				Doc: "(pop3-connection-host conn): the host conn was opened to"},
			interp.Builtin{Name: "pop3-connection-tls?", MinArgs: 1, MaxArgs: 1, Fn: b.connTLS,
				Doc: "(pop3-connection-tls? conn): #t if the session is encrypted (implicit TLS or STLS)"},
			interp.Builtin{Name: "pop3-greeting", MinArgs: 1, MaxArgs: 1, Fn: b.greeting,
				Doc: "(pop3-greeting conn): the server's greeting, the text after +OK"},
		)
		defineSignalling(it, raise, "pop3: login",
			interp.Builtin{Name: "pop3-login", MinArgs: 1, MaxArgs: 3, Fn: b.login,
				Doc: "(pop3-login conn [login [password]]): log in with the strongest method offered (netrc fills in); the status"},
			interp.Builtin{Name: "pop3-login/APOP", MinArgs: 3, MaxArgs: 3, Fn: b.loginAPOP,
				Doc: "(pop3-login/APOP conn login password): log in with APOP; the status"},
			interp.Builtin{Name: "pop3-login/sasl", MinArgs: 2, MaxArgs: 4, Fn: b.loginSASL,
				Doc: "(pop3-login/sasl conn mechanism [login [password]]): log in with SASL plain, login, cram-md5 or xoauth2"},
		)
		defineSignalling(it, raise, "pop3: messages",
			interp.Builtin{Name: "pop3-stat", MinArgs: 1, MaxArgs: 1, Fn: b.stat,
				Doc: "(pop3-stat conn): two values, the number of messages and their size in octets"},
			interp.Builtin{Name: "pop3-get", MinArgs: 2, MaxArgs: 2, Fn: b.get,
				Doc: "(pop3-get conn msgid): write message msgid to the current output port; the status"},
			interp.Builtin{Name: "pop3-headers", MinArgs: 2, MaxArgs: 2, Fn: b.headers,
				Doc: "(pop3-headers conn msgid): write the header of message msgid to the current output port; the status"},
			interp.Builtin{Name: "pop3-top", MinArgs: 3, MaxArgs: 3, Fn: b.top,
				Doc: "(pop3-top conn msgid lines): write the header and the first lines of the body; the status"},
			interp.Builtin{Name: "pop3-last", MinArgs: 1, MaxArgs: 1, Fn: b.last,
				Doc: "(pop3-last conn): the highest message number retrieved in the session (LAST)"},
			interp.Builtin{Name: "pop3-delete", MinArgs: 2, MaxArgs: 2, Fn: b.delete,
				Doc: "(pop3-delete conn msgid): mark message msgid for deletion at pop3-quit; the status"},
			interp.Builtin{Name: "pop3-reset", MinArgs: 1, MaxArgs: 1, Fn: b.reset,
				Doc: "(pop3-reset conn): unmark the messages marked for deletion (RSET); the status"},
			interp.Builtin{Name: "pop3-noop", MinArgs: 1, MaxArgs: 1, Fn: b.noop,
				Doc: "(pop3-noop conn): NOOP; the status"},
			interp.Builtin{Name: "pop3-list", MinArgs: 1, MaxArgs: 2, Fn: b.list,
				Doc: "(pop3-list conn [msgid]): ((msgid . octets) ...), or the size of message msgid"},
			interp.Builtin{Name: "pop3-uidl", MinArgs: 1, MaxArgs: 2, Fn: b.uidl,
				Doc: "(pop3-uidl conn [msgid]): ((msgid . uid) ...), or the unique id of message msgid"},
			interp.Builtin{Name: "pop3-delete-all", MinArgs: 1, MaxArgs: 2, Fn: b.deleteAll,
				Doc: "(pop3-delete-all conn [msgids]): mark every message (or those listed) for deletion, pipelined; the count"},
			interp.Builtin{Name: "pop3-for-each-message/port", MinArgs: 2, MaxArgs: 3, Fn: b.forEachPort,
				Doc: "(pop3-for-each-message/port conn proc [msgids]): (proc msgid port) on each message as it streams; the count"},
			interp.Builtin{Name: "%pop3-retr-many", MinArgs: 3, MaxArgs: 3, Fn: b.retrMany,
				Doc: "(%pop3-retr-many conn msgids who): the next pipelined batch, (((msgid . text) ...) . msgids-left)"},
			interp.Builtin{Name: "%pop3-message-numbers", MinArgs: 2, MaxArgs: 2, Fn: b.messageNumbers,
				Doc: "(%pop3-message-numbers conn who): the numbers of the messages not marked for deletion"},
			interp.Builtin{Name: "%pop3-check-transaction", MinArgs: 2, MaxArgs: 2, Fn: b.checkTransactionPrim,
				Doc: "(%pop3-check-transaction conn who): raise the call-error of a session not logged in"},
		)
		defineSignalling(it, raise, "pop3: -ERR conditions",
			interp.Builtin{Name: "pop3-error-text", MinArgs: 1, MaxArgs: 1, Fn: b.errorText,
				Doc: "(pop3-error-text condition): the server's text of a -ERR, without its response code"},
			interp.Builtin{Name: "pop3-error-code", MinArgs: 1, MaxArgs: 1, Fn: b.errorCode,
				Doc: "(pop3-error-code condition): the response code of a -ERR (\"IN-USE\", \"AUTH\", ...), or #f"},
			interp.Builtin{Name: "pop3-error-command", MinArgs: 1, MaxArgs: 1, Fn: b.errorCommand,
				Doc: "(pop3-error-command condition): the command the server refused, secrets masked"},
		)
	})
	if err := pop3Library.Load(it); err != nil {
		return fmt.Errorf("pop3 prelude: %w", err)
	}
	if err := pop3SecurityLibrary.Load(it); err != nil {
		return fmt.Errorf("pop3 prelude: %w", err)
	}
	it.Document("pop3: -ERR conditions", preludeDocs...)
	it.Document("pop3: messages", iterationDocs...)
	it.Document("pop3: parameters", parameterDocs...)
	return nil
}

// defineSignalling installs the rows of a table whose procedures raise
// their conditions (signalling), documented under section.
func defineSignalling(it *interp.Interp, raise interp.Value, section string, rows ...interp.Builtin) {
	for i := range rows {
		rows[i].Fn = signalling(raise, rows[i].Fn)
	}
	it.DefineBuiltins(section, rows...)
}

// preludeDocs and iterationDocs document the names pop3Prelude defines.
var (
	preludeDocs = []interp.DocLine{
		{Name: "-ERR?", Doc: "(-ERR? obj): #t if obj is a -ERR condition, a server's refusal"},
		{Name: "pop3-error?", Doc: "(pop3-error? obj): the same as -ERR?"},
	}
	iterationDocs = []interp.DocLine{
		{Name: "pop3-for-each-message", Doc: "(pop3-for-each-message conn proc [msgids]): (proc msgid text) on each message, fetched pipelined; the count"},
		{Name: "pop3-get-all", Doc: "(pop3-get-all conn [msgids]): ((msgid . text) ...) of every message (or those listed), pipelined"},
	}
)

// signalling wraps a primitive so that the scsh conditions it fails
// with (-ERR, call-error) are raised by a tail call to raise rather than
// returned as a Go error: the evaluator then leaves them as they are
// (it names the failing primitive in errors returned by primitives, which
// would change their condition-stuff), and a with-handler handler's
// value becomes the value of the call, as with pop3.scm's own signal.
func signalling(raise interp.Value, fn interp.PrimFn) interp.PrimFn {
	return func(it *interp.Interp, args []interp.Value) (interp.Value, error) {
		v, err := fn(it, args)
		if e, ok := err.(*interp.ErrorObject); ok && (e.Kind == pop3ErrType || e.Kind == "call-error") {
			return &interp.TailCall{Proc: raise, Args: []interp.Value{e}}, nil
		}
		return v, err
	}
}

// pop3Library is pop3Prelude with its procedures compiled on first use
// (compiling them at every start was a quarter of popsh's set-up), and
// its predicate and parameter made on first reference.
var pop3Library = interp.NewIndexedLibrary(&pop3Index, pop3Prelude, pop3Deferred...)

// pop3Deferred are the variables of pop3Prelude defined on first reference.
var pop3Deferred = []string{"-ERR?", "pop3-line-ending"}

// The libraries are cut into their top-level forms when popsh is built
// (forms_index.go; see interp.FormIndex), not at every start.
//
//go:generate env POPSH_WRITE_INDEX=1 go test -run ^TestFormIndexCurrent$ .

// pop3SecurityLibrary defines the security and timeout parameters
// (pop3SecurityPrelude): evaluated at install as a library, whose reader
// is sized for the text, and with the positions an evaluation of the
// text as a file named pop3-prelude gives.
var pop3SecurityLibrary = interp.NewIndexedLibrary(&pop3SecurityIndex, pop3SecurityPrelude, securityParams...)

// pop3Prelude is the part of the bindings written in Scheme: the -ERR
// condition type (declared as pop3.scm declares it), the line-ending
// parameter, and the iteration procedures built on the pipelined
// %pop3-retr-many.
const pop3Prelude = `
(define-condition-type '-ERR '(error))
(define -ERR? (condition-predicate '-ERR))
(define pop3-error? -ERR?)

(define pop3-line-ending
  (make-parameter 'lf
    (lambda (x)
      (if (or (eq? x 'lf) (eq? x 'crlf))
          x
          (error "pop3-line-ending: expected the symbol lf or crlf, got" x)))))

(define (%pop3-for-each conn proc maybe-msgids who)
  (%pop3-check-transaction conn who)
  (let loop ((ids (if (pair? maybe-msgids)
                      (car maybe-msgids)
                      (%pop3-message-numbers conn who)))
             (count 0))
    (if (null? ids)
        count
        (let ((fetched+rest (%pop3-retr-many conn ids who)))
          (let each ((fetched (car fetched+rest)) (count count))
            (if (null? fetched)
                (loop (cdr fetched+rest) count)
                (let ((m (car fetched)))
                  (proc (car m) (cdr m))
                  ;; the batch stays referenced until the next one has
                  ;; arrived: a text proc is done with leaves it, so
                  ;; that the text need not stay in memory meanwhile
                  (set-cdr! m #f)
                  (each (cdr fetched) (+ count 1)))))))))

(define (pop3-for-each-message conn proc . maybe-msgids)
  (%pop3-for-each conn proc maybe-msgids 'pop3-for-each-message))

(define (pop3-get-all conn . maybe-msgids)
  (let ((acc '()))
    (%pop3-for-each conn
                    (lambda (n text) (set! acc (cons (cons n text) acc)))
                    maybe-msgids
                    'pop3-get-all)
    (let rev ((l acc) (r '()))
      (if (null? l) r (rev (cdr l) (cons (car l) r))))))
`

// ctx returns the context of the running evaluation, so that Ctrl-C at
// the REPL (or a cancelled context in Go) interrupts a blocked network
// wait.
func (b *pop3Bindings) ctx() context.Context {
	return b.it.Context()
}

// contexter is implemented by an interpreter that exposes the context of
// the running evaluation (*interp.Interp does; deliver.go checks for it).
type contexter interface{ Context() context.Context }

// argType is the wrong-type error of argument pos, named param, in
// interp's words; pos 0 marks the only argument of a one-argument
// procedure, which is not numbered ("pop3-stat: expected a pop3
// connection, got 5", as "car: expected a pair, got 5").
func argType(pos int, param, want string, got interp.Value) *interp.ErrorObject {
	if pos == 0 {
		return interp.TypeError(want, got)
	}
	return interp.ArgTypeError(pos, param, want, got)
}

// connArg unpacks the connection argument of who, argument pos (0: its
// only argument; see argType).
func connArg(who string, pos int, v interp.Value) (*pop3Conn, error) {
	if c, ok := asConn(v); ok {
		return c, nil
	}
	return nil, withWho(who, argType(pos, "conn", "a pop3 connection", v))
}

// asConn returns the connection behind v, if it is one.
func asConn(v interp.Value) (*pop3Conn, bool) {
	if o, ok := v.(*interp.Opaque); ok {
		c, ok := o.Value.(*pop3Conn)
		return c, ok
	}
	return nil, false
}

// optionalString unpacks optional argument i (from 0) of who, named
// param: ok is false when it is missing or #f.
func optionalString(who string, args []interp.Value, i int, param string) (s string, ok bool, err error) {
	v, ok := optionalArg(args, i)
	if !ok {
		return "", false, nil
	}
	str, isStr := v.(*interp.String)
	if !isStr {
		return "", false, withWho(who, interp.ArgTypeError(i+1, param, "a string", v))
	}
	return str.String(), true, nil
}

// wantMsgid is what a message number must be.
const wantMsgid = "a message number (a positive exact integer)"

// msgidArg checks the message number in argument pos of who.
func msgidArg(who string, pos int, v interp.Value) (int, error) {
	if n, ok := v.(int); ok && n >= 1 {
		return n, nil
	}
	return 0, withWho(who, interp.ArgTypeError(pos, "msgid", wantMsgid, v))
}

// optionalArg reports whether an optional argument was given (not missing
// and not #f).
func optionalArg(args []interp.Value, i int) (interp.Value, bool) {
	if i >= len(args) {
		return nil, false
	}
	if b, ok := args[i].(bool); ok && !b {
		return nil, false
	}
	if args[i] == interp.DefaultObject {
		return nil, false
	}
	return args[i], true
}

// checkTransaction raises pop3.scm's "not in transaction state" call-error
// when c is not logged in; nothing is sent.
func checkTransaction(c *pop3Conn, who string) error {
	if c.client.State() != pop3.StateTransaction {
		return stateError(c, "not in transaction state", who)
	}
	if c.streaming {
		return callError("connection busy: inside pop3-for-each-message/port", who)
	}
	return nil
}

func (b *pop3Bindings) checkTransactionPrim(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	who := "pop3"
	if s, ok := args[1].(*interp.Symbol); ok {
		who = s.Name
	}
	c, err := connArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	if err := checkTransaction(c, who); err != nil {
		return nil, err
	}
	return interp.Unspecified, nil
}

// engineOptions returns the engine options for a connection to t, with
// the parameters in force now (security, timeouts).
func (b *pop3Bindings) engineOptions(t pop3.Addr, log io.Writer) (*pop3.Options, error) {
	if err := b.lookupParams(); err != nil {
		return nil, err
	}
	o := &pop3.Options{
		TLS:            pop3.TLSAuto,
		Log:            log,
		LineEnding:     pop3.LF,
		AllowCleartext: b.opts.NoAutoStartTLS || paramTrue(b.params.allowCleartext),
		RequireTLS:     paramTrue(b.params.requireTLS),
		CommandTimeout: b.opts.CommandTimeout,
		DialTimeout:    b.opts.DialTimeout,
		LocalPeer:      b.opts.LocalPeer,
	}
	if d, ok := secondsArg(paramValue(b.params.connectTimeout)); ok {
		o.DialTimeout = d
	}
	if d, ok := secondsArg(paramValue(b.params.commandTimeout)); ok {
		o.CommandTimeout = d
	}
	if r, ok := paramValue(b.params.minRate).(int); ok {
		o.MinRate = r
		if r == 0 {
			o.MinRate = -1 // no bound
		}
	}
	if t.TLS {
		o.TLS = pop3.ImplicitTLS
	} else if b.opts.NoAutoStartTLS {
		o.TLS = pop3.PlainText
	}
	if b.opts.TLSConfig != nil {
		o.TLSConfig = b.opts.TLSConfig.Clone()
	} else {
		o.TLSConfig = &tls.Config{}
	}
	if o.TLSConfig.ServerName == "" {
		o.TLSConfig.ServerName = t.Host
	}
	if err := b.applyTLSParams(o); err != nil {
		return nil, err
	}
	return o, nil
}

// secondsArg converts a number of seconds to a duration.
func secondsArg(v interp.Value) (time.Duration, bool) {
	switch x := v.(type) {
	case int:
		return time.Duration(x) * time.Second, x > 0
	case float64:
		return time.Duration(x * float64(time.Second)), x > 0
	}
	return 0, false
}

// dial opens the connection of pop3-connect and its variants.
func (b *pop3Bindings) dial(who string, t pop3.Addr, o *pop3.Options, logf *os.File) (interp.Value, error) {
	ctx := b.ctx()
	var cl *pop3.Client
	err := b.it.Blocking(func() (err error) {
		cl, err = pop3.Dial(ctx, t.String(), o)
		return err
	})
	if err != nil {
		if logf != nil {
			logf.Close()
		}
		return nil, b.wrapHost(who, t.String(), err)
	}
	c := &pop3Conn{client: cl, target: t, log: logf, allowCleartext: o.AllowCleartext, requireTLS: o.RequireTLS}
	return interp.NewOpaque(pop3ConnKind, t.Host, c), nil
}

// connectNoTLS implements (pop3-connect/no-tls host): pop3-connect for a
// user who explicitly turned TLS off (movemail's --no-tls, mpop's "tls
// off"): STLS is not used even when offered, and a cleartext password is
// allowed. The host argument is used as given (MAILHOST is not consulted).
func (b *pop3Bindings) connectNoTLS(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-connect/no-tls"
	hs, ok := args[0].(*interp.String)
	if !ok {
		return nil, withWho(who, interp.TypeError("a string", args[0]))
	}
	host := hs.String()
	t, err := pop3.ParseAddr(host, false)
	if err != nil {
		return nil, withWho(who, interp.Errorf("%s", plainError(err)))
	}
	if t.TLS {
		return nil, withWho(who, interp.Errorf("%s asks for TLS", host))
	}
	o, err := b.engineOptions(t, nil)
	if err != nil {
		return nil, b.wrap(who, err)
	}
	o.TLS = pop3.PlainText
	o.AllowCleartext = true
	return b.dial(who, t, o, nil)
}

// connect implements pop3-connect and pop3-connect/tls.
func (b *pop3Bindings) connect(forceTLS bool) interp.PrimFn {
	who := "pop3-connect"
	if forceTLS {
		who = "pop3-connect/tls"
	}
	return func(it *interp.Interp, args []interp.Value) (interp.Value, error) {
		host, _, err := optionalString(who, args, 0, "host")
		if err != nil {
			return nil, err
		}
		// As in pop3.scm, MAILHOST overrides the argument.
		fromMailhost := false
		if mh := os.Getenv("MAILHOST"); mh != "" {
			fromMailhost = host != "" && host != mh
			host = mh
		}
		if host == "" {
			return nil, withWho(who, interp.Errorf("no host: give one, or set MAILHOST"))
		}
		t, err := pop3.ParseAddr(host, forceTLS)
		if err != nil {
			return nil, withWho(who, interp.Errorf("%s", plainError(err)))
		}
		var logf *os.File
		if path, ok, err := optionalString(who, args, 1, "logfile"); err != nil {
			return nil, err
		} else if ok {
			// Appended to, or created with mode 0600, as pop3.scm does.
			logf, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				return nil, withWho(who, (&interp.ErrorObject{Kind: interp.KindFileError,
					Message: fmt.Sprintf("cannot open log file %s: %v", path, err), Cause: err}))
			}
		}
		var logw io.Writer
		if logf != nil {
			logw = logf
		}
		o, err := b.engineOptions(t, logw)
		if err != nil {
			if logf != nil {
				logf.Close()
			}
			return nil, b.wrap(who, err)
		}
		v, err := b.dial(who, t, o, logf)
		if err != nil {
			return nil, err
		}
		if fromMailhost {
			o := v.(*interp.Opaque)
			o.Value.(*pop3Conn).fromMailhost = true
			o.Label = t.String() + " (from MAILHOST)"
		}
		return v, nil
	}
}

// statusValue returns a status the way pop3.scm returns it: the text after
// "+OK", leading space included.
func statusValue(s string) interp.Value {
	return interp.NewString(s)
}

// loginCredentials gives the login and password for a login procedure
// (from its arguments, then netrc) and checks that the connection still
// waits for a login; args are (conn [login [password]]), the login being
// argument skip+2 of the call.
func (b *pop3Bindings) loginCredentials(who string, c *pop3Conn, args []interp.Value, skip int) (user, pass string, err error) {
	user, pass, err = b.credentials(who, c, args, skip)
	if err != nil {
		return "", "", err
	}
	if c.client.State() != pop3.StateAuthorization {
		return "", "", stateError(c, "not in authorization state", who)
	}
	return user, pass, nil
}

// login implements (pop3-login conn [login [password]]).
func (b *pop3Bindings) login(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-login"
	c, err := connArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	user, pass, err := b.loginCredentials(who, c, args, 0)
	if err != nil {
		return nil, err
	}
	b.applyLoginPolicy(c)
	st, err := callConn(b, who, c, func(ctx context.Context) (string, error) { return c.client.Login(ctx, user, pass) })
	var perr *pop3.Error
	if err != nil && errors.As(err, &perr) && perr.Code == "" && !errors.Is(err, pop3.ErrTLSRequired) &&
		(strings.HasPrefix(perr.Command, "APOP ") || perr.Command == "AUTH CRAM-MD5") &&
		!c.client.IsTLS() && c.client.State() == pop3.StateAuthorization {
		// The stronger method (APOP, CRAM-MD5) was refused as such (a
		// plain -ERR, not a response code such as [AUTH] saying the
		// credentials are wrong or [IN-USE]): fall back on USER/PASS, as
		// pop3.scm falls back from one method to the other. The engine
		// still refuses to send the password in clear to a remote server
		// unless the user allowed it. A refused STLS never gets here.
		st, err = callConn(b, who, c, func(ctx context.Context) (string, error) { return c.client.UserPass(ctx, user, pass) })
	}
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return statusValue(st), nil
}

// credentials returns the login and password of a login call: the
// arguments, else the netrc entry of the connection's host, else the
// default entry; still missing is pop3.scm's call-error. args are (conn
// [login [password]]), the login being argument skip+2 of the call.
func (b *pop3Bindings) credentials(who string, c *pop3Conn, args []interp.Value, skip int) (user, pass string, err error) {
	userGiven, passGiven := false, false
	if v, ok := optionalArg(args, 1); ok {
		s, isStr := v.(*interp.String)
		if !isStr {
			return "", "", withWho(who, interp.ArgTypeError(skip+2, "login", "a string", v))
		}
		user, userGiven = s.String(), true
	}
	if v, ok := optionalArg(args, 2); ok {
		if pass, err = secretArg(who, skip+3, "password", v); err != nil {
			return
		}
		passGiven = true
	}
	if !userGiven || !passGiven {
		nl, np, ok, nerr := netrc.LookupUser(c.target.Host, "")
		if nerr != nil {
			return "", "", withWho(who, (&interp.ErrorObject{Message: nerr.Error(), Cause: nerr}))
		}
		if ok {
			if !userGiven && nl != "" {
				user, userGiven = nl, true
			}
			// A netrc password is used only for the netrc login.
			if !passGiven && np != "" && user == nl {
				pass, passGiven = np, true
			}
		}
	}
	if !userGiven {
		return "", "", callError("must provide a login", who, maskedArgs(args[1:])...)
	}
	if !passGiven {
		return "", "", callError("must provide a password", who, maskedArgs(args[1:])...)
	}
	if err := checkCredential(who, "login", user); err != nil {
		return "", "", err
	}
	if err := checkCredential(who, "password", pass); err != nil {
		return "", "", err
	}
	return user, pass, nil
}

// maskedArgs returns the (login password) arguments of a login call as
// pop3.scm's call-error reports them, with the password written "****":
// a condition is printed and logged, a password must not be.
func maskedArgs(args []interp.Value) []interp.Value {
	out := append([]interp.Value(nil), args...)
	if len(out) > 1 {
		out[1] = interp.NewString("****")
	}
	return out
}

// checkCredential refuses, before anything reaches the wire, a login or
// password that would break the command line.
func checkCredential(who, what, s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return withWho(who, interp.Errorf("%s contains a line break or NUL: refused, nothing sent", what))
	}
	if what == "login" && s == "" {
		return withWho(who, interp.Errorf("empty login: refused, nothing sent"))
	}
	return nil
}

// loginAPOP implements (pop3-login/APOP conn login password).
func (b *pop3Bindings) loginAPOP(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-login/APOP"
	c, err := connArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	user, pass, err := b.loginCredentials(who, c, args, 0)
	if err != nil {
		return nil, err
	}
	b.applyLoginPolicy(c)
	st, err := callConn(b, who, c, func(ctx context.Context) (string, error) { return c.client.APOP(ctx, user, pass) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return statusValue(st), nil
}

// loginSASL implements (pop3-login/sasl conn mechanism [login [password]]).
func (b *pop3Bindings) loginSASL(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-login/sasl"
	c, err := connArg(who, 1, args[0])
	if err != nil {
		return nil, err
	}
	var mech string
	switch m := args[1].(type) {
	case *interp.Symbol:
		mech = m.Name
	case *interp.String:
		mech = m.String()
	default:
		return nil, withWho(who, interp.ArgTypeError(2, "mechanism", "a mechanism name (plain, login, cram-md5, xoauth2)", args[1]))
	}
	user, pass, err := b.loginCredentials(who, c, append([]interp.Value{args[0]}, args[2:]...), 1)
	if err != nil {
		return nil, err
	}
	var m pop3.SASLMech
	switch strings.ToUpper(mech) {
	case "PLAIN":
		m = pop3.PlainAuth("", user, pass)
	case "LOGIN":
		m = pop3.LoginAuth(user, pass)
	case "CRAM-MD5":
		m = pop3.CRAMMD5Auth(user, pass)
	case "XOAUTH2":
		m = pop3.XOAUTH2Auth(user, pass)
	default:
		return nil, withWho(who, interp.Errorf("unknown SASL mechanism %q (plain, login, cram-md5, xoauth2)", mech))
	}
	b.applyLoginPolicy(c)
	st, err := callConn(b, who, c, func(ctx context.Context) (string, error) { return c.client.Auth(ctx, m) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return statusValue(st), nil
}

// starttls implements (pop3-starttls conn).
func (b *pop3Bindings) starttls(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-starttls"
	c, err := connArg(who, 0, args[0])
	if err != nil {
		return nil, err
	}
	if c.client.State() != pop3.StateAuthorization {
		return nil, stateError(c, "not in authorization state", who)
	}
	if err := doConn(b, who, c, func(ctx context.Context) error { return c.client.StartTLS(ctx) }); err != nil {
		return nil, b.fail(who, c, err)
	}
	return interp.Unspecified, nil
}

// capabilities implements (pop3-capabilities conn): a list with one list
// of strings per CAPA line, e.g. (("TOP") ("SASL" "PLAIN" "LOGIN")).
func (b *pop3Bindings) capabilities(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-capabilities"
	c, err := connArg(who, 0, args[0])
	if err != nil {
		return nil, err
	}
	if c.client.State() == pop3.StateClosed {
		return nil, stateError(c, "connection closed", who)
	}
	caps, err := callConn(b, who, c, func(ctx context.Context) (*pop3.Capabilities, error) { return c.client.Capabilities(ctx) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	var out []interp.Value
	for _, line := range caps.Lines {
		var words []interp.Value
		for _, w := range strings.Fields(line) {
			words = append(words, interp.NewString(w))
		}
		if len(words) > 0 {
			out = append(out, interp.List(words...))
		}
	}
	return interp.List(out...), nil
}

// transaction unpacks the connection of a transaction-state command,
// argument pos (0: its only argument), and checks its state: nothing is
// sent when it is wrong.
func (b *pop3Bindings) transaction(who string, pos int, args []interp.Value) (*pop3Conn, error) {
	c, err := connArg(who, pos, args[0])
	if err != nil {
		return nil, err
	}
	return c, checkTransaction(c, who)
}

// stat implements (pop3-stat conn) → count, octets.
func (b *pop3Bindings) stat(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-stat"
	c, err := b.transaction(who, 0, args)
	if err != nil {
		return nil, err
	}
	var n int
	var size int64
	err = doConn(b, who, c, func(ctx context.Context) (err error) {
		n, size, err = c.client.Stat(ctx)
		return err
	})
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return interp.Values(n, int(size)), nil
}

// setLineEnding sets the connection's body line endings from the
// pop3-line-ending parameter: LF (the default) or CRLF as on the wire.
func (b *pop3Bindings) setLineEnding(c *pop3Conn) {
	_ = b.lookupParams() // done by the connection's engineOptions already
	le := pop3.LF
	if p, ok := b.lineEnding.(*interp.Parameter); ok {
		if s, ok := p.Value().(*interp.Symbol); ok && s.Name == "crlf" {
			le = pop3.CRLF
		}
	}
	c.client.SetLineEnding(le)
}

// dump streams a message body to the current output port.
func (b *pop3Bindings) dump(who string, c *pop3Conn, n int, fetch func(ctx context.Context) (string, io.Reader, error)) (interp.Value, error) {
	b.setLineEnding(c)
	if err := claim(who, c); err != nil {
		return nil, err
	}
	defer func() { c.busy = false }()
	ctx := b.ctx()
	// A body is bounded by the message's listed size (see
	// pop3.Client.ListedSize): a message this session has not listed is
	// listed first, so that a server cannot send one that never ends
	// into the port. The first time, the whole maildrop is listed (one
	// LIST, so that a script fetching its messages one by one pays one
	// round trip for all of them, not one per message); a message still
	// not listed (one unmarked by RSET after that LIST, or one that is
	// not there) is asked for alone. If the server refuses "LIST n", the
	// RETR or TOP is most likely refused too, in its own words; if it is
	// answered, the server contradicts itself, and the connection is
	// closed.
	listRefused := false
	if _, ok := c.client.ListedSize(n); !ok && !c.client.HasListed() {
		err := b.it.Blocking(func() error { _, err := c.client.List(ctx); return err })
		var perr *pop3.Error
		if err != nil && !errors.As(err, &perr) {
			return nil, b.fail(who, c, err)
		}
	}
	if _, ok := c.client.ListedSize(n); !ok {
		err := b.it.Blocking(func() error { _, err := c.client.ListOne(ctx, n); return err })
		var perr *pop3.Error
		switch {
		case errors.As(err, &perr):
			listRefused = true
		case err != nil:
			return nil, b.fail(who, c, err)
		}
	}
	var st string
	var body io.Reader
	err := b.it.Blocking(func() (err error) {
		st, body, err = fetch(ctx)
		return err
	})
	if err == nil && listRefused {
		err = fmt.Errorf("pop3: %w: the server refused LIST %d, then answered for message %d", pop3.ErrProtocol, n, n)
	}
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	// the network reads release the interpreter lock; the port writes
	// hold it
	pw := &portWriter{p: b.it.CurrentOutput()}
	if _, err := io.Copy(pw, blockingReader{b.it, body}); err != nil {
		if pw.err != nil {
			// The output port failed; the engine reads the rest of the
			// message before the next command, so the session goes on.
			return nil, withWho(who, &interp.ErrorObject{Message: "cannot write the message: " + pw.err.Error(), Cause: pw.err})
		}
		return nil, b.fail(who, c, err)
	}
	c.seen(n)
	return statusValue(st), nil
}

// portWriter writes to a Scheme port and remembers a write error, to tell
// it from a network error.
type portWriter struct {
	p   *interp.Port
	err error
}

func (w *portWriter) Write(b []byte) (int, error) {
	n, err := w.p.Write(b)
	if err != nil {
		w.err = err
	}
	return n, err
}

// get implements (pop3-get conn msgid).
func (b *pop3Bindings) get(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-get"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	n, err := msgidArg(who, 2, args[1])
	if err != nil {
		return nil, err
	}
	return b.dump(who, c, n, func(ctx context.Context) (string, io.Reader, error) { return c.client.Retr(ctx, n) })
}

// headers implements (pop3-headers conn msgid): TOP msgid 0.
func (b *pop3Bindings) headers(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-headers"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	n, err := msgidArg(who, 2, args[1])
	if err != nil {
		return nil, err
	}
	return b.dump(who, c, n, func(ctx context.Context) (string, io.Reader, error) { return c.client.Top(ctx, n, 0) })
}

// top implements (pop3-top conn msgid lines).
func (b *pop3Bindings) top(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-top"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	n, err := msgidArg(who, 2, args[1])
	if err != nil {
		return nil, err
	}
	lines, ok := args[2].(int)
	if !ok || lines < 0 {
		return nil, withWho(who, interp.ArgTypeError(3, "lines", "a non-negative exact integer", args[2]))
	}
	return b.dump(who, c, n, func(ctx context.Context) (string, io.Reader, error) { return c.client.Top(ctx, n, lines) })
}

// last implements (pop3-last conn) → integer: LAST (RFC 1460), or, on a
// server that refuses LAST, the highest message number retrieved in this
// session (RSET resets it, as RFC 1460 says).
func (b *pop3Bindings) last(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-last"
	c, err := b.transaction(who, 0, args)
	if err != nil {
		return nil, err
	}
	if c.noLast {
		return c.lastSeen, nil
	}
	n, err := callConn(b, who, c, func(ctx context.Context) (int, error) { return c.client.Last(ctx) })
	var perr *pop3.Error
	if errors.As(err, &perr) {
		// No LAST on this server: answer from popsh's own count.
		c.noLast = true
		return c.lastSeen, nil
	}
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	return n, nil
}

// delete implements (pop3-delete conn msgid).
func (b *pop3Bindings) delete(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-delete"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	n, err := msgidArg(who, 2, args[1])
	if err != nil {
		return nil, err
	}
	return b.statusCommand(who, c, func(ctx context.Context) error { return c.client.Dele(ctx, n) })
}

// statusCommand runs a command whose result is its status text (DELE,
// RSET, NOOP) on c and returns that status, or the condition for its
// failure.
func (b *pop3Bindings) statusCommand(who string, c *pop3Conn, call func(ctx context.Context) error) (interp.Value, error) {
	if err := doConn(b, who, c, call); err != nil {
		return nil, b.fail(who, c, err)
	}
	return statusValue(c.client.LastStatus()), nil
}

// reset implements (pop3-reset conn).
func (b *pop3Bindings) reset(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-reset"
	c, err := b.transaction(who, 0, args)
	if err != nil {
		return nil, err
	}
	v, err := b.statusCommand(who, c, func(ctx context.Context) error { return c.client.Rset(ctx) })
	if err == nil {
		c.lastSeen = 0
	}
	return v, err
}

// noop implements (pop3-noop conn).
func (b *pop3Bindings) noop(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-noop"
	c, err := b.transaction(who, 0, args)
	if err != nil {
		return nil, err
	}
	return b.statusCommand(who, c, func(ctx context.Context) error { return c.client.Noop(ctx) })
}

// quit implements (pop3-quit conn): QUIT, then the connection is closed,
// whatever the answer.
func (b *pop3Bindings) quit(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-quit"
	c, err := b.transaction(who, 0, args)
	if err != nil {
		return nil, err
	}
	err = doConn(b, who, c, func(ctx context.Context) error { return c.client.Quit(ctx) })
	st := c.client.LastStatus()
	c.close()
	if err != nil {
		return nil, b.wrap(who, err)
	}
	return statusValue(st), nil
}

// closePrim implements (pop3-close conn): ends the session in any state
// (QUIT when the connection is still open) and closes it; closing a
// closed connection does nothing. Use it where pop3-quit would refuse (a
// failed login).
func (b *pop3Bindings) closePrim(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	c, err := idleConnArg("pop3-close", args[0])
	if err != nil {
		return nil, err
	}
	if c.client.State() != pop3.StateClosed {
		if !c.streaming { // no QUIT in the middle of a burst of replies
			c.client.Quit(b.ctx())
		}
	}
	c.close() // the log too, after a failure that closed the session
	return interp.Unspecified, nil
}

// abortPrim implements (pop3-abort conn): the connection is closed
// without QUIT, so the server never enters its UPDATE state and deletes
// nothing this session marked (RFC 1939 section 6): for a session that
// must not end in deletions (the server marked other messages than it
// was asked to).
func (b *pop3Bindings) abortPrim(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	c, err := idleConnArg("pop3-abort", args[0])
	if err != nil {
		return nil, err
	}
	c.close()
	return interp.Unspecified, nil
}

// idleConnArg is the connection argument of who, which no other thread's
// call is using.
func idleConnArg(who string, v interp.Value) (*pop3Conn, error) {
	c, err := connArg(who, 0, v)
	if err != nil {
		return nil, err
	}
	if c.busy {
		return nil, withWho(who, &interp.ErrorObject{Message: errConnBusy})
	}
	return c, nil
}

// list implements (pop3-list conn [msgid]): ((n . octets) ...), or the
// size of one message.
func (b *pop3Bindings) list(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-list"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	if v, ok := optionalArg(args, 1); ok {
		n, err := msgidArg(who, 2, v)
		if err != nil {
			return nil, err
		}
		m, err := callConn(b, who, c, func(ctx context.Context) (pop3.MsgInfo, error) { return c.client.ListOne(ctx, n) })
		if err != nil {
			return nil, b.fail(who, c, err)
		}
		return int(m.Size), nil
	}
	ms, err := callConn(b, who, c, func(ctx context.Context) ([]pop3.MsgInfo, error) { return c.client.List(ctx) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	out := make([]interp.Value, len(ms))
	for i, m := range ms {
		out[i] = interp.Cons(m.Num, int(m.Size))
	}
	return interp.List(out...), nil
}

// uidl implements (pop3-uidl conn [msgid]): ((n . uid) ...), or the uid
// of one message.
func (b *pop3Bindings) uidl(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-uidl"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	if v, ok := optionalArg(args, 1); ok {
		n, err := msgidArg(who, 2, v)
		if err != nil {
			return nil, err
		}
		m, err := callConn(b, who, c, func(ctx context.Context) (pop3.MsgUID, error) { return c.client.UIDLOne(ctx, n) })
		if err != nil {
			return nil, b.fail(who, c, err)
		}
		return interp.NewString(m.UID), nil
	}
	ms, err := callConn(b, who, c, func(ctx context.Context) ([]pop3.MsgUID, error) { return c.client.UIDL(ctx) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	out := make([]interp.Value, len(ms))
	for i, m := range ms {
		out[i] = interp.Cons(m.Num, interp.NewString(m.UID))
	}
	return interp.List(out...), nil
}

// msgidList unpacks a list of message numbers, argument pos of who,
// checking each before anything is sent.
func msgidList(who string, pos int, v interp.Value) ([]int, error) {
	vals, ok := interp.ListToSlice(v)
	if !ok {
		return nil, withWho(who, interp.ArgTypeError(pos, "msgids", "a list of message numbers", v))
	}
	ids := make([]int, len(vals))
	for i, x := range vals {
		n, ok := x.(int)
		if !ok || n < 1 {
			return nil, withWho(who, elementError(pos, "msgids", i, wantMsgid, x))
		}
		ids[i] = n
	}
	return ids, nil
}

// elementError is the wrong-type error of element i (from 0) of the list
// in argument pos: "argument 2 (msgids): element 3: expected ..., got x".
func elementError(pos int, param string, i int, want string, got interp.Value) *interp.ErrorObject {
	return interp.ArgError(pos, param, fmt.Sprintf("element %d: expected %s, got %s", i+1, want, interp.ShortWriteString(got)))
}

// A batch of %pop3-retr-many for pop3-for-each-message (messages fetched
// with one pipelined burst and held in memory together) has at most
// windowMessages messages and, when their sizes are known from a LIST, at
// most windowBytes octets (but always at least one message). pop3-get-all
// holds every message at the end anyway: its batch is all of them, one
// pipelined burst, so that the server never waits for the next RETR.
const (
	windowMessages = 64
	windowBytes    = 8 << 20
)

// maxInMemory is the largest listed size of a message that pop3-get-all
// and pop3-for-each-message read into memory: far beyond any mail, well
// short of filling the memory.
const maxInMemory = 1 << 30

// retrMany implements (%pop3-retr-many conn msgids who): the first batch
// of msgids, fetched with pipelined RETRs, as
// (((n . text) ...) . remaining-msgids). Every number is checked before
// anything is sent.
func (b *pop3Bindings) retrMany(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	who := "pop3-for-each-message"
	if s, ok := args[2].(*interp.Symbol); ok {
		who = s.Name
	}
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	// the msgids are argument 2 of pop3-get-all, 3 of pop3-for-each-message
	pos := 3
	if who == "pop3-get-all" {
		pos = 2
	}
	ids, err := msgidList(who, pos, args[1])
	if err != nil {
		return nil, err
	}
	if err := b.listFirst(who, c, ids); err != nil {
		return nil, err
	}
	for _, n := range ids {
		// A message is read into memory up to twice its listed size: a
		// size the server lists beyond any mail (2^63 - 1 octets) would
		// leave one that never ends unbounded. Nothing is sent.
		if size, _ := c.client.ListedSize(n); size > maxInMemory {
			return nil, &interp.ErrorObject{Who: who, Message: fmt.Sprintf("message %d is listed at %d octets, more than the %d MiB read into memory; nothing sent (pop3-get writes a message to a port)", n, size, maxInMemory>>20)}
		}
	}
	k := len(ids)
	if who != "pop3-get-all" {
		k = 0
		var octets int64
		for k < len(ids) && k < windowMessages {
			size, _ := c.client.ListedSize(ids[k])
			octets += size
			if k > 0 && octets > windowBytes {
				break
			}
			k++
		}
	}
	rest := args[1]
	for range k {
		rest = rest.(*interp.Pair).Cdr
	}
	ids = ids[:k]
	b.setLineEnding(c)
	if err := claim(who, c); err != nil {
		return nil, err
	}
	defer func() { c.busy = false }()
	// The network part runs with the interpreter lock released (other
	// threads run meanwhile; claim keeps them off c); each text becomes a
	// string as soon as it is read, while its bytes are in the cache (a
	// new string is no Scheme value yet: no other thread can see it).
	ctx := b.ctx()
	texts := make([]*interp.String, 0, len(ids))
	sizes := make([]int, len(ids)) // read here, under the lock
	for i, n := range ids {
		size, _ := c.client.ListedSize(n)
		sizes[i] = int(min(size, windowBytes))
	}
	var mr pop3.MessageReader
	err = it.Blocking(func() error {
		return c.client.RetrMany(ctx, ids, func(n int, body io.Reader) error {
			i := len(texts) // the replies come in the order of ids
			next := -1
			if i+1 < len(ids) {
				next = sizes[i+1]
			}
			text, err := mr.Read(body, sizes[i], next)
			if err != nil {
				return err
			}
			// The text was read into a buffer of the listed size (room
			// for the last read included) that the string keeps, one
			// byte per character while the characters are below 256 (the
			// characters are those of the UTF-8 text, an invalid byte
			// giving U+FFFD: see interp.NewStringOwnUTF8). A buffer much
			// larger than its text (a size listed wrong) is not kept.
			if cap(text)-len(text) > len(text)/8+2*bytes.MinRead {
				texts = append(texts, interp.NewStringUTF8(text))
			} else {
				texts = append(texts, interp.NewStringOwnUTF8(text))
			}
			return nil
		})
	})
	for i := range texts {
		c.seen(ids[i])
	}
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	fetched := make([]interp.Value, len(texts))
	for i, s := range texts {
		fetched[i] = interp.Cons(ids[i], s)
	}
	return interp.Cons(interp.List(fetched...), rest), nil
}

// listFirst sends LIST when the server has not listed some of ids in this
// session: a message is then read into memory only up to a bound set by
// its listed size (see pop3.Client.ListedSize), and a server cannot make
// one that never ends fill the memory.
func (b *pop3Bindings) listFirst(who string, c *pop3Conn, ids []int) error {
	if !unlisted(c.client, ids) {
		return nil
	}
	_, err := callConn(b, who, c, func(ctx context.Context) ([]pop3.MsgInfo, error) { return c.client.List(ctx) })
	if err != nil {
		return b.fail(who, c, err)
	}
	return nil
}

// messageNumbers implements (%pop3-message-numbers conn who): the numbers
// of the messages not marked as deleted (LIST).
func (b *pop3Bindings) messageNumbers(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	who := "pop3-for-each-message"
	if s, ok := args[1].(*interp.Symbol); ok {
		who = s.Name
	}
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	ms, err := callConn(b, who, c, func(ctx context.Context) ([]pop3.MsgInfo, error) { return c.client.List(ctx) })
	if err != nil {
		return nil, b.fail(who, c, err)
	}
	out := make([]interp.Value, len(ms))
	for i, m := range ms {
		out[i] = m.Num
	}
	return interp.List(out...), nil
}

// deleteAll implements (pop3-delete-all conn [msgids]): marks the given
// messages (all of them by default) with pipelined DELEs; returns how many.
func (b *pop3Bindings) deleteAll(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	const who = "pop3-delete-all"
	c, err := b.transaction(who, 1, args)
	if err != nil {
		return nil, err
	}
	var ids []int
	if v, ok := optionalArg(args, 1); ok {
		if ids, err = msgidList(who, 2, v); err != nil {
			return nil, err
		}
	} else {
		ms, err := callConn(b, who, c, func(ctx context.Context) ([]pop3.MsgInfo, error) { return c.client.List(ctx) })
		if err != nil {
			return nil, b.fail(who, c, err)
		}
		for _, m := range ms {
			ids = append(ids, m.Num)
		}
	}
	if err := doConn(b, who, c, func(ctx context.Context) error { return c.client.DeleMany(ctx, ids) }); err != nil {
		return nil, b.fail(who, c, err)
	}
	return len(ids), nil
}

func (b *pop3Bindings) isConn(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	_, ok := asConn(args[0])
	return ok, nil
}

func (b *pop3Bindings) connHost(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	c, err := connArg("pop3-connection-host", 0, args[0])
	if err != nil {
		return nil, err
	}
	return interp.NewString(c.target.Host), nil
}

func (b *pop3Bindings) connTLS(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	c, err := connArg("pop3-connection-tls?", 0, args[0])
	if err != nil {
		return nil, err
	}
	return c.client.IsTLS(), nil
}

func (b *pop3Bindings) greeting(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	c, err := connArg("pop3-greeting", 0, args[0])
	if err != nil {
		return nil, err
	}
	return interp.NewString(c.client.Greeting()), nil
}

// fail turns an engine error into a Scheme condition and, when the
// connection can no longer be trusted (I/O failure, timeout, protocol
// violation), closes it so that later calls fail at once.
func (b *pop3Bindings) fail(who string, c *pop3Conn, err error) error {
	if isBusyErr(err) {
		// another thread's call is under way: leave the connection to it
		return err
	}
	var perr *pop3.Error
	switch {
	case errors.As(err, &perr), errors.Is(err, pop3.ErrBadArgument), errors.Is(err, pop3.ErrState),
		errors.Is(err, pop3.ErrUnsupported), errors.Is(err, pop3.ErrCleartext), errors.Is(err, pop3.ErrTLSRequired):
	default:
		c.closeAfter(who, err)
	}
	return b.wrapHost(who, c.target.String(), err)
}

// wrap turns an engine error into a Scheme condition: a server -ERR
// becomes a -ERR condition (stuff: the text after -ERR and the command,
// as pop3.scm signals it); anything else an error naming who.
func (b *pop3Bindings) wrap(who string, err error) error {
	return b.wrapHost(who, "", err)
}

// wrapHost is wrap for an error on the connection to host: a refusal of
// the security rules says how to change them.
func (b *pop3Bindings) wrapHost(who, host string, err error) error {
	if e, ok := err.(*interp.ErrorObject); ok {
		return withWho(who, e)
	}
	if msg := securityMessage(host, err); msg != "" {
		return withWho(who, &interp.ErrorObject{Message: msg, Cause: err})
	}
	var perr *pop3.Error
	if errors.As(err, &perr) {
		return errCondition(who, perr)
	}
	if errors.Is(err, context.Canceled) {
		return withWho(who, (&interp.ErrorObject{Message: "interrupted", Cause: err}))
	}
	return withWho(who, (&interp.ErrorObject{Message: plainError(err), Cause: err}))
}
