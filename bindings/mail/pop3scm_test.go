package mail

// The proof: scsh's own pop3.scm, loaded unchanged into popsh, runs a POP3
// session over popsh's scsh layer (sockets, records, conditions, regexps,
// process notation). The file is not part of the repository: it is read
// from the file named by $POPSH_POP3_SCM, else from ../shared/seed/pop3.scm
// beside the repository root.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
)

// scmSource returns the text of pop3.scm, or skips the test saying where
// it was looked for.
func scmSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("POPSH_POP3_SCM")
	if path == "" {
		root, err := filepath.Abs(filepath.Join("..", "..")) // the repository
		if err != nil {
			t.Fatal(err)
		}
		path = filepath.Join(root, "..", "shared", "seed", "pop3.scm")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("scsh's pop3.scm is not there (%v): this test runs scsh's own pop3.scm, which is not part of the repository; put it at %s or name it in $POPSH_POP3_SCM to run it", err, path)
	}
	return string(b)
}

// loadScm returns an interpreter into which pop3.scm has been loaded,
// pointed at a server on 127.0.0.1:port through the scsh layer's
// POPSH_SERVICES override of (service-info "pop3" "tcp"), and a function
// returning (and clearing) what it wrote.
func loadScm(t *testing.T, port string, opts Options) (*interp.Interp, func() string) {
	t.Helper()
	src := scmSource(t)
	t.Setenv("POPSH_SERVICES", "pop3="+port)
	// pop3.scm's (getenv "MAILHOST") must be #f, not "".
	t.Setenv("MAILHOST", "x")
	os.Unsetenv("MAILHOST")
	it, out := newTestInterp(t, opts)
	// Keep popsh's own procedures under other names before pop3.scm
	// redefines pop3-*.
	if _, err := evalIn(it, `(define popsh-login/APOP pop3-login/APOP) (define popsh-connect pop3-connect)
	                         (define popsh-quit pop3-quit) (define popsh-stat pop3-stat)`); err != nil {
		t.Fatal(err)
	}
	if _, err := evalIn(it, src); err != nil {
		t.Fatalf("loading pop3.scm unchanged: %v", err)
	}
	return it, func() string { s := out.String(); out.Reset(); return s }
}

func scmMust(t *testing.T, it *interp.Interp, src string) string {
	t.Helper()
	v, err := evalIn(it, src)
	if err != nil {
		t.Fatalf("%s\n=> %v", src, err)
	}
	return interp.WriteString(v)
}

// scmWire is what pop3.scm's pop3-dump writes for a message: each line
// as read-line returns it (CR kept) and a newline, i.e. the CRLF form.
func scmWire(i int) string { return crlfText(i) }

