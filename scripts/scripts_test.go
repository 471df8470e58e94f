package scripts

// End-to-end tests of the scripts: each runs as its own process (this test
// binary re-executed as a small popsh: interpreter, bindings.Install,
// bindings.Install, the script file), against our in-process POP3
// server (with its faults) and against Dovecot.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"popsh/bindings"
	"popsh/bindings/scsh"
	"popsh/interp"
	"popsh/pop3/server"
)

// childEnv marks the re-executed test binary: its value is the script.
const childEnv = "POPSH_SCRIPTS_TEST_CHILD"

func TestMain(m *testing.M) {
	if script := os.Getenv(childEnv); script != "" {
		os.Exit(runChild(script, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runChild runs script with args the way popsh runs a script file, and
// returns the exit status.
func runChild(script string, args []string) int {
	if lim := os.Getenv("POPSH_TEST_FSIZE"); lim != "" {
		// A destination that fills up: writes past lim bytes fail with
		// EFBIG (the Go runtime ignores SIGXFSZ).
		n, _ := strconv.ParseUint(lim, 10, 64)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 70
		}
	}
	if h, ok := os.LookupEnv("POPSH_TEST_HOSTNAME"); ok {
		// Started in a UTS namespace of its own (see withHostname).
		if err := syscall.Sethostname([]byte(h)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 70
		}
	}
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 70
	}
	it.SetCommandLine(append([]string{script}, args...))
	scsh.SetArgs(it, args)
	// Ctrl-C (SIGINT) stops the evaluation, as popsh's does, unless the
	// program has taken it over.
	ctx, cancel := context.WithCancel(context.Background())
	ints := make(chan os.Signal, 1)
	signal.Notify(ints, os.Interrupt)
	go func() {
		for range ints {
			if !scsh.InterruptTaken(it) {
				signal.Reset(os.Interrupt)
				cancel()
				return
			}
		}
	}()
	_, err := it.EvalFile(ctx, script)
	it.FlushOutput()
	if err == nil {
		return 0
	}
	var ee *interp.ExitError
	if errors.As(err, &ee) {
		return ee.Code & 0xff
	}
	fmt.Fprintln(os.Stderr, interp.FormatError(err))
	if interp.IsInterrupt(err) {
		return 130
	}
	return 1
}

// libraryReady fails the test when the interpreter lacks a procedure the
// scripts use (for-each, with-output-to-string...): that is a regression,
// never a reason to skip.
func libraryReady(t *testing.T) {
	t.Helper()
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		t.Fatalf("bindings.Install: %v", err)
	}
	for _, name := range []string{"for-each", "with-output-to-string", "string-join", "fold"} {
		if _, ok := it.Lookup(name); !ok {
			t.Fatalf("the interpreter has no %s: the scripts cannot run", name)
		}
	}
}

// result is what a script run did.
type result struct {
	status         int
	stdout, stderr string
}

// script starts ../scripts/NAME with args in the environment env.
func script(env []string, name string, args ...string) *exec.Cmd {
	exe, _ := os.Executable()
	abs, _ := filepath.Abs(name)
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), env...), childEnv+"="+abs)
	return cmd
}

func run(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	cmd := script(env, name, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.status = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", name, err)
	}
	return r
}

// ---- the test server ----

const (
	testUser = "alice"
	testPass = "wonderland"
)

// srvEnv is our POP3 server with a maildrop, a netrc for it and a HOME.
type srvEnv struct {
	t    *testing.T
	be   *server.MemoryBackend
	srv  *server.Server
	home string
	env  []string
	msgs map[string]string // uid → message as added

	mu   sync.Mutex
	cmds []string
	seen chan string // every command line, for kill points
}

func newSrv(t *testing.T, faults server.Faults) *srvEnv {
	t.Helper()
	libraryReady(t)
	e := &srvEnv{t: t, be: server.NewMemoryBackend(), msgs: map[string]string{}, seen: make(chan string, 10000)}
	e.be.AddUser(testUser, testPass)
	e.srv = server.New(server.Options{
		Backend:  e.be,
		Hostname: "test.invalid",
		Faults:   faults,
		OnCommand: func(user, line string) {
			e.mu.Lock()
			e.cmds = append(e.cmds, line)
			e.mu.Unlock()
			select {
			case e.seen <- line:
			default:
			}
		},
	})
	if err := e.srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.srv.Close() })
	e.home = t.TempDir()
	netrc := filepath.Join(e.home, ".netrc")
	if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = []string{"HOME=" + e.home, "NETRC=" + netrc, "MAILHOST=" + e.srv.Addr().String()}
	return e
}

