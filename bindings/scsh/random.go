package scsh

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"time"

	"popsh/interp"
)

// SRFI 27's random sources (the structure srfi-27 that scsh scripts open
// with -o srfi-27) and Scheme48's make-random (structure random). A source
// is a PCG generator; its state is two 64-bit words, which
// random-source-state-ref gives as a list and random-source-state-set!
// takes back.

// randomSource is the value of a random source.
type randomSource struct {
	pcg *rand.PCG
	r   *rand.Rand
}

func newRandomSource(seed1, seed2 uint64) *randomSource {
	p := rand.NewPCG(seed1, seed2)
	return &randomSource{pcg: p, r: rand.New(p)}
}

// The state every new source starts from (SRFI 27: a fixed state, the same
// in every run, until a program randomizes it).
const randomSeed1, randomSeed2 = 0x853c49e6748fea9b, 0xda3e39cb94b95bdb

func randomSourceArg(v interp.Value, pos int) (*randomSource, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if s, ok := o.Value.(*randomSource); ok {
			return s, nil
		}
	}
	return nil, argType(pos, "s", "a random source", v)
}

func randomSourceValue(s *randomSource) interp.Value {
	return &interp.Opaque{Kind: "random-source", Value: s}
}

// state is the source's state as two words.
func (s *randomSource) state() (uint64, uint64) {
	b, _ := s.pcg.MarshalBinary() // "pcg:" then hi and lo, big-endian
	b = b[len(b)-16:]
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

func (s *randomSource) setState(hi, lo uint64) {
	b := []byte("pcg:")
	b = binary.BigEndian.AppendUint64(b, hi)
	b = binary.BigEndian.AppendUint64(b, lo)
	_ = s.pcg.UnmarshalBinary(b)
}

// integer draws an exact integer uniformly from [0, n), n > 0.
func (s *randomSource) integer(n interp.Value) interp.Value {
	if k, ok := n.(int); ok {
		return int(s.r.Int64N(int64(k)))
	}
	b := n.(*big.Int)
	// draw as many bits as n has and retry above n: fewer than two
	// draws on average
	nbits := b.BitLen()
	words := make([]big.Word, (nbits+63)/64)
	x := new(big.Int)
	for {
		for i := range words {
			words[i] = big.Word(s.r.Uint64())
		}
		x.SetBits(words)
		if extra := len(words)*64 - nbits; extra > 0 {
			x.Rsh(x, uint(extra))
		}
		if x.Cmp(b) < 0 {
			break
		}
	}
	if x.IsInt64() {
		return int(x.Int64())
	}
	return new(big.Int).Set(x)
}

// real draws a flonum uniformly from the open interval (0, 1).
func (s *randomSource) real() float64 {
	for {
		if f := s.r.Float64(); f > 0 {
			return f
		}
	}
}

func positiveInteger(v interp.Value, pos int, param string) (interp.Value, error) {
	switch x := v.(type) {
	case int:
		if x > 0 {
			return x, nil
		}
	case *big.Int:
		if x.Sign() > 0 {
			return x, nil
		}
	}
	return nil, argType(pos, param, "a positive exact integer", v)
}

// wordArg reads a state word: an exact integer in [0, 2^64).
func wordArg(v interp.Value, who string, state interp.Value) (uint64, error) {
	switch x := v.(type) {
	case int:
		if x >= 0 {
			return uint64(x), nil
		}
	case *big.Int:
		if x.Sign() >= 0 && x.IsUint64() {
			return x.Uint64(), nil
		}
	}
	return 0, scshErr(who, "not a state of a random source", state)
}

func wordValue(w uint64) interp.Value {
	if w <= 1<<62 {
		return int(w)
	}
	return new(big.Int).SetUint64(w)
}

func (e *scshEnv) installRandom() {
	def := newRandomSource(randomSeed1, randomSeed2)
	e.it.Define("default-random-source", randomSourceValue(def))
	e.it.Document("scsh: random numbers", interp.DocLine{Name: "default-random-source",
		Doc: "default-random-source: the random source random-integer and random-real draw from (SRFI 27)"})
	e.it.DefineBuiltins("scsh: random numbers", []interp.Builtin{
		{Name: "random-integer", MinArgs: 1, MaxArgs: 1,
			Doc: "(random-integer n): an exact integer drawn uniformly from 0 to n-1, from default-random-source",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, err := positiveInteger(a[0], 0, "n")
				if err != nil {
					return nil, err
				}
				return def.integer(n), nil
			}},
		{Name: "random-real", MinArgs: 0, MaxArgs: 0,
			Doc: "(random-real): a flonum drawn uniformly from the open interval (0, 1), from default-random-source",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return def.real(), nil
			}},
		{Name: "make-random-source", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-random-source): a new random source, in the state every new source starts from",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return randomSourceValue(newRandomSource(randomSeed1, randomSeed2)), nil
			}},
		{Name: "random-source?", MinArgs: 1, MaxArgs: 1,
			Doc: "(random-source? obj): whether obj is a random source",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := randomSourceArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "random-source-state-ref", MinArgs: 1, MaxArgs: 1,
			Doc: "(random-source-state-ref s): the state of s, a list random-source-state-set! takes back",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				hi, lo := s.state()
				return interp.List(interp.Intern("pcg"), wordValue(hi), wordValue(lo)), nil
			}},
		{Name: "random-source-state-set!", MinArgs: 2, MaxArgs: 2,
			Doc: "(random-source-state-set! s state): put s back in a state random-source-state-ref gave",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				items, ok := interp.ListToSlice(a[1])
				if !ok || len(items) != 3 || items[0] != interp.Value(interp.Intern("pcg")) {
					return nil, scshErr("random-source-state-set!", "not a state of a random source", a[1])
				}
				hi, err := wordArg(items[1], "random-source-state-set!", a[1])
				if err != nil {
					return nil, err
				}
				lo, err := wordArg(items[2], "random-source-state-set!", a[1])
				if err != nil {
					return nil, err
				}
				s.setState(hi, lo)
				return interp.Unspecified, nil
			}},
		{Name: "random-source-randomize!", MinArgs: 1, MaxArgs: 1,
			Doc: "(random-source-randomize! s): put s in a state drawn from the system's entropy and the time",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				s.setState(rand.Uint64()^uint64(time.Now().UnixNano()), rand.Uint64())
				return interp.Unspecified, nil
			}},
		{Name: "random-source-pseudo-randomize!", MinArgs: 3, MaxArgs: 3,
			Doc: "(random-source-pseudo-randomize! s i j): put s in a state that depends on the non-negative integers i and j only",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				var ij [2]uint64
				for k := 1; k <= 2; k++ {
					n, ok := a[k].(int)
					if !ok || n < 0 {
						return nil, argType(k+1, []string{"", "i", "j"}[k], "a non-negative fixnum", a[k])
					}
					ij[k-1] = uint64(n)
				}
				p := rand.NewPCG(randomSeed1^ij[0], randomSeed2^(ij[1]*0x9e3779b97f4a7c15))
				s.setState(p.Uint64(), p.Uint64())
				return interp.Unspecified, nil
			}},
		{Name: "random-source-make-integers", MinArgs: 1, MaxArgs: 1,
			Doc: "(random-source-make-integers s): a procedure of n that draws an exact integer from 0 to n-1 from s",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return &interp.Primitive{Name: "random-integer", MinArgs: 1, MaxArgs: 1, Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					n, err := positiveInteger(a[0], 0, "n")
					if err != nil {
						return nil, err
					}
					return s.integer(n), nil
				}}, nil
			}},
		{Name: "random-source-make-reals", MinArgs: 1, MaxArgs: 2,
			Doc: "(random-source-make-reals s [unit]): a thunk drawing a flonum in (0, 1) from s (finer than unit)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := randomSourceArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				if len(a) > 1 {
					u, ok := unitArg(a[1])
					if !ok || !(u > 0 && u < 1) {
						return nil, argType(2, "unit", "a number between 0 and 1", a[1])
					}
				}
				return &interp.Primitive{Name: "random-real", MinArgs: 0, MaxArgs: 0, Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					return s.real(), nil
				}}, nil
			}},
		{Name: "make-random", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-random seed): a thunk giving pseudo-random integers in [0, 2^28), one sequence per seed (Scheme48)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				seed, ok := a[0].(int)
				if !ok {
					return nil, argType(0, "seed", "an exact integer", a[0])
				}
				s := newRandomSource(randomSeed1^uint64(seed), randomSeed2)
				return &interp.Primitive{Name: "random", MinArgs: 0, MaxArgs: 0, Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					return int(s.r.Uint64() >> (64 - 28)), nil
				}}, nil
			}},
	}...)
}

