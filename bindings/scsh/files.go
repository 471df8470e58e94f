package scsh

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"popsh/interp"
)

// fileThing is what scsh's file procedures accept: a file name, a file
// descriptor, or a port over an operating-system file.
type fileThing struct {
	name   string
	fd     int
	isName bool
}

func (t fileThing) value() interp.Value {
	if t.isName {
		return interp.NewString(t.name)
	}
	return t.fd
}

// fileThingArg reads argument pos, named param (as for argType), as a
// file name, a file descriptor or a file port; an output port is flushed
// first so that sizes and times are those of what the script wrote.
func fileThingArg(who string, v interp.Value, pos int, param string) (fileThing, error) {
	switch x := v.(type) {
	case *interp.String:
		return fileThing{name: x.String(), isName: true}, nil
	case int:
		if x >= 0 {
			return fileThing{fd: x}, nil
		}
	case *interp.Port:
		f := x.OSFile()
		if f == nil {
			return fileThing{}, scshErr(who, "port is not over a file", v)
		}
		if x.OutputOpen() {
			if err := x.Flush(); err != nil {
				return fileThing{}, ioErr(who, err)
			}
		}
		return fileThing{fd: fileFd(f)}, nil
	}
	return fileThing{}, argType(pos, param, "a file name, file descriptor or file port", v)
}

// oldAndNew reads the file names (old new ...) of the procedures that
// link or rename.
func oldAndNew(a []interp.Value) (string, string, error) {
	old, err := str(a[0], 1, "old")
	if err != nil {
		return "", "", err
	}
	nw, err := str(a[1], 2, "new")
	if err != nil {
		return "", "", err
	}
	return old.String(), nw.String(), nil
}

// thingError is the syscall-error of a failed call on t (a file error
// when t is a name).
func thingError(call string, err error, t fileThing) error {
	if t.isName {
		return fileError(call, err, t.name)
	}
	return syscallError(call, err, t.fd)
}

// statThing is stat, lstat (chase false) or fstat of t.
func statThing(who string, t fileThing, chase bool) (*syscall.Stat_t, error) {
	var st syscall.Stat_t
	var err error
	call := "stat"
	switch {
	case !t.isName:
		call = "fstat"
		err = syscall.Fstat(t.fd, &st)
	case chase:
		err = syscall.Stat(t.name, &st)
	default:
		call = "lstat"
		err = syscall.Lstat(t.name, &st)
	}
	if err != nil {
		return nil, thingError(call, err, t)
	}
	return &st, nil
}

// statType is scsh's file-info:type symbol for a stat mode.
func statType(mode uint32) interp.Value {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return interp.Intern("directory")
	case syscall.S_IFLNK:
		return interp.Intern("symlink")
	case syscall.S_IFIFO:
		return interp.Intern("fifo")
	case syscall.S_IFSOCK:
		return interp.Intern("socket")
	case syscall.S_IFCHR:
		return interp.Intern("char-special")
	case syscall.S_IFBLK:
		return interp.Intern("block-special")
	}
	return interp.Intern("regular")
}

// statFields are file-info's fields in order: type device inode mode
// nlinks uid gid size atime mtime ctime.
func statFields(st *syscall.Stat_t) []interp.Value {
	return []interp.Value{statType(st.Mode), int(st.Dev), int(st.Ino), int(st.Mode & 0o7777),
		int(st.Nlink), int(st.Uid), int(st.Gid), int(st.Size),
		int(st.Atim.Sec), int(st.Mtim.Sec), int(st.Ctim.Sec)}
}

