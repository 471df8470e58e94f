package scsh

import (
	"errors"
	"io/fs"
	"sort"

	"popsh/internal/netrc"
	"popsh/interp"
)

// The Scheme face of netrc files (scsh's netrc module and the entry
// accessors); the parsing is internal/netrc's.

// netrcEntry is one machine (or the default) entry of a netrc file.
type netrcEntry = netrc.Entry

// netrcFile is a parsed netrc file with the fallback login and password
// that netrc:parse may give.
type netrcFile struct {
	*netrc.File
	fallback [2]string // fallback login and password, "" for built-in
}

// machine returns the entry for host (case-insensitive, first one wins).
func (n *netrcFile) machine(host string) *netrcEntry { return n.Machine(host) }

// netrcPath returns the file to read: $NETRC, else $HOME/.netrc.
func netrcPath() (string, error) { return netrc.DefaultPath() }

// errNetrcPerms is wrapped by the error for a netrc file readable by others.
var errNetrcPerms = netrc.ErrInsecure

// parseNetrcFile reads path. A missing file is an empty netrc; a file that
// group or others may access is refused.
func parseNetrcFile(path string) (*netrcFile, error) {
	n, err := netrc.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &netrcFile{File: &netrc.File{Path: path, Macros: map[string]string{}}}, nil
	}
	if err != nil {
		return nil, err
	}
	return &netrcFile{File: n}, nil
}

// parseNetrc parses netrc text.
func parseNetrc(s string) (*netrcFile, error) {
	n, err := netrc.Parse([]byte(s))
	if err != nil {
		return nil, err
	}
	return &netrcFile{File: n}, nil
}

func netrcValue(n *netrcFile) *interp.Opaque {
	return &interp.Opaque{Kind: "netrc", Label: n.Path, Value: n}
}

func (n *netrcFile) defaultLogin() string {
	if n.Default != nil && n.Default.Has("login") {
		return n.Default.Login
	}
	if n.fallback[0] != "" {
		return n.fallback[0]
	}
	return "anonymous"
}

func (n *netrcFile) defaultPassword() string {
	if n.Default != nil && n.Default.Has("password") {
		return n.Default.Password
	}
	if n.fallback[1] != "" {
		return n.fallback[1]
	}
	return userMailAddress()
}

func optStr(e *netrcEntry, key, val string) interp.Value {
	if !e.Has(key) {
		return false
	}
	return interp.NewString(val)
}

// netrcArgs resolves the two calling styles: (proc record machine
// [default?]) and the 1998 (proc machine), which uses the lazily parsed
// default file.
func (e *scshEnv) netrcArgs(who string, a []interp.Value) (*netrcFile, string, bool, error) {
	if len(a) == 0 {
		return nil, "", false, scshErr(who, "missing machine name")
	}
	if s, ok := a[0].(*interp.String); ok {
		n, err := e.globalNetrc()
		if err != nil {
			return nil, "", false, err
		}
		return n, s.String(), true, nil
	}
	o, ok := a[0].(*interp.Opaque)
	var n *netrcFile
	if ok {
		n, ok = o.Value.(*netrcFile)
	}
	if !ok {
		return nil, "", false, argType(1, "netrc", "a netrc record or a machine name", a[0])
	}
	if len(a) < 2 {
		return nil, "", false, scshErr(who, "missing machine name")
	}
	m, ok := a[1].(*interp.String)
	if !ok {
		return nil, "", false, argType(2, "machine", "a string", a[1])
	}
	def := len(a) < 3 || interp.IsTrue(a[2])
	return n, m.String(), def, nil
}

func (e *scshEnv) globalNetrc() (*netrcFile, error) {
	if e.netrc != nil {
		return e.netrc, nil
	}
	path, err := netrcPath()
	if err != nil {
		return nil, scshErr("netrc:parse", err.Error())
	}
	n, err := parseNetrcFile(path)
	if err != nil {
		return nil, &interp.ErrorObject{Who: "netrc:parse", Message: err.Error(), Cause: err}
	}
	e.netrc = n
	return n, nil
}

