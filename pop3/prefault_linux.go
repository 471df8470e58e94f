package pop3

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Advice values of madvise(2) not in package syscall.
const (
	madvPopulateWrite = 23 // MADV_POPULATE_WRITE, Linux 5.14 and later
	madvCollapse      = 25 // MADV_COLLAPSE, Linux 6.1 and later
)

// back backs buf[from:] with memory before the bytes are written, at least
// n bytes of it (less at the end of buf), and returns the offset up to which
// buf is now backed: from+n, or the end of the huge page that holds
// buf[from] when that page is made one (see below). own (at least
// len(buf)) is how far from the start of buf the memory is the caller's:
// past len(buf), that of the buffer that follows, which may be backed with
// buf's last huge page.
//
// Filling fresh memory otherwise costs a page fault per 4 KiB; and on a
// virtual machine a first write to a 4 KiB page is slow even when the
// kernel has mapped it in advance, as the hypervisor maps each page again
// (we measured, copying 100 MB into fresh memory: 0.3 s into 4 KiB pages,
// 0.14 s into pages mapped in advance, 5 to 20 ms into huge pages, whose
// zeroing by the kernel costs 5 to 30 ms more, or up to 0.2 s when the
// host has to supply the memory anew). So
// the huge page (2 MiB on x86-64) that holds buf[from] is made one
// (MADV_COLLAPSE) when at least half of it is the caller's and the rest of
// it, the Go heap's around, is in memory already; memory is otherwise
// mapped in advance a range at a time (MADV_POPULATE_WRITE). Collapsing
// keeps the contents of every page (the kernel copies them while the range
// is locked), so the heap around buf only moves to the huge page; memory
// the Go runtime has released stays released (see residentOutside). When
// messages follow one another in the heap, the huge page that straddles
// two of them is made one when the first is read if the caller says that
// the second follows (own), else when the second is read. Neither advice
// changes the flags of the mapping, so the Go heap keeps its own huge-page
// setting. A kernel that refuses them (older, or huge pages disabled)
// leaves the writes to fault as usual: the contents are the same either
// way.
func back(buf []byte, own, from, n int) int {
	to := min(len(buf), from+n)
	for from < to {
		from = backStep(buf, max(own, len(buf)), from, to)
	}
	return max(from, to)
}

// backStep backs buf[from:to], or the part of it in the huge page that
// holds buf[from], and returns the offset up to which buf is now backed.
func backStep(buf []byte, own, from, to int) int {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	if h := hugePageSize(); h > 0 && !collapseRefused.Load() {
		lo := (p + uintptr(from)) &^ (h - 1)
		end := min(lo+h, p+uintptr(own)) // of the huge page's part that is the caller's
		if end-max(lo, p) >= h/2 && residentOutside(lo, lo+h, p, p+uintptr(own)) && collapse(lo, h, p+uintptr(from)) {
			return int(min(lo+h, p+uintptr(len(buf))) - p)
		}
		to = min(to, int(min(lo+h, p+uintptr(len(buf)))-p))
	}
	populate(p+uintptr(from), uintptr(to-from))
	return to
}

// residentOutside reports whether the memory of the huge page [lo, hi)
// outside the buffer [p, e) is resident already (all but 64 KiB of it at
// most), so that making the huge page one does not make the Go heap around
// the buffer take more memory: memory the Go runtime has released (or not
// used yet) stays released.
func residentOutside(lo, hi, p, e uintptr) bool {
	missing := uintptr(0)
	var vec [512]byte
	count := func(a, b uintptr) bool {
		if b <= a {
			return true
		}
		n := (b - a) / pageSize
		if n > uintptr(len(vec)) {
			return false
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, a, b-a, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
			return false
		}
		for _, v := range vec[:n] {
			if v&1 == 0 {
				missing += pageSize
			}
		}
		return true
	}
	// whole pages only: the pages that hold the ends of the buffer are the buffer's
	return count(lo, p&^(pageSize-1)) && count((e+pageSize-1)&^(pageSize-1), hi) && missing <= 64<<10
}

// pageSize is the size of a (small) page.
var pageSize = uintptr(os.Getpagesize())

// populate maps the whole pages of [p, p+n) in advance; the partial pages at
// either end fault as usual.
func populate(p, n uintptr) {
	start := (p + pageSize - 1) &^ (pageSize - 1)
	end := (p + n) &^ (pageSize - 1)
	if end > start {
		syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvPopulateWrite)
	}
}

// collapseRefused is set when the kernel refuses MADV_COLLAPSE as unknown
// or not allowed before it has ever done one (an older kernel, huge pages
// disabled for the process), so that it is not asked again; collapsed is
// set once it has done one.
var collapseRefused, collapsed atomic.Bool

// collapse makes the huge page at lo (aligned, h bytes) one huge page and
// reports whether it did; at is an address in it, in the caller's buffer.
// The kernel collapses only a range with a page in it, so the page of at
// is mapped first. Collapsing keeps the contents of every page (the kernel
// copies them into the huge page while the range is locked), so the part of
// the huge page outside the buffer, the Go heap's, is unchanged; it only
// becomes resident.
func collapse(lo, h, at uintptr) bool {
	syscall.Syscall(syscall.SYS_MADVISE, at&^(pageSize-1), pageSize, madvPopulateWrite)
	_, _, e := syscall.Syscall(syscall.SYS_MADVISE, lo, h, madvCollapse)
	switch e {
	case 0:
		collapsed.Store(true)
		return true
	case syscall.EINVAL, syscall.EPERM:
		if !collapsed.Load() {
			collapseRefused.Store(true)
		}
	}
	return false // EAGAIN, ENOMEM: no huge page free now; the memory is mapped in small pages
}

// hugePageSize is the size of a transparent huge page, or 0 when there are
// none (not configured, or disabled by the administrator).
var hugePageSize = sync.OnceValue(func() uintptr {
	const dir = "/sys/kernel/mm/transparent_hugepage/"
	mode, err := os.ReadFile(dir + "enabled")
	if err != nil || strings.Contains(string(mode), "[never]") {
		return 0
	}
	b, err := os.ReadFile(dir + "hpage_pmd_size")
	if err != nil {
		return 0
	}
	h, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || uintptr(h) <= pageSize || h&(h-1) != 0 || h > 1<<30 {
		return 0
	}
	return uintptr(h)
})
