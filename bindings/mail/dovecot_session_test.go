package mail

// The pop3-* procedures and scsh's pop3.scm against a real server: a
// private Dovecot on 127.0.0.1 (pop3test.StartDovecot; skipped, saying so,
// when dovecot is not installed).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/pop3/pop3test"
)

func TestPOP3DovecotEntryPoints(t *testing.T) {
	edges := pop3test.EdgeMessages()
	var msgs [][]byte
	for _, m := range edges {
		msgs = append(msgs, m.Stored)
	}
	e := newDovecotEnv(t, Options{}, msgs...)
	e.login(fmt.Sprintf(`pop3-connect %q`, e.d.Addr))
	// Dovecot offers STLS: the login upgraded first.
	if got := e.must(`(pop3-connection-tls? conn)`); got != "#t" {
		t.Errorf("tls? after login on Dovecot's plain port = %s", got)
	}
	var total int64
	for _, m := range edges {
		total += m.Size
	}
	if got := e.must(`(call-with-values (lambda () (pop3-stat conn)) list)`); got != fmt.Sprintf("(%d %d)", len(edges), total) {
		t.Errorf("stat = %s, want (%d %d)", got, len(edges), total)
	}
	dir := t.TempDir()
	for i, m := range edges {
		n := i + 1
		lf := filepath.Join(dir, m.Name+".lf")
		crlf := filepath.Join(dir, m.Name+".crlf")
		e.must(fmt.Sprintf(`(with-output-to-file %q (lambda () (pop3-get conn %d)))`, lf, n))
		e.must(fmt.Sprintf(`(parameterize ((pop3-line-ending 'crlf)) (with-output-to-file %q (lambda () (pop3-get conn %d))))`, crlf, n))
		if b, _ := os.ReadFile(lf); !bytes.Equal(b, m.LF) {
			t.Errorf("%s LF: got %q\nwant %q", m.Name, clipBytes(b), clipBytes(m.LF))
		}
		if b, _ := os.ReadFile(crlf); !bytes.Equal(b, m.CRLF) {
			t.Errorf("%s CRLF: got %q\nwant %q", m.Name, clipBytes(b), clipBytes(m.CRLF))
		}
	}
	hdr := e.must(`(with-output-to-string (lambda () (pop3-headers conn 1)))`)
	if !strings.HasSuffix(hdr, `\n\n"`) || !strings.Contains(hdr, "Subject:") {
		t.Errorf("headers 1 = %s", hdr)
	}
	if got := e.must(`(length (pop3-list conn))`); got != fmt.Sprint(len(edges)) {
		t.Errorf("list length = %s", got)
	}
	if got := e.must(`(string-length (pop3-uidl conn 1))`); got != "16" {
		t.Errorf("Dovecot uid length = %s, want 16", got)
	}
	wantContains(t, "capabilities", e.must(`(pop3-capabilities conn)`), `("PIPELINING")`, `("UIDL")`)
	e.must(`(pop3-noop conn)`)
	top := e.must(`(with-output-to-string (lambda () (pop3-top conn 1 1)))`)
	if len(top) <= len(hdr) {
		t.Errorf("top 1 1 (%s) not longer than the header (%s)", top, hdr)
	}
	// LAST: Dovecot does not have it (RFC 1725 removed it); pop3-last
	// answers from popsh's own count of the messages retrieved.
	if last := e.must(`(pop3-last conn)`); last != fmt.Sprint(len(edges)) {
		t.Errorf("pop3-last on Dovecot = %s, want %d", last, len(edges))
	}
	// Pipelined fetch of everything gives the same bytes.
	got := e.must(`(map (lambda (m) (string-length (cdr m))) (pop3-get-all conn))`)
	var want []string
	for _, m := range edges {
		want = append(want, fmt.Sprint(len([]rune(string(m.LF)))))
	}
	if got != "("+strings.Join(want, " ")+")" {
		t.Errorf("get-all lengths = %s, want (%s)", got, strings.Join(want, " "))
	}
	e.must(`(pop3-delete conn 1)`)
	e.must(`(pop3-reset conn)`)
	e.must(`(pop3-delete conn 2)`)
	if got := e.must(`(guard (c ((-ERR? c) (pop3-error-text c))) (pop3-get conn 2))`); !strings.Contains(strings.ToLower(got), "deleted") {
		t.Errorf("get of a deleted message on Dovecot: %s", got)
	}
	e.must(`(pop3-quit conn)`)
	files, _ := e.u.Files()
	if len(files) != len(edges)-1 {
		t.Errorf("after delete + quit Dovecot has %d files, want %d", len(files), len(edges)-1)
	}
}

