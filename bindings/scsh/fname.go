package scsh

import (
	"os"
	"os/user"
	"strings"

	"popsh/interp"
)

// File names as scsh treats them: pure string operations (no file system
// access except where a name starts with ~ or needs the current
// directory). A name ending in "/" is a directory name; "" is both the
// current directory (as a directory name) and the root (as a file name);
// a name made of slashes only is the root.

// lastNonSlash is the index of the last byte of s that is not '/', or -1.
func lastNonSlash(s string) int {
	return strings.LastIndexFunc(s, func(r rune) bool { return r != '/' })
}

// fnameAsDirectory is file-name-as-directory: "." becomes "", a name
// ending in "/" is kept, anything else gains a "/" ("" becomes "/").
func fnameAsDirectory(s string) string {
	if s == "." {
		return ""
	}
	if strings.HasSuffix(s, "/") {
		return s
	}
	return s + "/"
}

// fnameDirectoryAsFile is directory-as-file-name: trailing slashes go,
// "" becomes ".", and a name of slashes only is the root ("/", or "//"
// for exactly two slashes, which POSIX leaves to the system).
func fnameDirectoryAsFile(s string) string {
	if s == "" {
		return "."
	}
	i := lastNonSlash(s)
	switch {
	case i == len(s)-1:
		return s
	case i >= 0:
		return s[:i+1]
	case len(s) == 2:
		return "//"
	}
	return "/"
}

// fnameNondir is directory-as-file-name except that "" stays "".
func fnameNondir(s string) string {
	if s == "" {
		return ""
	}
	return fnameDirectoryAsFile(s)
}

func fnameDirectory(s string) string {
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 || lastNonSlash(s) < 0 {
		return ""
	}
	return s[:slash+1]
}

func fnameNondirectory(s string) string {
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 || lastNonSlash(s) < 0 {
		return s
	}
	return s[slash+1:]
}

// fnameExtIndex is where the extension of s starts: at its last dot when
// that dot is in the last component and neither starts the name nor
// follows a slash (".login" has no extension); else len(s).
func fnameExtIndex(s string) int {
	dot := strings.LastIndexByte(s, '.')
	slash := strings.LastIndexByte(s, '/')
	if dot > 0 && dot > slash && s[dot-1] != '/' {
		return dot
	}
	return len(s)
}

func fnameSplit(s string) []string {
	s = fnameNondir(s)
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "/")
	if parts[len(parts)-1] == "" {
		// only "/" and "//" keep a trailing slash here
		parts = parts[:len(parts)-1]
	}
	return parts
}

// fnameSimplify is simplify-file-name: it removes trailing slashes, empty
// components and "." components other than the last, keeps one or two
// leading slashes (three or more become one) and leaves ".." alone.
func fnameSimplify(s string) string {
	lead := ""
	if strings.HasPrefix(s, "/") {
		j := 1
		for j < len(s) && s[j] == '/' {
			j++
		}
		if j < 3 {
			lead, s = s[:j], s[j:]
		} else {
			lead, s = "/", s[j-1:]
		}
	}
	parts := fnameSplit(s)
	if len(parts) == 0 {
		return lead
	}
	var b strings.Builder
	b.WriteString(lead)
	for _, p := range parts[:len(parts)-1] {
		if p == "." || p == "" {
			continue
		}
		b.WriteString(p)
		b.WriteByte('/')
	}
	b.WriteString(parts[len(parts)-1])
	return b.String()
}

