//go:build !unix

package interp

import "os"

// fileReadable cannot ask the system here: known is false.
func fileReadable(f *os.File) (ready, known bool) { return false, false }
