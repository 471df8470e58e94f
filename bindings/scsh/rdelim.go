package scsh

import (
	"errors"
	"io"
	"strings"

	"popsh/interp"
)

// delimMode reads scsh's handle-delim argument: trim (the default, also
// for #f and #!default, which scsh code passes for "no preference"),
// concat, peek or split.
func delimMode(a []interp.Value, i int, param string) (string, error) {
	if len(a) <= i || a[i] == false || a[i] == interp.DefaultObject {
		return "trim", nil
	}
	s, ok := a[i].(*interp.Symbol)
	if !ok || (s.Name != "trim" && s.Name != "concat" && s.Name != "peek" && s.Name != "split") {
		return "", argType(i+1, param, "one of the symbols trim, concat, peek, split", a[i])
	}
	return s.Name, nil
}

// atEOF is what a delimited read returns at the end of the input after
// reading b: the text, or the eof object if none, with an eof object for
// the delimiter in split mode.
func atEOF(b *strings.Builder, mode string) interp.Value {
	var text interp.Value = interp.EOF
	if b.Len() > 0 {
		text = interp.NewString(b.String())
	}
	if mode == "split" {
		return interp.Values(text, interp.EOF)
	}
	return text
}

// readDelimited reads up to a character for which stop is true, with
// scsh's handle-delim modes; what names the text in a read-limit error.
func readDelimited(who, what string, p *interp.Port, stop func(rune) bool, mode string) (interp.Value, error) {
	var b strings.Builder
	for {
		c, err := p.ReadChar()
		if errors.Is(err, io.EOF) {
			return atEOF(&b, mode), nil
		}
		if err == nil {
			err = p.CheckRead(b.Len(), what)
		}
		if err != nil {
			return nil, readErr(who, err)
		}
		if stop(c) {
			switch mode {
			case "concat":
				b.WriteRune(c)
			case "peek":
				p.UnreadChar()
			case "split":
				return interp.Values(interp.NewString(b.String()), interp.Char(c)), nil
			}
			return interp.NewString(b.String()), nil
		}
		b.WriteRune(c)
	}
}

func isBlankLine(s string) bool { return strings.TrimLeft(s, " \t\r") == "" }

func (e *scshEnv) installRdelim() {
	e.it.DefineBuiltins("scsh: delimited reading", []interp.Builtin{
		{Name: "read-delimited", MinArgs: 1, MaxArgs: 3,
			Doc: "(read-delimited char-set [port handle-delim]): read up to a character of char-set",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				stop, ok := charMatcher(a[0])
				if !ok {
					return nil, argType(1, "char-set", "a char-set, char or string of delimiters", a[0])
				}
				p, err := inPortArg(it, a, 1, 2)
				if err != nil {
					return nil, err
				}
				mode, err := delimMode(a, 2, "handle-delim")
				if err != nil {
					return nil, err
				}
				return readDelimited("read-delimited", "delimited string", p, stop, mode)
			}},
		{Name: "skip-char-set", MinArgs: 1, MaxArgs: 2,
			Doc: "(skip-char-set char-set [port]): skip characters of char-set; their count",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				skip, ok := charMatcher(a[0])
				if !ok {
					return nil, argType(1, "char-set", "a char-set, char or string", a[0])
				}
				p, err := inPortArg(it, a, 1, 2)
				if err != nil {
					return nil, err
				}
				n := 0
				for {
					c, err := p.ReadChar()
					if errors.Is(err, io.EOF) {
						return n, nil
					}
					if err == nil && n%4096 == 0 {
						err = p.CheckRead(0, "")
					}
					if err != nil {
						return nil, readErr("skip-char-set", err)
					}
					if !skip(c) {
						p.UnreadChar()
						return n, nil
					}
					n++
				}
			}},
		// (read-paragraph [port handle-delim]): skip blank lines, then read
		// lines up to a blank line (or eof); trim drops that blank line,
		// concat keeps it, split returns it as a second value.
		{Name: "read-paragraph", MinArgs: 0, MaxArgs: 2,
			Doc: "(read-paragraph [port handle-delim]): the next paragraph (lines up to a blank line)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := inPortArg(it, a, 0, 1)
				if err != nil {
					return nil, err
				}
				mode, err := delimMode(a, 1, "handle-delim")
				if err != nil {
					return nil, err
				}
				if mode == "peek" {
					return nil, scshErr("read-paragraph", "peek is not supported")
				}
				var b strings.Builder
				for {
					line, sawLF, err := p.ReadLine()
					if errors.Is(err, io.EOF) {
						return atEOF(&b, mode), nil
					}
					if err == nil {
						err = p.CheckRead(b.Len()+len(line), "paragraph")
					}
					if err != nil {
						return nil, readErr("read-paragraph", err)
					}
					text := string(line)
					if sawLF {
						text += "\n"
					}
					if isBlankLine(string(line)) {
						if b.Len() == 0 {
							continue
						}
						switch mode {
						case "concat":
							b.WriteString(text)
						case "split":
							return interp.Values(interp.NewString(b.String()), interp.NewString(text)), nil
						}
						return interp.NewString(b.String()), nil
					}
					b.WriteString(text)
				}
			}},
	}...)
}
