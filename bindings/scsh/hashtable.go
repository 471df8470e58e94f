package scsh

import (
	"hash/maphash"
	"math"
	"math/big"
	"reflect"
	"strings"

	"popsh/interp"
)

// SRFI 69 hash tables, for programs written for R7RS systems (scsh's own
// programs use Scheme48's tables, in tables.go). A table compares its keys
// with one equivalence: eq?, eqv?, equal?, string=? and string-ci=? are
// known and hashed in Go; any other is called, with the table's hash
// procedure. Entries are kept in the order they were added, so walks and
// lists come out in that order.

type htKind int

const (
	htEqual htKind = iota
	htEq
	htEqv
	htString
	htStringCI
	htCustom
)

type htEntry struct {
	key, val interp.Value
	hash     uint64
	dead     bool
}

type hashTable struct {
	kind    htKind
	equiv   interp.Value // the equivalence procedure, as given
	hashFn  interp.Value // the hash procedure, as given (or the default)
	buckets map[uint64][]*htEntry
	order   []*htEntry
	live    int
}

const hashTableKind = "hash-table"

var htSeed = maphash.MakeSeed()

// hashBound is the default bound of hash, string-ci-hash and
// hash-by-identity: results are below it, and fixnums.
const hashBound = 1 << 29

func mix(h, x uint64) uint64 {
	h ^= x + 0x9e3779b97f4a7c15 + h<<6 + h>>2
	return h
}

// identityHash hashes v by identity (pointers) or value (numbers, chars,
// booleans: what eqv? compares by value).
func identityHash(v interp.Value) uint64 {
	switch x := v.(type) {
	case int:
		return mix(1, uint64(x))
	case float64:
		return mix(2, math.Float64bits(x))
	case *big.Int:
		return mix(3, maphash.Bytes(htSeed, x.Bytes())^uint64(x.Sign()+1))
	case *big.Rat:
		return mix(4, maphash.String(htSeed, x.String()))
	case interp.Char:
		return mix(5, uint64(x))
	case bool:
		if x {
			return 7
		}
		return 6
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		return mix(8, uint64(rv.Pointer()))
	}
	return maphash.Comparable(htSeed, v)
}

// equalHash hashes v so that equal? values hash alike: strings,
// bytevectors, pairs and vectors by contents, at most budget nodes deep
// into the structure (the rest is not hashed; cycles end there too).
func equalHash(v interp.Value) uint64 {
	budget := 64
	var walk func(v interp.Value) uint64
	walk = func(v interp.Value) uint64 {
		if budget--; budget < 0 {
			return 0
		}
		switch x := v.(type) {
		case *interp.String:
			return mix(10, maphash.String(htSeed, x.String()))
		case *interp.Bytevector:
			return mix(11, maphash.Bytes(htSeed, x.B))
		case *interp.Pair:
			h := uint64(12)
			for p := interp.Value(x); budget > 0; {
				pp, ok := p.(*interp.Pair)
				if !ok {
					h = mix(h, walk(p))
					break
				}
				h = mix(h, walk(pp.Car))
				p = pp.Cdr
			}
			return h
		case *interp.Vector:
			h := mix(13, uint64(len(x.Items)))
			for _, it := range x.Items {
				if budget <= 0 {
					break
				}
				h = mix(h, walk(it))
			}
			return h
		}
		return identityHash(v)
	}
	return walk(v)
}

func foldString(s *interp.String) string { return strings.ToLower(s.String()) }

func hashTableArg(v interp.Value, pos int) (*hashTable, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if t, ok := o.Value.(*hashTable); ok {
			return t, nil
		}
	}
	return nil, argType(pos, "table", "a hash table", v)
}

