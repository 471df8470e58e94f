//go:build linux

package interp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of a transparent huge page on the machines popsh
// runs on (x86-64 and arm64 with 4 KiB base pages).
const hugePage = 2 << 20

// adviseHuge asks the kernel to back with transparent huge pages the
// whole huge pages within a block of n bytes at p that the caller has just
// allocated and not yet written. When huge pages are enabled only where
// advised (the usual kernel setting), a big vector is otherwise faulted in
// 4 KiB at a time as it is filled, and each fault costs far more than
// clearing the page; with the advice a fault brings in 2 MiB. The Go
// heap itself is not advised, so this touches only the block's own memory;
// where the kernel has no huge pages the call fails and nothing changes.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	if n < hugePage {
		return
	}
	lo := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	hi := (uintptr(p) + n) &^ (hugePage - 1)
	if lo < hi {
		unix.Syscall(unix.SYS_MADVISE, lo, hi-lo, unix.MADV_HUGEPAGE)
	}
}
