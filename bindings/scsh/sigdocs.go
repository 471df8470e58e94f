package scsh

import (
	"strconv"
	"strings"
	"syscall"

	"popsh/interp"
)

// moreErrnos are the rest of scsh's errno/NAME variables (the POSIX ones
// and scsh's Linux extras), with the values of the Linux system popsh
// runs on; errnos (docs.go) has the first ones.
var moreErrnos = []struct {
	name string
	val  syscall.Errno
}{
	{"errno/srch", syscall.ESRCH}, {"errno/nxio", syscall.ENXIO}, {"errno/2big", syscall.E2BIG},
	{"errno/noexec", syscall.ENOEXEC}, {"errno/child", syscall.ECHILD}, {"errno/nomem", syscall.ENOMEM},
	{"errno/fault", syscall.EFAULT}, {"errno/busy", syscall.EBUSY}, {"errno/xdev", syscall.EXDEV},
	{"errno/nodev", syscall.ENODEV}, {"errno/nfile", syscall.ENFILE}, {"errno/mfile", syscall.EMFILE},
	{"errno/notty", syscall.ENOTTY}, {"errno/fbig", syscall.EFBIG}, {"errno/spipe", syscall.ESPIPE},
	{"errno/rofs", syscall.EROFS}, {"errno/mlink", syscall.EMLINK}, {"errno/dom", syscall.EDOM},
	{"errno/range", syscall.ERANGE}, {"errno/deadlk", syscall.EDEADLK}, {"errno/nametoolong", syscall.ENAMETOOLONG},
	{"errno/nolck", syscall.ENOLCK}, {"errno/nosys", syscall.ENOSYS}, {"errno/notempty", syscall.ENOTEMPTY},
	// scsh's Linux extras
	{"errno/notblk", syscall.ENOTBLK}, {"errno/txtbsy", syscall.ETXTBSY}, {"errno/wouldblock", syscall.EWOULDBLOCK},
	{"errno/inprogress", syscall.EINPROGRESS}, {"errno/already", syscall.EALREADY}, {"errno/notsock", syscall.ENOTSOCK},
	{"errno/destaddrreq", syscall.EDESTADDRREQ}, {"errno/msgsize", syscall.EMSGSIZE}, {"errno/prototype", syscall.EPROTOTYPE},
	{"errno/noprotoopt", syscall.ENOPROTOOPT}, {"errno/protonosupport", syscall.EPROTONOSUPPORT},
	{"errno/socktnosupport", syscall.ESOCKTNOSUPPORT}, {"errno/opnotsupp", syscall.EOPNOTSUPP},
	{"errno/pfnosupport", syscall.EPFNOSUPPORT}, {"errno/afnosupport", syscall.EAFNOSUPPORT},
	{"errno/addrinuse", syscall.EADDRINUSE}, {"errno/addrnotavail", syscall.EADDRNOTAVAIL},
	{"errno/netdown", syscall.ENETDOWN}, {"errno/netunreach", syscall.ENETUNREACH}, {"errno/netreset", syscall.ENETRESET},
	{"errno/connaborted", syscall.ECONNABORTED}, {"errno/connreset", syscall.ECONNRESET}, {"errno/nobufs", syscall.ENOBUFS},
	{"errno/isconn", syscall.EISCONN}, {"errno/notconn", syscall.ENOTCONN}, {"errno/shutdown", syscall.ESHUTDOWN},
	{"errno/toomanyrefs", syscall.ETOOMANYREFS}, {"errno/loop", syscall.ELOOP}, {"errno/hostdown", syscall.EHOSTDOWN},
	{"errno/hostunreach", syscall.EHOSTUNREACH}, {"errno/users", syscall.EUSERS}, {"errno/dquot", syscall.EDQUOT},
	{"errno/stale", syscall.ESTALE}, {"errno/remote", syscall.EREMOTE},
}

// moreErrnoDocs documents moreErrnos as errnoDocs does errnos.
var moreErrnoDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, len(moreErrnos))
	for i, en := range moreErrnos {
		lines[i] = interp.DocLine{Name: en.name, Doc: en.name + ": the errno value E" +
			strings.ToUpper(en.name[len("errno/"):]) + " (" + strconv.Itoa(int(en.val)) + ")"}
	}
	return lines
}()

// signalDocs documents the signal and interrupt constants and the Scheme
// definitions of sigproc.scm.
var signalDocs = func() []interp.DocLine {
	var lines []interp.DocLine
	for _, sn := range signalNumbers {
		lines = append(lines, interp.DocLine{Name: sn.name, Doc: sn.name + ": the signal number of SIG" +
			strings.ToUpper(sn.name[len("signal/"):]) + " (" + strconv.Itoa(int(sn.sig)) + ")"})
	}
	for _, in := range interruptNames {
		what := "delivered for no signal in popsh"
		if in.sig != 0 {
			what = "delivered for SIG" + strings.ToUpper(strings.TrimPrefix(signalName(in.sig), "signal/"))
		}
		lines = append(lines, interp.DocLine{Name: in.name, Doc: in.name + ": interrupt number " + strconv.Itoa(in.n) + ", " + what})
	}
	return append(lines, []interp.DocLine{
		{Name: "wait/poll", Doc: "wait/poll: the wait flag (WNOHANG) for wait, wait-any and wait-process-group: do not block"},
		{Name: "number-of-interrupts", Doc: "number-of-interrupts: how many interrupts there are (" + strconv.Itoa(numInterrupts) + ")"},
		{Name: "full-interrupt-set", Doc: "full-interrupt-set: the set of all the interrupts"},
		{Name: "signals-ignored-by-default", Doc: "signals-ignored-by-default: the signals whose default action is to do nothing (SIGCHLD, SIGCONT, SIGWINCH)"},
		{Name: "with-enabled-interrupts*", Doc: "(with-enabled-interrupts* set thunk): call thunk with the interrupts of set enabled (the others pending), then put the enabled set back"},
		{Name: "with-enabled-interrupts", Doc: "(with-enabled-interrupts set body ...): run body with the interrupts of set enabled"},
	}...)
}()

// signalName is the first signal/NAME constant of sig.
func signalName(sig syscall.Signal) string {
	for _, sn := range signalNumbers {
		if sn.sig == sig {
			return sn.name
		}
	}
	if sig == syscall.SIGPWR {
		return "signal/pwr"
	}
	return "signal " + strconv.Itoa(int(sig))
}
