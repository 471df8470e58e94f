package server

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// MemoryBackend is a Backend that keeps users, passwords and messages in
// memory. Messages are stored pre-encoded in wire form, so retrieving one is a
// single write. It is safe for concurrent use; messages may be added while
// sessions are open (a session sees the maildrop as it was at login).
type MemoryBackend struct {
	mu    sync.Mutex
	users map[string]*memUser
}

type memUser struct {
	password string
	tokens   map[string]bool
	msgs     []*memMessage
	nextUID  int
}

type memMessage struct {
	raw  []byte // as stored
	wire []byte // CRLF, byte-stuffed, final CRLF, no terminator
	size int64
	uid  string
}

// NewMemoryBackend returns an empty in-memory backend.
func NewMemoryBackend() *MemoryBackend {
	return &MemoryBackend{users: make(map[string]*memUser)}
}

// AddUser creates user with password, or changes the password of an
// existing user (keeping the messages).
func (b *MemoryBackend) AddUser(user, password string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if u, ok := b.users[user]; ok {
		u.password = password
		return
	}
	b.users[user] = &memUser{password: password, nextUID: 1}
}

// AddToken lets user log in with the OAuth 2.0 bearer token (AUTH XOAUTH2,
// when offered in Options.SASLMechanisms). The user must exist.
func (b *MemoryBackend) AddToken(user, token string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return fmt.Errorf("add token: no user %q", user)
	}
	if u.tokens == nil {
		u.tokens = make(map[string]bool)
	}
	u.tokens[token] = true
	return nil
}

// AuthenticateToken implements TokenAuthenticator.
func (b *MemoryBackend) AuthenticateToken(user, token string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok || token == "" || !u.tokens[token] {
		return ErrAuthFailed
	}
	return nil
}

// AddMessage appends a message (in any line ending) to user's maildrop and
// returns its UID. The user must exist.
func (b *MemoryBackend) AddMessage(user string, msg []byte) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return "", fmt.Errorf("add message: no user %q", user)
	}
	raw := bytes.Clone(msg)
	m := &memMessage{raw: raw, wire: encodeWire(raw), size: stuffedSize(raw), uid: fmt.Sprintf("m%08d", u.nextUID)}
	u.nextUID++
	u.msgs = append(u.msgs, m)
	return m.uid, nil
}

// AddMessageUID is AddMessage giving the message the UID uid, as a server
// does that gives a deleted message's UID to a new one (a Maildir server
// whose file names repeat, a counter reset). uid must be a valid UIDL
// (RFC 1939: 1 to 70 characters 0x21 to 0x7E) that no message of the
// maildrop has.
func (b *MemoryBackend) AddMessageUID(user, uid string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return fmt.Errorf("add message: no user %q", user)
	}
	if uid == "" || len(uid) > 70 || strings.IndexFunc(uid, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return fmt.Errorf("add message: bad UID %q", uid)
	}
	for _, m := range u.msgs {
		if m.uid == uid {
			return fmt.Errorf("add message: UID %q in use", uid)
		}
	}
	raw := bytes.Clone(msg)
	u.msgs = append(u.msgs, &memMessage{raw: raw, wire: encodeWire(raw), size: stuffedSize(raw), uid: uid})
	return nil
}

// Remove deletes user's message with the UID uid, as another client's
// DELE and QUIT would; it reports whether there was one.
func (b *MemoryBackend) Remove(user, uid string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return false
	}
	for i, m := range u.msgs {
		if m.uid == uid {
			u.msgs = append(u.msgs[:i:i], u.msgs[i+1:]...)
			return true
		}
	}
	return false
}

// Clear removes every message of user.
func (b *MemoryBackend) Clear(user string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if u, ok := b.users[user]; ok {
		u.msgs = nil
	}
}

// Count returns the number of messages in user's maildrop (0 for an unknown
// user).
func (b *MemoryBackend) Count(user string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if u, ok := b.users[user]; ok {
		return len(u.msgs)
	}
	return 0
}

// UIDs returns the UIDs of user's messages in maildrop order.
func (b *MemoryBackend) UIDs(user string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return nil
	}
	out := make([]string, len(u.msgs))
	for i, m := range u.msgs {
		out[i] = m.uid
	}
	return out
}

// Authenticate implements Backend.
func (b *MemoryBackend) Authenticate(user, password string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok || u.password != password {
		return ErrAuthFailed
	}
	return nil
}

// Secret implements Backend.
func (b *MemoryBackend) Secret(user string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return "", false
	}
	return u.password, true
}

// Open implements Backend.
func (b *MemoryBackend) Open(user string) (Maildrop, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[user]
	if !ok {
		return nil, fmt.Errorf("open maildrop: no user %q", user)
	}
	d := &memDrop{b: b, user: user, msgs: append([]*memMessage(nil), u.msgs...)}
	d.info = make([]MessageInfo, len(d.msgs))
	for i, m := range d.msgs {
		d.info[i] = MessageInfo{Size: m.size, UID: m.uid}
	}
	return d, nil
}

type memDrop struct {
	b    *MemoryBackend
	user string
	msgs []*memMessage
	info []MessageInfo
}

func (d *memDrop) Messages() []MessageInfo { return d.info }

func (d *memDrop) Open(i int) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(d.msgs[i].raw)), nil
}

func (d *memDrop) OpenWire(i int) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(d.msgs[i].wire)), nil
}

func (d *memDrop) Delete(indexes []int) error {
	del := make(map[*memMessage]bool, len(indexes))
	for _, i := range indexes {
		del[d.msgs[i]] = true
	}
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	u, ok := d.b.users[d.user]
	if !ok {
		return nil
	}
	kept := u.msgs[:0:0]
	for _, m := range u.msgs {
		if !del[m] {
			kept = append(kept, m)
		}
	}
	u.msgs = kept
	return nil
}

func (d *memDrop) Close() error { return nil }
