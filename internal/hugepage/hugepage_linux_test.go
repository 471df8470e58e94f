package hugepage

import (
	"os"
	"testing"
	"unsafe"
)

func thpAvailable(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || string(b) == "always madvise [never]\n" {
		t.Skip("no transparent huge pages here")
	}
}

// A fresh block of several huge pages is advised over its whole huge
// pages, and keeps its contents.
func TestAdviseBigBlock(t *testing.T) {
	thpAvailable(t)
	b := make([]byte, 4*Size+12345)
	b[0], b[len(b)-1] = 7, 9
	p := uintptr(unsafe.Pointer(&b[0]))
	Advise(unsafe.Pointer(&b[0]), uintptr(len(b)))
	mid := (p + uintptr(len(b))/2) &^ (Size - 1)
	if ok, err := Advised(mid); err != nil || !ok {
		t.Fatalf("the middle of an advised block is not advised: %v %v", ok, err)
	}
	if b[0] != 7 || b[len(b)-1] != 9 || b[Size] != 0 {
		t.Fatal("advising changed the block's contents")
	}
}

// A block smaller than a huge page is left alone (advising it would
// reach memory that is not the caller's).
func TestAdviseSmallBlockIsNoOp(t *testing.T) {
	thpAvailable(t)
	var x [Size / 2]byte
	p := uintptr(unsafe.Pointer(&x[0]))
	before, err := Advised(p)
	if err != nil {
		t.Fatal(err)
	}
	Advise(unsafe.Pointer(&x[0]), uintptr(len(x)))
	if after, _ := Advised(p); after != before {
		t.Fatalf("a block under a huge page changed its mapping's advice: %v -> %v", before, after)
	}
}
