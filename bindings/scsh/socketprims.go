package scsh

import (
	"strconv"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// installSockets defines the socket interface (sockets.go) over the
// socket record of installNet, which it must follow.
func (e *scshEnv) installSockets() {
	v, _ := e.it.Lookup("type/socket")
	sockRT, _ := v.(*interp.RecordType)
	if sockRT == nil {
		panic("installSockets: installNet must come first")
	}
	s := &sockets{e: e, sockRT: sockRT}
	s.addrRT = &interp.RecordType{Name: "socket-address",
		Fields: []*interp.Symbol{interp.Intern("family"), interp.Intern("address")},
		Printer: func(r *interp.Record) string {
			if sa, err := sockaddr(r); err == nil {
				switch a := sa.(type) {
				case *unix.SockaddrInet4:
					return "#{socket-address " + strconv.Itoa(int(a.Addr[0])) + "." + strconv.Itoa(int(a.Addr[1])) + "." +
						strconv.Itoa(int(a.Addr[2])) + "." + strconv.Itoa(int(a.Addr[3])) + ":" + strconv.Itoa(a.Port) + "}"
				case *unix.SockaddrUnix:
					return "#{socket-address " + a.Name + "}"
				}
			}
			return "#{socket-address}"
		}}
	e.it.Define("type/socket-address", s.addrRT)
	s.networkRT = e.goRecordType("scsh: networking", "network-info", []string{"name", "aliases", "net"}, func(r *interp.Record) string {
		return "#{network " + interp.DisplayString(r.Fields[0]) + "}"
	})
	s.protocolRT = e.goRecordType("scsh: networking", "protocol-info", []string{"name", "aliases", "number"}, func(r *interp.Record) string {
		return "#{protocol " + interp.DisplayString(r.Fields[0]) + "}"
	})
	var optLists = map[string][]interp.Value{}
	for _, c := range socketConstants {
		e.it.Define(c.name, c.val)
	}
	for _, o := range socketOptions {
		e.it.Define(o.name, o.num)
		optLists[o.kind] = append(optLists[o.kind], o.num)
	}
	e.it.Define("options/boolean", interp.List(optLists["boolean"]...))
	e.it.Define("options/value", interp.List(optLists["value"]...))
	e.it.Define("options/linger", interp.List(optLists["linger"]...))
	e.it.Define("options/timeout", interp.Null)
	e.it.Document("scsh: networking", socketDocs...)

	// intArgs reads exact integers from a[from], named names.
	intArgs := func(a []interp.Value, from int, names ...string) ([]int, error) {
		out := make([]int, len(names))
		for i, n := range names {
			x, ok := a[from+i].(int)
			if !ok {
				return nil, argType(from+i+1, n, "an exact integer", a[from+i])
			}
			out[i] = x
		}
		return out, nil
	}
	sockAnd := func(a []interp.Value) (*interp.Record, *interp.Record, error) {
		sock, _, err := s.socketArg(a[0], 1)
		if err != nil {
			return nil, nil, err
		}
		addr, err := s.addrArg(a[1], 2)
		return sock, addr, err
	}
	// dbInfo looks a network or protocol up (#f when unknown).
	dbInfo := func(rt *interp.RecordType, path string, number func(string) (int, bool), fallback []dbEntry, key interp.Value) (interp.Value, error) {
		entries, err := readDB(path, number)
		if err != nil {
			entries = fallback
		}
		en := findDB(entries, key)
		if en == nil {
			return false, nil
		}
		aliases := make([]interp.Value, len(en.aliases))
		for i, a := range en.aliases {
			aliases[i] = interp.NewString(a)
		}
		return &interp.Record{Type: rt, Fields: []interp.Value{interp.NewString(en.name), interp.List(aliases...), en.num}}, nil
	}
	decimal := func(f string) (int, bool) {
		n, err := strconv.Atoi(f)
		return n, err == nil && n >= 0
	}

	e.it.DefineBuiltins("scsh: networking", []interp.Builtin{
		{Name: "socket-address?", MinArgs: 1, MaxArgs: 1,
			Doc: "(socket-address? obj): whether obj is a socket address",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				return ok && r.Type == s.addrRT, nil
			}},
		{Name: "socket-address:family", MinArgs: 1, MaxArgs: 1,
			Doc: "(socket-address:family address): the address family of a socket address",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := s.addrArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return r.Fields[0], nil
			}},
		{Name: "internet-address->socket-address", MinArgs: 2, MaxArgs: 2,
			Doc: "(internet-address->socket-address address32 port16): the Internet socket address of an IPv4 address (a number) and a port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := intArgs(a, 0, "address32", "port16")
				if err != nil {
					return nil, err
				}
				if n[0] < 0 || n[0] > 0xffffffff {
					return nil, scshErr("internet-address->socket-address", "address out of range", a[0])
				}
				if n[1] < 0 || n[1] > 0xffff {
					return nil, scshErr("internet-address->socket-address", "port out of range", a[1])
				}
				return &interp.Record{Type: s.addrRT, Fields: []interp.Value{pfInternet, interp.Cons(n[0], n[1])}}, nil
			}},
		{Name: "socket-address->internet-address", MinArgs: 1, MaxArgs: 1,
			Doc: "(socket-address->internet-address address): the IPv4 address (a number) and the port of an Internet socket address, two values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != s.addrRT || r.Fields[0] != pfInternet {
					return nil, argType(0, "address", "an Internet socket address", a[0])
				}
				p := r.Fields[1].(*interp.Pair)
				return interp.Values(p.Car, p.Cdr), nil
			}},
		{Name: "unix-address->socket-address", MinArgs: 1, MaxArgs: 1,
			Doc: "(unix-address->socket-address path): the Unix-domain socket address of a file name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := str(a[0], 0, "path")
				if err != nil {
					return nil, err
				}
				if len(p.String()) > 107 {
					return nil, scshErr("unix-address->socket-address", "path too long", a[0])
				}
				return &interp.Record{Type: s.addrRT, Fields: []interp.Value{pfUnix, interp.NewString(p.String())}}, nil
			}},
		{Name: "socket-address->unix-address", MinArgs: 1, MaxArgs: 1,
			Doc: "(socket-address->unix-address address): the file name of a Unix-domain socket address",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != s.addrRT || r.Fields[0] != pfUnix {
					return nil, argType(0, "address", "a Unix-domain socket address", a[0])
				}
				return r.Fields[1], nil
			}},
		{Name: "create-socket", MinArgs: 2, MaxArgs: 3,
			Doc: "(create-socket protocol-family type [protocol]): a new unconnected socket",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if len(a) == 2 {
					a = append(a, 0)
				}
				n, err := intArgs(a, 0, "protocol-family", "type", "protocol")
				if err != nil {
					return nil, err
				}
				return s.createSocket(n[0], n[1], n[2])
			}},
		{Name: "port->socket", MinArgs: 2, MaxArgs: 2,
			Doc: "(port->socket port protocol-family): a socket over a copy of the descriptor of port, which must be a socket",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, ok := a[0].(*interp.Port)
				if !ok {
					return nil, argType(1, "port", "a port", a[0])
				}
				pf, ok := a[1].(int)
				if !ok {
					return nil, argType(2, "protocol-family", "an exact integer", a[1])
				}
				f := p.OSFile()
				if f == nil || p.IsClosed() {
					return nil, scshErr("port->socket", "the port has no open descriptor", a[0])
				}
				rc, err := f.SyscallConn()
				if err != nil {
					return nil, sockErr("port->socket", err)
				}
				if err := control(f, func(fd int) error {
					_, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
					return err
				}); err != nil {
					return nil, sockErr("getsockopt", err, a[0])
				}
				return s.socketFromRaw(pf, rc)
			}},
		{Name: "bind-socket", MinArgs: 2, MaxArgs: 2,
			Doc: "(bind-socket socket address): give socket the local address",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sock, addr, err := sockAnd(a)
				if err != nil {
					return nil, err
				}
				sa, err := s.familyAddr("bind-socket", sock, addr)
				if err != nil {
					return nil, err
				}
				_, f, _ := s.socketArg(a[0], 1)
				if err := control(f, func(fd int) error { return unix.Bind(fd, sa) }); err != nil {
					return nil, sockErr("bind", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "connect-socket", MinArgs: 2, MaxArgs: 2,
			Doc: "(connect-socket socket address): connect socket to address, waiting until it is done",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sock, addr, err := sockAnd(a)
				if err != nil {
					return nil, err
				}
				sa, err := s.familyAddr("connect-socket", sock, addr)
				if err != nil {
					return nil, err
				}
				_, f, _ := s.socketArg(a[0], 1)
				done, err := connect(f, sa)
				if err != nil {
					return nil, sockErr("connect", err, a[0], a[1])
				}
				if !done {
					// Done once the socket is writable (connected, or
					// failed); asked of poll(2) each time, so that a
					// result that came before the wait began counts.
					if err := s.wait(f, true, writable); err != nil {
						return nil, sockErr("connect", err, a[0], a[1])
					}
					errno, err := soError(f)
					if err == nil && errno != 0 {
						err = unix.Errno(errno)
					}
					if err != nil {
						return nil, sockErr("connect", err, a[0], a[1])
					}
				}
				return interp.Unspecified, nil
			}},
		{Name: "connect-socket-no-wait", MinArgs: 2, MaxArgs: 2,
			Doc: "(connect-socket-no-wait socket address): start connecting socket to address; #t when connected, #f while in progress",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sock, addr, err := sockAnd(a)
				if err != nil {
					return nil, err
				}
				sa, err := s.familyAddr("connect-socket-no-wait", sock, addr)
				if err != nil {
					return nil, err
				}
				_, f, _ := s.socketArg(a[0], 1)
				done, err := connect(f, sa)
				if err != nil {
					return nil, sockErr("connect", err, a[0], a[1])
				}
				return done, nil
			}},
		{Name: "connect-socket-successful?", MinArgs: 1, MaxArgs: 1,
			Doc: "(connect-socket-successful? socket): whether socket has no pending error (after connect-socket-no-wait)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, f, err := s.socketArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				errno, err := soError(f)
				if err != nil {
					return nil, sockErr("getsockopt", err, a[0])
				}
				return errno == 0, nil
			}},
		{Name: "listen-socket", MinArgs: 2, MaxArgs: 2,
			Doc: "(listen-socket socket backlog): make socket accept connections, backlog of them queued",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, f, err := s.socketArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				backlog, ok := a[1].(int)
				if !ok {
					return nil, argType(2, "backlog", "an exact integer", a[1])
				}
				if err := control(f, func(fd int) error { return unix.Listen(fd, backlog) }); err != nil {
					return nil, sockErr("listen", err, a[0])
				}
				return interp.Unspecified, nil
			}},
		{Name: "accept-connection", MinArgs: 1, MaxArgs: 1,
			Doc: "(accept-connection socket): wait for a connection on a listening socket; the new socket and the peer's address, two values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sock, f, err := s.socketArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				conn, addr, err := s.accept(sock, f)
				if err != nil {
					return nil, err
				}
				return interp.Values(conn, addr), nil
			}},
		s.nameRow("socket-remote-address", "getpeername", "(socket-remote-address socket): the address of the peer of a connected socket", unix.Getpeername),
		s.nameRow("socket-local-address", "getsockname", "(socket-local-address socket): the local address of socket", unix.Getsockname),
		{Name: "shutdown-socket", MinArgs: 2, MaxArgs: 2,
			Doc: "(shutdown-socket socket how): stop receiving, sending or both (shutdown/receives, shutdown/sends, shutdown/sends+receives)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, f, err := s.socketArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				how, ok := a[1].(int)
				if !ok {
					return nil, argType(2, "how", "an exact integer", a[1])
				}
				if err := control(f, func(fd int) error { return unix.Shutdown(fd, how) }); err != nil {
					return nil, sockErr("shutdown", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "create-socket-pair", MinArgs: 1, MaxArgs: 1,
			Doc: "(create-socket-pair type): two Unix-domain sockets connected to each other, two values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				typ, ok := a[0].(int)
				if !ok {
					return nil, argType(0, "type", "an exact integer", a[0])
				}
				fds, err := unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return nil, syscallError("socketpair", err, a[0])
				}
				s1, err := s.newSocket(pfUnix, fds[0])
				if err != nil {
					unix.Close(fds[1])
					return nil, err
				}
				s2, err := s.newSocket(pfUnix, fds[1])
				if err != nil {
					s.closeSocket(s1)
					return nil, err
				}
				return interp.Values(s1, s2), nil
			}},
		s.receiveRow("receive-message", false),
		s.receiveRow("receive-message/partial", true),
		s.receiveIntoRow("receive-message!", false),
		s.receiveIntoRow("receive-message!/partial", true),
		s.sendRow("send-message", false),
		s.sendRow("send-message/partial", true),
		{Name: "socket-option", MinArgs: 3, MaxArgs: 3,
			Doc: "(socket-option socket level option): the value of a socket option: a boolean, a number, or for socket/linger #f or the seconds",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, f, err := s.socketArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				n, err := intArgs(a, 1, "level", "option")
				if err != nil {
					return nil, err
				}
				kind := optionKind(n[0], n[1])
				if kind == "" {
					return nil, scshErr("socket-option", "unknown option", a[1], a[2])
				}
				var val interp.Value
				err = control(f, func(fd int) error {
					if kind == "linger" {
						l, err := unix.GetsockoptLinger(fd, n[0], n[1])
						if err == nil {
							val = false
							if l.Onoff != 0 {
								val = int(l.Linger)
							}
						}
						return err
					}
					x, err := unix.GetsockoptInt(fd, n[0], n[1])
					if kind == "boolean" {
						val = x != 0
					} else {
						val = x
					}
					return err
				})
				if err != nil {
					return nil, sockErr("getsockopt", err, a[0], a[1], a[2])
				}
				return val, nil
			}},
		{Name: "set-socket-option", MinArgs: 4, MaxArgs: 4,
			Doc: "(set-socket-option socket level option value): set a socket option (a boolean, a number, or for socket/linger #f or the seconds)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, f, err := s.socketArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				n, err := intArgs(a, 1, "level", "option")
				if err != nil {
					return nil, err
				}
				kind := optionKind(n[0], n[1])
				if kind == "" {
					return nil, scshErr("set-socket-option", "unknown option", a[1], a[2])
				}
				var set func(fd int) error
				switch kind {
				case "boolean":
					on := 0
					if interp.IsTrue(a[3]) {
						on = 1
					}
					set = func(fd int) error { return unix.SetsockoptInt(fd, n[0], n[1], on) }
				case "value":
					x, ok := a[3].(int)
					if !ok {
						return nil, argType(4, "value", "an exact integer", a[3])
					}
					set = func(fd int) error { return unix.SetsockoptInt(fd, n[0], n[1], x) }
				case "linger":
					l := &unix.Linger{}
					if a[3] != false {
						secs, ok := a[3].(int)
						if !ok || secs < 0 {
							return nil, argType(4, "value", "#f or a number of seconds", a[3])
						}
						l.Onoff, l.Linger = 1, int32(secs)
					}
					set = func(fd int) error { return unix.SetsockoptLinger(fd, n[0], n[1], l) }
				}
				if err := control(f, set); err != nil {
					return nil, sockErr("setsockopt", err, a[0], a[1], a[2], a[3])
				}
				return interp.Unspecified, nil
			}},
		{Name: "bind-listen-accept-loop", MinArgs: 3, MaxArgs: 3,
			Doc: "(bind-listen-accept-loop protocol-family proc arg): serve arg (port, service or file); (proc socket address) per connection",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pf, ok := a[0].(int)
				if !ok {
					return nil, argType(1, "protocol-family", "an exact integer", a[0])
				}
				if !interp.IsProcedure(a[1]) {
					return nil, argType(2, "proc", "a procedure", a[1])
				}
				noop := &interp.Primitive{Name: "prepare", MinArgs: 0, MaxArgs: 0,
					Fn: func(*interp.Interp, []interp.Value) (interp.Value, error) { return true, nil }}
				return s.listenLoop(pf, noop, a[1], a[2], 3)
			}},
		{Name: "bind-prepare-listen-accept-loop", MinArgs: 4, MaxArgs: 4,
			Doc: "(bind-prepare-listen-accept-loop protocol-family prepare proc arg): bind-listen-accept-loop, with (prepare) before listening",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pf, ok := a[0].(int)
				if !ok {
					return nil, argType(1, "protocol-family", "an exact integer", a[0])
				}
				if !interp.IsProcedure(a[1]) {
					return nil, argType(2, "prepare", "a procedure", a[1])
				}
				if !interp.IsProcedure(a[2]) {
					return nil, argType(3, "proc", "a procedure", a[2])
				}
				return s.listenLoop(pf, a[1], a[2], a[3], 4)
			}},
		{Name: "network-info", MinArgs: 1, MaxArgs: 1,
			Doc: "(network-info name/number): the network-info record of a network in /etc/networks, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				switch a[0].(type) {
				case *interp.String, int:
				default:
					return nil, argType(0, "name/number", "a network name or number", a[0])
				}
				return dbInfo(s.networkRT, networksFile, inetNetwork, nil, a[0])
			}},
		{Name: "protocol-info", MinArgs: 1, MaxArgs: 1,
			Doc: "(protocol-info name/number): the protocol-info record of a protocol in /etc/protocols, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				switch a[0].(type) {
				case *interp.String, int:
				default:
					return nil, argType(0, "name/number", "a protocol name or number", a[0])
				}
				return dbInfo(s.protocolRT, protocolsFile, decimal, builtinProtocols, a[0])
			}},
	}...)
}

