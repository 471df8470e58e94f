//go:build !linux

package pop3

import "net"

// quickAcker returns nil: TCP_QUICKACK is Linux-only.
func quickAcker(conn net.Conn) func() { return nil }

// pendingPeeker returns nil: only the buffered bytes are checked.
func pendingPeeker(conn net.Conn) func() bool { return nil }
