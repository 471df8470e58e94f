package scsh

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"popsh/interp"
)

// The library path: the list of directories that the shell's -ll and -lel
// switches search, that +lp, lp+, +lpe, lpe+, +lpsd, lpsd+, -lp-clear and
// -lp-default change, and that scsh's lib-dirs procedures read and change.
// It is one list per interpreter, held here, so the switches (through
// LibDirs) and a script's procedures see the same directories in the same
// order. An entry is a directory name or the symbol script-dir (the
// directory of the script file given to the search). A name that is empty
// or ends in "/" is searched with its subdirectories, as scsh does; any
// other name only for the file itself.

// libDirsKey is the interpreter local holding the *LibPath.
const libDirsKey = "popsh/bindings/scsh/lib-dirs"

// scriptDirSym is the entry standing for the script's directory.
var scriptDirSym = interp.Intern("script-dir")

// LibDir is one entry of the library path: a directory name, or, when
// ScriptDir is set, the directory of the script file given to the search.
type LibDir struct {
	Dir       string
	ScriptDir bool
}

// String is the entry as the path's listing shows it.
func (d LibDir) String() string {
	if d.ScriptDir {
		return "script-dir"
	}
	return d.Dir
}

// LibPath is an interpreter's library path, with its default (what
// -lp-default and reset-lib-dirs! restore) and the script being run.
type LibPath struct {
	dirs       []LibDir
	defaults   []LibDir
	scriptFile string // the -s script, "" when none
}

// DefaultLibDirs is popsh's default library path: the directories listed
// in $POPSH_LIB_PATH (colon-separated, empty entries skipped), else none.
func DefaultLibDirs() []LibDir {
	var p []LibDir
	for _, d := range strings.Split(os.Getenv("POPSH_LIB_PATH"), ":") {
		if d != "" {
			p = append(p, LibDir{Dir: d})
		}
	}
	return p
}

// LibDirs returns the library path of an interpreter prepared by Install
// (nil otherwise).
func LibDirs(it *interp.Interp) *LibPath {
	p, _ := it.Local(libDirsKey).(*LibPath)
	return p
}