// nameRow is socket-remote-address or socket-local-address.
func (s *sockets) nameRow(name, call, doc string, get func(int) (unix.Sockaddr, error)) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			sock, f, err := s.socketArg(a[0], 0)
			if err != nil {
				return nil, err
			}
			var sa unix.Sockaddr
			if err := control(f, func(fd int) (err error) {
				sa, err = get(fd)
				return err
			}); err != nil {
				return nil, sockErr(call, err, a[0])
			}
			fam, _ := sock.Fields[0].(int)
			r, err := s.addrRecord(fam, sa)
			if err != nil {
				return nil, scshErr(name, err.Error(), a[0])
			}
			return r, nil
		}}
}

// receiveRow is receive-message[/partial] (socket len [flags]).
func (s *sockets) receiveRow(name string, partial bool) interp.Builtin {
	more := "len bytes (fewer at the end)"
	if partial {
		more = "the bytes there, up to len"
	}
	return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 3,
		Doc: "(" + name + " socket len [flags]): " + more + ": a string (#f at EOF) and the sender's address",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			sock, f, err := s.socketArg(a[0], 1)
			if err != nil {
				return nil, err
			}
			n, ok := a[1].(int)
			if !ok || n < 0 {
				return nil, argType(2, "len", "a non-negative integer", a[1])
			}
			flags, err := intArg(a, 2, "flags", 0)
			if err != nil {
				return nil, err
			}
			if max := it.MaxRead(); max > 0 && n > max {
				return nil, scshErr(name, "len is beyond the read limit ("+strconv.Itoa(max)+" bytes)", a[1])
			}
			buf := make([]byte, n)
			got, addr, err := s.receive(name, sock, f, buf, flags, partial)
			if err != nil {
				return nil, err
			}
			if got < 0 {
				return interp.Values(false, addr), nil
			}
			return interp.Values(interp.NewStringLatin1(buf[:got]), addr), nil
		}}
}

