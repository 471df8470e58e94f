package pop3test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"popsh/pop3/server"
)

func TestMain(m *testing.M) { Main(m) }

func edgeByName(t *testing.T, name string) EdgeMessage {
	t.Helper()
	for _, e := range EdgeMessages() {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no edge message %q", name)
	return EdgeMessage{}
}

// TestEdgeExpectations checks the fixtures' expectations against facts
// written out by hand (not computed by the same code).
func TestEdgeExpectations(t *testing.T) {
	all := EdgeMessages()
	if len(all) != 13 {
		t.Fatalf("%d edge messages, want 13", len(all))
	}
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.Name] {
			t.Fatalf("duplicate %s", e.Name)
		}
		seen[e.Name] = true
		if !bytes.HasSuffix(e.Wire, []byte("\r\n.\r\n")) && !bytes.Equal(e.Wire, []byte(".\r\n")) {
			t.Errorf("%s: wire form does not end with the terminator", e.Name)
		}
		if bytes.Contains(e.LF, []byte("\r\n")) {
			t.Errorf("%s: LF form has CRLF", e.Name)
		}
	}
	if e := edgeByName(t, "dot-last-line"); !bytes.HasSuffix(e.Wire, []byte("single dot\r\n..\r\n.\r\n")) || !bytes.HasSuffix(e.CRLF, []byte("single dot\r\n.\r\n")) || !bytes.HasSuffix(e.LF, []byte("single dot\n.\n")) {
		t.Errorf("dot-last-line: wire %q crlf %q", e.Wire[len(e.Wire)-30:], e.CRLF[len(e.CRLF)-20:])
	}
	if e := edgeByName(t, "dot-start"); !bytes.Contains(e.Wire, []byte("\r\n..hidden\r\n.. a dot and a space\r\n....ellipsis\r\n..\ttab\r\nend\r\n.\r\n")) {
		t.Errorf("dot-start wire %q", e.Wire)
	}
	if e := edgeByName(t, "dot-only-line"); !bytes.Contains(e.Wire, []byte("before the dot line\r\n..\r\nafter")) || !bytes.Contains(e.LF, []byte("before the dot line\n.\nafter")) {
		t.Errorf("dot-only-line wire %q", e.Wire)
	}
	if e := edgeByName(t, "dotdot-lines"); !bytes.Contains(e.Wire, []byte("\r\n\r\n...\r\n...\r\n....\r\n...text\r\nend\r\n.\r\n")) {
		t.Errorf("dotdot-lines wire %q", e.Wire)
	}
	e := edgeByName(t, "no-final-newline")
	if bytes.HasSuffix(e.Stored, []byte("\n")) || !bytes.HasSuffix(e.CRLF, []byte("WITHOUT NEWLINE\r\n")) || int(e.Size) != len(e.CRLF)-2 {
		t.Errorf("no-final-newline: size %d, crlf %d bytes", e.Size, len(e.CRLF))
	}
	for _, e := range all {
		if e.Name != "no-final-newline" && int(e.Size) != len(e.CRLF) {
			t.Errorf("%s: size %d != CRLF length %d", e.Name, e.Size, len(e.CRLF))
		}
	}
	e = edgeByName(t, "long-line")
	if !bytes.Contains(e.CRLF, []byte("\r\n"+strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 556)[:20000]+"\r\n")) {
		t.Error("long-line lacks its 20000-character line")
	}
	e = edgeByName(t, "crlf-stored")
	if bytes.Count(e.Stored, []byte("\n")) != bytes.Count(e.Stored, []byte("\r\n")) || !bytes.Equal(e.Stored, e.CRLF) {
		t.Error("crlf-stored: stored bytes are not all-CRLF or differ from the CRLF form")
	}
	l := edgeByName(t, "lf-stored")
	if !bytes.Equal(body(e.CRLF), body(l.CRLF)) {
		t.Error("crlf-stored and lf-stored bodies differ after normalisation")
	}
	e = edgeByName(t, "mixed-eol")
	if !bytes.HasSuffix(e.CRLF, []byte("\r\n\r\ncrlf line\r\nlf line\r\n.dot crlf\r\n.dot lf\r\nlast crlf\r\n")) || !bytes.HasSuffix(e.Wire, []byte("\r\n..dot crlf\r\n..dot lf\r\nlast crlf\r\n.\r\n")) {
		t.Errorf("mixed-eol: %q", e.CRLF)
	}
	if e := edgeByName(t, "empty-body"); !bytes.HasSuffix(e.Stored, []byte("text/plain; charset=us-ascii\n\n")) {
		t.Errorf("empty-body stored %q", e.Stored)
	}
	if e := edgeByName(t, "trailing-blank-lines"); !bytes.HasSuffix(e.LF, []byte("empty lines\n\n\n\n")) {
		t.Errorf("trailing-blank-lines %q", e.LF)
	}
	if e := edgeByName(t, "headers-only"); bytes.Contains(e.Stored, []byte("\n\n")) {
		t.Error("headers-only has a blank line")
	}
	if e := edgeByName(t, "utf8-8bit"); !bytes.Contains(e.CRLF, []byte("Grüße aus Köln")) || !bytes.Contains(e.Stored, []byte("Subject: =?UTF-8?B?")) {
		t.Error("utf8-8bit lacks its 8-bit body or encoded subject")
	}
}

