package scsh

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// lockChild is the other process of TestRecordLocksAgainstAnotherProcess
// (a child copy of the test binary): "hold" takes a write lock on bytes
// 0-9 of the file and keeps it until its standard input ends; "probe"
// says whether it could take that lock now.
func lockChild(t *testing.T, path, mode string) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 10}
	err = unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
	switch mode {
	case "hold":
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n')
	case "probe":
		if err != nil {
			fmt.Println("busy")
		} else {
			fmt.Println("free")
		}
	}
	os.Exit(0)
}

// Record locks conflict with another process's: get-lock-region names the
// holder, lock-region/no-block fails while it holds the lock and
// lock-region waits for it; with-region-lock holds the lock for its body
// only.
func TestRecordLocksAgainstAnotherProcess(t *testing.T) {
	if path := os.Getenv("POPSH_LOCK_CHILD"); path != "" {
		lockChild(t, path, os.Getenv("POPSH_LOCK_MODE"))
	}
	path := filepath.Join(t.TempDir(), "locked")
	if err := os.WriteFile(path, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	child := func(mode string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRecordLocksAgainstAnotherProcess$")
		cmd.Env = append(os.Environ(), "POPSH_LOCK_CHILD="+path, "POPSH_LOCK_MODE="+mode)
		return cmd
	}
	probe := func() string {
		out, err := child("probe").Output()
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	holder := child("hold")
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("holder: %q %v", line, err)
	}

	var out bytes.Buffer
	it := newScshInterp(t, &out)
	it.DefineBuiltins("test", interp.Builtin{Name: "probe-lock", MinArgs: 0, MaxArgs: 0, Doc: "(probe-lock): test",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) { return interp.NewString(probe()), nil }})
	pid := strconv.Itoa(holder.Process.Pid)
	runCases := func(cases []scshCase) {
		t.Helper()
		for _, c := range cases {
			v, err := evalScsh(t, it, c.src)
			if c.errWant != "" {
				if err == nil || !strings.Contains(interp.FormatError(err), c.errWant) {
					t.Errorf("%s: %v, want an error containing %q", c.src, err, c.errWant)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %s", c.src, interp.FormatError(err))
			} else if got := interp.WriteString(v); got != c.want {
				t.Errorf("%s = %s, want %s", c.src, got, c.want)
			}
		}
	}
	runCases([]scshCase{
		{`(define fd (open-fdes "` + path + `" open/read+write))`, `#!unspecific`, ""},
		{`(define lk (make-lock-region #t 0 10))`, `#!unspecific`, ""},
		{`(let ((held (get-lock-region fd lk))) (list (lock-region? held) (lock-region:exclusive? held) (lock-region:start held) (lock-region:len held) (lock-region:whence held) (lock-region:pid held) (proc:pid (lock-region:proc held))))`,
			`(#t #t 0 10 0 ` + pid + ` ` + pid + `)`, ""},
		{`(lock-region/no-block fd lk)`, `#f`, ""},
		{`(wait (lock-region:proc (get-lock-region fd lk)))`, "", "is not a child of popsh"},
		{`(lock-region/no-block fd (make-lock-region #f 1 1))`, `#f`, ""},
		{`(list (get-lock-region fd (make-lock-region #t 20 5)) (lock-region/no-block fd (make-lock-region #f 20 5)))`, `(#f #t)`, ""},
		{`(list (lock-region? lk) (lock-region:proc lk) (lock-region:pid lk) (lock-region? 5))`, `(#t #f #f #f)`, ""},
		{`(lock-region fd 'x)`, "", "argument 2 (lock): expected a lock-region record"},
		{`(make-lock-region #t 'a 1)`, "", "argument 2 (start): expected an exact integer"},
		{`(make-lock-region #t 0 -1)`, "", "argument 3 (len): expected a non-negative exact integer or #f"},
		{`(make-lock-region #t 0 #f 9)`, "", "argument 4 (whence)"},
		{`(lock-region/no-block (open-fdes "` + path + `" open/read) lk)`, "", "bad file descriptor"},
	})

	// A wait that is cancelled (as by Ctrl-C) ends with an error.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err = it.EvalString(ctx, `(lock-region fd lk)`, "wait.scm")
	cancel()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a cancelled wait for a lock: %v", err)
	}

	// lock-region waits until the holder lets go.
	done := make(chan error, 1)
	go func() {
		_, err := evalScsh(t, it, `(lock-region fd lk)`)
		done <- err
	}()
	stdin.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("lock-region: %s", interp.FormatError(err))
		}
	case <-time.After(60 * time.Second):
		t.Fatal("lock-region still waits a minute after the holder ended")
	}
	if got := probe(); got != "busy" {
		t.Errorf("after lock-region another process finds the lock %s", got)
	}
	runCases([]scshCase{
		{`(begin (unlock-region fd lk) (probe-lock))`, `"free"`, ""},
		{`(list (with-region-lock fd lk (probe-lock)) (probe-lock))`, `("busy" "free")`, ""},
		{`(list (guard (e (#t (probe-lock))) (with-region-lock* fd lk (lambda () (error "out")))) (probe-lock))`, `("free" "free")`, ""},
	})
}

// with-dot-lock holds FILE.lock while its body runs and removes it
// however the body is left; break-dot-lock removes any lock.
func TestDotLockForms(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "mbox")
	q := `"` + f + `"`
	runScshCases(t, []scshCase{
		{`(list (with-dot-lock ` + q + ` (file-exists? "` + f + `.lock")) (file-exists? "` + f + `.lock"))`, `(#t #f)`, ""},
		{`(list (guard (e (#t (file-exists? "` + f + `.lock"))) (with-dot-lock* ` + q + ` (lambda () (error "inside")))) (file-exists? "` + f + `.lock"))`, `(#f #f)`, ""},
		{`(call-with-values (lambda () (with-dot-lock* ` + q + ` (lambda () (values 1 2)))) list)`, `(1 2)`, ""},
		{`(begin (obtain-dot-lock ` + q + `) (break-dot-lock ` + q + `) (list (file-exists? "` + f + `.lock") (obtain-dot-lock ` + q + ` 0 0)))`, `(#f #t)`, ""},
		{`(begin (release-dot-lock ` + q + `) (break-dot-lock ` + q + `) (file-exists? "` + f + `.lock"))`, `#f`, ""},
		{`(break-dot-lock 'x)`, "", "expected a string"},
		{`(break-dot-lock "` + filepath.Join(dir, "no-dir", "x") + `")`, `#!unspecific`, ""},
	})
}
