package scsh

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/interp"
)

// A connected pair: messages both ways, partial reads, receive into a
// string, end of file after a shutdown, bytes beyond ASCII.
func TestSocketPairMessages(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(define-values (a b) (create-socket-pair socket-type/stream)) (list (socket? a) (socket? b))`, `(#t #t)`, ""},
		{`(begin (send-message a "hello") (receive (s from) (receive-message b 5) (list s (socket-address? from) (socket-address:family from))))`,
			`("hello" #t 1)`, ""},
		{`(begin (send-message b "xyz" 1) (receive (s from) (receive-message/partial a 100) s))`, `"yz"`, ""},
		{`(begin (send-message a "0123456789" 2 5) (let ((buf (make-string 6 #\-))) (receive (n from) (receive-message! b buf 1 4) (list n buf))))`,
			`(3 "-234--")`, ""},
		{`(begin (send-message/partial a "abc") (let ((buf (make-string 5 #\.))) (receive (n from) (receive-message!/partial b buf) (list n buf))))`,
			`(3 "abc..")`, ""},
		// Bytes 128-255 go as themselves.
		{`(begin (send-message a (string (integer->char 233) (integer->char 255))) (receive (s from) (receive-message b 2) (map char->integer (string->list s))))`,
			`(233 255)`, ""},
		// After the sender shuts its side, the rest arrives, then end of file.
		{`(begin (send-message a "end") (shutdown-socket a shutdown/sends) (receive (s from) (receive-message b 10) s))`, `"end"`, ""},
		{`(receive (s from) (receive-message b 10) s)`, `#f`, ""},
		{`(receive (n from) (receive-message! b (make-string 3)) n)`, `#f`, ""},
		{`(receive (s from) (receive-message b 0) s)`, `""`, ""},
		// Bad arguments.
		{`(send-message b (string (integer->char 955)))`, "", "character beyond 255"},
		{`(send-message b "abc" 2 1)`, "", "Bad substring indices"},
		{`(send-message 'no "x")`, "", "argument 1 (socket): expected a socket"},
		{`(receive-message b -1)`, "", "argument 2 (len): expected a non-negative integer"},
		{`(receive-message! b "literal")`, "", "immutable"},
		{`(create-socket-pair "stream")`, "", "expected an exact integer"},
		// A closed socket is a clear error.
		{`(begin (close-socket a) (send-message a "x"))`, "", "socket is closed"},
		// A wider read than the interpreter's read limit is refused.
		{`(receive-message b (expt 2 40))`, "", "read limit"},
	})
}

