//go:build unix

package interp

import (
	"os"

	"golang.org/x/sys/unix"
)

// fileReadable reports whether a read from f (a pipe, socket, terminal
// ...) would not wait: data, end of file or an error are there. known is
// false when f has no descriptor to ask.
func fileReadable(f *os.File) (ready, known bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, false
	}
	fd := -1
	// Control, not Fd: Fd would put the descriptor in blocking mode
	if rc.Control(func(u uintptr) { fd = int(u) }) != nil || fd < 0 {
		return false, false
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	if err != nil {
		return false, false
	}
	return n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR) != 0, true
}
