package scsh

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// scsh's low-level socket interface: sockets made by create-socket,
// bound, listened on, accepted and connected by hand, socket addresses,
// send-message and receive-message, socket options, the network and
// protocol databases, and bind-listen-accept-loop.
//
// A socket is the record of netprims.go (family, inport, outport). As in
// scsh, its two ports are over two descriptors of the same socket (the
// second a dup of the first); the procedures here work on the input
// port's descriptor, which is non-blocking and waited on by Go's poller,
// so a wait (accept, connect, receive) lets other threads run and stops
// when the evaluation is cancelled (Ctrl-C).
//
// Messages are bytes: receive-message makes one character of each byte
// received (Latin-1, as scsh's 8-bit strings), and send-message sends a
// string whose characters are all below 256 as those bytes; a wider
// character is an error, not silently encoded.

// Constants with Linux values, as in scsh 0.6's netconst.scm for Linux.
const (
	solSocket = 1
	levelIP   = 0
	levelTCP  = 6
	levelUDP  = 17
)

type intConst struct {
	name string
	val  int
	doc  string
}

var socketConstants = []intConst{
	{"shutdown/receives", 0, "shutdown-socket: stop receiving (SHUT_RD)"},
	{"shutdown/sends", 1, "shutdown-socket: stop sending (SHUT_WR)"},
	{"shutdown/sends+receives", 2, "shutdown-socket: stop both (SHUT_RDWR)"},
	{"herror/host-not-found", 1, "host lookup error: no such host (HOST_NOT_FOUND)"},
	{"herror/try-again", 2, "host lookup error: temporary failure (TRY_AGAIN)"},
	{"herror/no-recovery", 3, "host lookup error: non-recoverable failure (NO_RECOVERY)"},
	{"herror/no-data", 4, "host lookup error: the name has no address (NO_DATA)"},
	{"herror/no-address", 4, "host lookup error: the name has no address (NO_ADDRESS, as NO_DATA)"},
	{"address-family/unspecified", 0, "the unspecified address family (AF_UNSPEC)"},
	{"protocol-family/unspecified", 0, "the unspecified protocol family (PF_UNSPEC)"},
	{"socket-type/raw", 3, "raw sockets (SOCK_RAW)"},
	{"internet-address/any", 0, "the IPv4 address 0.0.0.0 (INADDR_ANY), as a number"},
	{"internet-address/loopback", 0x7f000001, "the IPv4 address 127.0.0.1 (INADDR_LOOPBACK), as a number"},
	{"internet-address/broadcast", 0xffffffff, "the IPv4 address 255.255.255.255 (INADDR_BROADCAST), as a number"},
	{"message/out-of-band", 1, "send/receive flag: out-of-band data (MSG_OOB)"},
	{"message/peek", 2, "receive flag: look at the data without taking it (MSG_PEEK)"},
	{"message/dont-route", 4, "send flag: bypass routing (MSG_DONTROUTE)"},
	{"level/socket", solSocket, "socket option level: the socket itself (SOL_SOCKET)"},
	{"level/ip", levelIP, "socket option level: IP (IPPROTO_IP)"},
	{"level/tcp", levelTCP, "socket option level: TCP (IPPROTO_TCP)"},
	{"level/udp", levelUDP, "socket option level: UDP (IPPROTO_UDP)"},
}

// sockOpt is a socket option: its level, number and kind of value.
type sockOpt struct {
	name  string
	level int
	num   int
	kind  string // boolean, value or linger
	doc   string
}

