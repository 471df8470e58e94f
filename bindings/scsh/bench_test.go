package scsh

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"popsh/interp"
)

func BenchmarkFormat(b *testing.B) {
	args := []interp.Value{interp.NewString("RETR"), 42, interp.NewString("x")}
	for b.Loop() {
		var p fmtBuilder
		if err := formatTo(&p, "~a ~a~% ~s", args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeedResponseRegexp is the seed's per-line work: the +OK regexp
// on a status line.
func BenchmarkSeedResponseRegexp(b *testing.B) {
	r, err := compilePosix(`^\+OK(.*)`)
	if err != nil {
		b.Fatal(err)
	}
	s := interp.NewString("+OK 2 messages (320 octets)\r")
	for b.Loop() {
		if m, _ := r.search(s, 0); m == nil {
			b.Fatal("no match")
		}
	}
}

func BenchmarkInfixSplitter(b *testing.B) {
	sp, _ := parseSplitterArgs("infix-splitter", nil, `[\t-\r ]+`)
	s := interp.NewString("From: someone@example.com  Mon Sep 16 01:03:52 1973\r")
	for b.Loop() {
		if _, err := infixSplit("infix-splitter", sp, s, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadLineScheme reads a 10,000-line message with scsh read-line
// in a Scheme loop (the seed's pop3-dump shape).
func BenchmarkReadLineScheme(b *testing.B) {
	var out bytes.Buffer
	it := interp.New(interp.WithOutput(&out))
	if err := Install(it); err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("a line of a mail message, about seventy characters long....\r\n", 10000)
	it.Define("text", interp.NewString(text))
	src := `(let ((p (make-string-input-port text)))
	          (let loop ((n 0) (line (read-line p)))
	            (if (eof-object? line) n (loop (+ n 1) (read-line p)))))`
	for b.Loop() {
		v, err := it.EvalString(context.Background(), src, "bench")
		if err != nil || v != 10000 {
			b.Fatalf("%v %v", v, err)
		}
	}
}

// BenchmarkInstall is the scsh layer's share of start-up: a new
// interpreter with the layer installed.
func BenchmarkInstall(b *testing.B) {
	for b.Loop() {
		it := interp.New()
		if err := Install(it); err != nil {
			b.Fatal(err)
		}
	}
}
