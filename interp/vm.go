package interp

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// frame is a return address on the VM's frame stack. clo == nil marks the
// bottom of one run of the VM (fp then holds the stack pointer to restore).
type frame struct {
	clo *Closure
	pc  int32
	fp  int32
}

// vm is the interpreter's machine state: a value stack and a frame stack,
// both plain slices, plus the dynamic state (winders, handler stack).
type vm struct {
	it       *Interp
	stack    []Value
	sp       int
	frames   []frame
	level    int
	wind     *windFrame
	handlers Value
	tick     int
	// where the running primitive was called from (for errors raised by
	// primitives that run nested evaluations)
	curClo *Closure
	curPC  int
	// maxFrames bounds the depth of non-tail calls.
	maxFrames int
	// the thread this state belongs to, and its parameterize bindings
	// (gil.go, thread.go)
	thread *Thread
	params map[*Parameter]Value
	// lastK is the continuation captured last in this run of the VM, and
	// lowFrames the lowest frame count since: while lowFrames >= its
	// fsize, the VM's stack below it is still what it saved, and a new
	// capture saves only what lies above it.
	lastK     *Continuation
	lowFrames int
	// copied counts the stack values and frames reinstate has copied
	// back (for tests of its cost)
	copied int
	// ints and flos are what is left of the blocks the VM boxes large
	// fixnums and flonums in (boxLarge, boxFlonum)
	ints []int64
	flos []float64
}

const (
	defaultMaxFrames = 4_000_000
	maxStackValues   = 64_000_000
	tickInterval     = 4096
	// maxErrorStreak bounds the errors delivered to handlers with no
	// procedure returning in between: a handler that fails on every
	// condition it gets would otherwise loop forever.
	maxErrorStreak = 10000
)

// contThrow carries a continuation invocation out of a nested run of the VM
// to the run that captured the continuation.
type contThrow struct {
	k   *Continuation
	val Value
}

// Error describes the invocation.
func (c *contThrow) Error() string { return "continuation invoked outside its dynamic extent" }

// raiseErr is returned by raise, raise-continuable and error: the VM hands
// obj to the handler stack.
type raiseErr struct {
	obj         Value
	continuable bool
}

// Error describes the raise.
func (r *raiseErr) Error() string { return "raise: " + WriteString(r.obj) }

// uncaughtErr ends the evaluation: no handler is left for an object.
type uncaughtErr struct{ e *ErrorObject }

// Error is the uncaught error's text.
func (u *uncaughtErr) Error() string { return u.e.Error() }

// ExitError is returned by an evaluation that called (exit) or
// (emergency-exit): the program asked to end with Code.
type ExitError struct {
	Code      int
	Emergency bool
}

