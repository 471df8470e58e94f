package scsh

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"popsh/interp"
)

// procStateDef defines (proc-state proc): the state letter of proc's
// process in /proc (R, S, Z ...), or #f when there is no such process.
const procStateDef = `(define (proc-state p)
  (let ((f (string-append "/proc/" (number->string (proc:pid p)) "/stat")))
    (guard (e ((error? e) #f)) ; the process may be reaped meanwhile
      (list-ref ((infix-splitter " ") (call-with-input-file f read-line)) 2))))`

func TestWaitPollAndWaitAny(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(call-with-values wait-any list)`, "(#f #t)")
	expectValue(t, it, `(define s (& (sleep 100)))
	  (define x (& (sh -c "exit 3")))
	  (list (wait s wait/poll)
	        (call-with-values wait-any (lambda (p st) (list (eq? p x) (status:exit-val st))))
	        (call-with-values (lambda () (wait-any wait/poll)) list))`, "(#f (#t 3) (#f #f))")
	expectValue(t, it, `(signal-process s signal/kill)
	  (call-with-values wait-any (lambda (p st) (list (eq? p s) (status:term-sig st))))`, "(#t 9)")
	expectValue(t, it, `(call-with-values (lambda () (wait-any wait/poll)) list)`, "(#f #t)")
	// a process object waited for keeps its status
	expectValue(t, it, `(status:term-sig (wait s))`, "9")
	expectValue(t, it, `(define y (& (true))) (await (lambda () (wait y wait/poll)))`, "#t")
	expectError(t, it, `(wait y 2)`, "supports only the wait flag wait/poll")
	expectError(t, it, `(wait-any 'poll)`, "argument 1 (flags): expected wait flags")
	expectError(t, it, `(wait-process-group "0")`, "argument 1 (pgrp): expected a process object or a process group id")
}

func TestWaitProcessGroup(t *testing.T) {
	it, _ := sigInterp(t)
	// both children are in popsh's process group, the default
	expectValue(t, it, `(define a (& (sh -c "exit 4")))
	  (call-with-values wait-process-group (lambda (p st) (list (eq? p a) (status:exit-val st))))`, "(#t 4)")
	expectValue(t, it, `(define b (& (sh -c "exit 5")))
	  (call-with-values (lambda () (wait-process-group (process-group) 0))
	    (lambda (p st) (list (eq? p b) (status:exit-val st))))`, "(#t 5)")
	// no child in another group
	expectValue(t, it, `(define c (& (sleep 100)))
	  (call-with-values (lambda () (wait-process-group 1 wait/poll)) list)`, "(#f #t)")
	expectValue(t, it, `(call-with-values (lambda () (wait-process-group 0 wait/poll)) list)`, "(#f #f)")
	expectValue(t, it, `(signal-process c signal/kill) (status:term-sig (wait c))`, "9")
}

// With the autoreap policy #f a child that ended stays a zombie until
// reap-zombies (or a wait); with 'early, popsh's default, it does not.
func TestAutoreapPolicy(t *testing.T) {
	it, _ := sigInterp(t)
	if _, err := evalScsh(t, it, procStateDef); err != nil {
		t.Fatal(err)
	}
	expectValue(t, it, `(autoreap-policy)`, "early")
	expectValue(t, it, `(autoreap-policy #f)`, "early")
	expectValue(t, it, `(define z (& (true)))
	  (await (lambda () (equal? (proc-state z) "Z")))`, "#t")
	expectValue(t, it, `(define live (& (sleep 100)))
	  (list (reap-zombies) (proc-state z))`, "(#f #f)")
	expectValue(t, it, `(status:exit-val (wait z))`, "0")
	expectValue(t, it, `(signal-process live signal/kill) (status:term-sig (wait live))`, "9")
	expectValue(t, it, `(reap-zombies)`, "#t")
	expectValue(t, it, `(autoreap-policy 'late)`, "#f")
	expectValue(t, it, `(with-autoreaping (lambda () (autoreap-policy)))`, "early")
	expectValue(t, it, `(define e (& (true)))
	  (await (lambda () (not (proc-state e))))`, "#t")
	expectValue(t, it, `(status:exit-val (wait e))`, "0")
	expectError(t, it, `(autoreap-policy 'never)`, "Illegal autoreap policy.")
}

func TestPidToProc(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define p (& (sleep 100)))
	  (list (eq? p (pid->proc (proc:pid p))) (eq? p (pid->proc (proc:pid p) 'create)))`, "(#t #t)")
	expectValue(t, it, `(signal-process (pid->proc (proc:pid p)) signal/kill)
	  (status:term-sig (wait (proc:pid p)))`, "9")
	// waited for: gone from the table
	expectValue(t, it, `(pid->proc (proc:pid p) #t)`, "#f")
	expectError(t, it, `(pid->proc (proc:pid p))`, "Pid has no corresponding process object")
	// a process that is no child of popsh's: its object exists, a wait fails
	expectValue(t, it, `(proc? (pid->proc 1 'create))`, "#t")
	expectValue(t, it, `(with-errno-handler ((errno data) ((errno/child) 'not-a-child))
	  (wait 1))`, "not-a-child")
	expectError(t, it, `(pid->proc -1)`, "argument 1 (pid): expected a process id")
	expectValue(t, it, `(halts? p)`, "#t")
}

func TestExecPathSearch(t *testing.T) {
	it, _ := sigInterp(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prog"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := strconv.Quote(dir)
	expectValue(t, it, `(exec-path-search "prog" (list "/nonexistent" `+d+`))`, strconv.Quote(dir+"/prog"))
	expectValue(t, it, `(exec-path-search "data" (list `+d+`))`, "#f")
	expectValue(t, it, `(exec-path-search "missing" (list `+d+`))`, "#f")
	expectValue(t, it, `(exec-path-search `+strconv.Quote(dir+"/prog")+` '())`, strconv.Quote(dir+"/prog"))
	expectValue(t, it, `(exec-path-search "/nonexistent/prog" '())`, "#f")
	expectError(t, it, `(exec-path-search 'prog '())`, "argument 1 (prog): expected a string")
	expectError(t, it, `(exec-path-search "prog" "/bin")`, "argument 2 (path-list): expected a list of directory names")
}

func TestPercentExit(t *testing.T) {
	it, _ := sigInterp(t)
	_, err := evalScsh(t, it, `(%exit 4)`)
	var ee *interp.ExitError
	if !errors.As(err, &ee) || ee.Code != 4 || !ee.Emergency {
		t.Errorf("(%%exit 4): %v, want an emergency exit with status 4", err)
	}
	expectError(t, it, `(%exit "4")`, "expected an exact integer")
	// in a (begin ...) stage, only the stage ends, as a forked child would
	expectValue(t, it, `(list (run (begin (%exit 5))) (run/string (begin (display "a") (%exit 0) (display "b"))))`, `(1280 "a")`)
}

func TestExitHooksInScheme(t *testing.T) {
	it, out := sigInterp(t)
	expectValue(t, it, `(add-exit-hook! (lambda () (display "a")))
	  (add-narrowed-exit-hook! (lambda () (display "n")))
	  (add-exit-hook! (lambda () (display "b")))
	  (call-exit-hooks-and-narrow (lambda () 'done))`, "done")
	if got := out.String(); got != "ban" {
		t.Errorf("hooks wrote %q, want \"ban\"", got)
	}
	// each hook runs once
	out.Reset()
	if err := RunExitHooks(context.Background(), it, nil); err != nil || out.Len() != 0 {
		t.Errorf("second run: %v, wrote %q", err, out.String())
	}
	// not after an error; after an exit, with the hook's error replacing it
	expectValue(t, it, `(add-exit-hook! (lambda () (car '()))) #t`, "#t")
	boom := errors.New("boom")
	if err := RunExitHooks(context.Background(), it, boom); err != boom {
		t.Errorf("after an error: %v, want the error itself", err)
	}
	err := RunExitHooks(context.Background(), it, &interp.ExitError{Code: 2})
	if err == nil || !strings.Contains(err.Error(), "car") {
		t.Errorf("a failing hook at exit: %v, want its error", err)
	}
	expectError(t, it, `(add-exit-hook! 5)`, "expected a procedure")
}

func TestProcessCwd(t *testing.T) {
	it, _ := sigInterp(t)
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	expectValue(t, it, `(process-chdir `+strconv.Quote(dir)+`) (list (process-cwd) (cwd))`,
		"("+strconv.Quote(dir)+" "+strconv.Quote(dir)+")")
	expectError(t, it, `(process-chdir "/nonexistent/dir")`, "no such file or directory")
	expectError(t, it, `(process-chdir 5)`, "expected a string")
}

// The effective ids change around a thunk and come back after it (as
// root, to nobody's; otherwise, a change to root's fails with EPERM).
func TestEffectiveIds(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(set-user-effective-uid (user-effective-uid)) (set-user-effective-gid (user-effective-gid)) #t`, "#t")
	if os.Geteuid() != 0 {
		expectValue(t, it, `(with-errno-handler ((errno data) ((errno/perm) 'refused)) (set-uid 0))`, "refused")
		return
	}
	expectValue(t, it, `(list (with-user-effective-gid 65534 (with-user-effective-uid 65534
	                            (list (user-effective-uid) (user-effective-gid) (user-uid))))
	                          (user-effective-uid) (user-effective-gid))`, "((65534 65534 0) 0 0)")
	// the id comes back when the thunk fails too
	expectValue(t, it, `(guard (e (#t (user-effective-uid))) (with-user-effective-uid* 65534 (lambda () (car '()))))`, "0")
	expectError(t, it, `(set-uid -1)`, "expected a user or group id")
	expectError(t, it, `(set-user-effective-gid "0")`, "expected a user or group id")
}

// helperEnv, when set in the environment, makes TestProcessHelper run
// the Scheme program it holds and exit: the tests of the calls that
// change the whole process (session, process group, stop) run in a
// child process.
const helperEnv = "POPSH_SIGPROC_HELPER"

func TestProcessHelper(t *testing.T) {
	src := os.Getenv(helperEnv)
	if src == "" {
		t.Skip("runs only as the child process of the process-state tests")
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, src)
	if err != nil {
		os.Stdout.WriteString("error: " + interp.FormatError(err) + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString(out.String() + interp.WriteString(v) + "\n")
	os.Exit(0)
}

// runHelper runs src in a child process (in a process group of its own
// when ownGroup) and returns the command, started, and its output pipe.
func runHelper(t *testing.T, src string, ownGroup bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcessHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"="+src)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: ownGroup}
	return cmd
}

func TestSessionAndProcessGroup(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`(let ((sid (become-session-leader))) (list (= sid (pid)) (= (process-group) (pid))))`, "(#t #t)"},
		{`(set-process-group 0) (= (process-group) (pid))`, "#t"},
		{`(set-process-group (pid) (pid)) (= (process-group) (pid))`, "#t"},
		{`(with-errno-handler ((errno data) ((errno/srch) 'no-such-process)) (set-process-group 999999999 0))`, "no-such-process"},
		{`(guard (e (#t (condition-stuff e))) (set-process-group 'x))`, `("set-process-group: argument 1 (pgrp): expected a process group id, got x")`},
	} {
		out, err := runHelper(t, c.src, false).Output()
		if err != nil || strings.TrimSpace(string(out)) != c.want {
			t.Errorf("%s: %q (%v), want %s", c.src, out, err, c.want)
		}
	}
}