func body(msg []byte) []byte {
	_, b, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	return b
}

// topZero is the expected TOP n 0 reply body: the header block and the blank
// line (all of a message without one), then the terminator.
func topZero(wire []byte) []byte {
	if i := bytes.Index(wire, []byte("\r\n\r\n")); i >= 0 {
		return append(append([]byte(nil), wire[:i+4]...), ".\r\n"...)
	}
	return wire
}

func TestWorkloads(t *testing.T) {
	small := SmallMessages(200, 1)
	total := 0
	for i, m := range small {
		if len(m) < 1400 || len(m) > 2800 {
			t.Errorf("small message %d: %d bytes", i, len(m))
		}
		if !bytes.Contains(m, []byte("\nMessage-ID: <")) || !bytes.Contains(m, []byte("\n\n")) {
			t.Errorf("small message %d is not a message", i)
		}
		total += len(m)
	}
	if avg := total / len(small); avg < 1800 || avg > 2400 {
		t.Errorf("small average %d bytes, want about 2.1 KB", avg)
	}
	if !bytes.Equal(SmallMessages(3, 7)[2], SmallMessages(3, 7)[2]) || bytes.Equal(SmallMessages(1, 7)[0], SmallMessages(1, 8)[0]) {
		t.Error("small messages are not deterministic per seed")
	}
	for _, size := range []int{1024, 5000, 1 << 20, 5<<20 + 3} {
		m := LargeMessage(size, 2)
		if len(m) != size {
			t.Errorf("LargeMessage(%d) has %d bytes", size, len(m))
		}
		if !bytes.HasSuffix(m, []byte("--\n")) {
			t.Errorf("LargeMessage(%d) does not close its multipart", size)
		}
	}
}

func TestRecorderAndStartServer(t *testing.T) {
	be := server.NewMemoryBackend()
	be.AddUser("u", "secret words")
	be.AddMessage("u", []byte("a\n"))
	var rec Recorder
	srv := StartServer(t, server.Options{Backend: be, OnCommand: rec.Hook})
	c := Dial(t, srv.Addr().String())
	c.ReadLine()
	c.OK("USER u")
	c.OK("PASS secret words")
	if got := string(c.Multi("RETR 1")); got != "a\r\n.\r\n" {
		t.Fatalf("RETR = %q", got)
	}
	c.OK("QUIT")
	if got, want := strings.Join(rec.Lines(), "|"), "USER u|PASS ****|RETR 1|QUIT"; got != want {
		t.Fatalf("recorded %q, want %q", got, want)
	}
	if rec.Contains("secret") {
		t.Fatal("password recorded")
	}
	rec.Reset()
	if len(rec.Lines()) != 0 {
		t.Fatal("Reset kept lines")
	}
}