// A TCP server and client made by hand in one interpreter: bind to port 0
// on the loopback, listen, connect without waiting, accept, options,
// addresses, and talk.
func TestSocketTCPByHand(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(define srv (create-socket protocol-family/internet socket-type/stream))
		  (set-socket-option srv level/socket socket/reuse-address #t)
		  (bind-socket srv (internet-address->socket-address internet-address/loopback 0))
		  (listen-socket srv 5)
		  (define-values (host port) (socket-address->internet-address (socket-local-address srv)))
		  (list (= host internet-address/loopback) (> port 0) (socket-option srv level/socket socket/reuse-address))`, `(#t #t #t)`, ""},
		{`(define cli (create-socket protocol-family/internet socket-type/stream))
		  (define started (connect-socket-no-wait cli (internet-address->socket-address internet-address/loopback port)))
		  (define-values (conn peer) (accept-connection srv))
		  (list (boolean? started) (connect-socket-successful? cli))`, `(#t #t)`, ""},
		{`(receive (h p) (socket-address->internet-address peer)
		   (receive (h2 p2) (socket-address->internet-address (socket-local-address cli))
		     (list (= h h2) (= p p2))))`, `(#t #t)`, ""},
		{`(receive (h p) (socket-address->internet-address (socket-remote-address cli)) (= p port))`, `#t`, ""},
		// The ports and the messages see the same connection.
		{`(begin (write-string "line one\n" (socket:outport cli)) (force-output (socket:outport cli)) (read-line (socket:inport conn)))`, `"line one"`, ""},
		{`(begin (send-message conn "reply") (read-string 5 (socket:inport cli)))`, `"reply"`, ""},
		{`(define cli2 (create-socket protocol-family/internet socket-type/stream))
		  (connect-socket cli2 (internet-address->socket-address internet-address/loopback port))
		  (define-values (conn2 peer2) (accept-connection srv))
		  (send-message cli2 "second")
		  (receive (s from) (receive-message conn2 6) (close-socket cli2) (close-socket conn2) s)`, `"second"`, ""},
		{`(socket-option cli level/socket socket/type)`, `1`, ""},
		{`(begin (set-socket-option cli level/tcp tcp/no-delay #t) (socket-option cli level/tcp tcp/no-delay))`, `#t`, ""},
		{`(begin (set-socket-option cli level/socket socket/linger 3) (socket-option cli level/socket socket/linger))`, `3`, ""},
		{`(begin (set-socket-option cli level/socket socket/linger #f) (socket-option cli level/socket socket/linger))`, `#f`, ""},
		{`(begin (set-socket-option cli level/socket socket/receive-buffer 8192) (> (socket-option cli level/socket socket/receive-buffer) 0))`, `#t`, ""},
		{`(list (memv socket/reuse-address options/boolean) (memv socket/linger options/linger) options/timeout)`, `((2 5 6 9 10 11 3 1) (13) ())`, ""},
		{`(socket-option cli level/socket 999)`, "", "unknown option"},
		{`(socket-option cli 'socket 1)`, "", "argument 2 (level): expected an exact integer"},
		{`(set-socket-option cli level/socket socket/send-buffer "big")`, "", "argument 4 (value): expected an exact integer"},
		{`(set-socket-option cli level/socket socket/linger -1)`, "", "#f or a number of seconds"},
		{`(bind-socket cli (unix-address->socket-address "/tmp/x"))`, "", "different families"},
		{`(begin (close-socket cli) (close-socket conn) (close-socket srv) (socket-local-address srv))`, "", "socket is closed"},
	})
}

// Connecting to a port nobody listens on is a syscall-error with errno
// ECONNREFUSED, and the socket stays usable for a close.
func TestSocketConnectRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, `(define s (create-socket protocol-family/internet socket-type/stream))
		(with-errno-handler ((errno data) ((errno/connrefused) (list 'refused (cadr data))))
		  (connect-socket s (internet-address->socket-address internet-address/loopback `+itoa(port)+`)))`)
	if err != nil {
		t.Fatal(err)
	}
	if got := interp.WriteString(v); got != "(refused connect)" {
		t.Errorf("got %s, want (refused connect)", got)
	}
	if _, err := evalScsh(t, it, `(close-socket s)`); err != nil {
		t.Errorf("close after a failed connect: %v", err)
	}
}

func itoa(n int) string { return interp.WriteString(n) }

// A datagram socket: messages to an address, and the sender's address.
func TestSocketDatagram(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(define (udp) (let ((s (create-socket protocol-family/internet socket-type/datagram)))
		     (bind-socket s (internet-address->socket-address internet-address/loopback 0)) s))
		  (define x (udp)) (define y (udp))
		  (send-message x "ping" 0 4 0 (socket-local-address y))
		  (receive (msg from) (receive-message/partial y 100)
		    (receive (h p) (socket-address->internet-address from)
		      (receive (h2 p2) (socket-address->internet-address (socket-local-address x))
		        (list msg (= p p2)))))`, `("ping" #t)`, ""},
		{`(begin (send-message y "peek" 0 4 0 (socket-local-address x))
		    (receive (m1 f1) (receive-message/partial x 10 message/peek)
		      (receive (m2 f2) (receive-message/partial x 10) (list m1 m2))))`, `("peek" "peek")`, ""},
		{`(send-message x "a" 0 1 0 'nowhere)`, "", "argument 6 (address): expected a socket address"},
	})
}

