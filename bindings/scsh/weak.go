package scsh

import (
	"weak"

	"popsh/interp"
)

// Weak tables, as scsh 0.6 has them: a table (make-table, keys compared
// with eqv?) whose values are held weakly. A value that nothing else
// refers to may be reclaimed by the garbage collector (Go's, which is the
// interpreter's), and the entry then reads #f. Values that are not heap
// objects (numbers, characters, booleans, symbols, which are never
// reclaimed) are held as they are.

// weakCell is a table value held weakly: get returns it, or ok false
// once it was reclaimed.
type weakCell struct {
	get func() (interp.Value, bool)
}

func weakOf[T any](p *T) *weakCell {
	w := weak.Make(p)
	return &weakCell{get: func() (interp.Value, bool) {
		if q := w.Value(); q != nil {
			return q, true
		}
		return nil, false
	}}
}

// newWeakCell holds v weakly when it is a heap object, and strongly
// otherwise (nil: v needs no cell).
func newWeakCell(v interp.Value) *weakCell {
	switch x := v.(type) {
	case *interp.Pair:
		return weakOf(x)
	case *interp.String:
		return weakOf(x)
	case *interp.Vector:
		return weakOf(x)
	case *interp.Bytevector:
		return weakOf(x)
	case *interp.Record:
		return weakOf(x)
	case *interp.Opaque:
		return weakOf(x)
	case *interp.Closure:
		return weakOf(x)
	case *interp.Port:
		return weakOf(x)
	case *interp.Promise:
		return weakOf(x)
	case *interp.Thread:
		return weakOf(x)
	}
	return nil
}

func weakCellOpaque(c *weakCell) *interp.Opaque {
	return &interp.Opaque{Kind: "weak-pointer", Value: c}
}

// weakValue is what a table entry holds for a weak table: the value
// itself, or the cell's, with alive false when it was reclaimed.
func weakValue(v interp.Value) (val interp.Value, alive bool) {
	if o, ok := v.(*interp.Opaque); ok {
		if c, ok := o.Value.(*weakCell); ok {
			return c.get()
		}
	}
	return v, true
}

func (e *scshEnv) installWeakTables() {
	// ref reads key of table t, dropping an entry whose value was
	// reclaimed.
	ref := func(who string, t *scshTable, key interp.Value) (interp.Value, error) {
		en, err := e.tableFind(who, t, key)
		if err != nil || en == nil {
			return false, err
		}
		v, alive := weakValue(en.val)
		if !alive {
			return false, e.tableSet(who, t, key, false)
		}
		return v, nil
	}
	set := func(who string, t *scshTable, key, v interp.Value, weakly bool) error {
		if weakly && interp.IsTrue(v) {
			if c := newWeakCell(v); c != nil {
				v = weakCellOpaque(c)
			}
		}
		return e.tableSet(who, t, key, v)
	}
	e.it.DefineBuiltins("scsh: tables", []interp.Builtin{
		{Name: "make-weak-table", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-weak-table): a new table (keys compared with eqv?) for weakly held values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return newTable(tableEqv), nil
			}},
		{Name: "weak-table-set!", MinArgs: 3, MaxArgs: 3,
			Doc: "(weak-table-set! table key value): hold value weakly under key (#f removes key)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, set("weak-table-set!", t, a[1], a[2], true)
			}},
		{Name: "weak-table-ref", MinArgs: 2, MaxArgs: 2,
			Doc: "(weak-table-ref table key): the value under key, or #f (also once it was reclaimed)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				return ref("weak-table-ref", t, a[1])
			}},
		{Name: "weak-table-walk", MinArgs: 2, MaxArgs: 2,
			Doc: "(weak-table-walk proc table): call (proc key value) for each entry; value is #f once reclaimed",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if !interp.IsProcedure(a[0]) {
					return nil, argType(1, "proc", "a procedure", a[0])
				}
				t, err := tableArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				snap := make([]*tableEntry, 0, t.live)
				for _, en := range t.order {
					if !en.dead {
						snap = append(snap, en)
					}
				}
				for _, en := range snap {
					if en.dead {
						continue
					}
					v, alive := weakValue(en.val)
					if !alive {
						v = false
					}
					if _, err := e.call(a[0], en.key, v); err != nil {
						return nil, err
					}
				}
				return interp.Unspecified, nil
			}},
		{Name: "strengthen-weak-table-ref", MinArgs: 2, MaxArgs: 2,
			Doc: "(strengthen-weak-table-ref table key): hold the value under key strongly from now on",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				v, err := ref("strengthen-weak-table-ref", t, a[1])
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, set("strengthen-weak-table-ref", t, a[1], v, false)
			}},
		{Name: "weaken-weak-table-ref", MinArgs: 2, MaxArgs: 2,
			Doc: "(weaken-weak-table-ref table key): hold the value under key weakly again",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				v, err := ref("weaken-weak-table-ref", t, a[1])
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, set("weaken-weak-table-ref", t, a[1], v, true)
			}},
	}...)
}