// receiveIntoRow is receive-message![/partial] (socket string [start end
// flags]).
func (s *sockets) receiveIntoRow(name string, partial bool) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 5,
		Doc: "(" + name + " socket string [start end flags]): receive into string; the count (#f at EOF), the sender",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			sock, f, err := s.socketArg(a[0], 1)
			if err != nil {
				return nil, err
			}
			str, err := str(a[1], 2, "string")
			if err != nil {
				return nil, err
			}
			if str.Immutable {
				return nil, scshErr(name, "the string is immutable", a[1])
			}
			start, end, err := strRange(name, str, a, 2)
			if err != nil {
				return nil, err
			}
			flags, err := intArg(a, 4, "flags", 0)
			if err != nil {
				return nil, err
			}
			buf := make([]byte, end-start)
			got, addr, err := s.receive(name, sock, f, buf, flags, partial)
			if err != nil {
				return nil, err
			}
			if got < 0 {
				return interp.Values(false, addr), nil
			}
			for i := 0; i < got; i++ {
				str.Set(start+i, rune(buf[i]))
			}
			return interp.Values(got, addr), nil
		}}
}

// sendRow is send-message[/partial] (socket string [start end flags
// address]).
func (s *sockets) sendRow(name string, partial bool) interp.Builtin {
	what := "send all of string's bytes (chars < 256)"
	if partial {
		what = "send what the socket takes of string; the count"
	}
	return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 6,
		Doc: "(" + name + " socket string [start end flags address]): " + what,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			sock, f, err := s.socketArg(a[0], 1)
			if err != nil {
				return nil, err
			}
			str, err := str(a[1], 2, "string")
			if err != nil {
				return nil, err
			}
			start, end, err := strRange(name, str, a, 2)
			if err != nil {
				return nil, err
			}
			flags, err := intArg(a, 4, "flags", 0)
			if err != nil {
				return nil, err
			}
			var to unix.Sockaddr
			if len(a) > 5 && a[5] != false && a[5] != interp.DefaultObject {
				addr, err := s.addrArg(a[5], 6)
				if err != nil {
					return nil, err
				}
				if to, err = s.familyAddr(name, sock, addr); err != nil {
					return nil, err
				}
			}
			b, err := latin1Bytes(name, str, start, end)
			if err != nil {
				return nil, err
			}
			sent := 0
			for {
				n, err := s.send(f, b[sent:], flags, to)
				if err != nil {
					return nil, sockErr("send", err, a[0])
				}
				sent += n
				if partial {
					return sent, nil
				}
				if sent >= len(b) {
					return interp.Unspecified, nil
				}
			}
		}}
}

