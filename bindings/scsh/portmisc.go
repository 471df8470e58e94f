package scsh

import (
	"errors"
	"io"
	"os"

	"popsh/interp"
)

// readDelimInto reads characters into s[start:end] up to one for which
// stop is true (taken from the port when gobble is true, else left in it).
// It returns the terminator (the character, the eof object, or #f when
// the range filled up first) and the count read. When the range fills,
// the next character is looked at: a delimiter or the end of the input
// still counts as the terminator (scsh's tie-break).
func readDelimInto(who string, p *interp.Port, stop func(rune) bool, s *interp.String, start, end int, gobble bool) (interp.Value, int, error) {
	i := start
	for {
		c, err := p.ReadChar()
		if errors.Is(err, io.EOF) {
			return interp.EOF, i - start, nil
		}
		if err != nil {
			return nil, 0, readErr(who, err)
		}
		if stop(c) {
			if !gobble {
				p.UnreadChar()
			}
			return interp.Char(c), i - start, nil
		}
		if i >= end {
			p.UnreadChar()
			return false, i - start, nil
		}
		s.Set(i, c)
		i++
	}
}

// delimArgs reads the arguments of (read-delimited! delims buf [port
// handle-delim start end]) and (%read-delimited! delims buf gobble? [port
// start end]) that both share: the delimiter matcher and the buffer.
func delimBuf(a []interp.Value) (func(rune) bool, *interp.String, error) {
	stop, ok := charMatcher(a[0])
	if !ok {
		return nil, nil, argType(1, "char-set", "a char-set, char or string of delimiters", a[0])
	}
	s, err := mutableString(a[1], 2, "buf")
	if err != nil {
		return nil, nil, err
	}
	return stop, s, nil
}

// dirStream is an open-directory-stream: the directory file, nil once
// closed.
type dirStream struct {
	name string
	f    *os.File
}

func dirStreamArg(v interp.Value) (*dirStream, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if d, ok := o.Value.(*dirStream); ok {
			return d, nil
		}
	}
	return nil, argType(0, "dir-stream", "a directory stream", v)
}

// stringCollector accumulates text in UTF-8.
type stringCollector struct{ b []byte }

func collectorArg(v interp.Value, pos int) (*stringCollector, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if c, ok := o.Value.(*stringCollector); ok {
			return c, nil
		}
	}
	return nil, argType(pos, "collector", "a string collector", v)
}

