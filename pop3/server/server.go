package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// Default limits, used when the corresponding Options field is zero.
const (
	// DefaultIdleTimeout is how long a session may wait for a command.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultMaxLineLength is the longest command line accepted, CRLF
	// included (RFC 2449 allows 255 octets; SASL responses may be longer).
	DefaultMaxLineLength = 4096
)

// ErrServerClosed is returned by Serve after Close or Shutdown.
var ErrServerClosed = errors.New("pop3 server: closed")

// Options configures a Server. Only Backend is required.
type Options struct {
	// Backend holds users and maildrops.
	Backend Backend
	// Hostname appears in the greeting's APOP timestamp; default: os.Hostname
	// or "localhost".
	Hostname string
	// TLSConfig, when set, enables STLS on plain listeners and is used by
	// ServeTLS/StartTLS for implicit TLS. See SelfSignedTLS.
	TLSConfig *tls.Config
	// RequireTLS refuses USER, PASS, APOP and AUTH on an unencrypted
	// connection ("-ERR [AUTH] ... TLS required") and hides them from CAPA
	// until STLS.
	RequireTLS bool
	// SASLMechanisms lists the AUTH mechanisms offered, in CAPA order, from
	// "PLAIN", "LOGIN", "CRAM-MD5" and "XOAUTH2" (which needs a Backend that
	// implements TokenAuthenticator). Default: PLAIN and CRAM-MD5.
	SASLMechanisms []string
	// AllowInsecureAuth allows cleartext passwords (USER/PASS, AUTH PLAIN,
	// LOGIN, XOAUTH2) on unencrypted connections from other hosts than the
	// loopback. By default, like Dovecot's disable_plaintext_auth, they are
	// allowed only over TLS or from the loopback; APOP and CRAM-MD5 are
	// always allowed (unless RequireTLS).
	AllowInsecureAuth bool
	// DisableCRAMMD5 leaves CRAM-MD5 out of the default SASLMechanisms.
	DisableCRAMMD5 bool
	// LockWait is how long a login waits for a maildrop locked by another
	// session before answering "-ERR [IN-USE]" (default 0: at once). A
	// small wait helps tests that log in again right after dropping a
	// connection, before the server has noticed the drop.
	LockWait time.Duration
	// SharedMaildrops lets several sessions of one user in at once, as
	// Dovecot does by default: each sees the maildrop as it was at its
	// login, and a message deleted by one is gone for the others' QUIT.
	SharedMaildrops bool
	// IdleTimeout ends a session that sends nothing for this long
	// (default DefaultIdleTimeout). It also bounds every write.
	IdleTimeout time.Duration
	// MaxLineLength is the longest command line accepted, CRLF included
	// (default DefaultMaxLineLength). A longer line is answered with -ERR
	// and discarded.
	MaxLineLength int
	// MaxConnections, if > 0, limits the sessions open at once; a
	// connection beyond it is answered "-ERR [SYS/TEMP] Too many
	// connections, try later." and closed.
	MaxConnections int
	// ExtraCapabilities are added to the CAPA reply as they are (e.g.
	// "EXPIRE 30", "LOGIN-DELAY 900"); the server does not act on them.
	ExtraCapabilities []string
	// Faults injects misbehaviour for tests; see Faults.
	Faults Faults
	// OnCommand, if set, is called (from the session goroutine) with each
	// command line received, after masking secrets: the PASS argument, the
	// APOP digest and SASL payloads are written as "****". user is the name
	// given so far in the session ("" before USER/APOP/AUTH).
	OnCommand func(user, line string)
	// ErrorLog receives unexpected errors (e.g. a failing backend); nil
	// discards them.
	ErrorLog func(format string, args ...any)
}

// Server is a POP3 server. Create it with New; it is safe for concurrent use.
type Server struct {
	opts     Options
	hostname string

	mu        sync.Mutex
	faults    Faults
	listeners map[net.Listener]bool
	conns     map[net.Conn]bool
	locks     map[string]bool
	addr      net.Addr
	tlsAddr   net.Addr
	closed    bool
	done      chan struct{}
	sessions  sync.WaitGroup
	serving   sync.WaitGroup
	nextID    uint64
}

// New returns a server for opts. It does not listen yet: call Start,
// StartTLS, Serve, ServeTLS, ListenAndServe or ListenAndServeTLS.
func New(opts Options) *Server {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxLineLength <= 0 {
		opts.MaxLineLength = DefaultMaxLineLength
	}
	if opts.SASLMechanisms == nil {
		opts.SASLMechanisms = []string{"PLAIN", "CRAM-MD5"}
		if opts.DisableCRAMMD5 {
			opts.SASLMechanisms = []string{"PLAIN"}
		}
	} else {
		mechs := make([]string, len(opts.SASLMechanisms))
		for i, m := range opts.SASLMechanisms {
			mechs[i] = strings.ToUpper(m)
		}
		opts.SASLMechanisms = mechs
	}
	host := opts.Hostname
	if host == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		} else {
			host = "localhost"
		}
	}
	return &Server{
		opts:      opts,
		hostname:  host,
		faults:    opts.Faults.clone(),
		listeners: make(map[net.Listener]bool),
		conns:     make(map[net.Conn]bool),
		locks:     make(map[string]bool),
		done:      make(chan struct{}),
	}
}

// SetFaults replaces the fault configuration; sessions that start afterwards
// use it (a running session keeps the one it started with).
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f.clone()
	s.mu.Unlock()
}

