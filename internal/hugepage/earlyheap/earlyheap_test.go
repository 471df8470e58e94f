package earlyheap

import (
	"os"
	"testing"
	"unsafe"

	"popsh/internal/hugepage"
)

func TestHeapAdvisedAtStart(t *testing.T) {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || string(b) == "always madvise [never]\n" {
		t.Skip("no transparent huge pages here")
	}
	ok, err := hugepage.Advised(uintptr(unsafe.Pointer(marker)))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Error("the heap that held the marker at start is not advised into huge pages")
	}
	// The heap allocated after the start lies in the advised span.
	p := new([64]byte)
	lo := uintptr(unsafe.Pointer(marker)) &^ (hugepage.Size - 1)
	if a := uintptr(unsafe.Pointer(p)); a >= lo && a < lo+Span {
		if ok, err := hugepage.Advised(a); err != nil || !ok {
			t.Errorf("heap at %#x, after the marker's huge page at %#x: advised %v (%v)", a, lo, ok, err)
		}
	}
	t.Logf("first huge page collapsed: %v", Collapsed)
}

func TestAgainAdvisesTheHeapWhereItIsNow(t *testing.T) {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || string(b) == "always madvise [never]\n" {
		t.Skip("no transparent huge pages here")
	}
	// Grow the heap well past the start so that it lies in memory the
	// runtime mapped after init, then advise it again.
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 128<<10))
	}
	Again()
	p := new([64]byte)
	if ok, err := hugepage.Advised(uintptr(unsafe.Pointer(p))); err != nil || !ok {
		t.Errorf("heap at %p after Again: advised %v (%v)", p, ok, err)
	}
	_ = keep
}
