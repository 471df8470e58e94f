//go:build !linux

package hugepage

import (
	"errors"
	"unsafe"
)

// Size is the size of a transparent huge page on Linux with 4 KiB pages.
const Size = 2 << 20

// Advise does nothing where there is no madvise(MADV_HUGEPAGE).
func Advise(p unsafe.Pointer, n uintptr) {}

// Advised reports that there is no such advice here.
func Advised(addr uintptr) (bool, error) { return false, errors.ErrUnsupported }

// AdviseHeap does nothing where there is no madvise(MADV_HUGEPAGE).
func AdviseHeap(live unsafe.Pointer, n uintptr) bool { return false }
