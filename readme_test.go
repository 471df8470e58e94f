package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"popsh/internal/demo"
)

// readmeCommands returns the commands of README.md's code blocks: every
// indented line that starts with "go run .", "./popsh", "go build",
// "CGO_ENABLED=0 go build" or "go test".
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		c := strings.TrimSpace(line)
		for _, p := range []string{"go run . ", "./popsh ", "go build ", "CGO_ENABLED=0 go build ", "go test "} {
			if strings.HasPrefix(c, p) {
				cmds = append(cmds, c)
				break
			}
		}
	}
	return cmds
}

// commandDir is a directory where the README's commands run as in a
// clone: ./popsh is the binary TestMain built (with `CGO_ENABLED=0 go
// build -o popsh .`, the README's build command), scripts/ and examples/ are the
// repository's, and it is also the HOME of the commands.
func commandDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"scripts", "examples"} {
		abs, err := filepath.Abs(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(popshBin, filepath.Join(dir, "popsh")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runShell runs one command line with sh in dir (also its HOME), with
// MAILHOST and NETRC from env when given, else pointing nowhere.
func runShell(t *testing.T, dir, line string, env ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "MAILHOST=", "NETRC="+filepath.Join(dir, "no-netrc"))
	cmd.Env = append(cmd.Env, env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s: timed out; stdout %q stderr %q", line, so.String(), se.String())
	case errorsAs(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", line, err)
	}
	return result{so.String(), se.String(), code}
}

func errorsAs(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*ee = e
	}
	return ok
}

func TestREADMECommandsRunAsPrinted(t *testing.T) {
	cmds := readmeCommands(t)
	ran := 0
	for _, c := range cmds {
		switch {
		case c == "go test ./..." || strings.HasPrefix(c, "go test ./... "):
			// The test command: it must be the one CI runs.
			ci, err := os.ReadFile(".ci/run")
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`(?m)^go test \./\.\.\.$`).Match(ci) {
				t.Errorf("README says %q but .ci/run does not run exactly `go test ./...`", c)
			}
			continue
		case strings.HasPrefix(c, "go test "), strings.HasPrefix(c, buildCommand) && !strings.Contains(c, "&&"):
			// Benchmarks and the build itself (TestMain built the binary
			// with this command).
			continue
		case strings.Contains(c, "example.org"):
			continue // needs the reader's own mail server
		}
		line := strings.TrimPrefix(c, buildCommand+" && ") // done by TestMain
		if rest, ok := strings.CutPrefix(line, "go run . "); ok {
			line = "./popsh " + rest // the same program, already compiled
		}
		dir := commandDir(t)
		var env []string
		if !strings.Contains(line, "--demo") {
			// A command for the reader's own account: run it against a
			// demo server, as if MAILHOST and ~/.netrc named it.
			d, err := demo.Start(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			env = d.Env()
		}
		r := runShell(t, dir, line, env...)
		interactive := strings.Contains(line, " -i")
		if r.code != 0 || (r.stdout == "" && !interactive) {
			t.Errorf("README command %q: exit status %d, stdout %q, stderr %q; want 0 and output", c, r.code, r.stdout, r.stderr)
		}
		t.Logf("ran %s", line)
		ran++
	}
	if ran < 8 {
		t.Errorf("ran %d of the README's commands (%q); want at least 8", ran, cmds)
	}
}

// ansi matches the terminal control sequences the line editor writes.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func TestREADMETranscript(t *testing.T) {
	// The session at the top of the README, typed at the prompt of
	// --demo -i, prints what the README shows.
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "A session at the prompt of `go run . --demo -i`")
	if i < 0 {
		t.Fatal("README: no session transcript near the top")
	}
	type step struct{ in, out string }
	var steps []step
	started := false
	for _, line := range strings.Split(text[i:], "\n")[1:] {
		if !strings.HasPrefix(line, "    ") {
			if started {
				break
			}
			continue
		}
		started = true
		l := line[4:]
		if in, ok := strings.CutPrefix(l, "popsh> "); ok {
			steps = append(steps, step{in: in})
		} else if len(steps) > 0 {
			steps[len(steps)-1].out += l + "\r\n"
		}
	}
	if len(steps) < 4 {
		t.Fatalf("transcript has %d entries, want connect+login, stat, a header, quit", len(steps))
	}
	tm := startTerm(t, t.TempDir(), "--demo", "-i")
	tm.expect("popsh> ")
	for _, s := range steps {
		got := ansi.ReplaceAllString(tm.eval(s.in), "")
		if got = strings.TrimSuffix(got, "\r"); got != s.out {
			t.Errorf("README transcript: %s\n printed %q\n README shows %q", s.in, got, s.out)
		}
	}
	tm.send("\x04")
	if code := tm.wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
}

func TestDemoHintsRunAsPrinted(t *testing.T) {
	// The hints after the tour start popsh the way the user did, and each
	// runs (but the one for the reader's own server).
	dir := commandDir(t)
	r := runShell(t, dir, "./popsh --demo")
	if r.code != 0 {
		t.Fatalf("./popsh --demo: status %d, stderr %q", r.code, r.stderr)
	}
	_, hints, ok := strings.Cut(r.stdout, "That was the tour")
	if !ok {
		t.Fatalf("no hints after the tour: %q", r.stdout)
	}
	ran := 0
	for _, line := range strings.Split(hints, "\n") {
		c := strings.TrimSpace(line)
		if strings.HasPrefix(c, "popsh") || strings.Contains(c, " popsh ") {
			t.Errorf("hint %q names popsh, which the README's commands do not install", c)
		}
		if !strings.HasPrefix(c, "./popsh ") {
			continue
		}
		r := runShell(t, dir, c)
		if r.code != 0 || (r.stdout == "" && !strings.HasSuffix(c, " -i")) {
			t.Errorf("hint %q: status %d, stdout %q, stderr %q", c, r.code, r.stdout, r.stderr)
		}
		ran++
	}
	if ran < 3 {
		t.Errorf("ran %d hints, want at least 3:\n%s", ran, hints)
	}
	if !strings.Contains(hints, "MAILHOST=pop3s://pop.example.org ./popsh") {
		t.Errorf("hints %q: want the way to one's own server with ./popsh", hints)
	}
}

func TestCommandName(t *testing.T) {
	for argv0, want := range map[string]string{
		"/tmp/go-build123456/b001/exe/popsh": "go run .",
		"./popsh":                            "./popsh",
		"/usr/local/bin/popsh":               "/usr/local/bin/popsh",
		"popsh":                              "popsh",
	} {
		if got := commandName(argv0); got != want {
			t.Errorf("commandName(%q) = %q, want %q", argv0, got, want)
		}
	}
}