// unitArg reads a real number as a float64.
func unitArg(v interp.Value) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	case *big.Rat:
		f, _ := x.Float64()
		return f, true
	}
	return 0, false
}

// installOptions defines SRFI 37's option records (args-fold, which folds
// over a command line with them, is in srfi.scm).
func (e *scshEnv) installOptions() {
	rt := &interp.RecordType{Name: "option", Fields: []*interp.Symbol{
		interp.Intern("names"), interp.Intern("required-arg?"), interp.Intern("optional-arg?"), interp.Intern("processor")}}
	optionArg := func(v interp.Value) (*interp.Record, error) {
		if r, ok := v.(*interp.Record); ok && r.Type == rt {
			return r, nil
		}
		return nil, interp.TypeError("an option", v)
	}
	field := func(name string, i int, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := optionArg(a[0])
				if err != nil {
					return nil, err
				}
				return r.Fields[i], nil
			}}
	}
	e.it.DefineBuiltins("scsh: command-line options", []interp.Builtin{
		{Name: "option", MinArgs: 4, MaxArgs: 4,
			Doc: "(option names required-arg? optional-arg? processor): an args-fold option; names: chars (-x) and strings (--name)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				names, ok := interp.ListToSlice(a[0])
				if !ok || len(names) == 0 {
					return nil, argType(1, "names", "a list of characters and strings", a[0])
				}
				for _, n := range names {
					switch n.(type) {
					case interp.Char, *interp.String:
					default:
						return nil, argType(1, "names", "a list of characters and strings", a[0])
					}
				}
				if !interp.IsProcedure(a[3]) {
					return nil, argType(4, "processor", "a procedure", a[3])
				}
				return &interp.Record{Type: rt, Fields: []interp.Value{a[0], interp.IsTrue(a[1]), interp.IsTrue(a[2]), a[3]}}, nil
			}},
		{Name: "option?", MinArgs: 1, MaxArgs: 1, Doc: "(option? obj): whether obj is an option made by option",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := optionArg(a[0])
				return err == nil, nil
			}},
		field("option-names", 0, "(option-names option): the names of option, characters and strings"),
		field("option-required-arg?", 1, "(option-required-arg? option): whether option takes an argument it must have"),
		field("option-optional-arg?", 2, "(option-optional-arg? option): whether option takes an argument it may go without"),
		field("option-processor", 3, "(option-processor option): the procedure args-fold calls when option is found"),
	}...)
}