// hashOf hashes key as t's kind says; a custom table calls its hash
// procedure.
func (e *scshEnv) hashOf(t *hashTable, key interp.Value) (uint64, error) {
	switch t.kind {
	case htEq, htEqv:
		return identityHash(key), nil
	case htString, htStringCI:
		s, ok := key.(*interp.String)
		if !ok {
			return 0, argType(2, "key", "a string", key)
		}
		if t.kind == htStringCI {
			return maphash.String(htSeed, foldString(s)), nil
		}
		return maphash.String(htSeed, s.String()), nil
	case htCustom:
		if t.hashFn == nil {
			return equalHash(key), nil
		}
		v, err := e.call(t.hashFn, key)
		if err != nil {
			return 0, err
		}
		switch h := v.(type) {
		case int:
			if h >= 0 {
				return uint64(h), nil
			}
		case *big.Int:
			if h.Sign() >= 0 {
				return maphash.Bytes(htSeed, h.Bytes()), nil
			}
		}
		return 0, scshErr("hash-table", "the hash procedure returned something other than a non-negative exact integer", v)
	}
	return equalHash(key), nil
}

func (e *scshEnv) sameKey(t *hashTable, a, b interp.Value) (bool, error) {
	switch t.kind {
	case htEq:
		return interp.Eq(a, b), nil
	case htEqv:
		return interp.Eqv(a, b), nil
	case htString:
		return interp.Equal(a, b), nil
	case htStringCI:
		return foldString(a.(*interp.String)) == foldString(b.(*interp.String)), nil
	case htCustom:
		v, err := e.call(t.equiv, a, b)
		return err == nil && interp.IsTrue(v), err
	}
	return interp.Equal(a, b), nil
}

// find returns key's entry in t (nil if none) and key's hash.
func (e *scshEnv) htFind(t *hashTable, key interp.Value) (*htEntry, uint64, error) {
	h, err := e.hashOf(t, key)
	if err != nil {
		return nil, 0, err
	}
	for _, en := range t.buckets[h] {
		same, err := e.sameKey(t, en.key, key)
		if err != nil {
			return nil, 0, err
		}
		if same {
			return en, h, nil
		}
	}
	return nil, h, nil
}

func (t *hashTable) add(key, val interp.Value, h uint64) {
	en := &htEntry{key: key, val: val, hash: h}
	t.buckets[h] = append(t.buckets[h], en)
	t.order = append(t.order, en)
	t.live++
}

func (t *hashTable) remove(en *htEntry) {
	b := t.buckets[en.hash]
	for i, x := range b {
		if x == en {
			if len(b) == 1 {
				delete(t.buckets, en.hash)
			} else {
				t.buckets[en.hash] = append(b[:i:i], b[i+1:]...)
			}
			break
		}
	}
	en.dead = true
	t.live--
	if len(t.order) >= 16 && t.live*2 <= len(t.order) {
		kept := t.order[:0]
		for _, x := range t.order {
			if !x.dead {
				kept = append(kept, x)
			}
		}
		clear(t.order[len(kept):])
		t.order = kept
	}
}

// entries returns the live entries, in the order they were added, as a
// copy (a walk may change the table).
func (t *hashTable) entries() []*htEntry {
	out := make([]*htEntry, 0, t.live)
	for _, en := range t.order {
		if !en.dead {
			out = append(out, en)
		}
	}
	return out
}

// newHashTable makes a table comparing keys with equiv (nil: equal?),
// hashed by hashFn (nil: the default for equiv).
func (e *scshEnv) newHashTable(equiv, hashFn interp.Value) *interp.Opaque {
	t := &hashTable{kind: htEqual, equiv: equiv, hashFn: hashFn, buckets: map[uint64][]*htEntry{}}
	if equiv != nil {
		t.kind = htCustom
		for _, k := range []struct {
			name string
			kind htKind
		}{{"equal?", htEqual}, {"eq?", htEq}, {"eqv?", htEqv}, {"string=?", htString}, {"string-ci=?", htStringCI}} {
			if v, ok := e.it.Lookup(k.name); ok && interp.Eq(v, equiv) {
				t.kind = k.kind
				break
			}
		}
		if t.kind != htCustom && hashFn != nil {
			// a hash of the user's with a known equivalence: use it,
			// as the equivalence may be coarser than its default hash
			t.kind = htCustom
		}
	}
	if t.equiv == nil {
		t.equiv, _ = e.it.Lookup("equal?")
	}
	return &interp.Opaque{Kind: hashTableKind, Value: t}
}

