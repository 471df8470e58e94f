package interp

// Pairs and lists (R7RS 6.4) and the list utilities scsh code expects.

import (
	"fmt"
	"strings"
)

// listLength returns the length of a proper list, or -1 when v is improper
// or circular.
func listLength(v Value) int {
	n := 0
	slow := v
	for {
		p, ok := v.(*Pair)
		if !ok {
			if v == Null {
				return n
			}
			return -1
		}
		v = p.Cdr
		n++
		if n%2 == 0 {
			slow = slow.(*Pair).Cdr
			if slow == v {
				return -1
			}
		}
	}
}

// cxr follows path (read right to left, 'a' for car, 'd' for cdr) from v.
func cxr(path string, v Value) (Value, error) {
	x := v
	for i := len(path) - 1; i >= 0; i-- {
		p, ok := x.(*Pair)
		if !ok {
			return nil, TypeError("a pair", x)
		}
		if path[i] == 'a' {
			x = p.Car
		} else {
			x = p.Cdr
		}
	}
	return x, nil
}

// memGeneric is memq/memv/member with a Go equivalence (list is their
// argument 2).
func memGeneric(eq func(a, b Value) bool, x, list Value) (Value, error) {
	l := list
	for {
		p, ok := l.(*Pair)
		if !ok {
			if l == Null {
				return false, nil
			}
			return nil, ArgTypeError(2, "list", "a proper list", list)
		}
		if eq(x, p.Car) {
			return p, nil
		}
		l = p.Cdr
	}
}

// assGeneric is assq/assv/assoc with a Go equivalence (alist is their
// argument 2).
func assGeneric(eq func(a, b Value) bool, x, alist Value) (Value, error) {
	l := alist
	for {
		p, ok := l.(*Pair)
		if !ok {
			if l == Null {
				return false, nil
			}
			return nil, ArgTypeError(2, "alist", "a proper list", alist)
		}
		e, ok := p.Car.(*Pair)
		if !ok {
			return nil, ArgTypeError(2, "alist", "an association list (a list of pairs)", alist)
		}
		if eq(x, e.Car) {
			return e, nil
		}
		l = p.Cdr
	}
}

// withCompare hands a call with a user comparison to the Scheme version
// (a library procedure), so the predicate runs in the evaluator.
func withCompare(it *Interp, name string, a []Value) (Value, error) {
	proc, ok := it.Lookup(name)
	if !ok {
		return nil, Errorf("%s is not defined", name)
	}
	return &TailCall{Proc: proc, Args: append([]Value(nil), a...)}, nil
}

// listTail returns the k-th cdr of list (for list-tail, list-ref and
// list-set!, whose arguments 1 and 2 they are).
func listTail(list Value, kv Value) (Value, error) {
	k, err := countArg(kv)
	if err != nil {
		return nil, argAt(2, "k", err)
	}
	l := list
	for i := 0; i < k; i++ {
		p, ok := l.(*Pair)
		if !ok {
			return nil, listIndexError(k, list)
		}
		l = p.Cdr
	}
	return l, nil
}

// listIndexError is the error of list-tail, list-ref and list-set! for an
// index k beyond the end of list.
func listIndexError(k any, list Value) error {
	return ArgError(2, "k", fmt.Sprintf("index %v is out of range for the list %s", k, ShortWriteString(list)))
}

// appendLists is append: a new list of the elements of every argument but
// the last, which it ends with.
func appendLists(args []Value) (Value, error) {
	if len(args) == 0 {
		return Null, nil
	}
	res := args[len(args)-1]
	for i := len(args) - 2; i >= 0; i-- {
		items, err := listArg(args[i])
		if err != nil {
			return nil, argAt(i+1, "list", err)
		}
		for j := len(items) - 1; j >= 0; j-- {
			res = &Pair{items[j], res}
		}
	}
	return res, nil
}