// homeDirectory is scsh's home-directory: $HOME, else the password
// database's entry for the current user.
func homeDirectory() string {
	if h := os.Getenv("HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "/"
}

// fnameResolveTilde replaces a leading ~ or ~user with that home
// directory; an unknown user is an error.
func fnameResolveTilde(who, s string) (string, error) {
	if !strings.HasPrefix(s, "~") {
		return s, nil
	}
	end := strings.IndexByte(s, '/')
	if end < 0 {
		end = len(s)
	}
	home := homeDirectory()
	if end > 1 {
		u, err := user.Lookup(s[1:end])
		if err != nil {
			return "", scshErr(who, "unknown user", interp.NewString(s[1:end]))
		}
		home = u.HomeDir
	}
	if end == len(s) {
		return home, nil
	}
	return home + "/" + s[end+1:], nil
}

// fnameResolve is resolve-file-name: ~ names are expanded, relative names
// are put under root (default "."), and "" is the root.
func fnameResolve(who, s string, root string) (string, error) {
	root = fnameNondir(root)
	s = fnameNondir(s)
	switch {
	case s == "":
		return "/", nil
	case s[0] == '/':
		return s, nil
	case s[0] == '~':
		return fnameResolveTilde(who, s)
	}
	return fnameAsDirectory(root) + s, nil
}

func (e *scshEnv) installFileNames() {
	nameFn := func(who string, f func(string) interp.Value, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "fname")
				if err != nil {
					return nil, err
				}
				return f(s.String()), nil
			}}
	}
	strFn := func(who string, f func(string) string, doc string) interp.Builtin {
		return nameFn(who, func(s string) interp.Value { return interp.NewString(f(s)) }, doc)
	}
	// nameAndDir reads (who NAME [DIR]); dir is "" when absent.
	nameAndDir := func(who string, a []interp.Value) (string, string, bool, error) {
		s, err := str(a[0], 1, "fname")
		if err != nil {
			return "", "", false, err
		}
		if len(a) < 2 || a[1] == interp.DefaultObject {
			return s.String(), "", false, nil
		}
		d, err := str(a[1], 2, "dir")
		if err != nil {
			return "", "", false, err
		}
		return s.String(), d.String(), true, nil
	}
	resolve := func(who string, simplify bool, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, dir, ok, err := nameAndDir(who, a)
				if err != nil {
					return nil, err
				}
				if !ok {
					dir = "."
				}
				r, err := fnameResolve(who, s, dir)
				if err != nil {
					return nil, err
				}
				if simplify {
					r = fnameSimplify(r)
				}
				return interp.NewString(r), nil
			}}
	}
	e.it.DefineBuiltins("scsh: file names", []interp.Builtin{
		strFn("file-name-as-directory", fnameAsDirectory, "(file-name-as-directory fname): fname as a directory name, ending in /"),
		strFn("directory-as-file-name", fnameDirectoryAsFile, "(directory-as-file-name fname): a directory name without its final /"),
		strFn("ensure-file-name-is-directory", func(s string) string {
			if s == "" {
				return ""
			}
			return fnameAsDirectory(s)
		}, "(ensure-file-name-is-directory fname): fname ending in / (unless empty)"),
		strFn("ensure-file-name-is-nondirectory", fnameNondir, "(ensure-file-name-is-nondirectory fname): fname without its final /"),
		strFn("file-name-directory", fnameDirectory, "(file-name-directory fname): the directory part of fname, with its /"),
		strFn("file-name-nondirectory", fnameNondirectory, "(file-name-nondirectory fname): the part of fname after its last /"),
		strFn("file-name-extension", func(s string) string { return s[fnameExtIndex(s):] }, "(file-name-extension fname): the extension of fname, with its dot"),
		strFn("file-name-sans-extension", func(s string) string { return s[:fnameExtIndex(s)] }, "(file-name-sans-extension fname): fname without its extension"),
		strFn("simplify-file-name", fnameSimplify, "(simplify-file-name fname): fname without repeated slashes and . components"),
		nameFn("file-name-directory?", func(s string) interp.Value { return s == "" || strings.HasSuffix(s, "/") }, "(file-name-directory? fname): whether fname names a directory (empty or ends in /)"),
		nameFn("file-name-non-directory?", func(s string) interp.Value { return s == "" || !strings.HasSuffix(s, "/") }, "(file-name-non-directory? fname): whether fname names a non-directory (empty or no final /)"),
		nameFn("file-name-absolute?", func(s string) interp.Value {
			return s == "" || s[0] == '/' || s[0] == '~'
		}, "(file-name-absolute? fname): whether fname starts with / or ~ (or is empty)"),
		nameFn("split-file-name", func(s string) interp.Value { return strList(fnameSplit(s)) }, "(split-file-name fname): the components of fname, as a list of strings"),
		nameFn("parse-file-name", func(s string) interp.Value {
			nd := fnameNondirectory(s)
			i := fnameExtIndex(nd)
			return interp.Values(interp.NewString(fnameDirectory(s)), interp.NewString(nd[:i]), interp.NewString(nd[i:]))
		}, "(parse-file-name fname): the directory, base name and extension of fname, three values"),
		resolve("resolve-file-name", false, "(resolve-file-name fname [dir]): fname with ~ expanded, made absolute against dir"),
		resolve("expand-file-name", true, "(expand-file-name fname [dir]): fname resolved against dir and simplified"),
		{Name: "replace-extension", MinArgs: 2, MaxArgs: 2,
			Doc: "(replace-extension fname ext): fname with its extension replaced by ext",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "fname")
				if err != nil {
					return nil, err
				}
				ext, err := str(a[1], 2, "ext")
				if err != nil {
					return nil, err
				}
				return interp.NewString(s.String()[:fnameExtIndex(s.String())] + ext.String()), nil
			}},
		{Name: "absolute-file-name", MinArgs: 1, MaxArgs: 2,
			Doc: "(absolute-file-name fname [dir]): fname made absolute against dir (the cwd by default)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, root, ok, err := nameAndDir("absolute-file-name", a)
				if err != nil {
					return nil, err
				}
				s = fnameNondir(s)
				switch {
				case s == "":
					return interp.NewString("/"), nil
				case s[0] == '/':
					return interp.NewString(fnameSimplify(s)), nil
				}
				if !ok {
					if root, err = os.Getwd(); err != nil {
						return nil, syscallError("getcwd", err)
					}
				}
				return interp.NewString(fnameSimplify(fnameAsDirectory(root) + s)), nil
			}},
		{Name: "path-list->file-name", MinArgs: 1, MaxArgs: 2,
			Doc: "(path-list->file-name list [dir]): the components of list joined with \"/\"",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				items, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, argType(1, "list", "a list of strings", a[0])
				}
				parts := make([]string, len(items))
				for i, x := range items {
					s, ok := x.(*interp.String)
					if !ok {
						return nil, argType(1, "list", "a list of strings", a[0])
					}
					parts[i] = s.String()
				}
				root := "."
				if len(a) > 1 && a[1] != interp.DefaultObject {
					d, err := str(a[1], 2, "dir")
					if err != nil {
						return nil, err
					}
					root = d.String()
				}
				joined := strings.Join(parts, "/")
				switch {
				case len(parts) == 1 && parts[0] == "":
					return interp.NewString("/"), nil
				case len(parts) > 0 && parts[0] == "":
					return interp.NewString(joined), nil
				}
				return interp.NewString(fnameAsDirectory(fnameNondir(root)) + joined), nil
			}},
	}...)
}
