// Package pop3test holds test helpers shared by popsh's POP3 tests: a
// private Dovecot started on 127.0.0.1 (StartDovecot), an in-process
// server started for a test (StartServer), edge-case messages with
// byte-exact expectations (EdgeMessages), benchmark workloads
// (SmallMessages, LargeMessage), a command recorder (Recorder) and a raw
// protocol connection for tests that must not depend on a client (Dial).
//
// Tests that use Dovecot should have "Dovecot" in their name, so that
// `go test -run Dovecot ./...` selects them. Without the dovecot binary,
// StartDovecot skips the test and says so.
package pop3test