// SetScriptFile records the file of the script being run (the shell's -s
// script), whose directory lib-dirs-prepend-script-dir! and
// lib-dirs-append-script-dir! put on the library path.
func SetScriptFile(it *interp.Interp, file string) {
	p := LibDirs(it)
	if p == nil {
		return
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	p.scriptFile = file
}

// Dirs returns a copy of the path's entries, in order.
func (p *LibPath) Dirs() []LibDir { return append([]LibDir(nil), p.dirs...) }

// Prepend puts dir first on the path.
func (p *LibPath) Prepend(dir string) {
	p.dirs = append([]LibDir{{Dir: dir}}, p.dirs...)
}

// Append puts dir last on the path.
func (p *LibPath) Append(dir string) { p.dirs = append(p.Dirs(), LibDir{Dir: dir}) }

// Clear empties the path.
func (p *LibPath) Clear() { p.dirs = nil }

// Reset sets the path back to its default.
func (p *LibPath) Reset() { p.dirs = append([]LibDir(nil), p.defaults...) }

// scriptDir is the directory of the script being run (made absolute when
// it was recorded, so a later change of directory does not move it).
func (p *LibPath) scriptDir(who string) (string, error) {
	if p.scriptFile == "" {
		return "", &interp.ErrorObject{Who: who, Message: "no script file is being run (popsh -s FILE), so there is no script directory"}
	}
	return filepath.Dir(p.scriptFile), nil
}

// Find looks for file on the path as the -ll switch does: an absolute
// name is itself; otherwise the first entry that holds a readable file of
// that name gives it (see FindLibraryFile). scriptFile resolves script-dir
// entries.
func (p *LibPath) Find(file, scriptFile string) (string, error) {
	if filepath.IsAbs(file) {
		return file, nil
	}
	f, found, err := FindLibraryFile(file, p.dirs, scriptFile)
	if err != nil {
		return "", err
	}
	if !found {
		names := make([]string, len(p.dirs))
		for i, d := range p.dirs {
			names[i] = d.String()
		}
		return "", fmt.Errorf("load: %s not found on the library path %q", file, names)
	}
	return f, nil
}

// FindLibraryFile searches dirs in order for file and returns the first
// name found that opens for reading (a directory does not count):
//   - script-dir: the file in the directory of scriptFile (an error when
//     scriptFile is "");
//   - a name that is empty or ends in "/": the file in that directory,
//     else, depth first in name order, in its subdirectories (not those
//     whose names start with a dot; a directory reached twice through
//     links is searched once);
//   - any other name: the file in that directory (an absolute file is
//     itself).
func FindLibraryFile(file string, dirs []LibDir, scriptFile string) (string, bool, error) {
	for _, d := range dirs {
		switch {
		case d.ScriptDir:
			if scriptFile == "" {
				return "", false, &interp.ErrorObject{Who: "find-library-file",
					Message: "the library path has script-dir, but there is no script file"}
			}
			if f := filepath.Join(filepath.Dir(scriptFile), file); readableFile(f) {
				return f, true, nil
			}
		case d.Dir == "" || strings.HasSuffix(d.Dir, "/"):
			if f, ok := searchTree(d.Dir, file, map[[2]uint64]bool{}); ok {
				return f, true, nil
			}
		default:
			f := file
			if !filepath.IsAbs(file) {
				f = filepath.Join(d.Dir, file)
			}
			if readableFile(f) {
				return f, true, nil
			}
		}
	}
	return "", false, nil
}

// searchTree looks for file in dir (empty or ending in "/") and then in
// its subdirectories; seen holds the directories already searched.
func searchTree(dir, file string, seen map[[2]uint64]bool) (string, bool) {
	here := dir
	if here == "" {
		here = "."
	}
	var st syscall.Stat_t
	if err := syscall.Stat(here, &st); err != nil {
		return "", false
	}
	id := [2]uint64{uint64(st.Dev), st.Ino}
	if seen[id] {
		return "", false
	}
	seen[id] = true
	if f := dir + file; readableFile(f) {
		return f, true
	}
	entries, err := os.ReadDir(here)
	if err != nil {
		return "", false
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		sub := dir + n + "/"
		if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
			continue
		}
		if f, ok := searchTree(sub, file, seen); ok {
			return f, true
		}
	}
	return "", false
}

// readableFile reports whether f opens for reading and is not a directory.
func readableFile(f string) bool {
	h, err := os.Open(f)
	if err != nil {
		return false
	}
	defer h.Close()
	fi, err := h.Stat()
	return err == nil && !fi.IsDir()
}

// libDirsValue is the path as a Scheme list: strings, and the symbol
// script-dir.
func libDirsValue(dirs []LibDir) interp.Value {
	vals := make([]interp.Value, len(dirs))
	for i, d := range dirs {
		if d.ScriptDir {
			vals[i] = scriptDirSym
		} else {
			vals[i] = interp.NewString(d.Dir)
		}
	}
	return interp.List(vals...)
}

// libDirArg reads one library directory: a string or the symbol
// script-dir.
func libDirArg(v interp.Value, pos int, param string) (LibDir, error) {
	switch x := v.(type) {
	case *interp.String:
		return LibDir{Dir: x.String()}, nil
	case *interp.Symbol:
		if x == scriptDirSym {
			return LibDir{ScriptDir: true}, nil
		}
	}
	return LibDir{}, argType(pos, param, "a directory name (a string) or the symbol script-dir", v)
}

