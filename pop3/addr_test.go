package pop3

import (
	"errors"
	"net"
	"strings"
	"testing"

	"popsh/pop3/server"
)

func TestParseAddr(t *testing.T) {
	for _, tc := range []struct {
		in       string
		tls      bool // the implicitTLS argument
		host     string
		port     int
		implicit bool // want Addr.TLS
		str      string
	}{
		{in: "mail.example.org", host: "mail.example.org", port: 110, str: "mail.example.org:110"},
		{in: "  mail.example.org\t", host: "mail.example.org", port: 110},
		{in: "mail.example.org:1110", host: "mail.example.org", port: 1110},
		{in: "mail.example.org:995", host: "mail.example.org", port: 995, implicit: true},
		{in: "mail.example.org", tls: true, host: "mail.example.org", port: 995, implicit: true},
		{in: "mail.example.org:2995", tls: true, host: "mail.example.org", port: 2995, implicit: true},
		{in: "pop3://mail.example.org", host: "mail.example.org", port: 110},
		{in: "POP3://mail.example.org/", host: "mail.example.org", port: 110},
		{in: "pop://mail.example.org:1110", host: "mail.example.org", port: 1110},
		{in: "pop3s://mail.example.org", host: "mail.example.org", port: 995, implicit: true},
		{in: "pop3s://mail.example.org:2995/", host: "mail.example.org", port: 2995, implicit: true},
		{in: "pops://mail.example.org", host: "mail.example.org", port: 995, implicit: true},
		{in: "192.0.2.7", host: "192.0.2.7", port: 110},
		{in: "192.0.2.7:8110", host: "192.0.2.7", port: 8110, str: "192.0.2.7:8110"},
		{in: "::1", host: "::1", port: 110, str: "[::1]:110"},
		{in: "[::1]", host: "::1", port: 110},
		{in: "[::1]:1110", host: "::1", port: 1110, str: "[::1]:1110"},
		{in: "pop3s://[2001:db8::1]", host: "2001:db8::1", port: 995, implicit: true, str: "[2001:db8::1]:995"},
		{in: "[fe80::1%eth0]:110", host: "fe80::1%eth0", port: 110},
	} {
		got, err := ParseAddr(tc.in, tc.tls)
		if err != nil || got.Host != tc.host || got.Port != tc.port || got.TLS != tc.implicit {
			t.Errorf("ParseAddr(%q, %v) = %+v, %v; want %s %d tls=%v", tc.in, tc.tls, got, err, tc.host, tc.port, tc.implicit)
			continue
		}
		if tc.str != "" && got.String() != tc.str {
			t.Errorf("ParseAddr(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
	}
}

func TestParseAddrRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty host name"},
		{"   ", "empty host name"},
		{"pop3://", "empty host name"},
		{":110", "empty host name"},
		{"[]:110", "not an IP address"},
		{"imap://x", `unknown scheme "imap"`},
		{"ftp://x", "unknown scheme"},
		{"x:0", `bad port "0"`},
		{"x:65536", "bad port"},
		{"x:99999", "bad port"},
		{"x:abc", "bad port"},
		{"x:+110", "bad port"},
		{"x:", "bad port"},
		{"x:pop3", "bad port"},
		{"a b", "bad host name"},
		{"a\x00b", "bad host name"},
		{"a\r\nb", "bad host name"},
		{"user@host", "bad host name"},
		{"host/path", "bad host name"},
		{"pop3://host/path", "bad host name"},
		{"host?x", "bad host name"},
		{"[::1", "missing ]"},
		{"[::1]x", "bad host name"},
		{"[mail.example.org]:110", "not an IP address"},
		{"a:b:c", "[v6addr]:port"},
		{"a]b", "bad host name"},
	} {
		got, err := ParseAddr(tc.in, false)
		if err == nil {
			t.Errorf("ParseAddr(%q) = %+v, want an error", tc.in, got)
			continue
		}
		if !errors.Is(err, ErrBadArgument) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "pop3: ") {
			t.Errorf("ParseAddr(%q) = %v; want an ErrBadArgument saying %q", tc.in, err, tc.want)
		}
		if got != (Addr{}) {
			t.Errorf("ParseAddr(%q) = %+v with its error, want the zero Addr", tc.in, got)
		}
	}
}

// FuzzParseAddr checks that ParseAddr never panics and that what it
// accepts is a usable address that reads back the same.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"mail.example.org", "h:1110", "[::1]:995", "::1", "pop3s://h/", "pops://[fe80::1%25x]:1", "x:0", "[", "a:b:c"} {
		f.Add(s, false)
	}
	f.Add("h", true)
	f.Fuzz(func(t *testing.T, s string, implicitTLS bool) {
		a, err := ParseAddr(s, implicitTLS)
		if err != nil {
			if !errors.Is(err, ErrBadArgument) {
				t.Fatalf("ParseAddr(%q): error %v does not match ErrBadArgument", s, err)
			}
			return
		}
		if a.Host == "" || a.Port < 1 || a.Port > 65535 || strings.ContainsAny(a.Host, " \t\r\n\x00/@?#[]") {
			t.Fatalf("ParseAddr(%q) = %+v: not a usable address", s, a)
		}
		if (a.Port == portTLS || implicitTLS) && !a.TLS {
			t.Fatalf("ParseAddr(%q, %v) = %+v: port 995 or implicitTLS without TLS", s, implicitTLS, a)
		}
		b, err := ParseAddr(a.String(), a.TLS)
		if err != nil || b != a {
			t.Fatalf("ParseAddr(%q) = %+v, but its String %q reads back as %+v, %v", s, a, a.String(), b, err)
		}
	})
}

func TestDialAddr(t *testing.T) {
	e := newEnv(t, true, nil)
	ctx := testCtx(t)
	if _, err := Dial(ctx, "bad host", nil); !errors.Is(err, ErrBadArgument) {
		t.Errorf("Dial(bad host): %v", err)
	}
	// An address that asks for TLS is refused with options that forbid it,
	// before anything is dialled.
	for _, mode := range []TLSMode{PlainText, StartTLS} {
		o := e.opts()
		o.TLS = mode
		if _, err := Dial(ctx, "pop3s://"+e.tls, o); !errors.Is(err, ErrBadArgument) {
			t.Errorf("Dial(pop3s://, %v): %v, want ErrBadArgument", mode, err)
		}
	}
	// With TLSAuto, pop3s:// means implicit TLS.
	o := e.opts()
	o.TLS = TLSAuto
	c, err := Dial(ctx, "pop3s://"+e.tls+"/", o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() {
		t.Error("pop3s:// address: connection not encrypted")
	}
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		t.Fatal(err)
	}
}

func TestDialIPv6(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	be := server.NewMemoryBackend()
	be.AddUser("alice", "wonderland")
	srv := server.New(server.Options{Backend: be})
	go srv.Serve(l)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	c, err := Dial(testCtx(t), "[::1]:"+port, &Options{TLS: PlainText})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Host() != "::1" || c.Timestamp() == "" {
		t.Errorf("host %q timestamp %q", c.Host(), c.Timestamp())
	}
}
