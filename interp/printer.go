package interp

import (
	"fmt"
	"math/big"
	"strconv"
	"unicode"
	"unicode/utf8"

	"popsh/interp/num"
)

// PrintMode selects how WriteValue prints.
type PrintMode int

const (
	// ModeWrite is write: machine-readable, with datum labels (#0= and #0#)
	// only for the pairs, vectors and records that are part of a cycle.
	ModeWrite PrintMode = iota
	// ModeDisplay is display: strings and characters as their raw text;
	// cycles are labelled as with write, so display always terminates.
	ModeDisplay
	// ModeWriteShared is write-shared: labels for every shared object.
	ModeWriteShared
	// ModeWriteSimple is write-simple. R7RS lets it loop on cycles; ours
	// labels them as write does, so it always terminates.
	ModeWriteSimple
)

// Two printing policies. R7RS allows either quote form; write must bar
// symbols that would not read back (R7RS 6.13.3: |a b|, ||, |1|, |+i|), so
// that write then read gives the same datum. display never bars.
const (
	abbreviateQuotes = true // write (quote x) as 'x
	barSymbols       = true // write |odd sym| rather than odd sym
)

// maxPrintDepth bounds the nesting the printer descends into; deeper
// structure prints as "...".
const maxPrintDepth = 1 << 20

// walkBudget is the number of nodes the printer visits looking for an end
// before it suspects a cycle and runs the exact (map-based) scan.
const walkBudget = 1 << 24

// WriteString returns the printed form of v as write gives it.
func WriteString(v Value) string { return printToString(v, ModeWrite) }

// DisplayString returns the printed form of v as display gives it.
func DisplayString(v Value) string { return printToString(v, ModeDisplay) }

// WriteSharedString returns the printed form of v as write-shared gives it.
func WriteSharedString(v Value) string { return printToString(v, ModeWriteShared) }

func printToString(v Value, mode PrintMode) string {
	// Fast paths for the commonest atoms.
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case *Symbol:
		if mode == ModeDisplay || !barSymbols || !symbolNeedsBars(x.Name) {
			return x.Name
		}
	case *String:
		if mode == ModeDisplay {
			return x.String()
		}
	}
	p := NewStringOutputPort()
	pr := printer{p: p, mode: mode}
	pr.print(v)
	return string(p.wbuf)
}

// WriteValue prints v on the output port p in the given mode, streaming:
// no copy of v's printed form is built. It returns the port's error, if any
// (a closed port, a failed write).
func WriteValue(p *Port, v Value, mode PrintMode) error {
	if err := p.begin(); err != nil {
		return err
	}
	pr := printer{p: p, mode: mode}
	pr.print(v)
	return p.end()
}

type printer struct {
	p      *Port
	mode   PrintMode
	labels map[any]int // container -> label number, -1 while not yet printed
	next   int
	depth  int
	limit  int // when > 0: print at most this many values, then "..."
	count  int
	stack  []ptask // work left (see value)
}

// shortLimit is the number of values ShortWriteString prints.
const shortLimit = 40

// ShortWriteString returns the written form of v cut short for messages:
// at most about 40 elements, and long strings abbreviated, ending in "...".
func ShortWriteString(v Value) string {
	switch v.(type) {
	case *Pair, *Vector, *Record, *String, *Bytevector:
	default:
		return WriteString(v)
	}
	p := NewStringOutputPort()
	pr := printer{p: p, mode: ModeWrite, limit: shortLimit}
	pr.print(v)
	return string(p.wbuf)
}

func isContainer(v Value) bool {
	switch v.(type) {
	case *Pair, *Vector, *Record:
		return true
	}
	return false
}

// print prints a whole datum: it decides whether labels are needed.
func (pr *printer) print(v Value) {
	if isContainer(v) {
		if pr.mode == ModeWriteShared {
			pr.labels = scanShared(v)
		} else if walkExceeds(v, walkBudget) {
			pr.labels = scanCycles(v)
		}
	}
	pr.value(v)
}