func init() {
	registerBuiltins("lists", []Builtin{
		{Name: "pair?", MinArgs: 1, MaxArgs: 1, Doc: "(pair? obj): whether obj is a pair",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Pair)
				return ok, nil
			}},
		{Name: "cons", MinArgs: 2, MaxArgs: 2, Doc: "(cons obj1 obj2): a new pair of obj1 and obj2",
			Fn: func(_ *Interp, a []Value) (Value, error) { return &Pair{a[0], a[1]}, nil }},
		{Name: "car", MinArgs: 1, MaxArgs: 1, Doc: "(car pair): the first part of pair",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				if p, ok := a[0].(*Pair); ok {
					return p.Car, nil
				}
				return nil, TypeError("a pair", a[0])
			}},
		{Name: "cdr", MinArgs: 1, MaxArgs: 1, Doc: "(cdr pair): the second part of pair",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				if p, ok := a[0].(*Pair); ok {
					return p.Cdr, nil
				}
				return nil, TypeError("a pair", a[0])
			}},
		{Name: "set-car!", MinArgs: 2, MaxArgs: 2, Doc: "(set-car! pair obj): store obj as the car of pair",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, err := pairArg(a[0])
				if err != nil {
					return nil, argAt(1, "pair", err)
				}
				p.Car = a[1]
				return Unspecified, nil
			}},
		{Name: "set-cdr!", MinArgs: 2, MaxArgs: 2, Doc: "(set-cdr! pair obj): store obj as the cdr of pair",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, err := pairArg(a[0])
				if err != nil {
					return nil, argAt(1, "pair", err)
				}
				p.Cdr = a[1]
				return Unspecified, nil
			}},
		{Name: "null?", MinArgs: 1, MaxArgs: 1, Doc: "(null? obj): whether obj is the empty list",
			Fn: func(_ *Interp, a []Value) (Value, error) { return a[0] == Null, nil }},
		{Name: "list?", MinArgs: 1, MaxArgs: 1, Doc: "(list? obj): whether obj is a proper (finite, '()-terminated) list",
			Fn: func(_ *Interp, a []Value) (Value, error) { return listLength(a[0]) >= 0, nil }},
		{Name: "make-list", MinArgs: 1, MaxArgs: 2, Doc: "(make-list k [fill]): a list of k elements, each fill",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				k, err := sizeArg(a[0], "length", maxListLength)
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				var fill Value = Unspecified
				if len(a) > 1 {
					fill = a[1]
				}
				var l Value = Null
				for i := 0; i < k; i++ {
					l = &Pair{fill, l}
				}
				return l, nil
			}},
		{Name: "list", MinArgs: 0, MaxArgs: -1, Doc: "(list obj ...): a new list of the arguments",
			Fn: func(_ *Interp, a []Value) (Value, error) { return List(a...), nil }},
		{Name: "length", MinArgs: 1, MaxArgs: 1, Doc: "(length list): the number of elements of list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n := listLength(a[0])
				if n < 0 {
					return nil, TypeError("a proper list", a[0])

				}
				return n, nil
			}},
		{Name: "append", MinArgs: 0, MaxArgs: -1, Doc: "(append list ...): the lists joined into one (the last argument is shared, not copied)",
			Fn: func(_ *Interp, a []Value) (Value, error) { return appendLists(a) }},
		{Name: "append!", MinArgs: 0, MaxArgs: -1, Doc: "(append! list ...): append that may reuse the pairs of its arguments",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				var res Value = Null
				var last *Pair
				for i, v := range a {
					if v == Null {
						continue
					}
					if i < len(a)-1 && listLength(v) < 0 {
						return nil, ArgTypeError(i+1, "list", "a proper list", v)
					}
					if last == nil {
						res = v
					} else {
						last.Cdr = v
					}
					if p, ok := v.(*Pair); ok {
						for {
							n, ok := p.Cdr.(*Pair)
							if !ok {
								break
							}
							p = n
						}
						last = p
					}
				}
				return res, nil
			}},
		{Name: "reverse", MinArgs: 1, MaxArgs: 1, Doc: "(reverse list): a new list of the elements of list in reverse order",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				var res Value = Null
				l := a[0]
				n := 0
				for {
					p, ok := l.(*Pair)
					if !ok {
						break
					}
					res = &Pair{p.Car, res}
					l = p.Cdr
					n++
					if n > 1<<20 && n&(n-1) == 0 && listLength(a[0]) < 0 {
						return nil, TypeError("a proper list", a[0])
					}
				}
				if l != Null {
					return nil, TypeError("a proper list", a[0])

				}
				return res, nil
			}},
		{Name: "reverse!", MinArgs: 1, MaxArgs: 1, Doc: "(reverse! list): reverse that may reuse the pairs of list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				if listLength(a[0]) < 0 {
					return nil, TypeError("a proper list", a[0])

				}
				var res Value = Null
				l := a[0]
				for l != Null {
					p := l.(*Pair)
					next := p.Cdr
					p.Cdr = res
					res = p
					l = next
				}
				return res, nil
			}},
		{Name: "list-tail", MinArgs: 2, MaxArgs: 2, Doc: "(list-tail list k): list without its first k elements",
			Fn: func(_ *Interp, a []Value) (Value, error) { return listTail(a[0], a[1]) }},
		{Name: "list-ref", MinArgs: 2, MaxArgs: 2, Doc: "(list-ref list k): element k of list, from 0",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				t, err := listTail(a[0], a[1])
				if err != nil {
					return nil, err
				}
				p, ok := t.(*Pair)
				if !ok {
					return nil, listIndexError(WriteString(a[1]), a[0])
				}
				return p.Car, nil
			}},
		{Name: "list-set!", MinArgs: 3, MaxArgs: 3, Doc: "(list-set! list k obj): store obj as element k of list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				t, err := listTail(a[0], a[1])
				if err != nil {
					return nil, err
				}
				p, ok := t.(*Pair)
				if !ok {
					return nil, listIndexError(WriteString(a[1]), a[0])
				}
				p.Car = a[2]
				return Unspecified, nil
			}},
		{Name: "list-copy", MinArgs: 1, MaxArgs: 1, Doc: "(list-copy obj): a copy of the spine of the list obj (other values as they are)",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				head := &Pair{}
				tail := head
				l := a[0]
				n := 0
				for {
					p, ok := l.(*Pair)
					if !ok {
						break
					}
					np := &Pair{p.Car, Null}
					tail.Cdr = np
					tail = np
					l = p.Cdr
					n++
					if n > 1<<20 && n&(n-1) == 0 && listLength(a[0]) < 0 {
						return nil, TypeError("a list", a[0])
					}
				}
				tail.Cdr = l
				return head.Cdr, nil
			}},
		{Name: "last-pair", MinArgs: 1, MaxArgs: 1, Doc: "(last-pair list): the last pair of a non-empty list",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, err := pairArg(a[0])
				if err != nil {
					return nil, err
				}
				if listLength(a[0]) < 0 && !isImproperFinite(a[0]) {
					return nil, TypeError("a finite list", a[0])
				}
				for {
					n, ok := p.Cdr.(*Pair)
					if !ok {
						return p, nil
					}
					p = n
				}
			}},
		{Name: "cons*", MinArgs: 1, MaxArgs: -1, Doc: "(cons* obj ... tail): the objs consed in front of tail",
			Fn: consStar},
		{Name: "list*", MinArgs: 1, MaxArgs: -1, Doc: "(list* obj ... tail): the objs consed in front of tail (cons*)",
			Fn: consStar},
		{Name: "memq", MinArgs: 2, MaxArgs: 2, Doc: "(memq obj list): the first tail of list whose car is eq? to obj, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) { return memGeneric(Eq, a[0], a[1]) }},
		{Name: "memv", MinArgs: 2, MaxArgs: 2, Doc: "(memv obj list): the first tail of list whose car is eqv? to obj, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) { return memGeneric(Eqv, a[0], a[1]) }},
		{Name: "member", MinArgs: 2, MaxArgs: 3, Doc: "(member obj list [compare]): the first tail of list whose car equals obj (equal? or compare), else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if len(a) == 3 {
					return withCompare(it, "%member/compare", a)
				}
				return memGeneric(Equal, a[0], a[1])
			}},
		{Name: "assq", MinArgs: 2, MaxArgs: 2, Doc: "(assq obj alist): the first pair of alist whose car is eq? to obj, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) { return assGeneric(Eq, a[0], a[1]) }},
		{Name: "assv", MinArgs: 2, MaxArgs: 2, Doc: "(assv obj alist): the first pair of alist whose car is eqv? to obj, else #f",
			Fn: func(_ *Interp, a []Value) (Value, error) { return assGeneric(Eqv, a[0], a[1]) }},
		{Name: "assoc", MinArgs: 2, MaxArgs: 3, Doc: "(assoc obj alist [compare]): the first pair of alist whose car equals obj (equal? or compare), else #f",
			Fn: func(it *Interp, a []Value) (Value, error) {
				if len(a) == 3 {
					return withCompare(it, "%assoc/compare", a)
				}
				return assGeneric(Equal, a[0], a[1])
			}},
	}...)
	registerBuiltins("lists", cxrBuiltins()...)
}