// socketDocs documents the constants and option lists.
var socketDocs = func() []interp.DocLine {
	var lines []interp.DocLine
	for _, c := range socketConstants {
		lines = append(lines, interp.DocLine{Name: c.name, Doc: c.name + ": " + c.doc + ", " + strconv.Itoa(c.val)})
	}
	for _, o := range socketOptions {
		lines = append(lines, interp.DocLine{Name: o.name, Doc: o.name + ": socket option: " + o.doc})
	}
	return append(lines,
		interp.DocLine{Name: "options/boolean", Doc: "options/boolean: the socket options whose value is a boolean"},
		interp.DocLine{Name: "options/value", Doc: "options/value: the socket options whose value is a number"},
		interp.DocLine{Name: "options/linger", Doc: "options/linger: the socket options whose value is #f or a number of seconds"},
		interp.DocLine{Name: "options/timeout", Doc: "options/timeout: the socket options whose value is a time (none on Linux, as in scsh 0.6)"},
		interp.DocLine{Name: "type/socket-address", Doc: "type/socket-address: the record type of socket addresses"},
		interp.DocLine{Name: "type/network-info", Doc: "type/network-info: the record type of network-info records"},
		interp.DocLine{Name: "type/protocol-info", Doc: "type/protocol-info: the record type of protocol-info records"},
	)
}()