func TestPOP3ScmOurServer(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	_, port, _ := strings.Cut(e.addr, ":")
	it, output := loadScm(t, port, Options{})

	log := filepath.Join(t.TempDir(), "pop3scm.log")
	got := scmMust(t, it, fmt.Sprintf(`(define conn (pop3-connect "127.0.0.1" %q)) conn`, log))
	if !strings.HasPrefix(got, "#{pop3-connection") {
		t.Errorf("pop3.scm's connection record prints as %s", got)
	}
	scmMust(t, it, `(pop3-login conn "alice" "wonderland")`)
	joined := strings.Join(e.waitCommands(2), "\n")
	wantContains(t, "pop3.scm transcript", joined, "USER alice", "PASS ****")

	if got := scmMust(t, it, `(call-with-values (lambda () (pop3-stat conn)) list)`); got != fmt.Sprintf("(3 %d)", e.dropSize()) {
		t.Errorf("pop3.scm pop3-stat = %s", got)
	}
	output()
	st := scmMust(t, it, `(pop3-get conn 1)`)
	if !strings.HasPrefix(st, `" `) {
		t.Errorf("pop3.scm pop3-get status = %s", st)
	}
	if got := output(); got != scmWire(0) {
		t.Errorf("pop3.scm pop3-get wrote %q, want %q", got, scmWire(0))
	}
	// with-output-to-string captures pop3.scm's output as well.
	if got := scmMust(t, it, `(with-output-to-string (lambda () (pop3-headers conn 2)))`); !strings.HasPrefix(got, `"From: Bob`) {
		t.Errorf("pop3.scm pop3-headers = %s", got)
	}
	// pop3.scm's pop3-last splits the status " 2" with (infix-splitter),
	// which gives ("" "2"), and takes the car: a bug of pop3.scm (on
	// scsh too) that returns #f; popsh's own pop3-last gives 2.
	if got := scmMust(t, it, `(pop3-last conn)`); got != "#f" {
		t.Errorf("pop3.scm pop3-last = %s, want #f (pop3.scm's infix-splitter bug)", got)
	}
	if got := scmMust(t, it, `((infix-splitter) " 2")`); got != `("" "2")` {
		t.Errorf("((infix-splitter) \" 2\") = %s", got)
	}
	scmMust(t, it, `(pop3-delete conn 1)`)
	scmMust(t, it, `(pop3-reset conn)`)
	scmMust(t, it, `(pop3-delete conn 3)`)
	// A server -ERR reaches pop3.scm's -ERR? and popsh's pop3-error-text.
	// (A handler that returned would make pop3.scm read a body that never
	// comes, as on scsh: escape with a continuation.)
	got = scmMust(t, it, `(call-with-current-continuation
	                           (lambda (k)
	                             (with-handler (lambda (c punt) (if (-ERR? c) (k (list (error? c) (pop3-error-text c) (condition-stuff c))) (punt)))
	                               (lambda () (pop3-get conn 3)))))`)
	wantContains(t, "pop3.scm -ERR", got, "#t", "RETR 3")
	scmMust(t, it, `(pop3-quit conn)`)
	if n := e.be.Count(testUser); n != 2 {
		t.Errorf("after pop3.scm deleted message 3 and quit, %d messages remain, want 2", n)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, "pop3.scm log", string(b), "opened POP3 connection to", "<- USER alice", "-> +OK")
	if st, _ := os.Stat(log); st.Mode().Perm() != 0o600 {
		t.Errorf("pop3.scm log mode %04o", st.Mode().Perm())
	}

	// netrc: pop3.scm's (netrc:parse) and netrc:lookup-login.
	scmMust(t, it, `(define conn (pop3-connect "127.0.0.1"))`)
	// Before login, pop3.scm's state check: a call-error, nothing sent.
	// (After its pop3-quit pop3.scm leaves the state 'connected, so a
	// later command writes to the closed socket and fails there.)
	got = scmMust(t, it, `(guard (c ((call-error? c) (condition-stuff c))) (pop3-stat conn))`)
	if got != `("not in transaction state" pop3-stat)` {
		t.Errorf("pop3.scm before login: %s", got)
	}
	scmMust(t, it, `(pop3-login conn)`)
	if got := scmMust(t, it, `(call-with-values (lambda () (pop3-stat conn)) list)`); !strings.HasPrefix(got, "(2 ") {
		t.Errorf("pop3.scm stat after netrc login = %s", got)
	}
	scmMust(t, it, `(pop3-quit conn)`)
}

func TestPOP3ScmAPOPBugOurServer(t *testing.T) {
	e := newPOP3Env(t, envConfig{})
	_, port, _ := strings.Cut(e.addr, ":")
	it, _ := loadScm(t, port, Options{})
	scmMust(t, it, `(define conn (pop3-connect "127.0.0.1"))`)
	// pop3.scm computes the digest with (run/strings (md5sum) (<< ,str)):
	// GNU md5sum prints "HEX  -", and pop3.scm sends all of it.
	digest := scmMust(t, it, `(md5-digest "<1896.697170952@dbc.mtview.ca.us>tanstaaf")`)
	if digest != `"c4c9334bac560ecc979e58001b3e22fb  -"` {
		t.Errorf("pop3.scm md5-digest = %s (GNU md5sum output expected)", digest)
	}
	got := scmMust(t, it, `(guard (c ((-ERR? c) (list 'refused (pop3-error-text c)))) (pop3-login/APOP conn "alice" "wonderland"))`)
	if !strings.HasPrefix(got, "(refused") {
		t.Errorf("pop3.scm's APOP (digest followed by \"  -\") was accepted: %s", got)
	}
	// popsh's own pop3-login/APOP works against the same server.
	scmMust(t, it, fmt.Sprintf(`(define c2 (popsh-connect %q))`, e.addr))
	scmMust(t, it, `(popsh-login/APOP c2 "alice" "wonderland")`)
	if got := scmMust(t, it, `(call-with-values (lambda () (popsh-stat c2)) (lambda (n o) n))`); got != "3" {
		t.Errorf("popsh APOP then stat = %s", got)
	}
	scmMust(t, it, `(popsh-quit c2)`)
}
