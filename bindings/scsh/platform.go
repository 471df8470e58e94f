package scsh

import (
	"strings"
	"syscall"

	"popsh/interp"
)

// Names that scsh scripts written for scsh 0.7 (on Scheme48 1.x) reach:
// the platform names (structure posix-platform-names) and the text codecs
// of ports (structures i/o and text-codecs). popsh's ports are UTF-8, so
// the UTF-8 codec is the one a port can have.

// textCodec is the value of a text codec.
type textCodec struct{ name string }

var codecs = []*textCodec{{"UTF-8"}, {"ISO8859-1"}, {"US-ASCII"}, {"UTF-16LE"}, {"UTF-16BE"}, {"UTF-32LE"}, {"UTF-32BE"}}

func codecValue(c *textCodec) interp.Value {
	return &interp.Opaque{Kind: "text-codec", Label: c.name, Value: c}
}

func (e *scshEnv) installPlatform() {
	uname := func(field func(u *syscall.Utsname) interp.Value) func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			var u syscall.Utsname
			if err := syscall.Uname(&u); err != nil {
				return nil, syscallError("uname", err)
			}
			return field(&u), nil
		}
	}
	e.it.DefineBuiltins("scsh: process state", []interp.Builtin{
		{Name: "os-name", MinArgs: 0, MaxArgs: 0, Doc: "(os-name): the name of the operating system, as uname:os-name gives it",
			Fn: uname(func(u *syscall.Utsname) interp.Value { return utsField(u.Sysname[:]) })},
		{Name: "os-node-name", MinArgs: 0, MaxArgs: 0, Doc: "(os-node-name): this machine's network node name, as uname:node-name gives it",
			Fn: uname(func(u *syscall.Utsname) interp.Value { return utsField(u.Nodename[:]) })},
		{Name: "os-release-name", MinArgs: 0, MaxArgs: 0, Doc: "(os-release-name): the release of the operating system, as uname:release gives it",
			Fn: uname(func(u *syscall.Utsname) interp.Value { return utsField(u.Release[:]) })},
		{Name: "os-version-name", MinArgs: 0, MaxArgs: 0, Doc: "(os-version-name): the version of the operating system, as uname:version gives it",
			Fn: uname(func(u *syscall.Utsname) interp.Value { return utsField(u.Version[:]) })},
		{Name: "machine-name", MinArgs: 0, MaxArgs: 0, Doc: "(machine-name): the hardware type, as uname:machine gives it",
			Fn: uname(func(u *syscall.Utsname) interp.Value { return utsField(u.Machine[:]) })},
	}...)

	// one value per codec, so that eq? tells them apart
	codecVals := make([]interp.Value, len(codecs))
	for i, c := range codecs {
		codecVals[i] = codecValue(c)
	}
	utf8, latin1 := codecVals[0], codecVals[1]
	var lines []interp.DocLine
	for i, n := range []string{"utf-8-codec", "latin-1-codec", "us-ascii-codec", "utf-16le-codec", "utf-16be-codec", "utf-32le-codec", "utf-32be-codec"} {
		e.it.Define(n, codecVals[i])
		lines = append(lines, interp.DocLine{Name: n, Doc: n + ": the text codec " + codecs[i].name + " (set-port-text-codec! takes utf-8-codec, and latin-1-codec for a port over a file, pipe or socket)"})
	}
	e.it.Document("scsh: ports", lines...)
	codecArg := func(v interp.Value, pos int) (*textCodec, error) {
		if o, ok := v.(*interp.Opaque); ok {
			if c, ok := o.Value.(*textCodec); ok {
				return c, nil
			}
		}
		return nil, argType(pos, "codec", "a text codec", v)
	}
	textPort := func(v interp.Value, pos int) error {
		if p, ok := v.(*interp.Port); ok && !p.Binary {
			return nil
		}
		return argType(pos, "port", "a textual port", v)
	}
	e.it.DefineBuiltins("scsh: ports", []interp.Builtin{
		{Name: "text-codec?", MinArgs: 1, MaxArgs: 1, Doc: "(text-codec? obj): whether obj is a text codec",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := codecArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "text-codec-names", MinArgs: 1, MaxArgs: 1, Doc: "(text-codec-names codec): the names of codec, a list of strings",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := codecArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return interp.List(interp.NewString(c.name)), nil
			}},
		{Name: "find-text-codec", MinArgs: 1, MaxArgs: 1, Doc: "(find-text-codec name): the text codec named name (\"UTF-8\", \"ISO8859-1\", \"US-ASCII\", ...), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "name")
				if err != nil {
					return nil, err
				}
				for i, c := range codecs {
					if strings.EqualFold(c.name, s.String()) {
						return codecVals[i], nil
					}
				}
				return false, nil
			}},
		{Name: "port-text-codec", MinArgs: 1, MaxArgs: 1, Doc: "(port-text-codec port): latin-1-codec for a socket's ports and those set to it, else utf-8-codec",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := textPort(a[0], 0); err != nil {
					return nil, err
				}
				if a[0].(*interp.Port).Latin1() {
					return latin1, nil
				}
				return utf8, nil
			}},
		{Name: "set-port-text-codec!", MinArgs: 2, MaxArgs: 2, Doc: "(set-port-text-codec! port codec): read and write with utf-8-codec, or latin-1-codec (a byte a character) over a file or socket",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := textPort(a[0], 1); err != nil {
					return nil, err
				}
				c, err := codecArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				p := a[0].(*interp.Port)
				switch {
				case c == codecs[0]:
					if p.Latin1() {
						if err := p.SetLatin1(false); err != nil {
							return nil, scshErr("set-port-text-codec!", err.Error(), a[0])
						}
					}
				case c == codecs[1] && !p.InMemory():
					if err := p.SetLatin1(true); err != nil {
						return nil, scshErr("set-port-text-codec!", err.Error(), a[0])
					}
				case c == codecs[1]:
					return nil, scshErr("set-port-text-codec!", "a string port holds characters, not bytes: its codec is UTF-8; latin-1-codec is for ports over files, pipes and sockets", a[0])
				default:
					return nil, scshErr("set-port-text-codec!", "popsh's ports read and write UTF-8, or Latin-1; cannot use the codec "+c.name, a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "stdports->stdio", MinArgs: 0, MaxArgs: 0, Doc: "(stdports->stdio): flush the current ports (process forms give their programs the current ports as 0, 1, 2)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				for _, p := range []*interp.Port{it.CurrentOutput(), it.CurrentError()} {
					if p != nil {
						if err := p.Flush(); err != nil {
							return nil, err
						}
					}
				}
				return interp.Unspecified, nil
			}},
	}...)
}
