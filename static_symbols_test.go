package main

import (
	"bytes"
	"os"
	"testing"

	"popsh/interp"
)

// staticSymbolsFile is where go generate writes the static symbols.
const staticSymbolsFile = "interp/static_symbols.go"

// staticNames are the names interned when popsh is built: every name a new
// interpreter with popsh's bindings has bound, and the syntax words its
// libraries use without binding them.
func staticNames(t *testing.T) []string {
	it, err := newInterp([]string{"popsh"})
	if err != nil {
		t.Fatal(err)
	}
	return append(it.GlobalNames(), "else", "=>", "...", "_", "unquote", "unquote-splicing")
}

// The static symbols (interp/static_symbols.go) are the names popsh binds
// at start today; with POPSH_WRITE_INDEX=1 (go generate) the test writes
// the file instead.
//
//go:generate env POPSH_WRITE_INDEX=1 go test -run ^TestStaticSymbolsCurrent$ .
func TestStaticSymbolsCurrent(t *testing.T) {
	want := interp.StaticSymbolsSource("go generate .", staticNames(t))
	if os.Getenv("POPSH_WRITE_INDEX") == "1" {
		if err := os.WriteFile(staticSymbolsFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(staticSymbolsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate . (a name bound at start was added or removed)", staticSymbolsFile)
	}
}