// walkExceeds walks v's structure without remembering what it has seen and
// reports whether it visited more than budget nodes (a cycle, or a very
// large or very shared structure). For ordinary data it is a cheap proof
// that there is no cycle.
func walkExceeds(v Value, budget int) bool {
	var arr [32]Value
	stack := append(arr[:0], v)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	loop:
		for {
			budget--
			if budget < 0 {
				return true
			}
			switch t := x.(type) {
			case *Pair:
				if isContainer(t.Car) {
					stack = append(grow(stack, 1), t.Car)
				}
				x = t.Cdr
			case *Vector:
				budget -= len(t.Items)
				for _, e := range t.Items {
					if isContainer(e) {
						stack = append(grow(stack, 1), e)
					}
				}
				break loop
			case *Record:
				for _, e := range t.Fields {
					if isContainer(e) {
						stack = append(stack, e)
					}
				}
				break loop
			default:
				break loop
			}
		}
	}
	return false
}

func children(v Value) []Value {
	switch t := v.(type) {
	case *Vector:
		return t.Items
	case *Record:
		return t.Fields
	}
	return nil
}

// scanCycles returns the containers of v that lie on a cycle (the targets
// of back edges of a depth-first walk), each mapped to -1.
func scanCycles(v Value) map[any]int {
	const inProgress, done = 1, 2
	state := map[any]int8{}
	labels := map[any]int{}
	type frame struct {
		v Value
		i int
	}
	stack := []frame{{v, 0}}
	state[v] = inProgress
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		var child Value
		has := false
		switch t := f.v.(type) {
		case *Pair:
			switch f.i {
			case 0:
				child, has = t.Car, true
			case 1:
				child, has = t.Cdr, true
			}
		default:
			kids := children(f.v)
			if f.i < len(kids) {
				child, has = kids[f.i], true
			}
		}
		if !has {
			state[f.v] = done
			stack = stack[:len(stack)-1]
			continue
		}
		f.i++
		if !isContainer(child) {
			continue
		}
		switch state[child] {
		case inProgress:
			labels[child] = -1
		case done:
		default:
			state[child] = inProgress
			stack = append(stack, frame{child, 0})
		}
	}
	return labels
}

// scanShared returns the containers reachable from v more than once, each
// mapped to -1.
func scanShared(v Value) map[any]int {
	seen := map[any]bool{}
	labels := map[any]int{}
	stack := []Value{v}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for isContainer(x) {
			if seen[x] {
				labels[x] = -1
				break
			}
			seen[x] = true
			if p, ok := x.(*Pair); ok {
				if isContainer(p.Car) {
					stack = append(stack, p.Car)
				}
				x = p.Cdr
				continue
			}
			kids := children(x)
			for i := len(kids) - 1; i >= 0; i-- {
				if isContainer(kids[i]) {
					stack = append(stack, kids[i])
				}
			}
			break
		}
	}
	return labels
}

// label prints #n= or #n# for a labelled container and reports whether the
// container has already been printed (so only the reference is needed).
func (pr *printer) label(v Value) (printed bool) {
	if pr.labels == nil {
		return false
	}
	n, ok := pr.labels[v]
	if !ok {
		return false
	}
	p := pr.p
	if n >= 0 {
		p.putByte('#')
		p.putBytes(strconv.AppendInt(p.scratch[:0], int64(n), 10))
		p.putByte('#')
		return true
	}
	n = pr.next
	pr.next++
	pr.labels[v] = n
	p.putByte('#')
	p.putBytes(strconv.AppendInt(p.scratch[:0], int64(n), 10))
	p.putByte('=')
	return false
}

// The printer walks containers with an explicit stack of tasks instead of
// Go recursion, so that printing a deeply nested structure costs memory in
// proportion to its depth (a few words a level) and never the Go stack.
type ptaskKind uint8

const (
	tValue    ptaskKind = iota // print v
	tListRest                  // the car of pair v is printed: go on with its cdr
	tVector                    // print the elements of vector v from index i
	tRecord                    // print the fields of record v from index i
	tValues                    // print the values of v (*MultipleValues) from index i
	tClose                     // print ")" and leave a level
	tLeave                     // leave a level
)

type ptask struct {
	v    Value
	i    uint32 // an index into a vector (of fewer than 2^32 elements)
	kind ptaskKind
}

