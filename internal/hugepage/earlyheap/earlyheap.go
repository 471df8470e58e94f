// Package earlyheap puts the start of the Go heap into transparent huge
// pages (hugepage.AdviseHeap) while packages are being initialized: main
// imports it for that effect alone. Go initializes a package before every
// package whose import path sorts after its own among those ready, and
// popsh/internal/hugepage/earlyheap sorts before popsh/interp, whose
// initialization and the interpreter's set-up that follows make most of
// the heap of a start. `popsh -c 1` then takes about 350 page faults
// instead of 500 and about 2 ms less CPU.
package earlyheap

import (
	"unsafe"

	"popsh/internal/hugepage"
)

// Span is how much heap is advised: the huge page in use and the three
// after it, as far as the runtime has mapped them.
const Span = 4 * hugepage.Size

// Collapsed reports whether the heap's first huge page was made one at
// start (for tests).
var Collapsed bool

// marker is the object whose address told where the heap was at start.
var marker unsafe.Pointer

func init() {
	marker = frontier()
	Collapsed = hugepage.AdviseHeap(marker, Span)
}

// frontier returns the address where the heap grows now: a block too big
// for the size classes gets pages of its own, and the runtime takes the
// lowest free ones, which before the first collection are those just past
// the heap in use. The block is fresh memory and is not cleared, so it
// costs address space only, until the first collection frees it.
func frontier() unsafe.Pointer {
	return unsafe.Pointer(unsafe.SliceData(make([]byte, 40<<10)))
}

// Again advises the heap where it is now, for a program that is about to
// build much more of it. The runtime starts its heap at a random page of
// its first 4 MiB and maps the next 4 MiB only when it grows into them,
// without the advice; when the start was near the end, initialization has
// moved the heap there.
func Again() {
	again()
}

// again is Again, returning the block whose address told where the heap
// was (for tests).
func again() unsafe.Pointer {
	p := frontier()
	hugepage.AdviseHeap(p, Span)
	return p
}
