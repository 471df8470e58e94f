package scsh

import (
	_ "embed"
	"syscall"

	"popsh/interp"
)

// portsPrelude holds the port, lock and file-matching procedures written
// in Scheme (y-or-n?, with-dot-lock*, with-region-lock*, record-reader,
// file-match ...).
//
//go:embed scm/scsh-ports.scm
var portsPrelude string

var portsLibrary = interp.NewLazyLibrary("scsh-ports.scm", portsPrelude)

var errNotDir = syscall.ENOTDIR

// fdSchemeDocs documents the names of scsh-ports.scm and the syntax of
// this area.
var fdSchemeDocs = []interp.DocLine{
	{Name: "y-or-n?", Doc: "(y-or-n? question [eof-value]): ask question until a line starting with y (#t) or n (#f) is read; at end of input ask *y-or-n-eof-count* more times, then eof-value or an error"},
	{Name: "reduce-port", Doc: "(reduce-port port reader op seed ...): the old name of port-fold"},
	{Name: "stdio->stdports", Doc: "(stdio->stdports): make the ports of descriptors 0, 1 and 2 the current ports"},
	{Name: "with-stdio-ports*", Doc: "(with-stdio-ports* thunk): call thunk with the ports of descriptors 0, 1 and 2 as the current ports"},
	{Name: "with-stdio-ports", Doc: "(with-stdio-ports body ...): run body with the ports of descriptors 0, 1 and 2 as the current ports"},
	{Name: "with-dot-lock*", Doc: "(with-dot-lock* file thunk): call thunk holding file's dot lock (file.lock), released when thunk is left"},
	{Name: "with-dot-lock", Doc: "(with-dot-lock file body ...): run body holding file's dot lock"},
	{Name: "with-region-lock*", Doc: "(with-region-lock* fdes lock thunk): call thunk holding the record lock, released when thunk is left"},
	{Name: "with-region-lock", Doc: "(with-region-lock fdes lock body ...): run body holding the record lock"},
	{Name: "record-reader", Doc: "(record-reader [delims elide? handle-delim]): a reader (reader [port]) of records ended by a character of delims (a newline)"},
	{Name: "file-match", Doc: "(file-match root dot-files? pattern ...): the files under root matching one pattern (regexp string, regexp or predicate) per directory level"},
	{Name: "type/lock-region", Doc: "type/lock-region: the record type of lock-region records"},
}