// grow returns s with room for n more elements, doubling its capacity when
// it must grow (append's smaller steps for big slices would allocate
// several times the final size on the way).
func grow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	ns := make([]T, len(s), max(2*cap(s), len(s)+n, 16))
	copy(ns, s)
	return ns
}

// value prints v and everything in it.
func (pr *printer) value(v Value) {
	base := len(pr.stack)
	pr.stack = append(grow(pr.stack, 1), ptask{v: v, kind: tValue})
	for len(pr.stack) > base {
		t := pr.stack[len(pr.stack)-1]
		pr.stack = pr.stack[:len(pr.stack)-1]
		switch t.kind {
		case tValue:
			pr.one(t.v)
		case tListRest:
			pr.listRest(t.v.(*Pair))
		case tVector:
			x := t.v.(*Vector)
			if int(t.i) >= len(x.Items) {
				pr.p.putByte(')')
				pr.depth--
				break
			}
			if t.i > 0 {
				pr.p.putByte(' ')
			}
			if pr.exhausted() {
				pr.p.putString("...)")
				pr.depth--
				break
			}
			pr.push(ptask{v: x, i: t.i + 1, kind: tVector}, ptask{v: x.Items[t.i], kind: tValue})
		case tRecord:
			x := t.v.(*Record)
			if int(t.i) >= len(x.Fields) {
				pr.p.putByte('>')
				pr.depth--
				break
			}
			pr.p.putByte(' ')
			pr.push(ptask{v: x, i: t.i + 1, kind: tRecord}, ptask{v: x.Fields[t.i], kind: tValue})
		case tValues:
			x := t.v.(*MultipleValues)
			if int(t.i) >= len(x.Vals) {
				break
			}
			if t.i > 0 {
				pr.p.putByte(' ')
			}
			pr.push(ptask{v: x, i: t.i + 1, kind: tValues}, ptask{v: x.Vals[t.i], kind: tValue})
		case tClose:
			pr.p.putByte(')')
			pr.depth--
		case tLeave:
			pr.depth--
		}
	}
}

// push pushes a task to do later, then one to do first.
func (pr *printer) push(later, first ptask) {
	pr.stack = append(grow(pr.stack, 2), later, first)
}

// one prints an atom, or the start of a container (pushing the rest).
func (pr *printer) one(v Value) {
	p := pr.p
	if pr.limit > 0 {
		pr.count++
		if pr.count > pr.limit {
			p.putString("...")
			return
		}
	}
	switch x := v.(type) {
	case nil:
		p.putString("#<nil>")
	case bool:
		if x {
			p.putString("#t")
		} else {
			p.putString("#f")
		}
	case int:
		p.putBytes(strconv.AppendInt(p.scratch[:0], int64(x), 10))
	case *big.Int, *big.Rat, float64, *num.Complex:
		p.putString(formatNumber(x))
	case *Symbol:
		if pr.mode == ModeDisplay {
			p.putString(x.Name)
		} else {
			writeSymbol(p, x.Name)
		}
	case *String:
		n, more := x.Len(), ""
		if pr.limit > 0 && n > 4*pr.limit {
			n, more = 4*pr.limit, "..."
		}
		if pr.mode == ModeDisplay {
			p.putText(x, 0, n)
			p.putString(more)
		} else {
			writeStringLit(p, x, n, more)
		}
	case Char:
		if pr.mode == ModeDisplay {
			p.putRune(rune(x))
		} else {
			writeChar(p, rune(x))
		}
	case *EmptyList:
		p.putString("()")
	case *Pair:
		pr.pair(x)
	case *Vector:
		if pr.label(x) {
			return
		}
		if !pr.enter() {
			pr.depth--
			return
		}
		p.putString("#(")
		pr.stack = append(grow(pr.stack, 1), ptask{v: x, kind: tVector})
	case *Bytevector:
		p.putString("#u8(")
		for i, b := range x.B {
			if i > 0 {
				p.putByte(' ')
			}
			if pr.limit > 0 && i >= pr.limit {
				p.putString("...")
				break
			}
			p.putBytes(strconv.AppendInt(p.scratch[:0], int64(b), 10))
		}
		p.putByte(')')
	case *Record:
		if pr.label(x) {
			return
		}
		if x.Type != nil && x.Type.Printer != nil {
			p.putString(x.Type.Printer(x))
			return
		}
		if !pr.enter() {
			pr.depth--
			return
		}
		p.putString("#<record ")
		if x.Type != nil {
			p.putString(x.Type.Name)
		}
		pr.stack = append(grow(pr.stack, 1), ptask{v: x, kind: tRecord})
	case *RecordType:
		p.putString("#<record-type ")
		p.putString(x.Name)
		p.putByte('>')
	case *Special:
		p.putString(x.name)
	case *Opaque:
		p.putString("#{")
		p.putString(x.Kind)
		if x.Label != "" {
			p.putByte(' ')
			p.putString(x.Label)
		}
		p.putByte('}')
	case *Primitive:
		p.putString("#<procedure ")
		p.putString(x.Name)
		p.putByte('>')
	case *MultipleValues:
		pr.stack = append(grow(pr.stack, 1), ptask{v: x, kind: tValues})
	case *ErrorObject:
		pr.errorObject(x)
	case SelfPrinter:
		p.putString(x.SchemeString())
	case *TailCall:
		p.putString("#<tail-call>")
	default:
		p.putString(fmt.Sprintf("#<go %T>", v))
	}
}

