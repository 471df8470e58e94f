package interp

import "sort"

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
	opBox    // stack[fp+a] = &box{stack[fp+a]}
	opBoxNew // stack[fp+a] = &box{Unspecified}
	opPush
	opJump
	opJumpFalse
	opClosure
	opCaseLambda
	opCall
	opTailCall
	opReturn
	// inlined primitives; b = index of the global in proto.globals
	opAdd
	opSub
	opMul
	opNumEq
	opLt
	opGt
	opLe
	opGe
	opCons
	opEq
	opCar
	opCdr
	opNullP
	opPairP
	opNot
	opZeroP
	opLocalPush // push stack[fp+a]
	opConstPush // push consts[a]
	opPopLocal  // stack[fp+a] = pop
	// val OP immediate int a (b = global index)
	opAddI
	opSubI
	opNumEqI
	opLtI
	opGtI
	opLeI
	opGeI
	opCallG     // call global b with a args
	opTailCallG // tail-call global b with a args
	opCarL      // val = car of local a (b = global of car)
	opCdrL
	opNullPL
	opPairPL
	// immediate ops on a local: val = local c OP immediate a (b = global)
	opAddIL
	opSubIL
	opNumEqIL
	opLtIL
	opGtIL
	opLeIL
	opGeIL
	// more inlined primitives (b = global index), with fast paths for the
	// common types and the primitive itself otherwise
	opDiv
	opQuotient
	opRemainder
	opModulo
	opEqv
	opVectorRef
	opVectorSet // stack: vector, index; val: object
	opVectorLength
	opStringRef
	opStringLength
	opSetCar
	opSetCdr
	opCxr // a = the car/cdr steps, 2 bits each from the low end (1 car, 2 cdr)
	opCharEq
	opSelfTail // tail call of the running closure itself with a args: a jump to its start
)

// immLocalOps maps an immediate op to its local-operand form.
var immLocalOps = map[opcode]opcode{opAddI: opAddIL, opSubI: opSubIL, opNumEqI: opNumEqIL, opLtI: opLtIL, opGtI: opGtIL, opLeI: opLeIL, opGeI: opGeIL}

// localOps maps a unary inlined op to its local-operand form.
var localOps = map[opcode]opcode{opCar: opCarL, opCdr: opCdrL, opNullP: opNullPL, opPairP: opPairPL}

// immOps maps a binary inlined op to its immediate-operand form.
var immOps = map[opcode]opcode{opAdd: opAddI, opSub: opSubI, opNumEq: opNumEqI, opLt: opLtI, opGt: opGtI, opLe: opLeI, opGe: opGeI}

type inlineOp struct {
	op    opcode
	arity int
	imm   int // an operand of the instruction (opCxr's steps)
}

// inlineOps are the primitives the compiler inlines when their global name
// still holds the built-in.
var inlineOps = map[string]inlineOp{
	"+": {opAdd, 2, 0}, "-": {opSub, 2, 0}, "*": {opMul, 2, 0}, "=": {opNumEq, 2, 0}, "<": {opLt, 2, 0},
	">": {opGt, 2, 0}, "<=": {opLe, 2, 0}, ">=": {opGe, 2, 0}, "cons": {opCons, 2, 0}, "eq?": {opEq, 2, 0},
	"car": {opCar, 1, 0}, "cdr": {opCdr, 1, 0}, "null?": {opNullP, 1, 0}, "pair?": {opPairP, 1, 0},
	"not": {opNot, 1, 0}, "zero?": {opZeroP, 1, 0},
	"/": {opDiv, 2, 0}, "quotient": {opQuotient, 2, 0}, "remainder": {opRemainder, 2, 0}, "modulo": {opModulo, 2, 0},
	"eqv?": {opEqv, 2, 0}, "vector-ref": {opVectorRef, 2, 0}, "vector-set!": {opVectorSet, 3, 0},
	"vector-length": {opVectorLength, 1, 0}, "string-ref": {opStringRef, 2, 0}, "string-length": {opStringLength, 1, 0},
	"set-car!": {opSetCar, 2, 0}, "set-cdr!": {opSetCdr, 2, 0},
	"char=?": {opCharEq, 2, 0},
}

func init() {
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
	op opcode
	a  int32
	b  int32
	c  int32
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
		if t.v.fn == g.fn && !t.v.boxed() {
			g.emit(opLocalPush, t.v.slot, 0)
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
		g.emit(opConst, g.constant(t.v), 0)
		g.ret(tail)
	case *nRef:
		g.load(t.v)
		g.ret(tail)
	case *nGRef:
		g.mark(t.pos)
		g.emit(opGlobal, g.global(t.g), 0)
		g.ret(tail)
	case *nSet:
		g.expr(t.val, false)
		g.store(t.v)
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
		g.expr(t.c, false)
		jf := g.emit(opJumpFalse, 0, 0)
		g.expr(t.t, tail)
		if tail {
			g.p.code[jf].a = int32(len(g.p.code))
			g.expr(t.e, true)
		} else {
			j := g.emit(opJump, 0, 0)
			g.p.code[jf].a = int32(len(g.p.code))
			g.expr(t.e, false)
			g.p.code[j].a = int32(len(g.p.code))
		}
	case *nSeq:
		for i, e := range t.body {
			g.expr(e, tail && i == len(t.body)-1)
		}
	case *nLambda:
		child := generate(t.fn, g.fn)
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
		for _, a := range t.args {
			g.pushArg(a)
		}
		if r, ok := t.f.(*nRef); ok && tail && r.v == g.fn.self && g.fn.self != nil && !g.fn.rest && len(t.args) == g.fn.nreq {
			g.mark(t.pos)
			g.emit(opSelfTail, len(t.args), 0)
			g.depth -= len(t.args)
			break
		}
		if gr, ok := t.f.(*nGRef); ok {
			g.mark(t.pos)
			if tail {
				g.emit(opTailCallG, len(t.args), g.global(gr.g))
			} else {
				g.emit(opCallG, len(t.args), g.global(gr.g))
			}
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
		if len(t.args) == 2 {
			if k, ok := t.args[1].(*nConst); ok {
				if n, ok := k.v.(int); ok && n > -1<<31 && n < 1<<31 {
					if iop, ok := immOps[t.op]; ok {
						if g.depth+2 > g.p.maxStack {
							g.p.maxStack = g.depth + 2
						}
						if r, ok := t.args[0].(*nRef); ok && r.v.fn == g.fn && !r.v.boxed() {
							g.mark(t.pos)
							g.p.code = append(g.p.code, instr{op: immLocalOps[iop], a: int32(n), b: int32(gi), c: int32(r.v.slot)})
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
			if r, ok := t.args[0].(*nRef); ok && r.v.fn == g.fn && !r.v.boxed() {
				if lop, ok := localOps[t.op]; ok {
					if g.depth+2 > g.p.maxStack {
						g.p.maxStack = g.depth + 2
					}
					g.mark(t.pos)
					g.emit(lop, r.v.slot, gi)
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

func (g *gen) load(v *variable) {
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
