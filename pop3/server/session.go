package server

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

type state int

const (
	stateAuthorization state = iota
	stateTransaction
)

// maxBadCommands is how many consecutive erroneous commands end a session.
const maxBadCommands = 20

var errLineTooLong = errors.New("line too long")

type session struct {
	srv    *Server
	conn   net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	id     uint64
	secure bool
	faults Faults
	counts map[string]int

	state     state
	timestamp string // APOP timestamp, "" if not offered
	userArg   string // from USER
	user      string // logged-in (or being named) user, for OnCommand
	locked    string // user whose maildrop lock we hold
	drop      Maildrop
	info      []MessageInfo
	deleted   []bool
	last      int
	bad       int
	badNumber bool
	topWhole  bool // the TopWhole fault applies to this reply
}

func newSession(srv *Server, c net.Conn, id uint64, secure bool) *session {
	s := &session{
		srv:    srv,
		conn:   c,
		id:     id,
		secure: secure,
		faults: srv.currentFaults(),
		counts: make(map[string]int),
	}
	s.r = bufio.NewReaderSize(c, 64*1024)
	s.w = bufio.NewWriterSize(c, 256*1024)
	if !s.faults.NoAPOPTimestamp {
		var rnd [6]byte
		_, _ = rand.Read(rnd[:])
		s.timestamp = fmt.Sprintf("<%d.%d.%s@%s>", os.Getpid(), id, hex.EncodeToString(rnd[:]), srv.hostname)
	}
	return s
}

func (s *session) run() {
	defer func() {
		s.release()
		s.conn.Close()
	}()
	if tc, ok := s.conn.(*tls.Conn); ok {
		_ = tc.SetDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
		if err := tc.Handshake(); err != nil {
			return
		}
	}
	greeting := "+OK popsh POP3 server ready."
	if s.timestamp != "" {
		greeting += " " + s.timestamp
	}
	if s.apply(Greeting, func() bool { s.line(greeting); return false }) {
		return
	}
	for {
		line, err := s.readLine()
		if err == errLineTooLong {
			s.line("-ERR Line too long.")
			if s.badCommand() {
				return
			}
			continue
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				s.line("-ERR Disconnected for inactivity.")
				s.flush()
			}
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		s.record(cmd, args, line)
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
		if s.apply(cmd, func() bool { return s.exec(cmd, args) }) {
			return
		}
	}
}

// release closes the maildrop and gives its lock back.
func (s *session) release() {
	if s.drop != nil {
		if err := s.drop.Close(); err != nil {
			s.srv.logf("pop3 server: close maildrop of %s: %v", s.locked, err)
		}
		s.drop = nil
	}
	if s.locked != "" {
		s.srv.unlock(s.locked)
		s.locked = ""
	}
}

func (s *session) badCommand() bool {
	s.bad++
	if s.bad >= maxBadCommands {
		s.line("-ERR Too many invalid commands.")
		s.flush()
		return true
	}
	return false
}

// record reports a command line to Options.OnCommand with secrets masked.
func (s *session) record(cmd, args, line string) {
	hook := s.srv.opts.OnCommand
	if hook == nil {
		return
	}
	switch cmd {
	case "PASS":
		line = "PASS ****"
	case "APOP":
		name, _, _ := strings.Cut(args, " ")
		line = "APOP " + name + " ****"
	case "AUTH":
		mech, ir, _ := strings.Cut(args, " ")
		line = "AUTH " + mech
		if ir != "" {
			line += " ****"
		}
	}
	hook(s.user, line)
}