// enter increments the depth and reports whether it is still within the
// cap; the caller decrements it afterwards.
func (pr *printer) enter() bool {
	pr.depth++
	if pr.depth > maxPrintDepth {
		pr.p.putString("...")
		return false
	}
	return true
}

// pair prints the start of a list (or a quote abbreviation) and pushes the
// rest.
func (pr *printer) pair(x *Pair) {
	p := pr.p
	if pr.label(x) {
		return
	}
	if !pr.enter() {
		pr.depth--
		return
	}
	// 'x `x ,x ,@x
	if s, ok := x.Car.(*Symbol); ok && abbreviateQuotes {
		if rest, ok := x.Cdr.(*Pair); ok && rest.Cdr == Null && !pr.isLabelled(rest) {
			prefix := ""
			switch s.Name {
			case "quote":
				prefix = "'"
			case "quasiquote":
				prefix = "`"
			case "unquote":
				prefix = ","
			case "unquote-splicing":
				prefix = ",@"
			}
			if prefix != "" {
				p.putString(prefix)
				pr.push(ptask{kind: tLeave}, ptask{v: rest.Car, kind: tValue})
				return
			}
		}
	}
	p.putByte('(')
	pr.push(ptask{v: x, kind: tListRest}, ptask{v: x.Car, kind: tValue})
}

// listRest goes on with a list whose element x has been printed.
func (pr *printer) listRest(x *Pair) {
	p := pr.p
	switch next := x.Cdr.(type) {
	case *EmptyList:
		p.putByte(')')
		pr.depth--
	case *Pair:
		if pr.exhausted() {
			p.putString(" ...)")
			pr.depth--
			return
		}
		if pr.isLabelled(next) {
			p.putString(" . ")
			pr.push(ptask{kind: tClose}, ptask{v: next, kind: tValue})
			return
		}
		p.putByte(' ')
		pr.push(ptask{v: next, kind: tListRest}, ptask{v: next.Car, kind: tValue})
	default:
		p.putString(" . ")
		pr.push(ptask{kind: tClose}, ptask{v: next, kind: tValue})
	}
}

// exhausted reports whether a limited printer has printed its quota.
func (pr *printer) exhausted() bool { return pr.limit > 0 && pr.count >= pr.limit }

func (pr *printer) isLabelled(v Value) bool {
	if pr.labels == nil {
		return false
	}
	_, ok := pr.labels[v]
	return ok
}

func (pr *printer) errorObject(e *ErrorObject) {
	p := pr.p
	if e.Payload != nil && e.Message == "" {
		p.putString("#<condition ")
		pr.value(e.Payload)
		p.putByte('>')
		return
	}
	p.putString("#<")
	if e.Kind == "" {
		p.putString("error")
	} else {
		p.putString(e.Kind)
	}
	p.putByte(' ')
	msg := e.Message
	if e.Who != "" {
		msg = e.Who + ": " + msg
	}
	if pr.mode == ModeDisplay {
		p.putString(msg)
	} else {
		ms := NewString(msg)
		writeStringLit(p, ms, ms.Len(), "")
	}
	for _, irr := range e.Irritants {
		p.putByte(' ')
		sub := printer{p: p, mode: ModeWrite}
		sub.print(irr)
	}
	p.putByte('>')
}

