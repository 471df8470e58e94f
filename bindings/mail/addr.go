package mail

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Default POP3 ports (RFC 1939, RFC 8314).
const (
	pop3Port  = 110
	pop3sPort = 995
)

// pop3Target is where pop3-connect goes.
type pop3Target struct {
	Host string // the host name or address, without port or brackets
	Port int
	TLS  bool // implicit TLS (POP3S)
}

// Addr returns host:port for dialing.
func (t pop3Target) Addr() string {
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// parsePOP3Target reads the host argument of pop3-connect: "host",
// "host:port", "[v6addr]:port", a bare IPv6 address, "pop3://host[:port]"
// or "pop3s://host[:port]". Port 995 and pop3s:// mean implicit TLS, as
// does forceTLS (pop3-connect/tls), which also makes 995 the default port.
func parsePOP3Target(s string, forceTLS bool) (pop3Target, error) {
	orig := s
	s = strings.TrimSpace(s)
	t := pop3Target{Port: pop3Port, TLS: forceTLS}
	if forceTLS {
		t.Port = pop3sPort
	}
	if i := strings.Index(s, "://"); i >= 0 {
		switch strings.ToLower(s[:i]) {
		case "pop3", "pop":
		case "pop3s", "pops":
			t.TLS, t.Port = true, pop3sPort
		default:
			return t, fmt.Errorf("unknown scheme %q in host %q (use pop3:// or pop3s://)", s[:i], orig)
		}
		s = strings.TrimSuffix(s[i+3:], "/")
	}
	if s == "" {
		return t, fmt.Errorf("empty host name %q", orig)
	}
	if strings.ContainsAny(s, " \t\r\n\x00/@?#") {
		return t, fmt.Errorf("bad host name %q", orig)
	}
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return t, fmt.Errorf("bad host name %q: missing ]", orig)
		}
		host, rest := s[1:end], s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return t, fmt.Errorf("bad host name %q", orig)
			}
			p, err := p3ParsePort(rest[1:], orig)
			if err != nil {
				return t, err
			}
			t.Port = p
		}
		s = host
	case strings.Count(s, ":") == 1:
		i := strings.IndexByte(s, ':')
		p, err := p3ParsePort(s[i+1:], orig)
		if err != nil {
			return t, err
		}
		s, t.Port = s[:i], p
	}
	if s == "" {
		return t, fmt.Errorf("empty host name %q", orig)
	}
	t.Host = s
	if t.Port == pop3sPort {
		t.TLS = true
	}
	return t, nil
}

func p3ParsePort(s, orig string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("bad port %q in host %q (want 1-65535)", s, orig)
	}
	return p, nil
}
