package scsh

import (
	"bytes"
	"testing"
)

// Scheme48's finite types and enum sets, as a library module of ACL
// permissions would use them: a permission per letter, a set of them.
func TestEnumeratedTypesAndEnumSets(t *testing.T) {
	const defs = `
(define-enumerated-type perm :perm perm? all-perms perm-name perm-index (see add drop own))
(define-enum-set-type perms :perms perms? list->perms perm perm? all-perms perm-index)
`
	cases := []struct{ src, want string }{
		{`(list (perm-name (perm drop)) (perm-index (perm own)) (vector-length all-perms))`, `(drop 3 4)`},
		{`(list (perm? (perm add)) (perm? 'add) (eq? (perm add) (vector-ref all-perms 1)))`, `(#t #f #t)`},
		{`(perm add)`, `#{perm add}`},
		{`(map perm-name (enum-set->list (list->perms (list (perm own) (perm see) (perm own)))))`, `(see own)`},
		{`(perms own see)`, `#{perms see own}`},
		{`(let ((a (perms see)) (b (perms add see)))
		    (list (enum-set=? (enum-set-union a b) b)
		          (enum-set=? (enum-set-union a b) a)
		          (enum-set-member? b (perm add))
		          (enum-set-member? a (perm add))
		          (map perm-name (enum-set->list (enum-set-intersection a b)))
		          (map perm-name (enum-set->list (enum-set-negation b)))
		          (perms? a) (perms? 'a)))`, `(#t #f #t #f (see) (drop own) #t #f)`},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		expectValue(t, it, defs+"'defined", "defined")
		expectValue(t, it, c.src, c.want)
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	expectValue(t, it, defs+"'defined", "defined")
	expectError(t, it, `(perm fly)`, "no such element of the enumerated type")
	expectError(t, it, `(perm-name 'see)`, "perm-name: not an element of the enumerated type")
	expectError(t, it, `(list->perms '(see))`, "not an element of the enum set's type")
}
