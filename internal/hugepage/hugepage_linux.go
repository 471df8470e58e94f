//go:build linux

// Package hugepage advises memory into transparent huge pages.
package hugepage

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Size is the size of a transparent huge page on the machines popsh
// runs on (x86-64 and arm64 with 4 KiB base pages).
const Size = 2 << 20

// Advise asks the kernel to back with transparent huge pages the whole
// huge pages within a block of n bytes at p that the caller has just
// allocated and not yet written. When huge pages are enabled only where
// advised (the usual kernel setting), a big block is otherwise faulted in
// 4 KiB at a time as it is filled, and on a virtual machine each fault
// costs far more than clearing the page; with the advice a fault brings
// in 2 MiB. The advice stays with the memory when the block is freed and
// the Go heap reuses it. Where the kernel has no huge pages the call
// fails and nothing changes.
func Advise(p unsafe.Pointer, n uintptr) {
	if n < Size {
		return
	}
	lo := (uintptr(p) + Size - 1) &^ (Size - 1)
	hi := (uintptr(p) + n) &^ (Size - 1)
	if lo < hi {
		unix.Syscall(unix.SYS_MADVISE, lo, hi-lo, unix.MADV_HUGEPAGE)
	}
}

// madvCollapse is MADV_COLLAPSE (Linux 6.1 and later).
const madvCollapse = 25

// AdviseHeap advises into huge pages the n bytes of heap from the huge
// page that holds live, an object just allocated on the Go heap, and
// collapses that huge page at once into one (MADV_COLLAPSE), keeping the
// contents of the pages already in use. It is for the start of the
// program, while the whole heap is a megabyte or two: the heap the
// start-up builds (the interpreter's tables, its globals and their
// primitives) is then faulted in 2 MiB at a time instead of about 200
// faults of 4 KiB, each costing tens of µs on a virtual machine. The
// runtime maps its heap in 4 MiB units and the advice only holds for what
// is mapped now; memory it maps later is not advised. It reports whether
// the huge page holding live was collapsed (false on a kernel without
// MADV_COLLAPSE or where huge pages are disabled: nothing changes then).
func AdviseHeap(live unsafe.Pointer, n uintptr) bool {
	lo := uintptr(live) &^ (Size - 1)
	unix.Syscall(unix.SYS_MADVISE, lo, n, unix.MADV_HUGEPAGE)
	_, _, e := unix.Syscall(unix.SYS_MADVISE, lo, Size, madvCollapse)
	return e == 0
}

// Advised reports whether the mapping of this process that holds addr is
// advised into huge pages (the hg flag of its VmFlags in
// /proc/self/smaps).
func Advised(addr uintptr) (bool, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return false, err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.Contains(line+" ", " hg "), nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, err
	}
	return false, fmt.Errorf("no mapping holds %#x", addr)
}
