package scsh

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"popsh/interp"
)

// openTestPTY opens a pseudo terminal with creack/pty (independent of
// popsh's own open-pty) and returns the master, the slave and the slave's
// descriptor, all closed at the end of the test.
func openTestPTY(t *testing.T) (master, slave *os.File, fd int) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatalf("pty.Open: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s, int(s.Fd())
}

// evalOK evaluates src and fails the test on an error.
func evalOK(t *testing.T, it *interp.Interp, src string) interp.Value {
	t.Helper()
	v, err := evalScsh(t, it, src)
	if err != nil {
		t.Fatalf("%s: %s", src, interp.FormatError(err))
	}
	return v
}

// waitReadable waits (up to 5 s) until fd has input, or reports false.
func waitReadable(fd int, ms int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, ms)
		if err == unix.EINTR {
			continue
		}
		return err == nil && n > 0 && fds[0].Revents&unix.POLLIN != 0
	}
}

// tty-info reads what the kernel has for a terminal, by descriptor, port
// and file name; set-tty-info/now changes it (echo off, a speed, MIN and
// TIME), as a second reading by the kernel's own call shows.
func TestTTYInfoReadAndSet(t *testing.T) {
	_, slave, fd := openTestPTY(t)
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	want, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	sfd := strconv.Itoa(fd)
	name := strconv.Quote(slave.Name())
	got := interp.WriteString(evalOK(t, it, `(let ((ti (tty-info `+sfd+`))) (list (tty-info? ti) (tty-info:input-flags ti) (tty-info:output-flags ti) (tty-info:control-flags ti) (tty-info:local-flags ti) (tty-info:min ti) (tty-info:time ti) (char->integer (string-ref (tty-info:control-chars ti) ttychar/interrupt)) (string-length (tty-info:control-chars ti))))`))
	exp := "(#t " + strconv.Itoa(int(want.Iflag)) + " " + strconv.Itoa(int(want.Oflag)) + " " + strconv.Itoa(int(want.Cflag)) + " " + strconv.Itoa(int(want.Lflag)) + " " +
		strconv.Itoa(int(want.Cc[unix.VMIN])) + " " + strconv.Itoa(int(want.Cc[unix.VTIME])) + " " + strconv.Itoa(int(want.Cc[unix.VINTR])) + " " + strconv.Itoa(len(want.Cc)) + ")"
	if got != exp {
		t.Fatalf("tty-info = %s, want %s", got, exp)
	}
	// The same terminal by file name and through a port.
	if v := evalOK(t, it, `(= (tty-info:local-flags (tty-info `+name+`)) (tty-info:local-flags (tty-info `+sfd+`)))`); v != true {
		t.Errorf("tty-info by name differs from by descriptor")
	}
	if v := evalOK(t, it, `(let ((p (open-input-file `+name+`))) (let ((r (= (tty-info:control-flags (tty-info p)) `+strconv.Itoa(int(want.Cflag))+`))) (close p) r))`); v != true {
		t.Errorf("tty-info of a port differs")
	}
	if want.Lflag&unix.ECHO == 0 {
		t.Fatal("a new pty should echo")
	}
	evalOK(t, it, `(let ((ti (copy-tty-info (tty-info `+sfd+`))))
	  (set-tty-info:local-flags ti (bitwise-and (tty-info:local-flags ti) (bitwise-not ttyl/echo)))
	  (set-tty-info:output-speed ti 9600)
	  (set-tty-info:input-speed ti 2400)
	  (set-tty-info:min ti 3)
	  (set-tty-info:time ti 7)
	  (set-tty-info/now `+name+` ti))`)
	now, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if now.Lflag&unix.ECHO != 0 || now.Lflag|unix.ECHO != want.Lflag {
		t.Errorf("local flags after echo off: %#o, were %#o", now.Lflag, want.Lflag)
	}
	if now.Cflag&unix.CBAUD != unix.B9600 || (now.Cflag&unix.CIBAUD)>>unix.IBSHIFT != unix.B2400 {
		t.Errorf("speeds after set: cflag %#o", now.Cflag)
	}
	if now.Cc[unix.VMIN] != 3 || now.Cc[unix.VTIME] != 7 {
		t.Errorf("MIN/TIME after set: %d %d", now.Cc[unix.VMIN], now.Cc[unix.VTIME])
	}
	if v := interp.WriteString(evalOK(t, it, `(let ((ti (tty-info `+sfd+`))) (list (tty-info:output-speed ti) (tty-info:input-speed ti) (tty-info:min ti) (tty-info:time ti) (zero? (bitwise-and ttyl/echo (tty-info:local-flags ti)))))`)); v != "(9600 2400 3 7 #t)" {
		t.Errorf("tty-info after set = %s", v)
	}
	// modify-, /drain and /flush: echo back on.
	evalOK(t, it, `(let ((ti (tty-info `+sfd+`))) (modify-tty-info:local-flags ti (lambda (f) (bitwise-ior f ttyl/echo))) (set-tty-info/drain `+sfd+` ti) (set-tty-info/flush `+sfd+` ti))`)
	if now, _ = unix.IoctlGetTermios(fd, unix.TCGETS); now.Lflag&unix.ECHO == 0 {
		t.Errorf("echo is not back on: %#o", now.Lflag)
	}
}

