package interp_test

import (
	"testing"

	"popsh/interp"
	"popsh/interp/interptest"
)

func newInterp() *interp.Interp { return interp.New() }

// TestSchemeFiles runs every interp/testdata/*.scm file (the forms are
// described in package interptest and testdata/README.md).
func TestSchemeFiles(t *testing.T) {
	interptest.RunFiles(t, newInterp, "testdata/*.scm")
}

// TestThreadsSchemeFile runs the Scheme thread tests (also run by
// TestSchemeFiles) under a name that -run Thread selects, for -race.
func TestThreadsSchemeFile(t *testing.T) {
	interptest.RunFile(t, newInterp, "testdata/threads.scm")
}