func (e *scshEnv) netrcRecordArg(a []interp.Value) (*netrcFile, error) {
	if len(a) == 0 {
		return e.globalNetrc()
	}
	if o, ok := a[0].(*interp.Opaque); ok {
		if n, ok := o.Value.(*netrcFile); ok {
			return n, nil
		}
	}
	return nil, interp.TypeError("a netrc record", a[0])
}

func (e *scshEnv) installNetrc() {
	lookup := func(who string) func(a []interp.Value) (interp.Value, interp.Value, interp.Value, error) {
		return func(a []interp.Value) (interp.Value, interp.Value, interp.Value, error) {
			n, m, def, err := e.netrcArgs(who, a)
			if err != nil {
				return nil, nil, nil, err
			}
			if ent := n.machine(m); ent != nil {
				return optStr(ent, "login", ent.Login), optStr(ent, "password", ent.Password), optStr(ent, "account", ent.Account), nil
			}
			if !def {
				return false, false, false, nil
			}
			return interp.NewString(n.defaultLogin()), interp.NewString(n.defaultPassword()), false, nil
		}
	}
	// fileArg reads the optional file name a[i], argument pos (as for
	// argType), else the default netrc file.
	fileArg := func(who string, a []interp.Value, i, pos int) (*netrcFile, error) {
		if len(a) > i {
			s, err := str(a[i], pos, "file")
			if err != nil {
				return nil, err
			}
			n, err := parseNetrcFile(s.String())
			if err != nil {
				return nil, &interp.ErrorObject{Who: who, Message: err.Error(), Cause: err}
			}
			return n, nil
		}
		path, err := netrcPath()
		if err != nil {
			return nil, scshErr(who, err.Error())
		}
		n, err := parseNetrcFile(path)
		if err != nil {
			return nil, &interp.ErrorObject{Who: who, Message: err.Error(), Cause: err}
		}
		return n, nil
	}
	// entryField is netrc-entry-ACC, an accessor of a netrc entry.
	entryField := func(who, acc, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				o, ok := a[0].(*interp.Opaque)
				var ent *netrcEntry
				if ok {
					ent, ok = o.Value.(*netrcEntry)
				}
				if !ok {
					return nil, interp.TypeError("a netrc entry", a[0])
				}
				switch acc {
				case "machine":
					if ent.Machine == "" {
						return false, nil
					}
					return interp.NewString(ent.Machine), nil
				case "login":
					return optStr(ent, "login", ent.Login), nil
				case "password":
					return optStr(ent, "password", ent.Password), nil
				case "port":
					return optStr(ent, "port", ent.Port), nil
				}
				return optStr(ent, "account", ent.Account), nil
			}}
	}
	e.it.DefineBuiltins("scsh: netrc", []interp.Builtin{
		entryField("netrc-entry-machine", "machine", "(netrc-entry-machine entry): the machine of a netrc entry, or #f for the default entry"),
		entryField("netrc-entry-login", "login", "(netrc-entry-login entry): the login of a netrc entry, or #f"),
		entryField("netrc-entry-password", "password", "(netrc-entry-password entry): the password of a netrc entry, or #f"),
		entryField("netrc-entry-account", "account", "(netrc-entry-account entry): the account of a netrc entry, or #f"),
		entryField("netrc-entry-port", "port", "(netrc-entry-port entry): the port of a netrc entry, or #f"),
		{Name: "netrc:parse", MinArgs: 0, MaxArgs: 3,
			Doc: "(netrc:parse [file fallback-password fallback-login]): the netrc record of file (~/.netrc)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var path string
				if len(a) > 0 && a[0] != false {
					s, err := str(a[0], 1, "file")
					if err != nil {
						return nil, err
					}
					path = s.String()
				} else {
					p, err := netrcPath()
					if err != nil {
						return nil, scshErr("netrc:parse", err.Error())
					}
					path = p
				}
				n, err := parseNetrcFile(path)
				if err != nil {
					return nil, &interp.ErrorObject{Who: "netrc:parse", Message: err.Error(), Cause: err}
				}
				if len(a) > 1 && a[1] != false {
					s, err := str(a[1], 2, "fallback-password")
					if err != nil {
						return nil, err
					}
					n.fallback[1] = s.String()
				}
				if len(a) > 2 && a[2] != false {
					s, err := str(a[2], 3, "fallback-login")
					if err != nil {
						return nil, err
					}
					n.fallback[0] = s.String()
				}
				if len(a) == 0 {
					e.netrc = n
				}
				return netrcValue(n), nil
			}},
		{Name: "netrc:lookup", MinArgs: 1, MaxArgs: 3,
			Doc: "(netrc:lookup [netrc] machine [default?]): login, password and account for machine (netrc: a netrc:parse record)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				l, p, acc, err := lookup("netrc:lookup")(a)
				if err != nil {
					return nil, err
				}
				return interp.Values(l, p, acc), nil
			}},
		{Name: "netrc:lookup-login", MinArgs: 1, MaxArgs: 3,
			Doc: "(netrc:lookup-login [netrc] machine [default?]): the login for machine",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				l, _, _, err := lookup("netrc:lookup-login")(a)
				return l, err
			}},
		{Name: "netrc:lookup-password", MinArgs: 1, MaxArgs: 3,
			Doc: "(netrc:lookup-password [netrc] machine [default?]): the password for machine",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, p, _, err := lookup("netrc:lookup-password")(a)
				return p, err
			}},
		{Name: "netrc:default-login", MinArgs: 0, MaxArgs: 1,
			Doc: "(netrc:default-login [netrc]): the login of the default entry",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := e.netrcRecordArg(a)
				if err != nil {
					return nil, err
				}
				return interp.NewString(n.defaultLogin()), nil
			}},
		{Name: "netrc:default-password", MinArgs: 0, MaxArgs: 1,
			Doc: "(netrc:default-password [netrc]): the password of the default entry",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := e.netrcRecordArg(a)
				if err != nil {
					return nil, err
				}
				return interp.NewString(n.defaultPassword()), nil
			}},
		{Name: "user-mail-address", MinArgs: 0, MaxArgs: 1,
			Doc: "(user-mail-address [netrc]): $REPLYTO, else user@host (the argument is accepted and ignored)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.NewString(userMailAddress()), nil
			}},
		{Name: "netrc-machine-entry", MinArgs: 2, MaxArgs: 3,
			Doc: "(netrc-machine-entry machine default? [file]): the entry for machine (else the default one if default?), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				host, err := str(a[0], 1, "machine")
				if err != nil {
					return nil, err
				}
				n, err := fileArg("netrc-machine-entry", a, 2, 3)
				if err != nil {
					return nil, err
				}
				ent := n.machine(host.String())
				if ent == nil && interp.IsTrue(a[1]) {
					ent = n.Default
				}
				if ent == nil {
					return false, nil
				}
				label := ent.Machine
				if label == "" {
					label = "default"
				}
				return &interp.Opaque{Kind: "netrc-entry", Label: label, Value: ent}, nil
			}},
		{Name: "netrc-macro-definitions", MinArgs: 0, MaxArgs: 1,
			Doc: "(netrc-macro-definitions [file]): the macdef definitions, as an alist",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := fileArg("netrc-macro-definitions", a, 0, 0)
				if err != nil {
					return nil, err
				}
				names := make([]string, 0, len(n.Macros))
				for k := range n.Macros {
					names = append(names, k)
				}
				sort.Strings(names)
				var out []interp.Value
				for _, k := range names {
					out = append(out, interp.Cons(interp.NewString(k), interp.NewString(n.Macros[k])))
				}
				return interp.List(out...), nil
			}},
	}...)
}
