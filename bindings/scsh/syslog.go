package scsh

import (
	_ "embed"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"popsh/interp"
)

// syslog: scsh's interface to the system log (Scheme48's syslog
// interface and scsh's channels). Messages go to the local syslog daemon
// through the socket /dev/log, as syslog(3) sends them: a datagram
// "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE", or the same ended by a NUL
// on a stream socket.

//go:embed scm/syslog.scm
var syslogPrelude string

var syslogLibrary = interp.NewLazyLibrary("syslog.scm", syslogPrelude)

// syslogKey is the interpreter local holding the *syslogState.
const syslogKey = "popsh/bindings/scsh/syslog"

// syslogEnum is one of the enumerations: its names in order and the
// value syslog(3) has for each.
type syslogEnum struct {
	kind  string // syslog-option, syslog-facility, syslog-level
	names []string
	codes []int
	rt    *interp.RecordType
	vals  []*interp.Record
}

// syslog(3)'s numbers (<syslog.h>).
const (
	logPID    = 0x01
	logCons   = 0x02
	logODelay = 0x04
	logNDelay = 0x08
	logUser   = 1 << 3
)

func newSyslogEnum(kind string, names []string, codes []int) *syslogEnum {
	en := &syslogEnum{kind: kind, names: names, codes: codes}
	en.rt = &interp.RecordType{Name: kind, Fields: []*interp.Symbol{interp.Intern("name")},
		Printer: func(r *interp.Record) string { return "#{" + kind + " " + interp.DisplayString(r.Fields[0]) + "}" }}
	for _, n := range names {
		en.vals = append(en.vals, &interp.Record{Type: en.rt, Fields: []interp.Value{interp.Intern(n)}})
	}
	return en
}

// index is the position of v among the values, or -1.
func (en *syslogEnum) index(v interp.Value) int {
	if r, ok := v.(*interp.Record); ok && r.Type == en.rt {
		for i, x := range en.vals {
			if x == r {
				return i
			}
		}
	}
	return -1
}

// byName is the value named name.
func (en *syslogEnum) byName(name string) (*interp.Record, bool) {
	for i, n := range en.names {
		if n == name {
			return en.vals[i], true
		}
	}
	return nil, false
}

// syslogSet is an enum-set type over an enumeration: a record holding
// the bit set of the members' indexes.
type syslogSet struct {
	kind string // syslog-options, syslog-mask
	of   *syslogEnum
	rt   *interp.RecordType
}

func newSyslogSet(kind string, of *syslogEnum) *syslogSet {
	s := &syslogSet{kind: kind, of: of}
	s.rt = &interp.RecordType{Name: kind, Fields: []*interp.Symbol{interp.Intern("members")},
		Printer: func(r *interp.Record) string {
			parts := []string{"#{" + kind}
			bits := r.Fields[0].(int)
			for i, n := range of.names {
				if bits&(1<<i) != 0 {
					parts = append(parts, n)
				}
			}
			return strings.Join(parts, " ") + "}"
		}}
	return s
}

func (s *syslogSet) make(bits int) *interp.Record {
	return &interp.Record{Type: s.rt, Fields: []interp.Value{bits}}
}

// bits are the members of v, a set of this type.
func (s *syslogSet) bits(v interp.Value) (int, bool) {
	if r, ok := v.(*interp.Record); ok && r.Type == s.rt {
		return r.Fields[0].(int), true
	}
	return 0, false
}

// fromList is the set of the values in list, argument pos of who.
func (s *syslogSet) fromList(list interp.Value, pos int) (*interp.Record, error) {
	items, ok := interp.ListToSlice(list)
	if !ok {
		return nil, argType(pos, "list", "a list of "+s.of.kind+" values", list)
	}
	bits := 0
	for _, x := range items {
		i := s.of.index(x)
		if i < 0 {
			return nil, argType(pos, "list", "a list of "+s.of.kind+" values", list)
		}
		bits |= 1 << i
	}
	return s.make(bits), nil
}

// syslogState is an interpreter's connection to the log (openlog's
// state in syslog(3)).
type syslogState struct {
	// path is the daemon's socket (/dev/log; tests use their own).
	path string
	conn net.Conn
	// stream: conn is a stream socket (messages end with a NUL).
	stream bool
	// open is the channel the connection was opened for, or nil.
	open *interp.Record
}

// connect opens the connection to the daemon: a datagram socket, or a
// stream socket when the daemon's is one.
func (st *syslogState) connect() error {
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: st.path, Net: "unixgram"})
	if err == nil {
		st.conn, st.stream = c, false
		return nil
	}
	if !errors.Is(err, syscall.EPROTOTYPE) {
		return err
	}
	s, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: st.path, Net: "unix"})
	if err != nil {
		return err
	}
	st.conn, st.stream = s, true
	return nil
}