// Error gives the exit status as text.
func (e *ExitError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

func (vm *vm) grow(need int) error {
	if need <= len(vm.stack) {
		return nil
	}
	if need > maxStackValues {
		return &ErrorObject{Message: "stack overflow (recursion too deep)"}
	}
	n := len(vm.stack) * 2
	for n < need {
		n *= 2
	}
	ns := make([]Value, n)
	copy(ns, vm.stack)
	vm.stack = ns
	return nil
}

// apply runs f on args to completion on the VM (a nested run when called
// from a primitive).
func (vm *vm) apply(f Value, args []Value) (result Value, err error) {
	base := len(vm.frames)
	savedSP := vm.sp
	vm.level++
	defer func() {
		vm.level--
		if r := recover(); r != nil {
			who := "evaluator"
			err = &ErrorObject{Who: who, Message: fmt.Sprintf("internal error: %v", r), Irritants: nil}
			if debugPanics {
				err = &ErrorObject{Who: who, Message: fmt.Sprintf("internal error: %v\n%s", r, debug.Stack())}
			}
			result = nil
		}
		if err != nil {
			vm.frames = vm.frames[:base]
			vm.sp = savedSP
			vm.lastK = nil
		}
	}()
	if e := vm.grow(savedSP + len(args) + 64); e != nil {
		return nil, e
	}
	vm.frames = append(vm.frames, frame{clo: nil, fp: int32(savedSP)})
	copy(vm.stack[savedSP:], args)
	return vm.loop(f, savedSP, len(args))
}

var debugPanics = false

// arityError is the error of a call with the wrong number of arguments
// (kept out of the VM's loop).
//
//go:noinline
func arityError(name string, want string, got int) error {
	if name == "" {
		name = "#<procedure>"
	}
	return &ErrorObject{Who: name, Message: fmt.Sprintf("expected %s, got %d", want, got)}
}

func argCount(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

func protoArity(p *Proto) string {
	if p.rest {
		return "at least " + argCount(p.nreq)
	}
	return argCount(p.nreq)
}

func primArity(p *Primitive) string {
	switch {
	case p.MaxArgs < 0:
		return "at least " + argCount(p.MinArgs)
	case p.MinArgs == p.MaxArgs:
		return argCount(p.MinArgs)
	case p.MaxArgs == p.MinArgs+1:
		return fmt.Sprintf("%d or %d arguments", p.MinArgs, p.MaxArgs)
	}
	return fmt.Sprintf("%d to %d arguments", p.MinArgs, p.MaxArgs)
}

func (vm *vm) interrupted() error {
	if err := vm.threadInterrupted(); err != nil {
		return err
	}
	vm.it.interrupt.Store(false)
	cause := context.Canceled
	if ctx := vm.it.ctx; ctx != nil && ctx.Err() != nil {
		cause = ctx.Err()
		if cause == context.DeadlineExceeded {
			return &ErrorObject{Message: "interrupted (deadline exceeded)", Cause: cause}
		}
	}
	return &ErrorObject{Message: "interrupted", Cause: cause}
}

func (vm *vm) loop(f Value, argbase, n int) (Value, error) {
	var (
		clo    *Closure
		pr     *Proto // clo.proto: its code, constants and globals
		pc, fp int
		sp     = argbase + n
		stack  = vm.stack
		val    Value
		tail   = true
		err    error
		ins    instr
		fr     frame
		who    string
		streak int     // errors delivered since the last return (a failing handler loops)
		big    int     // a fixnum result beyond fixnum's table (boxBig)
		fl     float64 // a flonum result (boxFl)
	)
	fp = argbase
	goto call

next:
	ins = pr.code[pc]
	pc++
	switch ins.op {
	case opConst:
		val = pr.consts[ins.a]
	case opLocal:
		val = stack[fp+int(ins.a)]
	case opLocalPush:
		stack[sp] = stack[fp+int(ins.a)]
		sp++
	case opConstPush:
		stack[sp] = pr.consts[ins.a]
		sp++
	case opFreePush:
		stack[sp] = clo.free[ins.a]
		sp++
	case opLocalBox:
		val = stack[fp+int(ins.a)].(*box).v
		goto fin
	case opFree:
		val = clo.free[ins.a]
	case opFreeBox:
		val = clo.free[ins.a].(*box).v
		goto fin
	case opGlobal:
		val = pr.globals[ins.a].value
		if val == unbound {
			err = unboundError(pr.globals[ins.a], "")
			goto fail
		}
		goto fin
	case opSetLocal:
		stack[fp+int(ins.a)] = val
		val = Unspecified
	case opPopLocal:
		sp--
		stack[fp+int(ins.a)] = stack[sp]
	case opSetLocalBox:
		stack[fp+int(ins.a)].(*box).v = val
		val = Unspecified
	case opSetFreeBox:
		clo.free[ins.a].(*box).v = val
		val = Unspecified
	case opSetGlobal:
		g := pr.globals[ins.a]
		if g.value == unbound {
			err = unboundError(g, "set!")
			goto fail
		}
		g.set(val)
		val = Unspecified
	case opDefGlobal:
		g := pr.globals[ins.a]
		if !pr.lib && !g.userDef {
			if err = vm.it.userDefine(g); err != nil {
				goto fail
			}
		}
		g.special, g.macro = nil, nil
		g.set(val)
		val = Unspecified
	case opBox:
		stack[fp+int(ins.a)] = &box{stack[fp+int(ins.a)]}
	case opBoxNew:
		stack[fp+int(ins.a)] = &box{Unspecified}
	case opPush:
		stack[sp] = val
		sp++
	case opJump:
		pc = int(ins.a)
	case opJumpFalse:
		if b, ok := val.(bool); ok && !b {
			pc = int(ins.a)
		}
	case opJumpTrue:
		if b, ok := val.(bool); !ok || b {
			pc = int(ins.a)
		}
	case opClosure:
		p := clo.proto.protos[ins.a]
		if len(p.freeSpec) == 0 {
			if p.cached == nil {
				p.cached = &Closure{proto: p}
			}
			val = p.cached
			goto fin
		}
		val = closeOver(p, stack[fp:], clo.free)
		goto fin
	case opCaseLambda:
		k := int(ins.a)
		val = makeCaseLambda(stack[sp-k:sp], pr.consts[ins.b])
		sp -= k
	case opFixClosure:
		if c, ok := val.(*Closure); ok {
			fixClosure(c, stack[fp:])
		}
	case opCall:
		n = int(ins.a)
		f = val
		argbase = sp - n
		tail = false
		goto call
	case opTailCall:
		n = int(ins.a)
		f = val
		moveArgs(stack, fp, sp-n, n)
		argbase = fp
		sp = fp + n
		tail = true
		goto call
	case opReturn:
		goto ret
	case opReturnLocal:
		val = stack[fp+int(ins.a)]
		goto ret
	case opReturnConst:
		val = pr.consts[ins.a]
		goto ret
	case opSelfTail:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		moveArgs(stack, fp, sp-n, n)
		sp = fp + pr.frameSize
		pc = 0
		vm.tick--
		if vm.tick <= 0 {
			if err = vm.tickCheck(); err != nil {
				goto fatal
			}
		}
	case opCallG:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = pr.globals[ins.b].value
		argbase = sp - n
		tail = false
		if f == unbound {
			err = unboundError(pr.globals[ins.b], "")
			sp = argbase
			goto fail
		}
		goto call
	case opTailCallG:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = pr.globals[ins.b].value
		if f == unbound {
			err = unboundError(pr.globals[ins.b], "")
			sp -= n
			goto fail
		}
		moveArgs(stack, fp, sp-n, n)
		argbase = fp
		sp = fp + n
		tail = true
		goto call
	case opCallL:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = stack[fp+int(ins.b)]
		argbase = sp - n
		tail = false
		goto call
	case opCallF:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = clo.free[ins.b]
		argbase = sp - n
		tail = false
		goto call
	case opTailCallL:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = stack[fp+int(ins.b)] // before the arguments move over it
		moveArgs(stack, fp, sp-n, n)
		argbase = fp
		sp = fp + n
		tail = true
		goto call
	case opTailCallF:
		if ins.c != 0 {
			stack[sp] = val
			sp++
		}
		n = int(ins.a)
		f = clo.free[ins.b]
		moveArgs(stack, fp, sp-n, n)
		argbase = fp
		sp = fp + n
		tail = true
		goto call
	case opCarL:
		val = stack[fp+int(ins.a)]
		if pr.globals[ins.b].pure {
			if p, ok := val.(*Pair); ok {
				val = p.Car
				goto fin
			}
		}
		goto slow1
	case opCdrL:
		val = stack[fp+int(ins.a)]
		if pr.globals[ins.b].pure {
			if p, ok := val.(*Pair); ok {
				val = p.Cdr
				goto fin
			}
		}
		goto slow1
	case opNullPL:
		val = stack[fp+int(ins.a)]
		if pr.globals[ins.b].pure {
			r := val == Value(Null)
			pc, r = testJump(pr, pc, r)
			val = r
			break
		}
		goto slow1
	case opPairPL:
		val = stack[fp+int(ins.a)]
		if pr.globals[ins.b].pure {
			_, r := val.(*Pair)
			pc, r = testJump(pr, pc, r)
			val = r
			break
		}
		goto slow1

	case opAdd:
		f = stack[sp-1]
		sp--
		goto add
	case opSub:
		f = stack[sp-1]
		sp--
		goto sub
	case opMul:
		f = stack[sp-1]
		sp--
		goto mul
	case opDiv:
		f = stack[sp-1]
		sp--
		goto div
	case opNumEq:
		f = stack[sp-1]
		sp--
		goto numEq
	case opLt:
		f = stack[sp-1]
		sp--
		goto lt
	case opGt:
		f = stack[sp-1]
		sp--
		goto gt
	case opLe:
		f = stack[sp-1]
		sp--
		goto le
	case opGe:
		f = stack[sp-1]
		sp--
		goto ge
	case opEq:
		if pr.globals[ins.b].pure {
			r := eqFast(stack[sp-1], val)
			pc, r = testJump(pr, pc, r)
			val = r
			sp--
			break
		}
		goto slow2
	case opCons:
		if pr.globals[ins.b].pure {
			val = &Pair{stack[sp-1], val}
			sp--
			goto fin
		}
		goto slow2
	case opVectorRef:
		f = stack[sp-1]
		sp--
		goto vectorRef
	case opEqv:
		f = stack[sp-1]
		sp--
		goto eqv
	case opBinLL:
		f, val = stack[fp+int(ins.a)], stack[fp+int(ins.c)]
		goto bin
	case opBinLK:
		f, val = stack[fp+int(ins.a)], pr.consts[ins.c]
		goto bin
	case opBinLV:
		f = stack[fp+int(ins.a)]
		goto bin
	case opBinVL:
		f, val = val, stack[fp+int(ins.c)]
		goto bin
	case opBinVK:
		f, val = val, pr.consts[ins.c]
		goto bin
	case opCar:
		if pr.globals[ins.b].pure {
			if p, ok := val.(*Pair); ok {
				val = p.Car
				goto fin
			}
		}
		goto slow1
	case opCdr:
		if pr.globals[ins.b].pure {
			if p, ok := val.(*Pair); ok {
				val = p.Cdr
				goto fin
			}
		}
		goto slow1
	case opNullP:
		if pr.globals[ins.b].pure {
			r := val == Value(Null)
			pc, r = testJump(pr, pc, r)
			val = r
			break
		}
		goto slow1
	case opPairP:
		if pr.globals[ins.b].pure {
			_, r := val.(*Pair)
			pc, r = testJump(pr, pc, r)
			val = r
			break
		}
		goto slow1
	case opNot:
		if pr.globals[ins.b].pure {
			b, ok := val.(bool)
			r := ok && !b
			pc, r = testJump(pr, pc, r)
			val = r
			break
		}
		goto slow1
	case opZeroP:
		if pr.globals[ins.b].pure {
			if a, ok := val.(int); ok {
				r := a == 0
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slow1
	case opAddIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				if s, ok := fixAdd(a, int(ins.a)); ok {
					if !inFixTable(s) {
						big = s
						goto boxBig
					}
					val = fixnum(s)
					goto fin
				}
			}
		}
		goto slowI
	case opSubIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				if s, ok := fixSub(a, int(ins.a)); ok {
					if !inFixTable(s) {
						big = s
						goto boxBig
					}
					val = fixnum(s)
					goto fin
				}
			}
		}
		goto slowI
	case opNumEqIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a == int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opLtIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a < int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opGtIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a > int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opLeIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a <= int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opGeIL:
		val = stack[fp+int(ins.c)]
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a >= int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opAddI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				if s, ok := fixAdd(a, int(ins.a)); ok {
					if !inFixTable(s) {
						big = s
						goto boxBig
					}
					val = fixnum(s)
					goto fin
				}
			}
		}
		goto slowI
	case opSubI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				if s, ok := fixSub(a, int(ins.a)); ok {
					if !inFixTable(s) {
						big = s
						goto boxBig
					}
					val = fixnum(s)
					goto fin
				}
			}
		}
		goto slowI
	case opNumEqI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a == int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opLtI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a < int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opGtI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a > int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opLeI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a <= int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opGeI:
		if g := pr.globals[ins.b]; g.pure {
			if a, ok := val.(int); ok {
				r := a >= int(ins.a)
				pc, r = testJump(pr, pc, r)
				val = r
				break
			}
		}
		goto slowI
	case opQuotient, opRemainder, opModulo:
		if pr.globals[ins.b].pure {
			if r, ok := fixDiv(ins.op, stack[sp-1], val); ok {
				val = r
				sp--
				break
			}
		}
		goto slow2
	case opCharEq:
		if pr.globals[ins.b].pure {
			if a, ok := stack[sp-1].(Char); ok {
				if b, ok := val.(Char); ok {
					val = a == b
					sp--
					break
				}
			}
		}
		goto slow2
	case opVectorSet:
		if pr.globals[ins.b].pure {
			if v, k, ok := vectorIndex(stack[sp-2], stack[sp-1]); ok && !v.Immutable {
				v.Items[k] = val
				val = Unspecified
				sp -= 2
				break
			}
		}
		goto slow3
	case opVectorLength:
		if pr.globals[ins.b].pure {
			if v, ok := val.(*Vector); ok {
				val = fixnum(len(v.Items))
				break
			}
		}
		goto slow1
	case opStringRef:
		if pr.globals[ins.b].pure {
			if s, k, ok := stringIndex(stack[sp-1], val); ok {
				val = Char(s.At(k))
				sp--
				break
			}
		}
		goto slow2
	case opStringLength:
		if pr.globals[ins.b].pure {
			if s, ok := val.(*String); ok {
				val = fixnum(s.Len())
				break
			}
		}
		goto slow1
	case opSetCar:
		if pr.globals[ins.b].pure {
			if p, ok := stack[sp-1].(*Pair); ok {
				p.Car = val
				val = Unspecified
				sp--
				break
			}
		}
		goto slow2
	case opSetCdr:
		if pr.globals[ins.b].pure {
			if p, ok := stack[sp-1].(*Pair); ok {
				p.Cdr = val
				val = Unspecified
				sp--
				break
			}
		}
		goto slow2
	case opList:
		n = int(ins.a)
		if pr.globals[ins.b].pure {
			val = listOf(stack[sp-n : sp])
			sp -= n
			goto fin
		}
		goto slowCall
	case opCxrL:
		val = stack[fp+int(ins.c)]
		if pr.globals[ins.b].pure {
			if v, ok := cxrFast(ins.a, val); ok {
				val = v
				goto fin
			}
		}
		goto slow1
	case opCxr:
		if pr.globals[ins.b].pure {
			if v, ok := cxrFast(ins.a, val); ok {
				val = v
				goto fin
			}
		}
		goto slow1
	default:
		badOp("opcode", ins.op)
	}
	goto next

	// the fast path of an op whose result the next instruction pushes or
	// returns (instr.then) does that too and skips the instruction
