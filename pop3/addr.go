package pop3

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// The POP3 ports: 110 for plain text and STLS (RFC 1939), 995 for
// implicit TLS (RFC 8314).
const (
	portPlain = 110
	portTLS   = 995
)

// Addr is the address of a POP3 server, as [ParseAddr] reads it.
type Addr struct {
	Host string // host name or IP address, without brackets
	Port int    // 1 to 65535
	TLS  bool   // implicit TLS: pop3s://, port 995, or asked for by the caller
}

// String returns the address in the form "host:port" ("[v6addr]:port"
// for an IPv6 address), as [Dial] and the net package take it.
func (a Addr) String() string {
	return net.JoinHostPort(a.Host, strconv.Itoa(a.Port))
}

// ParseAddr parses the address of a POP3 server, in one of the forms
//
//	host
//	host:port
//	v6addr             a bare IPv6 address
//	[v6addr]
//	[v6addr]:port
//	pop3://ADDR        ADDR is any of the above, with an optional final "/"
//	pop3s://ADDR       implicit TLS
//
// where pops:// is pop3s:// and pop:// is pop3://, and blanks around s
// are ignored. The port is a number from 1 to 65535. It defaults to 110,
// or to 995 when implicitTLS is set or the scheme is pop3s://; port 995
// means implicit TLS, and so does implicitTLS: [Addr.TLS] is set. A
// malformed address is an error matching [ErrBadArgument] that quotes s.
func ParseAddr(s string, implicitTLS bool) (Addr, error) {
	orig := s
	bad := func(format string, args ...any) (Addr, error) {
		return Addr{}, addrError{fmt.Sprintf(format, args...)}
	}
	s = strings.TrimSpace(s)
	a := Addr{Port: portPlain, TLS: implicitTLS}
	if implicitTLS {
		a.Port = portTLS
	}
	if i := strings.Index(s, "://"); i >= 0 {
		switch strings.ToLower(s[:i]) {
		case "pop3", "pop":
		case "pop3s", "pops":
			a.TLS, a.Port = true, portTLS
		default:
			return bad("unknown scheme %q in host %q (use pop3:// or pop3s://)", s[:i], orig)
		}
		s = strings.TrimSuffix(s[i+3:], "/")
	}
	if s == "" {
		return bad("empty host name %q", orig)
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == 0x7f || strings.IndexByte("/@?#", b) >= 0 {
			return bad("bad host name %q", orig)
		}
	}
	host := s
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return bad("bad host name %q: missing ]", orig)
		}
		host = s[1:end]
		if _, err := netip.ParseAddr(host); err != nil {
			return bad("bad host name %q: %q is not an IP address", orig, host)
		}
		if rest := s[end+1:]; rest != "" {
			if rest[0] != ':' {
				return bad("bad host name %q", orig)
			}
			p, err := parsePort(rest[1:], orig)
			if err != nil {
				return Addr{}, err
			}
			a.Port = p
		}
	case strings.Count(s, ":") == 1:
		i := strings.IndexByte(s, ':')
		p, err := parsePort(s[i+1:], orig)
		if err != nil {
			return Addr{}, err
		}
		host, a.Port = s[:i], p
	case strings.Contains(s, ":"):
		if _, err := netip.ParseAddr(s); err != nil {
			return bad("bad host name %q (write an IPv6 address with a port as [v6addr]:port)", orig)
		}
	}
	if host == "" {
		return bad("empty host name %q", orig)
	}
	if strings.ContainsAny(host, "[]") {
		return bad("bad host name %q", orig)
	}
	a.Host = host
	if a.Port == portTLS {
		a.TLS = true
	}
	return a, nil
}

func parsePort(s, orig string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 || s[0] < '0' || s[0] > '9' {
		return 0, addrError{fmt.Sprintf("bad port %q in host %q (want 1-65535)", s, orig)}
	}
	return p, nil
}

// addrError is the error of [ParseAddr]: it matches [ErrBadArgument] and
// says what is wrong with the address.
type addrError struct{ text string }

func (e addrError) Error() string { return "pop3: " + e.text }
func (e addrError) Unwrap() error { return ErrBadArgument }