// fileInfoFields names statFields for the file-X and file:X shortcuts.
// fileInfoShortcuts are the procedures that read one field of a file's
// file-info (scsh's file-type, file-owner ...; most also spelled file:NAME,
// scsh's later names).
var fileInfoShortcuts = []struct {
	name  string
	field int
	doc   string
}{
	{"file-type", 0, "(file-type thing [chase?]): the type of a file: regular, directory, symlink, fifo, socket ..."},
	{"file:type", 0, "(file:type thing [chase?]): the type of a file (as file-type)"},
	{"file-device", 1, "(file-device thing [chase?]): the device number of a file"},
	{"file-inode", 2, "(file-inode thing [chase?]): the inode number of a file"},
	{"file:inode", 2, "(file:inode thing [chase?]): the inode number of a file"},
	{"file-mode", 3, "(file-mode thing [chase?]): the permission bits of a file"},
	{"file:mode", 3, "(file:mode thing [chase?]): the permission bits of a file"},
	{"file-nlinks", 4, "(file-nlinks thing [chase?]): the number of hard links to a file"},
	{"file:nlinks", 4, "(file:nlinks thing [chase?]): the number of hard links to a file"},
	{"file-owner", 5, "(file-owner thing [chase?]): the user id of a file's owner"},
	{"file:owner", 5, "(file:owner thing [chase?]): the user id of a file's owner"},
	{"file-group", 6, "(file-group thing [chase?]): the group id of a file"},
	{"file:group", 6, "(file:group thing [chase?]): the group id of a file"},
	{"file-size", 7, "(file-size thing [chase?]): the size of a file in bytes"},
	{"file:size", 7, "(file:size thing [chase?]): the size of a file in bytes"},
	{"file-last-access", 8, "(file-last-access thing [chase?]): a file's access time, in seconds since the epoch"},
	{"file:last-access", 8, "(file:last-access thing [chase?]): a file's access time, in seconds since the epoch"},
	{"file-last-mod", 9, "(file-last-mod thing [chase?]): a file's modification time, in seconds since the epoch"},
	{"file:last-mod", 9, "(file:last-mod thing [chase?]): a file's modification time, in seconds since the epoch"},
	{"file-last-status-change", 10, "(file-last-status-change thing [chase?]): a file's status change time (ctime)"},
	{"file:last-status-change", 10, "(file:last-status-change thing [chase?]): a file's status change time (ctime)"},
}

