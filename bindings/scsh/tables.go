package scsh

import (
	"fmt"
	"math/big"

	"popsh/interp"
)

// Scheme48's tables (structure tables): maps in which every key has a
// value, #f for all but those set. (table-set! t k #f) removes k.
// make-table compares keys with eqv?, make-string-table with string=?,
// make-symbol-table with eq?, make-integer-table with =, and
// (make-table-maker compare hash) makes tables over any equivalence.
// table-walk visits entries in the order they were first set.

// tableKind is how a table compares its keys.
type tableKind int

const (
	tableEqv tableKind = iota
	tableString
	tableSymbol
	tableInteger
	tableCustom
)

var tableKindNames = [...]string{"table", "string-table", "symbol-table", "integer-table", "table"}

// tableEntry is one key and its value; dead entries wait for compaction.
type tableEntry struct {
	key, val interp.Value
	dead     bool
}

// scshTable is a Scheme48 table. Built-in kinds index their entries by a
// Go key (see goKey); custom tables bucket them by the user's hash and
// compare with the user's procedure.
type scshTable struct {
	kind      tableKind
	immutable bool
	order     []*tableEntry
	index     map[any]*tableEntry   // built-in kinds
	buckets   map[int][]*tableEntry // tableCustom
	compare   interp.Value
	hash      interp.Value
	live      int
}

// bigKey and ratKey index exact numbers that are not fixnums by value.
type bigKey string
type ratKey string

// goKey maps a key to a comparable Go value that is equal exactly when the
// keys are the same for the table's comparison; ok is false when the key
// is not of the kind the table holds.
func (t *scshTable) goKey(k interp.Value) (any, bool) {
	switch t.kind {
	case tableString:
		s, ok := k.(*interp.String)
		if !ok {
			return nil, false
		}
		return s.String(), true
	case tableSymbol:
		s, ok := k.(*interp.Symbol)
		return s, ok
	case tableInteger:
		switch x := k.(type) {
		case int:
			return x, true
		case *big.Int:
			return bigKey(x.String()), true
		}
		return nil, false
	}
	switch x := k.(type) {
	case *big.Int:
		return bigKey(x.String()), true
	case *big.Rat:
		return ratKey(x.String()), true
	}
	if interp.Eq(k, k) { // a comparable Go value: eqv? is eq? for it
		return k, true
	}
	return nil, false
}

func (e *scshEnv) tableFind(who string, t *scshTable, k interp.Value) (*tableEntry, error) {
	if t.kind != tableCustom {
		gk, ok := t.goKey(k)
		if !ok {
			return nil, argType(2, "key", "a key for a "+tableKindNames[t.kind], k)
		}
		return t.index[gk], nil
	}
	h, err := e.tableHash(who, t, k)
	if err != nil {
		return nil, err
	}
	for _, en := range t.buckets[h] {
		same, err := e.call(t.compare, en.key, k)
		if err != nil {
			return nil, err
		}
		if interp.IsTrue(same) {
			return en, nil
		}
	}
	return nil, nil
}

func (e *scshEnv) tableHash(who string, t *scshTable, k interp.Value) (int, error) {
	v, err := e.call(t.hash, k)
	if err != nil {
		return 0, err
	}
	switch h := v.(type) {
	case int:
		if h >= 0 {
			return h, nil
		}
	case *big.Int:
		if h.Sign() >= 0 {
			return int(new(big.Int).Mod(h, big.NewInt(1<<31-1)).Int64()), nil
		}
	}
	return 0, scshErr(who, "the hash procedure returned something other than a non-negative integer", v)
}

func (e *scshEnv) tableSet(who string, t *scshTable, k, v interp.Value) error {
	if t.immutable {
		return scshErr(who, "the table is immutable", k)
	}
	en, err := e.tableFind(who, t, k)
	if err != nil {
		return err
	}
	remove := !interp.IsTrue(v)
	switch {
	case en != nil && remove:
		en.dead = true
		t.live--
		if t.kind == tableCustom {
			h, _ := e.tableHash(who, t, k)
			b := t.buckets[h]
			for i, x := range b {
				if x == en {
					t.buckets[h] = append(b[:i:i], b[i+1:]...)
					break
				}
			}
		} else {
			gk, _ := t.goKey(k)
			delete(t.index, gk)
		}
		t.compact()
	case en != nil:
		en.val = v
	case !remove:
		en = &tableEntry{key: k, val: v}
		if t.kind == tableCustom {
			h, err := e.tableHash(who, t, k)
			if err != nil {
				return err
			}
			t.buckets[h] = append(t.buckets[h], en)
		} else {
			gk, _ := t.goKey(k)
			t.index[gk] = en
		}
		t.order = append(t.order, en)
		t.live++
	}
	return nil
}

