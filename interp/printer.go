package interp

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// WriteString returns the printed form of v as write gives it.
// (Minimal version; the full printer with datum labels replaces it.)
func WriteString(v Value) string {
	var b strings.Builder
	printValue(&b, v, true)
	return b.String()
}

// DisplayString returns the printed form of v as display gives it.
func DisplayString(v Value) string {
	var b strings.Builder
	printValue(&b, v, false)
	return b.String()
}

func printValue(b *strings.Builder, v Value, write bool) {
	switch x := v.(type) {
	case nil:
		b.WriteString("#<nil>")
	case bool:
		if x {
			b.WriteString("#t")
		} else {
			b.WriteString("#f")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case *big.Int:
		b.WriteString(x.String())
	case *big.Rat:
		b.WriteString(x.RatString())
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case *Symbol:
		b.WriteString(x.Name)
	case *String:
		if write {
			b.WriteString(strconv.Quote(x.String()))
		} else {
			b.WriteString(x.String())
		}
	case Char:
		if write {
			b.WriteString("#\\" + string(rune(x)))
		} else {
			b.WriteRune(rune(x))
		}
	case *EmptyList:
		b.WriteString("()")
	case *Pair:
		b.WriteByte('(')
		for {
			printValue(b, x.Car, write)
			if p, ok := x.Cdr.(*Pair); ok {
				b.WriteByte(' ')
				x = p
				continue
			}
			if x.Cdr != Null {
				b.WriteString(" . ")
				printValue(b, x.Cdr, write)
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
			printValue(b, e, write)
		}
		b.WriteByte(')')
	case *Opaque:
		fmt.Fprintf(b, "#{%s %s}", x.Kind, x.Label)
	case *Special:
		b.WriteString(x.String())
	case SelfPrinter:
		b.WriteString(x.SchemeString())
	case *Primitive:
		fmt.Fprintf(b, "#<procedure %s>", x.Name)
	default:
		fmt.Fprintf(b, "#<%T>", v)
	}
}
