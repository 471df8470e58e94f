package mail

import (
	"testing"

	"popsh/interp"
	"popsh/interp/interptest"
)

// The generated split of the pop3 libraries (forms_index.go) is what
// cutting their sources gives today; go generate writes it.
func TestFormIndexCurrent(t *testing.T) {
	interptest.CheckGenerated(t, "forms_index.go", interp.FormIndexSource("mail", "go generate ./bindings/mail",
		interp.IndexedSource{Var: "pop3Index", File: "pop3-prelude", Src: pop3Prelude, Deferred: pop3Deferred},
		interp.IndexedSource{Var: "pop3SecurityIndex", File: "pop3-prelude", Src: pop3SecurityPrelude, Deferred: securityParams},
	))
}
