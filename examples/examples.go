// Package examples holds popsh's example Scheme programs (the *.scm files
// of this directory), embedded so that an installed popsh can run the tour
// of `popsh --demo`. Every example runs in this package's tests against
// popsh's own POP3 server.
package examples

import "embed"

// FS holds the example programs, by file name ("tour.scm", ...).
//
//go:embed *.scm
var FS embed.FS

// Tour is the source of tour.scm, the walk through every pop3-* procedure
// that `popsh --demo` runs.
//
//go:embed tour.scm
var Tour string
