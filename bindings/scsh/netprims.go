package scsh

import (
	"net"
	"syscall"

	"popsh/interp"
)

func strList(ss []string) interp.Value {
	vals := make([]interp.Value, len(ss))
	for i, s := range ss {
		vals[i] = interp.NewString(s)
	}
	return interp.List(vals...)
}

// Socket address families and types, with Linux values.
const (
	pfUnix     = syscall.AF_UNIX
	pfInternet = syscall.AF_INET
	sockStream = syscall.SOCK_STREAM
	sockDgram  = syscall.SOCK_DGRAM
)

// netConstants are the variables naming them.
var netConstants = []struct {
	name string
	val  int
	doc  string
}{
	{"protocol-family/internet", pfInternet, "the IPv4 protocol family (AF_INET)"},
	{"protocol-family/unix", pfUnix, "the Unix-domain protocol family (AF_UNIX)"},
	{"address-family/internet", pfInternet, "the IPv4 address family (AF_INET)"},
	{"address-family/unix", pfUnix, "the Unix-domain address family (AF_UNIX)"},
	{"socket-type/stream", sockStream, "stream sockets (SOCK_STREAM)"},
	{"socket-type/datagram", sockDgram, "datagram sockets (SOCK_DGRAM)"},
}

func (e *scshEnv) installNet() {
	hostRT := e.goRecordType("scsh: networking", "host-info", []string{"name", "aliases", "addresses"}, func(r *interp.Record) string {
		return "#{host " + interp.DisplayString(r.Fields[0]) + "}"
	})
	servRT := e.goRecordType("scsh: networking", "service-info", []string{"name", "aliases", "port", "protocol"}, func(r *interp.Record) string {
		return "#{service " + interp.DisplayString(r.Fields[0]) + "}"
	})
	sockRT := e.goRecordType("scsh: networking", "socket", []string{"family", "inport", "outport"}, func(r *interp.Record) string {
		return "#{socket}"
	})
	for _, c := range netConstants {
		e.it.Define(c.name, c.val)
	}
	e.it.DefineBuiltins("scsh: networking", []interp.Builtin{
		{Name: "host-info", MinArgs: 1, MaxArgs: 1,
			Doc: "(host-info name/addr): the host-info record of a host name or address",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, ok := a[0].(*interp.String)
				if !ok {
					return nil, argType(0, "name/addr", "a host name string", a[0])
				}
				h, err := lookupHost(e.ctx(), s.String())
				if err != nil {
					return nil, err
				}
				addrs := make([]interp.Value, len(h.Addresses))
				for i, ad := range h.Addresses {
					addrs[i] = int(ad)
				}
				return &interp.Record{Type: hostRT, Fields: []interp.Value{interp.NewString(h.Name), strList(h.Aliases), interp.List(addrs...)}}, nil
			}},
		{Name: "service-info", MinArgs: 1, MaxArgs: 2,
			Doc: "(service-info name/port [protocol]): the service-info record of a service",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				proto := "tcp"
				if len(a) > 1 {
					p, err := str(a[1], 2, "protocol")
					if err != nil {
						return nil, err
					}
					proto = p.String()
				}
				var se *serviceEntry
				var err error
				switch x := a[0].(type) {
				case *interp.String:
					se, err = lookupService(x.String(), 0, proto)
				case int:
					se, err = lookupService("", x, proto)
				default:
					return nil, argType(1, "name/port", "a service name or port number", a[0])
				}
				if err != nil {
					if _, ok := err.(*interp.ErrorObject); ok {
						return nil, err
					}
					return nil, scshErr("service-info", err.Error())
				}
				return &interp.Record{Type: servRT, Fields: []interp.Value{interp.NewString(se.Name), strList(se.Aliases), se.Port, interp.NewString(proto)}}, nil
			}},
		{Name: "socket-connect", MinArgs: 3, MaxArgs: 4,
			Doc: "(socket-connect family type host [port]): a socket connected to host:port, or to the Unix socket host",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fam, ok := a[0].(int)
				if !ok || (fam != pfInternet && fam != pfUnix) {
					return nil, argType(1, "family", "protocol-family/internet or protocol-family/unix", a[0])
				}
				if fam == pfInternet && len(a) < 4 {
					return nil, scshErr("socket-connect", "an Internet socket needs a host and a port", a[2])
				}
				typ, ok := a[1].(int)
				if !ok || (typ != sockStream && typ != sockDgram) {
					return nil, scshErr("socket-connect", "only socket-type/stream and socket-type/datagram are supported", a[1])
				}
				var conn net.Conn
				if fam == pfUnix {
					path, err := str(a[2], 3, "host")
					if err != nil {
						return nil, err
					}
					network := "unix"
					if typ == sockDgram {
						network = "unixgram"
					}
					c, derr := (&net.Dialer{}).DialContext(e.ctx(), network, path.String())
					if derr != nil {
						return nil, syscallError("connect", derr, interp.NewString(path.String()))
					}
					conn = c
				} else {
					host, err := str(a[2], 3, "host")
					if err != nil {
						return nil, err
					}
					var port int
					switch p := a[3].(type) {
					case int:
						port = p
					case *interp.String:
						se, err := lookupService(p.String(), 0, "tcp")
						if err != nil {
							return nil, err
						}
						port = se.Port
					default:
						return nil, argType(4, "port", "a port number or service name", a[3])
					}
					if port <= 0 || port > 65535 {
						return nil, scshErr("socket-connect", "port out of range", a[3])
					}
					network := "tcp"
					if typ == sockDgram {
						network = "udp"
					}
					c, derr := dialInternet(e.ctx(), network, host.String(), port)
					if derr != nil {
						return nil, derr
					}
					conn = c
				}
				return e.socketOfConn(sockRT, fam, conn)
			}},
		{Name: "close-socket", MinArgs: 1, MaxArgs: 1,
			Doc: "(close-socket socket): close socket and its ports",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != sockRT {
					return nil, argType(0, "socket", "a socket", a[0])
				}
				var first error
				for _, f := range []interp.Value{r.Fields[2], r.Fields[1]} {
					if p, ok := f.(*interp.Port); ok {
						if err := p.Close(); err != nil && first == nil {
							first = err
						}
					}
				}
				if first != nil && !isClosedErr(first) {
					return nil, ioErr("close-socket", first)
				}
				return interp.Unspecified, nil
			}},
	}...)
}

func isClosedErr(err error) bool {
	return err != nil && (errorsIsNetClosed(err))
}

func errorsIsNetClosed(err error) bool {
	for err != nil {
		if err == net.ErrClosed {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}
