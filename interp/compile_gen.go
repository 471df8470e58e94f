package interp

import (
	"fmt"
	"sort"
)

// opcode is an instruction of the VM. What the compiler and the VM know
// about each opcode (its name, its operands, the primitive it inlines and
// its short forms) is in opTable, one row per opcode.
type opcode uint8

const (
	opConst opcode = iota
	opLocal
	opLocalBox
	opFree
	opFreeBox
	opGlobal
	opSetLocal
	opSetLocalBox
	opSetFreeBox
	opSetGlobal
	opDefGlobal
	opBox
	opBoxNew
	opPush
	opLocalPush
	opConstPush
	opPopLocal
	opFreePush
	opJump
	opJumpFalse
	opJumpTrue
	opClosure
	opCaseLambda
	opFixClosure
	opCall
	opTailCall
	opCallG
	opTailCallG
	opSelfTail
	opCallL
	opTailCallL
	opCallF
	opTailCallF
	opReturn
	opReturnLocal
	opReturnConst
	// inlined primitives (b = the primitive's global in proto.globals):
	// the VM runs a fast path for the common types while the global still
	// holds the built-in, and calls the primitive otherwise
	opAdd
	opSub
	opMul
	opDiv
	opNumEq
	opLt
	opGt
	opLe
	opGe
	opQuotient
	opRemainder
	opModulo
	opZeroP
	opCons
	opCar
	opCdr
	opCxr
	opSetCar
	opSetCdr
	opNullP
	opPairP
	opNot
	opEq
	opEqv
	opCharEq
	opVectorRef
	opVectorSet
	opVectorLength
	opStringRef
	opStringLength
	opList
	// short forms with an immediate fixnum second operand
	opAddI
	opSubI
	opNumEqI
	opLtI
	opGtI
	opLeI
	opGeI
	// short forms whose operand is a local variable
	opCarL
	opCdrL
	opNullPL
	opPairPL
	opCxrL
	opAddIL
	opSubIL
	opNumEqIL
	opLtIL
	opGtIL
	opLeIL
	opGeIL
	// the operand forms of the ops in binOps (see binForm); k holds the op
	opBinLL
	opBinLK
	opBinLV
	opBinVL
	opBinVK
	numOpcodes
)

// opInfo describes an opcode.
type opInfo struct {
	name string
	// operands says what a, b and c hold ("" when unused).
	a, b, c string
	// prim is the built-in the opcode inlines, with its number of
	// arguments ("" for the machine's own instructions).
	prim  string
	arity int
	// imm is the short form taking a fixnum immediate as second operand,
	// local the short form reading its (first) operand from a local
	// variable; opNone when there is none.
	imm, local opcode
	// bin holds the operand forms of a binary op, indexed by binForm
	// (opNone when it has none): the general form is the op itself, the
	// others are the shared opBinLL ... opBinVK with the op in the
	// instruction's k; form is the form of the row's opcode.
	bin  [numBinForms]opcode
	form binForm
	// fuses: when the next instruction is a push or a return, the
	// compiler says so in the op's then, and the op's fast path does it
	// too and skips it (the slow path returns to it).
	fuses bool
}

// binForm says where the two operands of a binary op come from: in the
// general form the first was pushed and the second is in the value
// register; the other forms take them from a local variable (L: slot a
// for the first, slot c for the second), a constant (K: consts[c]) or the
// value register (V: the result of the operand's expression).
type binForm uint8

const (
	binGeneral binForm = iota
	binLL
	binLK
	binLV
	binVL
	binVK
	numBinForms
)

var binFormNames = [numBinForms]string{"", "ll", "lk", "lv", "vl", "vk"}

// binOps lists the ops with binary operand forms.
var binOps = []opcode{opAdd, opSub, opMul, opDiv, opNumEq, opLt, opGt, opLe, opGe, opEq, opCons, opVectorRef, opEqv}

func init() {
	for f := binLL; f < numBinForms; f++ {
		fop := opBinLL + opcode(f-binLL)
		a, c := oSlot, oSlot
		switch f {
		case binLK, binVK:
			c = oConst
		case binLV:
			c = ""
		}
		if f == binVL || f == binVK {
			a = ""
		}
		opTable[fop] = opInfo{name: "bin-" + binFormNames[f], a: a, b: oGlobal, c: c, form: f}
	}
	for _, op := range []opcode{opAddIL, opSubIL, opAddI, opSubI, opCarL, opCdrL, opCxrL, opCar, opCdr, opCxr,
		opAdd, opSub, opMul, opDiv, opCons, opList, opGlobal, opLocalBox, opFreeBox, opClosure, opVectorRef} {
		opTable[op].fuses = true
	}
	for _, op := range binOps {
		opTable[op].bin[binGeneral] = op
		for f := binLL; f < numBinForms; f++ {
			opTable[op].bin[f] = opBinLL + opcode(f-binLL)
		}
	}
}