// Bad terminals, records and values are clear errors, and a refused
// setting changes nothing.
func TestTTYInfoErrors(t *testing.T) {
	_, _, fd := openTestPTY(t)
	sfd := strconv.Itoa(fd)
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := unix.IoctlGetTermios(fd, unix.TCGETS)
	runScshCases(t, []scshCase{
		{`(tty-info 'x)`, "", "argument 1 (tty): expected a port, file descriptor or file name, got x"},
		{`(tty-info -1)`, "", "expected a port, file descriptor or file name, got -1"},
		{`(tty-info "/nonexistent/tty")`, "", "/nonexistent/tty"},
		{`(tty-info ` + strconv.Quote(file) + `)`, "", "not a terminal"},
		{`(tty-info (open-input-string "abc"))`, "", "not over a file descriptor"},
		{`(let ((p (open-input-file ` + strconv.Quote(file) + `))) (close p) (tty-info p))`, "", "port is closed"},
		{`(set-tty-info/now ` + sfd + ` 'info)`, "", "argument 2 (info): expected a tty-info record, got info"},
		{`(let ((ti (tty-info ` + sfd + `))) (set-tty-info:output-speed ti 12345))`, "", "expected a baud rate"},
		{`(let ((ti (tty-info ` + sfd + `))) (set-tty-info:local-flags ti -5) (set-tty-info/now ` + sfd + ` ti))`, "", "not a 32-bit flag set"},
		{`(let ((ti (tty-info ` + sfd + `))) (set-tty-info:control-chars ti "ab") (set-tty-info/now ` + sfd + ` ti))`, "", "not a string of"},
		{`(let ((ti (tty-info ` + sfd + `))) (set-tty-info:min ti 300) (set-tty-info/now ` + sfd + ` ti))`, "", "not a byte"},
		{`(set-tty-info/now ` + strconv.Quote(file) + ` (tty-info ` + sfd + `))`, "", "inappropriate ioctl for device"},
		{`(make-tty-info 1 2 3 4 1200 1201 1 0)`, "", "argument 6 (ospeed)"},
		{`(make-tty-info 1 2 3 'x 1200 1200 1 0)`, "", "argument 4 (lflags)"},
		{`(tty-info:min 5)`, "", "expected a tty-info record"},
	})
	after, _ := unix.IoctlGetTermios(fd, unix.TCGETS)
	if *after != *before {
		t.Errorf("a refused setting changed the terminal: %+v -> %+v", before, after)
	}
}

