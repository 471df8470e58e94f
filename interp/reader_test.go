package interp

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func readAll(t *testing.T, src string) []Value {
	t.Helper()
	vals, _, err := ReadAll(strings.NewReader(src), "r.scm")
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return vals
}

// dump prints a datum structurally, independently of the printer (quote
// forms unabbreviated, symbols bare), so reader tests do not depend on it.
func dump(v Value) string {
	var b strings.Builder
	var rec func(v Value)
	rec = func(v Value) {
		switch x := v.(type) {
		case *Symbol:
			b.WriteString(x.Name)
		case *Pair:
			b.WriteByte('(')
			for {
				rec(x.Car)
				if p, ok := x.Cdr.(*Pair); ok {
					b.WriteByte(' ')
					x = p
					continue
				}
				if x.Cdr != Value(Null) {
					b.WriteString(" . ")
					rec(x.Cdr)
				}
				break
			}
			b.WriteByte(')')
		case *Vector:
			b.WriteString("#(")
			for i, e := range x.Items {
				if i > 0 {
					b.WriteByte(' ')
				}
				rec(e)
			}
			b.WriteByte(')')
		default:
			b.WriteString(WriteString(v))
		}
	}
	rec(v)
	return b.String()
}

func TestReaderData(t *testing.T) {
	cases := []struct{ src, want string }{
		{"(a b . c)", "(a b . c)"},
		{"'x `(a ,b ,@c)", "(quote x) (quasiquote (a (unquote b) (unquote-splicing c)))"},
		{"#(1 2 #t #f)", "#(1 2 #t #f)"},
		{"#true #false", "#t #f"},
		{"-ERR +OK -lm ... + - 1+ ->x", "-ERR +OK -lm ... + - 1+ ->x"},
		{"|hello world| |a\\x41;b|", "hello world aAb"},
		{"(| a b) (|| x) |", "(| a b) (|| x) |"},
		{"#x1F #b101 #o17 #e1.5 #i1/2 1/3 -7", "31 5 15 3/2 0.5 1/3 -7"},
		{"abc ; comment\n def", "abc def"},
		{"#| nested #| block |# comment |# x", "x"},
		{"#;(ignored datum) y", "y"},
		{"(1 #;2 3)", "(1 3)"},
		{"#!/usr/bin/scsh -s\n!#\n(main)", "(main)"},
		{"#! multi\nline header\n!#\nafter", "after"},
		{"#!fold-case ABC #!no-fold-case ABC", "abc ABC"},
		{"#!eof #!default #!unspecific", "#<eof> #!default #!unspecific"},
		{"[a b]", "(a b)"},
		{"#u8(1 2 255)", "#<*interp.Bytevector>"},
	}
	for _, c := range cases {
		vals := readAll(t, c.src)
		var parts []string
		for _, v := range vals {
			parts = append(parts, dump(v))
		}
		if got := strings.Join(parts, " "); got != c.want && !(strings.HasPrefix(c.src, "#u8") && len(vals) == 1) {
			t.Errorf("%q: got %s, want %s", c.src, got, c.want)
		}
	}
}

func TestReaderChars(t *testing.T) {
	cases := map[string]rune{
		`#\a`: 'a', `#\space`: ' ', `#\x41`: 'A', `#\newline`: '\n', `#\alarm`: 7, `#\null`: 0,
		`#\tab`: '\t', `#\(`: '(', `#\x`: 'x', `#\λ`: 'λ', `#\delete`: 127, `#\escape`: 27,
	}
	for src, want := range cases {
		vals := readAll(t, src)
		if len(vals) != 1 || vals[0] != Value(Char(want)) {
			t.Errorf("%s: got %v", src, vals)
		}
	}
}

