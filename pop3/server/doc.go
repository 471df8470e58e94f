// Package server is a small, complete POP3 server (RFC 1939, RFC 2449 CAPA and
// response codes, RFC 2595 STLS, RFC 8314 implicit TLS, RFC 5034 SASL PLAIN,
// LOGIN, CRAM-MD5 and XOAUTH2, RFC 1460 LAST, RFC 6856 UTF8) over a pluggable
// mail store.
//
// It serves three purposes in popsh: it is the peer of the client engine's
// tests (with deterministic fault injection, see [Faults]), the benchmark peer of
// the client (message bodies are streamed, and in-memory messages are kept
// pre-encoded so a RETR is one large write), and the sample maildrop shown by
// `popsh --demo`.
//
// A minimal server over an in-memory maildrop:
//
//	be := server.NewMemoryBackend()
//	be.AddUser("alice", "wonderland")
//	be.AddMessage("alice", []byte("Subject: hi\n\nhello\n"))
//	srv := server.New(server.Options{Backend: be})
//	if err := srv.Start("127.0.0.1:0"); err != nil { ... }
//	defer srv.Close()
//	fmt.Println("POP3 on", srv.Addr())
//
// [New] makes a server from [Options]. [Server.Start] and [Server.StartTLS]
// listen and serve in the background ([Server.Addr] and [Server.TLSAddr]
// say where); [Server.Serve], [Server.ServeTLS], [Server.ListenAndServe]
// and [Server.ListenAndServeTLS] serve in the caller's goroutine.
// [Server.Close] cuts every session at once; [Server.Shutdown] lets them
// end by themselves until its context is done.
//
// # Mail stores
//
// A [Backend] checks credentials and opens a user's [Maildrop]; [MemoryBackend]
// and [MaildirBackend] are provided. Messages are stored in any line ending and are
// put on the wire the way Dovecot does: every bare LF becomes CRLF, an
// existing CRLF is kept, a message without a final newline gets a CRLF before
// the terminating dot, and lines starting with "." are byte-stuffed. The size
// reported by STAT and LIST counts each LF as CRLF and does not count the
// added final CRLF.
//
// LAST (RFC 1460) answers the highest message number accessed in the
// session by RETR, TOP or DELE; RSET sets it back to 0.
//
// Deletions (DELE) take effect only when the client sends QUIT in the
// TRANSACTION state; a connection that drops deletes nothing. Each user's
// maildrop is locked by the session that logged in: another login answers
// "-ERR [IN-USE]" (after waiting up to [Options.LockWait]), unless
// [Options.SharedMaildrops] lets several sessions in at once, as Dovecot does.
//
// # Security
//
// With [Options.TLSConfig] set, STLS is offered on plain listeners and
// [Server.StartTLS] and [Server.ServeTLS] serve implicit TLS; [SelfSignedTLS]
// and [GenerateCertificate] make a test CA and certificate. Cleartext passwords
// (USER/PASS, AUTH PLAIN, LOGIN, XOAUTH2) are accepted only over TLS or from
// the loopback unless [Options.AllowInsecureAuth]; [Options.RequireTLS] refuses
// every login command before TLS. Failed logins answer
// "-ERR [AUTH] ...". Command lines longer than [Options.MaxLineLength] are
// refused, idle sessions end after [Options.IdleTimeout], a session ends
// after 20 consecutive invalid commands, and [Options.MaxConnections] limits
// the sessions open at once.
//
// # Testing clients
//
// [Options.OnCommand] sees every command line with secrets masked ("PASS
// ****"). [Options.Faults] (or [Server.SetFaults]) injects misbehaviour: delays,
// a connection closed after N bytes of a reply, garbage or chosen
// "-ERR [CODE]" replies, overlong lines, bodies without their terminating
// dot, malformed numbers, capabilities missing from CAPA, disabled
// commands, no APOP timestamp.
//
// # Pipelining
//
// Commands are processed in order and replies are buffered; the buffer is
// flushed when no more input is waiting, so a pipelining client gets its
// replies in few large writes.
package server
