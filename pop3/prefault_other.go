//go:build !linux

package pop3

// back does nothing but say how far buf[from:] counts as backed (see the
// Linux version): pages are faulted in as they are written.
func back(buf []byte, own, from, n int) int {
	return max(from, min(len(buf), from+n))
}