// readLine reads one command line (CRLF or LF terminated) within the idle
// timeout, flushing pending replies first when no input is buffered.
func (s *session) readLine() (string, error) {
	if s.r.Buffered() == 0 {
		if err := s.flush(); err != nil {
			return "", err
		}
	}
	_ = s.conn.SetReadDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
	max := s.srv.opts.MaxLineLength
	var acc []byte
	tooLong := false
	for {
		chunk, err := s.r.ReadSlice('\n')
		if !tooLong {
			if len(acc)+len(chunk) > max {
				tooLong = true
				acc = nil
			} else {
				acc = append(acc, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	if tooLong {
		return "", errLineTooLong
	}
	acc = bytes.TrimSuffix(acc, []byte("\n"))
	acc = bytes.TrimSuffix(acc, []byte("\r"))
	return string(acc), nil
}

func (s *session) flush() error {
	if s.w.Buffered() == 0 {
		return nil
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
	return s.w.Flush()
}

func (s *session) line(text string) {
	_, _ = s.w.WriteString(text)
	_, _ = s.w.WriteString("\r\n")
}

func (s *session) ok(format string, args ...any) {
	if format == "" {
		s.line("+OK")
		return
	}
	s.line("+OK " + fmt.Sprintf(format, args...))
}

func (s *session) err(format string, args ...any) {
	s.line("-ERR " + fmt.Sprintf(format, args...))
}

// apply runs fn (which writes a reply and reports whether the session must
// end) under the fault configured for cmd, if any.
func (s *session) apply(cmd string, fn func() bool) bool {
	s.counts[cmd]++
	f := s.faults.match(cmd, s.counts[cmd], s.id)
	if f == nil {
		return fn()
	}
	if f.Delay > 0 {
		s.flush()
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-s.srv.done:
			t.Stop()
			return true
		}
	}
	if f.Hangup {
		s.flush()
		return true
	}
	if f.Swallow && cmd != Greeting {
		return false
	}
	if f.SASL != nil && cmd == "AUTH" {
		return s.saslScript(f.SASL)
	}
	if f.Reply != "" {
		s.line(f.Reply)
		if cmd == Greeting || cmd == "QUIT" {
			s.flush()
			return true
		}
		return false
	}
	s.badNumber, s.topWhole = f.BadNumber, f.TopWhole
	defer func() { s.badNumber, s.topWhole = false, false }()
	if (f.LongLine <= 0 && f.CloseAfter <= 0 && !f.NoTerminator && f.StallFor <= 0 && f.Trickle <= 0 && !f.EndlessBody && f.Listing == nil && !f.NoStuffing) ||
		cmd == "STLS" || cmd == "AUTH" {
		// STLS and AUTH talk to the client in the middle of their reply:
		// the reply-rewriting faults do not apply to them.
		return fn()
	}
	real := s.w
	var buf bytes.Buffer
	s.w = bufio.NewWriterSize(&buf, 64*1024)
	quit := fn()
	_ = s.w.Flush()
	s.w = real
	out := buf.Bytes()
	if f.LongLine > 0 {
		rest := out[len(out):]
		if i := bytes.Index(out, crlf); i >= 0 {
			rest = out[i:]
		}
		out = append([]byte("+OK "+strings.Repeat("x", f.LongLine)), rest...)
	}
	if f.Listing != nil && bytes.HasPrefix(out, []byte("+OK")) {
		if i := bytes.Index(out, crlf); i >= 0 {
			l := append([]byte(nil), out[:i+2]...)
			for _, line := range f.Listing {
				l = append(append(l, line...), crlf...)
			}
			out = append(l, ".\r\n"...)
		}
	}
	if f.NoStuffing {
		// Every stuffed line ("..x", or ".." for a line ".") loses its
		// extra dot; the terminator ".\r\n" has none to lose.
		out = bytes.ReplaceAll(out, []byte("\r\n.."), []byte("\r\n."))
	}
	if f.EndlessBody && bytes.HasPrefix(out, []byte("+OK")) {
		if i := bytes.Index(out, crlf); i >= 0 {
			_, _ = s.w.Write(out[:i+2])
			return s.endless()
		}
	}
	end := quit
	if f.NoTerminator && bytes.HasSuffix(out, []byte("\r\n.\r\n")) {
		out = out[:len(out)-3]
		end = true
	}
	if f.CloseAfter > 0 {
		if len(out) > f.CloseAfter {
			out = out[:f.CloseAfter]
		}
		end = true
	}
	if f.StallFor > 0 {
		k := min(max(f.StallAfter, 1), len(out))
		_, _ = s.w.Write(out[:k])
		s.flush()
		out = out[k:]
		t := time.NewTimer(f.StallFor)
		select {
		case <-t.C:
		case <-s.srv.done:
			t.Stop()
			return true
		}
	}
	if f.Trickle > 0 {
		for _, b := range out {
			_ = s.w.WriteByte(b)
			if s.flush() != nil {
				return true // the client went away: the session ends
			}
			t := time.NewTimer(f.Trickle)
			select {
			case <-t.C:
			case <-s.srv.done:
				t.Stop()
				return true
			}
		}
		out = nil
	}
	_, _ = s.w.Write(out)
	if end {
		s.flush()
	}
	return end
}

// endless sends body lines until the client goes away or the server
// closes (the EndlessBody fault); the session then ends.
func (s *session) endless() bool {
	line := []byte("This message never ends. This message never ends. This message never ends.\r\n")
	for {
		select {
		case <-s.srv.done:
			return true
		default:
		}
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
		if _, err := s.w.Write(line); err != nil {
			return true
		}
	}
}

// exec runs one command and writes its reply; it reports whether the
// session ends.
func (s *session) exec(cmd, args string) bool {
	if s.faults.disabled(cmd) {
		s.err("Unknown command.")
		return s.badCommand()
	}
	switch cmd {
	case "CAPA":
		s.capa()
		return false
	case "QUIT":
		return s.quit()
	}
	if s.state == stateAuthorization {
		switch cmd {
		case "USER":
			return s.cmdUser(args)
		case "PASS":
			return s.cmdPass(args)
		case "APOP":
			return s.cmdAPOP(args)
		case "AUTH":
			return s.cmdAuth(args)
		case "STLS":
			return s.cmdSTLS(args)
		case "UTF8":
			s.ok("UTF8 enabled.")
			return false
		case "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL", "LAST":
			s.err("Not logged in.")
			return s.badCommand()
		}
		s.err("Unknown command.")
		return s.badCommand()
	}
	switch cmd {
	case "STAT":
		n, size := 0, int64(0)
		for i, m := range s.info {
			if !s.deleted[i] {
				n++
				size += m.Size
			}
		}
		if s.badNumber {
			s.ok("%dx %dy", n, size)
		} else {
			s.ok("%d %d", n, size)
		}
	case "LIST":
		s.listing(args, func(i int) string {
			if s.badNumber {
				return fmt.Sprintf("%d %d-", i+1, s.info[i].Size)
			}
			return fmt.Sprintf("%d %d", i+1, s.info[i].Size)
		}, "scan listing")
	case "UIDL":
		s.listing(args, func(i int) string { return fmt.Sprintf("%d %s", i+1, s.info[i].UID) }, "unique-id listing")
	case "RETR":
		i, ok := s.message(args)
		if !ok {
			break
		}
		s.touch(i)
		s.ok("%d octets", s.info[i].Size)
		s.body(i, -1)
	case "TOP":
		num, lines, _ := strings.Cut(args, " ")
		n, perr := strconv.Atoi(lines)
		if lines == "" || perr != nil || n < 0 || strings.Contains(lines, " ") {
			s.err("Invalid number of lines: %q.", lines)
			break
		}
		i, ok := s.message(num)
		if !ok {
			break
		}
		s.touch(i)
		s.ok("Top of message follows.")
		if s.topWhole {
			n = -1
		}
		s.body(i, n)
	case "DELE":
		i, ok := s.message(args)
		if !ok {
			break
		}
		s.deleted[i] = true
		s.touch(i)
		s.ok("Marked to be deleted.")
	case "RSET":
		for i := range s.deleted {
			s.deleted[i] = false
		}
		s.last = 0
		s.ok("Maildrop reset.")
	case "NOOP":
		s.ok("")
	case "LAST":
		s.ok("%d", s.last)
	case "USER", "PASS", "APOP", "AUTH", "STLS", "UTF8":
		s.err("Already logged in.")
		return s.badCommand()
	default:
		s.err("Unknown command.")
		return s.badCommand()
	}
	s.bad = 0
	return false
}

func (s *session) touch(i int) {
	if i+1 > s.last {
		s.last = i + 1
	}
}

// message parses a message number argument; it writes the -ERR itself.
func (s *session) message(arg string) (int, bool) {
	n, err := strconv.Atoi(arg)
	if arg == "" || err != nil || arg[0] == '+' || arg[0] == '-' {
		s.err("Invalid message number: %q.", arg)
		return 0, false
	}
	if n < 1 || n > len(s.info) {
		s.err("There's no message %d.", n)
		return 0, false
	}
	if s.deleted[n-1] {
		s.err("Message is deleted.")
		return 0, false
	}
	return n - 1, true
}

func (s *session) listing(arg string, entry func(i int) string, what string) {
	if arg != "" {
		i, ok := s.message(arg)
		if !ok {
			return
		}
		s.line("+OK " + entry(i))
		return
	}
	s.ok("%s follows", what)
	for i := range s.info {
		if !s.deleted[i] {
			s.line(entry(i))
		}
	}
	s.line(".")
}

// body writes message i (all of it, or the headers and n body lines) and
// the terminating dot line.
func (s *session) body(i, n int) {
	var (
		rc    io.ReadCloser
		err   error
		stuff bool
	)
	if wo, ok := s.drop.(WireOpener); ok {
		rc, err = wo.OpenWire(i)
	} else {
		rc, err = s.drop.Open(i)
		stuff = true
	}
	if err != nil {
		// The status line is out already: end the session rather than
		// produce a message that looks complete.
		s.srv.logf("pop3 server: open message %d of %s: %v", i+1, s.locked, err)
		s.flush()
		s.conn.Close()
		return
	}
	defer rc.Close()
	if !stuff && n < 0 {
		_, err = io.Copy(s.w, rc)
	} else {
		err = copyBody(s.w, rc, stuff, n)
	}
	if err != nil {
		s.srv.logf("pop3 server: read message %d of %s: %v", i+1, s.locked, err)
		s.flush()
		s.conn.Close()
		return
	}
	s.line(".")
}

func (s *session) capa() {
	s.ok("Capability list follows")
	authOK := s.state == stateAuthorization && (s.secure || !s.srv.opts.RequireTLS)
	caps := []string{"TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE"}
	if authOK {
		if s.cleartextOK() {
			caps = append(caps, "USER")
		}
		if mechs := s.mechanisms(); len(mechs) > 0 {
			caps = append(caps, "SASL "+strings.Join(mechs, " "))
		}
	}
	if s.state == stateAuthorization && !s.secure && s.srv.opts.TLSConfig != nil {
		caps = append(caps, "STLS")
	}
	caps = append(caps, "UTF8")
	caps = append(caps, s.srv.opts.ExtraCapabilities...)
	caps = append(caps, "IMPLEMENTATION popsh")
	for _, c := range caps {
		name, _, _ := strings.Cut(c, " ")
		if !s.faults.removed(name) {
			s.line(c)
		}
	}
	s.line(".")
}

func (s *session) quit() bool {
	if s.state == stateTransaction && s.drop != nil {
		var del []int
		for i, d := range s.deleted {
			if d {
				del = append(del, i)
			}
		}
		if len(del) > 0 {
			if err := s.drop.Delete(del); err != nil {
				s.srv.logf("pop3 server: delete messages of %s: %v", s.locked, err)
				s.release()
				s.err("[SYS/TEMP] Some deleted messages were not removed.")
				s.flush()
				return true
			}
		}
		// Unlock before replying, so that a client may log in again as
		// soon as it has read the reply.
		s.release()
		s.ok("Logging out, %d messages deleted.", len(del))
	} else {
		s.ok("Logging out.")
	}
	s.flush()
	return true
}

// cleartextOK reports whether a cleartext password may be received: over
// TLS, from the loopback, or anywhere with Options.AllowInsecureAuth.
func (s *session) cleartextOK() bool {
	if s.secure || s.srv.opts.AllowInsecureAuth {
		return true
	}
	if a, ok := s.conn.RemoteAddr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
		return true
	}
	return false
}

// cleartextMech reports whether a SASL mechanism sends the secret itself.
func cleartextMech(m string) bool { return m == "PLAIN" || m == "LOGIN" || m == "XOAUTH2" }

// mechanisms lists the SASL mechanisms usable on this connection.
func (s *session) mechanisms() []string {
	var out []string
	for _, m := range s.srv.opts.SASLMechanisms {
		if !cleartextMech(m) || s.cleartextOK() {
			out = append(out, m)
		}
	}
	return out
}

// cleartextRefused answers -ERR [AUTH] when a cleartext password may not be
// received on this connection.
func (s *session) cleartextRefused() bool {
	if !s.cleartextOK() {
		s.err("[AUTH] Plaintext authentication disallowed on non-secure connections.")
		return true
	}
	return false
}

func (s *session) tlsRequired() bool {
	if s.srv.opts.RequireTLS && !s.secure {
		s.err("[AUTH] Plaintext authentication disallowed on non-secure connections.")
		return true
	}
	return false
}

func (s *session) cmdUser(args string) bool {
	if s.tlsRequired() || s.cleartextRefused() {
		return s.badCommand()
	}
	if args == "" || strings.ContainsAny(args, " \x00") {
		s.err("Invalid user name.")
		return s.badCommand()
	}
	s.userArg = args
	s.user = args
	s.bad = 0
	s.ok("")
	return false
}

func (s *session) cmdPass(args string) bool {
	if s.tlsRequired() || s.cleartextRefused() {
		return s.badCommand()
	}
	if s.userArg == "" {
		s.err("No username given.")
		return s.badCommand()
	}
	user := s.userArg
	s.userArg = ""
	if err := s.srv.opts.Backend.Authenticate(user, args); err != nil {
		s.authFailed(err)
		return s.badCommand()
	}
	return s.login(user)
}

func (s *session) authFailed(err error) {
	if errors.Is(err, ErrAuthFailed) {
		s.err("[AUTH] Authentication failed.")
		return
	}
	s.srv.logf("pop3 server: authenticate: %v", err)
	s.err("[SYS/TEMP] Authentication temporarily unavailable.")
}

// login takes the maildrop of user and enters the TRANSACTION state.
func (s *session) login(user string) bool {
	if !s.srv.lock(user) {
		s.err("[IN-USE] Mailbox is locked by another POP3 session.")
		return false
	}
	drop, err := s.srv.opts.Backend.Open(user)
	if err != nil {
		s.srv.unlock(user)
		s.srv.logf("pop3 server: open maildrop of %s: %v", user, err)
		s.err("[SYS/TEMP] Cannot open the maildrop.")
		return false
	}
	s.locked = user
	s.user = user
	s.drop = drop
	s.info = drop.Messages()
	s.deleted = make([]bool, len(s.info))
	s.state = stateTransaction
	s.bad = 0
	s.ok("Logged in.")
	return false
}

func (s *session) cmdAPOP(args string) bool {
	if s.tlsRequired() {
		return s.badCommand()
	}
	name, digest, _ := strings.Cut(args, " ")
	s.user = name
	if s.timestamp == "" {
		s.err("APOP is not available (no timestamp in the greeting).")
		return s.badCommand()
	}
	secret, ok := s.srv.opts.Backend.Secret(name)
	sum := md5.Sum([]byte(s.timestamp + secret))
	want := hex.EncodeToString(sum[:])
	if !ok || subtle.ConstantTimeCompare([]byte(strings.ToLower(digest)), []byte(want)) != 1 {
		s.err("[AUTH] Authentication failed.")
		return s.badCommand()
	}
	return s.login(name)
}

func (s *session) cmdAuth(args string) bool {
	if s.tlsRequired() {
		return s.badCommand()
	}
	mech, ir, hasIR := strings.Cut(args, " ")
	mech = strings.ToUpper(mech)
	switch {
	case mech == "":
		s.ok("")
		for _, m := range s.mechanisms() {
			s.line(m)
		}
		s.line(".")
		return false
	case !s.srv.offers(mech):
		s.err("Unsupported authentication mechanism.")
		return s.badCommand()
	case cleartextMech(mech) && s.cleartextRefused():
		return s.badCommand()
	case mech == "LOGIN":
		return s.authLogin(ir, hasIR)
	case mech == "XOAUTH2":
		return s.authXOAuth2(ir, hasIR)
	case mech == "PLAIN":
		if !hasIR {
			s.line("+ ")
			var err error
			if ir, err = s.readSASL(); err != nil {
				return s.saslAbort(err)
			}
		}
		if ir == "=" {
			ir = ""
		}
		raw, err := base64.StdEncoding.DecodeString(ir)
		if err != nil {
			s.err("Invalid base64 data in SASL response.")
			return s.badCommand()
		}
		parts := strings.Split(string(raw), "\x00")
		if len(parts) != 3 || parts[1] == "" || (parts[0] != "" && parts[0] != parts[1]) {
			s.err("[AUTH] Authentication failed.")
			return s.badCommand()
		}
		s.user = parts[1]
		if err := s.srv.opts.Backend.Authenticate(parts[1], parts[2]); err != nil {
			s.authFailed(err)
			return s.badCommand()
		}
		return s.login(parts[1])
	case mech == "CRAM-MD5":
		if hasIR {
			s.err("CRAM-MD5 takes no initial response.")
			return s.badCommand()
		}
		var rnd [8]byte
		_, _ = rand.Read(rnd[:])
		challenge := fmt.Sprintf("<%d.%s@%s>", s.id, hex.EncodeToString(rnd[:]), s.srv.hostname)
		s.line("+ " + base64.StdEncoding.EncodeToString([]byte(challenge)))
		resp, err := s.readSASL()
		if err != nil {
			return s.saslAbort(err)
		}
		raw, err := base64.StdEncoding.DecodeString(resp)
		if err != nil {
			s.err("Invalid base64 data in SASL response.")
			return s.badCommand()
		}
		name, digest, ok := strings.Cut(string(raw), " ")
		s.user = name
		secret, have := s.srv.opts.Backend.Secret(name)
		mac := hmac.New(md5.New, []byte(secret))
		mac.Write([]byte(challenge))
		want := hex.EncodeToString(mac.Sum(nil))
		if !ok || !have || subtle.ConstantTimeCompare([]byte(strings.ToLower(digest)), []byte(want)) != 1 {
			s.err("[AUTH] Authentication failed.")
			return s.badCommand()
		}
		return s.login(name)
	}
	s.err("Unsupported authentication mechanism.")
	return s.badCommand()
}

// authLogin runs AUTH LOGIN: user name and password, each base64 in answer
// to a prompt (an initial response is the user name).
func (s *session) authLogin(ir string, hasIR bool) bool {
	var err error
	if !hasIR {
		s.line("+ " + base64.StdEncoding.EncodeToString([]byte("Username:")))
		if ir, err = s.readSASL(); err != nil {
			return s.saslAbort(err)
		}
	}
	name, err := base64.StdEncoding.DecodeString(ir)
	if err != nil {
		s.err("Invalid base64 data in SASL response.")
		return s.badCommand()
	}
	s.user = string(name)
	s.line("+ " + base64.StdEncoding.EncodeToString([]byte("Password:")))
	resp, err := s.readSASL()
	if err != nil {
		return s.saslAbort(err)
	}
	pass, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		s.err("Invalid base64 data in SASL response.")
		return s.badCommand()
	}
	if err := s.srv.opts.Backend.Authenticate(string(name), string(pass)); err != nil {
		s.authFailed(err)
		return s.badCommand()
	}
	return s.login(string(name))
}

// authXOAuth2 runs AUTH XOAUTH2 (Google's bearer-token mechanism): the
// response is base64("user=" U "\x01auth=Bearer " T "\x01\x01"). On failure
// the server sends a base64 JSON error as a challenge, waits for the client's
// empty response and then answers -ERR.
func (s *session) authXOAuth2(ir string, hasIR bool) bool {
	var err error
	if !hasIR {
		s.line("+ ")
		if ir, err = s.readSASL(); err != nil {
			return s.saslAbort(err)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(ir)
	if err != nil {
		s.err("Invalid base64 data in SASL response.")
		return s.badCommand()
	}
	var name, token string
	for _, f := range strings.Split(string(raw), "\x01") {
		if v, ok := strings.CutPrefix(f, "user="); ok {
			name = v
		} else if v, ok := strings.CutPrefix(f, "auth="); ok {
			if t, ok := strings.CutPrefix(v, "Bearer "); ok {
				token = t
			}
		}
	}
	s.user = name
	ta, ok := s.srv.opts.Backend.(TokenAuthenticator)
	if !ok || name == "" || token == "" || ta.AuthenticateToken(name, token) != nil {
		s.line("+ " + base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.example/"}`)))
		if _, err := s.readSASL(); err != nil && err != errSASLCancelled {
			return s.saslAbort(err)
		}
		s.err("[AUTH] Authentication failed.")
		return s.badCommand()
	}
	return s.login(name)
}

// saslScript answers AUTH with the lines of the SASL fault, one per client
// line; the session then goes on, not logged in.
func (s *session) saslScript(lines []string) bool {
	for i, l := range lines {
		if i > 0 {
			if _, err := s.readSASL(); err != nil && err != errSASLCancelled {
				return err != errLineTooLong
			}
		}
		s.line(l)
	}
	return false
}

var errSASLCancelled = errors.New("SASL exchange cancelled")

// readSASL reads one SASL client response line; "*" cancels.
func (s *session) readSASL() (string, error) {
	line, err := s.readLine()
	if err != nil {
		return "", err
	}
	if hook := s.srv.opts.OnCommand; hook != nil {
		if line == "*" {
			hook(s.user, "*") // a cancel is no secret
		} else {
			hook(s.user, "****")
		}
	}
	if line == "*" {
		return "", errSASLCancelled
	}
	return line, nil
}

func (s *session) saslAbort(err error) bool {
	switch err {
	case errSASLCancelled:
		s.err("Authentication cancelled.")
		return false
	case errLineTooLong:
		s.err("Line too long.")
		return s.badCommand()
	}
	return true // connection error
}

func (s *session) cmdSTLS(args string) bool {
	if s.srv.opts.TLSConfig == nil {
		s.err("STLS is not available.")
		return s.badCommand()
	}
	if s.secure {
		s.err("TLS is already active.")
		return s.badCommand()
	}
	s.ok("Begin TLS negotiation now.")
	if err := s.flush(); err != nil {
		return true
	}
	// Anything the client pipelined after STLS was sent in cleartext: drop
	// it (RFC 2595 section 8; a command injection guard).
	old := s.conn
	tc := tls.Server(old, s.srv.opts.TLSConfig)
	_ = tc.SetDeadline(time.Now().Add(s.srv.opts.IdleTimeout))
	if err := tc.Handshake(); err != nil {
		return true
	}
	_ = tc.SetDeadline(time.Time{})
	s.srv.replaceConn(old, tc)
	s.conn = tc
	s.secure = true
	s.userArg = ""
	s.r = bufio.NewReaderSize(tc, 64*1024)
	s.w = bufio.NewWriterSize(tc, 256*1024)
	return false
}