func (st *syslogState) disconnect() {
	if st.conn != nil {
		st.conn.Close()
		st.conn = nil
	}
}

// send writes one message, reconnecting once if the connection fails
// (the daemon restarted). It reports whether the daemon got it.
func (st *syslogState) send(msg string) bool {
	for try := 0; try < 2; try++ {
		if st.conn == nil {
			if st.connect() != nil {
				return false
			}
		}
		b := []byte(msg)
		if st.stream {
			b = append(b, 0)
		}
		if _, err := st.conn.Write(b); err == nil {
			return true
		}
		st.disconnect()
	}
	return false
}

// Channel record fields.
const (
	chIdent = iota
	chOptions
	chFacility
	chMask
)

func (e *scshEnv) installSyslog() {
	it := e.it
	st := &syslogState{path: "/dev/log"}
	it.SetLocal(syslogKey, st)

	options := newSyslogEnum("syslog-option", []string{"console", "delay", "no-delay", "log-pid"},
		[]int{logCons, logODelay, logNDelay, logPID})
	facilities := newSyslogEnum("syslog-facility",
		[]string{"authorization", "cron", "daemon", "kernel", "lpr", "mail", "news", "user", "uucp",
			"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"},
		[]int{4 << 3, 9 << 3, 3 << 3, 0, 6 << 3, 2 << 3, 7 << 3, 1 << 3, 8 << 3,
			16 << 3, 17 << 3, 18 << 3, 19 << 3, 20 << 3, 21 << 3, 22 << 3, 23 << 3})
	levels := newSyslogEnum("syslog-level", []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"},
		[]int{0, 1, 2, 3, 4, 5, 6, 7})
	optionSet := newSyslogSet("syslog-options", options)
	maskSet := newSyslogSet("syslog-mask", levels)
	maskAll := maskSet.make(1<<len(levels.names) - 1)

	chType := &interp.RecordType{Name: "syslog-channel",
		Fields: []*interp.Symbol{interp.Intern("ident"), interp.Intern("options"), interp.Intern("facility"), interp.Intern("mask")},
		Printer: func(r *interp.Record) string {
			return "#{syslog-channel " + interp.DisplayString(r.Fields[chIdent]) + "}"
		}}
	// channelArgs checks ident options facility mask (the arguments from
	// position pos); when base is not nil, #f stands for base's field.
	channelArgs := func(a []interp.Value, pos int, base *interp.Record) (*interp.Record, error) {
		f := make([]interp.Value, 4)
		checks := []struct {
			param, want string
			ok          func(interp.Value) bool
		}{
			{"ident", "a string", func(v interp.Value) bool { _, ok := v.(*interp.String); return ok }},
			{"options", "a syslog-options set", func(v interp.Value) bool { _, ok := optionSet.bits(v); return ok }},
			{"facility", "a syslog-facility", func(v interp.Value) bool { return facilities.index(v) >= 0 }},
			{"mask", "a syslog-mask", func(v interp.Value) bool { _, ok := maskSet.bits(v); return ok }},
		}
		for i, c := range checks {
			v := a[i]
			if base != nil && v == false {
				f[i] = base.Fields[i]
				continue
			}
			if !c.ok(v) {
				want := c.want
				if base != nil {
					want += " or #f"
				}
				return nil, argType(pos+i, c.param, want, v)
			}
			f[i] = v
		}
		return &interp.Record{Type: chType, Fields: f}, nil
	}
	chArg := func(v interp.Value, pos int) (*interp.Record, error) {
		r, ok := v.(*interp.Record)
		if !ok || r.Type != chType {
			return nil, argType(pos, "channel", "a syslog channel", v)
		}
		return r, nil
	}
	// equivalent: the same connection serves both channels (the facility
	// goes with each message).
	equivalent := func(a, b *interp.Record) bool {
		if a == nil || b == nil {
			return false
		}
		return a.Fields[chIdent].(*interp.String).String() == b.Fields[chIdent].(*interp.String).String() &&
			a.Fields[chOptions].(*interp.Record).Fields[0] == b.Fields[chOptions].(*interp.Record).Fields[0] &&
			a.Fields[chMask].(*interp.Record).Fields[0] == b.Fields[chMask].(*interp.Record).Fields[0]
	}
	optionBits := func(ch *interp.Record) int {
		set, _ := optionSet.bits(ch.Fields[chOptions])
		bits := 0
		for i, c := range options.codes {
			if set&(1<<i) != 0 {
				bits |= c
			}
		}
		return bits
	}
	// useChannel makes ch the open channel (openlog), connecting at once
	// under no-delay.
	useChannel := func(ch *interp.Record) {
		if equivalent(st.open, ch) {
			return
		}
		st.disconnect()
		st.open = ch
		if optionBits(ch)&logNDelay != 0 {
			st.connect()
		}
	}
	// write logs message at level (an index) through ch, as syslog(3).
	write := func(ch *interp.Record, level int, message string) {
		useChannel(ch)
		mask, _ := maskSet.bits(ch.Fields[chMask])
		if mask&(1<<level) == 0 {
			return
		}
		fac := facilities.codes[facilities.index(ch.Fields[chFacility])]
		if fac == 0 {
			fac = logUser // a process cannot log as the kernel
		}
		opts := optionBits(ch)
		head := "<" + strconv.Itoa(fac|levels.codes[level]) + ">" + time.Now().Format("Jan _2 15:04:05") + " "
		body := ch.Fields[chIdent].(*interp.String).String()
		if opts&logPID != 0 {
			body += "[" + strconv.Itoa(os.Getpid()) + "]"
		}
		body += ": " + message
		if st.send(head+body) || opts&logCons == 0 {
			return
		}
		if f, err := os.OpenFile("/dev/console", os.O_WRONLY|syscall.O_NOCTTY, 0); err == nil {
			f.WriteString(body + "\r\n")
			f.Close()
		}
	}

	dynamic := it.NewParameter(interp.List(&interp.Record{Type: chType, Fields: []interp.Value{
		interp.NewString("popsh"), optionSet.make(0), facilities.vals[7], maskAll}}))
	it.Define("%syslog-channel", dynamic)
	current := func() *interp.Pair {
		p, _ := dynamic.Value().(*interp.Pair)
		return p
	}
	currentChannel := func() (*interp.Record, error) {
		if p := current(); p != nil {
			if r, ok := p.Car.(*interp.Record); ok && r.Type == chType {
				return r, nil
			}
		}
		return nil, scshErr("syslog", "the current syslog channel is not a channel")
	}

	// The syntax (syslog-level info), (syslog-options console log-pid)
	// ...: the value, checked when the form is expanded.
	enumMacro := func(en *syslogEnum) {
		it.DefineMacro(en.kind, func(form interp.Value) (interp.Value, error) {
			items, _ := interp.ListToSlice(form)
			if len(items) != 2 {
				return nil, scshErr(en.kind, "expected ("+en.kind+" name)", form)
			}
			if s, ok := items[1].(*interp.Symbol); ok {
				if v, ok := en.byName(s.Name); ok {
					return interp.List(interp.Intern("quote"), v), nil
				}
			}
			return nil, scshErr(en.kind, "unknown name (one of "+strings.Join(en.names, ", ")+")", items[1])
		})
	}
	setMacro := func(s *syslogSet) {
		it.DefineMacro(s.kind, func(form interp.Value) (interp.Value, error) {
			items, ok := interp.ListToSlice(form)
			if !ok {
				return nil, scshErr(s.kind, "expected ("+s.kind+" name ...)", form)
			}
			bits := 0
			for _, x := range items[1:] {
				sym, ok := x.(*interp.Symbol)
				if !ok {
					return nil, scshErr(s.kind, "expected a "+s.of.kind+" name", x)
				}
				v, ok := s.of.byName(sym.Name)
				if !ok {
					return nil, scshErr(s.kind, "unknown name (one of "+strings.Join(s.of.names, ", ")+")", x)
				}
				bits |= 1 << s.of.index(v)
			}
			return interp.List(interp.Intern("quote"), s.make(bits)), nil
		})
	}
	enumMacro(options)
	enumMacro(facilities)
	enumMacro(levels)
	setMacro(optionSet)
	setMacro(maskSet)
	it.Define("syslog-mask-all", maskAll)

	pred := func(name string, rt *interp.RecordType, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				return ok && r.Type == rt, nil
			}}
	}
	it.DefineBuiltins("scsh: syslog",
		pred("syslog-option?", options.rt, "(syslog-option? obj): whether obj is a syslog option"),
		pred("syslog-options?", optionSet.rt, "(syslog-options? obj): whether obj is a set of syslog options"),
		pred("syslog-facility?", facilities.rt, "(syslog-facility? obj): whether obj is a syslog facility"),
		pred("syslog-level?", levels.rt, "(syslog-level? obj): whether obj is a syslog level"),
		pred("syslog-mask?", maskSet.rt, "(syslog-mask? obj): whether obj is a syslog mask (a set of levels)"),
		interp.Builtin{Name: "make-syslog-options", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-syslog-options list): the set of the syslog options in list",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return optionSet.fromList(a[0], 0)
			}},
		interp.Builtin{Name: "make-syslog-mask", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-syslog-mask list): the mask of the syslog levels in list",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return maskSet.fromList(a[0], 0)
			}},
		interp.Builtin{Name: "syslog-mask-upto", MinArgs: 1, MaxArgs: 1,
			Doc: "(syslog-mask-upto level): the mask of level and the more urgent levels",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				i := levels.index(a[0])
				if i < 0 {
					return nil, argType(0, "level", "a syslog-level", a[0])
				}
				return maskSet.make(1<<(i+1) - 1), nil
			}},
		interp.Builtin{Name: "open-syslog-channel", MinArgs: 4, MaxArgs: 4,
			Doc: "(open-syslog-channel ident options facility mask): a syslog channel with these settings",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return channelArgs(a, 1, nil)
			}},
		interp.Builtin{Name: "close-syslog-channel", MinArgs: 1, MaxArgs: 1,
			Doc: "(close-syslog-channel channel): close the connection to the log if channel's is the open one",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ch, err := chArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				if equivalent(st.open, ch) {
					st.disconnect()
					st.open = nil
				}
				return interp.Unspecified, nil
			}},
		interp.Builtin{Name: "with-syslog-channel", MinArgs: 2, MaxArgs: 2,
			Doc: "(with-syslog-channel channel thunk): open the log connection for channel, then call thunk",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ch, err := chArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				useChannel(ch)
				return e.call(a[1])
			}},
		interp.Builtin{Name: "set-syslog-channel!", MinArgs: 1, MaxArgs: 1,
			Doc: "(set-syslog-channel! channel): make channel the one syslog uses by default",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ch, err := chArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				current().Car = ch
				return interp.Unspecified, nil
			}},
		interp.Builtin{Name: "%syslog-change-channel", MinArgs: 4, MaxArgs: 4,
			Doc: "(%syslog-change-channel ident options facility mask): the current channel with the settings that are not #f changed",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cur, err := currentChannel()
				if err != nil {
					return nil, err
				}
				return channelArgs(a, 1, cur)
			}},
		interp.Builtin{Name: "set-syslog-destination!", MinArgs: 4, MaxArgs: 4,
			Doc: "(set-syslog-destination! ident options facility mask): change the default channel's settings that are not #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				cur, err := currentChannel()
				if err != nil {
					return nil, err
				}
				ch, err := channelArgs(a, 1, cur)
				if err != nil {
					return nil, err
				}
				current().Car = ch
				return interp.Unspecified, nil
			}},
		interp.Builtin{Name: "syslog", MinArgs: 2, MaxArgs: 6,
			Doc: "(syslog level message [ident options facility mask]): send message to the system log; or (syslog level message channel)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				level := levels.index(a[0])
				if level < 0 {
					return nil, argType(1, "level", "a syslog-level", a[0])
				}
				msg, err := str(a[1], 2, "message")
				if err != nil {
					return nil, err
				}
				cur, err := currentChannel()
				if err != nil {
					return nil, err
				}
				ch := cur
				switch rest := a[2:]; len(rest) {
				case 0:
				case 1:
					if ch, err = chArg(rest[0], 3); err != nil {
						return nil, err
					}
				case 3, 4:
					args := append(append([]interp.Value(nil), rest...), false)
					if ch, err = channelArgs(args[:4], 3, cur); err != nil {
						return nil, err
					}
				default:
					return nil, scshErr("syslog", "expected a channel, or ident options facility [mask], after the message")
				}
				write(ch, level, msg.String())
				return interp.Unspecified, nil
			}},
	)
	syslogLibrary.Install(it)
	it.Document("scsh: syslog",
		interp.DocLine{Name: "syslog-option", Doc: "(syslog-option name): the syslog option name: console, delay, no-delay or log-pid"},
		interp.DocLine{Name: "syslog-options", Doc: "(syslog-options name ...): the set of the syslog options named"},
		interp.DocLine{Name: "syslog-facility", Doc: "(syslog-facility name): the facility name: authorization cron daemon kernel lpr mail news user uucp local0 ... local7"},
		interp.DocLine{Name: "syslog-level", Doc: "(syslog-level name): the level name: emergency alert critical error warning notice info debug"},
		interp.DocLine{Name: "syslog-mask", Doc: "(syslog-mask name ...): the mask of the syslog levels named"},
		interp.DocLine{Name: "syslog-mask-all", Doc: "syslog-mask-all: the mask of every syslog level"},
		interp.DocLine{Name: "with-syslog-destination", Doc: "(with-syslog-destination ident options facility mask thunk): call thunk with syslog's default channel changed where the settings are not #f"},
	)
}
