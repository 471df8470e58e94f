// Package mailstore stores mail durably: a Go API, without Scheme, for
// fetching a POP3 maildrop into a Maildir or an mbox so that no message
// is ever lost or stored twice, whoever else writes to the mailbox and
// wherever the process is killed.
//
// # Contents
//
//   - [Maildir], [OpenMaildir], [Maildir.Deliver]: one message at a time
//     into tmp/, fsynced, renamed into new/.
//   - [Mbox], [OpenMbox], [Mbox.Append], [Mbox.Commit]: mboxrd appends
//     under a dot-lock (PATH.lock) and an fcntl lock, one fsync per commit,
//     truncated back on failure.
//   - [WriteFileAtomic]: replace a file atomically and durably.
//   - [HeaderField]: a header field, unfolded.
//   - [RunLock], [LockRun], [BusyError]: one run per account at a time.
//   - [Store], [Open], [Store.Partition], [Store.Fetch], [Store.Commit],
//     [Store.Close]: a destination with its UIDL state file and journal.
//   - [Move], [MoveOptions], [CheckUIDL]: the fetch loop over a
//     *pop3.Client: LIST, UIDL, RETR in batches, commit, DELE, QUIT.
//
// # Guarantees
//
// A message is deleted on the server only after it is durable in the
// destination (file and directory fsynced for a Maildir, the append
// fsynced for an mbox) and recorded in the state file (written
// atomically). The run holds, for its whole length, an exclusive lock on
// its state file (STATE.lock): a second run of the same account waits
// [Options].LockWait, then fails with a [*BusyError] naming the holder's
// PID, having touched nothing.
//
// The UIDL state is kept per account and destination: mail kept on the
// server and fetched into one destination is still fetched into another.
// Each UIDL is recorded with the size LIST gave: one stored before with
// another size is a new message the server gave that UIDL again. One
// format (version 3, see state.go) holds these and the records of
// messages without UIDL below. A state file of an earlier popsh (version
// 2, without sizes; version 1, without destinations) is read and
// rewritten as version 3; one of a version it does not know is refused.
//
// A server without UIDL gives no name to remember a message by: if a
// session's QUIT is not confirmed (the connection lost before its +OK, or
// -ERR), the messages it stored may still be on the server. The state
// file therefore records, from the commit (or the replay of a killed
// run's journal, which carries it) until a confirmed QUIT
// ([pop3.Client.QuitConfirmed]), the SHA-256 of each message stored
// without a UIDL; the next session, which has to retrieve every message
// anyway, recognizes them by it: not stored again, counted among
// [Store.Stored] so that they are deleted. A record is forgotten when a
// confirmed QUIT follows the message's DELE, or when a session that
// retrieved every message and ended with a confirmed QUIT did not find
// it. Between an unconfirmed QUIT that the server did apply and the next
// such session, a new message byte for byte identical to a recorded one
// (headers and all) would be taken for it: its content is in the
// destination, but once, not twice. A server that changes a message
// between retrievals (a header with the time of each) defeats the
// recognition: a second copy, never a loss.
//
// # The journal and recovery
//
// While a run writes, STATE.journal records what it is doing (see the
// format in journal.go): for a Maildir, the names of the files about to
// be renamed into new/; for an mbox, the file's size and identity when
// the run took its locks, then for each message, before a byte of it is
// appended, its offset, length and SHA-256 (the message itself, received
// whole beforehand, is in STATE.spool), and after an append that failed
// and was undone (a full disk), that it was; "c" once the append is
// fsynced. A journal that cannot be written makes the commit undo the
// append rather than record it. The next run replays a journal
// left by a killed one, after taking the run lock and the destination's
// locks, and holding them:
//
//   - Maildir: a file that reached new/ or cur/ is recorded as stored; the
//     tmp/ files of the others are removed.
//   - mbox: a message whose bytes are in the file at its offset (its
//     SHA-256 matches) is recorded as stored. The file is truncated only
//     when it ends inside the run's last, unfinished message, and the bytes
//     there are that message's (they match the spool). If another program
//     appended a message after it (a delivery agent, another account's
//     run), whose From_ line then follows the unfinished bytes, often on
//     the same line, the unfinished bytes are removed and the other
//     program's mail moved back in their place, every byte of it kept
//     from its From_ line on, through a record that lets a run killed
//     during the move finish it. Anything else written after it is kept
//     as it is; the fact is reported ([Store.Notes]), and the uncertain
//     messages are not recorded: they stay on the server and may be
//     fetched a second time, never lost.
//
// Two runs may write into one mbox at once (their locks make them take
// turns) and into one Maildir (unique file names); runs of one account
// take turns by the run lock, so no message is fetched twice.
//
// # The locks of an mbox
//
// A run takes the dot-lock, then the fcntl lock, waiting up to
// [Options].MboxLockWait for another program's, and holds both until
// Close. Its dot-lock is touched while held and removed only if it is
// still its own; a stale one (its process gone, or untouched for
// [StaleLockAge]) is broken without removing a live one that replaced
// it. After the wait, the path must still name the file locked (a
// program may rename a rewritten mbox into place); at Commit too: if a
// program that ignores the locks renamed the mbox away, the append is
// undone and Commit fails, recording and deleting nothing.
//
// A program that ignores the locks may also append while a run holds
// them. The run appends through a descriptor opened with O_APPEND, so its
// bytes land at the real end of the file, never over the other
// program's; before each message it looks at the file's size, and puts
// its message after what was appended (after a blank line), at the
// offset its journal records. An undo (a full disk, a failed commit)
// never cuts the other program's bytes: the file is cut back no further
// than their end, and not at all when they follow the run's; the run's
// messages kept so are reported and, when the journal stays, recorded by
// the next run if they are whole. A file found shorter than what the run
// wrote (cut or rewritten by such a program), or of another size and no
// longer holding the run's messages whole at their offsets (rewritten in
// place), makes the commit fail, recording nothing and cutting nothing.
// (A rewrite that leaves the file exactly as long goes unseen.)
package mailstore
