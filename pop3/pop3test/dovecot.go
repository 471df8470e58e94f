package pop3test

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// Dovecot is a private Dovecot POP3 server on 127.0.0.1, started by
// StartDovecot. Its whole state lives under Dir. Plain POP3 (with STLS) is
// at Addr, implicit TLS (POP3S) at TLSAddr; the certificate is issued for
// "localhost" and 127.0.0.1 by a test CA (CAPEM, CAPool).
//
// Users are added with NewUser; each test should use its own users so that
// tests sharing one Dovecot do not interfere. Passwords are stored in
// cleartext ({PLAIN}) so that APOP and CRAM-MD5 work. Offered: USER/PASS,
// APOP, AUTH PLAIN, LOGIN and CRAM-MD5, STLS, PIPELINING, UIDL, TOP,
// RESP-CODES, AUTH-RESP-CODE.
type Dovecot struct {
	// Addr is host:port of the plain listener (STLS offered).
	Addr string
	// TLSAddr is host:port of the implicit-TLS listener.
	TLSAddr string
	// Dir holds config, certificates, sockets, logs and mail.
	Dir string
	// CAPEM is the test CA certificate that issued the server certificate.
	CAPEM []byte
	// CAPool holds the test CA: use it as tls.Config.RootCAs.
	CAPool *x509.CertPool

	cmd      *exec.Cmd
	exited   chan struct{}
	mailUID  int
	mailGID  int
	mu       sync.Mutex
	pool     []*DovecotUser // users made at start, handed out by NewUser
	nextUser int
	nextMsg  int
	stopOnce sync.Once
}

// DovecotUser is a user of a Dovecot test instance with its own Maildir.
type DovecotUser struct {
	// Name and Password log in (USER/PASS, APOP, AUTH ...).
	Name, Password string
	// Maildir is the user's Maildir directory (cur/, new/, tmp/).
	Maildir string

	d *Dovecot
}

// Option changes how StartDovecot starts Dovecot.
type Option func(*dovecotOptions)

type dovecotOptions struct {
	private bool
}

// Private starts a Dovecot of the test's own, stopped when the test ends,
// instead of the one shared by the test binary.
func Private() Option { return func(o *dovecotOptions) { o.private = true } }

// The Dovecot shared by all tests of one test binary: started by the first
// StartDovecot, stopped by Main (or, as a backstop, when the test process
// dies: Dovecot's master gets SIGTERM through Pdeathsig).
var shared struct {
	mu  sync.Mutex
	d   *Dovecot
	err error
}

// Main runs a package's tests and then stops the shared Dovecot, if one was
// started; when tests were skipped because Dovecot is not installed, it
// says so in one line that `go test ./...` shows (see
// reportMissingDovecot). Use it from TestMain:
//
//	func TestMain(m *testing.M) { pop3test.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	shared.mu.Lock()
	if shared.d != nil {
		shared.d.Stop()
	}
	shared.mu.Unlock()
	reportMissingDovecot(skippedNoDovecot.Load())
	os.Exit(code)
}

