package scsh

import (
	"errors"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// Terminal device control: scsh's tty-info record, the termios flag
// constants with Linux's values, the tcsetattr/tcflush/tcflow/tcdrain
// family, the tty process group and control terminal, and pseudo
// terminals (open-pty). The termios calls are the ioctls glibc makes for
// them.

// ttyConst is one of scsh's terminal constants: its value on Linux, or
// nil where Linux has no such flag (the constant is then #f, as scsh
// defines it on such systems).
type ttyConst struct {
	name string
	val  any // int, or nil for #f
	doc  string
}

// ttyConsts are the ttychar/, ttyin/, ttyout/, ttyc/ and ttyl/ constants.
var ttyConsts = []ttyConst{
	// Indexes into tty-info:control-chars.
	{"ttychar/eof", unix.VEOF, "index of the end-of-file character (VEOF, ^D)"},
	{"ttychar/eol", unix.VEOL, "index of the end-of-line character (VEOL)"},
	{"ttychar/delete-char", unix.VERASE, "index of the erase character (VERASE, ^?)"},
	{"ttychar/delete-line", unix.VKILL, "index of the line-kill character (VKILL, ^U)"},
	{"ttychar/interrupt", unix.VINTR, "index of the interrupt character (VINTR, ^C)"},
	{"ttychar/quit", unix.VQUIT, "index of the quit character (VQUIT, ^\\)"},
	{"ttychar/suspend", unix.VSUSP, "index of the suspend character (VSUSP, ^Z)"},
	{"ttychar/start", unix.VSTART, "index of the start-output character (VSTART, ^Q)"},
	{"ttychar/stop", unix.VSTOP, "index of the stop-output character (VSTOP, ^S)"},
	{"ttychar/min", unix.VMIN, "index of MIN, the byte count of a non-canonical read (VMIN)"},
	{"ttychar/time", unix.VTIME, "index of TIME, the timeout of a non-canonical read in tenths of a second (VTIME)"},
	{"ttychar/delete-word", unix.VWERASE, "index of the word-erase character (VWERASE, ^W)"},
	{"ttychar/reprint", unix.VREPRINT, "index of the reprint character (VREPRINT, ^R)"},
	{"ttychar/literal-next", unix.VLNEXT, "index of the literal-next character (VLNEXT, ^V)"},
	{"ttychar/discard", unix.VDISCARD, "index of the discard character (VDISCARD, ^O)"},
	{"ttychar/delayed-suspend", nil, "#f: Linux has no delayed-suspend character (VDSUSP)"},
	{"ttychar/eol2", unix.VEOL2, "index of the second end-of-line character (VEOL2)"},
	{"ttychar/status", nil, "#f: Linux has no status character (VSTATUS)"},
	// Input flags.
	{"ttyin/ignore-break", unix.IGNBRK, "input flag IGNBRK: ignore a break"},
	{"ttyin/interrupt-on-break", unix.BRKINT, "input flag BRKINT: a break interrupts"},
	{"ttyin/ignore-bad-parity-chars", unix.IGNPAR, "input flag IGNPAR: ignore characters with parity errors"},
	{"ttyin/mark-parity-errors", unix.PARMRK, "input flag PARMRK: mark parity errors"},
	{"ttyin/check-parity", unix.INPCK, "input flag INPCK: check input parity"},
	{"ttyin/7bits", unix.ISTRIP, "input flag ISTRIP: strip the eighth bit"},
	{"ttyin/nl->cr", unix.INLCR, "input flag INLCR: map NL to CR"},
	{"ttyin/ignore-cr", unix.IGNCR, "input flag IGNCR: ignore CR"},
	{"ttyin/cr->nl", unix.ICRNL, "input flag ICRNL: map CR to NL"},
	{"ttyin/output-flow-ctl", unix.IXON, "input flag IXON: start/stop output flow control"},
	{"ttyin/input-flow-ctl", unix.IXOFF, "input flag IXOFF: start/stop input flow control"},
	{"ttyin/xon-any", unix.IXANY, "input flag IXANY: any character restarts stopped output"},
	{"ttyin/beep-on-overflow", unix.IMAXBEL, "input flag IMAXBEL: ring the bell when the input queue is full"},
	{"ttyin/lowercase", unix.IUCLC, "input flag IUCLC: map upper case to lower case"},
	// Output flags.
	{"ttyout/enable", unix.OPOST, "output flag OPOST: enable output processing"},
	{"ttyout/nl->crnl", unix.ONLCR, "output flag ONLCR: map NL to CR NL"},
	{"ttyout/discard-eot", nil, "#f: Linux has no ONOEOT"},
	{"ttyout/expand-tabs", nil, "#f: Linux has no OXTABS (its tab expansion is ttyout/tab-delayx)"},
	{"ttyout/cr->nl", unix.OCRNL, "output flag OCRNL: map CR to NL"},
	{"ttyout/fill-w/del", unix.OFDEL, "output flag OFDEL: the fill character is DEL"},
	{"ttyout/delay-w/fill-char", unix.OFILL, "output flag OFILL: delay with fill characters"},
	{"ttyout/uppercase", unix.OLCUC, "output flag OLCUC: map lower case to upper case"},
	{"ttyout/nl-does-cr", unix.ONLRET, "output flag ONLRET: NL does a carriage return"},
	{"ttyout/no-col0-cr", unix.ONOCR, "output flag ONOCR: no CR in column 0"},
	{"ttyout/nl-delay", unix.NLDLY, "output mask NLDLY: newline delay"},
	{"ttyout/nl-delay0", unix.NL0, "output value NL0 of ttyout/nl-delay"},
	{"ttyout/nl-delay1", unix.NL1, "output value NL1 of ttyout/nl-delay"},
	{"ttyout/tab-delay", unix.TABDLY, "output mask TABDLY: horizontal tab delay"},
	{"ttyout/tab-delay0", unix.TAB0, "output value TAB0 of ttyout/tab-delay"},
	{"ttyout/tab-delay1", unix.TAB1, "output value TAB1 of ttyout/tab-delay"},
	{"ttyout/tab-delay2", unix.TAB2, "output value TAB2 of ttyout/tab-delay"},
	{"ttyout/tab-delayx", unix.TAB3, "output value TAB3 of ttyout/tab-delay: expand tabs to spaces"},
	{"ttyout/cr-delay", unix.CRDLY, "output mask CRDLY: carriage return delay"},
	{"ttyout/cr-delay0", unix.CR0, "output value CR0 of ttyout/cr-delay"},
	{"ttyout/cr-delay1", unix.CR1, "output value CR1 of ttyout/cr-delay"},
	{"ttyout/cr-delay2", unix.CR2, "output value CR2 of ttyout/cr-delay"},
	{"ttyout/cr-delay3", unix.CR3, "output value CR3 of ttyout/cr-delay"},
	{"ttyout/vtab-delay", unix.VTDLY, "output mask VTDLY: vertical tab delay"},
	{"ttyout/vtab-delay0", unix.VT0, "output value VT0 of ttyout/vtab-delay"},
	{"ttyout/vtab-delay1", unix.VT1, "output value VT1 of ttyout/vtab-delay"},
	{"ttyout/bs-delay", unix.BSDLY, "output mask BSDLY: backspace delay"},
	{"ttyout/bs-delay0", unix.BS0, "output value BS0 of ttyout/bs-delay"},
	{"ttyout/bs-delay1", unix.BS1, "output value BS1 of ttyout/bs-delay"},
	{"ttyout/ff-delay", unix.FFDLY, "output mask FFDLY: form feed delay"},
	{"ttyout/ff-delay0", unix.FF0, "output value FF0 of ttyout/ff-delay"},
	{"ttyout/ff-delay1", unix.FF1, "output value FF1 of ttyout/ff-delay"},
	{"ttyout/all-delay", unix.NLDLY | unix.TABDLY | unix.CRDLY | unix.VTDLY | unix.BSDLY | unix.FFDLY, "the output delay masks together"},
	// Control flags.
	{"ttyc/char-size", unix.CSIZE, "control mask CSIZE: character size"},
	{"ttyc/char-size5", unix.CS5, "control value CS5: 5-bit characters"},
	{"ttyc/char-size6", unix.CS6, "control value CS6: 6-bit characters"},
	{"ttyc/char-size7", unix.CS7, "control value CS7: 7-bit characters"},
	{"ttyc/char-size8", unix.CS8, "control value CS8: 8-bit characters"},
	{"ttyc/2-stop-bits", unix.CSTOPB, "control flag CSTOPB: send two stop bits"},
	{"ttyc/enable-read", unix.CREAD, "control flag CREAD: enable the receiver"},
	{"ttyc/enable-parity", unix.PARENB, "control flag PARENB: generate and check parity"},
	{"ttyc/odd-parity", unix.PARODD, "control flag PARODD: odd parity"},
	{"ttyc/hup-on-close", unix.HUPCL, "control flag HUPCL: hang up on the last close"},
	{"ttyc/no-modem-sync", unix.CLOCAL, "control flag CLOCAL: ignore the modem lines"},
	{"ttyc/ignore-flags", nil, "#f: Linux has no CIGNORE"},
	{"ttyc/CTS-output-flow-ctl", nil, "#f: Linux has no separate CCTS_OFLOW (its CRTSCTS covers both ways)"},
	{"ttyc/RTS-input-flow-ctl", nil, "#f: Linux has no separate CRTS_IFLOW (its CRTSCTS covers both ways)"},
	{"ttyc/carrier-flow-ctl", nil, "#f: Linux has no MDMBUF"},
	// Local flags.
	{"ttyl/visual-delete", unix.ECHOE, "local flag ECHOE: erase characters visually"},
	{"ttyl/echo-delete-line", unix.ECHOK, "local flag ECHOK: echo NL after a line kill"},
	{"ttyl/echo", unix.ECHO, "local flag ECHO: echo input"},
	{"ttyl/echo-nl", unix.ECHONL, "local flag ECHONL: echo NL even when echo is off"},
	{"ttyl/canonical", unix.ICANON, "local flag ICANON: canonical (line by line) input"},
	{"ttyl/enable-signals", unix.ISIG, "local flag ISIG: the interrupt, quit and suspend characters send signals"},
	{"ttyl/extended", unix.IEXTEN, "local flag IEXTEN: extended input processing"},
	{"ttyl/ttou-signal", unix.TOSTOP, "local flag TOSTOP: SIGTTOU on output from the background"},
	{"ttyl/no-flush-on-interrupt", unix.NOFLSH, "local flag NOFLSH: no flush after an interrupt or quit"},
	{"ttyl/visual-delete-line", unix.ECHOKE, "local flag ECHOKE: erase a killed line visually"},
	{"ttyl/hardcopy-delete", unix.ECHOPRT, "local flag ECHOPRT: show erased characters for a hardcopy terminal"},
	{"ttyl/echo-ctl", unix.ECHOCTL, "local flag ECHOCTL: echo control characters as ^X"},
	{"ttyl/flush-output", unix.FLUSHO, "local flag FLUSHO: output is being flushed"},
	{"ttyl/reprint-unread-chars", unix.PENDIN, "local flag PENDIN: retype pending input"},
	{"ttyl/alt-delete-word", nil, "#f: Linux has no ALTWERASE"},
	{"ttyl/no-kernel-status", nil, "#f: Linux has no NOKERNINFO"},
	{"ttyl/case-map", unix.XCASE, "local flag XCASE: canonical upper/lower case presentation"},
}

// numTTYChars is the length of tty-info:control-chars: the kernel's
// termios has this many control characters.
const numTTYChars = len(unix.Termios{}.Cc)

// baudRates are Linux's speed codes and the speeds they stand for, in
// increasing order.
var baudRates = []struct{ code, speed int }{
	{unix.B0, 0}, {unix.B50, 50}, {unix.B75, 75}, {unix.B110, 110}, {unix.B134, 134},
	{unix.B150, 150}, {unix.B200, 200}, {unix.B300, 300}, {unix.B600, 600},
	{unix.B1200, 1200}, {unix.B1800, 1800}, {unix.B2400, 2400}, {unix.B4800, 4800},
	{unix.B9600, 9600}, {unix.B19200, 19200}, {unix.B38400, 38400},
	{unix.B57600, 57600}, {unix.B115200, 115200}, {unix.B230400, 230400},
	{unix.B460800, 460800}, {unix.B500000, 500000}, {unix.B576000, 576000},
	{unix.B921600, 921600}, {unix.B1000000, 1000000}, {unix.B1152000, 1152000},
	{unix.B1500000, 1500000}, {unix.B2000000, 2000000}, {unix.B2500000, 2500000},
	{unix.B3000000, 3000000}, {unix.B3500000, 3500000}, {unix.B4000000, 4000000},
}

// encodeBaud is the speed code of speed: an integer, or exta or extb
// (19200 and 38400, as in <termios.h>).
func encodeBaud(speed interp.Value) (int, bool) {
	if s, ok := speed.(*interp.Symbol); ok {
		switch s.Name {
		case "exta":
			return unix.B19200, true
		case "extb":
			return unix.B38400, true
		}
		return 0, false
	}
	n, ok := speed.(int)
	if !ok {
		return 0, false
	}
	for _, b := range baudRates {
		if b.speed == n {
			return b.code, true
		}
	}
	return 0, false
}

// decodeBaud is the speed of a speed code.
func decodeBaud(code int) (int, bool) {
	for _, b := range baudRates {
		if b.code == code {
			return b.speed, true
		}
	}
	return 0, false
}

// ttyInfoFields are the fields of a tty-info record, in make-%tty-info's
// order less the speed codes (a speed is encoded when it is set).
var ttyInfoFields = []string{"control-chars", "input-flags", "output-flags", "control-flags",
	"local-flags", "input-speed", "output-speed", "min", "time"}

const (
	tiChars = iota
	tiIflag
	tiOflag
	tiCflag
	tiLflag
	tiIspeed
	tiOspeed
	tiMin
	tiTime
)

// ttyFd is a descriptor for a tty procedure: done closes what ttyFdArg
// opened (a file given by name).
type ttyFd struct {
	fd   int
	done func()
}

// ttyFdArg reads argument pos (param, as for argType) of who as a
// terminal: a file descriptor, a port over one (an output port is
// flushed first) or, when names is true, a file name, opened for reading
// (or writing when write is true) without becoming the control terminal.
func (e *scshEnv) ttyFdArg(who string, v interp.Value, pos int, param string, names, write bool) (ttyFd, error) {
	switch x := v.(type) {
	case int:
		if x >= 0 {
			return ttyFd{fd: x, done: func() {}}, nil
		}
	case *interp.Port:
		if x.IsClosed() {
			return ttyFd{}, scshErr(who, "port is closed", v)
		}
		if x.OutputOpen() {
			if err := x.Flush(); err != nil {
				return ttyFd{}, ioErr(who, err)
			}
		}
		if fd := e.portFdes(x); fd >= 0 {
			return ttyFd{fd: fd, done: func() {}}, nil
		}
		return ttyFd{}, scshErr(who, "port is not over a file descriptor", v)
	case *interp.String:
		if names {
			flag := os.O_RDONLY
			if write {
				flag = os.O_WRONLY
			}
			f, err := os.OpenFile(x.String(), flag|syscall.O_NOCTTY, 0)
			if err != nil {
				return ttyFd{}, fileError("open", unwrapPathErr(err), x.String())
			}
			return ttyFd{fd: fileFd(f), done: func() { f.Close() }}, nil
		}
	}
	if names {
		return ttyFd{}, argType(pos, param, "a port, file descriptor or file name", v)
	}
	return ttyFd{}, argType(pos, param, "a port or file descriptor", v)
}

// unwrapPathErr is the errno under an *os.PathError.
func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ioctlRetry makes an ioctl call again when a signal interrupts it.
func ioctlRetry(f func() error) error {
	for {
		err := f()
		if err != unix.EINTR {
			return err
		}
	}
}

// isTTY reports whether fd is a terminal (isatty).
func isTTY(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err == nil
}

func (e *scshEnv) installTTY() {
	it := e.it
	for _, c := range ttyConsts {
		if c.val == nil {
			it.Define(c.name, false)
		} else {
			it.Define(c.name, c.val)
		}
	}
	it.Define("disable-tty-char", interp.Char(0))
	it.Define("num-ttychars", numTTYChars)
	// baud-rates is made when a program first refers to it.
	it.DefineLazy("baud-rates", func(*interp.Interp) (interp.Value, error) {
		rates := make([]interp.Value, 0, len(baudRates)+2)
		for _, b := range baudRates {
			rates = append(rates, interp.Cons(b.code, b.speed))
		}
		rates = append(rates, interp.Cons(unix.B19200, interp.Intern("exta")), interp.Cons(unix.B38400, interp.Intern("extb")))
		return &interp.Vector{Items: rates}, nil
	})

	rt := e.goRecordType("scsh: terminals", "tty-info", ttyInfoFields, func(*interp.Record) string { return "#{tty-info}" })
	infoArg := func(v interp.Value, pos int) (*interp.Record, error) {
		r, ok := v.(*interp.Record)
		if !ok || r.Type != rt {
			return nil, argType(pos, "info", "a tty-info record", v)
		}
		return r, nil
	}
	// speedArg checks a speed given for a tty-info record.
	speedArg := func(v interp.Value, pos int, param string) error {
		if _, ok := encodeBaud(v); !ok {
			return argType(pos, param, "a baud rate Linux knows (0, 50, ... 38400, 57600, ... 4000000, exta, extb)", v)
		}
		return nil
	}

	var rows []interp.Builtin
	for i, f := range ttyInfoFields {
		i, f := i, f
		set := "set-tty-info:" + f
		mod := "modify-tty-info:" + f
		isSpeed := i == tiIspeed || i == tiOspeed
		rows = append(rows,
			interp.Builtin{Name: set, MinArgs: 2, MaxArgs: 2,
				Doc: "(" + set + " info value): set the " + f + " field of info",
				Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					r, err := infoArg(a[0], 1)
					if err != nil {
						return nil, err
					}
					if isSpeed {
						if err := speedArg(a[1], 2, "value"); err != nil {
							return nil, err
						}
					}
					r.Fields[i] = a[1]
					return interp.Unspecified, nil
				}},
			interp.Builtin{Name: mod, MinArgs: 2, MaxArgs: 2,
				Doc: "(" + mod + " info proc): set the " + f + " field of info to (proc old-value)",
				Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					r, err := infoArg(a[0], 1)
					if err != nil {
						return nil, err
					}
					v, err := e.call(a[1], r.Fields[i])
					if err != nil {
						return nil, err
					}
					if isSpeed {
						if err := speedArg(v, 2, "proc's value"); err != nil {
							return nil, err
						}
					}
					r.Fields[i] = v
					return interp.Unspecified, nil
				}})
	}
	// readInfo is tcgetattr of fd as a tty-info record.
	readInfo := func(fd int, arg interp.Value) (interp.Value, error) {
		var t *unix.Termios
		err := ioctlRetry(func() (err error) { t, err = unix.IoctlGetTermios(fd, unix.TCGETS); return })
		if err != nil {
			return nil, syscallError("tcgetattr", err, arg)
		}
		cc := make([]rune, numTTYChars)
		for i, c := range t.Cc {
			cc[i] = rune(c)
		}
		ocode := int(t.Cflag & unix.CBAUD)
		icode := int(t.Cflag&unix.CIBAUD) >> unix.IBSHIFT
		if icode == 0 {
			icode = ocode
		}
		speed := func(code int) interp.Value {
			if s, ok := decodeBaud(code); ok {
				return s
			}
			return false
		}
		return &interp.Record{Type: rt, Fields: []interp.Value{
			interp.NewStringRunes(cc), int(t.Iflag), int(t.Oflag), int(t.Cflag), int(t.Lflag),
			speed(icode), speed(ocode), int(t.Cc[unix.VMIN]), int(t.Cc[unix.VTIME])}}, nil
	}
	// writeInfo is tcsetattr(fd, req, info).
	writeInfo := func(who string, fd int, req uint, r *interp.Record, arg interp.Value) error {
		flag := func(i int, param string) (uint32, error) {
			n, ok := r.Fields[i].(int)
			if !ok || n < 0 || n > 0xffffffff {
				return 0, scshErr(who, "the "+param+" of the tty-info record are not a 32-bit flag set", r.Fields[i])
			}
			return uint32(n), nil
		}
		byteField := func(i int, param string) (uint8, error) {
			n, ok := r.Fields[i].(int)
			if !ok || n < 0 || n > 255 {
				return 0, scshErr(who, "the "+param+" of the tty-info record is not a byte (0-255)", r.Fields[i])
			}
			return uint8(n), nil
		}
		var t unix.Termios
		if cur, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			t.Line = cur.Line
		} else {
			return syscallError("tcgetattr", err, arg)
		}
		cc, ok := r.Fields[tiChars].(*interp.String)
		if !ok || cc.Len() < numTTYChars {
			return scshErr(who, "the control-chars of the tty-info record are not a string of "+strconv.Itoa(numTTYChars)+" characters", r.Fields[tiChars])
		}
		for i := range t.Cc {
			c := cc.At(i)
			if c > 255 {
				return scshErr(who, "control character "+strconv.Itoa(i)+" of the tty-info record is not a byte", interp.Char(c))
			}
			t.Cc[i] = uint8(c)
		}
		var err error
		for _, f := range []struct {
			dst   *uint32
			i     int
			param string
		}{{&t.Iflag, tiIflag, "input-flags"}, {&t.Oflag, tiOflag, "output-flags"}, {&t.Cflag, tiCflag, "control-flags"}, {&t.Lflag, tiLflag, "local-flags"}} {
			if *f.dst, err = flag(f.i, f.param); err != nil {
				return err
			}
		}
		if t.Cc[unix.VMIN], err = byteField(tiMin, "min"); err != nil {
			return err
		}
		if t.Cc[unix.VTIME], err = byteField(tiTime, "time"); err != nil {
			return err
		}
		icode, iok := encodeBaud(r.Fields[tiIspeed])
		ocode, ook := encodeBaud(r.Fields[tiOspeed])
		if !iok || !ook {
			return scshErr(who, "the tty-info record's speeds are not baud rates Linux knows", r.Fields[tiIspeed], r.Fields[tiOspeed])
		}
		t.Cflag &^= unix.CBAUD | unix.CIBAUD
		t.Cflag |= uint32(ocode)
		if icode != ocode {
			t.Cflag |= uint32(icode) << unix.IBSHIFT
		}
		t.Ispeed, t.Ospeed = 0, 0
		// TCSETSW and TCSETSF wait for the output to drain: other threads
		// run meanwhile.
		if err := it.Blocking(func() error { return ioctlRetry(func() error { return unix.IoctlSetTermios(fd, req, &t) }) }); err != nil {
			return syscallError("tcsetattr", err, arg)
		}
		return nil
	}
	// withTTY runs f on the descriptor of argument i of a (default: the
	// current input or output port).
	withTTY := func(who string, a []interp.Value, i int, out, names bool, f func(fd int, arg interp.Value) (interp.Value, error)) (interp.Value, error) {
		var v interp.Value
		if i < len(a) && a[i] != interp.DefaultObject {
			v = a[i]
		} else if out {
			v = it.CurrentOutput()
		} else {
			v = it.CurrentInput()
		}
		t, err := e.ttyFdArg(who, v, i+1, "tty", names, out)
		if err != nil {
			return nil, err
		}
		defer t.done()
		return f(t.fd, v)
	}
	setter := func(name string, req uint, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := infoArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				return withTTY(name, a, 0, false, true, func(fd int, arg interp.Value) (interp.Value, error) {
					return interp.Unspecified, writeInfo(name, fd, req, r, arg)
				})
			}}
	}
	// ioctlProc is a procedure of an optional terminal (default: the
	// current input port, or output port when out) making one ioctl.
	ioctlProc := func(name, call string, out bool, req uint, arg int, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 0, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return withTTY(name, a, 0, out, true, func(fd int, v interp.Value) (interp.Value, error) {
					if err := it.Blocking(func() error { return ioctlRetry(func() error { return unix.IoctlSetInt(fd, req, arg) }) }); err != nil {
						return nil, syscallError(call, err, v)
					}
					return interp.Unspecified, nil
				})
			}}
	}
	rows = append(rows,
		interp.Builtin{Name: "make-tty-info", MinArgs: 8, MaxArgs: 8,
			Doc: "(make-tty-info iflags oflags cflags lflags ispeed ospeed min time): a tty-info record, control characters all 0",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				names := []string{"iflags", "oflags", "cflags", "lflags"}
				for i, n := range names {
					if v, ok := a[i].(int); !ok || v < 0 {
						return nil, argType(i+1, n, "a flag set (a non-negative exact integer)", a[i])
					}
				}
				if err := speedArg(a[4], 5, "ispeed"); err != nil {
					return nil, err
				}
				if err := speedArg(a[5], 6, "ospeed"); err != nil {
					return nil, err
				}
				for i, n := range []string{"min", "time"} {
					if v, ok := a[6+i].(int); !ok || v < 0 || v > 255 {
						return nil, argType(7+i, n, "a byte (an exact integer 0-255)", a[6+i])
					}
				}
				return &interp.Record{Type: rt, Fields: []interp.Value{
					interp.MakeString(numTTYChars, 0), a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]}}, nil
			}},
		interp.Builtin{Name: "copy-tty-info", MinArgs: 1, MaxArgs: 1,
			Doc: "(copy-tty-info info): a new tty-info record with info's settings (and a copy of its control characters)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := infoArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				fields := append([]interp.Value(nil), r.Fields...)
				if s, ok := fields[tiChars].(*interp.String); ok {
					fields[tiChars] = s.Slice(0, s.Len())
				}
				return &interp.Record{Type: rt, Fields: fields}, nil
			}},
		interp.Builtin{Name: "tty-info", MinArgs: 0, MaxArgs: 1,
			Doc: "(tty-info [tty]): a tty-info record of the settings of a terminal (port, fd or file name; default the current input)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return withTTY("tty-info", a, 0, false, true, func(fd int, v interp.Value) (interp.Value, error) {
					if !isTTY(fd) {
						return nil, scshErr("tty-info", "argument is not a terminal", v)
					}
					return readInfo(fd, v)
				})
			}},
		setter("set-tty-info/now", unix.TCSETS, "(set-tty-info/now tty info): give the terminal tty (port, descriptor or file name) info's settings at once"),
		setter("set-tty-info/drain", unix.TCSETSW, "(set-tty-info/drain tty info): give the terminal tty info's settings once its output has been sent"),
		setter("set-tty-info/flush", unix.TCSETSF, "(set-tty-info/flush tty info): give the terminal tty info's settings once its output has been sent, discarding unread input"),
		interp.Builtin{Name: "send-tty-break", MinArgs: 0, MaxArgs: 2,
			Doc: "(send-tty-break [tty duration]): send a break on the terminal (default the current output port) for duration (0: the usual)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				d, err := intArg(a, 1, "duration", 0)
				if err != nil {
					return nil, err
				}
				return withTTY("send-tty-break", a, 0, true, true, func(fd int, v interp.Value) (interp.Value, error) {
					// tcsendbreak: TCSBRK 0 for the default, else TCSBRKP in
					// tenths of a second, as glibc does for a duration in ms.
					f := func() error { return unix.IoctlSetInt(fd, unix.TCSBRK, 0) }
					if d > 0 {
						f = func() error { return unix.IoctlSetInt(fd, unix.TCSBRKP, (d+99)/100) }
					}
					if err := it.Blocking(func() error { return ioctlRetry(f) }); err != nil {
						return nil, syscallError("tcsendbreak", err, v)
					}
					return interp.Unspecified, nil
				})
			}},
		ioctlProc("drain-tty", "tcdrain", true, unix.TCSBRK, 1, "(drain-tty [tty]): wait until the output written to the terminal (default the current output port, flushed first) has been sent"),
		ioctlProc("flush-tty/input", "tcflush", false, unix.TCFLSH, unix.TCIFLUSH, "(flush-tty/input [tty]): discard the terminal's unread input (default the current input port)"),
		ioctlProc("flush-tty/output", "tcflush", true, unix.TCFLSH, unix.TCOFLUSH, "(flush-tty/output [tty]): discard the terminal's unsent output (default the current output port)"),
		ioctlProc("flush-tty/both", "tcflush", false, unix.TCFLSH, unix.TCIOFLUSH, "(flush-tty/both [tty]): discard the terminal's unread input and unsent output (default the current input port)"),
		ioctlProc("start-tty-output", "tcflow", true, unix.TCXONC, unix.TCOON, "(start-tty-output [tty]): restart suspended output on the terminal (default the current output port)"),
		ioctlProc("stop-tty-output", "tcflow", true, unix.TCXONC, unix.TCOOFF, "(stop-tty-output [tty]): suspend output on the terminal (default the current output port)"),
		ioctlProc("start-tty-input", "tcflow", false, unix.TCXONC, unix.TCION, "(start-tty-input [tty]): send the START character to the terminal (default the current input port)"),
		ioctlProc("stop-tty-input", "tcflow", false, unix.TCXONC, unix.TCIOFF, "(stop-tty-input [tty]): send the STOP character to the terminal (default the current input port)"),
		interp.Builtin{Name: "encode-baud-rate", MinArgs: 1, MaxArgs: 1,
			Doc: "(encode-baud-rate speed): Linux's speed code for speed (9600 -> the value of B9600); exta and extb are 19200 and 38400",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, ok := encodeBaud(a[0])
				if !ok {
					return nil, scshErr("encode-baud-rate", "unknown baud rate", a[0])
				}
				return c, nil
			}},
		interp.Builtin{Name: "decode-baud-rate", MinArgs: 1, MaxArgs: 1,
			Doc: "(decode-baud-rate code): the speed for a Linux speed code (the value of B9600 -> 9600)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if n, ok := a[0].(int); ok {
					if s, ok := decodeBaud(n); ok {
						return s, nil
					}
				}
				return nil, scshErr("decode-baud-rate", "unknown baud rate code", a[0])
			}},
		interp.Builtin{Name: "tty-process-group", MinArgs: 1, MaxArgs: 1,
			Doc: "(tty-process-group tty): the foreground process group of the terminal (port, descriptor or file name)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return withTTY("tty-process-group", a, 0, false, true, func(fd int, v interp.Value) (interp.Value, error) {
					var pg int
					err := ioctlRetry(func() (err error) { pg, err = unix.IoctlGetInt(fd, unix.TIOCGPGRP); return })
					if err != nil {
						return nil, syscallError("tcgetpgrp", err, v)
					}
					return pg, nil
				})
			}},
		interp.Builtin{Name: "set-tty-process-group", MinArgs: 2, MaxArgs: 2,
			Doc: "(set-tty-process-group tty pgrp): make the process group pgrp (an integer or a process object) the terminal's foreground group",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pg, ok := a[1].(int)
				if !ok {
					isProc, _ := it.Lookup("proc?")
					pidOf, _ := it.Lookup("proc:pid")
					if yes, err := e.call(isProc, a[1]); err != nil || yes != true {
						return nil, argType(2, "pgrp", "a process group id or a process object", a[1])
					}
					v, err := e.call(pidOf, a[1])
					if err != nil {
						return nil, err
					}
					pg, _ = v.(int)
				}
				return withTTY("set-tty-process-group", a, 0, false, true, func(fd int, v interp.Value) (interp.Value, error) {
					if err := ioctlRetry(func() error { return unix.IoctlSetPointerInt(fd, unix.TIOCSPGRP, pg) }); err != nil {
						return nil, syscallError("tcsetpgrp", err, v, pg)
					}
					return interp.Unspecified, nil
				})
			}},
		interp.Builtin{Name: "open-control-tty", MinArgs: 1, MaxArgs: 2,
			Doc: "(open-control-tty name [flags]): open a terminal to become the control terminal of a session leader without one; a port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				flags, err := intArg(a, 1, "flags", os.O_RDWR)
				if err != nil {
					return nil, err
				}
				f, err := os.OpenFile(name.String(), flags&^syscall.O_NOCTTY, 0)
				if err != nil {
					return nil, fileError("open", unwrapPathErr(err), name.String())
				}
				if flags&syscall.O_ACCMODE == os.O_WRONLY {
					return interp.NewOutputPort(f, name.String()), nil
				}
				return interp.NewInputPort(f, name.String()), nil
			}},
		interp.Builtin{Name: "make-control-tty", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-control-tty tty): make the terminal (port or descriptor) the control terminal of this session leader",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return withTTY("make-control-tty", a, 0, false, false, func(fd int, v interp.Value) (interp.Value, error) {
					if err := ioctlRetry(func() error { return unix.IoctlSetInt(fd, unix.TIOCSCTTY, 0) }); err != nil {
						return nil, syscallError("make-control-tty", err, v)
					}
					return interp.Unspecified, nil
				})
			}},
		interp.Builtin{Name: "tty?", MinArgs: 1, MaxArgs: 1,
			Doc: "(tty? fd/port): whether the file descriptor or port is open on a terminal (#f for a port over no descriptor)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := e.ttyFdArg("tty?", a[0], 0, "fd/port", false, false)
				if err != nil {
					if p, ok := a[0].(*interp.Port); ok && !p.IsClosed() {
						return false, nil
					}
					return nil, err
				}
				defer t.done()
				return isTTY(t.fd), nil
			}},
		interp.Builtin{Name: "tty-file-name", MinArgs: 1, MaxArgs: 1,
			Doc: "(tty-file-name fd/port): the file name of the terminal the descriptor or port is open on",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := e.ttyFdArg("tty-file-name", a[0], 0, "fd/port", false, false)
				if err != nil {
					return nil, err
				}
				defer t.done()
				if !isTTY(t.fd) {
					return nil, syscallError("ttyname", unix.ENOTTY, a[0])
				}
				name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(t.fd))
				if err != nil {
					return nil, syscallError("ttyname", unwrapPathErr(err), a[0])
				}
				return interp.NewString(name), nil
			}},
		interp.Builtin{Name: "control-tty-file-name", MinArgs: 0, MaxArgs: 0,
			Doc: "(control-tty-file-name): the file name of the process's control terminal (ctermid: \"/dev/tty\")",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.NewString("/dev/tty"), nil
			}},
	)
	it.DefineBuiltins("scsh: terminals", rows...)
	it.DefineBuiltins("scsh: terminals", e.ptyBuiltins()...)
	it.Document("scsh: terminals", ttyDocs...)
}

// ttyDocs documents the terminal constants and variables.
var ttyDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, 0, len(ttyConsts)+4)
	for _, c := range ttyConsts {
		lines = append(lines, interp.DocLine{Name: c.name, Doc: c.name + ": " + c.doc})
	}
	return append(lines,
		interp.DocLine{Name: "type/tty-info", Doc: "type/tty-info: the record type of tty-info records"},
		interp.DocLine{Name: "disable-tty-char", Doc: "disable-tty-char: the control character value that disables a function (#\\x0)"},
		interp.DocLine{Name: "num-ttychars", Doc: "num-ttychars: the length of tty-info:control-chars (" + strconv.Itoa(numTTYChars) + ")"},
		interp.DocLine{Name: "baud-rates", Doc: "baud-rates: a vector of (code . speed) pairs, Linux's speed codes and speeds"},
	)
}()
