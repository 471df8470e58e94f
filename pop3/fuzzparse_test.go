package pop3

import (
	"strings"
	"testing"
)

// FuzzReplyParsers feeds one line of a server's reply to every parser of
// replies: the status line, LIST and UIDL lines, CAPA lines and the APOP
// timestamp. None may panic, and what they accept must keep their
// promises: positive message numbers, sizes not negative, unique ids of
// printable ASCII without blanks and of bounded length, a timestamp that
// is a "<...>" of the line in printable ASCII. Run it with
// "go test -fuzz FuzzReplyParsers ./pop3"; in CI only the seeds run.
func FuzzReplyParsers(f *testing.F) {
	for _, s := range []string{
		"+OK", "-ERR", "+OK 2 320", "-ERR [AUTH] no", "-ERR [SYS/TEMP] later", "+OKAY", "-ERR [", "-ERR []x", "-ERR [a/]x",
		"1 120", "2000000000 5", "0 300", "-1 300", "1 -300", "1 99999999999999999999", "1 9223372036854775807", "1\t120 extra",
		"1 whqtswO00WBw418f9t5JxYwZ", "1 a b", "1 \x7f", "1 " + strings.Repeat("u", 300),
		"SASL PLAIN LOGIN", "PIPELINING", "IMPLEMENTATION x", "",
		" ready <1896.697170952@dbc.mtview.ca.us>", " <banner> <1.2@h>", " <a<b@c>", " <\xc3\xa4@b>", " <>", " <abc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if r, err := ParseResponse(line); err == nil {
			if r.OK != strings.HasPrefix(line, "+OK") || (!r.OK && !strings.HasPrefix(line, "-ERR")) {
				t.Fatalf("ParseResponse(%q) = %+v", line, r)
			}
			if r.Code != "" && !strings.Contains(strings.ToUpper(line), "["+r.Code+"]") {
				t.Fatalf("ParseResponse(%q): code %q not in the line", line, r.Code)
			}
		}
		if m, err := parseListLine(line, clip); err == nil && (m.Num < 1 || m.Size < 0) {
			t.Fatalf("parseListLine(%q) = %+v", line, m)
		}
		if u, err := parseUIDLine(line, clip); err == nil {
			if u.Num < 1 || u.UID == "" || len(u.UID) > maxUIDLength || !isPrintable(u.UID) {
				t.Fatalf("parseUIDLine(%q) = %+v", line, u)
			}
		}
		caps := parseCapabilities(strings.Split(line, "\n"))
		caps.SASL()
		caps.Pipelining()
		if ts := findTimestamp(line); ts != "" {
			if len(ts) < 3 || ts[0] != '<' || ts[len(ts)-1] != '>' || !strings.Contains(line, ts) || !isPrintable(ts) ||
				strings.ContainsAny(ts[1:len(ts)-1], "<>") {
				t.Fatalf("findTimestamp(%q) = %q", line, ts)
			}
		}
	})
}