var socketOptions = []sockOpt{
	{"socket/debug", solSocket, 1, "boolean", "record debugging information (SO_DEBUG)"},
	{"socket/reuse-address", solSocket, 2, "boolean", "allow reusing a local address (SO_REUSEADDR)"},
	{"socket/type", solSocket, 3, "value", "the socket's type (SO_TYPE, read only)"},
	{"socket/error", solSocket, 4, "value", "the pending error, cleared by reading it (SO_ERROR)"},
	{"socket/dont-route", solSocket, 5, "boolean", "bypass routing (SO_DONTROUTE)"},
	{"socket/broadcast", solSocket, 6, "boolean", "allow sending broadcasts (SO_BROADCAST)"},
	{"socket/send-buffer", solSocket, 7, "value", "the send buffer size (SO_SNDBUF)"},
	{"socket/receive-buffer", solSocket, 8, "value", "the receive buffer size (SO_RCVBUF)"},
	{"socket/keep-alive", solSocket, 9, "boolean", "send keep-alive probes (SO_KEEPALIVE)"},
	{"socket/oob-inline", solSocket, 10, "boolean", "receive out-of-band data in line (SO_OOBINLINE)"},
	{"socket/no-check", solSocket, 11, "boolean", "no UDP checksums (SO_NO_CHECK)"},
	{"socket/priority", solSocket, 12, "value", "the priority of sent packets (SO_PRIORITY)"},
	{"socket/linger", solSocket, 13, "linger", "linger on close: #f, or the seconds (SO_LINGER)"},
	{"ip/type-of-service", levelIP, 1, "value", "the IP type of service (IP_TOS)"},
	{"ip/time-to-live", levelIP, 2, "value", "the IP time to live (IP_TTL)"},
	{"ip/include-header", levelIP, 3, "boolean", "the data includes the IP header (IP_HDRINCL)"},
	{"ip/options", levelIP, 4, "value", "the IP options (IP_OPTIONS)"},
	{"tcp/no-delay", levelTCP, 1, "boolean", "send at once, without coalescing (TCP_NODELAY)"},
	{"tcp/max-segment", levelTCP, 2, "value", "the maximum segment size (TCP_MAXSEG)"},
}

// optionKind is the kind of option num at level, or "" when popsh does
// not know it.
func optionKind(level, num int) string {
	for _, o := range socketOptions {
		if o.level == level && o.num == num {
			return o.kind
		}
	}
	return ""
}

// networksFile and protocolsFile are the system's network and protocol
// databases (variables for the tests).
var (
	networksFile  = "/etc/networks"
	protocolsFile = "/etc/protocols"
)

// builtinProtocols answers when /etc/protocols is missing.
var builtinProtocols = []dbEntry{
	{"ip", []string{"IP"}, 0}, {"icmp", []string{"ICMP"}, 1}, {"tcp", []string{"TCP"}, 6},
	{"udp", []string{"UDP"}, 17}, {"ipv6", []string{"IPv6"}, 41}, {"ipv6-icmp", []string{"IPv6-ICMP"}, 58},
}

// dbEntry is a line of /etc/networks or /etc/protocols: a name, its
// aliases and its number.
type dbEntry struct {
	name    string
	aliases []string
	num     int
}

// readDB reads a database of lines "name number alias ..." (# starts a
// comment); number parses the second field.
func readDB(path string, number func(string) (int, bool)) ([]dbEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []dbEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		n, ok := number(fields[1])
		if !ok {
			continue
		}
		out = append(out, dbEntry{fields[0], fields[2:], n})
	}
	return out, sc.Err()
}

// inetNetwork reads a network number as inet_network(3) does: up to four
// dot-separated parts, each a byte, the last the lowest ("127" is 127,
// "127.0.0.0" is #x7f000000).
func inetNetwork(s string) (int, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return 0, false
	}
	n := 0
	for _, p := range parts {
		b, err := strconv.ParseUint(p, 0, 8)
		if err != nil {
			return 0, false
		}
		n = n<<8 | int(b)
	}
	return n, true
}

// findDB looks name (a string, matched against names and aliases) or a
// number up in entries.
func findDB(entries []dbEntry, key interp.Value) *dbEntry {
	for i := range entries {
		en := &entries[i]
		switch k := key.(type) {
		case *interp.String:
			if en.name == k.String() {
				return en
			}
			for _, a := range en.aliases {
				if a == k.String() {
					return en
				}
			}
		case int:
			if en.num == k {
				return en
			}
		}
	}
	return nil
}

// sockWriter is the output side of a socket: writes that wait stop when
// the evaluation is cancelled.
type sockWriter struct {
	f   *os.File
	ctx func() context.Context
}