func (e *scshEnv) installPortMisc() {
	e.it.DefineBuiltins("scsh: delimited reading", []interp.Builtin{
		{Name: "%read-delimited!", MinArgs: 3, MaxArgs: 6,
			Doc: "(%read-delimited! delims buf gobble? [port start end]): read into buf to a delimiter; the terminator (#f: buf full), the count",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				stop, s, err := delimBuf(a)
				if err != nil {
					return nil, err
				}
				p, err := inPortArg(it, a, 3, 4)
				if err != nil {
					return nil, err
				}
				start, end, err := optRange(s, a, 4)
				if err != nil {
					return nil, err
				}
				term, n, err := readDelimInto("%read-delimited!", p, stop, s, start, end, interp.IsTrue(a[2]))
				if err != nil {
					return nil, err
				}
				return interp.Values(term, n), nil
			}},
		{Name: "read-delimited!", MinArgs: 2, MaxArgs: 6,
			Doc: "(read-delimited! delims buf [port handle-delim start end]): read into buf to a delimiter; the count, eof, or #f if full",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				stop, s, err := delimBuf(a)
				if err != nil {
					return nil, err
				}
				p, err := inPortArg(it, a, 2, 3)
				if err != nil {
					return nil, err
				}
				mode, err := delimMode(a, 3, "handle-delim")
				if err != nil {
					return nil, err
				}
				start, end, err := optRange(s, a, 4)
				if err != nil {
					return nil, err
				}
				last := end
				if mode == "concat" && end > start {
					last = end - 1 // room for the delimiter
				}
				term, n, err := readDelimInto("read-delimited!", p, stop, s, start, last, mode != "peek")
				if err != nil {
					return nil, err
				}
				if term == false {
					switch mode {
					case "split":
						return interp.Values(false, false), nil
					case "concat":
						if last < end {
							// the character after a full buffer is no
							// delimiter (see readDelimInto): it fills the
							// last place
							if c, err := p.ReadChar(); err == nil {
								s.Set(last, c)
							}
						}
					}
					return false, nil
				}
				var ret interp.Value = n
				if n == 0 && term == interp.EOF {
					ret = interp.EOF
				}
				switch mode {
				case "split":
					return interp.Values(ret, term), nil
				case "concat":
					if c, ok := term.(interp.Char); ok {
						s.Set(start+n, rune(c))
						return n + 1, nil
					}
				}
				return ret, nil
			}},
	}...)
	e.it.DefineBuiltins("scsh: files", []interp.Builtin{
		{Name: "open-directory-stream", MinArgs: 1, MaxArgs: 1,
			Doc: "(open-directory-stream name): a stream of the names in directory name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 0, "name")
				if err != nil {
					return nil, err
				}
				f, err := os.Open(name.String())
				if err != nil {
					return nil, fileError("opendir", err, name.String())
				}
				if st, err := f.Stat(); err != nil || !st.IsDir() {
					f.Close()
					if err == nil {
						err = &os.PathError{Op: "opendir", Path: name.String(), Err: errNotDir}
					}
					return nil, fileError("opendir", err, name.String())
				}
				return &interp.Opaque{Kind: "directory-stream", Label: name.String(), Value: &dirStream{name: name.String(), f: f}}, nil
			}},
		{Name: "read-directory-stream", MinArgs: 1, MaxArgs: 1,
			Doc: "(read-directory-stream dir-stream): the next name in the directory (not . or ..), or #f at the end",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				d, err := dirStreamArg(a[0])
				if err != nil {
					return nil, err
				}
				if d.f == nil {
					return nil, scshErr("read-directory-stream", "the directory stream is closed", a[0])
				}
				names, err := d.f.Readdirnames(1)
				if errors.Is(err, io.EOF) || (err == nil && len(names) == 0) {
					return false, nil
				}
				if err != nil {
					return nil, fileError("readdir", err, d.name)
				}
				return interp.NewString(names[0]), nil
			}},
		{Name: "close-directory-stream", MinArgs: 1, MaxArgs: 1,
			Doc: "(close-directory-stream dir-stream): close the stream (again: nothing)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				d, err := dirStreamArg(a[0])
				if err != nil {
					return nil, err
				}
				if d.f != nil {
					err := d.f.Close()
					d.f = nil
					if err != nil {
						return nil, fileError("closedir", err, d.name)
					}
				}
				return interp.Unspecified, nil
			}},
	}...)
	e.it.DefineBuiltins("scsh: strings and characters", []interp.Builtin{
		{Name: "make-string-collector", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-string-collector): an empty string collector",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return &interp.Opaque{Kind: "string-collector", Value: &stringCollector{}}, nil
			}},
		{Name: "collect-string!", MinArgs: 2, MaxArgs: 2,
			Doc: "(collect-string! collector string): add string to what collector holds; the collector",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := collectorArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				s, err := str(a[1], 2, "string")
				if err != nil {
					return nil, err
				}
				c.b = s.AppendUTF8(c.b, 0, s.Len())
				return a[0], nil
			}},
		{Name: "clear-string-collector!", MinArgs: 1, MaxArgs: 1,
			Doc: "(clear-string-collector! collector): empty collector; the collector",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := collectorArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				c.b = nil
				return a[0], nil
			}},
		{Name: "string-collector->string", MinArgs: 1, MaxArgs: 1,
			Doc: "(string-collector->string collector): a new string of all collector holds",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := collectorArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return interp.NewStringUTF8(c.b), nil
			}},
	}...)
}
