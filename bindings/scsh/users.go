package scsh

import (
	"bufio"
	"os"
	"os/user"
	"strconv"
	"strings"

	"popsh/interp"
)

// The user and group databases, as scsh gives them: (user-info uid/name)
// is a user-info record (name uid gid home-dir shell), (group-info
// gid/name) a group-info record (name gid members); ->uid, ->username,
// ->gid and ->groupname are shorthands. Entries come from /etc/passwd and
// /etc/group, then from the system's own look-up (os/user) for users and
// groups those files do not list (the shell and members are then unknown:
// "" and ()).

const (
	passwdFile = "/etc/passwd"
	groupFile  = "/etc/group"
)

// dbLookup returns the first line of file (/etc/passwd or /etc/group),
// split at colons, that match accepts.
func dbLookup(file string, match func(fields []string) bool) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		fields := strings.Split(line, ":")
		if match(fields) {
			return fields
		}
	}
	return nil
}

// userRecord is what user-info returns.
type userRecord struct {
	name, home, shell string
	uid, gid          int
}

func lookupUser(byName bool, name string, uid int) (*userRecord, bool) {
	f := dbLookup(passwdFile, func(f []string) bool {
		if len(f) < 7 {
			return false
		}
		if byName {
			return f[0] == name
		}
		return f[2] == strconv.Itoa(uid)
	})
	if f != nil {
		u, err1 := strconv.Atoi(f[2])
		g, err2 := strconv.Atoi(f[3])
		if err1 == nil && err2 == nil {
			return &userRecord{name: f[0], uid: u, gid: g, home: f[5], shell: f[6]}, true
		}
	}
	var u *user.User
	var err error
	if byName {
		u, err = user.Lookup(name)
	} else {
		u, err = user.LookupId(strconv.Itoa(uid))
	}
	if err != nil {
		return nil, false
	}
	id, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	return &userRecord{name: u.Username, uid: id, gid: gid, home: u.HomeDir}, true
}

type groupRecord struct {
	name    string
	gid     int
	members []string
}

func lookupGroup(byName bool, name string, gid int) (*groupRecord, bool) {
	f := dbLookup(groupFile, func(f []string) bool {
		if len(f) < 4 {
			return false
		}
		if byName {
			return f[0] == name
		}
		return f[2] == strconv.Itoa(gid)
	})
	if f != nil {
		if g, err := strconv.Atoi(f[2]); err == nil {
			var members []string
			for _, m := range strings.Split(f[3], ",") {
				if m = strings.TrimSpace(m); m != "" {
					members = append(members, m)
				}
			}
			return &groupRecord{name: f[0], gid: g, members: members}, true
		}
	}
	var g *user.Group
	var err error
	if byName {
		g, err = user.LookupGroup(name)
	} else {
		g, err = user.LookupGroupId(strconv.Itoa(gid))
	}
	if err != nil {
		return nil, false
	}
	id, err := strconv.Atoi(g.Gid)
	if err != nil {
		return nil, false
	}
	return &groupRecord{name: g.Name, gid: id}, true
}

// defRecord defines a Go-made record type with scsh's define-record
// names: type/NAME, NAME?, NAME:FIELD. Records print as #{NAME label}.
func (e *scshEnv) defRecord(name string, fields []string, label func(r *interp.Record) string) *interp.RecordType {
	syms := make([]*interp.Symbol, len(fields))
	for i, f := range fields {
		syms[i] = interp.Intern(f)
	}
	rt := &interp.RecordType{Name: name, Fields: syms}
	rt.Printer = func(r *interp.Record) string { return "#{" + name + " " + label(r) + "}" }
	e.it.Define("type/"+name, rt)
	e.def(name+"?", 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		r, ok := a[0].(*interp.Record)
		return ok && r.Type == rt, nil
	})
	for i, f := range fields {
		i, who := i, name+":"+f
		e.def(who, 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			r, ok := a[0].(*interp.Record)
			if !ok || r.Type != rt {
				return nil, argTypeErr(who, 1, "a "+name+" record", a[0])
			}
			return r.Fields[i], nil
		})
	}
	return rt
}

// idOrName reads scsh's uid/name argument: an exact integer or a string.
func idOrName(who, what string, v interp.Value) (byName bool, name string, id int, err error) {
	switch x := v.(type) {
	case *interp.String:
		return true, x.String(), 0, nil
	case int:
		return false, "", x, nil
	}
	return false, "", 0, scshErr(who, who+" arg must be string or integer", v)
}

func (e *scshEnv) installUsers() {
	label := func(r *interp.Record) string { return interp.DisplayString(r.Fields[0]) }
	ut := e.defRecord("user-info", []string{"name", "uid", "gid", "home-dir", "shell"}, label)
	gt := e.defRecord("group-info", []string{"name", "gid", "members"}, label)
	userInfo := func(who string, v interp.Value) (*interp.Record, error) {
		byName, name, id, err := idOrName(who, "user", v)
		if err != nil {
			return nil, err
		}
		u, ok := lookupUser(byName, name, id)
		if !ok {
			return nil, scshErr(who, "Cannot get user's information", v)
		}
		return &interp.Record{Type: ut, Fields: []interp.Value{
			interp.NewString(u.name), u.uid, u.gid, interp.NewString(u.home), interp.NewString(u.shell),
		}}, nil
	}
	groupInfo := func(who string, v interp.Value) (*interp.Record, error) {
		byName, name, id, err := idOrName(who, "group", v)
		if err != nil {
			return nil, err
		}
		g, ok := lookupGroup(byName, name, id)
		if !ok {
			what := "gid"
			if byName {
				what = "name"
			}
			return nil, scshErr(who, "Cannot get group's information for "+what, v)
		}
		ms := make([]interp.Value, len(g.members))
		for i, m := range g.members {
			ms[i] = interp.NewString(m)
		}
		return &interp.Record{Type: gt, Fields: []interp.Value{interp.NewString(g.name), g.gid, interp.List(ms...)}}, nil
	}
	field := func(who string, get func(string, interp.Value) (*interp.Record, error), i int, check func(interp.Value) bool, want string) {
		e.def(who, 1, 1, func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			if check != nil && !check(a[0]) {
				return nil, argTypeErr(who, 1, want, a[0])
			}
			r, err := get(who, a[0])
			if err != nil {
				return nil, err
			}
			if i < 0 {
				return r, nil
			}
			return r.Fields[i], nil
		})
	}
	isStr := func(v interp.Value) bool { _, ok := v.(*interp.String); return ok }
	isInt := func(v interp.Value) bool { _, ok := v.(int); return ok }
	field("user-info", userInfo, -1, nil, "")
	field("name->user-info", userInfo, -1, isStr, "a user name")
	field("uid->user-info", userInfo, -1, isInt, "a user id")
	field("->uid", userInfo, 1, nil, "")
	field("->username", userInfo, 0, nil, "")
	field("%homedir", userInfo, 3, nil, "")
	field("group-info", groupInfo, -1, nil, "")
	field("name->group-info", groupInfo, -1, isStr, "a group name")
	field("gid->group-info", groupInfo, -1, isInt, "a group id")
	field("->gid", groupInfo, 1, nil, "")
	field("->groupname", groupInfo, 0, nil, "")
}
