package interp

import (
	"math/big"
	"testing"
)

func TestEquivalence(t *testing.T) {
	s := str("abc")
	p := List(1, 2)
	bigA := new(big.Int).Lsh(big.NewInt(1), 80)
	bigB := new(big.Int).Lsh(big.NewInt(1), 80)
	cyc1 := List(1, 2)
	cyc1.(*Pair).Cdr.(*Pair).Cdr = cyc1
	cyc2 := List(1, 2, 1, 2)
	cyc2.(*Pair).Cdr.(*Pair).Cdr.(*Pair).Cdr.(*Pair).Cdr = cyc2
	cyc3 := List(1, 3)
	cyc3.(*Pair).Cdr.(*Pair).Cdr = cyc3
	runPrimCases(t, []primCase{
		{"eq?", args(sym("a"), sym("a")), "#t", ""},
		{"eq?", args(s, s), "#t", ""},
		{"eq?", args(str("abc"), str("abc")), "#f", ""},
		{"eq?", args(Null, Null), "#t", ""},
		{"eq?", args(5, 5), "#t", ""},
		{"eq?", args(Char('a'), Char('a')), "#t", ""},
		{"eq?", args(p, p), "#t", ""},
		{"eq?", args(List(1), List(1)), "#f", ""},
		{"eq?", args(true, false), "#f", ""},
		{"eqv?", args(bigA, bigB), "#t", ""},
		{"eqv?", args(big.NewRat(1, 3), big.NewRat(2, 6)), "#t", ""},
		{"eqv?", args(2, 2.0), "#f", ""},
		{"eqv?", args(0.0, 0.0), "#t", ""},
		{"eqv?", args(1.5, 1.5), "#t", ""},
		{"eqv?", args(100000000000, 100000000000), "#t", ""},
		{"eqv?", args(str(""), str("")), "#f", ""},
		{"eqv?", args(sym("x"), str("x")), "#f", ""},
		{"equal?", args(List(1, str("a"), vec(Char('b'), bv(1))), List(1, str("a"), vec(Char('b'), bv(1)))), "#t", ""},
		{"equal?", args(List(1, 2), List(1, 3)), "#f", ""},
		{"equal?", args(List(1, 2), List(1, 2, 3)), "#f", ""},
		{"equal?", args(str("abc"), str("abd")), "#f", ""},
		{"equal?", args(vec(1, 2), vec(1, 2, 3)), "#f", ""},
		{"equal?", args(2, 2.0), "#f", ""},
		{"equal?", args(cyc1, cyc2), "#t", ""},
		{"equal?", args(cyc1, cyc3), "#f", ""},
		{"equal?", args(cyc1, cyc1), "#t", ""},
		{"not", args(false), "#t", ""},
		{"not", args(Null), "#f", ""},
		{"boolean?", args(false), "#t", ""},
		{"boolean?", args(0), "#f", ""},
		{"boolean=?", args(true, true, true), "#t", ""},
		{"boolean=?", args(true, false), "#f", ""},
		{"boolean=?", args(true, 1), "", "expected a boolean, got 1"},
	})
}

func TestEqualLongAndDeep(t *testing.T) {
	// Long lists and deep nesting compare without recursion trouble.
	a := make([]Value, 1000000)
	for i := range a {
		a[i] = i
	}
	if !Equal(List(a...), List(a...)) {
		t.Error("equal long lists compared unequal")
	}
	var x, y Value = Null, Null
	for i := 0; i < 300000; i++ {
		x, y = List(x), List(y)
	}
	if !Equal(x, y) {
		t.Error("equal deep lists compared unequal")
	}
	// Two different infinite structures (a cycle past the fast steps).
	c1 := List(a[:200000]...)
	c2 := List(a[:200000]...)
	last := func(l Value) *Pair {
		p := l.(*Pair)
		for p.Cdr != Null {
			p = p.Cdr.(*Pair)
		}
		return p
	}
	last(c1).Cdr = c1
	last(c2).Cdr = c2
	if !Equal(c1, c2) {
		t.Error("equal long cycles compared unequal")
	}
	c2.(*Pair).Cdr.(*Pair).Car = -1
	if Equal(c1, c2) {
		t.Error("different long cycles compared equal")
	}
}

