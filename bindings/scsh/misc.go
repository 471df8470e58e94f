package scsh

import (
	"crypto/md5"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"math/big"
	"os"
	"strings"

	"popsh/interp"
	"popsh/interp/num"
)

// The smaller scsh 0.6 interfaces: the date setters, the utilities,
// ->regexp, substitute-env-vars, resolve-tilde-file-name, MD5 digests,
// the version numbers, the byte-order conversions and the weak tables
// (weak.go).

//go:embed scm/utilities.scm
var utilitiesPrelude string

// utilitiesLibrary holds scsh's utilities written in Scheme; each is
// compiled on first use.
var utilitiesLibrary = interp.NewLazyLibrary("utilities.scm", utilitiesPrelude)

// The scsh release popsh follows: the 0.6 tree's scsh-version.scm.
const (
	scshMajorVersion = 0
	scshMinorVersion = 6
	scshVersion      = "0.6.7"
	scshReleaseName  = "R6RS"
)

func (e *scshEnv) installMisc() {
	e.installDateSetters()
	e.installMD5()
	e.installWeakTables()
	e.installCrypt()
	e.it.Define("scsh-major-version", scshMajorVersion)
	e.it.Define("scsh-minor-version", scshMinorVersion)
	e.it.Define("scsh-version-string", interp.NewString(scshVersion))
	e.it.Define("scsh-release-name", interp.NewString(scshReleaseName))
	e.it.Document("scsh: system", miscDocs...)
	e.it.Document("scsh: utilities", utilityDocs...)
	utilitiesLibrary.Install(e.it)
	e.it.DefineBuiltins("scsh: byte order", []interp.Builtin{
		endianRow("net-to-host-32", 32, "(net-to-host-32 n): the 32-bit number n read in network byte order (big-endian) as this machine's order; #f outside 0..#xffffffff"),
		endianRow("host-to-net-32", 32, "(host-to-net-32 n): the 32-bit number n in this machine's byte order rearranged into network order; #f outside 0..#xffffffff"),
		endianRow("net-to-host-16", 16, "(net-to-host-16 n): the low 16 bits of n read in network byte order as this machine's order; #f outside 0..#xffffffff"),
		endianRow("host-to-net-16", 16, "(host-to-net-16 n): the low 16 bits of n rearranged from this machine's byte order into network order; #f outside 0..#xffffffff"),
	}...)
	e.it.DefineBuiltins("scsh: utilities", interp.Builtin{Name: "make-reinitializer", MinArgs: 1, MaxArgs: 1,
		Doc: "(make-reinitializer thunk): a reinitializer record holding thunk (scsh ran it when a saved image resumed; popsh saves no images)",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			if !interp.IsProcedure(a[0]) {
				return nil, argType(0, "thunk", "a procedure", a[0])
			}
			return &interp.Opaque{Kind: "reinitializer", Value: a[0]}, nil
		}})
	e.it.DefineBuiltins("scsh: regular expressions", interp.Builtin{Name: "->regexp", MinArgs: 1, MaxArgs: 1,
		Doc: "(->regexp str/re): the regexp of a POSIX regexp string, or re itself",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			if _, ok := asRegexp(a[0]); ok {
				return a[0], nil
			}
			s, ok := a[0].(*interp.String)
			if !ok {
				return nil, scshErr("->regexp", "Value must be either a Posix regexp string or a regexp value", a[0])
			}
			r, err := compilePosix(s.String())
			if err != nil {
				return nil, scshErr("->regexp", err.Error(), a[0])
			}
			return regexpValue(r), nil
		}})
	e.it.DefineBuiltins("scsh: file names", []interp.Builtin{
		{Name: "resolve-tilde-file-name", MinArgs: 1, MaxArgs: 1,
			Doc: "(resolve-tilde-file-name fname): fname with a leading ~ or ~user replaced by that home directory",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "fname")
				if err != nil {
					return nil, err
				}
				r, err := fnameResolveTilde("resolve-tilde-file-name", s.String())
				if err != nil {
					return nil, err
				}
				return interp.NewString(r), nil
			}},
		{Name: "substitute-env-vars", MinArgs: 1, MaxArgs: 1,
			Doc: "(substitute-env-vars fname): fname with each $VAR (up to the next /) and ${VAR} replaced by its value",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "fname")
				if err != nil {
					return nil, err
				}
				r, err := substituteEnvVars(s.String())
				if err != nil {
					return nil, err
				}
				return interp.NewString(r), nil
			}},
	}...)
}

