package scsh

import (
	"fmt"
	"math/big"
	"strings"

	"popsh/interp"
)

// formatTo runs Scheme48's format directive engine: it writes fmtStr with
// args to out. The directives are ~a (display), ~s (write), ~d (a number,
// displayed), ~% (newline), ~& (fresh line), ~~ (tilde) and ~? (a format
// string and a list of its arguments), case-insensitive. Any other
// directive, a tilde at the end, a missing argument and a leftover
// argument are errors, with Scheme48's wording.
func formatTo(out fmtOut, fmtStr string, args []interp.Value) error {
	rest, err := formatLoop(out, fmtStr, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &interp.ErrorObject{Who: "format", Message: "too many arguments",
			Irritants: []interp.Value{interp.NewString(fmtStr), interp.List(rest...)}}
	}
	return nil
}

func formatLoop(out fmtOut, fmtStr string, args []interp.Value) ([]interp.Value, error) {
	rs := []rune(fmtStr)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c != '~' {
			if err := out.WriteString(string(c)); err != nil {
				return nil, fmt.Errorf("format: %w", err)
			}
			continue
		}
		if i+1 >= len(rs) {
			return nil, &interp.ErrorObject{Who: "format", Message: "invalid format string",
				Irritants: []interp.Value{interp.NewString(fmtStr)}}
		}
		i++
		d := rs[i]
		var werr error
		next := func() (interp.Value, error) {
			if len(args) == 0 {
				return nil, &interp.ErrorObject{Who: "format", Message: "insufficient number of arguments",
					Irritants: []interp.Value{interp.NewString(fmtStr)}}
			}
			v := args[0]
			args = args[1:]
			return v, nil
		}
		switch d {
		case 'a', 'A':
			v, err := next()
			if err != nil {
				return nil, err
			}
			werr = out.WriteString(interp.DisplayString(v))
		case 's', 'S':
			v, err := next()
			if err != nil {
				return nil, err
			}
			werr = out.WriteString(interp.WriteString(v))
		case 'd', 'D':
			v, err := next()
			if err != nil {
				return nil, err
			}
			if !isNumber(v) {
				return nil, &interp.ErrorObject{Who: "format", Message: "invalid number argument to ~D",
					Irritants: []interp.Value{interp.NewString(fmtStr), v}}
			}
			werr = out.WriteString(interp.DisplayString(v))
		case '%':
			werr = out.WriteString("\n")
		case '&':
			if !out.AtLineStart() {
				werr = out.WriteString("\n")
			}
		case '~':
			werr = out.WriteString("~")
		case '?':
			f, err := next()
			if err != nil {
				return nil, err
			}
			l, err := next()
			if err != nil {
				return nil, err
			}
			fs, ok := f.(*interp.String)
			if !ok {
				return nil, &interp.ErrorObject{Who: "format", Message: "invalid format string argument to ~?",
					Irritants: []interp.Value{f}}
			}
			sub, ok := interp.ListToSlice(l)
			if !ok {
				return nil, &interp.ErrorObject{Who: "format", Message: "invalid argument list to ~?",
					Irritants: []interp.Value{l}}
			}
			if err := formatTo(out, fs.String(), sub); err != nil {
				return nil, err
			}
		default:
			return nil, &interp.ErrorObject{Who: "format", Message: "illegal format command",
				Irritants: []interp.Value{interp.NewString(fmtStr), interp.Char(d)}}
		}
		if werr != nil {
			return nil, fmt.Errorf("format: %w", werr)
		}
	}
	return args, nil
}

// isNumber reports whether v is one of the interpreter's number representations.
func isNumber(v interp.Value) bool {
	switch v.(type) {
	case int, float64:
		return true
	}
	switch v.(type) {
	case *big.Int, *big.Rat:
		return true
	}
	return false
}

// primFormat is (format dest fmt arg ...): dest #f returns a string, #t
// writes to the current output port, a port writes there.
func primFormat(it *interp.Interp, args []interp.Value) (interp.Value, error) {
	if fs, ok := args[0].(*interp.String); ok {
		// SRFI 28's (format control arg ...): a string is never a
		// destination in scsh, so it can only be the control string
		var sb fmtBuilder
		if err := formatTo(&sb, fs.String(), args[1:]); err != nil {
			return nil, err
		}
		return interp.NewString(sb.b.String()), nil
	}
	if len(args) < 2 {
		return nil, &interp.ErrorObject{Who: "format", Message: "expected a destination and a format string", Irritants: args}
	}
	dest := args[0]
	fs, ok := args[1].(*interp.String)
	if !ok {
		return nil, &interp.ErrorObject{Who: "format", Message: "invalid format string", Irritants: []interp.Value{args[1]}}
	}
	rest := args[2:]
	switch d := dest.(type) {
	case bool:
		if !d {
			var sb fmtBuilder
			if err := formatTo(&sb, fs.String(), rest); err != nil {
				return nil, err
			}
			return interp.NewString(sb.b.String()), nil
		}
		if err := formatTo(it.CurrentOutput(), fs.String(), rest); err != nil {
			return nil, err
		}
		return interp.Unspecified, nil
	case *interp.Port:
		if !d.Output {
			break
		}
		if err := formatTo(d, fs.String(), rest); err != nil {
			return nil, err
		}
		return interp.Unspecified, nil
	}
	return nil, &interp.ErrorObject{Who: "format", Message: "invalid port argument", Irritants: []interp.Value{dest}}
}

// fmtOut is where format writes: a port, or a builder for (format #f ...).
type fmtOut interface {
	WriteString(s string) error
	AtLineStart() bool
}

// fmtBuilder accumulates the string of (format #f ...).
type fmtBuilder struct {
	b       strings.Builder
	notAtLS bool
}

func (f *fmtBuilder) WriteString(s string) error {
	if s != "" {
		f.b.WriteString(s)
		f.notAtLS = s[len(s)-1] != '\n'
	}
	return nil
}

func (f *fmtBuilder) AtLineStart() bool { return !f.notAtLS }
