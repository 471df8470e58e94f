package interp

import "testing"

// TestOpTable checks the opcode table: every opcode has a name, short
// forms point at opcodes whose own row says they take an immediate or a
// local, and every inlined primitive is a built-in whose arity admits the
// inlined call.
func TestOpTable(t *testing.T) {
	it := New()
	names := map[string]opcode{}
	for i, row := range opTable {
		op := opcode(i)
		if row.name == "" {
			t.Errorf("opcode %d has no name", i)
			continue
		}
		if o, dup := names[row.name]; dup {
			t.Errorf("opcodes %d and %d are both named %q", o, op, row.name)
		}
		names[row.name] = op
		if row.imm != opNone && opTable[row.imm].a != oImm {
			t.Errorf("%v: immediate form %v does not take an immediate", op, row.imm)
		}
		if row.local != opNone && opTable[row.local].a != oSlot && opTable[row.local].c != oSlot {
			t.Errorf("%v: local form %v does not take a slot", op, row.local)
		}
		if row.prim == "" {
			continue
		}
		if row.b != oGlobal {
			t.Errorf("%v inlines %s but has no global operand", op, row.prim)
		}
		g := it.global(Intern(row.prim))
		if g.builtin == nil {
			t.Errorf("%v inlines %s, which is not a built-in", op, row.prim)
			continue
		}
		if p := g.builtin; row.arity < p.MinArgs || (p.MaxArgs >= 0 && row.arity > p.MaxArgs) {
			t.Errorf("%v inlines %s with %d arguments, outside its arity", op, row.prim, row.arity)
		}
		if inlineOps[row.prim].op != op {
			t.Errorf("%s is not inlined as %v", row.prim, op)
		}
	}
	for _, name := range []string{"caar", "cdddr", "cadadr"} {
		if op := inlineOps[name]; op.op != opCxr || op.imm == 0 {
			t.Errorf("%s is not inlined as cxr: %+v", name, op)
		}
	}
}