func TestSocketAddresses(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(receive (h p) (socket-address->internet-address (internet-address->socket-address #x7f000001 110)) (list h p))`, `(2130706433 110)`, ""},
		{`(socket-address:family (internet-address->socket-address 0 0))`, `2`, ""},
		{`(internet-address->socket-address #x7f000001 110)`, `#{socket-address 127.0.0.1:110}`, ""},
		{`(socket-address->unix-address (unix-address->socket-address "/tmp/sock"))`, `"/tmp/sock"`, ""},
		{`(socket-address? (unix-address->socket-address "/tmp/sock"))`, `#t`, ""},
		{`(socket-address? "x")`, `#f`, ""},
		{`(internet-address->socket-address -1 0)`, "", "address out of range"},
		{`(internet-address->socket-address #x100000000 0)`, "", "address out of range"},
		{`(internet-address->socket-address 0 65536)`, "", "port out of range"},
		{`(internet-address->socket-address "127.0.0.1" 1)`, "", "argument 1 (address32): expected an exact integer"},
		{`(unix-address->socket-address (make-string 200 #\a))`, "", "path too long"},
		{`(socket-address->unix-address (internet-address->socket-address 0 0))`, "", "expected a Unix-domain socket address"},
		{`(socket-address->internet-address (unix-address->socket-address "/x"))`, "", "expected an Internet socket address"},
		{`(list shutdown/sends+receives herror/no-address socket-type/raw internet-address/broadcast message/peek level/socket)`, `(2 4 3 4294967295 2 1)`, ""},
		{`(create-socket protocol-family/internet socket-type/stream "tcp")`, "", "argument 3 (protocol): expected an exact integer"},
		{`(create-socket 9999 socket-type/stream)`, "", "socket"},
	})
}

// socket-connect's sockets are sockets like the others: their addresses
// and options can be read.
func TestSocketConnectHasAddresses(t *testing.T) {
	port := serveOnce(t, func(c net.Conn) {
		c.Write([]byte("+OK hi\r\n"))
		bufio.NewReader(c).ReadString('\n')
	})
	runEvalCases(t, []evalCase{
		{`(define s (socket-connect protocol-family/internet socket-type/stream "127.0.0.1" ` + itoa(port) + `))
		  (receive (h p) (socket-address->internet-address (socket-remote-address s)) (list (= h internet-address/loopback) (= p ` + itoa(port) + `)))`,
			`(#t #t)`, ""},
		{`(read-line (socket:inport s))`, `"+OK hi\r"`, ""},
		{`(socket-option s level/socket socket/type)`, `1`, ""},
		{`(begin (write-string "QUIT\r\n" (socket:outport s)) (force-output (socket:outport s)) (close-socket s) 'closed)`, `closed`, ""},
	})
}

// bind-listen-accept-loop serves connections until its procedure fails;
// the failure ends the loop and closes the listening socket.
func TestBindListenAcceptLoop(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sock")
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	ready := make(chan struct{})
	it.DefinePrimitive("test-ready", 0, 0, func(*interp.Interp, []interp.Value) (interp.Value, error) {
		close(ready)
		return true, nil
	})
	replies := make(chan string, 2)
	go func() {
		<-ready
		for i := 0; i < 2; i++ {
			var c net.Conn
			var err error
			// prepare runs between bind and listen: retry while refused.
			for tries := 0; tries < 1000; tries++ {
				if c, err = net.Dial("unix", path); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
					break
				}
			}
			if err != nil {
				replies <- "dial: " + err.Error()
				return
			}
			c.Write([]byte("hello\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			replies <- line
		}
	}()
	_, err := evalScsh(t, it, `(define served 0)
		(bind-prepare-listen-accept-loop protocol-family/unix test-ready
		  (lambda (sock addr)
		    (let ((line (read-line (socket:inport sock))))
		      (write-string (string-append "got " line "\n") (socket:outport sock))
		      (close-socket sock)
		      (set! served (+ served 1))
		      (if (= served 2) (error "enough served" served))))
		  "`+path+`")`)
	if err == nil || !strings.Contains(err.Error(), "enough served") {
		t.Fatalf("the loop ended with %v, want the procedure's error", err)
	}
	for i := 0; i < 2; i++ {
		if r := <-replies; r != "got hello\n" {
			t.Errorf("reply %d: %q", i, r)
		}
	}
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		t.Errorf("the listening socket is still open after the loop ended")
	}
	// Bad arguments.
	for src, want := range map[string]string{
		`(bind-listen-accept-loop 99 (lambda (s a) #t) 1)`:                        "unsupported protocol-family",
		`(bind-listen-accept-loop protocol-family/unix 5 "x")`:                    "argument 2 (proc): expected a procedure",
		`(bind-listen-accept-loop protocol-family/internet (lambda (s a) #t) 'x)`: "argument 3 (port): expected a port number or service name",
	} {
		if _, err := evalScsh(t, it, src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}

// A wait for a connection stops when the evaluation is cancelled.
func TestAcceptInterrupted(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	ctx, cancel := context.WithCancel(context.Background())
	it.DefinePrimitive("test-cancel", 0, 0, func(*interp.Interp, []interp.Value) (interp.Value, error) {
		cancel()
		return true, nil
	})
	_, err := it.EvalString(ctx, `(define srv (create-socket protocol-family/internet socket-type/stream))
		(bind-socket srv (internet-address->socket-address internet-address/loopback 0))
		(listen-socket srv 1)
		(test-cancel)
		(accept-connection srv)`, "test.scm")
	if err == nil {
		t.Fatal("accept-connection returned with nobody connecting")
	}
	if !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupt") && !strings.Contains(err.Error(), "cancel") {
		t.Errorf("error %v, want an interruption", err)
	}
}

func TestPortToSocket(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	os.WriteFile(file, []byte("x"), 0o600)
	runEvalCases(t, []evalCase{
		{`(define-values (a b) (create-socket-pair socket-type/stream))
		  (define c (port->socket (socket:inport b) protocol-family/unix))
		  (send-message a "via copy")
		  (receive (s from) (receive-message c 8) s)`, `"via copy"`, ""},
		{`(port->socket (open-input-string "x") protocol-family/unix)`, "", "no open descriptor"},
		{`(call-with-input-file "` + file + `" (lambda (p) (port->socket p protocol-family/unix)))`, "", "socket operation on non-socket"},
		{`(port->socket 5 protocol-family/unix)`, "", "argument 1 (port): expected a port"},
	})
}

func TestNetworkAndProtocolInfo(t *testing.T) {
	dir := t.TempDir()
	nets := filepath.Join(dir, "networks")
	protos := filepath.Join(dir, "protocols")
	os.WriteFile(nets, []byte("# comment\nloopback\t127.0.0.0\tlo lo-net\nshort 10\nbad x.y\n"), 0o600)
	os.WriteFile(protos, []byte("tcp\t6\tTCP\t# transmission control\nudp 17 UDP\n"), 0o600)
	oldN, oldP := networksFile, protocolsFile
	networksFile, protocolsFile = nets, protos
	defer func() { networksFile, protocolsFile = oldN, oldP }()
	runEvalCases(t, []evalCase{
		{`(let ((n (network-info "loopback"))) (list (network-info? n) (network-info:name n) (network-info:aliases n) (number->string (network-info:net n) 16)))`,
			`(#t "loopback" ("lo" "lo-net") "7f000000")`, ""},
		{`(network-info:name (network-info "lo-net"))`, `"loopback"`, ""},
		{`(network-info:net (network-info "short"))`, `10`, ""},
		{`(network-info:name (network-info 10))`, `"short"`, ""},
		{`(list (network-info "bad") (network-info "nowhere"))`, `(#f #f)`, ""},
		{`(network-info 'x)`, "", "expected a network name or number"},
		{`(let ((p (protocol-info "TCP"))) (list (protocol-info? p) (protocol-info:name p) (protocol-info:aliases p) (protocol-info:number p)))`,
			`(#t "tcp" ("TCP") 6)`, ""},
		{`(protocol-info:name (protocol-info 17))`, `"udp"`, ""},
		{`(protocol-info "nosuch")`, `#f`, ""},
		{`(protocol-info 1.5)`, "", "expected a protocol name or number"},
	})
	// Without /etc/protocols, the common protocols are still known.
	protocolsFile = filepath.Join(dir, "missing")
	runEvalCases(t, []evalCase{
		{`(protocol-info:number (protocol-info "tcp"))`, `6`, ""},
		{`(network-info "loopback")`, `#{network loopback}`, ""},
	})
}

// A read from a socket-connect socket that waits for a silent server
// stops when the evaluation is cancelled.
func TestSocketConnectReadInterrupted(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			held <- c // say nothing
		}
	}()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	ctx, cancel := context.WithCancel(context.Background())
	it.DefinePrimitive("test-cancel", 0, 0, func(*interp.Interp, []interp.Value) (interp.Value, error) {
		cancel()
		return true, nil
	})
	_, err = it.EvalString(ctx, `(define s (socket-connect protocol-family/internet socket-type/stream "127.0.0.1" `+itoa(l.Addr().(*net.TCPAddr).Port)+`))
		(test-cancel)
		(read-line (socket:inport s))`, "test.scm")
	if c := <-held; c != nil {
		c.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "interrupt") && !errors.Is(err, context.Canceled) {
		t.Errorf("read-line on a silent server: %v, want an interruption", err)
	}
}

