//go:build linux

package interp

import (
	"context"
	"os"
	"testing"
	"unsafe"

	"popsh/internal/hugepage"
)

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
		mid := (uintptr(p) + n/2) &^ (hugepage.Size - 1)
		if ok, err := hugepage.Advised(mid); err != nil || !ok {
			t.Errorf("%s: the vector's memory is not advised for huge pages (%v)", src, err)
		}
	}
}
