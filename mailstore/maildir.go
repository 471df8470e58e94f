package mailstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Maildir is a Maildir (tmp/, new/, cur/) being delivered into. Each
// message is written to tmp/, fsynced and renamed into new/: a reader
// never sees a partial message, and any number of writers may deliver at
// once (each file has a unique name).
type Maildir struct {
	dir  string
	host string // the host part of unique names, with / and : escaped
	pid  int
	seq  int
}

// OpenMaildir checks dir and creates it (and tmp/, new/, cur/) with mode
// 0700 where missing.
func OpenMaildir(dir string) (*Maildir, error) {
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "/"
	}
	for _, sub := range []string{"", "tmp", "new", "cur"} {
		p := filepath.Join(dir, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return nil, fmt.Errorf("maildir %s: %w", dir, err)
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("maildir %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("maildir %s: %s is not a directory", dir, p)
		}
	}
	return &Maildir{dir: dir, host: hostPart(), pid: os.Getpid()}, nil
}

// hostname is os.Hostname (a variable for the tests).
var hostname = os.Hostname

// escapeHost returns the host name as the host part of a unique name: "/"
// and ":" as \057 and \072 (the Maildir convention), and so are a
// backslash, spaces, control characters and bytes beyond ASCII, which
// the host name may hold (sethostname takes any bytes): a file name then
// holds no space or line break for a tool (or a journal line) to split.
func escapeHost(h string) string {
	var sb strings.Builder
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '\\' {
			fmt.Fprintf(&sb, "\\%03o", c)
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// Dir returns the Maildir's directory.
func (m *Maildir) Dir() string { return m.dir }

// Deliver stores one message durably: tmp/, fsync, rename into new/,
// fsync new/. It returns the file name. On failure nothing stays behind.
func (m *Maildir) Deliver(r io.Reader) (string, error) {
	f, name, err := m.writeTmp(r)
	if err != nil {
		return "", err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = m.publish(name)
	}
	if err != nil {
		os.Remove(filepath.Join(m.dir, "tmp", name))
		return "", fmt.Errorf("maildir %s: %w", m.dir, err)
	}
	return name, syncDir(filepath.Join(m.dir, "new"))
}

// cleanTmp removes from tmp/ the files a killed delivery of this package
// left there: names with this host and the PID of a process that no
// longer exists. (They were never renamed into new/; the journal's
// recovery has already dealt with those it listed.)
func (m *Maildir) cleanTmp() {
	ents, err := os.ReadDir(filepath.Join(m.dir, "tmp"))
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, "."+m.host) {
			continue
		}
		p := strings.Index(name, "P")
		q := strings.Index(name, "Q")
		if p < 0 || q < p {
			continue
		}
		pid, err := strconv.Atoi(name[p+1 : q])
		if err != nil || pid <= 0 || pid == m.pid {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			os.Remove(filepath.Join(m.dir, "tmp", name))
		}
	}
}

// uniqueName returns a new unique file name (Maildir convention:
// time.M<usec>P<pid>Q<seq>.host).
func (m *Maildir) uniqueName() string {
	m.seq++
	now := time.Now()
	return fmt.Sprintf("%d.M%dP%dQ%d.%s", now.Unix(), now.Nanosecond()/1000, m.pid, m.seq, m.host)
}

// create opens a new file in tmp/ for writing; it returns the file and
// its unique name.
func (m *Maildir) create() (*os.File, string, error) {
	for range 10 {
		name := m.uniqueName()
		f, err := os.OpenFile(filepath.Join(m.dir, "tmp", name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("maildir %s: create: %w", m.dir, err)
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("maildir %s: cannot find a unique name", m.dir)
}

// writeTmp writes the message read from r to a new file in tmp/ (not yet
// fsynced, still open). On failure the file is removed: nothing partial
// stays behind.
func (m *Maildir) writeTmp(r io.Reader) (*os.File, string, error) {
	f, name, err := m.create()
	if err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, "", fmt.Errorf("maildir %s: write message: %w", m.dir, err)
	}
	return f, name, nil
}

// publish renames tmp/name to new/name.
func (m *Maildir) publish(name string) error {
	if err := os.Rename(filepath.Join(m.dir, "tmp", name), filepath.Join(m.dir, "new", name)); err != nil {
		return fmt.Errorf("maildir %s: deliver: %w", m.dir, err)
	}
	return nil
}

// delivered reports whether the message named name (a unique name given
// by this package) is in new/ or cur/ (where a reader may have moved it,
// adding ":2,FLAGS").
func (m *Maildir) delivered(name string) bool {
	if _, err := os.Stat(filepath.Join(m.dir, "new", name)); err == nil {
		return true
	}
	if _, err := os.Stat(filepath.Join(m.dir, "cur", name)); err == nil {
		return true
	}
	matches, _ := filepath.Glob(filepath.Join(m.dir, "cur", globEscape(name)+":*"))
	return len(matches) > 0
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
