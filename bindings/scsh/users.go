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

// idOrName reads scsh's uid/name argument, the only argument of its
// procedure: an exact integer or a string; what is "user" or "group".
func idOrName(what string, v interp.Value) (byName bool, name string, id int, err error) {
	switch x := v.(type) {
	case *interp.String:
		return true, x.String(), 0, nil
	case int:
		return false, "", x, nil
	}
	return false, "", 0, interp.TypeError("a "+what+" id or name", v)
}

func (e *scshEnv) installUsers() {
	ut := e.goRecordType("scsh: users and groups", "user-info", []string{"name", "uid", "gid", "home-dir", "shell"}, printFirstField("user-info"))
	gt := e.goRecordType("scsh: users and groups", "group-info", []string{"name", "gid", "members"}, printFirstField("group-info"))
	userInfo := func(who string, v interp.Value) (*interp.Record, error) {
		byName, name, id, err := idOrName("user", v)
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
		byName, name, id, err := idOrName("group", v)
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
	field := func(who string, get func(string, interp.Value) (*interp.Record, error), i int, check func(interp.Value) bool, want string, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if check != nil && !check(a[0]) {
					return nil, interp.TypeError(want, a[0])
				}
				r, err := get(who, a[0])
				if err != nil {
					return nil, err
				}
				if i < 0 {
					return r, nil
				}
				return r.Fields[i], nil
			}}
	}
	isStr := func(v interp.Value) bool { _, ok := v.(*interp.String); return ok }
	isInt := func(v interp.Value) bool { _, ok := v.(int); return ok }
	e.it.DefineBuiltins("scsh: users and groups",
		field("user-info", userInfo, -1, nil, "", "(user-info uid/name): the user-info record of a user id or name"),
		field("name->user-info", userInfo, -1, isStr, "a user name", "(name->user-info name): the user-info record of a user name"),
		field("uid->user-info", userInfo, -1, isInt, "a user id", "(uid->user-info uid): the user-info record of a user id"),
		field("->uid", userInfo, 1, nil, "", "(->uid uid/name): the user id of a user id or name"),
		field("->username", userInfo, 0, nil, "", "(->username uid/name): the user name of a user id or name"),
		field("%homedir", userInfo, 3, nil, "", "(%homedir uid/name): the home directory of a user"),
		field("group-info", groupInfo, -1, nil, "", "(group-info gid/name): the group-info record of a group id or name"),
		field("name->group-info", groupInfo, -1, isStr, "a group name", "(name->group-info name): the group-info record of a group name"),
		field("gid->group-info", groupInfo, -1, isInt, "a group id", "(gid->group-info gid): the group-info record of a group id"),
		field("->gid", groupInfo, 1, nil, "", "(->gid gid/name): the group id of a group id or name"),
		field("->groupname", groupInfo, 0, nil, "", "(->groupname gid/name): the group name of a group id or name"),
	)
}