func (w *sockWriter) Write(b []byte) (int, error) {
	ctx := w.ctx()
	if ctx.Done() == nil {
		return w.f.Write(b)
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		w.f.SetWriteDeadline(time.Unix(1, 0))
	})
	n, err := w.f.Write(b)
	if !stop() {
		<-fired
		w.f.SetWriteDeadline(time.Time{})
		if ctx.Err() != nil {
			return n, fmt.Errorf("socket write interrupted: %w", ctx.Err())
		}
	}
	return n, err
}

func (w *sockWriter) Close() error { return w.f.Close() }

// sockets holds the record types of the socket interface.
type sockets struct {
	e                     *scshEnv
	sockRT, addrRT        *interp.RecordType
	networkRT, protocolRT *interp.RecordType
}

// newSocket makes the socket record of descriptor fd (non-blocking,
// close-on-exec), which it then owns, of family fam.
func (s *sockets) newSocket(fam, fd int) (*interp.Record, error) {
	fd2, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		unix.Close(fd)
		return nil, syscallError("dup", err)
	}
	fin := os.NewFile(uintptr(fd), "socket")
	fout := os.NewFile(uintptr(fd2), "socket")
	in := interp.NewInputPort(fin, "socket")
	in.InterruptWith(s.e.it.Context)
	out := interp.NewOutputPort(&sockWriter{f: fout, ctx: s.e.ctx}, "socket")
	// one character per byte, as scsh's 8-bit ports and Scheme 48's
	// channel ports: a protocol's bytes (telnet's IAC, 255) read and
	// write as the characters of their codes
	in.SetLatin1(true)
	out.SetLatin1(true)
	// flushed by flush-all-ports, at exit and before select-ports waits,
	// as scsh forces its ports' output periodically
	interp.TrackOutputPort(s.e.it, out)
	return &interp.Record{Type: s.sockRT, Fields: []interp.Value{fam, in, out}}, nil
}

// socketFromRaw makes a socket record of a copy of the descriptor of rc
// (the caller closes its own).
func (s *sockets) socketFromRaw(fam int, rc syscall.RawConn) (*interp.Record, error) {
	var fd int
	var derr error
	if err := rc.Control(func(u uintptr) {
		fd, derr = unix.FcntlInt(u, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, syscallError("dup", err)
	}
	if derr != nil {
		return nil, syscallError("dup", derr)
	}
	return s.newSocket(fam, fd)
}

// socketArg reads a socket, argument pos, and the file of its descriptor.
func (s *sockets) socketArg(v interp.Value, pos int) (*interp.Record, *os.File, error) {
	r, ok := v.(*interp.Record)
	if !ok || r.Type != s.sockRT {
		return nil, nil, argType(pos, "socket", "a socket", v)
	}
	p, _ := r.Fields[1].(*interp.Port)
	var f *os.File
	if p != nil && !p.IsClosed() {
		f = p.OSFile()
	}
	if f == nil {
		return nil, nil, &interp.ErrorObject{Message: "socket is closed", Irritants: []interp.Value{v}}
	}
	return r, f, nil
}

// control runs op on the descriptor of f.
func control(f *os.File, op func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var opErr error
	if err := rc.Control(func(u uintptr) { opErr = op(int(u)) }); err != nil {
		return err
	}
	return opErr
}

// wait runs op on the descriptor of f until it reports done, waiting for
// the descriptor to be readable (writable when write) between tries,
// with the interpreter lock released. Cancelling the evaluation stops the
// wait with an error.
func (s *sockets) wait(f *os.File, write bool, op func(fd int) bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	setDeadline, run := f.SetReadDeadline, rc.Read
	if write {
		setDeadline, run = f.SetWriteDeadline, rc.Write
	}
	ctx := s.e.ctx()
	var stop func() bool
	fired := make(chan struct{})
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() {
			defer close(fired)
			setDeadline(time.Unix(1, 0))
		})
	}
	err = s.e.it.Blocking(func() error {
		return run(func(u uintptr) bool { return op(int(u)) })
	})
	if stop != nil && !stop() {
		<-fired
		setDeadline(time.Time{})
		if ctx.Err() != nil {
			return fmt.Errorf("socket wait interrupted: %w", ctx.Err())
		}
	}
	return err
}

