package server

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// MaildirBackend is a Backend serving Maildir directories on disk. Each
// user has a password and a Maildir (the directory holding cur/, new/ and
// tmp/). Messages in cur/ and new/ are served in the order of their file
// names (which start with the delivery time); the UID is the unique part of
// the name (before the first ',' or ':'). Bodies are read from the files
// and converted to wire form while streaming. A message deleted in a
// session is removed from disk when that session QUITs. The server does
// not otherwise modify the Maildir (it does not move messages from new/ to
// cur/).
type MaildirBackend struct {
	mu    sync.Mutex
	users map[string]maildirUser
}

type maildirUser struct {
	password string
	dir      string
}

// NewMaildirBackend returns a backend without users.
func NewMaildirBackend() *MaildirBackend {
	return &MaildirBackend{users: make(map[string]maildirUser)}
}

// AddUser serves the Maildir at dir to user with password.
func (b *MaildirBackend) AddUser(user, password, dir string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.users[user] = maildirUser{password: password, dir: dir}
}

// Authenticate implements Backend.
func (b *MaildirBackend) Authenticate(user, password string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok || u.password != password {
		return ErrAuthFailed
	}
	return nil
}

// Secret implements Backend.
func (b *MaildirBackend) Secret(user string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	return u.password, ok
}

// Open implements Backend: it lists cur/ and new/ and computes each
// message's size (from the ",W=" field of the file name when present, else
// by reading the file once).
func (b *MaildirBackend) Open(user string) (Maildrop, error) {
	b.mu.Lock()
	u, ok := b.users[user]
	b.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("open maildir: no user %q", user)
	}
	var files []string
	for _, sub := range []string{"cur", "new"} {
		ents, err := os.ReadDir(filepath.Join(u.dir, sub))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("open maildir %s: %w", u.dir, err)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			files = append(files, filepath.Join(u.dir, sub, e.Name()))
		}
	}
	sort.Slice(files, func(i, j int) bool { return filepath.Base(files[i]) < filepath.Base(files[j]) })
	d := &maildirDrop{paths: files, info: make([]MessageInfo, len(files))}
	for i, p := range files {
		size, err := maildirSize(p)
		if err != nil {
			return nil, fmt.Errorf("open maildir %s: %w", u.dir, err)
		}
		d.info[i] = MessageInfo{Size: size, UID: maildirUID(filepath.Base(p))}
	}
	return d, nil
}

// maildirUID derives a UIDL-safe unique id from a Maildir file name.
func maildirUID(name string) string {
	base, _, _ := strings.Cut(name, ":")
	base, _, _ = strings.Cut(base, ",")
	ok := len(base) > 0 && len(base) <= 70
	for i := 0; ok && i < len(base); i++ {
		ok = base[i] >= 0x21 && base[i] <= 0x7e
	}
	if ok {
		return base
	}
	sum := md5.Sum([]byte(base))
	return hex.EncodeToString(sum[:])
}

func maildirSize(path string) (int64, error) {
	base, _, _ := strings.Cut(filepath.Base(path), ":")
	for _, field := range strings.Split(base, ",")[1:] {
		if v, ok := strings.CutPrefix(field, "W="); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64*1024)
	var n int64
	prev := byte(0)
	for {
		chunk, err := br.ReadSlice('\n')
		n += int64(len(chunk))
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			if len(chunk) >= 2 && chunk[len(chunk)-2] != '\r' || len(chunk) == 1 && prev != '\r' {
				n++
			}
		}
		if len(chunk) > 0 {
			prev = chunk[len(chunk)-1]
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return 0, fmt.Errorf("size of %s: %w", path, err)
		}
	}
}

type maildirDrop struct {
	paths []string
	info  []MessageInfo
}

func (d *maildirDrop) Messages() []MessageInfo { return d.info }

func (d *maildirDrop) Open(i int) (io.ReadCloser, error) {
	f, err := os.Open(d.paths[i])
	if err != nil {
		return nil, fmt.Errorf("open message: %w", err)
	}
	return f, nil
}

func (d *maildirDrop) Delete(indexes []int) error {
	var errs []error
	for _, i := range indexes {
		if err := os.Remove(d.paths[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("delete message: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (d *maildirDrop) Close() error { return nil }
