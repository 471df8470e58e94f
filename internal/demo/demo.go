// Package demo is what `popsh --demo` runs on: popsh's own POP3 server on
// 127.0.0.1 over a sample maildrop (five short messages about popsh), a
// private netrc file with a fresh random password, the environment
// (MAILHOST, NETRC) that points the pop3-* procedures at both, and the
// tour (examples/tour.scm) with the hints printed after it.
//
// It is the only package outside the tests that links pop3/server in.
package demo

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"popsh/examples"
	"popsh/pop3/server"
)

// maildrop holds the messages of the demo maildrop, one file each, served
// in the order of their names.
//
//go:embed maildrop/*.eml
var maildrop embed.FS

// User is the login of the demo maildrop.
const User = "demo"

// Server is a running demonstration: popsh's own POP3 server on 127.0.0.1
// over the sample maildrop, and a private netrc file (mode 0600) holding
// its credentials. Start it with Start; Env gives the settings under which
// (pop3-connect) and (pop3-login conn) reach it with no arguments.
type Server struct {
	// Addr is the server's address, "127.0.0.1:PORT".
	Addr string
	// User and Password are the demo credentials (a fresh random
	// password each time).
	User, Password string
	// NetrcPath is the netrc file naming them for 127.0.0.1 (with the
	// server's port as a port token).
	NetrcPath string

	srv *server.Server
	dir string
}

// Start starts the demo server on a free port of 127.0.0.1 and writes its
// netrc file in a fresh temporary directory. Close stops both.
//
// The shell uses it for `popsh --demo`:
//
//	d, err := demo.Start(ctx)
//	if err != nil { ... }
//	defer d.Close()
//	d.Apply()                    // sets MAILHOST and NETRC in this process
//	it := interp.New(...); bindings.Install(it, bindings.Options{})
//	it.EvalString(ctx, demo.Tour(), "examples/tour.scm")
func Start(ctx context.Context) (*Server, error) {
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		return nil, fmt.Errorf("start demo: %w", err)
	}
	d := &Server{User: User, Password: hex.EncodeToString(pw)}
	be := server.NewMemoryBackend()
	be.AddUser(d.User, d.Password)
	msgs, err := Messages()
	if err != nil {
		return nil, fmt.Errorf("start demo: %w", err)
	}
	for _, m := range msgs {
		if _, err := be.AddMessage(d.User, m); err != nil {
			return nil, fmt.Errorf("start demo: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "popsh-demo-")
	if err != nil {
		return nil, fmt.Errorf("start demo: %w", err)
	}
	d.dir = dir
	d.srv = server.New(server.Options{Backend: be, Hostname: "popsh.demo"})
	if err := d.srv.Start("127.0.0.1:0"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start demo: %w", err)
	}
	d.Addr = d.srv.Addr().String()
	_, port, err := net.SplitHostPort(d.Addr)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("start demo: server address %q: %w", d.Addr, err)
	}
	d.NetrcPath = filepath.Join(dir, "netrc")
	netrc := fmt.Sprintf("machine 127.0.0.1 port %s login %s password %s\n", port, d.User, d.Password)
	if err := os.WriteFile(d.NetrcPath, []byte(netrc), 0o600); err != nil {
		d.Close()
		return nil, fmt.Errorf("start demo: write netrc: %w", err)
	}
	return d, nil
}

// Env returns the environment settings pointing popsh at the demo:
// MAILHOST=127.0.0.1:PORT and NETRC=the demo's netrc file, as "NAME=value"
// strings (for exec.Cmd.Env, or see Apply).
func (d *Server) Env() []string {
	return []string{"MAILHOST=" + d.Addr, "NETRC=" + d.NetrcPath}
}

// EnvMap returns the Env settings as a map from name to value.
func (d *Server) EnvMap() map[string]string {
	return map[string]string{"MAILHOST": d.Addr, "NETRC": d.NetrcPath}
}

// Exports returns the two shell lines that set the Env settings in
// another terminal ("export MAILHOST=...", "export NETRC=..."), each
// ending in a newline, the values quoted for a POSIX shell.
func (d *Server) Exports() string {
	return "export MAILHOST=" + shellQuote(d.Addr) + "\n" +
		"export NETRC=" + shellQuote(d.NetrcPath) + "\n"
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and ./_:-+@%,=.
func shellQuote(s string) string {
	plain := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("./_:-+@%,=", c)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Apply sets the Env settings in the current process (os.Setenv); it is
// meant for main, before the interpreter runs.
func (d *Server) Apply() error {
	if err := os.Setenv("MAILHOST", d.Addr); err != nil {
		return fmt.Errorf("demo: set MAILHOST: %w", err)
	}
	if err := os.Setenv("NETRC", d.NetrcPath); err != nil {
		return fmt.Errorf("demo: set NETRC: %w", err)
	}
	return nil
}

// Close stops the server and removes the netrc file.
func (d *Server) Close() error {
	var err error
	if d.srv != nil {
		err = d.srv.Close()
	}
	if d.dir != "" {
		if rerr := os.RemoveAll(d.dir); err == nil {
			err = rerr
		}
	}
	return err
}

// Messages returns the messages of the demo maildrop, in order.
func Messages() ([][]byte, error) {
	names, err := fs.Glob(maildrop, "maildrop/*.eml")
	if err != nil {
		return nil, fmt.Errorf("demo maildrop: %w", err)
	}
	sort.Strings(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := maildrop.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("demo maildrop: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// Tour returns the source of examples/tour.scm, which `popsh --demo` runs
// (embedded in the binary, so an installed popsh has it too).
func Tour() string {
	return examples.Tour
}

// Hints is what `popsh --demo` prints after the tour; cmd is the command
// that starts popsh as the user typed it ("go run ." or "./popsh"), so
// every line can be pasted as shown.
func Hints(cmd string) string {
	return fmt.Sprintf(`
That was the tour (examples/tour.scm).  To continue:

  %[1]s --demo -i
      a prompt connected to a demo server: (define c (pop3-connect)) (pop3-login c) ...
  %[1]s --demo scripts/popstat.scm
  %[1]s --demo scripts/pop-headers.scm
      any script or example runs against a demo server (MAILHOST and NETRC are set)
  MAILHOST=pop3s://pop.example.org %[1]s
      your own server, the password in ~/.netrc
`, cmd)
}
