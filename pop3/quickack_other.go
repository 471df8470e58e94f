//go:build !linux

package pop3

import "net"

// quickAcker returns nil: TCP_QUICKACK is Linux-only.
func quickAcker(conn net.Conn) func() { return nil }
