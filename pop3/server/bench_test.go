package server_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

const largeSize = 50 << 20

// readUntilTerminator reads from r until the stream ends in "\r\n.\r\n"
// (the end of the last multi-line reply) and returns the bytes read.
func readUntilTerminator(r io.Reader, buf []byte, term []byte) (int64, error) {
	var n int64
	tail := make([]byte, 0, 2*len(buf))
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if m > 0 {
			// Keep the last len(term) bytes seen, without allocating.
			tail = append(tail, buf[max(0, m-len(term)):m]...)
			if len(tail) > len(term) {
				tail = append(tail[:0], tail[len(tail)-len(term):]...)
			}
			if bytes.Equal(tail, term) {
				return n, nil
			}
		}
		if err != nil {
			return n, err
		}
	}
}

func login(tb testing.TB, addr, user, pass string) (net.Conn, *bufio.Reader) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	r := bufio.NewReaderSize(c, 256<<10)
	line := func() string {
		l, err := r.ReadString('\n')
		if err != nil {
			tb.Fatal(err)
		}
		return l
	}
	line()
	io.WriteString(c, "USER "+user+"\r\n")
	line()
	io.WriteString(c, "PASS "+pass+"\r\n")
	if l := line(); !strings.HasPrefix(l, "+OK") {
		tb.Fatalf("login: %q", l)
	}
	return c, r
}

// quit ends a session and waits for the reply (the server has released the
// maildrop lock by then), then closes the connection.
func quit(tb testing.TB, c net.Conn, r *bufio.Reader) {
	io.WriteString(c, "QUIT\r\n")
	if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, "+OK") {
		tb.Fatalf("QUIT: %q %v", l, err)
	}
	c.Close()
}

// BenchmarkServerRetrLarge retrieves one 50 MB message from the in-memory
// backend and, in the same iteration, copies the same wire bytes over a
// no-protocol loopback connection; it reports both rates and their ratio.
func BenchmarkServerRetrLarge(b *testing.B) {
	msg := pop3test.LargeMessage(largeSize, 1)
	be := server.NewMemoryBackend()
	be.AddUser("big", "pw")
	be.AddMessage("big", msg)
	srv := server.New(server.Options{Backend: be})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	wire, _, _, _ := pop3test.Expectations(msg)

	// The no-protocol peer: on each connection, write the wire bytes once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write(wire)
			}()
		}
	}()

	buf := make([]byte, 256<<10)
	term := []byte("\r\n.\r\n")
	var popTime, rawTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// POP3: RETR 1 after login (login not timed).
		c, r := login(b, srv.Addr().String(), "big", "pw")
		start := time.Now()
		io.WriteString(c, "RETR 1\r\n")
		status, err := r.ReadString('\n')
		if err != nil || !strings.HasPrefix(status, "+OK") {
			b.Fatalf("RETR: %q %v", status, err)
		}
		n, err := readUntilTerminator(r, buf, term)
		popTime += time.Since(start)
		if err != nil || n != int64(len(wire)) {
			b.Fatalf("RETR read %d of %d bytes: %v", n, len(wire), err)
		}
		quit(b, c, r)

		// Raw: connect and read the same bytes (they end in the same
		// terminator).
		rc, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		rr := bufio.NewReaderSize(rc, 256<<10)
		start = time.Now()
		n, err = readUntilTerminator(rr, buf, term) // the same reading code as above
		rawTime += time.Since(start)
		rc.Close()
		if err != nil || n != int64(len(wire)) {
			b.Fatalf("raw read %d of %d bytes: %v", n, len(wire), err)
		}
	}
	mb := float64(len(wire)) * float64(b.N) / 1e6
	b.ReportMetric(mb/popTime.Seconds(), "pop3-MB/s")
	b.ReportMetric(mb/rawTime.Seconds(), "raw-MB/s")
	b.ReportMetric(rawTime.Seconds()/popTime.Seconds(), "pop3/raw")
}