// cxrBuiltins returns the 28 compositions of car and cdr, caar to cddddr:
// the letters between c and r name the steps, the last one taken first.
func cxrBuiltins() []Builtin {
	rows := make([]Builtin, 0, 28) // the paths of 2 to 4 letters
	var gen func(path string)
	gen = func(path string) {
		if len(path) >= 2 {
			name := "c" + path + "r"
			var what strings.Builder
			for i := 0; i < len(path); i++ {
				what.WriteString("the c" + path[i:i+1] + "r of ")
			}
			rows = append(rows, Builtin{Name: name, MinArgs: 1, MaxArgs: 1,
				Doc: "(" + name + " pair): " + what.String() + "pair",
				Fn:  func(_ *Interp, a []Value) (Value, error) { return cxr(path, a[0]) }})
		}
		if len(path) < 4 {
			gen(path + "a")
			gen(path + "d")
		}
	}
	gen("")
	return rows
}

// isImproperFinite reports whether v is a finite chain of pairs ending in a
// non-list value.
func isImproperFinite(v Value) bool {
	slow := v
	n := 0
	for {
		p, ok := v.(*Pair)
		if !ok {
			return true
		}
		v = p.Cdr
		n++
		if n%2 == 0 {
			slow = slow.(*Pair).Cdr
			if slow == v {
				return false
			}
		}
	}
}

