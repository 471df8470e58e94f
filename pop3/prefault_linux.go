package pop3

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is Linux's MADV_POPULATE_WRITE (5.14 and later).
const madvPopulateWrite = 23

// prefault asks the kernel to back the memory of b (its length) with pages
// now, in one call, rather than one page fault at a time as the bytes are
// written: filling a fresh buffer of megabytes otherwise costs a fault per
// 4 KiB, which on a virtual machine is most of the time spent receiving a
// large message. Only whole pages inside b are advised. Older kernels
// refuse the advice, which changes nothing.
func prefault(b []byte) {
	if len(b) == 0 {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start := (p + 4095) &^ 4095
	end := (p + uintptr(len(b))) &^ 4095
	if end > start {
		syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvPopulateWrite)
	}
}