// installFileOps defines the file-system procedures beyond the basics:
// file-info on names, descriptors and ports and its shortcuts
// (file-type, file-owner, ...), the file-info-TYPE? and access
// predicates, set-file-mode/owner/group/times, truncate-file, sync-file,
// create-hard-link, create-fifo, delete-filesys-object and glob-quote.
func (e *scshEnv) installFileOps() {
	rt := e.goRecordType("scsh: file system", "file-info", []string{"type", "device", "inode", "mode", "nlinks", "uid", "gid", "size", "atime", "mtime", "ctime"},
		func(r *interp.Record) string { return "#{file-info " + interp.DisplayString(r.Fields[0]) + "}" })
	// thingStat reads (who THING [CHASE?]).
	thingStat := func(who string, a []interp.Value) (*syscall.Stat_t, error) {
		t, err := fileThingArg(who, a[0], 1, "thing")
		if err != nil {
			return nil, err
		}
		return statThing(who, t, len(a) < 2 || interp.IsTrue(a[1]))
	}
	shortcut := func(who string, field int, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := thingStat(who, a)
				if err != nil {
					return nil, err
				}
				return statFields(st)[field], nil
			}}
	}
	rows := make([]interp.Builtin, 0, len(fileInfoShortcuts))
	for _, sc := range fileInfoShortcuts {
		row := shortcut(sc.name, sc.field, sc.doc)
		if sc.name == "file-mode" {
			row = e.fileModeRow(row)
		}
		rows = append(rows, row)
	}
	e.it.DefineBuiltins("scsh: file system", rows...)
	// infoArg reads the only argument of a file-info-... predicate.
	infoArg := func(v interp.Value) (*interp.Record, error) {
		r, ok := v.(*interp.Record)
		if !ok || r.Type != rt {
			return nil, interp.TypeError("a file-info record", v)
		}
		return r, nil
	}
	isType := func(types ...string) func(interp.Value) bool {
		return func(v interp.Value) bool {
			for _, t := range types {
				if v == interp.Intern(t) {
					return true
				}
			}
			return false
		}
	}
	// infoType is a file-info-TYPE? predicate on a file-info record.
	infoType := func(who string, is func(interp.Value) bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := infoArg(a[0])
				if err != nil {
					return nil, err
				}
				return is(r.Fields[0]), nil
			}}
	}
	// fileType is a file-TYPE? predicate on a file. As before in popsh, a
	// file that does not exist is not a directory (scsh signals an error).
	fileType := func(who string, is func(interp.Value) bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := thingStat(who, a)
				if err != nil {
					var eo *interp.ErrorObject
					if errors.As(err, &eo) && errors.Is(eo.Cause, syscall.ENOENT) {
						return false, nil
					}
					return nil, err
				}
				return is(statType(st.Mode)), nil
			}}
	}
	isSymlink := isType("symlink")
	e.it.DefineBuiltins("scsh: file system",
		infoType("file-info-directory?", isType("directory"), "(file-info-directory? info): whether the file-info record is of a directory"),
		infoType("file-info-fifo?", isType("fifo"), "(file-info-fifo? info): whether the file-info record is of a named pipe"),
		infoType("file-info-regular?", isType("regular"), "(file-info-regular? info): whether the file-info record is of a regular file"),
		infoType("file-info-socket?", isType("socket"), "(file-info-socket? info): whether the file-info record is of a socket"),
		infoType("file-info-special?", isType("block-special", "char-special"), "(file-info-special? info): whether the file-info record is of a device"),
		infoType("file-info-symlink?", isSymlink, "(file-info-symlink? info): whether the file-info record is of a symbolic link"),
		fileType("file-directory?", isType("directory"), "(file-directory? thing [chase?]): whether thing is a directory (#f when absent)"),
		fileType("file-fifo?", isType("fifo"), "(file-fifo? thing [chase?]): whether thing is a named pipe (#f when absent)"),
		fileType("file-regular?", isType("regular"), "(file-regular? thing [chase?]): whether thing is a regular file (#f when absent)"),
		fileType("file-socket?", isType("socket"), "(file-socket? thing [chase?]): whether thing is a socket (#f when absent)"),
		fileType("file-special?", isType("block-special", "char-special"), "(file-special? thing [chase?]): whether thing is a device (#f when absent)"),
		interp.Builtin{Name: "file-symlink?", MinArgs: 1, MaxArgs: 1,
			Doc: "(file-symlink? name): whether name is a symbolic link (not followed)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := thingStat("file-symlink?", []interp.Value{a[0], false})
				if err != nil {
					return nil, err
				}
				return isSymlink(statType(st.Mode)), nil
			}},
	)
	e.installAccessPreds(rt, infoArg)
	e.installFileSetters()
	e.it.DefineBuiltins("scsh: file system", []interp.Builtin{
		{Name: "file-info", MinArgs: 1, MaxArgs: 2,
			Doc: "(file-info thing [chase?]): the file-info record of a file name, descriptor or port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := thingStat("file-info", a)
				if err != nil {
					return nil, err
				}
				return &interp.Record{Type: rt, Fields: statFields(st)}, nil
			}},
		{Name: "file-attributes", MinArgs: 1, MaxArgs: 2,
			Doc: "(file-attributes thing [chase?]): the file-info record of thing (scsh 0.4 name)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := thingStat("file-attributes", a)
				if err != nil {
					return nil, err
				}
				return &interp.Record{Type: rt, Fields: statFields(st)}, nil
			}},
		{Name: "glob-quote", MinArgs: 1, MaxArgs: 1,
			Doc: "(glob-quote string): string with the glob pattern characters quoted",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				var b strings.Builder
				for _, r := range s.String() {
					if strings.ContainsRune(`[]*?{}\`, r) {
						b.WriteByte('\\')
					}
					b.WriteRune(r)
				}
				return interp.NewString(b.String()), nil
			}},
	}...)
}

// notAccessible is scsh's answer to "may the effective user do perms
// (4 read, 2 write, 1 execute) to the file with this stat?": #f when
// allowed, else the symbol permission.
func notAccessible(perms uint32, st *syscall.Stat_t) interp.Value {
	uid := uint32(os.Geteuid())
	if uid == 0 {
		return false
	}
	mode := st.Mode & 0o777
	var ok bool
	switch {
	case st.Uid == uid:
		ok = mode&(perms<<6) != 0
	case inGroup(st.Gid):
		ok = mode&(perms<<3) != 0
	default:
		ok = mode&perms != 0
	}
	if ok {
		return false
	}
	return interp.Intern("permission")
}

func inGroup(gid uint32) bool {
	if uint32(os.Getegid()) == gid {
		return true
	}
	gs, _ := os.Getgroups()
	for _, g := range gs {
		if uint32(g) == gid {
			return true
		}
	}
	return false
}

// installAccessPreds defines file-not-readable? and company: #f when the
// access is allowed, else why not: search-denied (a directory on the way
// cannot be searched), permission, no-directory (a directory on the way
// is missing) or nonexistent. A file that does not exist is writable when
// its directory is (scsh's rule). file-readable? and company are their
// negations; the file-info-... forms take a file-info record.
func (e *scshEnv) installAccessPreds(rt *interp.RecordType, infoArg func(interp.Value) (*interp.Record, error)) {
	var check func(who string, perms uint32, t fileThing) (interp.Value, error)
	check = func(who string, perms uint32, t fileThing) (interp.Value, error) {
		st, err := statThing(who, t, true)
		if err == nil {
			return notAccessible(perms, st), nil
		}
		var eo *interp.ErrorObject
		if !errors.As(err, &eo) {
			return nil, err
		}
		switch {
		case errors.Is(eo.Cause, syscall.EACCES):
			return interp.Intern("search-denied"), nil
		case errors.Is(eo.Cause, syscall.ENOTDIR):
			return interp.Intern("no-directory"), nil
		case errors.Is(eo.Cause, syscall.ENOENT):
			if perms&2 != 0 && t.isName {
				dir := fnameDirectoryAsFile(fnameDirectory(t.name))
				v, err := check(who, 2, fileThing{name: dir, isName: true})
				if err != nil || v == false {
					return v, err
				}
			}
			return interp.Intern("nonexistent"), nil
		}
		return nil, err
	}
	// notP is file-not-WHAT?: #f when allowed, else why not.
	notP := func(who string, perms uint32, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := fileThingArg(who, a[0], 0, "thing")
				if err != nil {
					return nil, err
				}
				return check(who, perms, t)
			}}
	}
	// yesP is file-WHAT?, its negation.
	yesP := func(who string, perms uint32, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := fileThingArg(who, a[0], 0, "thing")
				if err != nil {
					return nil, err
				}
				v, err := check(who, perms, t)
				if err != nil {
					return nil, err
				}
				return v == false, nil
			}}
	}
	// infoP is file-info-[not-]WHAT? on a file-info record.
	infoP := func(who string, perms uint32, yes bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := infoArg(a[0])
				if err != nil {
					return nil, err
				}
				v := notAccessible(perms, recordStat(r))
				if yes {
					return v == false, nil
				}
				return v, nil
			}}
	}
	e.it.DefineBuiltins("scsh: file system",
		notP("file-not-readable?", 4, "(file-not-readable? thing): #f when thing may be read, else why not (permission, nonexistent ...)"),
		notP("file-not-writable?", 2, "(file-not-writable? thing): #f when thing may be written, else why not"),
		notP("file-not-writeable?", 2, "(file-not-writeable? thing): #f when thing may be written, else why not"),
		notP("file-not-executable?", 1, "(file-not-executable? thing): #f when thing may be executed, else why not"),
		yesP("file-readable?", 4, "(file-readable? thing): whether the effective user may read thing"),
		yesP("file-writable?", 2, "(file-writable? thing): whether the effective user may write thing (or create it)"),
		yesP("file-writeable?", 2, "(file-writeable? thing): whether the effective user may write thing (or create it)"),
		yesP("file-executable?", 1, "(file-executable? thing): whether the effective user may execute thing"),
		infoP("file-info-not-readable?", 4, false, "(file-info-not-readable? info): #f when the file-info's file may be read, else permission"),
		infoP("file-info-not-writable?", 2, false, "(file-info-not-writable? info): #f when the file-info's file may be written, else permission"),
		infoP("file-info-not-executable?", 1, false, "(file-info-not-executable? info): #f when the file-info's file may be executed, else permission"),
		infoP("file-info-readable?", 4, true, "(file-info-readable? info): whether the file-info's file may be read"),
		infoP("file-info-writable?", 2, true, "(file-info-writable? info): whether the file-info's file may be written"),
		infoP("file-info-executable?", 1, true, "(file-info-executable? info): whether the file-info's file may be executed"),
	)
}

// recordStat rebuilds the fields notAccessible needs from a file-info.
func recordStat(r *interp.Record) *syscall.Stat_t {
	n := func(i int) uint32 {
		if x, ok := r.Fields[i].(int); ok {
			return uint32(x)
		}
		return 0
	}
	return &syscall.Stat_t{Mode: n(3), Uid: n(5), Gid: n(6)}
}

// timeArg reads a time in seconds since the epoch (an exact integer or a
// real, truncated).
func timeArg(v interp.Value, pos int, param string) (time.Time, error) {
	switch x := v.(type) {
	case int:
		return time.Unix(int64(x), 0), nil
	case float64:
		return time.Unix(int64(x), 0), nil
	}
	return time.Time{}, argType(pos, param, "a time in seconds", v)
}

func (e *scshEnv) installFileSetters() {
	thingAnd := func(who, param string, a []interp.Value) (fileThing, int, error) {
		t, err := fileThingArg(who, a[0], 1, "thing")
		if err != nil {
			return t, 0, err
		}
		n, ok := a[1].(int)
		if !ok {
			return t, 0, argType(2, param, "an exact integer", a[1])
		}
		return t, n, nil
	}
	setter := func(who, param string, byName func(string, int) error, byFd func(int, int) error, call, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 2, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, n, err := thingAnd(who, param, a)
				if err != nil {
					return nil, err
				}
				if t.isName {
					err = byName(t.name, n)
				} else {
					err = byFd(t.fd, n)
				}
				if err != nil {
					return nil, thingError(call, err, t)
				}
				return interp.Unspecified, nil
			}}
	}
	e.it.DefineBuiltins("scsh: file system", []interp.Builtin{
		setter("set-file-mode", "mode",
			func(n string, m int) error { return syscall.Chmod(n, uint32(m)) },
			func(fd, m int) error { return syscall.Fchmod(fd, uint32(m)) }, "chmod", "(set-file-mode thing mode): set the permission bits of a file"),
		setter("set-file-owner", "uid",
			func(n string, u int) error { return syscall.Chown(n, u, -1) },
			func(fd, u int) error { return syscall.Fchown(fd, u, -1) }, "chown", "(set-file-owner thing uid): set the owner of a file"),
		setter("set-file-group", "gid",
			func(n string, g int) error { return syscall.Chown(n, -1, g) },
			func(fd, g int) error { return syscall.Fchown(fd, -1, g) }, "chown", "(set-file-group thing gid): set the group of a file"),
		setter("truncate-file", "length",
			func(n string, l int) error { return syscall.Truncate(n, int64(l)) },
			func(fd, l int) error { return syscall.Ftruncate(fd, int64(l)) }, "truncate", "(truncate-file thing length): cut or extend a file to length bytes"),
		{Name: "set-file-times", MinArgs: 1, MaxArgs: 3,
			Doc: "(set-file-times name [access-time mod-time]): set a file's times (now by default)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				var at, mt time.Time
				switch len(a) {
				case 1:
					at = time.Now()
					mt = at
				case 2:
					return nil, scshErr("set-file-times", "give both the access and the modification time, or neither", a[1:]...)
				default:
					if at, err = timeArg(a[1], 2, "access-time"); err != nil {
						return nil, err
					}
					if mt, err = timeArg(a[2], 3, "mod-time"); err != nil {
						return nil, err
					}
				}
				if err := os.Chtimes(s.String(), at, mt); err != nil {
					return nil, fileError("utime", errors.Unwrap(err), s.String())
				}
				return interp.Unspecified, nil
			}},
		{Name: "sync-file", MinArgs: 1, MaxArgs: 1,
			Doc: "(sync-file port/fd): flush a file's data to disk (fsync)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if _, ok := a[0].(*interp.String); ok {
					return nil, argType(0, "port/fd", "a file descriptor or file port", a[0])
				}
				t, err := fileThingArg("sync-file", a[0], 0, "port/fd")
				if err != nil {
					return nil, err
				}
				if err := syscall.Fsync(t.fd); err != nil {
					return nil, thingError("fsync", err, t)
				}
				return interp.Unspecified, nil
			}},
		{Name: "sync-file-system", MinArgs: 0, MaxArgs: 0,
			Doc: "(sync-file-system): flush every file system's buffers to disk (sync)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				syscall.Sync()
				return interp.Unspecified, nil
			}},
		linkProc("create-hard-link", "link", "(create-hard-link old new [override?]): make new a hard link to old", syscall.Link),
		linkProc("create-symlink", "symlink", "(create-symlink old new [override?]): make new a symbolic link to old (override? true: replace a file already named new)", os.Symlink),
		{Name: "create-fifo", MinArgs: 1, MaxArgs: 3,
			Doc: "(create-fifo name [perms override?]): make a named pipe",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				mode, err := intArg(a, 1, "perms", 0o777)
				if err != nil {
					return nil, err
				}
				override := interp.Value(false)
				if len(a) > 2 {
					override = a[2]
				}
				err = createThing("create-fifo", "mkfifo", name.String(), override, func() error {
					return syscall.Mkfifo(name.String(), uint32(mode))
				})
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, nil
			}},
		{Name: "delete-filesys-object", MinArgs: 1, MaxArgs: 1,
			Doc: "(delete-filesys-object name): delete a file, link or empty directory (no error if absent)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 0, "name")
				if err != nil {
					return nil, err
				}
				if err := deleteFilesysObject(name.String()); err != nil {
					return nil, err
				}
				return interp.Unspecified, nil
			}},
	}...)
}

// deleteFilesysObject removes a file, a symlink, a fifo or an empty
// directory; a name that does not exist is not an error.
func deleteFilesysObject(name string) error {
	err := syscall.Unlink(name)
	if err == nil || errors.Is(err, syscall.ENOENT) {
		return nil
	}
	if !errors.Is(err, syscall.EISDIR) && !errors.Is(err, syscall.EPERM) {
		return fileError("unlink", err, name)
	}
	err = syscall.Rmdir(name)
	if err == nil || errors.Is(err, syscall.ENOENT) {
		return nil
	}
	return fileError("rmdir", err, name)
}

// createThing runs make for name; when name exists and override? is true,
// the old object is deleted first (scsh's create-file-thing).
func createThing(who, call, name string, override interp.Value, make func() error) error {
	err := make()
	if errors.Is(err, syscall.EEXIST) && interp.IsTrue(override) {
		if derr := deleteFilesysObject(name); derr != nil {
			return derr
		}
		err = make()
	}
	if err != nil {
		return fileError(call, err, name)
	}
	return nil
}

// linkProc is create-hard-link or create-symlink: (name old new
// [override?]) makes new with link(old, new), what says in errors which
// system call failed.
func linkProc(name, what, doc string, link func(old, new string) error) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 3, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			old, nw, err := oldAndNew(a)
			if err != nil {
				return nil, err
			}
			override := interp.Value(false)
			if len(a) > 2 {
				override = a[2]
			}
			if err := createThing(name, what, nw, override, func() error { return link(old, nw) }); err != nil {
				return nil, err
			}
			return interp.Unspecified, nil
		}}
}

// fileModeNames are the names of Scheme48's (file-mode name ...), which
// later scsh programs use beside scsh 0.6's (file-mode file): the
// permission bits they stand for.
var fileModeNames = []struct {
	name string
	bits int
}{
	{"set-uid", 0o4000}, {"set-gid", 0o2000},
	{"owner-read", 0o400}, {"owner-write", 0o200}, {"owner-exec", 0o100}, {"owner", 0o700},
	{"group-read", 0o40}, {"group-write", 0o20}, {"group-exec", 0o10}, {"group", 0o70},
	{"other-read", 0o4}, {"other-write", 0o2}, {"other-exec", 0o1}, {"other", 0o7},
	{"read", 0o444}, {"write", 0o222}, {"exec", 0o111}, {"all", 0o777},
}

// fileModeRow makes file-mode both scsh 0.6's procedure, (file-mode
// file [chase?]), and Scheme48's form, (file-mode owner-read
// owner-write ...): the union of the bits of the names. The names are
// variables bound to themselves (as symbols); read, write, exec, set-uid
// and set-gid are popsh's procedures of those names, taken as the names.
func (e *scshEnv) fileModeRow(stat interp.Builtin) interp.Builtin {
	bits := map[string]int{}
	var docs []interp.DocLine
	for _, n := range fileModeNames {
		bits[n.name] = n.bits
		if _, bound := e.it.Lookup(n.name); !bound {
			e.it.Define(n.name, interp.Intern(n.name))
			docs = append(docs, interp.DocLine{Name: n.name,
				Doc: n.name + ": the symbol " + n.name + ", a name for (file-mode name ...) (#o" + strconv.FormatInt(int64(n.bits), 8) + ")"})
		}
	}
	e.it.Document("scsh: file system", docs...)
	// modeName gives the bits of a mode name argument.
	modeName := func(v interp.Value) (int, bool) {
		var name string
		switch x := v.(type) {
		case *interp.Symbol:
			name = x.Name
		case *interp.Primitive:
			name = x.Name
		default:
			return 0, false
		}
		b, ok := bits[name]
		return b, ok
	}
	statFn := stat.Fn
	stat.MaxArgs = -1
	stat.Doc = "(file-mode thing-or-name name ...): the permission bits of a file (thing [chase?]), or of mode names (owner-read, group, all ...)"
	stat.Fn = func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		if _, ok := modeName(a[0]); ok {
			mode := 0
			for i, v := range a {
				b, ok := modeName(v)
				if !ok {
					return nil, argType(i+1, "name", "a file mode name (owner-read, group-write, other, all ...)", v)
				}
				mode |= b
			}
			return mode, nil
		}
		if len(a) > 2 {
			return nil, scshErr("file-mode", "expected a file and an optional chase? flag, or file mode names, got", interp.List(a...))
		}
		return statFn(it, a)
	}
	return stat
}
