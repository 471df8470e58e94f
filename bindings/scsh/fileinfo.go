package scsh

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"popsh/interp"
)

// installFileInfo defines glob, create-symlink and read-symlink (file-info
// is in installFileOps).
func (e *scshEnv) installFileInfo() {
	e.it.DefineBuiltins("scsh: file system", []interp.Builtin{
		{Name: "glob", MinArgs: 0, MaxArgs: -1,
			Doc: "(glob pattern ...): the file names matching the patterns ({a,b}, *, ?, [...])",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var out []string
				for i, v := range a {
					p, err := str(v, i+1, "pattern")
					if err != nil {
						return nil, err
					}
					for _, pat := range expandBraces(p.String()) {
						// A pattern ending in "/" matches directories
						// only, which come back with the slash.
						dirsOnly := strings.HasSuffix(pat, "/")
						if dirsOnly {
							pat = strings.TrimRight(pat, "/")
							if pat == "" {
								out = append(out, "/")
								continue
							}
						}
						m, err := globNoDot(pat)
						if err != nil {
							return nil, scshErr("glob", "bad pattern", v)
						}
						for _, f := range m {
							if !dirsOnly {
								out = append(out, f)
							} else if st, err := os.Stat(f); err == nil && st.IsDir() {
								out = append(out, f+"/")
							}
						}
					}
				}
				return strList(out), nil
			}},
		{Name: "read-symlink", MinArgs: 1, MaxArgs: 1,
			Doc: "(read-symlink name): the target of the symbolic link name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := str(a[0], 0, "name")
				if err != nil {
					return nil, err
				}
				t, err := os.Readlink(p.String())
				if err != nil {
					return nil, syscallError("readlink", err, interp.NewString(p.String()))
				}
				return interp.NewString(t), nil
			}},
	}...)
}

// expandBraces expands csh-style {a,b} alternatives (nested allowed).
func expandBraces(p string) []string {
	depth, open := 0, -1
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '{':
			if depth == 0 {
				open = i
			}
			depth++
		case '}':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				var alts []string
				d, start := 0, open+1
				for j := open + 1; j < i; j++ {
					switch p[j] {
					case '\\':
						j++
					case '{':
						d++
					case '}':
						d--
					case ',':
						if d == 0 {
							alts = append(alts, p[start:j])
							start = j + 1
						}
					}
				}
				alts = append(alts, p[start:i])
				var out []string
				for _, alt := range alts {
					out = append(out, expandBraces(p[:open]+alt+p[i+1:])...)
				}
				return out
			}
		}
	}
	return []string{p}
}

// globNoDot is filepath.Glob where, as in the shell and scsh, a component
// starting with "." is matched only by a pattern component starting with ".".
func globNoDot(pat string) ([]string, error) {
	m, err := filepath.Glob(pat)
	if err != nil {
		return nil, err
	}
	pc := strings.Split(pat, "/")
	var out []string
	for _, f := range m {
		fc := strings.Split(f, "/")
		ok := len(fc) == len(pc)
		for i := 0; ok && i < len(fc); i++ {
			if strings.HasPrefix(fc[i], ".") && !strings.HasPrefix(pc[i], ".") && pc[i] != fc[i] {
				ok = false
			}
		}
		if ok {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}
