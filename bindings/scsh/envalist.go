package scsh

import (
	"os"
	"strings"

	"popsh/interp"
)

// envValue is an environment value as scsh takes it: a string, or a list
// of strings joined with ":" (a search path).
func envValue(v interp.Value, pos int, param string) (string, error) {
	if s, ok := v.(*interp.String); ok {
		return s.String(), nil
	}
	items, ok := interp.ListToSlice(v)
	if !ok {
		return "", argType(pos, param, "a string or a list of strings", v)
	}
	parts := make([]string, len(items))
	for i, x := range items {
		s, ok := x.(*interp.String)
		if !ok {
			return "", argType(pos, param, "a string or a list of strings", v)
		}
		parts[i] = s.String()
	}
	return strings.Join(parts, ":"), nil
}

// installEnvAlist defines alist->env (the whole process environment
// becomes the alist) and lets setenv take a list value. The rest of the
// family (with-env*, with-total-env*, alist-update, alist-compress,
// add-before, add-after) is in scsh.scm.
func (e *scshEnv) installEnvAlist() {
	e.it.DefineBuiltins("scsh: environment", []interp.Builtin{
		{Name: "alist->env", MinArgs: 1, MaxArgs: 1,
			Doc: "(alist->env alist): replace the process environment by alist of (name . value)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				items, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, argType(0, "alist", "an alist of (name . value)", a[0])
				}
				// Check everything before touching the environment.
				type kv struct{ k, v string }
				var env []kv
				seen := map[string]bool{}
				for _, x := range items {
					p, ok := x.(*interp.Pair)
					var k *interp.String
					if ok {
						k, ok = p.Car.(*interp.String)
					}
					if !ok || k.String() == "" || strings.ContainsAny(k.String(), "=\x00") {
						return nil, argType(0, "alist", "an alist of (name . value) with string names", x)
					}
					v, err := envValue(p.Cdr, 0, "alist")
					if err != nil {
						return nil, err
					}
					if strings.ContainsRune(v, 0) {
						return nil, scshErr("alist->env", "NUL in environment value", p.Car)
					}
					if seen[k.String()] {
						continue // the first binding wins, as in getenv's assoc
					}
					seen[k.String()] = true
					env = append(env, kv{k.String(), v})
				}
				os.Clearenv()
				for _, x := range env {
					os.Setenv(x.k, x.v)
				}
				e.envAlist = append([]interp.Value{}, items...)
				return interp.Unspecified, nil
			}},
		{Name: "setenv", MinArgs: 2, MaxArgs: 2,
			Doc: "(setenv name value): set environment variable name to value (#f removes it)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				if a[1] == false {
					os.Unsetenv(s.String())
					e.envAlistUpdate(s.String(), nil)
					return interp.Unspecified, nil
				}
				v, err := envValue(a[1], 2, "value")
				if err != nil {
					return nil, err
				}
				if err := os.Setenv(s.String(), v); err != nil {
					return nil, scshErr("setenv", err.Error())
				}
				e.envAlistUpdate(s.String(), a[1])
				return interp.Unspecified, nil
			}},
		{Name: "env->alist", MinArgs: 0, MaxArgs: 0,
			Doc: "(env->alist): the process environment as an alist of (name . value)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if e.envAlist != nil {
					return interp.List(e.envAlist...), nil
				}
				var out []interp.Value
				for _, kv := range os.Environ() {
					k, v, _ := strings.Cut(kv, "=")
					out = append(out, interp.Cons(interp.NewString(k), interp.NewString(v)))
				}
				return interp.List(out...), nil
			}},
	}...)
}

// envAlistUpdate applies setenv to the kept alist: every binding of name
// goes, and (name . val) comes first unless val is nil (unset).
func (e *scshEnv) envAlistUpdate(name string, val interp.Value) {
	if e.envAlist == nil {
		return
	}
	out := make([]interp.Value, 0, len(e.envAlist)+1)
	if val != nil {
		out = append(out, interp.Cons(interp.NewString(name), val))
	}
	for _, x := range e.envAlist {
		if p, ok := x.(*interp.Pair); ok {
			if k, ok := p.Car.(*interp.String); ok && k.String() == name {
				continue
			}
		}
		out = append(out, x)
	}
	e.envAlist = out
}
