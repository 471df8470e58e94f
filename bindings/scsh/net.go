package scsh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"popsh/interp"
)

// hostInfo is the result of host-info: canonical name, aliases and IPv4
// addresses as 32-bit integers (network order), as scsh returns them.
type hostInfo struct {
	Name      string
	Aliases   []string
	Addresses []uint32
	IPs       []net.IP
}

// lookupHost resolves name the way scsh's name->host-info does: an IPv4
// literal is itself, "localhost" is 127.0.0.1, anything else goes to the
// resolver. An unknown host gives scsh's "non-zero herrno" error.
func lookupHost(ctx context.Context, name string) (*hostInfo, error) {
	if ip := net.ParseIP(name); ip != nil {
		return newHostInfo(name, nil, []net.IP{ip}), nil
	}
	if strings.EqualFold(name, "localhost") {
		return newHostInfo("localhost", nil, []net.IP{net.IPv4(127, 0, 0, 1)}), nil
	}
	// RFC 6761: names under .invalid never resolve; answer at once
	// (and without network access).
	if n := strings.ToLower(strings.TrimSuffix(name, ".")); n == "invalid" || strings.HasSuffix(n, ".invalid") {
		return nil, &interp.ErrorObject{Who: "host-info", Message: "name->host-info: non-zero herrno",
			Irritants: []interp.Value{interp.NewString(name)}}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, name)
	if err != nil || len(addrs) == 0 {
		return nil, &interp.ErrorObject{Who: "host-info", Message: "name->host-info: non-zero herrno",
			Irritants: []interp.Value{interp.NewString(name)}, Cause: err}
	}
	canon := name
	if c, err := net.DefaultResolver.LookupCNAME(ctx, name); err == nil && c != "" {
		canon = strings.TrimSuffix(c, ".")
	}
	var aliases []string
	if canon != name {
		aliases = []string{name}
	}
	ips := make([]net.IP, len(addrs))
	for i, a := range addrs {
		ips[i] = a.IP
	}
	return newHostInfo(canon, aliases, ips), nil
}

func newHostInfo(name string, aliases []string, ips []net.IP) *hostInfo {
	h := &hostInfo{Name: name, Aliases: aliases}
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil {
			h.Addresses = append(h.Addresses, uint32(v4[0])<<24|uint32(v4[1])<<16|uint32(v4[2])<<8|uint32(v4[3]))
			h.IPs = append(h.IPs, ip)
		}
	}
	for _, ip := range ips {
		if ip.To4() == nil {
			h.IPs = append(h.IPs, ip)
		}
	}
	return h
}

// serviceEntry is one row of the built-in services table.
type serviceEntry struct {
	Name    string
	Aliases []string
	Port    int
}

// builtinServices is consulted before /etc/services so that the names the
// old libraries use resolve everywhere ("pop-3" is only an alias on Debian
// and unknown to Go's own fallback).
var builtinServices = []serviceEntry{
	{"pop3", []string{"pop-3", "pop"}, 110},
	{"pop3s", []string{"pop3-ssl"}, 995},
	{"smtp", []string{"mail"}, 25},
	{"submission", nil, 587},
	{"ftp", nil, 21},
	{"ftp-data", nil, 20},
	{"nntp", []string{"readnews", "untp"}, 119},
	{"imap", []string{"imap2"}, 143},
	{"imaps", nil, 993},
	{"time", []string{"timserver"}, 37},
	{"daytime", nil, 13},
	{"finger", nil, 79},
	{"http", []string{"www"}, 80},
	{"https", nil, 443},
	{"telnet", nil, 23},
	{"ssh", nil, 22},
	{"echo", nil, 7},
}

// servicesOverride parses POPSH_SERVICES ("pop3=11110,smtp=2525"): it
// points a service name at another port, so that a script's unchanged
// (service-info "pop3" "tcp") reaches a test server.
func servicesOverride() (map[string]int, error) {
	s := os.Getenv("POPSH_SERVICES")
	if s == "" {
		return nil, nil
	}
	m := map[string]int{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("POPSH_SERVICES: bad entry %q (want name=port)", item)
		}
		m[k] = n
	}
	return m, nil
}

// lookupService resolves a service name (or a port number) for proto.
func lookupService(name string, port int, proto string) (*serviceEntry, error) {
	over, err := servicesOverride()
	if err != nil {
		return nil, err
	}
	if name == "" {
		for _, e := range builtinServices {
			if e.Port == port {
				return &serviceEntry{Name: e.Name, Aliases: e.Aliases, Port: port}, nil
			}
		}
		return &serviceEntry{Name: strconv.Itoa(port), Port: port}, nil
	}
	for _, e := range builtinServices {
		match := e.Name == name
		for _, a := range e.Aliases {
			match = match || a == name
		}
		if match {
			r := e
			if p, ok := over[e.Name]; ok {
				r.Port = p
			} else if p, ok := over[name]; ok {
				r.Port = p
			}
			return &r, nil
		}
	}
	if p, ok := over[name]; ok {
		return &serviceEntry{Name: name, Port: p}, nil
	}
	if proto == "" {
		proto = "tcp"
	}
	p, err := net.LookupPort(proto, name)
	if err != nil {
		return nil, &interp.ErrorObject{Who: "service-info", Message: "unknown service",
			Irritants: []interp.Value{interp.NewString(name), interp.NewString(proto)}, Cause: err}
	}
	return &serviceEntry{Name: name, Port: p}, nil
}

// errnoOf extracts the errno of a network or file error, or 0.
func errnoOf(err error) int {
	var en syscall.Errno
	if errors.As(err, &en) {
		return int(en)
	}
	return 0
}

// syscallError builds a scsh syscall-error condition: stuff is
// (errno message syscall . data).
func syscallError(syscallName string, err error, data ...interp.Value) *interp.ErrorObject {
	errno := errnoOf(err)
	msg := err.Error()
	var en syscall.Errno
	if errors.As(err, &en) {
		msg = en.Error()
	}
	irr := append([]interp.Value{errno, interp.NewString(msg), interp.Intern(syscallName)}, data...)
	return &interp.ErrorObject{Kind: "syscall-error", Who: syscallName, Message: "", Irritants: irr, Cause: err}
}

// fileError is a syscall-error about a file that R7RS code sees as a
// file error: Kind is file-error (so file-error? is true), the stuff is
// still (errno message syscall file ...) for syscall-error? and
// with-errno-handler, and the message names the file.
func fileError(syscallName string, err error, file string, data ...interp.Value) *interp.ErrorObject {
	eo := syscallError(syscallName, err, append([]interp.Value{interp.NewString(file)}, data...)...)
	eo.Kind = interp.KindFileError
	eo.Message = file + ": " + interp.DisplayString(eo.Irritants[1])
	return eo
}

// dialInternet connects to host:port over network ("tcp" or "udp") with a
// deadline.
func dialInternet(ctx context.Context, network, host string, port int) (net.Conn, error) {
	h, err := lookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(h.IPs) == 0 {
		return nil, &interp.ErrorObject{Who: "socket-connect", Message: "host has no address", Irritants: []interp.Value{interp.NewString(host)}}
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	c, err := d.DialContext(ctx, network, net.JoinHostPort(h.IPs[0].String(), strconv.Itoa(port)))
	if err != nil {
		return nil, syscallError("connect", err, interp.NewString(host), port)
	}
	return c, nil
}