// substituteEnvVars replaces $NAME (the name runs to the next / or the
// end) and ${NAME} by the variables' values, as scsh's
// substitute-env-vars; a $ at the very end is dropped. An unset variable
// or an unclosed ${ is an error naming it.
func substituteEnvVars(s string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		if s == "" {
			return b.String(), nil
		}
		var name string
		if s[0] == '{' {
			j := strings.IndexByte(s, '}')
			if j < 0 {
				return "", scshErr("substitute-env-vars", "Unbalanced ${ delimiter in string", interp.NewString(s))
			}
			name, s = s[1:j], s[j+1:]
		} else {
			j := strings.IndexByte(s, '/')
			if j < 0 {
				j = len(s)
			}
			name, s = s[:j], s[j:]
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", scshErr("substitute-env-vars", "environment variable not set", interp.NewString(name))
		}
		b.WriteString(v)
	}
}

// littleEndianHost is whether this machine stores the low byte first;
// the conversions are the identity on a big-endian machine.
var littleEndianHost = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func endianRow(name string, bits int, doc string) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			var n int
			switch x := a[0].(type) {
			case int:
				n = x
			case *big.Int:
				return false, nil // beyond 32 bits either way
			default:
				return nil, argType(0, "n", "an exact integer", a[0])
			}
			if n < 0 || n > 0xffffffff {
				return false, nil
			}
			if !littleEndianHost {
				return n, nil
			}
			if bits == 16 {
				return int(uint16(n)>>8 | uint16(n)<<8), nil
			}
			v := uint32(n)
			return int(v>>24 | (v>>8)&0xff00 | (v<<8)&0xff0000 | v<<24), nil
		}}
}

// installDateSetters defines set-date:FIELD and modify-date:FIELD for the
// fields of the date record (sysprims.go): a setter changes the record in
// place; (modify-date:FIELD date proc) sets the field to (proc old).
func (e *scshEnv) installDateSetters() {
	rows := make([]interp.Builtin, 0, 2*len(dateFields))
	for i, n := range dateSetterNames {
		check, f := dateFieldCheck(i), n.field
		rows = append(rows, interp.Builtin{Name: n.set, MinArgs: 2, MaxArgs: 2, Doc: n.setDoc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := e.dateRecord(a[0])
				if err != nil {
					return nil, err
				}
				if err := check(a[1], 2); err != nil {
					return nil, err
				}
				r.Fields[i] = a[1]
				return interp.Unspecified, nil
			}})
		who := n.modify
		rows = append(rows, interp.Builtin{Name: who, MinArgs: 2, MaxArgs: 2, Doc: n.modifyDoc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, err := e.dateRecord(a[0])
				if err != nil {
					return nil, err
				}
				if !interp.IsProcedure(a[1]) {
					return nil, argType(2, "proc", "a procedure", a[1])
				}
				v, err := e.call(a[1], r.Fields[i])
				if err != nil {
					return nil, err
				}
				if err := check(v, 2); err != nil {
					return nil, scshErr(who, "proc returned a bad "+f+" value", v)
				}
				r.Fields[i] = v
				return interp.Unspecified, nil
			}})
	}
	e.it.DefineBuiltins("scsh: system", rows...)
}

// dateSetterNames are the names and doc lines of set-date:FIELD and
// modify-date:FIELD, one per field of the date record.
var dateSetterNames = func() []struct{ field, set, setDoc, modify, modifyDoc string } {
	out := make([]struct{ field, set, setDoc, modify, modifyDoc string }, len(dateFields))
	for i, f := range dateFields {
		out[i].field = f
		out[i].set = "set-date:" + f
		out[i].setDoc = "(set-date:" + f + " date value): set the " + f + " field of date"
		out[i].modify = "modify-date:" + f
		out[i].modifyDoc = "(modify-date:" + f + " date proc): set the " + f + " field of date to (proc field)"
	}
	return out
}()

