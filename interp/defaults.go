package interp

import "sync"

// New binds interp's own syntax and procedures (about 700 names) without
// touching their cells: a static symbol's cell gets its built-in binding
// when it is first used (firstUse), as a deferred group's names do. The
// static table gives each name's built-in procedure by its index in
// builtins (Symbol.builtin), so a first use costs two map lookups (syntax,
// macros) and an index. The table was written from the builtins of the
// build (go generate); staticDefaultsValid checks once per process that
// it still describes them (same names in the same order, every syntax name
// static), and New binds every name at once when it does not.

// staticDefaultsValid reports whether the static table describes the
// built-in bindings of this build: the same builtins (by the hash of their
// names, in order, kept as init adds them), and every syntax name static.
var staticDefaultsValid = sync.OnceValue(func() bool {
	return describes(staticBuiltinsCount, staticBuiltinsHash, builtins, builtinsHash)
})

// describes reports whether a table made for count builtins whose names
// hashed to hash describes builtins, whose names hash to have, and the
// static table holds every syntax name.
func describes(count int, hash uint64, builtins []*Primitive, have uint64) bool {
	if count != len(builtins) || hash != have {
		return false
	}
	for name := range specialForms {
		if staticSymbol(name) == nil {
			return false
		}
	}
	for name := range builtinMacros {
		if staticSymbol(name) == nil {
			return false
		}
	}
	return true
}

// firstUse gives the unused cell g of the static symbol name its binding:
// its deferred group's (installed now), else interp's own, if any.
func (it *Interp) firstUse(g *Global, name *Symbol) {
	if it.groupPending(name.group) {
		it.installGroup(name.group)
		if g.Name != nil {
			return
		}
	} else if name.group != 0 {
		it.usedGroups[name.group] = true
	}
	if !it.lazyDefaults {
		return
	}
	sf, m := specialForms[name.Name], builtinMacros[name.Name]
	if sf == nil && m == nil && name.builtin == 0 {
		return
	}
	g.Name, g.value = name, unbound
	g.special, g.macro = sf, m
	if name.builtin > 0 {
		p := builtins[name.builtin-1]
		g.value, g.builtin, g.pure = p, p, true
	}
}

// hasDefault reports whether the unused cell of the static symbol s gets a
// binding on first use.
func (it *Interp) hasDefault(s *Symbol) bool {
	if it.groupPending(s.group) {
		return true
	}
	if !it.lazyDefaults {
		return false
	}
	return s.builtin > 0 || specialForms[s.Name] != nil || builtinMacros[s.Name] != nil
}