func boundArg(a []interp.Value, i int) (uint64, error) {
	if len(a) <= i {
		return hashBound, nil
	}
	b, ok := a[i].(int)
	if !ok || b <= 0 {
		return 0, argType(i+1, "bound", "a positive exact integer", a[i])
	}
	return uint64(b), nil
}

func (e *scshEnv) installHashTables() {
	procArg := func(a []interp.Value, i int, param string) (interp.Value, error) {
		if len(a) <= i {
			return nil, nil
		}
		if !isProcedure(a[i]) {
			return nil, argType(i+1, param, "a procedure", a[i])
		}
		return a[i], nil
	}
	tableAndKey := func(a []interp.Value) (*hashTable, *htEntry, uint64, error) {
		t, err := hashTableArg(a[0], 1)
		if err != nil {
			return nil, nil, 0, err
		}
		en, h, err := e.htFind(t, a[1])
		return t, en, h, err
	}
	e.it.DefineBuiltins("SRFI 69: hash tables", []interp.Builtin{
		{Name: "make-hash-table", MinArgs: 0, MaxArgs: -1,
			Doc: "(make-hash-table [equiv [hash arg ...]]): a new hash table comparing keys with equiv (equal?)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				equiv, err := procArg(a, 0, "equiv")
				if err != nil {
					return nil, err
				}
				hashFn, err := procArg(a, 1, "hash")
				if err != nil {
					return nil, err
				}
				return e.newHashTable(equiv, hashFn), nil
			}},
		{Name: "alist->hash-table", MinArgs: 1, MaxArgs: -1,
			Doc: "(alist->hash-table alist [equiv [hash arg ...]]): a new hash table of alist's pairs (the first of a key wins)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pairs, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, argType(1, "alist", "a list of pairs", a[0])
				}
				equiv, err := procArg(a, 1, "equiv")
				if err != nil {
					return nil, err
				}
				hashFn, err := procArg(a, 2, "hash")
				if err != nil {
					return nil, err
				}
				o := e.newHashTable(equiv, hashFn)
				t := o.Value.(*hashTable)
				for _, p := range pairs {
					pp, ok := p.(*interp.Pair)
					if !ok {
						return nil, argType(1, "alist", "a list of pairs", a[0])
					}
					en, h, err := e.htFind(t, pp.Car)
					if err != nil {
						return nil, err
					}
					if en == nil {
						t.add(pp.Car, pp.Cdr, h)
					}
				}
				return o, nil
			}},
		{Name: "hash-table?", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table? obj): whether obj is a hash table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := hashTableArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "hash-table-equivalence-function", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table-equivalence-function table): the procedure table compares keys with",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return t.equiv, nil
			}},
		{Name: "hash-table-hash-function", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table-hash-function table): the procedure table hashes keys with",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				if t.hashFn != nil {
					return t.hashFn, nil
				}
				name := "hash"
				switch t.kind {
				case htEq, htEqv:
					name = "hash-by-identity"
				case htString:
					name = "string-hash"
				case htStringCI:
					name = "string-ci-hash"
				}
				v, _ := it.Lookup(name)
				return v, nil
			}},
		{Name: "hash-table-ref", MinArgs: 2, MaxArgs: 4,
			Doc: "(hash-table-ref table key [thunk [success]]): key's value (passed to success), else (thunk), else an error",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, en, _, err := tableAndKey(a)
				if err != nil {
					return nil, err
				}
				if en == nil {
					if len(a) > 2 {
						return &interp.TailCall{Proc: a[2]}, nil
					}
					return nil, scshErr("hash-table-ref", "no such key", a[1])
				}
				if len(a) > 3 {
					return &interp.TailCall{Proc: a[3], Args: []interp.Value{en.val}}, nil
				}
				return en.val, nil
			}},
		{Name: "hash-table-ref/default", MinArgs: 3, MaxArgs: 3,
			Doc: "(hash-table-ref/default table key default): key's value, or default",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, en, _, err := tableAndKey(a)
				if err != nil {
					return nil, err
				}
				if en == nil {
					return a[2], nil
				}
				return en.val, nil
			}},
		{Name: "hash-table-set!", MinArgs: 3, MaxArgs: 3,
			Doc: "(hash-table-set! table key value): set key's value in table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, en, h, err := tableAndKey(a)
				if err != nil {
					return nil, err
				}
				if en != nil {
					en.val = a[2]
				} else {
					t.add(a[1], a[2], h)
				}
				return interp.Unspecified, nil
			}},
		{Name: "hash-table-delete!", MinArgs: 2, MaxArgs: 2,
			Doc: "(hash-table-delete! table key): remove key from table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, en, _, err := tableAndKey(a)
				if err != nil {
					return nil, err
				}
				if en != nil {
					t.remove(en)
				}
				return interp.Unspecified, nil
			}},
		{Name: "hash-table-exists?", MinArgs: 2, MaxArgs: 2,
			Doc: "(hash-table-exists? table key): whether table has key",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, en, _, err := tableAndKey(a)
				return en != nil, err
			}},
		{Name: "hash-table-contains?", MinArgs: 2, MaxArgs: 2,
			Doc: "(hash-table-contains? table key): whether table has key",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, en, _, err := tableAndKey(a)
				return en != nil, err
			}},
		{Name: "hash-table-size", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table-size table): the number of keys in table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return t.live, nil
			}},
		{Name: "hash-table-keys", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table-keys table): the keys of table, in the order they were added",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return entryList(a[0], func(en *htEntry) interp.Value { return en.key })
			}},
		{Name: "hash-table-values", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table-values table): the values of table, in the order their keys were added",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return entryList(a[0], func(en *htEntry) interp.Value { return en.val })
			}},
		{Name: "hash-table->alist", MinArgs: 1, MaxArgs: 1,
			Doc: "(hash-table->alist table): the (key . value) pairs of table, in the order keys were added",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return entryList(a[0], func(en *htEntry) interp.Value { return &interp.Pair{Car: en.key, Cdr: en.val} })
			}},
		{Name: "hash-table-walk", MinArgs: 2, MaxArgs: 2,
			Doc: "(hash-table-walk table proc): call (proc key value) for each entry of table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				if !isProcedure(a[1]) {
					return nil, argType(2, "proc", "a procedure", a[1])
				}
				for _, en := range t.entries() {
					if _, err := e.call(a[1], en.key, en.val); err != nil {
						return nil, err
					}
				}
				return interp.Unspecified, nil
			}},
		{Name: "hash-table-fold", MinArgs: 3, MaxArgs: 3,
			Doc: "(hash-table-fold table kons knil): fold (kons key value acc) over the entries of table",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				if !isProcedure(a[1]) {
					return nil, argType(2, "kons", "a procedure", a[1])
				}
				acc := a[2]
				for _, en := range t.entries() {
					if acc, err = e.call(a[1], en.key, en.val, acc); err != nil {
						return nil, err
					}
				}
				return acc, nil
			}},
		{Name: "hash-table-update!", MinArgs: 3, MaxArgs: 4,
			Doc: "(hash-table-update! table key proc [thunk]): set key's value to (proc value), value from (thunk) when key is absent",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.htUpdate("hash-table-update!", a, func() (interp.Value, error) {
					if len(a) > 3 {
						return e.call(a[3])
					}
					return nil, scshErr("hash-table-update!", "no such key", a[1])
				})
			}},
		{Name: "hash-table-update!/default", MinArgs: 4, MaxArgs: 4,
			Doc: "(hash-table-update!/default table key proc default): set key's value to (proc value), value default when key is absent",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.htUpdate("hash-table-update!/default", a, func() (interp.Value, error) { return a[3], nil })
			}},
		{Name: "hash-table-copy", MinArgs: 1, MaxArgs: 2,
			Doc: "(hash-table-copy table [mutable?]): a new table with table's entries",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t, err := hashTableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				c := &hashTable{kind: t.kind, equiv: t.equiv, hashFn: t.hashFn, buckets: map[uint64][]*htEntry{}}
				for _, en := range t.entries() {
					c.add(en.key, en.val, en.hash)
				}
				return &interp.Opaque{Kind: hashTableKind, Value: c}, nil
			}},
		{Name: "hash-table-merge!", MinArgs: 2, MaxArgs: 2,
			Doc: "(hash-table-merge! table1 table2): add table2's entries to table1 (table1's kept for keys in both); table1",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				t1, err := hashTableArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				t2, err := hashTableArg(a[1], 2)
				if err != nil {
					return nil, err
				}
				for _, en := range t2.entries() {
					old, h, err := e.htFind(t1, en.key)
					if err != nil {
						return nil, err
					}
					if old == nil {
						t1.add(en.key, en.val, h)
					}
				}
				return a[0], nil
			}},
		{Name: "hash", MinArgs: 1, MaxArgs: 2,
			Doc: "(hash obj [bound]): a hash of obj below bound, equal for equal? objects",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				b, err := boundArg(a, 1)
				if err != nil {
					return nil, err
				}
				return int(equalHash(a[0]) % b), nil
			}},
		{Name: "hash-by-identity", MinArgs: 1, MaxArgs: 2,
			Doc: "(hash-by-identity obj [bound]): a hash of obj below bound, equal for eqv? objects",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				b, err := boundArg(a, 1)
				if err != nil {
					return nil, err
				}
				return int(identityHash(a[0]) % b), nil
			}},
		{Name: "string-ci-hash", MinArgs: 1, MaxArgs: 2,
			Doc: "(string-ci-hash string [bound]): a hash of string below bound, ignoring case",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, ok := a[0].(*interp.String)
				if !ok {
					return nil, argType(1, "string", "a string", a[0])
				}
				b, err := boundArg(a, 1)
				if err != nil {
					return nil, err
				}
				return int(maphash.String(htSeed, foldString(s)) % b), nil
			}},
	}...)
}

