package pop3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"popsh/pop3/server"
)

// countingDialer counts the writes made on its connections.
type countingDialer struct{ writes atomic.Int64 }

type countingConn struct {
	net.Conn
	d *countingDialer
}

func (c countingConn) Write(p []byte) (int, error) {
	c.d.writes.Add(1)
	return c.Conn.Write(p)
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return countingConn{conn, d}, nil
}

func TestPipelinedSameAsLockstep(t *testing.T) {
	var msgs []string
	for i := 0; i < 300; i++ {
		msgs = append(msgs, fmt.Sprintf("Subject: %d\n\n%s\n.%d\n", i, strings.Repeat("x", i*7), i))
	}
	nums := make([]int, len(msgs))
	for i := range nums {
		nums[i] = i + 1
	}
	results := map[bool][]string{}
	writes := map[bool]int64{}
	for _, pipe := range []bool{true, false} {
		var f server.Faults
		if !pipe {
			f.RemoveCapa = []string{"PIPELINING"}
		}
		e := newEnv(t, false, msgs, withFaults(f))
		d := &countingDialer{}
		o := e.opts()
		o.Dialer = d
		o.PipelineWindow = 64
		c := e.login(t, o)
		ctx := testCtx(t)
		caps, _ := c.Capabilities(ctx)
		if caps.Pipelining() != pipe {
			t.Fatalf("server pipelining = %v", caps.Pipelining())
		}
		w0 := d.writes.Load()
		var got []string
		err := c.RetrMany(ctx, nums, func(n int, body io.Reader) error {
			b, err := io.ReadAll(body)
			got = append(got, fmt.Sprintf("%d:%s", n, b))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		writes[pipe] = d.writes.Load() - w0
		sizes, err := c.ListMany(ctx, nums)
		if err != nil || len(sizes) != len(msgs) {
			t.Fatalf("ListMany: %v", err)
		}
		uids, err := c.UIDLMany(ctx, nums)
		if err != nil || len(uids) != len(msgs) || uids[7].UID != e.be.UIDs("alice")[7] {
			t.Fatalf("UIDLMany: %v", err)
		}
		for i, s := range sizes {
			if s.Num != i+1 || s.Size != int64(len(crlf(msgs[i]))) {
				t.Errorf("ListMany[%d] = %+v", i, s)
			}
		}
		var tops []string
		if err := c.TopMany(ctx, nums[:5], 0, func(n int, body io.Reader) error {
			b, err := io.ReadAll(body)
			tops = append(tops, string(b))
			return err
		}); err != nil || len(tops) != 5 || tops[3] != "Subject: 3\r\n\r\n" {
			t.Errorf("TopMany = %q, %v", tops, err)
		}
		results[pipe] = got
	}
	if len(results[true]) != len(msgs) || strings.Join(results[true], "|") != strings.Join(results[false], "|") {
		t.Error("pipelined and lockstep results differ")
	}
	for i, m := range msgs {
		if results[true][i] != fmt.Sprintf("%d:%s", i+1, crlf(m)) {
			t.Errorf("message %d differs", i+1)
			break
		}
	}
	if writes[false] < int64(len(msgs)) || writes[true] > int64(len(msgs))/4 {
		t.Errorf("writes: pipelined %d, lockstep %d (for %d messages)", writes[true], writes[false], len(msgs))
	}
}

func TestRetrManyErrorsKeepSession(t *testing.T) {
	msgs := []string{"1\n", "2\n", "3\n", "4\n", "5\n"}
	e := newEnv(t, false, msgs, withFaults(server.Faults{Rules: []server.Fault{{Command: "RETR", Nth: 3, Reply: "-ERR [SYS/TEMP] busy"}}}))
	c := e.login(t, nil)
	ctx := testCtx(t)
	var got []int
	err := c.RetrMany(ctx, []int{1, 2, 3, 4, 5}, func(n int, body io.Reader) error {
		got = append(got, n)
		return nil // body not read: the client drains it
	})
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeSysTemp || pe.Command != "RETR 3" {
		t.Fatalf("err = %v", err)
	}
	if fmt.Sprint(got) != "[1 2]" {
		t.Errorf("fn called for %v", got)
	}
	if n, _, err := c.Stat(ctx); err != nil || n != 5 {
		t.Fatalf("session broken after -ERR: %d, %v", n, err)
	}
	stop := errors.New("stop here")
	got = nil
	err = c.RetrMany(ctx, []int{1, 2, 3, 4, 5}, func(n int, body io.Reader) error {
		got = append(got, n)
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || fmt.Sprint(got) != "[1 2]" {
		t.Errorf("fn error: %v, calls %v", err, got)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("session broken after fn error: %v", err)
	}
}

func TestDeleManyRefusal(t *testing.T) {
	for _, pipe := range []bool{true, false} {
		f := server.Faults{Rules: []server.Fault{{Command: "DELE", Nth: 3, Reply: "-ERR [SYS/PERM] read-only"}}}
		if !pipe {
			f.RemoveCapa = []string{"PIPELINING"}
		}
		e := newEnv(t, false, []string{"1\n", "2\n", "3\n", "4\n", "5\n"}, withFaults(f))
		c := e.login(t, nil)
		ctx := testCtx(t)
		err := c.DeleMany(ctx, []int{1, 2, 3, 4, 5})
		var pe *Error
		if !errors.As(err, &pe) || pe.Command != "DELE 3" || !pe.HasCode(CodeSysPerm) || pe.Temporary() {
			t.Fatalf("pipelining=%v: err = %v", pipe, err)
		}
		if err := c.Quit(ctx); err != nil {
			t.Fatal(err)
		}
		// Same outcome either way: everything but the refused message is gone.
		if left := e.be.Count("alice"); left != 1 {
			t.Errorf("pipelining=%v: %d messages left", pipe, left)
		}
	}
}

func TestReadMessage(t *testing.T) {
	for _, c := range []struct{ size, listed int }{
		{0, 0}, {100, 100}, {3 << 20, 3 << 20}, // as listed
		{3 << 20, 10}, {5<<20 + 7, 1 << 20}, // longer than listed: grown
		{10, 8 << 20}, // far shorter than listed
	} {
		want := make([]byte, c.size)
		for i := range want {
			want[i] = byte(i * 7)
		}
		// iotest.HalfReader: short reads, as from a network connection
		got, err := ReadMessage(iotest.HalfReader(bytes.NewReader(want)), c.listed)
		if err != nil {
			t.Fatalf("ReadMessage(%d bytes, listed %d): %v", c.size, c.listed, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("ReadMessage(%d bytes, listed %d): got %d bytes, not the message", c.size, c.listed, len(got))
		}
	}
	// a read error is returned with what came before it
	r := io.MultiReader(strings.NewReader("Subject: x\r\n"), iotest.ErrReader(io.ErrUnexpectedEOF))
	got, err := ReadMessage(r, 1<<20)
	if err != io.ErrUnexpectedEOF || string(got) != "Subject: x\r\n" {
		t.Fatalf("ReadMessage of a broken stream = %q, %v", got, err)
	}
}

// A MessageReader told the size of the next message reads a run of messages
// byte-exact, whether the sizes it was told are right or not, and the
// bytes of one message never reach the buffer of another.
func TestMessageReaderSequence(t *testing.T) {
	type msg struct{ size, listed int }
	msgs := []msg{
		{3<<20 + 5, 3<<20 + 5}, {1<<20 + 100, 1<<20 + 100}, {2 << 20, 2 << 20},
		{700 << 10, 700 << 10}, {5<<20 + 1, 4 << 20}, // longer than listed
		{100, 6 << 20}, // far shorter than listed
		{2<<20 + 3, 2<<20 + 3},
	}
	var m MessageReader
	var got [][]byte
	var want [][]byte
	for i, c := range msgs {
		w := make([]byte, c.size)
		for j := range w {
			w[j] = byte(i + j*13)
		}
		want = append(want, w)
		next := -1
		if i+1 < len(msgs) {
			next = msgs[i+1].listed
			if i == 2 {
				next = 1 << 20 // a wrong guess: message 3 is listed as 700 KiB
			}
		}
		b, err := m.Read(iotest.HalfReader(bytes.NewReader(w)), c.listed, next)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		got = append(got, b)
	}
	for i := range msgs {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("message %d (%d bytes, listed %d): got %d bytes, not the message", i, msgs[i].size, msgs[i].listed, len(got[i]))
		}
	}
}