// serveEdge checks that a server at addr, logged in as user, serves the edge
// set (stored in order as messages 1..13) byte-exact, and returns the
// whole RETR streams.
func checkEdge(t *testing.T, c *RawConn, label string) {
	t.Helper()
	edges := EdgeMessages()
	var total int64
	for _, e := range edges {
		total += e.Size
	}
	if st, want := c.Cmd("STAT"), fmt.Sprintf("+OK %d %d", len(edges), total); st != want {
		t.Fatalf("%s: STAT = %q, want %q", label, st, want)
	}
	for i, e := range edges {
		n := i + 1
		if st, want := c.Cmd(fmt.Sprintf("LIST %d", n)), fmt.Sprintf("+OK %d %d", n, e.Size); st != want {
			t.Errorf("%s: %s: LIST = %q, want %q", label, e.Name, st, want)
		}
		st := c.OK(fmt.Sprintf("RETR %d", n))
		if want := fmt.Sprintf("+OK %d octets", e.Size); st != want {
			t.Errorf("%s: %s: RETR status %q, want %q", label, e.Name, st, want)
		}
		if got := c.ReadWire(); !bytes.Equal(got, e.Wire) {
			t.Errorf("%s: %s: RETR wire bytes differ\n got %q\nwant %q", label, e.Name, clip(got), clip(e.Wire))
		}
		if got := c.Multi(fmt.Sprintf("TOP %d 0", n)); !bytes.Equal(got, topZero(e.Wire)) {
			t.Errorf("%s: %s: TOP 0 = %q, want %q", label, e.Name, clip(got), clip(topZero(e.Wire)))
		}
	}
}

func clip(b []byte) []byte {
	if len(b) > 300 {
		return append(append(append([]byte(nil), b[:150]...), "..."...), b[len(b)-150:]...)
	}
	return b
}

func TestServerEdgeMessages(t *testing.T) {
	be := server.NewMemoryBackend()
	be.AddUser("mem", "pw")
	md := server.NewMaildirBackend()
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.Mkdir(filepath.Join(dir, sub), 0o700)
	}
	md.AddUser("md", "pw", dir)
	for i, e := range EdgeMessages() {
		be.AddMessage("mem", e.Stored)
		// No W= in the names: the Maildir backend must count sizes itself.
		if err := os.WriteFile(filepath.Join(dir, "new", fmt.Sprintf("%d.M%dP1.host", 1700000000+i, i)), e.Stored, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		be   server.Backend
	}{{"mem", be}, {"md", md}} {
		srv := StartServer(t, server.Options{Backend: tc.be})
		c := Dial(t, srv.Addr().String())
		c.ReadLine()
		c.OK("USER " + tc.name)
		c.OK("PASS pw")
		checkEdge(t, c, "server/"+tc.name)
		c.OK("QUIT")
	}
}

var timestampRE = regexp.MustCompile(`<[^<>]+@[^<>]+>`)

