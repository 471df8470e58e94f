// Package mail defines popsh's mail procedures in an interpreter
// (Install): the pop3-* procedures, with the names, arguments, results
// and -ERR conditions of scsh's pop3.scm and the procedures beyond it
// (pop3.go, cond.go, security.go), and the delivery procedures the
// scripts stand on, the Scheme face of popsh/mailstore (deliver.go). The
// protocol is popsh/pop3's; this package moves values between Scheme and
// the engine. The scsh layer (popsh/bindings/scsh) must be installed
// first.
package mail
