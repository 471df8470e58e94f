package interp

// Interp is one independent Scheme interpreter. (Placeholder: the evaluator
// owns this file and replaces it.)
type Interp struct {
	in, out, errp *Port
}

// CurrentInput returns the current input port.
func (it *Interp) CurrentInput() *Port { return it.in }

// CurrentOutput returns the current output port.
func (it *Interp) CurrentOutput() *Port { return it.out }

// CurrentError returns the current error port.
func (it *Interp) CurrentError() *Port { return it.errp }
