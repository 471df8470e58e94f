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

func TestAdviseHeapKeepsContents(t *testing.T) {
	thpAvailable(t)
	objs := make([]*[512]byte, 2000) // about 1 MB of heap around the live object
	for i := range objs {
		objs[i] = new([512]byte)
		for j := range objs[i] {
			objs[i][j] = byte(i + j)
		}
	}
	live := unsafe.Pointer(objs[len(objs)/2])
	collapsed := AdviseHeap(live, 4*Size)
	if ok, err := Advised(uintptr(live)); err != nil || !ok {
		t.Fatalf("the live object's huge page is not advised: %v %v", ok, err)
	}
	for i := range objs {
		for j := range objs[i] {
			if objs[i][j] != byte(i+j) {
				t.Fatalf("object %d byte %d changed to %d by AdviseHeap (collapsed %v)", i, j, objs[i][j], collapsed)
			}
		}
	}
}
