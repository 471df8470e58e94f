package interp

import (
	"embed"
	"sort"
	"testing"
)

//go:embed scm/*.scm
var preludeFS embed.FS

//go:embed scm/lib/*.scm
var libFS embed.FS

// The lists of embedded sources hold every file of scm/ and scm/lib/, in
// name order, with its text.
func TestEmbeddedSourcesComplete(t *testing.T) {
	for _, c := range []struct {
		fs   embed.FS
		dir  string
		list []embeddedSource
	}{{preludeFS, "scm", preludeSources}, {libFS, "scm/lib", libSources}} {
		ents, err := c.fs.ReadDir(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		if len(names) != len(c.list) {
			t.Fatalf("%s has %d files, the list %d", c.dir, len(names), len(c.list))
		}
		for i, n := range names {
			b, _ := c.fs.ReadFile(c.dir + "/" + n)
			if c.list[i].name != n || c.list[i].text != string(b) {
				t.Errorf("%s: entry %d is %q, want the file %s with its text", c.dir, i, c.list[i].name, n)
			}
		}
	}
}
