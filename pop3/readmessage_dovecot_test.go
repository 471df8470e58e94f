package pop3

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"popsh/pop3/pop3test"
)

// largeEdgeMessage returns a message of about size bytes (LF line ends)
// whose lines that need care on the wire (a lone ".", lines starting with
// dots, bytes above 127) fall all through it, and in particular just
// before, on and after every MiB boundary, where ReadMessage's buffer
// changes from one kind of backing to another.
func largeEdgeMessage(size int, seed int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: a@example.org\nSubject: large edge %d\nContent-Type: text/plain; charset=utf-8\n\n", seed)
	special := []string{".", "..", "...", ".dot first", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xac", "latin \xff\xfe bytes", ""}
	next := 1 << 20
	for i := 0; b.Len() < size; i++ {
		if b.Len() >= next-200 {
			// a run of special lines across the boundary
			for _, s := range special {
				b.WriteString(s)
				b.WriteByte('\n')
			}
			next += 1 << 20
			continue
		}
		if i%997 == 0 {
			b.WriteString(special[(i/997+seed)%len(special)])
			b.WriteByte('\n')
			continue
		}
		fmt.Fprintf(&b, "line %d of message %d, some ordinary text to fill it up to a typical length\n", i, seed)
	}
	return b.Bytes()
}

// Large messages through a real Dovecot, read with ReadMessage as
// pop3-get-all reads them (buffers of the listed size, backed ahead with
// huge pages where the system has them): byte-exact in both line-end
// modes.
func TestDovecotLargeMessagesReadMessageByteExact(t *testing.T) {
	d := pop3test.StartDovecot(t)
	u := d.NewUser(t)
	var msgs [][]byte
	for i, size := range []int{5 << 20, 3<<20 + 12345, 9 << 20} {
		m := largeEdgeMessage(size, i)
		msgs = append(msgs, m)
		if err := u.AddMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, le := range []LineEnding{CRLF, LF} {
		ctx := testCtx(t)
		c, list := dovecotListed(t, ctx, d, u, le, len(msgs))
		seen := 0
		err := c.RetrMany(ctx, []int{1, 2, 3}, func(n int, body io.Reader) error {
			want := msgs[n-1]
			if le == CRLF {
				want = bytes.ReplaceAll(want, []byte("\n"), []byte("\r\n"))
			}
			if int64(len(bytes.ReplaceAll(msgs[n-1], []byte("\n"), []byte("\r\n")))) != list[n-1].Size {
				t.Errorf("message %d: LIST size %d", n, list[n-1].Size)
			}
			// listed size, as the bindings pass it (capped at 8 MiB: the
			// third message grows its buffer)
			got, err := ReadMessage(body, int(min(list[n-1].Size, 8<<20)))
			if err != nil {
				return err
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Errorf("message %d (line ends %d): %d bytes, want %d; first difference at %d: got %q, want %q",
					n, le, len(got), len(want), i, clip(string(got[i:min(len(got), i+40)])), clip(string(want[i:min(len(want), i+40)])))
			}
			seen++
			return nil
		})
		if err != nil || seen != len(msgs) {
			t.Fatalf("RetrMany: %v after %d", err, seen)
		}
		if err := c.Quit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
