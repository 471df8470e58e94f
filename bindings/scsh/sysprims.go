package scsh

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"popsh/interp"
)

func userLoginName() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

func systemName() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

// stringOf is a procedure of no arguments returning the string f gives.
func stringOf(name string, f func() string, doc string) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 0, MaxArgs: 0, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			return interp.NewString(f()), nil
		}}
}

// userMailAddress is $REPLYTO, else user@host.
func userMailAddress() string {
	if r := os.Getenv("REPLYTO"); r != "" {
		return r
	}
	return userLoginName() + "@" + systemName()
}

// dateType is the record type of scsh dates.
var dateFields = []string{"seconds", "minute", "hour", "month-day", "month", "year", "tz-name", "tz-secs", "summer?", "week-day", "year-day"}

// dateAccessors are the date:FIELD procedures (date:second is scsh's other
// spelling of date:seconds).
var dateAccessors = []struct {
	name  string
	field int
	doc   string
}{
	{"date:seconds", 0, "(date:seconds date): the seconds of date (0-60)"},
	{"date:second", 0, "(date:second date): the seconds of date (0-60)"},
	{"date:minute", 1, "(date:minute date): the minute of date (0-59)"},
	{"date:hour", 2, "(date:hour date): the hour of date (0-23)"},
	{"date:month-day", 3, "(date:month-day date): the day of the month of date (1-31)"},
	{"date:month", 4, "(date:month date): the month of date (0-11)"},
	{"date:year", 5, "(date:year date): the year of date minus 1900"},
	{"date:tz-name", 6, "(date:tz-name date): the time zone name of date, or #f"},
	{"date:tz-secs", 7, "(date:tz-secs date): the time zone offset of date in seconds east of UTC, or #f"},
	{"date:summer?", 8, "(date:summer? date): whether date is in summer time"},
	{"date:week-day", 9, "(date:week-day date): the day of the week of date (0 is Sunday)"},
	{"date:year-day", 10, "(date:year-day date): the day of the year of date (0-365)"},
}

func (e *scshEnv) dateType() *interp.RecordType {
	v, _ := e.it.Lookup("type/date")
	if rt, ok := v.(*interp.RecordType); ok {
		return rt
	}
	syms := make([]*interp.Symbol, len(dateFields))
	for i, f := range dateFields {
		syms[i] = interp.Intern(f)
	}
	rt := &interp.RecordType{Name: "date", Fields: syms}
	rt.Printer = func(r *interp.Record) string {
		t, err := dateToTime(r)
		if err != nil {
			return "#{date}"
		}
		return "#{date " + t.Format("Mon Jan _2 15:04:05 2006") + "}"
	}
	e.it.Define("type/date", rt)
	return rt
}

func (e *scshEnv) timeToDate(t time.Time) *interp.Record {
	name, off := t.Zone()
	_, isDST := t.Zone()
	_ = isDST
	return &interp.Record{Type: e.dateType(), Fields: []interp.Value{
		t.Second(), t.Minute(), t.Hour(), t.Day(), int(t.Month()) - 1, t.Year() - 1900,
		interp.NewString(name), off, t.IsDST(), int(t.Weekday()), t.YearDay() - 1,
	}}
}

func dateToTime(r *interp.Record) (time.Time, error) {
	if r.Type.Name != "date" || len(r.Fields) != len(dateFields) {
		return time.Time{}, errors.New("not a date")
	}
	var n [6]int
	for i := 0; i < 6; i++ {
		v, ok := r.Fields[i].(int)
		if !ok {
			return time.Time{}, fmt.Errorf("date field %s is not an integer", dateFields[i])
		}
		n[i] = v
	}
	loc := time.Local
	if off, ok := r.Fields[7].(int); ok {
		name := "UTC"
		if s, ok := r.Fields[6].(*interp.String); ok {
			name = s.String()
		}
		loc = time.FixedZone(name, off)
	}
	return time.Date(n[5]+1900, time.Month(n[4]+1), n[3], n[2], n[1], n[0], 0, loc), nil
}

// dateArg reads a date record, argument pos named date (as for argType).
func (e *scshEnv) dateArg(v interp.Value, pos int) (time.Time, error) {
	r, ok := v.(*interp.Record)
	if !ok {
		return time.Time{}, argType(pos, "date", "a date", v)
	}
	t, err := dateToTime(r)
	if err != nil {
		return time.Time{}, argType(pos, "date", "a date", v)
	}
	return t, nil
}

var weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// formatDate implements scsh's format-date directives: strftime's, written
// with ~, as glibc has them in the C locale (scsh passes them to strftime).
func formatDate(f string, t time.Time) (string, error) {
	var b strings.Builder
	rs := []rune(f)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '~' {
			b.WriteRune(rs[i])
			continue
		}
		i++
		if i < len(rs) && (rs[i] == 'E' || rs[i] == 'O') {
			i++ // strftime's modifiers: the alternative forms of the C locale are the plain ones
		}
		if i >= len(rs) {
			return "", errors.New("format string ends in ~")
		}
		switch rs[i] {
		case '~':
			b.WriteByte('~')
		case '%':
			b.WriteByte('%')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'F':
			fmt.Fprintf(&b, "%d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
		case 'G', 'g', 'V':
			y, w := t.ISOWeek()
			switch rs[i] {
			case 'G':
				fmt.Fprintf(&b, "%d", y)
			case 'g':
				fmt.Fprintf(&b, "%02d", y%100)
			default:
				fmt.Fprintf(&b, "%02d", w)
			}
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'l':
			fmt.Fprintf(&b, "%2d", hour12(t))
		case 'P':
			if t.Hour() < 12 {
				b.WriteString("am")
			} else {
				b.WriteString("pm")
			}
		case 'r':
			b.WriteString(t.Format("03:04:05 PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			fmt.Fprintf(&b, "%d", (int(t.Weekday())+6)%7+1)
		case 'a':
			b.WriteString(weekdays[t.Weekday()][:3])
		case 'A':
			b.WriteString(weekdays[t.Weekday()])
		case 'b', 'h':
			b.WriteString(months[t.Month()-1][:3])
		case 'B':
			b.WriteString(months[t.Month()-1])
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", hour12(t))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'U':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-int(t.Weekday()))/7)
		case 'W':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
		case 'w':
			fmt.Fprintf(&b, "%d", int(t.Weekday()))
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'Z':
			name, _ := t.Zone()
			b.WriteString(name)
		case 'z':
			b.WriteString(t.Format("-0700"))
		default:
			return "", fmt.Errorf("unknown directive ~%c", rs[i])
		}
	}
	return b.String(), nil
}

// expandFileName resolves ~ and ~user at the front of a file name.
func expandTilde(name string) string {
	if !strings.HasPrefix(name, "~") {
		return name
	}
	rest := name[1:]
	userPart, tail, _ := strings.Cut(rest, "/")
	var home string
	if userPart == "" {
		home = os.Getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
	} else if u, err := user.Lookup(userPart); err == nil {
		home = u.HomeDir
	} else {
		return name
	}
	if tail == "" && !strings.Contains(rest, "/") {
		return home
	}
	return filepath.Join(home, tail) + map[bool]string{true: "/", false: ""}[strings.HasSuffix(name, "/") && tail != ""]
}

func (e *scshEnv) installSystem() {
	home := os.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	e.it.Define("home-directory", interp.NewString(home))
	// The procedures read nothing at install: they may wait for first use.
	e.it.DeferGroup("scsh: system", e.installSystemProcs)
}

// installSystemProcs defines the system procedures: environment, process
// ids, dates and times, sleeping, file names and files.
func (e *scshEnv) installSystemProcs() {
	dateField := func(who string, i int, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != e.dateType() {
					return nil, interp.TypeError("a date", a[0])
				}
				return r.Fields[i], nil
			}}
	}
	rows := make([]interp.Builtin, len(dateAccessors))
	for i, d := range dateAccessors {
		rows[i] = dateField(d.name, d.field, d.doc)
	}
	e.it.DefineBuiltins("scsh: system", rows...)
	e.it.DefineBuiltins("scsh: system", []interp.Builtin{
		{Name: "getenv", MinArgs: 1, MaxArgs: 1,
			Doc: "(getenv name): the value of environment variable name, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "name")
				if err != nil {
					return nil, err
				}
				v, ok := os.LookupEnv(s.String())
				if !ok {
					return false, nil
				}
				return interp.NewString(v), nil
			}},
		{Name: "home-dir", MinArgs: 0, MaxArgs: 1,
			Doc: "(home-dir [user]): the home directory of user (the current user by default)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if len(a) == 0 {
					return interp.NewString(expandTilde("~")), nil
				}
				u, err := str(a[0], 0, "user")
				if err != nil {
					return nil, err
				}
				usr, lerr := user.Lookup(u.String())
				if lerr != nil {
					return nil, scshErr("home-dir", "unknown user", a[0])
				}
				return interp.NewString(usr.HomeDir), nil
			}},
		stringOf("user-login-name", userLoginName, "(user-login-name): the login name of the current user"),
		stringOf("system-name", systemName, "(system-name): this machine's host name"),
		stringOf("system-fqdn", systemName, "(system-fqdn): this machine's host name (as system-name)"),
		{Name: "pid", MinArgs: 0, MaxArgs: 0,
			Doc: "(pid): the id of this process",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return os.Getpid(), nil
			}},
		{Name: "time", MinArgs: 0, MaxArgs: 1,
			Doc: "(time [date]): the current time, or the time of date, in seconds since the epoch",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if len(a) == 0 {
					return int(time.Now().Unix()), nil
				}
				t, err := e.dateArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return int(t.Unix()), nil
			}},
		{Name: "date", MinArgs: 0, MaxArgs: 2,
			Doc: "(date [time tz]): the date record of time (now) in time zone tz (local)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t := time.Now()
				if len(a) > 0 {
					n, ok := a[0].(int)
					if !ok {
						return nil, argType(1, "time", "an exact integer (seconds since the epoch)", a[0])
					}
					t = time.Unix(int64(n), 0)
				}
				if len(a) > 1 {
					switch z := a[1].(type) {
					case bool:
						if z {
							t = t.UTC()
						}
					case int:
						t = t.In(time.FixedZone(fmt.Sprintf("UTC%+d", z/3600), z))
					case *interp.String:
						loc, err := time.LoadLocation(z.String())
						if err != nil {
							return nil, scshErr("date", "unknown time zone", a[1])
						}
						t = t.In(loc)
					default:
						return nil, argType(2, "tz", "a time zone (#f, seconds east of UTC, or a name)", a[1])
					}
				}
				return e.timeToDate(t), nil
			}},
		{Name: "date?", MinArgs: 1, MaxArgs: 1,
			Doc: "(date? obj): whether obj is a date record",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				return ok && r.Type == e.dateType(), nil
			}},
		{Name: "make-date", MinArgs: 6, MaxArgs: 11,
			Doc: "(make-date sec min hour mday month year [tz-name tz-secs summer? wday yday]): a date record",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				f := make([]interp.Value, len(dateFields))
				for i := range f {
					f[i] = false
				}
				copy(f, a)
				r := &interp.Record{Type: e.dateType(), Fields: f}
				if t, err := dateToTime(r); err == nil {
					if len(a) < 10 {
						f[9] = int(t.Weekday())
					}
					if len(a) < 11 {
						f[10] = t.YearDay() - 1
					}
				} else {
					return nil, scshErr("make-date", err.Error())
				}
				return r, nil
			}},
		{Name: "date->string", MinArgs: 1, MaxArgs: 1,
			Doc: "(date->string date): date in the format of ctime(3)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := e.dateArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return interp.NewString(t.Format("Mon Jan _2 15:04:05 2006")), nil
			}},
		{Name: "format-date", MinArgs: 2, MaxArgs: 2,
			Doc: "(format-date fmt date): date formatted by fmt's ~ directives (strftime-like)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				f, err := str(a[0], 1, "fmt")
				if err != nil {
					return nil, err
				}
				t, err := e.dateArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				s, err := formatDate(f.String(), t)
				if err != nil {
					return nil, scshErr("format-date", err.Error(), a[0])
				}
				return interp.NewString(s), nil
			}},
		// sleep is Scheme 48's, from its threads, which scsh 0.6 and 0.7
		// scripts get: milliseconds (scsh's own dot-locking sleeps
		// (* retry-seconds 1000)); process-sleep takes seconds.
		{Name: "sleep", MinArgs: 1, MaxArgs: 1,
			Doc: "(sleep milliseconds): wait for milliseconds (an integer or a real), as Scheme 48's sleep; process-sleep takes seconds",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var ms float64
				switch x := a[0].(type) {
				case int:
					ms = float64(x)
				case float64:
					ms = x
				default:
					return nil, argType(0, "milliseconds", "a real number of milliseconds", a[0])
				}
				if ms != ms {
					return nil, argType(0, "milliseconds", "a real number of milliseconds", a[0])
				}
				// a year at the most: beyond that a Duration overflows
				d := time.Duration(min(max(ms, 0), 365*24*3600*1000) * float64(time.Millisecond))
				ctx := e.ctx()
				t := time.NewTimer(d)
				defer t.Stop()
				var cause error
				it.Blocking(func() error {
					select {
					case <-t.C:
					case <-ctx.Done():
						cause = ctx.Err()
					}
					return nil
				})
				if cause != nil {
					return nil, &interp.ErrorObject{Who: "sleep", Message: "interrupted", Cause: cause}
				}
				return interp.Unspecified, nil
			}},
	}...)
	e.installFiles()
}