func (e *scshEnv) dateRecord(v interp.Value) (*interp.Record, error) {
	r, ok := v.(*interp.Record)
	if !ok || r.Type != e.dateType() {
		return nil, argType(1, "date", "a date", v)
	}
	return r, nil
}

// dateFieldCheck is what field i of a date may hold: the clock and
// calendar fields exact integers, tz-name a string or #f, tz-secs an
// exact integer or #f, summer? anything (a truth value).
func dateFieldCheck(i int) func(v interp.Value, pos int) error {
	switch dateFields[i] {
	case "tz-name":
		return func(v interp.Value, pos int) error {
			if _, ok := v.(*interp.String); ok || v == false {
				return nil
			}
			return argType(pos, "value", "a string or #f", v)
		}
	case "tz-secs":
		return func(v interp.Value, pos int) error {
			if _, ok := v.(int); ok || v == false {
				return nil
			}
			return argType(pos, "value", "an exact integer or #f", v)
		}
	case "summer?":
		return func(interp.Value, int) error { return nil }
	}
	return func(v interp.Value, pos int) error {
		if _, ok := v.(int); ok {
			return nil
		}
		return argType(pos, "value", "an exact integer", v)
	}
}

// md5Context is an MD5 computation in progress; final once its digest
// has been taken (updating it further is an error).
type md5Context struct {
	h      hash.Hash
	final  bool
	digest *interp.Opaque
}

const (
	md5ContextKind = "md5-context"
	md5DigestKind  = "md5-digest"
)

// md5Digest makes the opaque digest value of sum (16 bytes).
func md5Digest(sum []byte) *interp.Opaque {
	var d [md5.Size]byte
	copy(d[:], sum)
	return &interp.Opaque{Kind: md5DigestKind, Label: hex.EncodeToString(d[:]), Value: d}
}

func md5DigestArg(v interp.Value, pos int) ([md5.Size]byte, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if d, ok := o.Value.([md5.Size]byte); ok && o.Kind == md5DigestKind {
			return d, nil
		}
	}
	return [md5.Size]byte{}, argType(pos, "digest", "an md5 digest", v)
}

func md5ContextArg(v interp.Value, pos int) (*md5Context, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if c, ok := o.Value.(*md5Context); ok {
			return c, nil
		}
	}
	return nil, argType(pos, "context", "an md5 context", v)
}