fin:
	switch ins.then {
	case thenPush:
		stack[sp] = val
		sp++
		pc++
	case thenReturn:
		goto ret
	}
	goto next

	// a fixnum result that fixnum would allocate a box for: the box comes
	// from the VM's block of them
boxBig:
	val = vm.boxLarge(big)
	goto fin
boxFl:
	if flonumIsCached(fl) {
		val = flonum(fl)
	} else {
		val = vm.boxFlonum(fl)
	}
	goto fin

	// binary ops: the operands are in f and val
bin:
	switch ins.k {
	case opAdd:
		goto add
	case opSub:
		goto sub
	case opMul:
		goto mul
	case opDiv:
		goto div
	case opNumEq:
		goto numEq
	case opLt:
		goto lt
	case opGt:
		goto gt
	case opLe:
		goto le
	case opGe:
		goto ge
	case opEq:
		goto eq
	case opCons:
		goto cons
	case opVectorRef:
		goto vectorRef
	case opEqv:
		goto eqv
	}
	badOp("binary op", ins.k)
add:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			if s, ok := fixAdd(a, b); ok {
				if !inFixTable(s) {
					big = s
					goto boxBig
				}
				val = fixnum(s)
				goto fin
			}
		}
		if a, b, ok := flArgs(f, val); ok {
			fl = a + b
			goto boxFl
		}
	}
	goto slowXY
