package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"popsh/pop3/server"
)

// TestScriptsWithPopshBinary runs the scripts the way users do, with the
// popsh binary built from this tree: "popsh scripts/movemail.scm DEST".
func TestScriptsWithPopshBinary(t *testing.T) {
	libraryReady(t)
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no go toolchain at %s to build popsh", goBin)
	}
	bin := filepath.Join(t.TempDir(), "popsh")
	build := exec.Command(goBin, "build", "-o", bin, "popsh")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // the README's build
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build popsh: %v\n%s", err, out)
	}
	e := newSrv(t, server.Faults{})
	e.add(genMessages(5)...)
	dest := filepath.Join(t.TempDir(), "Mail") + "/"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"popstat.scm", e.srv.Addr().String()}, ": 5 messages"},
		{[]string{"pop-headers.scm"}, "message 5"},
		{[]string{"movemail.scm", dest}, "movemail: 5 messages"},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = "."
		cmd.Env = append(os.Environ(), e.env...)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), c.want) {
			t.Errorf("popsh %s: %v\n%s", strings.Join(c.args, " "), err, out)
		}
	}
	if got := maildirMessages(t, dest); len(got) != 5 || e.be.Count(testUser) != 0 {
		t.Errorf("popsh movemail.scm: %d stored, %d on the server", len(got), e.be.Count(testUser))
	}
}
