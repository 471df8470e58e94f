package scsh

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/interp"
)

var updateGolden = flag.Bool("update-scsh", false, "rewrite bindings/scsh/testdata/scsh/*.out from the current output")

// startLineServer starts a tiny TCP server on 127.0.0.1 that greets with a
// POP3-style banner and answers each line "+OK got LINE" until QUIT.
func startLineServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				c.Write([]byte("+OK test server ready <1896.697170952@dbc.mtview.ca.us>\r\n"))
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					if line == "QUIT" {
						c.Write([]byte("+OK bye\r\n"))
						return
					}
					if strings.HasPrefix(line, "RETR") {
						c.Write([]byte("+OK message follows\r\nSubject: hi\r\n\r\n..dotted line\r\nbody\r\n.\r\n"))
						continue
					}
					c.Write([]byte("+OK got " + line + "\r\n"))
				}
			}(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestScshCompat runs each bindings/scsh/testdata/scsh/NAME.scm unchanged and
// compares everything it prints (and an uncaught error, formatted by
// interp.FormatError, as popsh prints it, after "UNCAUGHT ") with
// NAME.out.
func TestScshCompat(t *testing.T) {
	files, _ := filepath.Glob("testdata/scsh/*.scm")
	if len(files) == 0 {
		t.Fatal("no compatibility scripts found")
	}
	dir := t.TempDir()
	okNetrc := filepath.Join(dir, "netrc-ok")
	os.WriteFile(okNetrc, []byte("machine pop.example.com login alice password s3cret\ndefault login anon password guest\n"), 0o600)
	badNetrc := filepath.Join(dir, "netrc-bad")
	os.WriteFile(badNetrc, []byte("machine pop.example.com login alice password s3cret\n"), 0o600)
	os.Chmod(badNetrc, 0o644)
	port := startLineServer(t)
	t.Setenv("SCSH_TEST_DIR", dir)
	t.Setenv("SCSH_TEST_NETRC_OK", okNetrc)
	t.Setenv("SCSH_TEST_NETRC_BAD", badNetrc)
	t.Setenv("SCSH_TEST_PORT", strconv.Itoa(port))
	t.Setenv("POPSH_SERVICES", "pop3="+strconv.Itoa(port))
	t.Setenv("NETRC", okNetrc)
	t.Setenv("HOME", dir)
	t.Setenv("MAILHOST", "")
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".scm")
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			it := newScshInterp(t, &out)
			it.SetCommandLine([]string{f, "one", "two"})
			SetArgs(it, []string{"one", "two"})
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err = it.EvalString(ctx, string(src), f)
			it.FlushOutput()
			if err != nil {
				out.WriteString("UNCAUGHT " + interp.FormatError(err) + "\n")
			}
			got := strings.ReplaceAll(out.String(), strconv.Itoa(port), "PORT")
			got = strings.ReplaceAll(got, dir, "TMPDIR")
			golden := strings.TrimSuffix(f, ".scm") + ".out"
			if *updateGolden {
				os.WriteFile(golden, []byte(got), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing expected output %s: %v", golden, err)
			}
			if got != string(want) {
				t.Errorf("%s: output differs\n--- got ---\n%s\n--- want ---\n%s", f, got, want)
			}
		})
	}
}