func consStar(_ *Interp, a []Value) (Value, error) {
	res := a[len(a)-1]
	for i := len(a) - 2; i >= 0; i-- {
		res = &Pair{a[i], res}
	}
	return res, nil
}

// Helpers for the multi-list procedures of the prelude (map, for-each,
// fold, any, every...) and SRFI-1's append-reverse.
func init() {
	registerBuiltins("lists", []Builtin{
		// (%cars lists) is the list of the cars of lists, or #f when one of
		// them is not a pair (the shortest list has ended).
		{Name: "%cars", MinArgs: 1, MaxArgs: 1,
			Fn: func(_ *Interp, a []Value) (Value, error) {
				var vals []Value
				for l := a[0]; l != Null; {
					p, ok := l.(*Pair)
					if !ok {
						return nil, TypeError("a list", a[0])
					}
					q, ok := p.Car.(*Pair)
					if !ok {
						return false, nil
					}
					vals = append(vals, q.Car)
					l = p.Cdr
				}
				return List(vals...), nil
			}},
		// (%cdrs lists) is the list of the cdrs of lists (all pairs).
		{Name: "%cdrs", MinArgs: 1, MaxArgs: 1,
			Fn: func(_ *Interp, a []Value) (Value, error) {
				var vals []Value
				for l := a[0]; l != Null; {
					p, ok := l.(*Pair)
					if !ok {
						return nil, TypeError("a list", a[0])
					}
					q, ok := p.Car.(*Pair)
					if !ok {
						return nil, TypeError("a pair", p.Car)
					}
					vals = append(vals, q.Cdr)
					l = p.Cdr
				}
				return List(vals...), nil
			}},
		{Name: "append-reverse", MinArgs: 2, MaxArgs: 2, Doc: "(append-reverse rev-head tail): (append (reverse rev-head) tail)",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				res := a[1]
				l := a[0]
				for l != Null {
					p, ok := l.(*Pair)
					if !ok {
						return nil, ArgTypeError(1, "rev-head", "a proper list", a[0])
					}
					res = &Pair{p.Car, res}
					l = p.Cdr
				}
				return res, nil
			}},
		{Name: "append-reverse!", MinArgs: 2, MaxArgs: 2, Doc: "(append-reverse! rev-head tail): append-reverse that may reuse the pairs of rev-head",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				if listLength(a[0]) < 0 {
					return nil, ArgTypeError(1, "rev-head", "a proper list", a[0])

				}
				res := a[1]
				l := a[0]
				for l != Null {
					p := l.(*Pair)
					next := p.Cdr
					p.Cdr = res
					res = p
					l = next
				}
				return res, nil
			}},
	}...)
}