// again is whether err means "not ready yet: wait and try again".
func again(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR
}

// sockErr is the error of a failed socket system call.
func sockErr(call string, err error, data ...interp.Value) error {
	if errors.Is(err, os.ErrClosed) {
		return &interp.ErrorObject{Who: call, Message: "socket is closed"}
	}
	if eo, ok := err.(*interp.ErrorObject); ok {
		return eo
	}
	var en syscall.Errno
	if !errors.As(err, &en) {
		return &interp.ErrorObject{Who: call, Message: err.Error(), Irritants: data, Cause: err}
	}
	return syscallError(call, err, data...)
}

// addrValue is the address field of a socket address of family fam made
// from sa: (ip32 . port) for the Internet, the file name for Unix. sa nil
// (no address known) gives (0 . 0) or "".
func addrValue(fam int, sa unix.Sockaddr) (interp.Value, error) {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		ip := a.Addr
		return interp.Cons(int(ip[0])<<24|int(ip[1])<<16|int(ip[2])<<8|int(ip[3]), a.Port), nil
	case *unix.SockaddrUnix:
		if a.Name == "@" {
			// x/sys/unix's spelling of an unnamed socket (a bare
			// family, no path): an abstract name is never empty.
			return interp.NewString(""), nil
		}
		return interp.NewString(a.Name), nil
	case nil:
		if fam == pfUnix {
			return interp.NewString(""), nil
		}
		return interp.Cons(0, 0), nil
	}
	return nil, fmt.Errorf("unsupported socket address %T", sa)
}

func (s *sockets) addrRecord(fam int, sa unix.Sockaddr) (*interp.Record, error) {
	v, err := addrValue(fam, sa)
	if err != nil {
		return nil, err
	}
	return &interp.Record{Type: s.addrRT, Fields: []interp.Value{fam, v}}, nil
}

func (s *sockets) addrArg(v interp.Value, pos int) (*interp.Record, error) {
	r, ok := v.(*interp.Record)
	if !ok || r.Type != s.addrRT {
		return nil, argType(pos, "address", "a socket address", v)
	}
	return r, nil
}

// sockaddr is the system form of a socket-address record.
func sockaddr(r *interp.Record) (unix.Sockaddr, error) {
	fam, _ := r.Fields[0].(int)
	switch fam {
	case pfInternet:
		p, ok := r.Fields[1].(*interp.Pair)
		if !ok {
			break
		}
		ip, ok1 := p.Car.(int)
		port, ok2 := p.Cdr.(int)
		if !ok1 || !ok2 {
			break
		}
		sa := &unix.SockaddrInet4{Port: port}
		sa.Addr = [4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}
		return sa, nil
	case pfUnix:
		if name, ok := r.Fields[1].(*interp.String); ok {
			return &unix.SockaddrUnix{Name: name.String()}, nil
		}
	}
	return nil, fmt.Errorf("unsupported socket address")
}

// familyAddr checks that address a suits socket sock (who's argument) and
// gives its system form.
func (s *sockets) familyAddr(who string, sock, a *interp.Record) (unix.Sockaddr, error) {
	if !interp.Eqv(sock.Fields[0], a.Fields[0]) {
		return nil, scshErr(who, "socket and address are of different families", a)
	}
	if name, ok := a.Fields[1].(*interp.String); ok && len(name.String()) > 107 {
		return nil, scshErr(who, "path too long", a)
	}
	sa, err := sockaddr(a)
	if err != nil {
		return nil, scshErr(who, err.Error(), a)
	}
	return sa, nil
}

// latin1Bytes is s[start:end] as bytes, one per character; a character
// beyond 255 is an error.
func latin1Bytes(who string, s *interp.String, start, end int) ([]byte, error) {
	b := make([]byte, end-start)
	for i := start; i < end; i++ {
		c := s.At(i)
		if c > 255 {
			return nil, scshErr(who, "a message holds bytes: character beyond 255 at index "+strconv.Itoa(i), interp.Char(c))
		}
		b[i-start] = byte(c)
	}
	return b, nil
}