func TestLists(t *testing.T) {
	circ := List(1, 2)
	circ.(*Pair).Cdr.(*Pair).Cdr = circ
	al := List(List(sym("a"), 1), List(str("b"), 2), List(3, 3))
	runPrimCases(t, []primCase{
		{"cons", args(1, 2), "(1 . 2)", ""},
		{"car", args(List(1, 2)), "1", ""},
		{"car", args(5), "", "expected a pair, got 5"},
		{"cdr", args(Null), "", "expected a pair, got ()"},
		{"cdr", args(List(1, 2)), "(2)", ""},
		{"set-car!", args(5, 1), "", "expected a pair, got 5"},
		{"cadr", args(List(1, 2, 3)), "2", ""},
		{"cddr", args(List(1, 2, 3)), "(3)", ""},
		{"caar", args(List(List(1))), "1", ""},
		{"caddr", args(List(1, 2, 3)), "3", ""},
		{"cadddr", args(List(1, 2, 3, 4)), "4", ""},
		{"cddddr", args(List(1, 2, 3, 4, 5)), "(5)", ""},
		{"caadr", args(List(1, List(2))), "2", ""},
		{"cadr", args(List(1)), "", "expected a pair, got ()"},
		{"null?", args(Null), "#t", ""},
		{"null?", args(List(1)), "#f", ""},
		{"pair?", args(List(1)), "#t", ""},
		{"pair?", args(Null), "#f", ""},
		{"list?", args(List(1, 2)), "#t", ""},
		{"list?", args(Null), "#t", ""},
		{"list?", args(Cons(1, 2)), "#f", ""},
		{"list?", args(circ), "#f", ""},
		{"make-list", args(3, sym("x")), "(x x x)", ""},
		{"make-list", args(-1), "", "expected a non-negative exact integer, got -1"},
		{"list", args(), "()", ""},
		{"list", args(1, 2), "(1 2)", ""},
		{"length", args(List(1, 2, 3)), "3", ""},
		{"length", args(Null), "0", ""},
		{"length", args(Cons(1, 2)), "", "expected a proper list, got (1 . 2)"},
		{"length", args(circ), "", "expected a proper list, got #0=(1 2 . #0#)"},
		{"append", args(), "()", ""},
		{"append", args(5), "5", ""},
		{"append", args(List(1), List(2, 3), Null, 4), "(1 2 3 . 4)", ""},
		{"append", args(Cons(1, 2), List(3)), "", "expected a proper list, got (1 . 2)"},
		{"append!", args(List(1), Null, List(2), 3), "(1 2 . 3)", ""},
		{"reverse", args(List(1, 2, 3)), "(3 2 1)", ""},
		{"reverse", args(Cons(1, 2)), "", "expected a proper list"},
		{"reverse!", args(List(1, 2, 3)), "(3 2 1)", ""},
		{"list-tail", args(List(1, 2, 3), 1), "(2 3)", ""},
		{"list-tail", args(List(1, 2, 3), 3), "()", ""},
		{"list-tail", args(List(1, 2, 3), 4), "", "argument 2 (k): index 4 is out of range for the list (1 2 3)"},
		{"list-ref", args(List(1, 2, 3), 2), "3", ""},
		{"list-ref", args(List(1, 2, 3), 3), "", "argument 2 (k): index 3 is out of range for the list (1 2 3)"},
		{"list-ref", args(List(1, 2, 3), sym("x")), "", "expected a non-negative exact integer, got x"},
		{"list-set!", args(List(1, 2), 5, 0), "", "argument 2 (k): index 5 is out of range for the list (1 2)"},
		{"list-copy", args(List(1, 2, 3)), "(1 2 3)", ""},
		{"list-copy", args(Cons(1, 2)), "(1 . 2)", ""},
		{"list-copy", args(5), "5", ""},
		{"last-pair", args(List(1, 2, 3)), "(3)", ""},
		{"last-pair", args(Cons(1, 2)), "(1 . 2)", ""},
		{"cons*", args(1, 2, List(3)), "(1 2 3)", ""},
		{"cons*", args(1), "1", ""},
		{"memq", args(sym("c"), List(sym("a"), sym("c"), sym("d"))), "(c d)", ""},
		{"memq", args(sym("z"), List(sym("a"))), "#f", ""},
		{"memq", args(sym("z"), Cons(1, 2)), "", "expected a proper list, got (1 . 2)"},
		{"memv", args(101, List(100, 101, 102)), "(101 102)", ""},
		{"member", args(List(1), List(2, List(1), 3)), "((1) 3)", ""},
		{"member", args(str("b"), List(str("a"), str("b"))), `("b")`, ""},
		{"assq", args(sym("a"), al), "(a 1)", ""},
		{"assv", args(3, al), "(3 3)", ""},
		{"assoc", args(str("b"), al), `("b" 2)`, ""},
		{"assoc", args(str("zz"), al), "#f", ""},
		{"assq", args(sym("a"), List(1)), "", "expected an association list"},
	})
	// list-set! and set-cdr! really mutate.
	l := List(1, 2, 3)
	if _, err := callPrim(t, "list-set!", l, 1, sym("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := callPrim(t, "set-cdr!", l.(*Pair).Cdr, Null); err != nil {
		t.Fatal(err)
	}
	if got := WriteString(l); got != "(1 x)" {
		t.Errorf("after list-set! and set-cdr!: %s", got)
	}
	// There are 28 c[ad]r compositions.
	n := 0
	for _, p := range builtins {
		if len(p.Name) >= 4 && p.Name[0] == 'c' && p.Name[len(p.Name)-1] == 'r' {
			ok := true
			for _, c := range p.Name[1 : len(p.Name)-1] {
				if c != 'a' && c != 'd' {
					ok = false
				}
			}
			if ok && len(p.Name) > 4 || ok && len(p.Name) == 4 {
				n++
			}
		}
	}
	if n != 28 {
		t.Errorf("%d c[ad]r procedures, want 28", n)
	}
}

func TestSymbolsAndChars(t *testing.T) {
	runPrimCases(t, []primCase{
		{"symbol?", args(sym("a")), "#t", ""},
		{"symbol?", args(str("a")), "#f", ""},
		{"symbol=?", args(sym("a"), sym("a"), sym("a")), "#t", ""},
		{"symbol=?", args(sym("a"), sym("b")), "#f", ""},
		{"symbol=?", args(sym("a"), 1), "", "expected a symbol, got 1"},
		{"symbol->string", args(sym("abc")), `"abc"`, ""},
		{"symbol->string", args(str("abc")), "", `expected a symbol, got "abc"`},
		{"string->symbol", args(str("odd one")), pol(barSymbols, "|odd one|", "odd one"), ""},
		{"symbol-append", args(sym("a"), sym("b")), "ab", ""},
		{"char->integer", args(Char('A')), "65", ""},
		{"integer->char", args(955), `#\λ`, ""},
		{"integer->char", args(0xD800), "", "expected a Unicode scalar value, got 55296"},
		{"integer->char", args(-1), "", "expected a Unicode scalar value"},
		{"char=?", args(Char('a'), Char('a'), Char('a')), "#t", ""},
		{"char<?", args(Char('a'), Char('b'), Char('c')), "#t", ""},
		{"char<?", args(Char('a'), Char('c'), Char('b')), "#f", ""},
		{"char>=?", args(Char('b'), Char('b'), Char('a')), "#t", ""},
		{"char<?", args(Char('a'), 1), "", "expected a character, got 1"},
		{"char-ci=?", args(Char('a'), Char('A')), "#t", ""},
		{"char-ci<?", args(Char('a'), Char('B')), "#t", ""},
		{"char-alphabetic?", args(Char('λ')), "#t", ""},
		{"char-alphabetic?", args(Char('1')), "#f", ""},
		{"char-numeric?", args(Char('7')), "#t", ""},
		{"char-numeric?", args(Char('٣')), "#t", ""},
		{"char-whitespace?", args(Char('\t')), "#t", ""},
		{"char-whitespace?", args(Char(0xa0)), "#t", ""},
		{"char-upper-case?", args(Char('A')), "#t", ""},
		{"char-lower-case?", args(Char('A')), "#f", ""},
		{"digit-value", args(Char('7')), "7", ""},
		{"digit-value", args(Char('٣')), "3", ""},
		{"digit-value", args(Char(0x1D7D9)), "1", ""},
		{"digit-value", args(Char('a')), "#f", ""},
		{"char-upcase", args(Char('ä')), `#\Ä`, ""},
		{"char-downcase", args(Char('Σ')), `#\σ`, ""},
		{"char-foldcase", args(Char('ς')), `#\σ`, ""},
		{"char-foldcase", args(Char('A')), `#\a`, ""},
		{"char-upcase", args(str("a")), "", `expected a character, got "a"`},
	})
	g1, _ := callPrim(t, "gensym")
	g2, _ := callPrim(t, "gensym")
	if g1 == g2 || g1.(*Symbol) == Intern(g1.(*Symbol).Name) {
		t.Error("gensym is not fresh and uninterned")
	}
	s, _ := callPrim(t, "symbol->string", sym("abc"))
	if !s.(*String).Immutable {
		t.Error("symbol->string result is mutable")
	}
}

func TestStrings(t *testing.T) {
	lit := istr("lit")
	runPrimCases(t, []primCase{
		{"string?", args(str("")), "#t", ""},
		{"make-string", args(3, Char('x')), `"xxx"`, ""},
		{"make-string", args(2), `"  "`, ""},
		{"make-string", args(2, 1), "", "expected a character, got 1"},
		{"string", args(Char('a'), Char('b')), `"ab"`, ""},
		{"string", args(Char('a'), 1), "", "expected a character, got 1"},
		{"string-length", args(str("Straße")), "6", ""},
		{"string-length", args(5), "", "expected a string, got 5"},
		{"string-ref", args(str("abc"), 1), `#\b`, ""},
		{"string-ref", args(str("abc"), 5), "", "argument 2 (k): index 5 is out of range for a string of length 3"},
		{"string-ref", args(str("abc"), -1), "", "argument 2 (k): index -1 is out of range for a string of length 3"},
		{"string-ref", args(str("abc"), 1.0), "", "expected an exact integer, got 1.0"},
		{"string-set!", args(lit, 0, Char('x')), "", `expected a mutable string, got "lit"`},
		{"string=?", args(str("a"), str("a"), str("a")), "#t", ""},
		{"string=?", args(str("a"), str("b")), "#f", ""},
		{"string<?", args(str("a"), str("ab"), str("b")), "#t", ""},
		{"string<?", args(str("b"), str("a")), "#f", ""},
		{"string>?", args(str("b"), str("a")), "#t", ""},
		{"string<=?", args(str("a"), str("a")), "#t", ""},
		{"string>=?", args(str("a"), str("b")), "#f", ""},
		{"string=?", args(str("a"), 1), "", "expected a string, got 1"},
		{"string-ci=?", args(str("Straße"), str("STRASSE")), "#t", ""},
		{"string-ci<?", args(str("abc"), str("ABD")), "#t", ""},
		{"string-upcase", args(str("Straße")), `"STRASSE"`, ""},
		{"string-upcase", args(str("ﬁx")), `"FIX"`, ""},
		{"string-downcase", args(str("ΣΑΣ ΟΔΟΣ")), `"σας οδος"`, ""},
		{"string-downcase", args(str("ABC")), `"abc"`, ""},
		{"string-foldcase", args(str("Straße")), `"strasse"`, ""},
		{"substring", args(str("hello"), 1, 3), `"el"`, ""},
		{"substring", args(str("hello"), 1), `"ello"`, ""},
		{"substring", args(str("hello"), 3, 9), "", "argument 3 (end): index 9 is out of range for a string of length 5"},
		{"substring", args(str("hello"), 3, 1), "", "argument 3 (end): index 1 is before start index 3"},
		{"string-copy", args(str("hello"), 2), `"llo"`, ""},
		{"string-append", args(str("a"), str("bc"), str("")), `"abc"`, ""},
		{"string-append", args(), `""`, ""},
		{"string-append", args(str("a"), sym("b")), "", "expected a string, got b"},
		{"string->list", args(str("abc")), `(#\a #\b #\c)`, ""},
		{"string->list", args(str("abc"), 1, 2), `(#\b)`, ""},
		{"list->string", args(List(Char('a'), Char('b'))), `"ab"`, ""},
		{"list->string", args(List(Char('a'), 1)), "", `expected a list of characters, got (#\a 1)`},
		{"string->vector", args(str("ab")), `#(#\a #\b)`, ""},
		{"vector->string", args(vec(Char('a'), Char('b'))), `"ab"`, ""},
		{"vector->string", args(vec(1)), "", "expected a vector of characters"},
		{"string->utf8", args(str("λa")), "#u8(206 187 97)", ""},
		{"utf8->string", args(bv(206, 187, 97)), `"λa"`, ""},
		{"utf8->string", args(bv(206, 187, 97), 2), `"a"`, ""},
		{"string-fill!", args(lit, Char('x')), "", "expected a mutable string"},
		{"string-copy!", args(str("ab"), 1, str("xyz")), "", "cannot copy 3 characters to index 1 of a string of length 2"},
	})
	s := str("hello")
	callPrim(t, "string-set!", s, 0, Char('j'))
	callPrim(t, "string-copy!", s, 1, str("ELLx"), 0, 3)
	callPrim(t, "string-fill!", s, Char('!'), 4)
	if got := s.String(); got != "jELL!" {
		t.Errorf("after mutation: %q", got)
	}
	// Overlapping copy within one string.
	o := str("abcde")
	callPrim(t, "string-copy!", o, 1, o, 0, 3)
	if got := o.String(); got != "aabce" {
		t.Errorf("overlapping string-copy!: %q", got)
	}
	// substring returns a fresh string.
	sub, _ := callPrim(t, "substring", s, 0, 2)
	sub.(*String).Set(0, 'Z')
	if s.String()[0] != 'j' {
		t.Error("substring shares storage")
	}
}

func TestVectorsAndBytevectors(t *testing.T) {
	ivec := &Vector{Items: []Value{1}, Immutable: true}
	ibv := &Bytevector{B: []byte{1}, Immutable: true}
	runPrimCases(t, []primCase{
		{"vector?", args(vec()), "#t", ""},
		{"vector?", args(List(1)), "#f", ""},
		{"make-vector", args(2, sym("a")), "#(a a)", ""},
		{"make-vector", args(sym("a")), "", "expected a non-negative exact integer, got a"},
		{"vector", args(1, 2), "#(1 2)", ""},
		{"vector-length", args(vec(1, 2)), "2", ""},
		{"vector-ref", args(vec(1, 2), 1), "2", ""},
		{"vector-ref", args(vec(1, 2), 2), "", "argument 2 (k): index 2 is out of range for a vector of length 2"},
		{"vector-ref", args(List(1), 0), "", "expected a vector, got (1)"},
		{"vector-set!", args(ivec, 0, 1), "", "expected a mutable vector"},
		{"vector->list", args(vec(1, 2, 3)), "(1 2 3)", ""},
		{"vector->list", args(vec(1, 2, 3), 1), "(2 3)", ""},
		{"vector->list", args(vec(1, 2, 3), 1, 2), "(2)", ""},
		{"list->vector", args(List(1, 2)), "#(1 2)", ""},
		{"list->vector", args(Null), "#()", ""},
		{"list->vector", args(Cons(1, 2)), "", "expected a proper list"},
		{"vector-copy", args(vec(1, 2, 3), 1), "#(2 3)", ""},
		{"subvector", args(vec(1, 2, 3), 0, 2), "#(1 2)", ""},
		{"vector-grow", args(vec(1), 3), "#(1 #f #f)", ""},
		{"vector-append", args(vec(1), vec(), vec(2, 3)), "#(1 2 3)", ""},
		{"vector-append", args(vec(1), 2), "", "expected a vector, got 2"},
		{"vector-copy!", args(vec(1), 0, vec(1, 2)), "", "cannot copy 2 elements"},
		{"vector-fill!", args(ivec, 0), "", "expected a mutable vector"},
		{"bytevector?", args(bv()), "#t", ""},
		{"make-bytevector", args(2, 7), "#u8(7 7)", ""},
		{"make-bytevector", args(2, 256), "", "expected a byte (an exact integer from 0 to 255), got 256"},
		{"bytevector", args(1, 2), "#u8(1 2)", ""},
		{"bytevector", args(1, -2), "", "expected a byte"},
		{"bytevector-length", args(bv(1, 2, 3)), "3", ""},
		{"bytevector-u8-ref", args(bv(1, 2, 3), 2), "3", ""},
		{"bytevector-u8-ref", args(bv(1, 2, 3), 3), "", "argument 2 (k): index 3 is out of range for a bytevector of length 3"},
		{"bytevector-u8-set!", args(ibv, 0, 1), "", "expected a mutable bytevector"},
		{"bytevector-copy", args(bv(1, 2, 3), 1, 2), "#u8(2)", ""},
		{"bytevector-append", args(bv(1), bv(2, 3)), "#u8(1 2 3)", ""},
		{"bytevector-copy!", args(bv(0, 0), 1, bv(5, 6)), "", "cannot copy 2 bytes"},
	})
	v := vec(1, 2, 3, 4, 5)
	callPrim(t, "vector-copy!", v, 0, v, 2)
	callPrim(t, "vector-set!", v, 4, sym("x"))
	callPrim(t, "vector-fill!", v, 0, 3, 4)
	if got := WriteString(v); got != "#(3 4 5 0 x)" {
		t.Errorf("after vector mutation: %s", got)
	}
	b := bv(1, 2, 3, 4)
	callPrim(t, "bytevector-copy!", b, 1, bv(9, 8, 7), 0, 2)
	callPrim(t, "bytevector-u8-set!", b, 0, 255)
	if got := WriteString(b); got != "#u8(255 9 8 4)" {
		t.Errorf("after bytevector mutation: %s", got)
	}
}