// TestDovecotHarness proves the harness with raw protocol: greeting, CAPA,
// every login method, each edge message byte-exact, DELE semantics, STLS
// and POP3S with certificate verification.
func TestDovecotHarness(t *testing.T) {
	d := StartDovecot(t)
	u := d.NewUser(t)
	for _, e := range EdgeMessages() {
		if err := u.AddMessage(e.Stored); err != nil {
			t.Fatal(err)
		}
	}
	c := Dial(t, d.Addr)
	g := c.ReadLine()
	if !strings.HasPrefix(g, "+OK") || !timestampRE.MatchString(g) {
		t.Fatalf("greeting %q", g)
	}
	capa := string(c.Multi("CAPA"))
	for _, want := range []string{"TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER", "SASL PLAIN LOGIN CRAM-MD5"} {
		if !strings.Contains(capa, want+"\r\n") {
			t.Errorf("Dovecot CAPA lacks %s: %q", want, capa)
		}
	}
	c.OK("USER " + u.Name)
	c.OK("PASS " + u.Password)
	checkEdge(t, c, "dovecot")
	uidl := string(c.Multi("UIDL"))
	if lines := strings.Split(strings.TrimSuffix(uidl, "\r\n.\r\n"), "\r\n"); len(lines) != 13 {
		t.Errorf("UIDL has %d lines: %q", len(lines), uidl)
	}
	c.OK("QUIT")

	t.Run("Auth", func(t *testing.T) {
		u := d.NewUser(t)
		c := Dial(t, d.Addr)
		ts := timestampRE.FindString(c.ReadLine())
		c.OK("USER " + u.Name)
		if st := c.Cmd("PASS wrong"); !strings.HasPrefix(st, "-ERR [AUTH]") {
			t.Fatalf("wrong password: %q", st)
		}
		sum := md5.Sum([]byte(ts + u.Password))
		c.OK("APOP " + u.Name + " " + hex.EncodeToString(sum[:]))
		c.OK("QUIT")

		c = Dial(t, d.Addr)
		c.ReadLine()
		c.OK("AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+u.Name+"\x00"+u.Password)))
		c.OK("QUIT")

		c = Dial(t, d.Addr)
		c.ReadLine()
		if st := c.Cmd("AUTH PLAIN"); st != "+ " {
			t.Fatalf("AUTH PLAIN continuation %q", st)
		}
		c.OK(base64.StdEncoding.EncodeToString([]byte("\x00" + u.Name + "\x00" + u.Password)))
		c.OK("QUIT")

		c = Dial(t, d.Addr)
		c.ReadLine()
		st := c.Cmd("AUTH CRAM-MD5")
		chal, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(st, "+ "))
		if err != nil {
			t.Fatalf("CRAM-MD5 challenge %q: %v", st, err)
		}
		mac := hmac.New(md5.New, []byte(u.Password))
		mac.Write(chal)
		c.OK(base64.StdEncoding.EncodeToString([]byte(u.Name + " " + hex.EncodeToString(mac.Sum(nil)))))
		c.OK("QUIT")
	})

	t.Run("Delete", func(t *testing.T) {
		u := d.NewUser(t)
		for i := 0; i < 3; i++ {
			u.AddMessage([]byte(fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)))
		}
		c := Dial(t, d.Addr)
		c.ReadLine()
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
		uidl := string(c.Multi("UIDL"))
		c.OK("DELE 2")
		if st := c.Cmd("RETR 2"); !strings.HasPrefix(st, "-ERR") {
			t.Fatalf("RETR of deleted: %q", st)
		}
		c.Conn.Close() // dropped: deletes nothing
		c = Dial(t, d.Addr)
		c.ReadLine()
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
		if got := string(c.Multi("UIDL")); got != uidl {
			t.Fatalf("after a dropped session UIDL = %q, want %q", got, uidl)
		}
		c.OK("DELE 2")
		c.OK("QUIT")
		files, err := u.Files()
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 {
			t.Fatalf("%d files after DELE 2 + QUIT, want 2", len(files))
		}
		if err := u.Clear(); err != nil {
			t.Fatal(err)
		}
		u.AddMessage([]byte("Subject: new\n\nx\n"))
		c = Dial(t, d.Addr)
		c.ReadLine()
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
		if st := c.Cmd("STAT"); st != "+OK 1 19" {
			t.Fatalf("STAT after Clear + 1 message: %q", st)
		}
		c.OK("QUIT")
	})

	t.Run("TLS", func(t *testing.T) {
		u := d.NewUser(t)
		u.AddMessage([]byte("Subject: tls\n\nsecret body\n"))
		c := Dial(t, d.Addr)
		c.ReadLine()
		c.OK("STLS")
		tc := tls.Client(c.Conn, d.ClientTLSConfig())
		if err := tc.Handshake(); err != nil {
			t.Fatalf("STLS handshake with verification: %v", err)
		}
		c = NewRawConn(t, tc)
		if capa := string(c.Multi("CAPA")); strings.Contains(capa, "STLS") {
			t.Errorf("CAPA after STLS offers STLS: %q", capa)
		}
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
		if got := string(c.Multi("RETR 1")); !strings.Contains(got, "secret body") {
			t.Fatalf("RETR over STLS: %q", got)
		}
		c.OK("QUIT")

		conn, err := tls.Dial("tcp", d.TLSAddr, d.ClientTLSConfig())
		if err != nil {
			t.Fatalf("POP3S with verification: %v", err)
		}
		c = NewRawConn(t, conn)
		c.ReadLine()
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
		c.OK("QUIT")
		cfg := d.ClientTLSConfig()
		cfg.ServerName = "other.example"
		if conn, err := tls.Dial("tcp", d.TLSAddr, cfg); err == nil {
			conn.Close()
			t.Fatal("POP3S accepted a certificate for the wrong name")
		}
		if conn, err := tls.Dial("tcp", d.TLSAddr, &tls.Config{ServerName: "localhost"}); err == nil {
			conn.Close()
			t.Fatal("POP3S verified without the test CA")
		}
	})
}

