package earlyheap

import (
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"popsh/internal/hugepage"
)

func TestHeapAdvisedAtStart(t *testing.T) {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || string(b) == "always madvise [never]\n" {
		t.Skip("no transparent huge pages here")
	}
	ok, err := hugepage.Advised(uintptr(marker))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Error("the heap that held the marker at start is not advised into huge pages")
	}
	// The heap allocated after the start lies in the advised span.
	p := new([64]byte)
	lo := uintptr(marker) &^ (hugepage.Size - 1)
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
	if os.Getenv("EARLYHEAP_TEST_CHILD") == "" {
		// In a process of its own: a heap that earlier tests (or runs of
		// -count) have used and collected has free holes anywhere, and
		// the frontier is the lowest of them, not where the heap grows.
		cmd := exec.Command(os.Args[0], "-test.run=^TestAgainAdvisesTheHeapWhereItIsNow$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "EARLYHEAP_TEST_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS: TestAgainAdvisesTheHeapWhereItIsNow") {
			t.Fatalf("the test in a process of its own: %v\n%s", err, out)
		}
		return
	}
	// No collection, so that no hole opens while the heap grows.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	// Grow the heap until it lies in memory the runtime mapped after init,
	// without the advice, then advise it again.
	var keep []unsafe.Pointer
	for {
		p := frontier()
		keep = append(keep, p) // so that the next frontier is past it
		ok, err := hugepage.Advised(uintptr(p))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if len(keep) == 512 {
			t.Fatal("the heap grew by 148 MB and is still advised: is the runtime advising it itself?")
		}
		keep = append(keep, unsafe.Pointer(unsafe.SliceData(make([]byte, 256<<10))))
	}
	// The block Again found is checked, not a later one: the runtime may
	// map the next block in a new mapping, which no advice given before
	// can cover (the test failed so about once in twenty runs).
	p := again()
	if ok, err := hugepage.Advised(uintptr(p)); err != nil || !ok {
		t.Errorf("the heap's frontier at %p after Again: advised %v (%v)", p, ok, err)
	}
	runtime.KeepAlive(keep)
}
