package pop3test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// skippedNoDovecot counts the tests of this binary that StartDovecot
// skipped because the dovecot binary is missing.
var skippedNoDovecot atomic.Int64

// missingNotice is the line printed when Dovecot tests were skipped.
func missingNotice() string {
	return "popsh: Dovecot is not installed, so the tests against a real POP3 server were skipped " +
		"(Debian/Ubuntu: sudo apt-get install dovecot-pop3d)\n"
}

// reportMissingDovecot tells the person running the tests that Dovecot
// tests were skipped. `go test ./...` shows nothing of a passing package
// but its "ok" line, so the notice goes to the terminal (/dev/tty) when
// there is one, once per go test run (the go command is the parent of
// every test binary it runs); without a terminal it goes to stderr, which
// go test -v and a failing run show.
func reportMissingDovecot(n int64) {
	if n == 0 || dovecotBinary() != "" {
		return
	}
	msg := missingNotice()
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		io.WriteString(os.Stderr, msg)
		return
	}
	defer tty.Close()
	if firstInRun(os.TempDir(), parentKey()) {
		io.WriteString(tty, msg)
	}
	io.WriteString(os.Stderr, msg)
}

// parentKey names the go command running this test binary: its process id
// and start time (so a reused pid is another run), or "" when unknown.
func parentKey() string {
	ppid := os.Getppid()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", ppid))
	if err != nil {
		return ""
	}
	// Field 22 is the start time; the command name (field 2) may hold
	// spaces, so count from the closing parenthesis.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		if f := strings.Fields(s[i+1:]); len(f) > 19 {
			return fmt.Sprintf("%d-%s", ppid, f[19])
		}
	}
	return ""
}

// firstInRun reports whether this is the first test binary of the run
// named key to claim the notice (a file created exclusively in dir); with
// no key, every binary is first.
func firstInRun(dir, key string) bool {
	if key == "" {
		return true
	}
	f, err := os.OpenFile(filepath.Join(dir, "popsh-dovecot-notice-"+key), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return !os.IsExist(err)
	}
	f.Close()
	return true
}
