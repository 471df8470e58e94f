package pop3

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		line  string
		ok    bool
		raw   string
		code  string
		text  string
		proto bool
	}{
		{"+OK", true, "", "", "", false},
		{"+OK ", true, " ", "", "", false},
		{"+OK 2 320", true, " 2 320", "", "2 320", false},
		{"-ERR no such message", false, " no such message", "", "no such message", false},
		{"-ERR [IN-USE] maildrop locked", false, " [IN-USE] maildrop locked", "IN-USE", "maildrop locked", false},
		{"-ERR [SYS/TEMP] try later", false, " [SYS/TEMP] try later", "SYS/TEMP", "try later", false},
		{"-ERR [auth] bad", false, " [auth] bad", "AUTH", "bad", false},
		{"-ERR [LOGIN-DELAY]", false, " [LOGIN-DELAY]", "LOGIN-DELAY", "", false},
		{"-ERR [not a code] x", false, " [not a code] x", "", "[not a code] x", false},
		{"-ERR [] x", false, " [] x", "", "[] x", false},
		{"-ERR [A//B] x", false, " [A//B] x", "", "[A//B] x", false},
		{"-ERR [unterminated", false, " [unterminated", "", "[unterminated", false},
		{"-ERR", false, "", "", "", false},
		{"+OKAY", false, "", "", "", true},
		{"-ERROR", false, "", "", "", true},
		{"HELLO", false, "", "", "", true},
		{"", false, "", "", "", true},
		{"+ok lower", false, "", "", "", true},
		{"* OK imap", false, "", "", "", true},
	}
	for _, tc := range tests {
		r, err := ParseResponse(tc.line)
		if tc.proto {
			if !errors.Is(err, ErrProtocol) {
				t.Errorf("%q: err = %v, want ErrProtocol", tc.line, err)
			}
			continue
		}
		if err != nil || r.OK != tc.ok || r.Raw != tc.raw || r.Code != tc.code || r.Text != tc.text {
			t.Errorf("%q: got %+v, %v; want ok=%v raw=%q code=%q text=%q", tc.line, r, err, tc.ok, tc.raw, tc.code, tc.text)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	e := &Error{Command: "PASS ****", Code: "SYS/TEMP", Text: "try later"}
	if !e.HasCode("SYS") || !e.HasCode("sys/temp") || e.HasCode("SYS/PERM") || e.HasCode("SY") {
		t.Error("HasCode hierarchy wrong")
	}
	if !e.Temporary() {
		t.Error("SYS/TEMP should be temporary")
	}
	if (&Error{Code: "AUTH"}).Temporary() || (&Error{Code: "SYS/PERM"}).Temporary() {
		t.Error("AUTH and SYS/PERM are not temporary")
	}
	var err error = e
	if !errors.Is(err, ErrServer) || ErrorCode(err) != "SYS/TEMP" {
		t.Error("errors.Is/ErrorCode failed")
	}
	if got := e.Error(); got != "pop3: PASS ****: -ERR [SYS/TEMP] try later" {
		t.Errorf("Error() = %q", got)
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{"+OK", "+OK 1 2", "-ERR [IN-USE] x", "-ERR [SYS/TEMP] y", "-ERR [", "-ERR []", "HELLO", "+OKx", "-ERR [a/b/c] z", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseResponse(line)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not match ErrProtocol", err)
			}
			if strings.HasPrefix(line, "+OK ") || strings.HasPrefix(line, "-ERR ") || line == "+OK" || line == "-ERR" {
				t.Fatalf("valid status %q refused", line)
			}
			return
		}
		prefix := "-ERR"
		if r.OK {
			prefix = "+OK"
		}
		if prefix+r.Raw != line {
			t.Fatalf("raw %q does not rebuild %q", r.Raw, line)
		}
		if r.Code != "" && !strings.Contains(strings.ToUpper(line), "["+r.Code+"]") {
			t.Fatalf("code %q not in %q", r.Code, line)
		}
		if utf8.ValidString(line) && !utf8.ValidString(r.Text) {
			t.Fatalf("text %q not valid UTF-8", r.Text)
		}
	})
}