// opNone marks a missing short form in opTable.
const opNone = numOpcodes

// Operand meanings, for opTable.
const (
	oSlot   = "local slot"
	oConst  = "constant index"
	oFree   = "free variable index"
	oGlobal = "global index"
	oPC     = "target pc"
	oArgs   = "argument count"
	oImm    = "fixnum immediate"
	oLast   = "1 when the last argument is in val"
)

// opTable holds the facts of every opcode, indexed by opcode.
var opTable = [numOpcodes]opInfo{
	opConst:       {name: "const", a: oConst},                     // val = consts[a]
	opLocal:       {name: "local", a: oSlot},                      // val = local a
	opLocalBox:    {name: "local-box", a: oSlot},                  // val = contents of the box in local a
	opFree:        {name: "free", a: oFree},                       // val = free variable a
	opFreeBox:     {name: "free-box", a: oFree},                   // val = contents of the box in free variable a
	opGlobal:      {name: "global", a: oGlobal},                   // val = global a (error when unbound)
	opSetLocal:    {name: "set-local", a: oSlot},                  // local a = val
	opSetLocalBox: {name: "set-local-box", a: oSlot},              // box in local a = val
	opSetFreeBox:  {name: "set-free-box", a: oFree},               // box in free variable a = val
	opSetGlobal:   {name: "set-global", a: oGlobal},               // set! of a bound global
	opDefGlobal:   {name: "define-global", a: oGlobal},            // define
	opBox:         {name: "box", a: oSlot},                        // local a = a new box holding local a
	opBoxNew:      {name: "box-new", a: oSlot},                    // local a = a new box holding the unspecified value
	opPush:        {name: "push"},                                 // push val
	opLocalPush:   {name: "local-push", a: oSlot},                 // push local a
	opConstPush:   {name: "const-push", a: oConst},                // push consts[a]
	opPopLocal:    {name: "pop-local", a: oSlot},                  // local a = pop
	opFreePush:    {name: "free-push", a: oFree},                  // push free variable a
	opJump:        {name: "jump", a: oPC},                         // pc = a
	opJumpFalse:   {name: "jump-false", a: oPC},                   // pc = a when val is #f
	opJumpTrue:    {name: "jump-true", a: oPC},                    // pc = a unless val is #f
	opClosure:     {name: "closure", a: "proto index"},            // val = a closure of protos[a]
	opCaseLambda:  {name: "case-lambda", a: "clauses", b: oConst}, // val = case-lambda of the a pushed closures, named consts[b]
	opFixClosure:  {name: "fix-closure"},                          // copy the local free variables of the closure in val again (letrec groups)
	opCall:        {name: "call", a: oArgs},                       // call val with the a pushed arguments
	opTailCall:    {name: "tail-call", a: oArgs},                  // the same in tail position
	// The calls below take their last argument from val instead of the
	// stack when c is 1 (cLast): it is pushed as the call starts.
	opCallG:       {name: "call-global", a: oArgs, b: oGlobal, c: oLast}, // call global b with a arguments
	opTailCallG:   {name: "tail-call-global", a: oArgs, b: oGlobal, c: oLast},
	opSelfTail:    {name: "self-tail-call", a: oArgs, c: oLast},            // tail call of the running closure: a jump to its start
	opCallL:       {name: "call-local", a: oArgs, b: oSlot, c: oLast},      // call the procedure in local b (unboxed)
	opTailCallL:   {name: "tail-call-local", a: oArgs, b: oSlot, c: oLast}, // the same in tail position
	opCallF:       {name: "call-free", a: oArgs, b: oFree, c: oLast},       // call the procedure in free variable b (unboxed)
	opTailCallF:   {name: "tail-call-free", a: oArgs, b: oFree, c: oLast},  // the same in tail position
	opReturn:      {name: "return"},
	opReturnLocal: {name: "return-local", a: oSlot},  // return local a
	opReturnConst: {name: "return-const", a: oConst}, // return consts[a]

	opAdd:          {name: "add", b: oGlobal, prim: "+", arity: 2, imm: opAddI},
	opSub:          {name: "sub", b: oGlobal, prim: "-", arity: 2, imm: opSubI},
	opMul:          {name: "mul", b: oGlobal, prim: "*", arity: 2},
	opDiv:          {name: "div", b: oGlobal, prim: "/", arity: 2},
	opNumEq:        {name: "num=", b: oGlobal, prim: "=", arity: 2, imm: opNumEqI},
	opLt:           {name: "lt", b: oGlobal, prim: "<", arity: 2, imm: opLtI},
	opGt:           {name: "gt", b: oGlobal, prim: ">", arity: 2, imm: opGtI},
	opLe:           {name: "le", b: oGlobal, prim: "<=", arity: 2, imm: opLeI},
	opGe:           {name: "ge", b: oGlobal, prim: ">=", arity: 2, imm: opGeI},
	opQuotient:     {name: "quotient", b: oGlobal, prim: "quotient", arity: 2},
	opRemainder:    {name: "remainder", b: oGlobal, prim: "remainder", arity: 2},
	opModulo:       {name: "modulo", b: oGlobal, prim: "modulo", arity: 2},
	opZeroP:        {name: "zero?", b: oGlobal, prim: "zero?", arity: 1},
	opCons:         {name: "cons", b: oGlobal, prim: "cons", arity: 2},
	opCar:          {name: "car", b: oGlobal, prim: "car", arity: 1, local: opCarL},
	opCdr:          {name: "cdr", b: oGlobal, prim: "cdr", arity: 1, local: opCdrL},
	opCxr:          {name: "cxr", a: "car/cdr steps, 2 bits each from the low end (1 car, 2 cdr)", b: oGlobal, arity: 1, local: opCxrL}, // caar ... cddddr, see init
	opSetCar:       {name: "set-car!", b: oGlobal, prim: "set-car!", arity: 2},
	opSetCdr:       {name: "set-cdr!", b: oGlobal, prim: "set-cdr!", arity: 2},
	opNullP:        {name: "null?", b: oGlobal, prim: "null?", arity: 1, local: opNullPL},
	opPairP:        {name: "pair?", b: oGlobal, prim: "pair?", arity: 1, local: opPairPL},
	opNot:          {name: "not", b: oGlobal, prim: "not", arity: 1},
	opEq:           {name: "eq?", b: oGlobal, prim: "eq?", arity: 2},
	opEqv:          {name: "eqv?", b: oGlobal, prim: "eqv?", arity: 2},
	opCharEq:       {name: "char=?", b: oGlobal, prim: "char=?", arity: 2},
	opVectorRef:    {name: "vector-ref", b: oGlobal, prim: "vector-ref", arity: 2},
	opVectorSet:    {name: "vector-set!", b: oGlobal, prim: "vector-set!", arity: 3},
	opVectorLength: {name: "vector-length", b: oGlobal, prim: "vector-length", arity: 1},
	opStringRef:    {name: "string-ref", b: oGlobal, prim: "string-ref", arity: 2},
	opStringLength: {name: "string-length", b: oGlobal, prim: "string-length", arity: 1},
	opList:         {name: "list", a: oArgs, b: oGlobal, prim: "list", arity: -1}, // a list of the a pushed values (up to maxInlineList)

	opAddI:   {name: "add-imm", a: oImm, b: oGlobal, local: opAddIL},
	opSubI:   {name: "sub-imm", a: oImm, b: oGlobal, local: opSubIL},
	opNumEqI: {name: "num=-imm", a: oImm, b: oGlobal, local: opNumEqIL},
	opLtI:    {name: "lt-imm", a: oImm, b: oGlobal, local: opLtIL},
	opGtI:    {name: "gt-imm", a: oImm, b: oGlobal, local: opGtIL},
	opLeI:    {name: "le-imm", a: oImm, b: oGlobal, local: opLeIL},
	opGeI:    {name: "ge-imm", a: oImm, b: oGlobal, local: opGeIL},

	opCarL:    {name: "car-local", a: oSlot, b: oGlobal},
	opCdrL:    {name: "cdr-local", a: oSlot, b: oGlobal},
	opNullPL:  {name: "null?-local", a: oSlot, b: oGlobal},
	opPairPL:  {name: "pair?-local", a: oSlot, b: oGlobal},
	opCxrL:    {name: "cxr-local", a: "car/cdr steps", b: oGlobal, c: oSlot},
	opAddIL:   {name: "add-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opSubIL:   {name: "sub-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opNumEqIL: {name: "num=-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opLtIL:    {name: "lt-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opGtIL:    {name: "gt-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opLeIL:    {name: "le-imm-local", a: oImm, b: oGlobal, c: oSlot},
	opGeIL:    {name: "ge-imm-local", a: oImm, b: oGlobal, c: oSlot},
}

// String returns the opcode's name.
func (op opcode) String() string {
	if op < numOpcodes && opTable[op].name != "" {
		return opTable[op].name
	}
	return fmt.Sprintf("opcode(%d)", uint8(op))
}

type inlineOp struct {
	op    opcode
	arity int // -1: from 0 to maxInlineList arguments
	imm   int // an operand of the instruction (opCxr's steps)
}

// maxInlineList is the most values of a list call that opList makes.
const maxInlineList = 16

// inlineOps are the primitives the compiler inlines when their global name
// still holds the built-in: the rows of opTable with a prim, and caar ...
// cddddr as opCxr.
var inlineOps = map[string]inlineOp{}

func init() {
	for i := range opTable {
		op := opcode(i)
		t := &opTable[op]
		if t.imm == 0 {
			t.imm = opNone
		}
		if t.local == 0 {
			t.local = opNone
		}
		if t.bin == ([numBinForms]opcode{}) {
			for f := range t.bin {
				t.bin[f] = opNone
			}
		}
		if t.prim != "" {
			inlineOps[t.prim] = inlineOp{op: op, arity: t.arity}
		}
	}
	// caar ... cddddr: the letters between c and r, applied right to left
	var add func(path string)
	add = func(path string) {
		if len(path) >= 2 {
			steps := 0
			for i := 0; i < len(path); i++ {
				steps <<= 2
				if path[i] == 'a' {
					steps |= 1
				} else {
					steps |= 2
				}
			}
			inlineOps["c"+path+"r"] = inlineOp{op: opCxr, arity: 1, imm: steps}
		}
		if len(path) < 4 {
			add(path + "a")
			add(path + "d")
		}
	}
	add("")
}

type instr struct {
	op   opcode
	k    opcode // the op of a binary operand form (opBinLL ...)
	then uint8  // thenPush or thenReturn: what the next instruction does (see opInfo.fuses)
	a    int32
	b    int32
	c    int32
}

// What an instruction's fast path does after it (instr.then).
const (
	thenNext   = iota
	thenPush   // push val and skip the push that follows
	thenReturn // return val
)

// fuses reports whether in may do the push or return that follows it.
func fuses(in instr) bool {
	op := in.op
	if op >= opBinLL && op <= opBinVK {
		op = in.k
	}
	return opTable[op].fuses
}

type pcPos struct {
	pc  int
	pos Pos
}

// Proto is the compiled code of one lambda.
type Proto struct {
	name      string
	code      []instr
	consts    []Value
	globals   []*Global
	protos    []*Proto
	nreq      int
	rest      bool
	frameSize int
	maxStack  int
	freeSpec  []freeRef
	pos       []pcPos
	defPos    Pos
	cached    *Closure
	top       bool // the code of a top-level form
	lib       bool // library code (Interp.registerLib)
}

type freeRef struct {
	local bool
	idx   int32
}

type gen struct {
	fn      *fnState
	p       *Proto
	depth   int
	gidx    map[*Global]int
	lastPos Pos
}

// generate produces the bytecode of fn.
func generate(fn *fnState, parent *fnState) *Proto {
	g := &gen{fn: fn, p: &Proto{name: fn.name, nreq: fn.nreq, rest: fn.rest, defPos: fn.pos}, gidx: map[*Global]int{}}
	if fn.rest {
		g.p.nreq = fn.nreq
	}
	for _, v := range fn.params {
		if v.boxed() {
			g.emit(opBox, v.slot, 0)
		}
	}
	if fn.parent == nil {
		g.p.top = true
		// top level: no tail call, so that the frame of the top-level form
		// stays in backtraces and error positions
		g.expr(fn.body, false)
		g.emit(opReturn, 0, 0)
	} else {
		g.expr(fn.body, true)
	}
	g.p.frameSize = fn.nslots
	for _, v := range fn.free {
		if parent != nil && v.fn == parent {
			g.p.freeSpec = append(g.p.freeSpec, freeRef{local: true, idx: int32(v.slot)})
		} else if parent != nil {
			g.p.freeSpec = append(g.p.freeSpec, freeRef{idx: int32(parent.freeIdx[v])})
		}
	}
	sort.SliceStable(g.p.pos, func(i, j int) bool { return g.p.pos[i].pc < g.p.pos[j].pc })
	return g.p
}

func (g *gen) emit(op opcode, a, b int) int {
	if n := len(g.p.code); n > 0 && (op == opPush || op == opReturn) && fuses(g.p.code[n-1]) {
		g.p.code[n-1].then = thenPush
		if op == opReturn {
			g.p.code[n-1].then = thenReturn
		}
	}
	g.p.code = append(g.p.code, instr{op: op, a: int32(a), b: int32(b)})
	return len(g.p.code) - 1
}

func (g *gen) mark(pos Pos) {
	if pos.IsValid() {
		g.p.pos = append(g.p.pos, pcPos{pc: len(g.p.code), pos: pos})
	}
}

func (g *gen) constant(v Value) int {
	g.p.consts = append(g.p.consts, v)
	return len(g.p.consts) - 1
}

func (g *gen) global(gl *Global) int {
	if i, ok := g.gidx[gl]; ok {
		return i
	}
	g.p.globals = append(g.p.globals, gl)
	g.gidx[gl] = len(g.p.globals) - 1
	return len(g.p.globals) - 1
}

func (g *gen) push() {
	g.emit(opPush, 0, 0)
	g.depth++
	if g.depth > g.p.maxStack {
		g.p.maxStack = g.depth
	}
}

func (g *gen) ret(tail bool) {
	if tail {
		g.emit(opReturn, 0, 0)
	}
}

// pushArg evaluates n and pushes it, with short forms for locals and constants.
func (g *gen) pushArg(n node) {
	switch t := n.(type) {
	case *nConst:
		g.emit(opConstPush, g.constant(t.v), 0)
	case *nRef:
		if k, ok := g.konst(t); ok {
			g.emit(opConstPush, g.constant(k), 0)
		} else if t.v.fn == g.fn && !t.v.boxed() {
			g.emit(opLocalPush, t.v.slot, 0)
		} else if t.v.fn != g.fn && !t.v.boxed() {
			g.emit(opFreePush, g.fn.freeIdx[t.v], 0)
		} else {
			g.expr(n, false)
			g.emit(opPush, 0, 0)
		}
	default:
		g.expr(n, false)
		g.emit(opPush, 0, 0)
	}
	g.depth++
	if g.depth > g.p.maxStack {
		g.p.maxStack = g.depth
	}
}

func (g *gen) expr(n node, tail bool) {
	switch t := n.(type) {
	case *nConst:
		if tail {
			g.emit(opReturnConst, g.constant(t.v), 0)
			break
		}
		g.emit(opConst, g.constant(t.v), 0)
	case *nRef:
		if k, ok := g.konst(t); ok && tail {
			g.emit(opReturnConst, g.constant(k), 0)
			break
		}
		if slot, ok := g.local(t); ok && tail {
			g.emit(opReturnLocal, slot, 0)
			break
		}
		g.load(t.v)
		g.ret(tail)
	case *nGRef:
		g.mark(t.pos)
		g.emit(opGlobal, g.global(t.g), 0)
		g.ret(tail)
	case *nSet:
		g.expr(t.val, false)
		g.store(t.v)
		g.fixClosures(t.fix)
		g.ret(tail)
	case *nGSet:
		g.expr(t.val, false)
		g.mark(t.pos)
		if t.define {
			g.emit(opDefGlobal, g.global(t.g), 0)
		} else {
			g.emit(opSetGlobal, g.global(t.g), 0)
		}
		g.ret(tail)
	case *nIf:
		jfs := g.test(t.c, nil)
		g.expr(t.t, tail)
		if tail {
			g.patch(jfs)
			g.expr(t.e, true)
		} else {
			j := g.emit(opJump, 0, 0)
			g.patch(jfs)
			g.expr(t.e, false)
			g.p.code[j].a = int32(len(g.p.code))
		}
	case *nSeq:
		for i, e := range t.body {
			g.expr(e, tail && i == len(t.body)-1)
		}
	case *nLambda:
		child := generate(t.fn, g.fn)
		t.fn.proto = child
		g.p.protos = append(g.p.protos, child)
		g.emit(opClosure, len(g.p.protos)-1, 0)
		g.ret(tail)
	case *nCaseLambda:
		for _, f := range t.fns {
			f.name = t.name
			child := generate(f, g.fn)
			g.p.protos = append(g.p.protos, child)
			g.emit(opClosure, len(g.p.protos)-1, 0)
			g.push()
		}
		g.emit(opCaseLambda, len(t.fns), g.constant(t.name))
		g.depth -= len(t.fns)
		g.ret(tail)
	case *nLet:
		if e, ok := orForm(t); ok {
			// (let ((t a)) (if t t e)), as or expands: the value of a
			// when true, else e
			g.expr(t.inits[0], false)
			jt := g.emit(opJumpTrue, 0, 0)
			g.expr(e, tail)
			g.p.code[jt].a = int32(len(g.p.code))
			g.ret(tail)
			break
		}
		if t.rec {
			for _, v := range t.vars {
				if v.boxed() {
					g.emit(opBoxNew, v.slot, 0)
				} else {
					g.emit(opConst, g.constant(Unspecified), 0)
					g.emit(opSetLocal, v.slot, 0)
				}
			}
			for i, in := range t.inits {
				if lam, ok := in.(*nLambda); ok && !t.vars[i].assigned {
					lam.fn.self = t.vars[i]
				}
				g.expr(in, false)
				g.store(t.vars[i])
				if t.fix != nil {
					g.fixClosures(t.fix[i])
				}
			}
		} else {
			// evaluate all inits first (they may refer to shadowed names)
			for _, in := range t.inits {
				g.pushArg(in)
			}
			for i := len(t.vars) - 1; i >= 0; i-- {
				v := t.vars[i]
				g.emit(opPopLocal, v.slot, 0)
				g.depth--
				if v.boxed() {
					g.emit(opBox, v.slot, 0)
				}
			}
		}
		g.expr(t.body, tail)
	case *nCall:
		// the call instruction, when the callee needs no code of its own
		op, b := opNone, 0
		r, isRef := t.f.(*nRef)
		_, isKonst := g.konst(t.f)
		if isRef && tail && r.v == g.fn.self && g.fn.self != nil && !g.fn.rest && len(t.args) == g.fn.nreq {
			op = opSelfTail
		} else if gr, ok := t.f.(*nGRef); ok {
			op, b = opCallG, g.global(gr.g)
			if tail {
				op = opTailCallG
			}
		} else if isRef && !isKonst && !r.v.boxed() {
			if r.v.fn == g.fn {
				op, b = opCallL, r.v.slot
				if tail {
					op = opTailCallL
				}
			} else {
				op, b = opCallF, g.fn.freeIdx[r.v]
				if tail {
					op = opTailCallF
				}
			}
		}
		last := 0
		for i, a := range t.args {
			if i == len(t.args)-1 && op != opNone && !simpleArg(g, a) {
				// the call pushes the last argument itself
				g.expr(a, false)
				g.depth++
				if g.depth > g.p.maxStack {
					g.p.maxStack = g.depth
				}
				last = 1
				break
			}
			g.pushArg(a)
		}
		if op != opNone {
			g.mark(t.pos)
			g.p.code = append(g.p.code, instr{op: op, a: int32(len(t.args)), b: int32(b), c: int32(last)})
			g.depth -= len(t.args)
			break
		}
		g.expr(t.f, false)
		g.mark(t.pos)
		if tail {
			g.emit(opTailCall, len(t.args), 0)
		} else {
			g.emit(opCall, len(t.args), 0)
		}
		g.depth -= len(t.args)
	case *nPrim:
		gi := g.global(t.g)
		if t.op == opList {
			// the values are pushed; the fallback calls the global on them
			for _, a := range t.args {
				g.pushArg(a)
			}
			g.mark(t.pos)
			g.emit(opList, len(t.args), gi)
			g.depth -= len(t.args)
			g.ret(tail)
			break
		}
		if len(t.args) == 2 {
			if k, ok := g.konst(t.args[1]); ok {
				if n, ok := k.(int); ok && n > -1<<31 && n < 1<<31 {
					if iop := opTable[t.op].imm; iop != opNone {
						if g.depth+2 > g.p.maxStack {
							g.p.maxStack = g.depth + 2
						}
						if slot, ok := g.local(t.args[0]); ok {
							g.mark(t.pos)
							g.p.code = append(g.p.code, instr{op: opTable[iop].local, a: int32(n), b: int32(gi), c: int32(slot)})
							g.ret(tail)
							return
						}
						g.expr(t.args[0], false)
						g.mark(t.pos)
						g.emit(iop, n, gi)
						g.ret(tail)
						return
					}
				}
			}
			if g.binary(t, gi) {
				g.ret(tail)
				return
			}
			g.pushArg(t.args[0])
			g.expr(t.args[1], false)
			g.depth--
		} else if len(t.args) == 3 {
			g.pushArg(t.args[0])
			g.pushArg(t.args[1])
			g.expr(t.args[2], false)
			if g.depth+3 > g.p.maxStack {
				g.p.maxStack = g.depth + 3
			}
			g.depth -= 2
		} else {
			if slot, ok := g.local(t.args[0]); ok {
				if lop := opTable[t.op].local; lop != opNone {
					if g.depth+2 > g.p.maxStack {
						g.p.maxStack = g.depth + 2
					}
					g.mark(t.pos)
					if opTable[lop].c == oSlot {
						g.p.code = append(g.p.code, instr{op: lop, a: int32(t.imm), b: int32(gi), c: int32(slot)})
					} else {
						g.emit(lop, slot, gi)
					}
					g.ret(tail)
					break
				}
			}
			g.expr(t.args[0], false)
		}
		// the fallback may push one more value
		if g.depth+2 > g.p.maxStack {
			g.p.maxStack = g.depth + 2
		}
		g.mark(t.pos)
		g.emit(t.op, t.imm, gi)
		g.ret(tail)
	default:
		panic("generate: unknown node")
	}
}

// test emits the test of an if, c, and returns jfs with the jumps
// added that go to the if's else branch when c is false (for patch); when
// c is true its code ends by going on to the next instruction. An and as
// a test, (if a b #f), is a row of tests jumping to that branch (when a
// is false, the value #f that the and would give is not needed), and an
// or, (let ((t a)) (if t t e)), goes on at once when a is true.
func (g *gen) test(c node, jfs []int) []int {
	switch t := c.(type) {
	case *nIf:
		if k, ok := t.e.(*nConst); ok && k.v == Value(false) {
			return g.test(t.t, g.test(t.c, jfs))
		}
	case *nLet:
		if e, ok := orForm(t); ok {
			g.expr(t.inits[0], false)
			jt := g.emit(opJumpTrue, 0, 0)
			jfs = g.test(e, jfs)
			g.patch([]int{jt})
			return jfs
		}
	}
	g.expr(c, false)
	return append(jfs, g.emit(opJumpFalse, 0, 0))
}

// patch points the jumps jfs at the next instruction.
func (g *gen) patch(jfs []int) {
	for _, j := range jfs {
		g.p.code[j].a = int32(len(g.p.code))
	}
}

// simpleArg reports whether pushArg pushes n with one instruction of its
// own (a constant, or a variable in a slot or an unboxed free variable).
func simpleArg(g *gen, n node) bool {
	switch t := n.(type) {
	case *nConst:
		return true
	case *nRef:
		_, k := g.konst(t)
		return k || !t.v.boxed()
	}
	return false
}

// orForm recognises (let ((t a)) (if t t e)) with t used nowhere else (the
// expansion of or) and returns e.
func orForm(n *nLet) (node, bool) {
	if n.rec || len(n.vars) != 1 || len(n.inits) != 1 {
		return nil, false
	}
	v := n.vars[0]
	if v.captured || v.assigned || v.mutated {
		return nil, false
	}
	i, ok := n.body.(*nIf)
	if !ok {
		return nil, false
	}
	c, ok1 := i.c.(*nRef)
	t, ok2 := i.t.(*nRef)
	if !ok1 || !ok2 || c.v != v || t.v != v || refers(i.e, v) {
		return nil, false
	}
	return i.e, true
}

// refers reports whether v occurs in n (conservatively: true for node
// kinds it does not look into).
func refers(n node, v *variable) bool {
	switch t := n.(type) {
	case *nConst, *nGRef:
		return false
	case *nRef:
		return t.v == v
	case *nSet:
		return t.v == v || refers(t.val, v)
	case *nGSet:
		return refers(t.val, v)
	case *nIf:
		return refers(t.c, v) || refers(t.t, v) || refers(t.e, v)
	case *nSeq:
		return refersAny(t.body, v)
	case *nCall:
		return refers(t.f, v) || refersAny(t.args, v)
	case *nPrim:
		return refersAny(t.args, v)
	case *nLet:
		return refersAny(t.inits, v) || refers(t.body, v)
	case *nLambda:
		return false // a lambda reaching v captures it (v.captured)
	}
	return true
}

// refersAny reports whether v occurs in any of ns.
func refersAny(ns []node, v *variable) bool {
	for _, e := range ns {
		if refers(e, v) {
			return true
		}
	}
	return false
}

// konst returns the value of n when it is a constant: a literal, or a
// variable a let binds to a literal and nothing assigns.
func (g *gen) konst(n node) (Value, bool) {
	switch t := n.(type) {
	case *nConst:
		return t.v, true
	case *nRef:
		if t.v.konst != nil && !t.v.assigned && !t.v.mutated {
			return t.v.konst.v, true
		}
	}
	return nil, false
}

// local returns the slot of n when it is an unboxed local variable of
// the function being generated.
func (g *gen) local(n node) (int, bool) {
	if r, ok := n.(*nRef); ok && r.v.fn == g.fn && !r.v.boxed() {
		if _, k := g.konst(n); !k {
			return r.v.slot, true
		}
	}
	return 0, false
}

// binary emits a binary inlined op in one of its operand forms (binForm)
// when its operands allow one, and reports whether it did.
func (g *gen) binary(t *nPrim, gi int) bool {
	forms := opTable[t.op].bin
	if forms[binGeneral] == opNone {
		return false
	}
	x, y := t.args[0], t.args[1]
	in := instr{b: int32(gi)}
	form := binGeneral
	xs, xl := g.local(x)
	ys, yl := g.local(y)
	yk, ykOK := g.konst(y)
	_, xkOK := g.konst(x)
	switch {
	case xkOK:
		return false
	case xl && yl:
		form, in.a, in.c = binLL, int32(xs), int32(ys)
	case xl && ykOK:
		form, in.a, in.c = binLK, int32(xs), int32(g.constant(yk))
	case xl:
		g.expr(y, false)
		form, in.a = binLV, int32(xs)
	case yl:
		g.expr(x, false)
		form, in.c = binVL, int32(ys)
	case ykOK:
		g.expr(x, false)
		form, in.c = binVK, int32(g.constant(yk))
	default:
		return false
	}
	// the fallback pushes both operands
	if g.depth+2 > g.p.maxStack {
		g.p.maxStack = g.depth + 2
	}
	in.op, in.k = forms[form], t.op
	g.mark(t.pos)
	g.p.code = append(g.p.code, in)
	return true
}

// fixClosures patches the closures of a letrec group once all exist: the
// closures made first copied the slots of the later ones before these
// were set.
func (g *gen) fixClosures(vars []*variable) {
	fixed := false
	for _, v := range vars {
		if v.lambda != nil && v.lambda.proto != nil && !takesLocals(v.lambda.proto) {
			continue // nothing to copy again
		}
		g.load(v)
		g.emit(opFixClosure, 0, 0)
		fixed = true
	}
	if fixed {
		g.emit(opConst, g.constant(Unspecified), 0)
	}
}

// takesLocals reports whether closures of p copy variables of the frame
// that makes them.
func takesLocals(p *Proto) bool {
	for _, fs := range p.freeSpec {
		if fs.local {
			return true
		}
	}
	return false
}

func (g *gen) load(v *variable) {
	if k, ok := g.konst(&nRef{v}); ok {
		g.emit(opConst, g.constant(k), 0)
		return
	}
	if v.fn == g.fn {
		if v.boxed() {
			g.emit(opLocalBox, v.slot, 0)
		} else {
			g.emit(opLocal, v.slot, 0)
		}
		return
	}
	i := g.fn.freeIdx[v]
	if v.boxed() {
		g.emit(opFreeBox, i, 0)
	} else {
		g.emit(opFree, i, 0)
	}
}

func (g *gen) store(v *variable) {
	if v.fn == g.fn {
		if v.boxed() {
			g.emit(opSetLocalBox, v.slot, 0)
		} else {
			g.emit(opSetLocal, v.slot, 0)
		}
		return
	}
	if !v.boxed() {
		panic("generate: assignment to an unboxed free variable")
	}
	g.emit(opSetFreeBox, g.fn.freeIdx[v], 0)
}