func clipBytes(b []byte) []byte {
	if len(b) > 200 {
		return append(b[:200:200], "..."...)
	}
	return b
}

func TestPOP3ScmDovecot(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	for _, m := range sampleMessages {
		u.AddMessage([]byte(m))
	}
	_, port, _ := strings.Cut(d.Addr, ":")
	it, output := loadScm(t, port, Options{TLSConfig: d.ClientTLSConfig()})
	scmMust(t, it, `(define conn (pop3-connect "127.0.0.1"))`)
	scmMust(t, it, fmt.Sprintf(`(pop3-login conn %q %q)`, u.Name, u.Password))
	if got := scmMust(t, it, `(call-with-values (lambda () (pop3-stat conn)) list)`); !strings.HasPrefix(got, "(3 ") {
		t.Errorf("pop3.scm stat on Dovecot = %s", got)
	}
	output()
	scmMust(t, it, `(pop3-get conn 1)`)
	if got := output(); got != scmWire(0) {
		t.Errorf("pop3.scm pop3-get on Dovecot wrote %q, want %q", got, scmWire(0))
	}
	scmMust(t, it, `(pop3-delete conn 1)`)
	scmMust(t, it, `(pop3-quit conn)`)
	if files, _ := u.Files(); len(files) != 2 {
		t.Errorf("after pop3.scm's delete + quit Dovecot has %d messages, want 2", len(files))
	}

	// pop3.scm's APOP: md5sum's "HEX  -" goes on the wire; Dovecot refuses.
	scmMust(t, it, `(define conn (pop3-connect "127.0.0.1"))`)
	got := scmMust(t, it, fmt.Sprintf(`(guard (c ((-ERR? c) (condition-stuff c))) (pop3-login/APOP conn %q %q))`, u.Name, u.Password))
	if !strings.Contains(got, "Invalid parameters") {
		t.Errorf("pop3.scm's APOP on Dovecot: %s, want Dovecot's \"-ERR Invalid parameters.\"", got)
	}
	// popsh's own pop3-login/APOP works against the same Dovecot.
	scmMust(t, it, fmt.Sprintf(`(define c2 (popsh-connect %q))`, d.Addr))
	scmMust(t, it, fmt.Sprintf(`(popsh-login/APOP c2 %q %q)`, u.Name, u.Password))
	if got := scmMust(t, it, `(call-with-values (lambda () (popsh-stat c2)) (lambda (n o) n))`); got != "2" {
		t.Errorf("popsh APOP on Dovecot then stat = %s", got)
	}
	scmMust(t, it, `(popsh-quit c2)`)
}

func TestPOP3DovecotDeleteAll(t *testing.T) {
	e := newDovecotEnv(t, Options{}, []byte("Subject: a\n\n1\n"), []byte("Subject: b\n\n2\n"), []byte("Subject: c\n\n3\n"))
	e.login(fmt.Sprintf(`pop3-connect/tls %q`, e.d.TLSAddr))
	if got := e.must(`(pop3-delete-all conn '(1 3))`); got != "2" {
		t.Errorf("delete-all (1 3) = %s", got)
	}
	if got := e.must(`(map car (pop3-list conn))`); got != "(2)" {
		t.Errorf("list after delete-all = %s", got)
	}
	e.must(`(pop3-reset conn)`)
	if got := e.must(`(pop3-delete-all conn)`); got != "3" {
		t.Errorf("delete-all = %s", got)
	}
	e.must(`(pop3-quit conn)`)
	if files, _ := e.u.Files(); len(files) != 0 {
		t.Errorf("Dovecot still has %d messages after delete-all + quit", len(files))
	}
}
