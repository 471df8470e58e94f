//go:build !linux

package pop3

func prefault(b []byte) {}
