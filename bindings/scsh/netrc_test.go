package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/internal/netrc"
	"popsh/interp"
)

// The Scheme face of netrc: a parse error names the file and the line,
// never a word of the file (a password above all); an entry's port token
// is readable.
func TestNetrcSchemeFace(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	bad := writeNetrc(t, "machine pop.example.com\n  login alice\n  password open sesame 42!\n", 0o600)
	for _, call := range []string{
		`(netrc:parse "` + bad + `")`,
		`(netrc-machine-entry "pop.example.com" #f "` + bad + `")`,
		`(netrc-macro-definitions "` + bad + `")`,
	} {
		_, err := evalScsh(t, it, call)
		if err == nil {
			t.Fatalf("%s accepted a bad netrc", call)
		}
		msg := err.Error()
		if !strings.Contains(msg, bad+": line 3:") || strings.Contains(msg, "sesame") || strings.Contains(msg, "42!") {
			t.Errorf("%s: %q; want the file and line 3, and no word of the file", call, msg)
		}
	}
	t.Setenv("NETRC", bad)
	if _, _, _, err := netrc.LookupUser("pop.example.com", ""); err == nil || strings.Contains(err.Error(), "sesame") {
		t.Errorf("NetrcLookup on a bad netrc: %v", err)
	}

	good := writeNetrc(t, "machine h port 995 login tls password a\nmachine h port 110 login plain password b\nmachine h login any password c\n", 0o600)
	v, err := evalScsh(t, it, `(let ((e (netrc-machine-entry "h" #f "`+good+`")))
	  (list (netrc-entry-machine e) (netrc-entry-login e) (netrc-entry-port e)))`)
	if err != nil || interp.WriteString(v) != `("h" "tls" "995")` {
		t.Errorf("netrc-entry-port: %s %v", interp.WriteString(v), err)
	}
	v, err = evalScsh(t, it, `(netrc-entry-port (netrc-machine-entry "h" #f "`+writeNetrc(t, "machine h login u\n", 0o600)+`"))`)
	if err != nil || v != false {
		t.Errorf("netrc-entry-port without a port: %v %v", v, err)
	}
	t.Setenv("NETRC", good)
	for _, c := range []struct{ port, login string }{{"995", "tls"}, {"110", "plain"}, {"2110", "any"}, {"", "tls"}} {
		login, _, ok, err := netrc.LookupUser("h", c.port)
		if err != nil || !ok || login != c.login {
			t.Errorf("netrc.LookupUser(h, %q) = %q %v %v, want %q", c.port, login, ok, err, c.login)
		}
	}
}
