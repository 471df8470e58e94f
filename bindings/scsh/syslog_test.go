package scsh

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"popsh/interp"
)

// syslogTestInterp is an interpreter whose syslog sends to a datagram
// socket the test listens on (never the machine's /dev/log).
func syslogTestInterp(t *testing.T) (*interp.Interp, *net.UnixConn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	it.Local(syslogKey).(*syslogState).path = path
	return it, l
}

// nextMessage reads the next datagram (waiting up to 5 s).
func nextMessage(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no message: %v", err)
	}
	return string(buf[:n])
}

// checkMessage checks a message's priority, ident, pid part and text,
// and that its time stamp is syslog's.
func checkMessage(t *testing.T, got string, pri int, ident string, pid bool, text string) {
	t.Helper()
	head := regexp.MustCompile(`^<(\d+)>[A-Z][a-z][a-z] [ 1-3]\d \d\d:\d\d:\d\d (.*)$`)
	m := head.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("message %q is not in syslog's format", got)
	}
	want := ident
	if pid {
		want += "[" + strconv.Itoa(os.Getpid()) + "]"
	}
	want += ": " + text
	if m[1] != strconv.Itoa(pri) || m[2] != want {
		t.Errorf("message %q: priority %s, rest %q; want %d, %q", got, m[1], m[2], pri, want)
	}
}

// syslog sends syslog(3)'s datagram; the destination and channels change
// the ident, options and facility; the mask drops the less urgent levels.
func TestSyslogMessages(t *testing.T) {
	it, l := syslogTestInterp(t)
	evalOK(t, it, `(syslog (syslog-level info) "hello 100%s")`)
	checkMessage(t, nextMessage(t, l), 8|6, "popsh", false, "hello 100%s")

	evalOK(t, it, `(with-syslog-destination "fetcher" (syslog-options log-pid) (syslog-facility mail) #f
	  (lambda () (syslog (syslog-level error) "cannot connect")))`)
	checkMessage(t, nextMessage(t, l), 16|3, "fetcher", true, "cannot connect")

	// Outside the thunk the default channel is back.
	evalOK(t, it, `(syslog (syslog-level debug) "after")`)
	checkMessage(t, nextMessage(t, l), 8|7, "popsh", false, "after")

	// The mask: info is dropped, warning goes. The next message read is
	// the warning.
	evalOK(t, it, `(set-syslog-destination! "masked" #f (syslog-facility local3) (syslog-mask-upto (syslog-level warning)))`)
	evalOK(t, it, `(syslog (syslog-level info) "dropped")`)
	evalOK(t, it, `(syslog (syslog-level warning) "kept")`)
	checkMessage(t, nextMessage(t, l), 19<<3|4, "masked", false, "kept")

	// A channel of its own, given to syslog; and the facility alone
	// changed for one message.
	evalOK(t, it, `(define ch (open-syslog-channel "own" (make-syslog-options (list (syslog-option log-pid))) (syslog-facility daemon) syslog-mask-all))`)
	evalOK(t, it, `(syslog (syslog-level notice) "by channel" ch)`)
	checkMessage(t, nextMessage(t, l), 3<<3|5, "own", true, "by channel")
	evalOK(t, it, `(syslog (syslog-level alert) "one-off" "other" #f (syslog-facility kernel))`)
	checkMessage(t, nextMessage(t, l), 1<<3|1, "other", false, "one-off") // a process cannot log as the kernel: user

	evalOK(t, it, `(set-syslog-channel! ch)`)
	evalOK(t, it, `(with-syslog-channel ch (lambda () (syslog (syslog-level critical) "via set")))`)
	checkMessage(t, nextMessage(t, l), 3<<3|2, "own", true, "via set")
	evalOK(t, it, `(close-syslog-channel ch)`)
	if st := it.Local(syslogKey).(*syslogState); st.conn != nil || st.open != nil {
		t.Error("close-syslog-channel left the connection open")
	}
	// After a close the next message connects again.
	evalOK(t, it, `(syslog (syslog-level info) "again")`)
	checkMessage(t, nextMessage(t, l), 3<<3|6, "own", true, "again")
}

// A daemon on a stream socket gets each message ended by a NUL.
func TestSyslogStreamSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	it.Local(syslogKey).(*syslogState).path = path
	evalOK(t, it, `(begin (syslog (syslog-level info) "one") (syslog (syslog-level info) "two"))`)
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []byte
	buf := make([]byte, 1024)
	for bytes.Count(got, []byte{0}) < 2 {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("read %q: %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	msgs := strings.Split(strings.TrimSuffix(string(got), "\x00"), "\x00")
	if len(msgs) != 2 {
		t.Fatalf("messages %q", msgs)
	}
	checkMessage(t, msgs[0], 14, "popsh", false, "one")
	checkMessage(t, msgs[1], 14, "popsh", false, "two")
}

// With no daemon listening, syslog loses the message silently, as
// syslog(3) does (without the console option).
func TestSyslogNoDaemon(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	it.Local(syslogKey).(*syslogState).path = filepath.Join(t.TempDir(), "nothing-here")
	if v := evalOK(t, it, `(begin (syslog (syslog-level info) "lost") 'done)`); interp.WriteString(v) != "done" {
		t.Errorf("got %s", interp.WriteString(v))
	}
}

// The values, sets and predicates, and the errors for bad ones.
func TestSyslogValues(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(list (syslog-level? (syslog-level info)) (syslog-level? (syslog-facility mail)) (syslog-facility? (syslog-facility local7)) (syslog-option? (syslog-option console)) (syslog-options? (syslog-options)) (syslog-mask? syslog-mask-all))`, "(#t #f #t #t #t #t)", ""},
		{`(eq? (syslog-level info) (syslog-level info))`, "#t", ""},
		{`(syslog-mask-upto (syslog-level emergency))`, "#{syslog-mask emergency}", ""},
		{`(make-syslog-mask (list (syslog-level debug) (syslog-level alert)))`, "#{syslog-mask alert debug}", ""},
		{`(syslog-mask error info)`, "#{syslog-mask error info}", ""},
		{`(make-syslog-options (list (syslog-option no-delay)))`, "#{syslog-options no-delay}", ""},
		{`(syslog-level loud)`, "", "unknown name"},
		{`(syslog-options console 5)`, "", "expected a syslog-option name"},
		{`(make-syslog-mask (list (syslog-option console)))`, "", "expected a list of syslog-level values"},
		{`(syslog-mask-upto 3)`, "", "expected a syslog-level"},
		{`(syslog 'info "x")`, "", "argument 1 (level): expected a syslog-level"},
		{`(syslog (syslog-level info) 'x)`, "", "argument 2 (message): expected a string"},
		{`(syslog (syslog-level info) "x" 'ch)`, "", "argument 3 (channel): expected a syslog channel"},
		{`(syslog (syslog-level info) "x" "id" 'opts #f)`, "", "argument 4 (options): expected a syslog-options set or #f"},
		{`(open-syslog-channel "id" #f (syslog-facility user) syslog-mask-all)`, "", "argument 2 (options): expected a syslog-options set, got #f"},
		{`(open-syslog-channel "id" (syslog-options) (syslog-facility user) syslog-mask-all)`, "#{syslog-channel id}", ""},
		{`(with-syslog-destination 5 #f #f #f (lambda () 1))`, "", "argument 1 (ident): expected a string or #f"},
		{`(with-syslog-destination #f #f #f #f (lambda () 'ran))`, "ran", ""},
		{`(set-syslog-channel! "x")`, "", "expected a syslog channel"},
	})
}