// socket-connect takes scsh's three arguments for a Unix socket (the file
// name), and refuses three for the Internet.
func TestSocketConnectUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			c.Write([]byte("unix hello\n"))
			c.Close()
		}
	}()
	runEvalCases(t, []evalCase{
		{`(read-line (socket:inport (socket-connect protocol-family/unix socket-type/stream "` + path + `")))`, `"unix hello"`, ""},
		{`(socket-connect protocol-family/internet socket-type/stream "127.0.0.1")`, "", "needs a host and a port"},
		// An unnamed Unix socket's address is the empty file name.
		{`(receive (a b) (create-socket-pair socket-type/stream) (socket-address->unix-address (socket-local-address a)))`, `""`, ""},
	})
}

// socket-connect makes connected datagram sockets too, as scsh's does.
func TestSocketConnectDatagram(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 100)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			got <- err.Error()
			return
		}
		pc.WriteTo([]byte("pong"), from)
		got <- string(buf[:n])
	}()
	runEvalCases(t, []evalCase{
		{`(let ((s (socket-connect protocol-family/internet socket-type/datagram "127.0.0.1" ` + itoa(pc.LocalAddr().(*net.UDPAddr).Port) + `)))
		   (send-message s "ping")
		   (receive (m from) (receive-message/partial s 10) m))`, `"pong"`, ""},
		{`(socket-connect protocol-family/internet socket-type/raw "127.0.0.1" 1)`, "", "only socket-type/stream and socket-type/datagram"},
	})
	if m := <-got; m != "ping" {
		t.Errorf("the server got %q", m)
	}
}