func TestReaderStrings(t *testing.T) {
	cases := map[string]string{
		`"a\nb"`:           "a\nb",
		`"\t\r\a\b\f\v"`:   "\t\r\a\b\f\v",
		`"q\"q\\"`:         `q"q\`,
		`"\x41;\x3bb;"`:    "A\u03bb",
		`"\101\60"`:        "A0",
		`"\'\?"`:           "'?",
		"\"ab\\\n    cd\"": "abcd",
		"\"ab\\  \n  cd\"": "abcd",
		`"unicode λ"`:      "unicode λ",
		"\"multi\nline\"":  "multi\nline",
	}
	for src, want := range cases {
		vals := readAll(t, src)
		s, ok := vals[0].(*String)
		if !ok || s.String() != want || !s.Immutable {
			t.Errorf("%s: got %#v", src, vals[0])
		}
	}
}

func TestReaderLabels(t *testing.T) {
	vals := readAll(t, "#0=(a . #0#)")
	p := vals[0].(*Pair)
	if p.Cdr != Value(p) {
		t.Fatal("cycle not built")
	}
	vals = readAll(t, "(#1=(x) #1#)")
	l := vals[0].(*Pair)
	if l.Car != l.Cdr.(*Pair).Car {
		t.Fatal("shared structure not built")
	}
}

func TestReaderPositions(t *testing.T) {
	rd := NewReader(strings.NewReader("\n  (a\n   (b c))"), "p.scm")
	v, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	outer := v.(*Pair)
	inner := outer.Cdr.(*Pair)
	if got := rd.Positions()[outer]; got.String() != "p.scm:2:3" {
		t.Errorf("outer at %v", got)
	}
	if got := rd.Positions()[inner.Car.(*Pair)]; got.String() != "p.scm:3:4" {
		t.Errorf("inner at %v", got)
	}
	if rd.LastPos().String() != "p.scm:2:3" {
		t.Errorf("last pos %v", rd.LastPos())
	}
	if _, err := rd.Read(); err != io.EOF {
		t.Errorf("want EOF, got %v", err)
	}
}

func TestReaderErrors(t *testing.T) {
	incomplete := []string{"(a b", "\"abc", "#| never closed", "#!/bin/sh\nno end", "'", "(a . ", "#(1 2", "#\\"}
	for _, src := range incomplete {
		_, _, err := ReadAll(strings.NewReader(src), "i.scm")
		if !errors.Is(err, ErrIncomplete) {
			t.Errorf("%q: want ErrIncomplete, got %v", src, err)
		}
		var eo *ErrorObject
		if !errors.As(err, &eo) || eo.Kind != KindReadError {
			t.Errorf("%q: want a read error, got %v", src, err)
		}
	}
	bad := map[string]string{
		")":         "unexpected ')'",
		"(a . b c)": "expected ')'",
		"( . a)":    "unexpected '.'",
		"#\\nosuch": "unknown character name",
		"\"\\q\"":   "unknown escape",
		"#u8(300)":  "not a byte",
		"#9#":       "undefined datum label",
		"#0=#0#":    "refers to itself",
		"#0=#1=#0#": "refers to itself",
		"#<abc>":    "bad # syntax",
		// a datum comment must comment out a datum, not a dot or the end
		"(a #;. b)":        "#; is not followed by a datum",
		"(a #;)":           "#; is not followed by a datum",
		"(#; #;x #;y . z)": "#; is not followed by a datum",
		"(#;x #;y . z)":    "unexpected '.'",
		"(a . #;b)":        "expected a datum after '.'",
	}
	for src, msg := range bad {
		_, _, err := ReadAll(strings.NewReader(src), "b.scm")
		if err == nil || errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want %q", src, err, msg)
		}
	}
	_, _, err := ReadAll(strings.NewReader("\n  )"), "b.scm")
	if err == nil || !strings.HasPrefix(err.Error(), "b.scm:2:3:") {
		t.Errorf("error position: %v", err)
	}
}

func TestReaderDepthLimit(t *testing.T) {
	src := strings.Repeat("(", maxReadDepth+10) + strings.Repeat(")", maxReadDepth+10)
	_, _, err := ReadAll(strings.NewReader(src), "deep")
	if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("got %v", err)
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"(a b . c)", "#(1 2)", "#u8(1 2)", "\"str\\x41;\"", "#\\x41", "#0=(a . #0#)", "#| |# x", "#;(a) b",
		"#!/bin/sh\n!#\n(x)", "|sym|", "(| a)", "'`,@x", "#e1.5 #x-ff 1/2 +inf.0", "#!fold-case ABC", "[1 2]",
		"#!eof", "(1 . 2 3)", "#9#", ")", "\"\\\n  x\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rd := NewReader(strings.NewReader(src), "fuzz")
		for i := 0; i < 1000; i++ {
			_, err := rd.Read()
			if err != nil {
				var eo *ErrorObject
				if err != io.EOF && !errors.As(err, &eo) {
					t.Fatalf("error of type %T: %v", err, err)
				}
				if eo != nil && strings.Contains(eo.Message, "internal reader error") {
					t.Fatalf("reader panicked: %v", err)
				}
				return
			}
		}
	})
}