sub:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			if s, ok := fixSub(a, b); ok {
				if !inFixTable(s) {
					big = s
					goto boxBig
				}
				val = fixnum(s)
				goto fin
			}
		}
		if a, b, ok := flArgs(f, val); ok {
			fl = a - b
			goto boxFl
		}
	}
	goto slowXY
mul:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			if s, ok := fixMul(a, b); ok {
				if !inFixTable(s) {
					big = s
					goto boxBig
				}
				val = fixnum(s)
				goto fin
			}
		}
		if a, b, ok := flArgs(f, val); ok {
			fl = a * b
			goto boxFl
		}
	}
	goto slowXY
div:
	if pr.globals[ins.b].pure {
		if a, b, ok := flArgs(f, val); ok {
			fl = a / b
			goto boxFl
		}
	}
	goto slowXY
numEq:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			r := a == b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
		if a, b, ok := flArgs(f, val); ok {
			r := a == b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
lt:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			r := a < b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
		if a, b, ok := flArgs(f, val); ok {
			r := a < b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
gt:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			r := a > b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
		if a, b, ok := flArgs(f, val); ok {
			r := a > b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
le:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			r := a <= b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
		if a, b, ok := flArgs(f, val); ok {
			r := a <= b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
ge:
	if pr.globals[ins.b].pure {
		if a, b, ok := fixArgs(f, val); ok {
			r := a >= b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
		if a, b, ok := flArgs(f, val); ok {
			r := a >= b
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
eq:
	if pr.globals[ins.b].pure {
		r := eqFast(f, val)
		pc, r = testJump(pr, pc, r)
		val = r
		goto next
	}
cons:
	if pr.globals[ins.b].pure {
		val = &Pair{f, val}
		goto fin
	}
	goto slowXY
vectorRef:
	if pr.globals[ins.b].pure {
		if v, k, ok := vectorIndex(f, val); ok {
			val = v.Items[k]
			goto fin
		}
	}
	goto slowXY
eqv:
	if pr.globals[ins.b].pure {
		if r, ok := eqvFast(f, val); ok {
			pc, r = testJump(pr, pc, r)
			val = r
			goto next
		}
	}
	goto slowXY
slowXY:
	stack[sp] = f
	stack[sp+1] = val
	sp += 2
	n = 2
	goto slowCall

slowI:
	stack[sp] = val
	stack[sp+1] = int(ins.a)
	sp += 2
	n = 2
	goto slowCall

slow3:
	stack[sp] = val
	sp++
	n = 3
	goto slowCall

slow1:
	stack[sp] = val
	sp++
	n = 1
	goto slowCall
slow2:
	stack[sp] = val
	sp++
	n = 2
slowCall:
	f = pr.globals[ins.b].value
	argbase = sp - n
	tail = false
	if f == unbound {
		err = unboundError(pr.globals[ins.b], "")
		sp = argbase
		goto fail
	}
	goto call

call:
	switch p := f.(type) {
	case *Closure:
		proto := p.proto
		if n != proto.nreq && (!proto.rest || n < proto.nreq) {
			err = arityError(proto.name, protoArity(proto), n)
			goto failCall
		}
		if fp2 := argbase + proto.frameSize + proto.maxStack + 8; fp2 > len(stack) {
			vm.sp = sp
			if err = vm.grow(fp2); err != nil {
				goto fatal
			}
			stack = vm.stack
		}
		if !tail {
			if len(vm.frames) >= vm.maxFrames {
				// fatal: delivering it to a handler would need more stack
				err = vm.overflow(clo, pc)
				goto fatal
			}
			vm.frames = append(vm.frames, frame{clo, int32(pc), int32(fp)})
		}
		if proto.rest {
			var rest Value = Null
			for i := argbase + n - 1; i >= argbase+proto.nreq; i-- {
				rest = &Pair{stack[i], rest}
			}
			stack[argbase+proto.nreq] = rest
		}
		fp = argbase
		sp = fp + proto.frameSize
		clo = p
		pr = proto
		pc = 0
		vm.tick--
		if vm.tick <= 0 {
			if err = vm.tickCheck(); err != nil {
				goto fatal
			}
		}
		goto next
	case *Primitive:
		if n < p.MinArgs || (p.MaxArgs >= 0 && n > p.MaxArgs) {
			err = arityError(p.Name, primArity(p), n)
			goto failCall
		}
		if p.rec != nil {
			var ok bool
			if val, ok = p.rec.do(stack[argbase : argbase+n]); ok {
				goto primDone
			}
		}
		vm.sp = argbase + n
		vm.curClo, vm.curPC = clo, pc
		val, err = vm.callPrim(p, stack[argbase:argbase+n])
		stack = vm.stack
		if err != nil {
			who = p.Name
			if !tail {
				sp = argbase
			}
			goto fail
		}
		if tc, ok := val.(*TailCall); ok {
			f = tc.Proc
			n = len(tc.Args)
			err = vm.placeArgs(argbase, tc.Args)
			stack = vm.stack
			if err != nil {
				goto fatal
			}
			sp = argbase + n
			goto call
		}
	primDone:
		if tail {
			goto ret
		}
		sp = argbase
		if pr.code[pc].op == opPush {
			stack[sp] = val
			sp++
			pc++
		}
		goto next
	case *ctlProc:
		switch p.kind {
		case ctlCallCC:
			if n != 1 {
				err = arityError("call-with-current-continuation", "1 argument", n)
				goto failCall
			}
			if !tail {
				vm.frames = append(vm.frames, frame{clo, int32(pc), int32(fp)})
				fp = argbase
			}
			k := vm.capture(argbase)
			f = stack[argbase]
			stack[argbase] = k
			tail = true
			goto call
		}
	case *Continuation:
		var fatalErr error
		val, err, fatalErr = vm.resume(p, argbase, n)
		stack = vm.stack
		if fatalErr != nil {
			err = fatalErr
			goto fatal
		}
		if err != nil {
			who = ""
			sp = vm.sp
			goto fail
		}
		fp = p.ssize
		goto ret
	case *Parameter:
		if n == 1 {
			// (p value) sets the parameter's current binding to the
			// converted value, as SRFI 39 and many Schemes have it
			assign := vm.it.paramAssign
			if assign == nil {
				// made once, by a nested run, as a primitive would
				vm.sp = argbase + n
				vm.curClo, vm.curPC = clo, pc
				assign, err = vm.it.paramAssigner()
				stack = vm.stack
				if err != nil {
					goto fatal
				}
			}
			f = assign
			if err = vm.placeArgs(argbase, []Value{p, stack[argbase]}); err != nil {
				goto fatal
			}
			stack = vm.stack
			n = 2
			sp = argbase + n
			goto call
		}
		if n != 0 {
			err = arityError(p.name, "0 or 1 arguments", n)
			goto failCall
		}
		val = vm.paramValue(p)
		if tail {
			goto ret
		}
		sp = argbase
		goto next
	case *caseLambda:
		for _, c := range p.clauses {
			if n == c.proto.nreq || (c.proto.rest && n >= c.proto.nreq) {
				f = c
				goto call
			}
		}
		err = arityError(p.name, "a different number of arguments", n)
		goto failCall
	}
	err = notProcedure(f)
	goto failCall

ret:
	streak = 0
	sp = fp
	fr = vm.frames[len(vm.frames)-1]
	vm.frames = vm.frames[:len(vm.frames)-1]
	if len(vm.frames) < vm.lowFrames {
		vm.lowFrames = len(vm.frames)
	}
	if fr.clo == nil {
		vm.sp = int(fr.fp)
		vm.lastK = nil
		return val, nil
	}
	clo = fr.clo
	pc, fp = int(fr.pc), int(fr.fp)
	pr = clo.proto
	if pr.code[pc].op == opPush {
		// the caller pushes the value: do it here (one dispatch fewer)
		stack[sp] = val
		sp++
		pc++
	}
	goto next

failCall:
	// a call failed before it started
	who = ""
	if !tail {
		sp = argbase
	}
fail:
	// err happened at (clo, pc); in tail mode the failing call's frame is
	// already gone and the handler's value returns to the caller.
	{
		if ct, ok := err.(*contThrow); ok && ct.k.level == vm.level {
			// a continuation of this run invoked from a nested run
			f = ct.k
			stack[sp] = ct.val
			argbase = sp
			n = 1
			sp++
			tail = false
			err = nil
			goto call
		}
		obj, payload, continuable, ok := vm.condition(err, clo, pc, who)
		who = ""
		if !ok {
			goto fatal
		}
		if vm.handlers == Value(Null) || vm.it.deliver == nil {
			err = obj
			goto fatal
		}
		// call (deliver payload handlers continuable wrapper) in place of the failed operation
		if tail {
			argbase = fp
		} else {
			argbase = sp
		}
		err = vm.placeArgs(argbase, []Value{payload, vm.handlers, continuable, obj})
		stack = vm.stack
		if err != nil {
			goto fatal
		}
		n = 4
		sp = argbase + 4
		f = vm.it.deliver
		streak++
		if streak > maxErrorStreak {
			err = failingHandlers(obj)
			goto fatal
		}
		err = nil
		goto call
	}

fatal:
	if u, ok := err.(*uncaughtErr); ok {
		return nil, u.e
	}
	return nil, err
}

// condition returns the error object of err, raised at (clo, pc) in who,
// and what a handler receives for it (payload, and whether the raise was
// continuable); ok is false when err is not for handlers (an exit, a
// cancellation, a continuation thrown to another run).
func (vm *vm) condition(err error, clo *Closure, pc int, who string) (obj *ErrorObject, payload Value, continuable, ok bool) {
	switch e := err.(type) {
	case *raiseErr:
		payload = e.obj
		continuable = e.continuable
		if eo, ok := e.obj.(*ErrorObject); ok {
			vm.fillError(eo, clo, pc, "")
			obj = eo
		} else {
			eo := &ErrorObject{Message: "uncaught exception:", Irritants: []Value{e.obj}, Payload: e.obj}
			vm.fillError(eo, clo, pc, "")
			obj = eo
		}
	case *uncaughtErr, *ExitError, *contThrow:
		return nil, nil, false, false
	case *ErrorObject:
		if e.Cause != nil && isCancel(e.Cause) || vm.cancelled(err) {
			return nil, nil, false, false
		}
		vm.fillError(e, clo, pc, who)
		obj, payload = e, e
	default:
		if vm.cancelled(err) {
			return nil, nil, false, false
		}
		eo := &ErrorObject{Message: err.Error(), Cause: err}
		vm.fillError(eo, clo, pc, who)
		obj, payload = eo, eo
	}
	return obj, payload, continuable, true
}

// failingHandlers is the error that ends a run whose handlers failed
// maxErrorStreak times in a row, the last time on obj.
func failingHandlers(obj *ErrorObject) error {
	e := &ErrorObject{Message: "error in condition handler (it keeps failing) while handling:", Irritants: []Value{obj.Payload}, Pos: obj.Pos, Stack: obj.Stack}
	if obj.Payload == nil {
		e.Irritants = []Value{NewString(obj.Describe())}
	}
	return e
}

// resume passes the n values at argbase to the continuation k of this
// run of the VM: it rewinds the dynamic state to k's and puts back k's
// stacks, and returns the value to return to k's frame. failErr is an
// error of a winder (for handlers); fatalErr ends the run.
func (vm *vm) resume(k *Continuation, argbase, n int) (val Value, failErr, fatalErr error) {
	if n == 1 {
		val = vm.stack[argbase]
	} else {
		val = &MultipleValues{Vals: append([]Value(nil), vm.stack[argbase:argbase+n]...)}
	}
	if k.level != vm.level {
		return nil, nil, &contThrow{k: k, val: val}
	}
	if vm.it.interrupt.Load() {
		return nil, nil, vm.interrupted()
	}
	vm.sp = argbase + n
	if k.wind != vm.wind {
		if err := vm.rewind(k.wind); err != nil {
			return nil, err, nil
		}
	}
	if err := vm.grow(k.ssize + 64); err != nil {
		return nil, nil, err
	}
	vm.reinstate(k)
	vm.handlers = k.handlers
	return val, nil, nil
}

// placeArgs copies args onto the value stack at argbase, growing it when
// needed.
func (vm *vm) placeArgs(argbase int, args []Value) error {
	if argbase+len(args)+8 > len(vm.stack) {
		vm.sp = argbase
		if err := vm.grow(argbase + len(args) + 64); err != nil {
			return err
		}
	}
	copy(vm.stack[argbase:], args)
	return nil
}

// overflow is the error of a call past the maximum depth, at (clo, pc).
func (vm *vm) overflow(clo *Closure, pc int) error {
	e := &ErrorObject{Message: "stack overflow (recursion too deep)"}
	vm.fillError(e, clo, pc, "")
	return e
}

// notProcedure is the error of a call of f, which is not a procedure.
//
//go:noinline
func notProcedure(f Value) error {
	return &ErrorObject{Message: "attempt to call a non-procedure: " + WriteString(f)}
}

// badOp reports an instruction the VM does not know (a bug).
func badOp(what string, op opcode) {
	panic(fmt.Sprintf("vm: bad %s %v", what, op))
}

// tickCheck runs every tickInterval calls and loops (out of the VM's
// loop): it restarts the count and lets an interrupt, a stop or a thread
// waiting for its turn in.
//
//go:noinline
func (vm *vm) tickCheck() error {
	vm.tick = tickInterval
	if vm.it.interrupt.Load() || vm.thread.stop.Load() || vm.it.ts.waiting.Load() > 0 {
		return vm.atTick()
	}
	return nil
}

// unboundError is the error of a reference to (or set! of) a global with
// no value (kept out of the VM's loop).
//
//go:noinline
func unboundError(g *Global, who string) error {
	return &ErrorObject{Who: who, Message: "unbound variable: " + g.Name.Name}
}

// closeOver returns a closure of p whose free variables come from the
// frame of its maker (local ones) or from the maker's own free variables.
func closeOver(p *Proto, frame, free []Value) *Closure {
	nc := newClosure(p)
	for i, fs := range p.freeSpec {
		if fs.local {
			nc.free[i] = frame[fs.idx]
		} else {
			nc.free[i] = free[fs.idx]
		}
	}
	return nc
}

// makeCaseLambda returns the case-lambda of the closures cs, named name
// when it is a string.
func makeCaseLambda(cs []Value, name Value) *caseLambda {
	cl := &caseLambda{clauses: make([]*Closure, len(cs))}
	for i, c := range cs {
		cl.clauses[i] = c.(*Closure)
	}
	if s, ok := name.(string); ok {
		cl.name = s
	}
	return cl
}

// capture returns the continuation of a call whose arguments start at top
// on the value stack (the frames are all of vm.frames).
func (vm *vm) capture(top int) *Continuation {
	nf := len(vm.frames)
	k := &Continuation{wind: vm.wind, handlers: vm.handlers, level: vm.level, ssize: top, fsize: nf}
	if p := vm.lastK; p != nil && p.level == vm.level && vm.lowFrames >= p.fsize && top >= p.ssize && nf >= p.fsize {
		if top == p.ssize && nf == p.fsize {
			// nothing new above p: share its segments (a loop that captures
			// in tail position builds no chain)
			k.parent, k.stack, k.frames = p.parent, p.stack, p.frames
			k.sbase, k.fbase = p.sbase, p.fbase
		} else {
			k.parent, k.sbase, k.fbase = p, p.ssize, p.fsize
		}
	}
	if k.stack == nil {
		k.stack = append([]Value(nil), vm.stack[k.sbase:top]...)
		k.frames = append([]frame(nil), vm.frames[k.fbase:nf]...)
	}
	vm.lastK, vm.lowFrames = k, nf
	return k
}

// reinstate copies the stack and frames of k back onto the VM (the stack
// has room for k.ssize values). The segments of k's chain the VM still
// holds are not copied: those of the last continuation captured or
// reinstated (lastK) that lie at or below the lowest frame count since
// (lowFrames), as capture shares them. An escape to a continuation whose
// extent is still running (guard's normal return, a loop's break) so
// costs what lies above the VM's intact part, not the whole depth: nested
// guards returned in time quadratic in their depth.
func (vm *vm) reinstate(k *Continuation) {
	intact := vm.lastK
	if cap(vm.frames) < k.fsize || (intact != nil && intact.level != k.level) {
		intact = nil
	}
	for intact != nil && intact.fsize > vm.lowFrames {
		intact = intact.parent
	}
	if cap(vm.frames) < k.fsize {
		nf := make([]frame, k.fsize, 2*k.fsize)
		copy(nf, vm.frames)
		vm.frames = nf
	} else {
		vm.frames = vm.frames[:k.fsize]
	}
	// walk k's chain down to the first segment the intact chain holds
	for c := k; c != nil && c != intact; c = c.parent {
		for intact != nil && intact.fsize > c.fsize {
			intact = intact.parent
		}
		if c == intact {
			break
		}
		copy(vm.stack[c.sbase:], c.stack)
		copy(vm.frames[c.fbase:], c.frames)
		vm.copied += len(c.stack) + len(c.frames)
	}
	vm.lastK, vm.lowFrames = k, k.fsize
}

// moveArgs moves n arguments from stack[from:] down to stack[to:] (to <= from).
func moveArgs(stack []Value, to, from, n int) {
	switch {
	case to == from:
	case n <= 4:
		for i := 0; i < n; i++ {
			stack[to+i] = stack[from+i]
		}
	default:
		copy(stack[to:to+n], stack[from:from+n])
	}
}

// callPrim calls a primitive, turning a Go panic into an error naming it.
func (vm *vm) callPrim(p *Primitive, args []Value) (v Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			v = nil
			if e, ok := r.(error); ok {
				err = &ErrorObject{Who: p.Name, Message: "internal error: " + e.Error(), Cause: e}
			} else {
				err = &ErrorObject{Who: p.Name, Message: fmt.Sprintf("internal error: %v", r)}
			}
			if debugPanics {
				err.(*ErrorObject).Message += "\n" + string(debug.Stack())
			}
		}
	}()
	return p.Fn(vm.it, args)
}

// cancelled reports whether err comes from the cancellation of the running
// evaluation's context (a primitive that was waiting gave up): such an
// error ends the evaluation instead of going to the handlers.
func (vm *vm) cancelled(err error) bool {
	ctx := vm.it.ctx
	return ctx != nil && ctx.Err() != nil && errors.Is(err, ctx.Err())
}

func isCancel(err error) bool {
	return err == context.Canceled || err == context.DeadlineExceeded
}

// fillError completes an error object with the name of the failing
// procedure, the source position and the backtrace.
func (vm *vm) fillError(e *ErrorObject, clo *Closure, pc int, who string) {
	// an error already filled (raised by Scheme code that the primitive
	// called, as a procedure given to it) keeps its own who, or none
	if e.Who == "" && who != "" && e.Stack == nil && !e.Pos.IsValid() {
		e.Who = who
	}
	if !e.Pos.IsValid() {
		if clo == nil && vm.curClo != nil {
			clo, pc = vm.curClo, vm.curPC
		}
		e.Pos = posAt(clo, pc-1)
	}
	if e.Stack == nil {
		e.Stack = vm.backtrace(clo, pc)
	}
	// An error inside the prelude's Scheme code is reported where the
	// user's program called into it.
	if strings.HasPrefix(e.Pos.File, preludePrefix) {
		e.Pos = vm.userPos(clo, pc, e.Pos)
		if strings.HasPrefix(e.Pos.File, preludePrefix) {
			// no frame of the program is left (it tail-called the
			// prelude from a procedure the embedder called): popsh's
			// own source would mislead more than no position
			e.Pos = Pos{}
		}
	}
}

// userPos returns the innermost position outside the prelude among the
// current code and the frames (top-level forms included), or def.
func (vm *vm) userPos(clo *Closure, pc int, def Pos) Pos {
	if clo != nil {
		if p := posAt(clo, pc-1); p.IsValid() && !strings.HasPrefix(p.File, preludePrefix) {
			return p
		}
	}
	for i := len(vm.frames) - 1; i >= 0; i-- {
		fr := vm.frames[i]
		if fr.clo == nil {
			continue
		}
		if p := posAt(fr.clo, int(fr.pc)-1); p.IsValid() && !strings.HasPrefix(p.File, preludePrefix) {
			return p
		}
	}
	return def
}

// preludePrefix starts the file name of every prelude source.
const preludePrefix = "prelude/"

// posAt returns the source position of the instruction at pc in clo.
func posAt(clo *Closure, pc int) Pos {
	if clo == nil {
		return Pos{}
	}
	ps := clo.proto.pos
	lo, hi := 0, len(ps)
	for lo < hi {
		m := (lo + hi) / 2
		if ps[m].pc <= pc {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return clo.proto.defPos
	}
	return ps[lo-1].pos
}

const maxTrace = 20

// maxTraceWalk bounds the frames a backtrace looks at (errors in very deep
// recursion stay cheap).
const maxTraceWalk = 10000

func (vm *vm) backtrace(clo *Closure, pc int) []Frame {
	var fs []Frame
	var lastProto *Proto
	lastPC, repeats := -1, 0
	flush := func() {
		if repeats > 0 {
			fs = append(fs, Frame{Name: fmt.Sprintf("%s%d more times)", repeatMarker, repeats)})
			repeats = 0
		}
	}
	add := func(c *Closure, pc int) bool {
		if c == nil || c.proto.top || strings.HasPrefix(c.proto.defPos.File, preludePrefix) {
			return true // top-level forms and the prelude's procedures are not shown
		}
		if c.proto == lastProto && pc == lastPC {
			repeats++
			return true
		}
		flush()
		if len(fs) >= maxTrace {
			return false
		}
		lastProto, lastPC = c.proto, pc
		fs = append(fs, Frame{Name: c.proto.name, Pos: posAt(c, pc-1)})
		return true
	}
	add(clo, pc)
	walked := 0
	for i := len(vm.frames) - 1; i >= 0; i-- {
		fr := vm.frames[i]
		if !add(fr.clo, int(fr.pc)) {
			break
		}
		if walked++; walked >= maxTraceWalk {
			flush()
			fs = append(fs, Frame{Name: fmt.Sprintf("(%d more frames not shown)", i)})
			break
		}
	}
	flush()
	return fs
}

// repeatMarker starts the trace name of an entry that counts repeats of the
// entry before it (deep recursion).
const repeatMarker = "(the call above repeated "

// rewind runs the after thunks of the winders being left and the before
// thunks of those being entered, to make to the current winder list.
func (vm *vm) rewind(to *windFrame) error {
	from := vm.wind
	// common ancestor
	a, b := from, to
	for a != nil && b != nil && a.depth > b.depth {
		a = a.parent
	}
	for a != nil && b != nil && b.depth > a.depth {
		b = b.parent
	}
	if a == nil || b == nil {
		a, b = nil, nil
	}
	for a != b {
		a, b = a.parent, b.parent
	}
	common := a
	for w := from; w != common; w = w.parent {
		vm.wind = w.parent
		if _, err := vm.apply(w.after, nil); err != nil {
			return err
		}
	}
	var path []*windFrame
	for w := to; w != common; w = w.parent {
		path = append(path, w)
	}
	for i := len(path) - 1; i >= 0; i-- {
		w := path[i]
		vm.wind = w.parent
		if _, err := vm.apply(w.before, nil); err != nil {
			return err
		}
		vm.wind = w
	}
	vm.wind = to
	return nil
}
