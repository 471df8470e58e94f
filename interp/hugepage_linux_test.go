//go:build linux

package interp

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// vmaFlags returns the VmFlags of the mapping of this process that holds
// addr, from /proc/self/smaps.
func vmaFlags(t *testing.T, addr uintptr) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
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
			return line
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}

// A big vector made by make-vector is advised into huge pages before it is
// filled (where the kernel has transparent huge pages).
func TestBigVectorHugePages(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("no transparent huge pages on this kernel")
	}
	it := New()
	for _, src := range []string{"(make-vector 1000000 'x)", "(vector-copy (make-vector 1000000 #f))", "(make-bytevector 16000000 7)"} {
		v, err := it.EvalString(context.Background(), src, "t")
		if err != nil {
			t.Fatal(err)
		}
		var p unsafe.Pointer
		var n uintptr
		switch v := v.(type) {
		case *Vector:
			p, n = unsafe.Pointer(&v.Items[0]), uintptr(len(v.Items))*unsafe.Sizeof(v.Items[0])
		case *Bytevector:
			p, n = unsafe.Pointer(&v.B[0]), uintptr(len(v.B))
		default:
			t.Fatalf("%s: %v", src, v)
		}
		mid := (uintptr(p) + n/2) &^ (hugePage - 1)
		if flags := vmaFlags(t, mid); !strings.Contains(flags+" ", " hg ") {
			t.Errorf("%s: the vector's memory is not advised for huge pages: %s", src, flags)
		}
	}
}