func (s *Server) currentFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Start listens on addr (e.g. "127.0.0.1:0") for plain POP3 (with STLS when
// TLSConfig is set) and serves in the background. Addr reports the address.
func (s *Server) Start(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pop3 server: listen %s: %w", addr, err)
	}
	if err := s.track(l, false); err != nil {
		l.Close()
		return err
	}
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		_ = s.serve(l, false)
	}()
	return nil
}

// StartTLS listens on addr for implicit TLS (POP3S, RFC 8314) and serves in
// the background. It needs Options.TLSConfig. TLSAddr reports the address.
func (s *Server) StartTLS(addr string) error {
	if s.opts.TLSConfig == nil {
		return errors.New("pop3 server: start TLS: Options.TLSConfig is nil")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pop3 server: listen %s: %w", addr, err)
	}
	if err := s.track(l, true); err != nil {
		l.Close()
		return err
	}
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		_ = s.serve(l, true)
	}()
	return nil
}

// Addr returns the address of the first plain listener, or nil.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// TLSAddr returns the address of the first implicit-TLS listener, or nil.
func (s *Server) TLSAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsAddr
}

// ListenAndServe listens on addr and serves plain POP3 until Close.
func (s *Server) ListenAndServe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pop3 server: listen %s: %w", addr, err)
	}
	return s.Serve(l)
}

// ListenAndServeTLS listens on addr and serves implicit-TLS POP3 until Close.
func (s *Server) ListenAndServeTLS(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pop3 server: listen %s: %w", addr, err)
	}
	return s.ServeTLS(l)
}

// Serve accepts plain POP3 connections on l until Close or Shutdown, and
// then returns ErrServerClosed. It closes l.
func (s *Server) Serve(l net.Listener) error {
	if err := s.track(l, false); err != nil {
		l.Close()
		return err
	}
	return s.serve(l, false)
}

// ServeTLS accepts implicit-TLS connections on l (it wraps l with
// Options.TLSConfig) until Close or Shutdown.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.opts.TLSConfig == nil {
		l.Close()
		return errors.New("pop3 server: serve TLS: Options.TLSConfig is nil")
	}
	if err := s.track(l, true); err != nil {
		l.Close()
		return err
	}
	return s.serve(l, true)
}

func (s *Server) track(l net.Listener, implicitTLS bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	s.listeners[l] = true
	if implicitTLS && s.tlsAddr == nil {
		s.tlsAddr = l.Addr()
	}
	if !implicitTLS && s.addr == nil {
		s.addr = l.Addr()
	}
	return nil
}

func (s *Server) serve(l net.Listener, implicitTLS bool) error {
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()
	var tempDelay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			select {
			case <-s.done:
				return ErrServerClosed
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if tempDelay == 0 {
					tempDelay = 5 * time.Millisecond
				} else if tempDelay *= 2; tempDelay > time.Second {
					tempDelay = time.Second
				}
				time.Sleep(tempDelay)
				continue
			}
			return fmt.Errorf("pop3 server: accept: %w", err)
		}
		tempDelay = 0
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		if implicitTLS {
			c = tls.Server(c, s.opts.TLSConfig)
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return ErrServerClosed
		}
		if max := s.opts.MaxConnections; max > 0 && len(s.conns) >= max {
			s.mu.Unlock()
			s.sessions.Add(1)
			go func() {
				// Refuse politely, off the accept loop (a TLS handshake
				// or a slow peer must not block it).
				defer s.sessions.Done()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				_, _ = c.Write([]byte("-ERR [SYS/TEMP] Too many connections, try later.\r\n"))
				c.Close()
			}()
			continue
		}
		s.conns[c] = true
		s.nextID++
		id := s.nextID
		s.sessions.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.sessions.Done()
			sess := newSession(s, c, id, implicitTLS)
			sess.run()
			s.mu.Lock()
			delete(s.conns, sess.conn)
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// replaceConn records that a session's connection was wrapped (STLS).
func (s *Server) replaceConn(old, nc net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, old)
	if s.closed {
		nc.Close()
		return
	}
	s.conns[nc] = true
}

// lock takes the maildrop lock of user, waiting up to Options.LockWait; false
// if another session holds it.
func (s *Server) lock(user string) bool {
	if s.opts.SharedMaildrops {
		return true
	}
	deadline := time.Now().Add(s.opts.LockWait)
	for {
		s.mu.Lock()
		if !s.locks[user] {
			s.locks[user] = true
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
		if !time.Now().Before(deadline) {
			return false
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-s.done:
			return false
		}
	}
}

// offers reports whether SASL mechanism mech is offered.
func (s *Server) offers(mech string) bool {
	for _, m := range s.opts.SASLMechanisms {
		if m == mech {
			return true
		}
	}
	return false
}

func (s *Server) unlock(user string) {
	if s.opts.SharedMaildrops {
		return
	}
	s.mu.Lock()
	delete(s.locks, user)
	s.mu.Unlock()
}

func (s *Server) stopListening() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	for l := range s.listeners {
		l.Close()
	}
}

// Close stops the listeners and closes every connection at once. Sessions
// that are cut this way delete nothing. It waits for the session goroutines
// to end.
func (s *Server) Close() error {
	s.stopListening()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.serving.Wait()
	s.sessions.Wait()
	return nil
}

// Shutdown stops the listeners and waits for the open sessions to end by
// themselves (QUIT, or their idle timeout) until ctx is done; then it closes
// the remaining connections as Close does and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopListening()
	s.serving.Wait()
	finished := make(chan struct{})
	go func() {
		s.sessions.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		_ = s.Close()
		return fmt.Errorf("pop3 server: shutdown: %w", ctx.Err())
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.ErrorLog != nil {
		s.opts.ErrorLog(format, args...)
	}
}
