package interp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPrograms runs each program of testdata/bench in a fresh
// interpreter and checks its output against NAME.expected.
func BenchmarkPrograms(b *testing.B) {
	files, _ := filepath.Glob("testdata/bench/*.scm")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".scm")
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(f, ".scm") + ".expected")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var out bytes.Buffer
				it := New(WithOutput(&out))
				if _, err := it.EvalString(context.Background(), string(src), f); err != nil {
					b.Fatal(err)
				}
				if out.String() != string(want) {
					b.Fatalf("output %q, want %q", out.String(), want)
				}
			}
		})
	}
}

// BenchmarkNew measures the cost of a fresh interpreter (start-up).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		New()
	}
}