// make-tty-info and copy-tty-info make records of their own: changing a
// copy's control characters leaves the original alone.
func TestMakeAndCopyTTYInfo(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((ti (make-tty-info 770 3 19200 1482 1200 'extb 1 0))) (list (tty-info:input-flags ti) (tty-info:output-flags ti) (tty-info:control-flags ti) (tty-info:local-flags ti) (tty-info:input-speed ti) (tty-info:output-speed ti) (tty-info:min ti) (tty-info:time ti) (string-length (tty-info:control-chars ti))))`, "(770 3 19200 1482 1200 extb 1 0 " + strconv.Itoa(numTTYChars) + ")", ""},
		{`(let* ((a (make-tty-info 0 0 0 0 9600 9600 1 0)) (b (copy-tty-info a))) (string-set! (tty-info:control-chars b) 0 #\x3) (set-tty-info:min b 5) (list (char->integer (string-ref (tty-info:control-chars a) 0)) (tty-info:min a) (tty-info:min b) (tty-info? b) (eq? a b)))`, "(0 1 5 #t #f)", ""},
		{`(let ((ti (make-tty-info 0 0 0 0 9600 9600 1 0))) (modify-tty-info:output-speed ti (lambda (s) (* s 2))) (tty-info:output-speed ti))`, "19200", ""},
		{`(let ((ti (make-tty-info 0 0 0 0 9600 9600 1 0))) (modify-tty-info:output-speed ti (lambda (s) (+ s 1))))`, "", "expected a baud rate"},
		{`(tty-info? (vector))`, "#f", ""},
		{`(make-tty-info 0 0 0 0 9600 9600 1 0)`, "#{tty-info}", ""},
	})
}

// Baud rates translate to Linux's codes and back; exta and extb are the
// old names of 19200 and 38400.
func TestBaudRates(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(encode-baud-rate 9600)`, strconv.Itoa(unix.B9600), ""},
		{`(encode-baud-rate 115200)`, strconv.Itoa(unix.B115200), ""},
		{`(list (encode-baud-rate 'exta) (encode-baud-rate 'extb))`, "(" + strconv.Itoa(unix.B19200) + " " + strconv.Itoa(unix.B38400) + ")", ""},
		{`(decode-baud-rate ` + strconv.Itoa(unix.B38400) + `)`, "38400", ""},
		{`(decode-baud-rate (encode-baud-rate 0))`, "0", ""},
		{`(encode-baud-rate 9601)`, "", "unknown baud rate"},
		{`(decode-baud-rate 4242)`, "", "unknown baud rate code"},
		{`(decode-baud-rate "15")`, "", "unknown baud rate code"},
		{`(let loop ((i 0) (ok #t)) (if (= i (vector-length baud-rates)) ok (let ((p (vector-ref baud-rates i))) (loop (+ i 1) (and ok (= (car p) (encode-baud-rate (cdr p))))))))`, "#t", ""},
	})
}

// The flag constants have Linux's values, and the ones Linux lacks are #f.
func TestTTYConstants(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(list ttyl/echo ttyl/canonical ttyin/cr->nl ttyout/nl->crnl ttyc/char-size8 ttychar/eof ttychar/min)`,
			"(" + strings.Join([]string{strconv.Itoa(unix.ECHO), strconv.Itoa(unix.ICANON), strconv.Itoa(unix.ICRNL), strconv.Itoa(unix.ONLCR), strconv.Itoa(unix.CS8), strconv.Itoa(unix.VEOF), strconv.Itoa(unix.VMIN)}, " ") + ")", ""},
		{`(list ttychar/status ttychar/delayed-suspend ttyout/discard-eot ttyc/ignore-flags ttyl/alt-delete-word ttyl/no-kernel-status)`, "(#f #f #f #f #f #f)", ""},
		{`(= ttyout/all-delay (bitwise-ior ttyout/nl-delay ttyout/tab-delay ttyout/cr-delay ttyout/vtab-delay ttyout/bs-delay ttyout/ff-delay))`, "#t", ""},
		{`(list disable-tty-char num-ttychars)`, `(#\null ` + strconv.Itoa(numTTYChars) + ")", ""},
	})
}

// The queue and flow procedures work on a terminal: flush-tty/input drops
// input that has arrived and not been read; the others succeed on a pty
// and fail on a file that is no terminal.
func TestTTYQueuesAndFlow(t *testing.T) {
	master, _, fd := openTestPTY(t)
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	sfd := strconv.Itoa(fd)
	if _, err := master.Write([]byte("abc\n")); err != nil {
		t.Fatal(err)
	}
	if !waitReadable(fd, 5000) {
		t.Fatal("the pty's input never arrived")
	}
	evalOK(t, it, `(flush-tty/input `+sfd+`)`)
	if waitReadable(fd, 0) {
		t.Error("flush-tty/input left the input")
	}
	for _, src := range []string{"(drain-tty " + sfd + ")", "(flush-tty/output " + sfd + ")", "(flush-tty/both " + sfd + ")",
		"(stop-tty-output " + sfd + ")", "(start-tty-output " + sfd + ")", "(stop-tty-input " + sfd + ")", "(start-tty-input " + sfd + ")",
		"(send-tty-break " + sfd + ")"} {
		evalOK(t, it, src)
	}
	file := strconv.Quote(filepath.Join(t.TempDir(), "plain"))
	runScshCases(t, []scshCase{
		{`(begin (close (open-output-file ` + file + `)) (drain-tty ` + file + `))`, "", "tcdrain"},
		{`(flush-tty/input ` + file + `)`, "", "tcflush"},
		{`(start-tty-output ` + file + `)`, "", "tcflow"},
		{`(send-tty-break ` + file + ` 'long)`, "", "argument 2 (duration)"},
		{`(drain-tty (open-output-string))`, "", "not over a file descriptor"},
	})
}

// tty?, tty-file-name and control-tty-file-name; the process group of a
// terminal that is not this process's control terminal is an error.
func TestTTYNames(t *testing.T) {
	_, slave, fd := openTestPTY(t)
	file := strconv.Quote(filepath.Join(t.TempDir(), "plain"))
	sfd := strconv.Itoa(fd)
	runScshCases(t, []scshCase{
		{`(tty? ` + sfd + `)`, "#t", ""},
		{`(tty-file-name ` + sfd + `)`, strconv.Quote(slave.Name()), ""},
		{`(let ((p (open-output-file ` + file + `))) (let ((r (tty? p))) (close p) r))`, "#f", ""},
		{`(tty? (open-input-string "x"))`, "#f", ""},
		{`(tty? "/dev/tty")`, "", "expected a port or file descriptor"},
		{`(let ((p (open-input-file ` + file + `))) (tty-file-name p))`, "", "ttyname"},
		{`(control-tty-file-name)`, `"/dev/tty"`, ""},
		{`(tty-process-group ` + sfd + `)`, "", "tcgetpgrp"},
		{`(set-tty-process-group ` + sfd + ` 'me)`, "", "argument 2 (pgrp)"},
		{`(make-control-tty (open-input-string ""))`, "", "not over a file descriptor"},
	})
}

// open-pty gives a working pair: what is written on the terminal side is
// read on the master side (with the terminal's NL -> CR NL), and what the
// master writes is the terminal's input.
func TestOpenPTY(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	evalOK(t, it, `(define pair (call-with-values open-pty cons))`)
	pair, _ := it.Lookup("pair")
	master := pair.(*interp.Pair).Car.(*interp.Port)
	name := pair.(*interp.Pair).Cdr.(*interp.String).String()
	t.Cleanup(func() { master.Close() })
	if !strings.HasPrefix(name, "/dev/pts/") {
		t.Fatalf("tty name %q", name)
	}
	if v := evalOK(t, it, `(let ((o (open-output-file (cdr pair)))) (write-string "hi there\n" o) (force-output o) (let ((l (read-line (car pair)))) (close o) l))`); interp.WriteString(v) != `"hi there\r"` {
		t.Errorf("master read %s", interp.WriteString(v))
	}
	if _, err := master.OSFile().Write([]byte("23\n")); err != nil {
		t.Fatal(err)
	}
	if v := evalOK(t, it, `(let* ((i (open-input-file (cdr pair))) (v (read i))) (close i) v)`); v != 23 {
		t.Errorf("terminal read %v", v)
	}
	if v := evalOK(t, it, `(list (tty? (car pair)) (input-port? (car pair)))`); interp.WriteString(v) != "(#t #t)" {
		t.Errorf("the master port: %s", interp.WriteString(v))
	}
	// an output port on the master is a port to a terminal: each line is
	// written out without force-output (scsh's own open-pty test waits
	// for it)
	slave, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	evalOK(t, it, `(let ((o (dup->outport (car pair)))) (write 42 o) (newline o))`)
	slave.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	n, err := slave.Read(buf)
	if err != nil || strings.TrimSpace(string(buf[:n])) != "42" {
		t.Errorf("a line written to the master's dup->outport: read %q, %v (not written out)", buf[:n], err)
	}
	runScshCases(t, []scshCase{
		{`(open-pty 1)`, "", "open-pty"},
	})
}

// The BSD pty names: the generator counts down from /dev/ptyqf to
// /dev/ptyp0 (32 names), then answers #f.
func TestPTYNames(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((g (make-pty-generator))) (let loop ((n 0) (first #f) (last #f)) (let ((x (g))) (if x (loop (+ n 1) (or first x) x) (list n first last (g))))))`, `(32 "/dev/ptyqf" "/dev/ptyp0" #f)`, ""},
		{`(list (pty-name->tty-name "/dev/ptyq3") (tty-name->pty-name "/dev/ttyp0"))`, `("/dev/ttyq3" "/dev/ptyp0")`, ""},
		{`(let* ((s "/dev/ptyq3") (t (pty-name->tty-name s))) s)`, `"/dev/ptyq3"`, ""},
		{`(pty-name->tty-name "/dev")`, "", "not a /dev/ptyXY"},
		{`(tty-name->pty-name 'x)`, "", "expected a string"},
	})
}

// controlTTYChild is set in the environment of the child process that
// TestControlTTY starts in a session of its own: open (open-control-tty
// by name) or make (make-control-tty on its standard input).
const controlTTYChild = "POPSH_TEST_CONTROL_TTY"

// A session leader without a control terminal gets one with
// open-control-tty or make-control-tty; then it is the terminal's
// foreground process group, which set-tty-process-group can set again.
// The calls run in a child process (this test, run again) in a new
// session, so the test process keeps its own terminal.
func TestControlTTY(t *testing.T) {
	if mode := os.Getenv(controlTTYChild); mode != "" {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		name := strconv.Quote(os.Getenv(controlTTYChild + "_NAME"))
		src := `(let ((p (open-control-tty ` + name + `))) (set-tty-process-group p (pid)) (list (= (tty-process-group p) (pid)) (tty-file-name p) (input-port? p)))`
		if mode == "make" {
			src = `(begin (make-control-tty 0) (set-tty-process-group 0 (pid)) (list (= (tty-process-group 0) (pid)) (tty-file-name 0) (tty? 0)))`
		}
		v, err := evalScsh(t, it, src)
		if err != nil {
			os.Stdout.WriteString("ERROR " + interp.FormatError(err) + "\n")
			os.Exit(3)
		}
		os.Stdout.WriteString("RESULT " + interp.WriteString(v) + "\n")
		os.Exit(0)
	}
	for _, mode := range []string{"open", "make"} {
		_, slave, _ := openTestPTY(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestControlTTY$")
		cmd.Env = append(os.Environ(), controlTTYChild+"="+mode, controlTTYChild+"_NAME="+slave.Name())
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if mode == "make" {
			cmd.Stdin = slave
		}
		out, err := cmd.CombinedOutput()
		want := "RESULT (#t " + strconv.Quote(slave.Name()) + " #t)"
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s: child said %q (%v), want %q", mode, out, err, want)
		}
	}
}
