// Package scripts holds the mail tools written in popsh Scheme
// (movemail.scm, popstat.scm, pop-headers.scm) and their end-to-end
// tests; it has no Go API. The Go procedures the scripts rely on beyond
// the pop3-* and scsh procedures are installed by popsh/bindings.
package scripts
