package interp

import (
	"context"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestPrinterAtoms(t *testing.T) {
	cases := []struct {
		v              Value
		write, display string
	}{
		{true, "#t", "#t"},
		{false, "#f", "#f"},
		{42, "42", "42"},
		{-7, "-7", "-7"},
		{1.5, "1.5", "1.5"},
		{2.0, "2.0", "2.0"},
		{math.Inf(1), "+inf.0", "+inf.0"},
		{math.NaN(), "+nan.0", "+nan.0"},
		{new(big.Int).Lsh(big.NewInt(1), 100), "1267650600228229401496703205376", "1267650600228229401496703205376"},
		{big.NewRat(1, 3), "1/3", "1/3"},
		{Null, "()", "()"},
		{sym("abc"), "abc", "abc"},
		{sym("odd sym"), pol(barSymbols, "|odd sym|", "odd sym"), "odd sym"},
		{sym(""), pol(barSymbols, "||", ""), ""},
		{sym("||"), "||", "||"},
		{sym("a|b"), "a|b", "a|b"},
		{sym("|+"), "|+", "|+"},
		{sym("|x|"), pol(barSymbols, `|\|x\||`, "|x|"), "|x|"},
		{sym("12"), pol(barSymbols, "|12|", "12"), "12"},
		{sym("-ERR"), "-ERR", "-ERR"},
		{sym("+"), "+", "+"},
		{sym("..."), "...", "..."},
		{sym("."), pol(barSymbols, "|.|", "."), "."},
		{sym("#foo"), pol(barSymbols, "|#foo|", "#foo"), "#foo"},
		{sym("|"), "|", "|"},
		{sym("tab\there"), pol(barSymbols, `|tab\x9;here|`, "tab\there"), "tab\there"},
		{str("hi"), `"hi"`, "hi"},
		{str("a\"b\\c\nd\te\r\a\x00"), `"a\"b\\c\nd\te\r\a\x0;"`, "a\"b\\c\nd\te\r\a\x00"},
		{str("Straße λ"), `"Straße λ"`, "Straße λ"},
		{Char('a'), `#\a`, "a"},
		{Char(' '), `#\space`, " "},
		{Char('\n'), `#\newline`, "\n"},
		{Char(0), `#\null`, "\x00"},
		{Char(7), `#\alarm`, "\a"},
		{Char(9), `#\tab`, "\t"},
		{Char(0x7f), `#\delete`, "\x7f"},
		{Char(0x1b), `#\escape`, "\x1b"},
		{Char(8), `#\backspace`, "\b"},
		{Char(13), `#\return`, "\r"},
		{Char(1), `#\x1`, "\x01"},
		{Char('λ'), `#\λ`, "λ"},
		{Char(0xa0), `#\xa0`, "\u00a0"},
		{EOF, "#<eof>", "#<eof>"},
		{Unspecified, "#!unspecific", "#!unspecific"},
		{bv(1, 2, 255), "#u8(1 2 255)", "#u8(1 2 255)"},
		{bv(), "#u8()", "#u8()"},
		{vec(), "#()", "#()"},
		{vec(1, str("x"), Char('y')), `#(1 "x" #\y)`, "#(1 x y)"},
		{List(1, 2, 3), "(1 2 3)", "(1 2 3)"},
		{Cons(1, 2), "(1 . 2)", "(1 . 2)"},
		{Cons(1, Cons(2, 3)), "(1 2 . 3)", "(1 2 . 3)"},
		{List(sym("quote"), sym("x")), pol(abbreviateQuotes, "'x", "(quote x)"), pol(abbreviateQuotes, "'x", "(quote x)")},
		{List(sym("quasiquote"), List(sym("unquote"), sym("x"), 1)), pol(abbreviateQuotes, "`(unquote x 1)", "(quasiquote (unquote x 1))"), pol(abbreviateQuotes, "`(unquote x 1)", "(quasiquote (unquote x 1))")},
		{List(sym("unquote-splicing"), sym("x")), pol(abbreviateQuotes, ",@x", "(unquote-splicing x)"), pol(abbreviateQuotes, ",@x", "(unquote-splicing x)")},
		{List(sym("quote"), 1, 2), "(quote 1 2)", "(quote 1 2)"},
		{&Opaque{Kind: "pop3-connection", Label: "mail.example.org"}, "#{pop3-connection mail.example.org}", "#{pop3-connection mail.example.org}"},
		{&Primitive{Name: "car"}, "#<procedure car>", "#<procedure car>"},
		{&MultipleValues{Vals: []Value{1, str("a")}}, `1 "a"`, "1 a"},
		{&Record{Type: &RecordType{Name: "point"}, Fields: []Value{1, 2}}, "#<record point 1 2>", "#<record point 1 2>"},
		{&Record{Type: &RecordType{Name: "p", Printer: func(r *Record) string { return "#{p}" }}}, "#{p}", "#{p}"},
		{&ErrorObject{Who: "car", Message: "expected a pair, got 5"}, `#<error "car: expected a pair, got 5">`, "#<error car: expected a pair, got 5>"},
		{&ErrorObject{Message: "oops", Irritants: []Value{1, str("two")}}, `#<error "oops" 1 "two">`, `#<error oops 1 "two">`},
		{&ErrorObject{Kind: KindFileError, Message: "cannot open"}, `#<file-error "cannot open">`, `#<file-error cannot open>`},
		{NewStringOutputPort(), "#<output-port string>", "#<output-port string>"},
	}
	for _, c := range cases {
		if got := WriteString(c.v); got != c.write {
			t.Errorf("write %#v = %s, want %s", c.v, got, c.write)
		}
		if got := DisplayString(c.v); got != c.display {
			t.Errorf("display %#v = %q, want %q", c.v, got, c.display)
		}
	}
}

func TestPrinterCycles(t *testing.T) {
	// A cdr cycle.
	l := List(1, 2, 3)
	l.(*Pair).Cdr.(*Pair).Cdr.(*Pair).Cdr = l
	if got, want := WriteString(l), "#0=(1 2 3 . #0#)"; got != want {
		t.Errorf("cdr cycle: %s, want %s", got, want)
	}
	if got, want := DisplayString(l), "#0=(1 2 3 . #0#)"; got != want {
		t.Errorf("display cdr cycle: %s, want %s", got, want)
	}
	// A car cycle.
	p := Cons(1, Null)
	p.Car = p
	if got, want := WriteString(p), "#0=(#0#)"; got != want {
		t.Errorf("car cycle: %s, want %s", got, want)
	}
	// A vector containing itself.
	v := vec(1, nil)
	v.Items[1] = v
	if got, want := WriteString(v), "#0=#(1 #0#)"; got != want {
		t.Errorf("vector cycle: %s, want %s", got, want)
	}
	// Cycle through the middle of a list: only the target is labelled.
	tail := List(3, 4)
	tail.(*Pair).Cdr.(*Pair).Cdr = tail
	l2 := Cons(1, Cons(2, tail))
	if got, want := WriteString(l2), "(1 2 . #0=(3 4 . #0#))"; got != want {
		t.Errorf("middle cycle: %s, want %s", got, want)
	}
	// Sharing without a cycle: write prints it twice, write-shared labels it.
	s := List(1, 2)
	shared := List(s, s)
	if got, want := WriteString(shared), "((1 2) (1 2))"; got != want {
		t.Errorf("shared write: %s, want %s", got, want)
	}
	if got, want := WriteSharedString(shared), "(#0=(1 2) #0#)"; got != want {
		t.Errorf("write-shared: %s, want %s", got, want)
	}
	// A shared tail is labelled in cdr position.
	shared2 := List(Cons(0, s), s)
	if got, want := WriteSharedString(shared2), "((0 . #0=(1 2)) #0#)"; got != want {
		t.Errorf("write-shared tail: %s, want %s", got, want)
	}
	// Two cycles, numbered in print order.
	a := List(1)
	a.(*Pair).Cdr = a
	b := List(2)
	b.(*Pair).Cdr = b
	if got, want := WriteString(List(a, b)), "(#0=(1 . #0#) #1=(2 . #1#))"; got != want {
		t.Errorf("two cycles: %s, want %s", got, want)
	}
	// A record that refers to itself.
	r := &Record{Type: &RecordType{Name: "node"}, Fields: []Value{1, nil}}
	r.Fields[1] = r
	if got, want := WriteString(r), "#0=#<record node 1 #0#>"; got != want {
		t.Errorf("record cycle: %s, want %s", got, want)
	}
}

func TestWriteValueStreams(t *testing.T) {
	var sb strings.Builder
	p := NewOutputPort(&sb, "sb")
	big := make([]Value, 100000)
	for i := range big {
		big[i] = i
	}
	if err := WriteValue(p, List(big...), ModeWrite); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	if !strings.HasPrefix(out, "(0 1 2 ") || !strings.HasSuffix(out, " 99998 99999)") {
		t.Errorf("long list printed wrongly: %q...", out[:20])
	}
	if n := strings.Count(out, " "); n != 99999 {
		t.Errorf("long list has %d spaces, want 99999", n)
	}
}

func TestPrinterDeepNesting(t *testing.T) {
	// 200000 levels of nesting print without crashing.
	var v Value = Null
	for i := 0; i < 200000; i++ {
		v = List(v)
	}
	s := WriteString(v)
	if len(s) != 2*200000+2 {
		t.Errorf("deep nesting: got %d characters", len(s))
	}
}

func BenchmarkWriteList(b *testing.B) {
	items := make([]Value, 10000)
	for i := range items {
		items[i] = i * 7
	}
	l := List(items...)
	p := NewOutputPort(discard{}, "null")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		WriteValue(p, l, ModeWrite)
	}
}