// FuzzReaderPerDatum checks that reading with a fresh Reader for each
// datum over one bufio.Reader (as read on a port does) gives the data one
// Reader gives: no Reader keeps text it looked ahead at (|symbols|, |+
// symbols, #! directives).
func FuzzReaderPerDatum(f *testing.F) {
	for _, s := range []string{
		"|one| |two| three", "|+ a b\nc", "#!eof x", "|a[b]| c", "'|;x| y", "(| ;c\n x) |", "#!default z",
		"|x y| ; c |z|\n w", "abc(d e)\"str\"sym 12;c\n#\\a'q",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, "#!") && strings.Contains(src, "fold-case") {
			return // the fold-case state belongs to the port, not to a Reader
		}
		one := NewReader(strings.NewReader(src), "one")
		shared := bufio.NewReader(strings.NewReader(src))
		for i := 0; i < 200; i++ {
			a, errA := one.Read()
			b, errB := NewReader(shared, "each").Read()
			if errA != nil || errB != nil {
				if (errA == io.EOF) != (errB == io.EOF) {
					t.Fatalf("datum %d: one reader: %v, a reader each: %v", i, errA, errB)
				}
				return
			}
			if da, db := dump(a), dump(b); da != db {
				t.Fatalf("datum %d: one reader read %s, a reader each %s", i, da, db)
			}
		}
	})
}

// TestReaderLeavesSourceAfterDatum checks that a Reader gives back its
// lookahead, so that successive Readers over one bufio.Reader (as read on a
// port does) see every character.
func TestReaderLeavesSourceAfterDatum(t *testing.T) {
	src := bufio.NewReader(strings.NewReader(`abc(d e)"str"sym 12;c
#\a'q`))
	var got []string
	for {
		v, err := NewReader(src, "port").Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, dump(v))
	}
	if strings.Join(got, " ") != `abc (d e) "str" sym 12 #\a (quote q)` {
		t.Fatalf("got %v", got)
	}
}

// ttyLike gives its pieces one read each, an empty piece as an end of
// file, as a terminal does for Ctrl-D; then io.EOF for good.
type ttyLike struct{ pieces []string }

func (t *ttyLike) Read(p []byte) (int, error) {
	if len(t.pieces) == 0 {
		return 0, io.EOF
	}
	s := t.pieces[0]
	t.pieces = t.pieces[1:]
	if s == "" {
		return 0, io.EOF
	}
	return copy(p, s), nil
}

func TestReadStopsAtTerminalEOF(t *testing.T) {
	// One end of file (Ctrl-D) ends what (read) reads: at the start the
	// eof object, inside a datum an error saying it is unfinished; the
	// text typed after the Ctrl-D is left for the next read.
	it := New()
	p := NewInputPort(&ttyLike{pieces: []string{"", "after-empty ", "(a b", "", "c) "}}, "tty")
	if v, err := it.ReadDatum(p); err != nil || v != EOF {
		t.Errorf("read at Ctrl-D: %v %v, want the eof object", v, err)
	}
	if v, err := it.ReadDatum(p); err != nil || WriteString(v) != "after-empty" {
		t.Errorf("read after it: %v %v, want after-empty", v, err)
	}
	v, err := it.ReadDatum(p)
	if err == nil || !errors.Is(err, ErrIncomplete) || !strings.Contains(FormatError(err), "end of input in list") {
		t.Errorf("read of (a b then Ctrl-D: %v %v, want an error for the unfinished list", v, err)
	}
	if v, err := it.ReadDatum(p); err != nil || WriteString(v) != "c" {
		t.Errorf("read after the error: %v %v, want c (typed after the Ctrl-D)", v, err)
	}
}