// The MD5 procedures hash a string's text as UTF-8, the bytes popsh
// writes for it to a file or socket (scsh's 8-bit strings hashed their
// bytes: the same for ASCII).
func (e *scshEnv) installMD5() {
	isKind := func(kind string) func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
		return func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			o, ok := a[0].(*interp.Opaque)
			return ok && o.Kind == kind, nil
		}
	}
	e.it.DefineBuiltins("scsh: md5", []interp.Builtin{
		{Name: "make-md5-context", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-md5-context): a fresh MD5 context",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return &interp.Opaque{Kind: md5ContextKind, Value: &md5Context{h: md5.New()}}, nil
			}},
		{Name: "md5-context?", MinArgs: 1, MaxArgs: 1,
			Doc: "(md5-context? obj): whether obj is an MD5 context", Fn: isKind(md5ContextKind)},
		{Name: "update-md5-context!", MinArgs: 2, MaxArgs: 2,
			Doc: "(update-md5-context! context string): add the bytes of string (UTF-8) to context",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := md5ContextArg(a[0], 1)
				if err != nil {
					return nil, err
				}
				s, err := str(a[1], 2, "string")
				if err != nil {
					return nil, err
				}
				if c.final {
					return nil, scshErr("update-md5-context!", "tried to update final md5 context", a[0])
				}
				c.h.Write(s.AppendUTF8(nil, 0, s.Len()))
				return interp.Unspecified, nil
			}},
		{Name: "md5-context->md5-digest", MinArgs: 1, MaxArgs: 1,
			Doc: "(md5-context->md5-digest context): the digest of what context was given; context is then final",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				c, err := md5ContextArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				if !c.final {
					c.final = true
					c.digest = md5Digest(c.h.Sum(nil))
				}
				return c.digest, nil
			}},
		{Name: "md5-digest?", MinArgs: 1, MaxArgs: 1,
			Doc: "(md5-digest? obj): whether obj is an MD5 digest", Fn: isKind(md5DigestKind)},
		{Name: "md5-digest->number", MinArgs: 1, MaxArgs: 1,
			Doc: "(md5-digest->number digest): the 128-bit number of digest (its first byte the most significant)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				d, err := md5DigestArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return num.FromBig(new(big.Int).SetBytes(d[:])), nil
			}},
		{Name: "number->md5-digest", MinArgs: 1, MaxArgs: 1,
			Doc: "(number->md5-digest n): the digest whose number is n (0 <= n < 2^128)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var n *big.Int
				switch x := a[0].(type) {
				case int:
					n = big.NewInt(int64(x))
				case *big.Int:
					n = x
				default:
					return nil, argType(0, "n", "an exact integer", a[0])
				}
				if n.Sign() < 0 || n.BitLen() > 128 {
					return nil, scshErr("number->md5-digest", "Argument to number->md5-digest not a 128 bit number", a[0])
				}
				var d [md5.Size]byte
				n.FillBytes(d[:])
				return md5Digest(d[:]), nil
			}},
		{Name: "md5-digest-for-string", MinArgs: 1, MaxArgs: 1,
			Doc: "(md5-digest-for-string string): the MD5 digest of the bytes of string (UTF-8)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				sum := md5.Sum(s.AppendUTF8(nil, 0, s.Len()))
				return md5Digest(sum[:]), nil
			}},
		{Name: "md5-digest-for-port", MinArgs: 1, MaxArgs: 2,
			Doc: "(md5-digest-for-port port [buffer-size]): the MD5 digest of the bytes read from port to its end",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, ok := a[0].(*interp.Port)
				if !ok || !p.Input {
					return nil, argType(1, "port", "an input port", a[0])
				}
				size, err := intArg(a, 1, "buffer-size", 1024)
				if err != nil {
					return nil, err
				}
				if size <= 0 {
					return nil, argType(2, "buffer-size", "a positive integer", a[1])
				}
				h := md5.New()
				buf := make([]byte, size)
				for {
					n, rerr := p.ReadBytes(buf)
					h.Write(buf[:n])
					if errors.Is(rerr, io.EOF) {
						break
					}
					if rerr != nil {
						return nil, readErr("md5-digest-for-port", rerr)
					}
				}
				return md5Digest(h.Sum(nil)), nil
			}},
	}...)
}

var miscDocs = []interp.DocLine{
	{Name: "scsh-major-version", Doc: "scsh-major-version: the major version of the scsh popsh follows (0)"},
	{Name: "scsh-minor-version", Doc: "scsh-minor-version: the minor version of the scsh popsh follows (6)"},
	{Name: "scsh-version-string", Doc: "scsh-version-string: the version of the scsh popsh follows, \"0.6.7\""},
	{Name: "scsh-release-name", Doc: "scsh-release-name: the release name of that scsh version"},
}

var utilityDocs = []interp.DocLine{
	{Name: "mapv", Doc: "(mapv proc vector): a new vector of (proc elt) for each element"},
	{Name: "mapv!", Doc: "(mapv! proc vector): replace each element by (proc elt); vector"},
	{Name: "vector-every?", Doc: "(vector-every? pred vector): whether pred is true of every element"},
	{Name: "copy-vector", Doc: "(copy-vector vector): a fresh copy of vector"},
	{Name: "initialize-vector", Doc: "(initialize-vector n proc): a vector of n elements, element i being (proc i)"},
	{Name: "vfold", Doc: "(vfold kons knil vector): fold kons over the elements from the first"},
	{Name: "vfold-right", Doc: "(vfold-right kons knil vector): fold kons over the elements from the last"},
	{Name: "check-arg", Doc: "(check-arg pred val caller): val if (pred val), else a \"Bad argument\" error"},
	{Name: "deprecated-proc", Doc: "(deprecated-proc proc name [message]): proc, warning once on its first call that name is deprecated"},
	{Name: "real->exact-integer", Doc: "(real->exact-integer x): x rounded to the nearest exact integer"},
	{Name: "run-as-long-as", Doc: "(run-as-long-as thunk1 thunk2 spawn [name]): run thunk1 in a thread made by spawn while thunk2 runs; stop it when thunk2 ends"},
	{Name: "obtain-all-or-none", Doc: "(obtain-all-or-none lock ...): take every lock, never holding some while waiting for another"},
}
