package mailstore

import (
	"context"
	"errors"
	"fmt"

	"popsh/pop3"
)

// MoveOptions configures Move.
type MoveOptions struct {
	// Keep leaves the mail on the server: only messages not stored
	// before (by UIDL) are fetched, and nothing is deleted.
	Keep bool
	// MaxSize, when > 0, skips messages larger than this many octets
	// (as LIST gives them): they are left on the server, never deleted,
	// and reported in MoveResult.Skipped.
	MaxSize int64
	// BatchMessages and BatchOctets bound a batch: the messages of a
	// batch are retrieved pipelined and made durable together (defaults
	// 256 messages, 32 MiB).
	BatchMessages int
	BatchOctets   int64
	// Progress, when set, is called after each batch.
	Progress func(done, total int, octets int64)
}

// MoveResult is what Move did.
type MoveResult struct {
	Stored  []int          // messages stored in this run (numbers of this session)
	Earlier []int          // messages stored by an earlier run
	Skipped []pop3.MsgInfo // larger than MaxSize: left on the server
	Octets  int64          // size of the stored messages, as LIST gave them
	Deleted bool           // DELE was sent for Stored and Earlier (unless Keep)
}

// Move moves the mail of a logged-in client into the store: LIST, UIDL
// (checked against LIST), the messages not stored before fetched in
// batches, Commit, then (unless Keep) DELE of every stored message and
// of those stored by an earlier run, and QUIT. A message is deleted only
// once it is durable in the store and recorded in its state. On error
// nothing more is deleted; the store keeps what was committed.
func Move(ctx context.Context, c *pop3.Client, s *Store, opts MoveOptions) (MoveResult, error) {
	var res MoveResult
	if opts.BatchMessages <= 0 {
		opts.BatchMessages = 256
	}
	if opts.BatchOctets <= 0 {
		opts.BatchOctets = 32 << 20
	}
	list, err := c.List(ctx)
	if err != nil {
		return res, err
	}
	size := make(map[int]int64, len(list))
	for _, m := range list {
		size[m.Num] = m.Size
	}
	uidls, err := c.UIDL(ctx)
	var perr *pop3.Error
	switch {
	case errors.As(err, &perr):
		if opts.Keep {
			return res, fmt.Errorf("the server has no UIDL command: keeping mail on the server needs it to tell new mail from old: %w", err)
		}
		uidls = nil
		for _, m := range list {
			uidls = append(uidls, pop3.MsgUID{Num: m.Num})
		}
	case err != nil:
		return res, err
	default:
		if err := CheckUIDL(list, uidls); err != nil {
			return res, err
		}
	}
	fresh, old := s.Partition(uidls, list...)
	for _, m := range old {
		res.Earlier = append(res.Earlier, m.Num)
	}
	var todo []pop3.MsgUID
	for _, m := range fresh {
		if opts.MaxSize > 0 && size[m.Num] > opts.MaxSize {
			res.Skipped = append(res.Skipped, pop3.MsgInfo{Num: m.Num, Size: size[m.Num]})
			continue
		}
		todo = append(todo, m)
	}
	done := 0
	for len(todo) > 0 {
		n, octets := 0, int64(0)
		for n < len(todo) && n < opts.BatchMessages && (n == 0 || octets+size[todo[n].Num] <= opts.BatchOctets) {
			octets += size[todo[n].Num]
			n++
		}
		got, err := s.Fetch(ctx, c, todo[:n])
		done += got
		if err != nil {
			err = errors.Join(err, s.Commit())
			res.Stored = append(res.Stored, s.Stored()...)
			return res, err
		}
		res.Octets += octets
		todo = todo[n:]
		if opts.Progress != nil {
			opts.Progress(done, len(fresh)-len(res.Skipped), res.Octets)
		}
	}
	if err := s.Commit(); err != nil {
		return res, err
	}
	res.Stored = append(res.Stored, s.Stored()...)
	if !opts.Keep {
		doomed := append(append([]int(nil), res.Stored...), res.Earlier...)
		if len(doomed) > 0 {
			res.Deleted = true
			if err := c.DeleMany(ctx, doomed); err != nil {
				return res, err
			}
		}
	}
	err = c.Quit(ctx)
	return res, err
}

// CheckUIDL checks a UIDL listing against LIST: every message number it
// names must be one LIST gave, once, and no UIDL may appear twice. A
// server that breaks this cannot be trusted with deletions: the error
// matches pop3.ErrProtocol.
func CheckUIDL(list []pop3.MsgInfo, uidls []pop3.MsgUID) error {
	listed := make(map[int]bool, len(list))
	for _, m := range list {
		listed[m.Num] = true
	}
	seenNum := make(map[int]bool, len(uidls))
	seenUID := make(map[string]bool, len(uidls))
	for _, u := range uidls {
		switch {
		case !listed[u.Num]:
			return fmt.Errorf("pop3: UIDL: %w: the server lists message %d, which LIST does not have", pop3.ErrProtocol, u.Num)
		case seenNum[u.Num]:
			return fmt.Errorf("pop3: UIDL: %w: the server lists message %d twice", pop3.ErrProtocol, u.Num)
		case seenUID[u.UID]:
			return fmt.Errorf("pop3: UIDL: %w: the server gives two messages the unique id %q", pop3.ErrProtocol, u.UID)
		}
		seenNum[u.Num] = true
		seenUID[u.UID] = true
	}
	return nil
}
