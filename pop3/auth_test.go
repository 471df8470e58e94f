package pop3

import (
	"bytes"
	"testing"
)

func TestAPOPDigestRFC1939(t *testing.T) {
	got := APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf")
	if got != "c4c9334bac560ecc979e58001b3e22fb" {
		t.Errorf("APOPDigest = %s", got)
	}
}

func TestCRAMMD5RFC2195(t *testing.T) {
	m := CRAMMD5Auth("tim", "tanstaaftanstaaf")
	name, ir, err := m.Start()
	if name != "CRAM-MD5" || ir != nil || err != nil {
		t.Fatalf("Start = %q, %q, %v", name, ir, err)
	}
	resp, err := m.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if err != nil || string(resp) != "tim b913a602c7eda7a495b4e6e7334d3890" {
		t.Errorf("Next = %q, %v", resp, err)
	}
	if _, err := m.Next([]byte("again")); err == nil {
		t.Error("second challenge accepted")
	}
}

func TestPlainLoginXOAUTH2(t *testing.T) {
	name, ir, _ := PlainAuth("", "alice", "pw").Start()
	if name != "PLAIN" || !bytes.Equal(ir, []byte("\x00alice\x00pw")) {
		t.Errorf("PLAIN = %q %q", name, ir)
	}
	if _, err := PlainAuth("", "a", "b").Next(nil); err == nil {
		t.Error("PLAIN accepted a challenge")
	}
	l := LoginAuth("alice", "pw")
	if name, ir, _ := l.Start(); name != "LOGIN" || ir != nil {
		t.Errorf("LOGIN start = %q %q", name, ir)
	}
	r1, _ := l.Next([]byte("Username:"))
	r2, _ := l.Next([]byte("Password:"))
	if string(r1) != "alice" || string(r2) != "pw" {
		t.Errorf("LOGIN steps = %q %q", r1, r2)
	}
	if _, err := l.Next(nil); err == nil {
		t.Error("LOGIN accepted a third challenge")
	}
	name, ir, _ = XOAUTH2Auth("a@b", "tok").Start()
	if name != "XOAUTH2" || string(ir) != "user=a@b\x01auth=Bearer tok\x01\x01" {
		t.Errorf("XOAUTH2 = %q %q", name, ir)
	}
}

func TestOAuthBearer(t *testing.T) {
	m := OAuthBearerAuth("a,b=c@x", "mail.example.org", 995, "tok")
	name, ir, err := m.Start()
	want := "n,a=a=2Cb=3Dc@x,\x01host=mail.example.org\x01port=995\x01auth=Bearer tok\x01\x01"
	if name != "OAUTHBEARER" || string(ir) != want || err != nil {
		t.Errorf("Start = %q %q %v", name, ir, err)
	}
	if r, _ := m.Next([]byte(`{"status":"invalid_token"}`)); string(r) != "\x01" {
		t.Errorf("Next = %q", r)
	}
}
