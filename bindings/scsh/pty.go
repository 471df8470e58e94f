package scsh

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// Pseudo terminals: open-pty allocates one from /dev/ptmx (Unix 98
// ptys); the name procedures and make-pty-generator are scsh's for the
// old BSD ptys (/dev/ptyXY and /dev/ttyXY).

// openPTY opens a new pty master and returns it with its slave's name.
func openPTY() (*os.File, string, error) {
	f, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, "", fileError("open", unwrapPathErr(err), "/dev/ptmx")
	}
	fd := fileFd(f)
	// unlockpt; grantpt has nothing to do on Linux's devpts.
	if err := ioctlRetry(func() error { return unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0) }); err != nil {
		f.Close()
		return nil, "", syscallError("unlockpt", err)
	}
	var n uint32
	err = ioctlRetry(func() (err error) { n, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN); return })
	if err != nil {
		f.Close()
		return nil, "", syscallError("ptsname", err)
	}
	return f, "/dev/pts/" + strconv.FormatUint(uint64(n), 10), nil
}

// ptyNameMapper is scsh's mapping between /dev/ptyXY and /dev/ttyXY: the
// name with its sixth character replaced by c.
func ptyNameMapper(name string, c rune) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			s, err := str(a[0], 0, "name")
			if err != nil {
				return nil, err
			}
			if s.Len() < 6 {
				return nil, scshErr(name, "not a /dev/ptyXY or /dev/ttyXY name", a[0])
			}
			out := s.Slice(0, s.Len())
			out.Set(5, c)
			return out, nil
		}}
}

func (e *scshEnv) ptyBuiltins() []interp.Builtin {
	toTTY := ptyNameMapper("pty-name->tty-name", 't')
	toTTY.Doc = "(pty-name->tty-name name): the terminal name of a BSD pty name (/dev/ptyq3 -> /dev/ttyq3)"
	toPTY := ptyNameMapper("tty-name->pty-name", 'p')
	toPTY.Doc = "(tty-name->pty-name name): the pty name of a BSD terminal name (/dev/ttyq3 -> /dev/ptyq3)"
	return []interp.Builtin{
		{Name: "open-pty", MinArgs: 0, MaxArgs: 0,
			Doc: "(open-pty): allocate a pseudo terminal; two values: an input port on its master (read+write) side and its terminal's name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				f, name, err := openPTY()
				if err != nil {
					return nil, err
				}
				return interp.Values(interp.NewInputPort(f, "/dev/ptmx"), interp.NewString(name)), nil
			}},
		toTTY, toPTY,
		{Name: "make-pty-generator", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-pty-generator): a procedure that returns a new BSD pty name (/dev/ptyqf, /dev/ptyqe ... /dev/ptyp0) at each call, then #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				const letters, digits = "pq", "0123456789abcdef"
				l, n := len(letters), 0
				pattern := []byte("/dev/ptyLN")
				return &interp.Primitive{Name: "pty-generator", MinArgs: 0, MaxArgs: 0,
					Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
						if n == 0 {
							if l == 0 {
								return false, nil
							}
							l--
							n = len(digits) - 1
							pattern[8] = letters[l]
						} else {
							n--
						}
						pattern[9] = digits[n]
						return interp.NewString(string(pattern)), nil
					}}, nil
			}},
	}
}
