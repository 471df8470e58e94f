package mail

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"popsh/interp"
	"popsh/pop3"
	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

// benchServer serves msgs to user bench on 127.0.0.1.
func benchServer(b *testing.B, msgs [][]byte) string {
	be := server.NewMemoryBackend()
	be.AddUser("bench", "bench")
	var size int64
	for _, m := range msgs {
		be.AddMessage("bench", m)
		size += int64(len(m))
	}
	srv := server.New(server.Options{Backend: be, Hostname: "bench.invalid"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv.Addr().String()
}

// benchInterp returns an interpreter logged in as bench (conn), writing
// to io.Discard.
func benchInterp(b *testing.B, addr string) *interp.Interp {
	b.Setenv("MAILHOST", "")
	it := interp.New(interp.WithOutput(io.Discard))
	if err := installAll(it, Options{}); err != nil {
		b.Fatal(err)
	}
	if _, err := it.EvalString(context.Background(), fmt.Sprintf(`(define conn (pop3-connect %q)) (pop3-login conn "bench" "bench")`, addr), "bench"); err != nil {
		b.Fatal(err)
	}
	return it
}

// BenchmarkPOP3GetLarge streams a 5 MiB message through pop3-get to the
// current output port; BenchmarkEngineRetrLarge is the same through the
// engine alone, for comparison.
func BenchmarkPOP3GetLarge(b *testing.B) {
	msg := pop3test.LargeMessage(5<<20, 1)
	it := benchInterp(b, benchServer(b, [][]byte{msg}))
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := it.EvalString(context.Background(), `(pop3-get conn 1)`, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEngineRetrLarge(b *testing.B) {
	msg := pop3test.LargeMessage(5<<20, 1)
	addr := benchServer(b, [][]byte{msg})
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{LineEnding: pop3.LF, AllowCleartext: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Login(ctx, "bench", "bench"); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := c.RetrTo(ctx, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPOP3ForEachSmall fetches 500 small messages with the pipelined
// pop3-for-each-message; BenchmarkPOP3GetLoopSmall with one pop3-get per
// message.
func BenchmarkPOP3ForEachSmall(b *testing.B) {
	msgs := pop3test.SmallMessages(500, 1)
	it := benchInterp(b, benchServer(b, msgs))
	b.ResetTimer()
	for b.Loop() {
		v, err := it.EvalString(context.Background(), `(pop3-for-each-message conn (lambda (n text) #t))`, "bench")
		if err != nil || v != 500 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkPOP3GetLoopSmall(b *testing.B) {
	msgs := pop3test.SmallMessages(500, 1)
	it := benchInterp(b, benchServer(b, msgs))
	b.ResetTimer()
	for b.Loop() {
		_, err := it.EvalString(context.Background(), `(let loop ((n 1)) (if (<= n 500) (begin (pop3-get conn n) (loop (+ n 1)))))`, "bench")
		if err != nil {
			b.Fatal(err)
		}
	}
}

// slowLink relays TCP connections to target, delivering each chunk
// delay after it was read, in both directions: a round trip of about
// 2×delay, like a server across a network.
func slowLink(b *testing.B, target string, delay time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	forward := func(dst, src net.Conn) {
		type piece struct {
			at   time.Time
			data []byte
		}
		ch := make(chan piece, 4096)
		go func() {
			defer close(ch)
			for {
				buf := make([]byte, 32<<10)
				n, err := src.Read(buf)
				if n > 0 {
					ch <- piece{time.Now().Add(delay), buf[:n]}
				}
				if err != nil {
					return
				}
			}
		}()
		for p := range ch {
			time.Sleep(time.Until(p.at))
			if _, err := dst.Write(p.data); err != nil {
				break
			}
		}
		dst.Close()
		src.Close()
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go forward(s, c)
			go forward(c, s)
		}
	}()
	return l.Addr().String()
}

// The same 200 small messages over a link with a round trip of about
// 1 ms: pipelined (pop3-for-each-message) and one pop3-get at a time.
func BenchmarkPOP3ForEachSmallRTT(b *testing.B) {
	msgs := pop3test.SmallMessages(200, 1)
	it := benchInterp(b, slowLink(b, benchServer(b, msgs), 500*time.Microsecond))
	b.ResetTimer()
	for b.Loop() {
		v, err := it.EvalString(context.Background(), `(pop3-for-each-message conn (lambda (n text) #t))`, "bench")
		if err != nil || v != 200 {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkPOP3GetLoopSmallRTT(b *testing.B) {
	msgs := pop3test.SmallMessages(200, 1)
	it := benchInterp(b, slowLink(b, benchServer(b, msgs), 500*time.Microsecond))
	b.ResetTimer()
	for b.Loop() {
		_, err := it.EvalString(context.Background(), `(let loop ((n 1)) (if (<= n 200) (begin (pop3-get conn n) (loop (+ n 1)))))`, "bench")
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPOP3ForEachLarge fetches 20 messages of 5 MiB with
// pop3-for-each-message (each message a Scheme string) and
// BenchmarkPOP3GetAllLarge with pop3-get-all (all of them held at once):
// bytes/op and allocs/op show what the string representation costs.
func BenchmarkPOP3ForEachLarge(b *testing.B) {
	benchLarge(b, `(pop3-for-each-message conn (lambda (n text) (set! total (+ total (string-length text)))))`)
}

func BenchmarkPOP3GetAllLarge(b *testing.B) {
	benchLarge(b, `(for-each (lambda (m) (set! total (+ total (string-length (cdr m))))) (pop3-get-all conn))`)
}

// BenchmarkPOP3ForEachPortLarge reads the same messages through
// pop3-for-each-message/port in pieces of 64 Ki characters.
func BenchmarkPOP3ForEachPortLarge(b *testing.B) {
	benchLarge(b, `(pop3-for-each-message/port conn
  (lambda (n port)
    (let loop ()
      (let ((s (read-string 65536 port)))
        (if (string? s) (begin (set! total (+ total (string-length s))) (loop)))))))`)
}

func benchLarge(b *testing.B, expr string) {
	const count, size = 20, 5 << 20
	msgs := make([][]byte, count)
	for i := range msgs {
		msgs[i] = pop3test.LargeMessage(size, uint64(i+1))
	}
	it := benchInterp(b, benchServer(b, msgs))
	b.SetBytes(count * size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v, err := it.EvalString(context.Background(), `(define total 0) `+expr+` total`, "bench")
		if err != nil || v != count*size {
			b.Fatal(v, err)
		}
	}
}