func BenchmarkDisplayString(b *testing.B) {
	s := NewString(strings.Repeat("hello, world ", 10))
	p := NewOutputPort(discard{}, "null")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		WriteValue(p, s, ModeDisplay)
	}
}

func BenchmarkDisplayFixnum(b *testing.B) {
	p := NewOutputPort(discard{}, "null")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		WriteValue(p, i, ModeDisplay)
	}
}

func BenchmarkWriteString(b *testing.B) {
	s := NewString(strings.Repeat("say \"hi\"\n", 10))
	p := NewOutputPort(discard{}, "null")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		WriteValue(p, s, ModeWrite)
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func TestShortWriteString(t *testing.T) {
	items := make([]Value, 1000)
	for i := range items {
		items[i] = i
	}
	s := ShortWriteString(List(items...))
	if !strings.HasPrefix(s, "(0 1 2") || !strings.HasSuffix(s, "...)") || len(s) > 200 {
		t.Errorf("short list: %q", s)
	}
	long := ShortWriteString(NewString(strings.Repeat("x", 10000)))
	if len(long) > 200 || !strings.HasSuffix(long, `..."`) {
		t.Errorf("short string: %q", long)
	}
	if got := ShortWriteString(List(1, 2)); got != "(1 2)" {
		t.Errorf("short of a short list: %q", got)
	}
	// Primitive errors use it: the message stays small.
	_, err := callPrim(t, "length", Cons(List(items...), 5))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("length error message too long or missing: %d", len(err.Error()))
	}
}

// BenchmarkSchemeDisplayLoop measures (display i) and (write s) called from
// Scheme, the path a script's output takes.
func BenchmarkSchemeDisplayLoop(b *testing.B) {
	it := New(WithOutput(discard{}))
	ctx := context.Background()
	if _, err := it.EvalString(ctx, `(define (show n) (let loop ((i 0)) (if (< i n) (begin (display i) (write "s\n") (newline) (loop (+ i 1))))))`, "bench"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := it.EvalString(ctx, "(show 10000)", "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/iteration")
}

// pol picks the expected text for a printing policy.
func pol(on bool, yes, no string) string {
	if on {
		return yes
	}
	return no
}