// entryList is the list of f of each entry of table v, in the order
// they were added.
func entryList(v interp.Value, f func(*htEntry) interp.Value) (interp.Value, error) {
	t, err := hashTableArg(v, 0)
	if err != nil {
		return nil, err
	}
	out := make([]interp.Value, 0, t.live)
	for _, en := range t.entries() {
		out = append(out, f(en))
	}
	return interp.List(out...), nil
}

// htUpdate sets key's value to (proc value), with value from absent when
// the key is not in the table.
func (e *scshEnv) htUpdate(who string, a []interp.Value, absent func() (interp.Value, error)) (interp.Value, error) {
	t, err := hashTableArg(a[0], 1)
	if err != nil {
		return nil, err
	}
	if !isProcedure(a[2]) {
		return nil, argType(3, "proc", "a procedure", a[2])
	}
	en, _, err := e.htFind(t, a[1])
	if err != nil {
		return nil, err
	}
	var cur interp.Value
	if en != nil {
		cur = en.val
	} else if cur, err = absent(); err != nil {
		return nil, err
	}
	v, err := e.call(a[2], cur)
	if err != nil {
		return nil, err
	}
	// proc may have changed the table: look the key up again
	en, h, err := e.htFind(t, a[1])
	if err != nil {
		return nil, err
	}
	if en != nil {
		en.val = v
	} else {
		t.add(a[1], v, h)
	}
	return interp.Unspecified, nil
}