// onlyReader hides WriterTo/ReadFrom so both paths copy through the same
// user-space buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// BenchmarkServerSmall logs in and retrieves 2000 messages of about 2 KB in
// one pipelined write (RETR 1..2000, QUIT), reading to EOF.
func BenchmarkServerSmall(b *testing.B) {
	const n = 2000
	be := server.NewMemoryBackend()
	be.AddUser("small", "pw")
	var total int64
	for _, m := range pop3test.SmallMessages(n, 1) {
		be.AddMessage("small", m)
		total += int64(len(m))
	}
	srv := server.New(server.Options{Backend: be})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var cmds strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&cmds, "RETR %d\r\n", i)
	}
	cmds.WriteString("QUIT\r\n")
	buf := make([]byte, 256<<10)
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, r := login(b, srv.Addr().String(), "small", "pw")
		io.WriteString(c, cmds.String())
		got, err := io.CopyBuffer(io.Discard, onlyReader{r}, buf)
		c.Close()
		if err != nil || got < total {
			b.Fatalf("read %d bytes (< %d): %v", got, total, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkServerRetrMaildir retrieves one 50 MB message stored with LF line
// ends in a Maildir: the server converts it to wire form while streaming.
// B/op and the heap-MB metric show that the message is never held whole in
// memory.
func BenchmarkServerRetrMaildir(b *testing.B) {
	dir := b.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			b.Fatal(err)
		}
	}
	msg := pop3test.LargeMessage(largeSize, 1)
	if err := os.WriteFile(filepath.Join(dir, "new", "1700000000.M1P1.bench"), msg, 0o600); err != nil {
		b.Fatal(err)
	}
	wire, _, _, _ := pop3test.Expectations(msg)
	be := server.NewMaildirBackend()
	be.AddUser("big", "pw", dir)
	srv := server.New(server.Options{Backend: be})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	buf := make([]byte, 256<<10)
	term := []byte("\r\n.\r\n")
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := base.HeapInuse
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak {
				peak = ms.HeapInuse
			}
		}
	}()
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, r := login(b, srv.Addr().String(), "big", "pw")
		io.WriteString(c, "RETR 1\r\n")
		if status, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(status, "+OK") {
			b.Fatalf("RETR: %q %v", status, err)
		}
		n, err := readUntilTerminator(r, buf, term)
		if err != nil || n != int64(len(wire)) {
			b.Fatalf("RETR read %d of %d bytes: %v", n, len(wire), err)
		}
		quit(b, c, r)
	}
	b.StopTimer()
	close(stop)
	<-sampled
	// Peak heap in use during the retrievals beyond what the benchmark
	// itself held before them (msg and wire, about 100 MB).
	b.ReportMetric(float64(peak-base.HeapInuse)/1e6, "extra-heap-MB")
}

// BenchmarkServerRetrLargeTLS is BenchmarkServerRetrLarge's POP3 half over
// implicit TLS.
func BenchmarkServerRetrLargeTLS(b *testing.B) {
	msg := pop3test.LargeMessage(largeSize, 1)
	be := server.NewMemoryBackend()
	be.AddUser("big", "pw")
	be.AddMessage("big", msg)
	tlsCfg, pool, err := server.SelfSignedTLS()
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Options{Backend: be, TLSConfig: tlsCfg})
	if err := srv.StartTLS("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	wire, _, _, _ := pop3test.Expectations(msg)
	buf := make([]byte, 256<<10)
	term := []byte("\r\n.\r\n")
	b.SetBytes(int64(len(wire)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := tls.Dial("tcp", srv.TLSAddr().String(), &tls.Config{RootCAs: pool, ServerName: "localhost"})
		if err != nil {
			b.Fatal(err)
		}
		r := bufio.NewReaderSize(c, 256<<10)
		r.ReadString('\n')
		io.WriteString(c, "USER big\r\nPASS pw\r\nRETR 1\r\n")
		for j := 0; j < 3; j++ {
			if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, "+OK") {
				b.Fatalf("reply %d: %q %v", j, l, err)
			}
		}
		n, err := readUntilTerminator(r, buf, term)
		if err != nil || n != int64(len(wire)) {
			b.Fatalf("RETR read %d of %d bytes: %v", n, len(wire), err)
		}
		quit(b, c, r)
	}
}