// compact drops dead entries from the walk order once they are the majority.
func (t *scshTable) compact() {
	if len(t.order) < 16 || t.live*2 > len(t.order) {
		return
	}
	kept := t.order[:0]
	for _, en := range t.order {
		if !en.dead {
			kept = append(kept, en)
		}
	}
	for i := len(kept); i < len(t.order); i++ {
		t.order[i] = nil
	}
	t.order = kept
}

func newTable(kind tableKind) *interp.Opaque {
	t := &scshTable{kind: kind}
	if kind == tableCustom {
		t.buckets = map[int][]*tableEntry{}
	} else {
		t.index = map[any]*tableEntry{}
	}
	return &interp.Opaque{Kind: "table", Value: t}
}

// tableArg reads a table, argument pos named table (as for argType).
func tableArg(v interp.Value, pos int) (*scshTable, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if t, ok := o.Value.(*scshTable); ok {
			return t, nil
		}
	}
	return nil, argType(pos, "table", "a table", v)
}

func (e *scshEnv) installTables() {
	maker := func(name string, kind tableKind, doc string) interp.Builtin {
		// make-table takes an optional hash procedure in later Scheme48s;
		// keys are still compared with eqv?, so it changes nothing here.
		max := 0
		if kind == tableEqv {
			max = 1
		}
		return interp.Builtin{Name: name, MinArgs: 0, MaxArgs: max, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return newTable(kind), nil
			}}
	}
	e.it.DefineBuiltins("scsh: tables", []interp.Builtin{
		maker("make-table", tableEqv, "(make-table [hash]): a new table comparing keys with eqv?"),
		maker("make-string-table", tableString, "(make-string-table): a new table with string keys"),
		maker("make-symbol-table", tableSymbol, "(make-symbol-table): a new table with symbol keys"),
		maker("make-integer-table", tableInteger, "(make-integer-table): a new table with integer keys"),
		{Name: "make-table-maker", MinArgs: 2, MaxArgs: 2,
			Doc: "(make-table-maker comparator hash): a procedure making tables with those key functions",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				for i, param := range [2]string{"comparator", "hash"} {
					if !isProcedure(a[i]) {
						return nil, argType(i+1, param, "a procedure", a[i])
					}
				}
				compare, hash := a[0], a[1]
				return &interp.Primitive{Name: "table-maker", MinArgs: 0, MaxArgs: 0, Fn: func(it *interp.Interp, _ []interp.Value) (interp.Value, error) {
					o := newTable(tableCustom)
					t := o.Value.(*scshTable)
					t.compare, t.hash = compare, hash
					return o, nil
				}}, nil
			}},
		{Name: "table?", MinArgs: 1, MaxArgs: 1,
			Doc: "(table? obj): whether obj is a table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := tableArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "table-ref", MinArgs: 2, MaxArgs: 2,
			Doc: "(table-ref table key): the value of key in table, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				en, err := e.tableFind("table-ref", t, a[1])
				if err != nil || en == nil {
					return false, err
				}
				return en.val, nil
			}},
		{Name: "table-set!", MinArgs: 3, MaxArgs: 3,
			Doc: "(table-set! table key value): set key to value in table (#f removes it)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				if err := e.tableSet("table-set!", t, a[1], a[2]); err != nil {
					return nil, err
				}
				return interp.Unspecified, nil
			}},
		{Name: "table-walk", MinArgs: 2, MaxArgs: 2,
			Doc: "(table-walk proc table): call (proc key value) for each entry of table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				// Walk a snapshot, so the procedure may change the table.
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
					if _, err := e.call(a[0], en.key, en.val); err != nil {
						return nil, err
					}
				}
				return interp.Unspecified, nil
			}},
		{Name: "make-table-immutable!", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-table-immutable! table): forbid further changes to table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				t.immutable = true
				return a[0], nil
			}},
		{Name: "table->alist", MinArgs: 1, MaxArgs: 1,
			Doc: "(table->alist table): the entries of table as an alist",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := tableArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				var out []interp.Value
				for _, en := range t.order {
					if !en.dead {
						out = append(out, interp.Cons(en.key, en.val))
					}
				}
				return interp.List(out...), nil
			}},
	}...)
}

// String describes a table for the printer's #{...} forms.
func (t *scshTable) String() string {
	return fmt.Sprintf("%s with %d entries", tableKindNames[t.kind], t.live)
}
