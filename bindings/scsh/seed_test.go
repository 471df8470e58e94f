package scsh

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"popsh/interp"
	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

// seedPath is scsh's pop3.scm, kept outside the repository, in the shared
// folder beside it.
var seedPath = filepath.Join("..", "..", "..", "shared", "seed", "pop3.scm")

// TestSeedRunsOnScshLayer loads the seed pop3.scm unchanged on the scsh
// layer alone (its own Scheme procedures, over this layer's sockets,
// records, conditions, regexps and process notation) and runs a session
// against the in-process server: USER/PASS login, STAT, RETR, TOP, DELE,
// QUIT, a -ERR condition, the transaction-state call-error, and the
// netrc fallback of pop3-login.
func TestSeedRunsOnScshLayer(t *testing.T) {
	if _, err := os.Stat(seedPath); err != nil {
		t.Skipf("seed %s is absent: %v", seedPath, err)
	}
	be := server.NewMemoryBackend()
	be.AddUser("alice", "s3cret")
	be.AddMessage("alice", []byte("Subject: one\r\n\r\n.dot-leading line\r\nbody\r\n"))
	be.AddMessage("alice", []byte("Subject: two\r\n\r\nsecond\r\n"))
	srv := pop3test.StartServer(t, server.Options{Backend: be, Hostname: "popsh.test"})
	port := srv.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndexByte(port, ':')+1:]
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine localhost login alice password s3cret\n"), 0o600)
	t.Setenv("POPSH_SERVICES", "pop3="+port)
	t.Setenv("NETRC", netrc)
	t.Setenv("MAILHOST", "")
	os.Unsetenv("MAILHOST")
	logfile := filepath.Join(dir, "pop3.log")

	var out bytes.Buffer
	it := newScshInterp(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	src, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := it.EvalString(ctx, string(src), seedPath); err != nil {
		t.Fatalf("loading the seed: %s", interp.FormatError(err))
	}
	script := `
(define (show . xs) (if (null? xs) (newline) (begin (display (car xs)) (apply show (cdr xs)))))
(show "state error: " (call-with-current-continuation (lambda (k)
  (with-handler (lambda (c punt) (k (condition-stuff c)))
    (lambda () (pop3-stat (make-pop3-connection "h" #f #f "" "" #f #f)))))))
(define c (pop3-connect "localhost" ` + strconv.Quote(logfile) + `))
(show "challenge: " (pop3-connection:challenge c))
(show "login: " (pop3-login c))
(receive (n bytes) (pop3-stat c) (show "stat: " n " " bytes))
(show "get: " (pop3-get c 1))
(show "headers: " (pop3-headers c 2))
(show "-ERR: " (call-with-current-continuation (lambda (k)
  (with-handler (lambda (cnd punt) (k (list (-ERR? cnd) (error? cnd) (condition-stuff cnd))))
    (lambda () (pop3-get c 9))))))
(show "guard: " (guard (e ((error-object? e) (error-object-message e))) (pop3-delete c 7)))
(show "delete: " (pop3-delete c 1))
(show "quit: " (pop3-quit c))
`
	if _, err := it.EvalString(ctx, script, "driver.scm"); err != nil {
		t.Fatalf("driver: %s\noutput so far:\n%s", interp.FormatError(err), out.String())
	}
	it.FlushOutput()
	got := out.String()
	for _, want := range []string{
		`state error: (not in transaction state pop3-stat)`,
		"challenge: <",
		"@popsh.test>",
		"login: ",
		"stat: 2 ",
		"Subject: one\r\n\r\n.dot-leading line\r\nbody\r\nget: ",
		"Subject: two\r\n\r\nheaders: ",
		`-ERR: (#t #t (`,
		`RETR 9))`,
		"guard: ",
		"delete: ",
		"quit: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("seed session output lacks %q\n--- output ---\n%s", want, got)
		}
	}
	if be.Count("alice") != 1 {
		t.Errorf("after DELE 1 and QUIT the maildrop has %d messages, want 1", be.Count("alice"))
	}
	log, err := os.ReadFile(logfile)
	if err != nil {
		t.Fatalf("log file: %v", err)
	}
	if st, _ := os.Stat(logfile); st.Mode().Perm() != 0o600 {
		t.Errorf("log mode %o, want 600", st.Mode().Perm())
	}
	for _, want := range []string{"opened POP3 connection to localhost", "<- USER alice", "<- STAT", "-> +OK"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	_ = interp.Null
}
