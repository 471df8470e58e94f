package interp

// A binding layer installs its procedures in groups (scsh's strings, its
// regular expressions, ...), each a function that makes the group's
// closures and binds its names. Most programs use a few of them, so a
// group whose names no other code binds is installed when one of its
// names is first referred to (by code being compiled, Lookup, Doc,
// Define): DeferGroup records the function, and the static symbols
// (symtab_static.go) carry the group that binds each name, so a start
// does no work per name. Which groups may wait is decided when popsh is
// built (go generate records every binding a start makes, see
// SetBindingRecorder): a group is deferred only when the names it binds
// are bound by nothing else, so installing it late gives every name the
// value an eager installation gives. A group the generated table does not
// list is installed at once, as is every group while bindings are
// recorded.

// bindingRecorder, when set, is told of every binding made through
// Define, DefineMacro, DefineLazy and the libraries, with the group being
// installed ("" outside groups).
var bindingRecorder func(name, group string)

// SetBindingRecorder makes every interpreter install its groups at once
// and report each binding to f (nil: stop). It is for the generator of the
// static symbols, not for concurrent use with running interpreters.
func SetBindingRecorder(f func(name, group string)) { bindingRecorder = f }

// recordBinding reports name's binding to the recorder, if any.
func (it *Interp) recordBinding(name string) {
	if bindingRecorder != nil {
		bindingRecorder(name, it.runningGroup)
	}
}

// groupIndex returns the index of the deferrable group named name in
// staticGroups, 0 when it has none.
func groupIndex(name string) int {
	for k := 1; k < len(staticGroups); k++ {
		if staticGroups[k] == name {
			return k
		}
	}
	return 0
}

// DeferGroup installs the group named name by calling install, now or,
// when the group is one popsh's build found deferrable, when one of its
// names is first referred to. install must only bind names (Define,
// DefineBuiltins, DefineMacro, DefineLazy, Document) with values that do
// not depend on when it runs.
func (it *Interp) DeferGroup(name string, install func()) {
	k := groupIndex(name)
	// At once: a group the table does not list, every group while
	// bindings are recorded or when the static table is stale (New bound
	// interp's names at once, and a group's name bound by interp too must
	// get the group's binding), and a group one of whose names has been
	// used already (its cell would not ask for the group).
	if k == 0 || bindingRecorder != nil || !it.lazyDefaults || it.usedGroups[k] {
		it.runGroupNow(name, install)
		return
	}
	if it.groups == nil {
		it.groups = make([]func(), len(staticGroups))
	}
	it.groups[k] = install
}

// runGroupNow calls install as the installation of the group name.
func (it *Interp) runGroupNow(name string, install func()) {
	outer := it.runningGroup
	it.runningGroup = name
	defer func() { it.runGroupDone(outer) }()
	defer it.inLibrary()()
	install()
}

func (it *Interp) runGroupDone(outer string) { it.runningGroup = outer }

// groupPending reports whether the group k (a static symbol's group) is
// still to be installed.
func (it *Interp) groupPending(k uint8) bool {
	return k != 0 && int(k) < len(it.groups) && it.groups[k] != nil
}

// installGroup installs the pending group k.
func (it *Interp) installGroup(k uint8) {
	install := it.groups[k]
	it.groups[k] = nil
	it.runGroupNow(staticGroups[k], install)
}