// A socket's ports carry one character per byte, as scsh's did: the
// telnet negotiation of a server (IAC DO TTYPE: 255 253 24) reads as the
// characters of those codes, and the client's answer made of such
// characters goes out as the same bytes. A request written to the socket
// goes out when select-ports waits for the answer, without a
// force-output (Scheme 48 flushes its ports before it waits). The codec
// can be set back to UTF-8 for a text protocol. Found running the telnet
// client of himanshug/scsh-telnet.
func TestSocketPortsLatin1(t *testing.T) {
	got := make(chan []byte, 1)
	port := serveOnce(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(3 * time.Second)) // a failing client does not hang the test
		c.Write([]byte{255, 253, 24, 'o', 'k', '\n'})
		buf := make([]byte, 4)
		n, _ := io.ReadFull(c, buf)
		got <- buf[:n]
		c.Write([]byte("caf\xc3\xa9\n"))
	})
	runEvalCases(t, []evalCase{
		{`(define s (socket-connect protocol-family/internet socket-type/stream "127.0.0.1" ` + itoa(port) + `))
		  (eq? (port-text-codec (socket:inport s)) latin-1-codec)`, `#t`, ""},
		{`(map char->integer (string->list (read-line (socket:inport s))))`, `(255 253 24 111 107)`, ""},
		{`(begin (write-string (string (integer->char 255) (integer->char 251) (integer->char 24) #\x) (socket:outport s))
		        (length (select-ports 2 (socket:inport s))))`, `1`, ""},
		{`(begin (set-port-text-codec! (socket:inport s) utf-8-codec) (read-line (socket:inport s)))`, `"café"`, ""},
		{`(begin (write-string "\x3bb;" (socket:outport s)) (force-output (socket:outport s)))`, ``, "Latin-1"},
	})
	select {
	case b := <-got:
		if string(b) != "\xff\xfb\x18x" {
			t.Errorf("server got % x, want ff fb 18 78", b)
		}
	case <-time.After(5 * time.Second):
		t.Error("the server got nothing")
	}
}

// serveOnce listens on a loopback port, which it returns, serves the first
// connection there with serve in the background, and closes both at the
// end of the test.
func serveOnce(t *testing.T, serve func(c net.Conn)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		serve(c)
	}()
	return l.Addr().(*net.TCPAddr).Port
}