func (e *scshEnv) installFiles() {
	oneName := func(who string, maxArgs int, f func(name string, a []interp.Value) (interp.Value, error), doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: maxArgs, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pos := 1
				if maxArgs == 1 {
					pos = 0
				}
				s, err := str(a[0], pos, "fname")
				if err != nil {
					return nil, err
				}
				return f(s.String(), a)
			}}
	}
	e.it.DefineBuiltins("scsh: file system", []interp.Builtin{
		oneName("delete-file", 1, func(n string, a []interp.Value) (interp.Value, error) {
			if err := os.Remove(n); err != nil {
				return nil, fileError("unlink", err, n)
			}
			return interp.Unspecified, nil
		}, "(delete-file fname): delete a file"),
		oneName("delete-directory", 1, func(n string, a []interp.Value) (interp.Value, error) {
			if err := syscall.Rmdir(n); err != nil {
				return nil, fileError("rmdir", err, n)
			}
			return interp.Unspecified, nil
		}, "(delete-directory fname): delete an empty directory"),
		oneName("create-directory", 3, func(n string, a []interp.Value) (interp.Value, error) {
			perm, err := intArg(a, 1, "perms", 0o777)
			if err != nil {
				return nil, err
			}
			if err := os.Mkdir(n, os.FileMode(perm)); err != nil {
				return nil, fileError("mkdir", err, n)
			}
			return interp.Unspecified, nil
		}, "(create-directory fname [perms override?]): make a directory (perms #o777 less the umask)"),
		{Name: "rename-file", MinArgs: 2, MaxArgs: 3,
			Doc: "(rename-file old new [override?]): rename old to new",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				from, to, err := oldAndNew(a)
				if err != nil {
					return nil, err
				}
				override := len(a) > 2 && interp.IsTrue(a[2])
				if !override {
					if _, err := os.Lstat(to); err == nil {
						return nil, syscallError("rename", syscall.EEXIST, interp.NewString(to))
					}
				}
				if err := os.Rename(from, to); err != nil {
					return nil, syscallError("rename", err, interp.NewString(from), interp.NewString(to))
				}
				return interp.Unspecified, nil
			}},
		{Name: "directory-files", MinArgs: 0, MaxArgs: 2,
			Doc: "(directory-files [dir dotfiles?]): the sorted names in dir (the cwd)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				dir := "."
				if len(a) > 0 && a[0] != false {
					s, err := str(a[0], 1, "dir")
					if err != nil {
						return nil, err
					}
					dir = s.String()
				}
				dots := len(a) > 1 && interp.IsTrue(a[1])
				ents, err := os.ReadDir(dir)
				if err != nil {
					return nil, syscallError("opendir", err, interp.NewString(dir))
				}
				var out []interp.Value
				for _, en := range ents {
					if !dots && strings.HasPrefix(en.Name(), ".") {
						continue
					}
					out = append(out, interp.NewString(en.Name()))
				}
				return interp.List(out...), nil
			}},
		{Name: "create-temp-file", MinArgs: 0, MaxArgs: 1,
			Doc: "(create-temp-file [prefix]): create a new empty file; its name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				prefix := filepath.Join(os.TempDir(), "popsh")
				if len(a) > 0 {
					s, err := str(a[0], 0, "prefix")
					if err != nil {
						return nil, err
					}
					prefix = s.String()
				}
				f, err := os.CreateTemp(filepath.Dir(prefix), filepath.Base(prefix)+".*")
				if err != nil {
					return nil, syscallError("open", err, interp.NewString(prefix))
				}
				f.Chmod(0o600)
				f.Close()
				return interp.NewString(f.Name()), nil
			}},
		{Name: "cwd", MinArgs: 0, MaxArgs: 0,
			Doc: "(cwd): the current working directory",
			Fn:  primCwd},
		{Name: "chdir", MinArgs: 0, MaxArgs: 1,
			Doc: "(chdir [dir]): change the working directory to dir (the home directory)",
			Fn:  primChdir},
		{Name: "home-file", MinArgs: 1, MaxArgs: 2,
			Doc: "(home-file [user] name): name in the home directory of user (the current user)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				last := a[len(a)-1]
				s, err := str(last, len(a), "name")
				if err != nil {
					return nil, err
				}
				home := expandTilde("~")
				if len(a) == 2 {
					u, err := str(a[0], 1, "user")
					if err != nil {
						return nil, err
					}
					home = expandTilde("~" + u.String())
				}
				return interp.NewString(filepath.Join(home, s.String())), nil
			}},
	}...)
	e.installFileNames()
}

// primCwd is cwd (and process-cwd): the working directory.
func primCwd(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	d, err := os.Getwd()
	if err != nil {
		return nil, syscallError("getcwd", err)
	}
	return interp.NewString(d), nil
}

// primChdir is chdir (and process-chdir): change the working directory to
// the argument, or to the home directory.
func primChdir(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	dir := expandTilde("~")
	if len(a) > 0 {
		s, err := str(a[0], 0, "dir")
		if err != nil {
			return nil, err
		}
		dir = s.String()
	}
	if err := os.Chdir(dir); err != nil {
		return nil, syscallError("chdir", err, interp.NewString(dir))
	}
	return interp.Unspecified, nil
}

// hour12 is t's hour on a 12-hour clock (1 to 12).
func hour12(t time.Time) int {
	if h := t.Hour() % 12; h != 0 {
		return h
	}
	return 12
}
