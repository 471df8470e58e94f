package pop3

import (
	"net"
	"syscall"
)

// quickAcker returns a function that asks the kernel to acknowledge
// received data at once (TCP_QUICKACK), or nil if conn is not TCP. The
// flag does not stick, so it is set again before each read.
//
// Why: while pipelined replies stream in, the client may have nothing to
// send; Linux then delays its ACKs (up to 40 ms) and a server that uses
// Nagle's algorithm (Dovecot does) holds back its next small segment until
// the ACK comes. The session stalls 40 ms at a time.
func quickAcker(conn net.Conn) func() {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	set := func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1) }
	return func() { rc.Control(set) }
}

// pendingPeeker returns a function that reports whether bytes from the
// server are waiting in the socket, without reading them or blocking
// (recv with MSG_PEEK|MSG_DONTWAIT), or nil if conn is not TCP.
func pendingPeeker(conn net.Conn) func() bool {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	var buf [1]byte
	var n int
	peek := func(fd uintptr) {
		n, _, _ = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	}
	return func() bool {
		n = 0
		if rc.Control(peek) != nil {
			return false
		}
		return n > 0
	}
}