// formatNumber returns the external representation of a number.
func formatNumber(v Value) string { return num.Format(v, 10) }

// printCharNames maps characters to their R7RS names, for write.
var printCharNames = map[rune]string{
	0:    "null",
	7:    "alarm",
	8:    "backspace",
	9:    "tab",
	10:   "newline",
	13:   "return",
	27:   "escape",
	32:   "space",
	0x7f: "delete",
}

// CharName returns the name write uses for r after #\ ("a", "space",
// "x7f").
func CharName(r rune) string {
	if n, ok := printCharNames[r]; ok {
		return n
	}
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) && utf8.ValidRune(r) {
		return string(r)
	}
	return "x" + strconv.FormatInt(int64(r), 16)
}

func writeChar(p *Port, r rune) {
	p.putString(`#\`)
	if r > ' ' && r < 0x7f {
		p.putByte(byte(r))
		return
	}
	p.putString(CharName(r))
}

func writeStringLit(p *Port, s *String, n int, more string) {
	p.putByte('"')
	start := 0
	for i := 0; i < n; i++ {
		r := s.At(i)
		var esc string
		switch {
		case r == '"':
			esc = `\"`
		case r == '\\':
			esc = `\\`
		case r == '\n':
			esc = `\n`
		case r == '\t':
			esc = `\t`
		case r == '\r':
			esc = `\r`
		case r == 7:
			esc = `\a`
		case r == 8:
			esc = `\b`
		case r >= ' ' && r < 0x7f:
			continue
		case r >= 0x80 && unicode.IsGraphic(r):
			continue
		default:
			esc = `\x` + strconv.FormatInt(int64(r), 16) + ";"
		}
		p.putText(s, start, i)
		p.putString(esc)
		start = i + 1
	}
	p.putText(s, start, n)
	p.putString(more)
	p.putByte('"')
}

// symbolNeedsBars reports whether the symbol named name must be written as
// |name| to read back as the same symbol.
func symbolNeedsBars(name string) bool {
	if name == "" || name == "." {
		return true
	}
	if name == "|" || name == "||" { // scsh's pipe symbols: our reader reads them bare
		return false
	}
	if name[0] == '#' {
		return true
	}
	if name[0] == '|' {
		// The reader takes |x| (a closing bar then a delimiter) as an R7RS
		// |symbol|; any other | is a symbol character, as in scsh's |+.
		for i := 1; i < len(name); i++ {
			if name[i] == '|' {
				if i == len(name)-1 {
					return true
				}
				break
			}
		}
	}
	for _, r := range name {
		switch r {
		case '(', ')', '"', ';', '\'', '`', ',', '[', ']', '{', '}', '\\':
			return true
		}
		if r < 0x80 {
			if r <= ' ' || r == 0x7f {
				return true
			}
		} else if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			return true
		}
	}
	return looksNumeric(name)
}

func writeSymbol(p *Port, name string) {
	if !barSymbols || !symbolNeedsBars(name) {
		p.putString(name)
		return
	}
	p.putByte('|')
	for i, r := range name {
		switch {
		case i == 0 && r != ';' && isPipeEnd(r):
			// "| x|" and "|[x]|" would read as scsh's pipe symbol
			p.putString(`\x` + strconv.FormatInt(int64(r), 16) + ";")
		case r == '|':
			p.putString(`\|`)
		case r == '\\':
			p.putString(`\\`)
		case r == '(' || r == ')':
			// a parenthesis inside bars would not read back (see
			// barSymbolFollows)
			p.putString(`\x` + strconv.FormatInt(int64(r), 16) + ";")
		case r < ' ' || r == 0x7f || (r >= 0x80 && !unicode.IsGraphic(r)):
			p.putString(`\x` + strconv.FormatInt(int64(r), 16) + ";")
		default:
			p.putRune(r)
		}
	}
	p.putByte('|')
}
