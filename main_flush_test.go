package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnclosedFilesFlushedAtExit: text written to a file the script never
// closes is on disk after popsh exits, on every way out: the end of the
// script, (exit n), an uncaught error, -c, and a pipe on stdin; for both
// R7RS open-output-file and scsh's flags form.
func TestUnclosedFilesFlushedAtExit(t *testing.T) {
	cases := []struct {
		name string
		tail string // what follows the write
		args func(script string) []string
		code int
	}{
		{"end of script", "", func(s string) []string { return []string{s} }, 0},
		{"exit 3", "(exit 3)", func(s string) []string { return []string{s} }, 3},
		{"uncaught error", "(car 5)", func(s string) []string { return []string{s} }, 1},
		{"-s", "", func(s string) []string { return []string{"-s", s} }, 0},
	}
	opens := map[string]string{
		"r7rs": `(open-output-file "out.txt")`,
		"scsh": `(open-output-file "out.txt" (bitwise-ior open/write open/create) #o600)`,
	}
	for oname, open := range opens {
		for _, c := range cases {
			t.Run(oname+"/"+c.name, func(t *testing.T) {
				dir := t.TempDir()
				script := filepath.Join(dir, "w.scm")
				src := "(define p " + open + ")\n(display \"hello\" p)\n" + c.tail + "\n"
				if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
				r := runPopsh(t, dir, "", c.args(script)...)
				if r.code != c.code {
					t.Fatalf("exit status %d, want %d; stderr %q", r.code, c.code, r.stderr)
				}
				got, err := os.ReadFile(filepath.Join(dir, "out.txt"))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != "hello" {
					t.Fatalf("out.txt holds %q, want %q", got, "hello")
				}
			})
		}
	}
	t.Run("pipe", func(t *testing.T) {
		dir := t.TempDir()
		r := runPopsh(t, dir, "(define p (open-output-file \"out.txt\"))\n(display \"hello\" p)\n")
		if r.code != 0 {
			t.Fatalf("exit status %d; stderr %q", r.code, r.stderr)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
		if string(got) != "hello" {
			t.Fatalf("out.txt holds %q, want %q", got, "hello")
		}
	})
	t.Run("-c", func(t *testing.T) {
		dir := t.TempDir()
		r := runPopsh(t, dir, "", "-c", `(let ((p (open-output-file "out.txt"))) (display "hello" p))`)
		if r.code != 0 {
			t.Fatalf("exit status %d; stderr %q", r.code, r.stderr)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
		if string(got) != "hello" {
			t.Fatalf("out.txt holds %q, want %q", got, "hello")
		}
	})
}

// TestUncaughtErrorSaysError: an uncaught (error "x" 1) prints scsh's
// "Error: x" after our position, and exits 1; a primitive's error keeps
// its "who: message" form.
func TestUncaughtErrorSaysError(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "e.scm")
	if err := os.WriteFile(script, []byte("#!/usr/bin/env popsh -s\n!#\n(error \"something bad\" 1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runPopsh(t, dir, "", "-s", script)
	if r.code != 1 {
		t.Fatalf("exit status %d, want 1", r.code)
	}
	if want := script + ":3:1: Error: something bad 1"; !strings.Contains(r.stderr, want) {
		t.Fatalf("stderr %q does not contain %q", r.stderr, want)
	}
	r = runPopsh(t, dir, "", "-c", "(car 5)")
	if want := "-c:1:1: car: expected a pair, got 5"; r.code != 1 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "Error:") {
		t.Fatalf("(car 5): status %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
}