// dovecotBinary finds the dovecot executable ("" if not installed). The
// environment variable POPSH_DOVECOT names another binary, or, set to
// "none", pretends Dovecot is not installed.
func dovecotBinary() string {
	switch env := os.Getenv("POPSH_DOVECOT"); env {
	case "":
	case "none":
		return ""
	default:
		return env
	}
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// StartDovecot returns a running Dovecot for the test: the one shared by the
// test binary (started on first use), or with Private() one of the test's
// own. Without the dovecot binary the test is skipped, saying so
// (POPSH_DOVECOT=none simulates that; POPSH_DOVECOT=/path/to/dovecot picks a
// binary).
func StartDovecot(t testing.TB, opts ...Option) *Dovecot {
	t.Helper()
	var o dovecotOptions
	for _, opt := range opts {
		opt(&o)
	}
	bin := dovecotBinary()
	if bin == "" {
		skippedNoDovecot.Add(1)
		t.Skip("dovecot not installed (apt-get install dovecot-pop3d): skipping real-server test")
	}
	if o.private {
		d, err := startDovecot(bin)
		if err != nil {
			t.Fatalf("start dovecot: %v", err)
		}
		t.Cleanup(d.Stop)
		return d
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.d == nil && shared.err == nil {
		shared.d, shared.err = startDovecot(bin)
	}
	if shared.err != nil {
		t.Fatalf("start dovecot: %v", shared.err)
	}
	return shared.d
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startDovecot(bin string) (*Dovecot, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		d, err := tryStartDovecot(bin)
		if err == nil {
			return d, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// removeStale deletes the directories of test Dovecots whose test process
// has died without cleaning up (killed or crashed; its Dovecot got SIGTERM
// through Pdeathsig).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "popsh-dovecot-*"))
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue // starting, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// processAlive reports whether pid is a live (not zombie) process.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	// The state follows the parenthesised command name.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

func tryStartDovecot(bin string) (*Dovecot, error) {
	removeStale()
	dir, err := os.MkdirTemp("", "popsh-dovecot-")
	if err != nil {
		return nil, fmt.Errorf("make dovecot dir: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("write owner.pid: %w", err)
	}
	// Mail processes run as an unprivileged user when we are root: they
	// must be able to reach DIR/mail.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, fmt.Errorf("chmod dovecot dir: %w", err)
	}
	for _, sub := range []string{"etc", "ssl", "run", "state", "log", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("make dovecot dir: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	tlsPort, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}

	// Who runs what (see the lab's start-dovecot.sh): as root, Dovecot
	// refuses to run the login process or mail access as root, so login
	// runs as dovenull (or nobody) in a chroot and mail as nobody:nogroup;
	// as an ordinary user everything runs as that user without chroots.
	var internalUser, internalGroup, loginUser, loginChroot string
	var mailUID, mailGID int
	if os.Geteuid() == 0 {
		internalUser, internalGroup = "root", "root"
		loginUser = "nobody"
		if _, err := user.Lookup("dovenull"); err == nil {
			loginUser = "dovenull"
		}
		mailUID, mailGID = 65534, 65534
		if u, err := user.Lookup("nobody"); err == nil {
			mailUID, _ = strconv.Atoi(u.Uid)
			mailGID, _ = strconv.Atoi(u.Gid)
		}
		if g, err := user.LookupGroup("nogroup"); err == nil {
			mailGID, _ = strconv.Atoi(g.Gid)
		}
		loginChroot = "login"
	} else {
		u, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("current user: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return nil, fmt.Errorf("current group: %w", err)
		}
		internalUser, internalGroup, loginUser = u.Username, g.Name, u.Username
		mailUID, mailGID = os.Geteuid(), os.Getegid()
	}
	if err := os.Chown(filepath.Join(dir, "mail"), mailUID, mailGID); err != nil {
		return nil, fmt.Errorf("chown mail dir: %w", err)
	}

	cert, err := server.GenerateCertificate("localhost", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	certPath, keyPath := filepath.Join(dir, "ssl", "cert.pem"), filepath.Join(dir, "ssl", "key.pem")
	if err := os.WriteFile(certPath, cert.ChainPEM, 0o644); err != nil {
		return nil, fmt.Errorf("write certificate: %w", err)
	}
	if err := os.WriteFile(keyPath, cert.KeyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("write key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ssl", "ca.pem"), cert.CAPEM, 0o644); err != nil {
		return nil, fmt.Errorf("write CA: %w", err)
	}
	passwd := filepath.Join(dir, "etc", "passwd")
	if err := os.WriteFile(passwd, nil, 0o600); err != nil {
		return nil, fmt.Errorf("write passwd-file: %w", err)
	}

	var services strings.Builder
	if loginChroot == "" {
		for _, svc := range []string{"ipc", "old-stats", "aggregator"} {
			fmt.Fprintf(&services, "service %s {\n  chroot =\n}\n", svc)
		}
	}
	services.WriteString("service anvil {\n")
	if loginChroot == "" {
		services.WriteString("  chroot =\n")
	}
	// Without this, every login from 127.0.0.1 waits 2-15 s after a failed
	// one (tests fail logins on purpose).
	services.WriteString("  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n")
	dh := ""
	if _, err := os.Stat("/usr/share/dovecot/dh.pem"); err == nil {
		dh = "ssl_dh = </usr/share/dovecot/dh.pem"
	}
	conf := fmt.Sprintf(`# Generated by popsh/pop3/pop3test for a test run.
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = popsh-test-%[2]d
protocols = pop3
listen = 127.0.0.1
log_path = %[1]s/log/dovecot.log
default_internal_user = %[4]s
default_internal_group = %[5]s
default_login_user = %[6]s
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <%[1]s/ssl/cert.pem
ssl_key = <%[1]s/ssl/key.pem
%[8]s
disable_plaintext_auth = no
auth_mechanisms = plain login apop cram-md5
auth_verbose = yes
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/etc/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/etc/passwd
}
mail_location = maildir:~/Maildir
pop3_uidl_format = %%08Xu%%08Xv
protocol pop3 {
  mail_max_userip_connections = 100
}
%[9]s
service pop3-login {
  chroot = %[7]s
  inet_listener pop3 {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = %[3]d
    ssl = yes
  }
}
`, dir, port, tlsPort, internalUser, internalGroup, loginUser, loginChroot, dh, services.String())
	confPath := filepath.Join(dir, "etc", "dovecot.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, fmt.Errorf("write dovecot.conf: %w", err)
	}

	d := &Dovecot{
		Dir:     dir,
		CAPEM:   cert.CAPEM,
		CAPool:  cert.Pool(),
		exited:  make(chan struct{}),
		mailUID: mailUID,
		mailGID: mailGID,
	}
	for i := 1; i <= poolSize; i++ {
		var rnd [6]byte
		_, _ = rand.Read(rnd[:])
		u, err := d.AddUser(fmt.Sprintf("u%d", i), "pw "+hex.EncodeToString(rnd[:]))
		if err != nil {
			return nil, err
		}
		d.pool = append(d.pool, u)
	}
	d.nextUser = poolSize

	cmd := exec.Command(bin, "-F", "-c", confPath)
	cmd.Stdout = nil
	errLog, err := os.Create(filepath.Join(dir, "log", "stderr.log"))
	if err != nil {
		return nil, fmt.Errorf("create stderr log: %w", err)
	}
	defer errLog.Close()
	cmd.Stderr = errLog
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	d.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	d.TLSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort))
	d.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(d.exited)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-d.exited:
			return nil, fmt.Errorf("dovecot exited at start-up: %s", d.logTail())
		default:
		}
		if ready(d.Addr) && ready(d.TLSAddr) {
			break
		}
		if time.Now().After(deadline) {
			d.Stop()
			return nil, fmt.Errorf("dovecot did not listen within 15 s: %s", d.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	ok = true
	return d, nil
}

// poolSize is how many users are made before Dovecot starts: Dovecot re-reads
// its passwd-file at most once a second, so a user added later may take up
// to a second to become valid.
const poolSize = 100

func ready(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// logTail returns the end of Dovecot's logs, for error messages.
func (d *Dovecot) logTail() string {
	var b strings.Builder
	for _, name := range []string{"stderr.log", "dovecot.log"} {
		data, _ := os.ReadFile(filepath.Join(d.Dir, "log", name))
		if len(data) > 2000 {
			data = data[len(data)-2000:]
		}
		if len(data) > 0 {
			fmt.Fprintf(&b, "[%s] %s ", name, data)
		}
	}
	return b.String()
}

// Log returns Dovecot's log so far (logins, errors).
func (d *Dovecot) Log() string {
	data, _ := os.ReadFile(filepath.Join(d.Dir, "log", "dovecot.log"))
	return string(data)
}

// Stop terminates Dovecot (SIGTERM to the master, then waits; SIGKILL to
// its process group after 10 s) and removes Dir. It is idempotent.
func (d *Dovecot) Stop() {
	d.stopOnce.Do(func() {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
			<-d.exited
		}
		os.RemoveAll(d.Dir)
	})
}

// ClientTLSConfig returns a client TLS configuration that verifies this
// Dovecot's certificate (server name "localhost").
func (d *Dovecot) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: d.CAPool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// NewUser returns a user of its own for the caller: a fresh name ("u1",
// "u2", ...), a random password containing a space, and an empty Maildir.
// The first 100 users exist from the start; later ones are added to the
// passwd-file and may take a second to become valid (see AddUser).
func (d *Dovecot) NewUser(t testing.TB) *DovecotUser {
	t.Helper()
	d.mu.Lock()
	if len(d.pool) > 0 {
		u := d.pool[0]
		d.pool = d.pool[1:]
		d.mu.Unlock()
		return u
	}
	d.nextUser++
	name := fmt.Sprintf("u%d", d.nextUser)
	d.mu.Unlock()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	u, err := d.AddUser(name, "pw "+hex.EncodeToString(rnd[:]))
	if err != nil {
		t.Fatalf("add dovecot user: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	return u
}

// AddUser adds a user with the given name and password (neither may contain
// ':', CR, LF or NUL; the name no space either) and an empty Maildir.
// Dovecot re-reads its passwd-file at most once a second: wait a second
// before logging in as a user added to a running Dovecot.
func (d *Dovecot) AddUser(name, password string) (*DovecotUser, error) {
	if name == "" || strings.ContainsAny(name, ": \r\n\x00/") || strings.ContainsAny(password, ":\r\n\x00") {
		return nil, fmt.Errorf("add user %q: name or password has a forbidden character", name)
	}
	home := filepath.Join(d.Dir, "mail", name)
	md := filepath.Join(home, "Maildir")
	for _, p := range []string{home, md, filepath.Join(md, "cur"), filepath.Join(md, "new"), filepath.Join(md, "tmp")} {
		if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("add user %s: %w", name, err)
		}
		if err := os.Chown(p, d.mailUID, d.mailGID); err != nil {
			return nil, fmt.Errorf("add user %s: %w", name, err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(d.Dir, "etc", "passwd"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("add user %s: %w", name, err)
	}
	_, err = fmt.Fprintf(f, "%s:{PLAIN}%s:%d:%d::%s::\n", name, password, d.mailUID, d.mailGID, home)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("add user %s: %w", name, err)
	}
	return &DovecotUser{Name: name, Password: password, Maildir: md, d: d}, nil
}

// AddMessage delivers msg (in any line ending) to the user's Maildir the
// way an MDA does: written in tmp/, renamed into new/, owned by the mail
// user. Messages are numbered by Dovecot in delivery order.
func (u *DovecotUser) AddMessage(msg []byte) error {
	d := u.d
	d.mu.Lock()
	d.nextMsg++
	seq := d.nextMsg
	d.mu.Unlock()
	_, _, _, wsize := Expectations(msg)
	// Increasing timestamps in the names keep Dovecot's numbering in
	// delivery order; S= and W= spare it reading the file for sizes.
	name := fmt.Sprintf("%d.M%06dP%dQ%d.popsh,S=%d,W=%d", 1700000000+seq, seq%1000000, os.Getpid(), seq, len(msg), wsize)
	tmp := filepath.Join(u.Maildir, "tmp", name)
	if err := os.WriteFile(tmp, msg, 0o600); err != nil {
		return fmt.Errorf("deliver to %s: %w", u.Name, err)
	}
	if err := os.Chown(tmp, d.mailUID, d.mailGID); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("deliver to %s: %w", u.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(u.Maildir, "new", name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("deliver to %s: %w", u.Name, err)
	}
	return nil
}

// Clear empties the user's Maildir, Dovecot's index and UID list included,
// so the next session starts afresh. No session of the user may be open.
func (u *DovecotUser) Clear() error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		dir := filepath.Join(u.Maildir, sub)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("clear %s: %w", u.Name, err)
		}
		for _, e := range ents {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clear %s: %w", u.Name, err)
			}
		}
	}
	ents, err := os.ReadDir(u.Maildir)
	if err != nil {
		return fmt.Errorf("clear %s: %w", u.Name, err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "dovecot") {
			if err := os.RemoveAll(filepath.Join(u.Maildir, e.Name())); err != nil {
				return fmt.Errorf("clear %s: %w", u.Name, err)
			}
		}
	}
	return nil
}

// Files returns the paths of the message files in cur/ and new/.
func (u *DovecotUser) Files() ([]string, error) {
	var out []string
	for _, sub := range []string{"cur", "new"} {
		ents, err := os.ReadDir(filepath.Join(u.Maildir, sub))
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", u.Name, err)
		}
		for _, e := range ents {
			out = append(out, filepath.Join(u.Maildir, sub, e.Name()))
		}
	}
	return out, nil
}

// Start starts a private Dovecot outside a test, for benchmark and lab
// programs; the caller stops it with Stop. It fails when Dovecot is not
// installed.
func Start() (*Dovecot, error) {
	bin := dovecotBinary()
	if bin == "" {
		return nil, errors.New("dovecot not installed (apt-get install dovecot-pop3d)")
	}
	return startDovecot(bin)
}