// strRange reads the optional start and end of s at a[i], a[i+1]
// (arguments i+1 and i+2) for who.
func strRange(who string, s *interp.String, a []interp.Value, i int) (int, int, error) {
	start, err := intArg(a, i, "start", 0)
	if err != nil {
		return 0, 0, err
	}
	end, err := intArg(a, i+1, "end", s.Len())
	if err != nil {
		return 0, 0, err
	}
	if start < 0 || end > s.Len() || start > end {
		return 0, 0, scshErr(who, "Bad substring indices", s, start, end)
	}
	return start, end, nil
}

// recv receives into buf from the socket of f, waiting for data: it
// returns the count (0 at end of file) and the sender.
func (s *sockets) recv(f *os.File, buf []byte, flags int) (int, unix.Sockaddr, error) {
	var n int
	var from unix.Sockaddr
	var rerr error
	err := s.wait(f, false, func(fd int) bool {
		n, from, rerr = unix.Recvfrom(fd, buf, flags)
		return !again(rerr)
	})
	if err == nil {
		err = rerr
	}
	return n, from, err
}

// send sends b (some of it: the count) to the socket of f, or to the
// address to, waiting for room.
func (s *sockets) send(f *os.File, b []byte, flags int, to unix.Sockaddr) (int, error) {
	var n int
	var serr error
	err := s.wait(f, true, func(fd int) bool {
		n, serr = unix.SendmsgN(fd, b, nil, to, flags|unix.MSG_NOSIGNAL)
		return !again(serr)
	})
	if err == nil {
		err = serr
	}
	return n, err
}

// sender is the address a message came from: from, else the peer of a
// connected socket.
func (s *sockets) sender(fam int, f *os.File, from unix.Sockaddr) (*interp.Record, error) {
	if from == nil {
		control(f, func(fd int) error {
			from, _ = unix.Getpeername(fd)
			return nil
		})
	}
	if _, ok := from.(*unix.SockaddrInet6); ok {
		from = nil
	}
	return s.addrRecord(fam, from)
}

// receive fills buf from the socket: all of it unless partial, stopping
// early only at the end of the data. n is -1 when nothing came before the
// end.
func (s *sockets) receive(who string, sock *interp.Record, f *os.File, buf []byte, flags int, partial bool) (int, *interp.Record, error) {
	fam, _ := sock.Fields[0].(int)
	if len(buf) == 0 {
		a, err := s.addrRecord(fam, nil)
		return 0, a, err
	}
	got := 0
	var from unix.Sockaddr
	for got < len(buf) {
		n, sa, err := s.recv(f, buf[got:], flags)
		if err != nil {
			return 0, nil, sockErr(who, err)
		}
		if sa != nil {
			from = sa
		}
		if n == 0 {
			break
		}
		got += n
		if partial {
			break
		}
	}
	a, err := s.sender(fam, f, from)
	if err != nil {
		return 0, nil, err
	}
	if got == 0 {
		return -1, a, nil
	}
	return got, a, nil
}

// createSocket makes a socket of family pf, type typ and protocol proto.
func (s *sockets) createSocket(pf, typ, proto int) (*interp.Record, error) {
	fd, err := unix.Socket(pf, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, syscallError("socket", err, pf, typ, proto)
	}
	return s.newSocket(pf, fd)
}

// connect starts connecting the socket of f to sa; done is false when
// the connection is still being made (EINPROGRESS).
func connect(f *os.File, sa unix.Sockaddr) (done bool, err error) {
	err = control(f, func(fd int) error {
		for {
			cerr := unix.Connect(fd, sa)
			switch cerr {
			case nil:
				done = true
				return nil
			case unix.EINTR:
				continue
			case unix.EINPROGRESS, unix.EAGAIN, unix.EALREADY:
				return nil
			}
			return cerr
		}
	})
	return done, err
}

// writable is whether descriptor fd can be written (or has an error) now.
func writable(fd int) bool {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		n, err := unix.Poll(pfd, 0)
		if err == unix.EINTR {
			continue
		}
		return err != nil || n > 0
	}
}

