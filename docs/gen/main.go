// Command gen writes docs/reference.md, the reference of every documented
// name of a full popsh interpreter (interp.New and bindings.Install), from
// the doc lines of the procedure tables. Run it as "go generate ./docs"
// or "go run ./docs/gen" from the repository root (or "go run ./gen" from
// docs).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"popsh/bindings"
	"popsh/docs"
	"popsh/interp"
)

func main() {
	it := interp.New()
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	out := docs.ReferenceFile
	if _, err := os.Stat(filepath.Join("docs", "docs.go")); err == nil {
		out = filepath.Join("docs", out) // run from the repository root
	}
	if err := os.WriteFile(out, []byte(docs.Reference(it.Documented())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
