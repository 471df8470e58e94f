package pop3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// scriptConn is a net.Conn whose peer sends fixed bytes and swallows
// whatever the client writes; reads past the end return io.EOF.
type scriptConn struct {
	r *bytes.Reader
	w bytes.Buffer
}

func (c *scriptConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *scriptConn) Write(p []byte) (int, error)      { return c.w.Write(p) }
func (c *scriptConn) Close() error                     { return nil }
func (c *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzClientSession feeds arbitrary server output to a whole session:
// whatever the server says, the client must not panic, must not report a
// body without its terminating line as complete, and must end (the input
// is finite).
func FuzzClientSession(f *testing.F) {
	f.Add([]byte("+OK hi <1.2@h>\r\n+OK\r\nSASL PLAIN\r\nPIPELINING\r\n.\r\n+OK in\r\n+OK 2 10\r\n+OK\r\n1 5\r\n2 5\r\n.\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\nab\r\n.\r\n+OK\r\n..x\r\n.\r\n+OK bye\r\n"))
	f.Add([]byte("+OK\r\n-ERR no\r\n+OK\r\n+OK\r\n+OK 1 1\r\n"))
	f.Add([]byte("+OK hi\r\n+OK\r\nPIPELINING\r\n.\r\n+OK\r\n+OK\r\n+OK\r\nPIPELINING\r\n.\r\n+OK\r\nx\r\n.\r\n-ERR [SYS/TEMP] y\r\n+OK\r\n"))
	f.Add([]byte("+OK\r\n+ \r\n+ \r\n+OK\r\n"))
	f.Fuzz(func(t *testing.T, server []byte) {
		conn := &scriptConn{r: bytes.NewReader(server)}
		ctx := context.Background()
		c, err := NewClient(ctx, conn, "h", &Options{TLS: PlainText, AllowCleartext: true, MaxStatusLength: 200, MaxLineLength: 300})
		if err != nil {
			return
		}
		if _, err := c.Login(ctx, "u", "p"); err != nil {
			if _, err := c.Auth(ctx, PlainAuth("", "u", "p")); err != nil {
				return
			}
		}
		c.Stat(ctx)
		c.List(ctx)
		c.UIDL(ctx)
		if _, body, err := c.Retr(ctx, 1); err == nil {
			got, err := io.ReadAll(body)
			if err == nil && !bytes.Contains(server, []byte(".\r\n")) && !bytes.Contains(server, []byte(".\n")) {
				t.Fatalf("body %q complete without a terminating line in the input", got)
			}
		}
		c.RetrMany(ctx, []int{1, 2, 3}, func(n int, body io.Reader) error {
			_, err := io.ReadAll(body)
			return err
		})
		c.ListMany(ctx, []int{1, 2})
		c.DeleMany(ctx, []int{1})
		c.Last(ctx)
		if err := c.Quit(ctx); err != nil && errors.Is(err, ErrState) && c.State() != StateClosed {
			t.Fatalf("Quit refused in state %v", c.State())
		}
	})
}
