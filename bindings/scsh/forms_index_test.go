package scsh

import (
	"testing"

	"popsh/interp"
	"popsh/interp/interptest"
)

// The generated split of the scsh libraries (forms_index.go) is what
// cutting their sources gives today; go generate writes it.
func TestFormIndexCurrent(t *testing.T) {
	interptest.CheckGenerated(t, "forms_index.go", interp.FormIndexSource("scsh", "go generate ./bindings/scsh",
		interp.IndexedSource{Var: "scshIndex", File: "scsh.scm", Src: scshPrelude, Deferred: scshDeferred},
		interp.IndexedSource{Var: "srfiIndex", File: "srfi.scm", Src: srfiPrelude, Lazy: true},
		interp.IndexedSource{Var: "processIndex", File: "scsh-process.scm", Src: processPrelude, Lazy: true},
	))
}