// TestDovecotMatchesServer compares our server's replies with Dovecot's for
// the same maildrop, command by command (UIDL values aside).
func TestDovecotMatchesServer(t *testing.T) {
	d := StartDovecot(t)
	u := d.NewUser(t)
	be := server.NewMemoryBackend()
	be.AddUser(u.Name, u.Password)
	msgs := append([][]byte{}, SmallMessages(5, 3)...)
	for _, e := range EdgeMessages() {
		msgs = append(msgs, e.Stored)
	}
	msgs = append(msgs, LargeMessage(300000, 4))
	for _, m := range msgs {
		u.AddMessage(m)
		be.AddMessage(u.Name, m)
	}
	srv := StartServer(t, server.Options{Backend: be})
	dc, sc := Dial(t, d.Addr), Dial(t, srv.Addr().String())
	dc.ReadLine()
	sc.ReadLine()
	for _, c := range []*RawConn{dc, sc} {
		c.OK("USER " + u.Name)
		c.OK("PASS " + u.Password)
	}
	multi := func(cmd string) bool {
		return strings.HasPrefix(cmd, "LIST") && cmd == "LIST" || strings.HasPrefix(cmd, "RETR") || strings.HasPrefix(cmd, "TOP")
	}
	cmds := []string{"STAT", "LIST", "LIST 3", "LIST 99", "RETR 0", "TOP 1 x"}
	for i := range msgs {
		cmds = append(cmds, fmt.Sprintf("RETR %d", i+1), fmt.Sprintf("TOP %d 0", i+1), fmt.Sprintf("TOP %d 3", i+1))
	}
	cmds = append(cmds, "DELE 1", "STAT", "RETR 1", "RSET", "STAT")
	for _, cmd := range cmds {
		ds, ss := dc.Cmd(cmd), sc.Cmd(cmd)
		if ds[:3] != ss[:3] {
			t.Errorf("%s: dovecot %q, ours %q", cmd, ds, ss)
			continue
		}
		if strings.HasPrefix(ds, "+OK") && (strings.HasPrefix(cmd, "STAT") || strings.HasPrefix(cmd, "LIST ") || strings.HasPrefix(cmd, "RETR")) && ds != ss {
			t.Errorf("%s: dovecot %q, ours %q", cmd, ds, ss)
		}
		if strings.HasPrefix(ds, "+OK") && multi(cmd) {
			if dw, sw := dc.ReadWire(), sc.ReadWire(); !bytes.Equal(dw, sw) {
				t.Errorf("%s: bodies differ\ndovecot %q\n   ours %q", cmd, clip(dw), clip(sw))
			}
		}
	}
}

func TestDovecotMissingSkips(t *testing.T) {
	t.Setenv("POPSH_DOVECOT", "none")
	var ran bool
	var inner *testing.T
	t.Run("inner", func(t *testing.T) {
		inner = t
		StartDovecot(t, Private())
		ran = true
	})
	if ran || !inner.Skipped() {
		t.Fatalf("without a dovecot binary: ran on = %v, skipped = %v", ran, inner.Skipped())
	}
}

func TestMissingDovecotNotice(t *testing.T) {
	msg := missingNotice()
	if !strings.Contains(msg, "Dovecot is not installed") || !strings.Contains(msg, "skipped") || !strings.Contains(msg, "apt-get install dovecot-pop3d") ||
		strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
		t.Errorf("notice %q: want one line with the count and how to install Dovecot", msg)
	}
	// Once per run: the first binary of a run claims it, the next does not;
	// another run (key) prints again.
	dir := t.TempDir()
	if !firstInRun(dir, "100-5") || firstInRun(dir, "100-5") || !firstInRun(dir, "100-6") {
		t.Error("firstInRun: want true, false, then true for another run")
	}
	if !firstInRun(dir, "") {
		t.Error("firstInRun without a key: want true")
	}
	if k := parentKey(); !strings.HasPrefix(k, fmt.Sprint(os.Getppid())+"-") {
		t.Errorf("parentKey() = %q, want the parent's pid and start time", k)
	}
}