// installLibDirs defines scsh's library-directory procedures over the
// interpreter's library path, which starts as the default.
func (e *scshEnv) installLibDirs() {
	it := e.it
	p := &LibPath{defaults: DefaultLibDirs()}
	p.Reset()
	it.SetLocal(libDirsKey, p)
	// import finds the file of a user's library, a/b/c.sld for (a b c),
	// on the library path as -ll finds files
	it.SetLibraryFinder(func(rel string) (string, bool) {
		f, found, err := FindLibraryFile(rel, p.dirs, p.scriptFile)
		return f, found && err == nil
	})
	it.Define("default-lib-dirs", libDirsValue(p.defaults))
	it.Document("scsh: library directories", libDirsDocs...)
	addScriptDir := func(first bool) interp.PrimFn {
		who := "lib-dirs-append-script-dir!"
		if first {
			who = "lib-dirs-prepend-script-dir!"
		}
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			dir, err := p.scriptDir(who)
			if err != nil {
				return nil, err
			}
			if first {
				p.Prepend(dir)
			} else {
				p.Append(dir)
			}
			return interp.Unspecified, nil
		}
	}
	addDir := func(first bool) interp.PrimFn {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			d, err := libDirArg(a[0], 0, "dir")
			if err != nil {
				return nil, err
			}
			if first {
				p.dirs = append([]LibDir{d}, p.dirs...)
			} else {
				p.dirs = append(p.Dirs(), d)
			}
			return interp.Unspecified, nil
		}
	}
	it.DefineBuiltins("scsh: library directories", []interp.Builtin{
		{Name: "lib-dirs", MinArgs: 0, MaxArgs: 0,
			Doc: "(lib-dirs): the library path, first searched first: directory names, and script-dir for the running script's directory",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return libDirsValue(p.dirs), nil
			}},
		{Name: "lib-dirs-prepend!", MinArgs: 1, MaxArgs: 1,
			Doc: "(lib-dirs-prepend! dir): put dir (a string, or script-dir) first on the library path",
			Fn:  addDir(true)},
		{Name: "lib-dirs-append!", MinArgs: 1, MaxArgs: 1,
			Doc: "(lib-dirs-append! dir): put dir (a string, or script-dir) last on the library path",
			Fn:  addDir(false)},
		{Name: "lib-dirs-prepend-script-dir!", MinArgs: 0, MaxArgs: 0,
			Doc: "(lib-dirs-prepend-script-dir!): put the running script's directory (popsh -s) first on the library path; an error with no script",
			Fn:  addScriptDir(true)},
		{Name: "lib-dirs-append-script-dir!", MinArgs: 0, MaxArgs: 0,
			Doc: "(lib-dirs-append-script-dir!): put the running script's directory (popsh -s) last on the library path; an error with no script",
			Fn:  addScriptDir(false)},
		{Name: "clear-lib-dirs!", MinArgs: 0, MaxArgs: 0,
			Doc: "(clear-lib-dirs!): empty the library path (the -lp-clear switch)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p.Clear()
				return interp.Unspecified, nil
			}},
		{Name: "reset-lib-dirs!", MinArgs: 0, MaxArgs: 0,
			Doc: "(reset-lib-dirs!): set the library path back to default-lib-dirs (the -lp-default switch)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p.Reset()
				return interp.Unspecified, nil
			}},
		{Name: "find-library-file", MinArgs: 3, MaxArgs: 3,
			Doc: "(find-library-file file lib-dirs script-file): the first file named file in the list lib-dirs (dir/ with subdirectories), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				file, err := str(a[0], 1, "file")
				if err != nil {
					return nil, err
				}
				vals, ok := interp.ListToSlice(a[1])
				if !ok {
					return nil, argType(2, "lib-dirs", "a list", a[1])
				}
				dirs := make([]LibDir, len(vals))
				for i, v := range vals {
					if dirs[i], err = libDirArg(v, 2, "lib-dirs"); err != nil {
						return nil, argType(2, "lib-dirs", "a list of directory names (strings) and script-dir", a[1])
					}
				}
				script := ""
				switch s := a[2].(type) {
				case *interp.String:
					script = s.String()
					if script == "" {
						return nil, argType(3, "script-file", "a file name or #f", a[2])
					}
				case bool:
					if s {
						return nil, argType(3, "script-file", "a file name or #f", a[2])
					}
				default:
					return nil, argType(3, "script-file", "a file name or #f", a[2])
				}
				f, found, err := FindLibraryFile(file.String(), dirs, script)
				if err != nil || !found {
					return false, err
				}
				return interp.NewString(f), nil
			}},
	}...)
}

// libDirsDocs documents the variable of the library directories.
var libDirsDocs = []interp.DocLine{
	{Name: "default-lib-dirs", Doc: "default-lib-dirs: the default library path, what reset-lib-dirs! and -lp-default restore: the directories of $POPSH_LIB_PATH (colon-separated) when popsh started, else ()"},
}
