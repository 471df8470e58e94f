package pop3

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is Linux's MADV_POPULATE_WRITE (5.14 and later).
const madvPopulateWrite = 23

// prefaultMin is the smallest buffer worth prefaulting.
const prefaultMin = 1 << 20

// prefault asks the kernel to back the memory of b with pages now, in one
// call, rather than one page fault at a time as the bytes are written:
// filling a fresh buffer of megabytes otherwise costs a fault per 4 KiB,
// which on a virtual machine is most of the time spent receiving a large
// message. Older kernels refuse the advice, which changes nothing.
func prefault(b []byte) {
	if cap(b) < prefaultMin {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b[:1])))
	start := (p + 4095) &^ 4095
	end := (p + uintptr(cap(b))) &^ 4095
	if end > start {
		syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvPopulateWrite)
	}
}
