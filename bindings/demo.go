package bindings

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

	"popsh/examples"
	"popsh/pop3/server"
)

// demoMaildrop holds the messages of the demo maildrop, one file each,
// served in the order of their names.
//
//go:embed demo-maildrop/*.eml
var demoMaildrop embed.FS

// DemoUser is the login of the demo maildrop.
const DemoUser = "demo"

// Demo is a running demonstration: popsh's own POP3 server on 127.0.0.1
// over a sample maildrop, and a private netrc file (mode 0600) holding its
// credentials. Start it with StartDemo; Env gives the settings under which
// (pop3-connect) and (pop3-login conn) reach it with no arguments.
type Demo struct {
	// Addr is the server's address, "127.0.0.1:PORT".
	Addr string
	// User and Password are the demo credentials (a fresh random
	// password each time).
	User, Password string
	// NetrcPath is the netrc file naming them for 127.0.0.1.
	NetrcPath string

	srv *server.Server
	dir string
}

// StartDemo starts the demo server on a free port of 127.0.0.1 and writes
// its netrc file in a fresh temporary directory. Close stops both.
//
// The shell uses it for `popsh --demo`:
//
//	d, err := bindings.StartDemo(ctx)
//	if err != nil { ... }
//	defer d.Close()
//	d.Apply()                    // sets MAILHOST and NETRC in this process
//	it := interp.New(...); bindings.Install(it, bindings.Options{})
//	it.EvalString(ctx, bindings.DemoTour(), "examples/tour.scm")
func StartDemo(ctx context.Context) (*Demo, error) {
	pw := make([]byte, 12)
	if _, err := rand.Read(pw); err != nil {
		return nil, fmt.Errorf("start demo: %w", err)
	}
	d := &Demo{User: DemoUser, Password: hex.EncodeToString(pw)}
	be := server.NewMemoryBackend()
	be.AddUser(d.User, d.Password)
	msgs, err := DemoMessages()
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
	d.NetrcPath = filepath.Join(dir, "netrc")
	netrc := fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", d.User, d.Password)
	if err := os.WriteFile(d.NetrcPath, []byte(netrc), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start demo: write netrc: %w", err)
	}
	d.srv = server.New(server.Config{Backend: be, Hostname: "popsh.demo"})
	if err := d.srv.Start("127.0.0.1:0"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start demo: %w", err)
	}
	d.Addr = d.srv.Addr().String()
	if _, _, err := net.SplitHostPort(d.Addr); err != nil {
		d.Close()
		return nil, fmt.Errorf("start demo: server address %q: %w", d.Addr, err)
	}
	return d, nil
}

// Env returns the environment settings pointing popsh at the demo:
// MAILHOST=127.0.0.1:PORT and NETRC=the demo's netrc file, as "NAME=value"
// strings (for exec.Cmd.Env, or see Apply).
func (d *Demo) Env() []string {
	return []string{"MAILHOST=" + d.Addr, "NETRC=" + d.NetrcPath}
}

// EnvMap returns the Env settings as a map from name to value.
func (d *Demo) EnvMap() map[string]string {
	return map[string]string{"MAILHOST": d.Addr, "NETRC": d.NetrcPath}
}

// Apply sets the Env settings in the current process (os.Setenv); it is
// meant for main, before the interpreter runs.
func (d *Demo) Apply() error {
	if err := os.Setenv("MAILHOST", d.Addr); err != nil {
		return fmt.Errorf("demo: set MAILHOST: %w", err)
	}
	if err := os.Setenv("NETRC", d.NetrcPath); err != nil {
		return fmt.Errorf("demo: set NETRC: %w", err)
	}
	return nil
}

// Close stops the server and removes the netrc file.
func (d *Demo) Close() error {
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

// DemoMessages returns the messages of the demo maildrop, in order.
func DemoMessages() ([][]byte, error) {
	names, err := fs.Glob(demoMaildrop, "demo-maildrop/*.eml")
	if err != nil {
		return nil, fmt.Errorf("demo maildrop: %w", err)
	}
	sort.Strings(names)
	out := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := demoMaildrop.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("demo maildrop: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// DemoTour returns the source of examples/tour.scm, which `popsh --demo`
// runs (embedded in the binary, so an installed popsh has it too).
func DemoTour() string {
	return examples.Tour
}

// DemoHelp is what `popsh --demo` prints after the tour.
const DemoHelp = `
That was the tour (examples/tour.scm).  To continue:
  popsh --demo -i          a prompt connected to this same demo server:
                           (define c (pop3-connect)) (pop3-login c) ...
  ls examples/             focused examples: APOP, errors, saving, headers
  MAILHOST=pop3s://pop.example.org popsh   your own server (~/.netrc)
`