func soError(f *os.File) (int, error) {
	var v int
	err := control(f, func(fd int) error {
		var gerr error
		v, gerr = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		return gerr
	})
	return v, err
}

// servicePort reads a port argument: a number or a service name.
func servicePort(who string, v interp.Value, pos int) (int, error) {
	switch p := v.(type) {
	case int:
		if p < 0 || p > 0xffff {
			return 0, scshErr(who, "port out of range", v)
		}
		return p, nil
	case *interp.String:
		se, err := lookupService(p.String(), 0, "tcp")
		if err != nil {
			return 0, err
		}
		return se.Port, nil
	}
	return 0, argType(pos, "port", "a port number or service name", v)
}

func (s *sockets) closeSocket(r *interp.Record) {
	for _, f := range []interp.Value{r.Fields[2], r.Fields[1]} {
		if p, ok := f.(*interp.Port); ok {
			p.Close()
		}
	}
}

// listenLoop is bind-prepare-listen-accept-loop: a stream socket of
// family pf bound to arg (a port or service for the Internet, on every
// address; a file name for Unix), then (prepare), then every connection
// accepted is given to (proc socket address), forever. An error closes
// the listening socket and ends the loop. argPos is arg's position.
func (s *sockets) listenLoop(pf int, prepare, proc, arg interp.Value, argPos int) (interp.Value, error) {
	const who = "bind-listen-accept-loop"
	var sa unix.Sockaddr
	switch pf {
	case pfInternet:
		port, err := servicePort(who, arg, argPos)
		if err != nil {
			return nil, err
		}
		sa = &unix.SockaddrInet4{Port: port}
	case pfUnix:
		path, err := str(arg, argPos, "arg")
		if err != nil {
			return nil, err
		}
		sa = &unix.SockaddrUnix{Name: path.String()}
	default:
		return nil, scshErr(who, "unsupported protocol-family", pf)
	}
	sock, err := s.createSocket(pf, sockStream, 0)
	if err != nil {
		return nil, err
	}
	_, f, _ := s.socketArg(sock, 1)
	fail := func(err error) (interp.Value, error) {
		s.closeSocket(sock)
		return nil, err
	}
	if err := control(f, func(fd int) error {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return err
		}
		return unix.Bind(fd, sa)
	}); err != nil {
		return fail(sockErr("bind", err, arg))
	}
	if _, err := s.e.call(prepare); err != nil {
		return fail(err)
	}
	if err := control(f, func(fd int) error { return unix.Listen(fd, 5) }); err != nil {
		return fail(sockErr("listen", err))
	}
	for {
		conn, addr, err := s.accept(sock, f)
		if errors.Is(err, unix.ECONNABORTED) {
			continue
		}
		if err != nil {
			return fail(err)
		}
		if _, err := s.e.call(proc, conn, addr); err != nil {
			return fail(err)
		}
	}
}

// accept waits for a connection on the listening socket sock.
func (s *sockets) accept(sock *interp.Record, f *os.File) (*interp.Record, *interp.Record, error) {
	fam, _ := sock.Fields[0].(int)
	var nfd int
	var sa unix.Sockaddr
	var aerr error
	err := s.wait(f, false, func(fd int) bool {
		nfd, sa, aerr = unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		return !again(aerr)
	})
	if err == nil {
		err = aerr
	}
	if err != nil {
		return nil, nil, sockErr("accept", err)
	}
	conn, err := s.newSocket(fam, nfd)
	if err != nil {
		return nil, nil, err
	}
	addr, err := s.addrRecord(fam, sa)
	if err != nil {
		s.closeSocket(conn)
		return nil, nil, err
	}
	return conn, addr, nil
}

// socketOfConn makes the socket record of a connection socket-connect
// made, over copies of its descriptor (conn is closed), so that the
// procedures here work on it too.
func (e *scshEnv) socketOfConn(rt *interp.RecordType, fam int, conn net.Conn) (*interp.Record, error) {
	defer conn.Close()
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil, scshErr("socket-connect", "the connection has no descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, sockErr("socket-connect", err)
	}
	s := &sockets{e: e, sockRT: rt}
	return s.socketFromRaw(fam, rc)
}