// add puts messages into the maildrop.
func (e *srvEnv) add(msgs ...string) {
	for _, m := range msgs {
		uid, err := e.be.AddMessage(testUser, []byte(m))
		if err != nil {
			e.t.Fatal(err)
		}
		e.msgs[uid] = m
	}
}

// onServer returns the messages still in the maildrop, by UID.
func (e *srvEnv) onServer() map[string]bool {
	set := map[string]bool{}
	for _, u := range e.be.UIDs(testUser) {
		set[u] = true
	}
	return set
}

// genMessages returns n distinct messages; every fourth has lines that
// need mboxrd quoting and dot-stuffing, one lacks a final newline.
func genMessages(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "From: Sender %d <s%d@example.org>\nTo: alice@example.org\nSubject: message %d\nMessage-ID: <m%d@test>\n\n", i, i, i, i)
		for j := 0; j < 20+i%7; j++ {
			fmt.Fprintf(&b, "line %d of message %d: %s\n", j, i, strings.Repeat("x", 40))
		}
		if i%4 == 0 {
			b.WriteString("From the quoting test\n>From already quoted\n.\n..two dots\n")
		}
		fmt.Fprintf(&b, "end of message %d", i)
		if i%5 != 0 {
			b.WriteString("\n")
		}
		out = append(out, b.String())
	}
	return out
}

// ---- reading destinations ----

// maildirMessages returns the messages in new/ and cur/ of dir, and fails
// on anything left in tmp/ that looks finished.
func maildirMessages(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			t.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
	}
	return out
}

// mboxMessages splits an mboxrd file into messages, undoing the quoting;
// it fails on a malformed file (a message without its blank line).
func mboxMessages(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return nil
	}
	text := string(data)
	if !strings.HasPrefix(text, "From ") {
		t.Fatalf("mbox %s does not start with a From line: %.60q", path, text)
	}
	var out []string
	chunks := strings.Split(text[5:], "\n\nFrom ")
	for i, chunk := range chunks {
		if i < len(chunks)-1 {
			chunk += "\n\n"
		}
		nl := strings.IndexByte(chunk, '\n')
		if nl < 0 {
			t.Fatalf("mbox %s: From line without message: %q", path, chunk)
		}
		body := chunk[nl+1:]
		var lines []string
		for _, l := range strings.SplitAfter(body, "\n") {
			i := 0
			for i < len(l) && l[i] == '>' {
				i++
			}
			if i > 0 && strings.HasPrefix(l[i:], "From ") {
				l = l[1:]
			}
			lines = append(lines, l)
		}
		out = append(out, strings.Join(lines, ""))
	}
	for i, m := range out {
		if !strings.HasSuffix(m, "\n\n") {
			t.Fatalf("mbox %s: message %d not ended by a blank line (truncated?): ...%q", path, i+1, m[max(0, len(m)-60):])
		}
		out[i] = m[:len(m)-1]
	}
	return out
}

// canon is a message as stored: LF line ends, ending in a newline.
func canon(m string) string {
	m = strings.ReplaceAll(m, "\r\n", "\n")
	if !strings.HasSuffix(m, "\n") {
		m += "\n"
	}
	return m
}

// checkNothingLost checks the invariant: every message is on the server
// or complete in the mailbox (or both, when allowDup), never lost, never
// truncated, never stored twice unless allowDup.
func (e *srvEnv) checkNothingLost(stored []string, allowDup bool) {
	e.t.Helper()
	byText := map[string]string{}
	for uid, m := range e.msgs {
		byText[canon(m)] = uid
	}
	count := map[string]int{}
	for _, s := range stored {
		uid, ok := byText[canon(s)]
		if !ok {
			e.t.Errorf("mailbox holds a message that is not one of the originals (truncated or altered): %.120q", s)
			continue
		}
		count[uid]++
	}
	on := e.onServer()
	for uid := range e.msgs {
		if count[uid] == 0 && !on[uid] {
			e.t.Errorf("message %s lost: neither on the server nor in the mailbox", uid)
		}
		if count[uid] > 1 && !allowDup {
			e.t.Errorf("message %s stored %d times", uid, count[uid])
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// waitFor waits until a command line with prefix arrives (or fails).
func (e *srvEnv) waitFor(prefix string, d time.Duration) {
	e.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case l := <-e.seen:
			if strings.HasPrefix(l, prefix) {
				return
			}
		case <-deadline:
			e.t.Fatalf("the server never saw %q; commands: %q", prefix, e.commands())
		}
	}
}

func (e *srvEnv) commands() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.cmds...)
}
