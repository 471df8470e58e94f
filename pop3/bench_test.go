package pop3

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/pop3test"
	"popsh/pop3/server"
)

// Benchmarks. Workloads of issue 2: small = 2000 messages of ~2.1 KB,
// large = 20 messages of 5 MiB, and one 50 MB message for memory. Each
// iteration is a whole session: connect, log in, retrieve everything,
// QUIT (nothing deleted). The "Raw" variants are the lowest-overhead
// client possible (all RETRs in one write, read to EOF); "Copy" is no
// protocol at all; "Mpop" runs the mpop program when installed.
//
//	go test -run XXX -bench . -benchtime 5x ./pop3/

const (
	smallN    = 2000
	largeN    = 20
	largeSize = 5 << 20
)

func nums(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// clientSession fetches messages 1..n with RetrMany into io.Discard and
// returns the bytes received.
func clientSession(b *testing.B, addr string, o *Options, user, pass string, n int) int64 {
	ctx := context.Background()
	c, err := Dial(ctx, addr, o)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, user, pass); err != nil {
		b.Fatal(err)
	}
	var total int64
	err = c.RetrMany(ctx, nums(n), func(_ int, body io.Reader) error {
		k, err := io.Copy(io.Discard, body)
		total += k
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		b.Fatal(err)
	}
	return total
}

// rawSession is the raw pipelined client: USER and PASS in lockstep, then
// every RETR and QUIT in one write, then read to EOF.
func rawSession(b *testing.B, addr, user, pass string, n int) int64 {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 64<<10)
	expectOK := func() {
		l, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(l, "+OK") {
			b.Fatalf("raw: %q %v", l, err)
		}
	}
	expectOK()
	fmt.Fprintf(conn, "USER %s\r\n", user)
	expectOK()
	fmt.Fprintf(conn, "PASS %s\r\n", pass)
	expectOK()
	var cmds bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&cmds, "RETR %d\r\n", i)
	}
	cmds.WriteString("QUIT\r\n")
	go conn.Write(cmds.Bytes())
	k, err := io.Copy(io.Discard, br)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

type inprocBench struct {
	srv  *server.Server
	addr string
	wire int64 // bytes of one session's RETR replies, roughly
}

func startInproc(b *testing.B, msgs [][]byte) *inprocBench {
	be := server.NewMemoryBackend()
	be.AddUser("bench", "bench pw")
	for _, m := range msgs {
		if _, err := be.AddMessage("bench", m); err != nil {
			b.Fatal(err)
		}
	}
	srv := server.New(server.Options{Backend: be, Hostname: "bench"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return &inprocBench{srv: srv, addr: srv.Addr().String()}
}

var (
	smallOnce, largeOnce sync.Once
	smallMsgs, largeMsgs [][]byte
)

func smallWorkload() [][]byte {
	smallOnce.Do(func() { smallMsgs = pop3test.SmallMessages(smallN, 1) })
	return smallMsgs
}

func largeWorkload() [][]byte {
	largeOnce.Do(func() {
		for i := 0; i < largeN; i++ {
			largeMsgs = append(largeMsgs, pop3test.LargeMessage(largeSize, uint64(i+1)))
		}
	})
	return largeMsgs
}

func benchOpts() *Options {
	return &Options{TLS: PlainText, AllowCleartext: true}
}

// cpuTime returns the CPU time (user + system) used by this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process's CPU time per operation since start: on
// a loaded machine it compares clients better than wall time. Against
// Dovecot it is the client's alone.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func runClient(b *testing.B, addr, user, pass string, n int) {
	var total int64
	start := cpuTime()
	for b.Loop() {
		total = clientSession(b, addr, benchOpts(), user, pass, n)
	}
	reportCPU(b, start)
	b.SetBytes(total)
}

func runRaw(b *testing.B, addr, user, pass string, n int) {
	var total int64
	start := cpuTime()
	for b.Loop() {
		total = rawSession(b, addr, user, pass, n)
	}
	reportCPU(b, start)
	b.SetBytes(total)
}

func BenchmarkSmallClient(b *testing.B) {
	e := startInproc(b, smallWorkload())
	runClient(b, e.addr, "bench", "bench pw", smallN)
}

func BenchmarkSmallRaw(b *testing.B) {
	e := startInproc(b, smallWorkload())
	runRaw(b, e.addr, "bench", "bench pw", smallN)
}

func BenchmarkLargeClient(b *testing.B) {
	e := startInproc(b, largeWorkload())
	runClient(b, e.addr, "bench", "bench pw", largeN)
}

func BenchmarkLargeRaw(b *testing.B) {
	e := startInproc(b, largeWorkload())
	runRaw(b, e.addr, "bench", "bench pw", largeN)
}

// BenchmarkOneLargeClient and BenchmarkOneLargeCopy compare one 5 MiB
// message through the client with a plain loopback copy of the same bytes.
func BenchmarkOneLargeClient(b *testing.B) {
	e := startInproc(b, largeWorkload()[:1])
	ctx := context.Background()
	c, err := Dial(ctx, e.addr, benchOpts())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, "bench", "bench pw"); err != nil {
		b.Fatal(err)
	}
	var n int64
	start := cpuTime()
	for b.Loop() {
		if _, n, err = c.RetrTo(ctx, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
	b.SetBytes(n)
}

// blastServer answers every line it reads with reply, in one write.
func blastServer(b *testing.B, greeting string, reply []byte) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				io.WriteString(conn, greeting)
				r := bufio.NewReader(conn)
				for {
					if _, err := r.ReadString('\n'); err != nil {
						return
					}
					if _, err := conn.Write(reply); err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

func BenchmarkOneLargeCopy(b *testing.B) {
	wire, _, _, _ := pop3test.Expectations(largeWorkload()[0])
	conn, err := net.Dial("tcp", blastServer(b, "", wire))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 64<<10)
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		conn.Write([]byte("GO\r\n"))
		for left := len(wire); left > 0; {
			k, err := conn.Read(buf[:min(len(buf), left)])
			if err != nil {
				b.Fatal(err)
			}
			left -= k
		}
	}
	b.SetBytes(int64(len(wire)))
}

// BenchmarkOneLargeClientBlast is BenchmarkOneLargeClient against a server
// that sends the whole reply in one write, like BenchmarkOneLargeCopy's:
// the client's own cost, without the server's.
func BenchmarkOneLargeClientBlast(b *testing.B) {
	wire, _, _, _ := pop3test.Expectations(largeWorkload()[0])
	reply := append([]byte("+OK\r\n"), wire...)
	ctx := context.Background()
	c, err := Dial(ctx, blastServer(b, "+OK hi\r\n", reply), benchOpts())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.state = StateTransaction // the blast server knows no login
	var n int64
	start := cpuTime()
	for b.Loop() {
		if _, n, err = c.RetrTo(ctx, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
	b.SetBytes(n)
}

// peakHeap runs f while sampling the heap, and returns the peak of
// HeapInuse in MB, and its growth over the value before f.
func peakHeap(f func()) (peakMB, growthMB float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak {
					peak = m.HeapInuse
				}
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return float64(peak) / (1 << 20), float64(peak-base) / (1 << 20)
}

// benchStream50MB retrieves one 50 MB message and reports the peak heap
// growth while it streams.
func benchStream50MB(b *testing.B, addr string, o *Options, user, pass string) {
	ctx := context.Background()
	c, err := Dial(ctx, addr, o)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, user, pass); err != nil {
		b.Fatal(err)
	}
	var worst, worstGrowth float64
	var n int64
	for b.Loop() {
		peak, growth := peakHeap(func() {
			if _, n, err = c.RetrTo(ctx, 1, io.Discard); err != nil {
				b.Fatal(err)
			}
		})
		worst, worstGrowth = max(worst, peak), max(worstGrowth, growth)
	}
	b.SetBytes(n)
	// peak-heap-MB is the whole process's heap in use (with an in-process
	// server it includes the server's copy of the message);
	// heap-growth-MB is what retrieving the message added.
	b.ReportMetric(worst, "peak-heap-MB")
	b.ReportMetric(worstGrowth, "heap-growth-MB")
}

func BenchmarkStream50MB(b *testing.B) {
	e := startInproc(b, [][]byte{pop3test.LargeMessage(50<<20, 9)})
	benchStream50MB(b, e.addr, benchOpts(), "bench", "bench pw")
}

// ---- against Dovecot ----------------------------------------------------

var dovecotBench struct {
	sync.Mutex
	users map[string]*pop3test.DovecotUser
}

// dovecotUser returns a Dovecot user holding msgs, made once per workload.
func dovecotUser(b *testing.B, d *pop3test.Dovecot, name string, msgs func() [][]byte) *pop3test.DovecotUser {
	dovecotBench.Lock()
	defer dovecotBench.Unlock()
	if dovecotBench.users == nil {
		dovecotBench.users = map[string]*pop3test.DovecotUser{}
	}
	if u := dovecotBench.users[name]; u != nil {
		return u
	}
	u := d.NewUser(b)
	for _, m := range msgs() {
		if err := u.AddMessage(m); err != nil {
			b.Fatal(err)
		}
	}
	dovecotBench.users[name] = u
	return u
}

func BenchmarkDovecotSmallClient(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	runClient(b, d.Addr, u.Name, u.Password, smallN)
}

func BenchmarkDovecotSmallRaw(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	runRaw(b, d.Addr, u.Name, u.Password, smallN)
}

func BenchmarkDovecotSmallMpop(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	runMpop(b, d, u)
}

func BenchmarkDovecotLargeClient(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "large", largeWorkload)
	runClient(b, d.Addr, u.Name, u.Password, largeN)
}

func BenchmarkDovecotLargeRaw(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "large", largeWorkload)
	runRaw(b, d.Addr, u.Name, u.Password, largeN)
}

func BenchmarkDovecotLargeMpop(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "large", largeWorkload)
	runMpop(b, d, u)
}

func BenchmarkDovecotStream50MB(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "50mb", func() [][]byte { return [][]byte{pop3test.LargeMessage(50<<20, 9)} })
	benchStream50MB(b, d.Addr, benchOpts(), u.Name, u.Password)
}

// runMpop times the mpop program fetching the whole maildrop (pipelining
// on, keep on, delivery to /dev/null), as the reference table did.
func runMpop(b *testing.B, d *pop3test.Dovecot, u *pop3test.DovecotUser) {
	mpop, err := exec.LookPath("mpop")
	if err != nil {
		b.Skip("mpop is not installed; no comparison")
	}
	dir := b.TempDir()
	host, port, _ := net.SplitHostPort(d.Addr)
	rc := filepath.Join(dir, "mpoprc")
	conf := fmt.Sprintf("defaults\ntls off\nauth user\nkeep on\nonly_new off\npipelining on\nreceived_header off\nuidls_file %s/uidls\n\naccount bench\nhost %s\nport %s\nuser %s\npassword %s\ndelivery mbox /dev/null\n",
		dir, host, port, u.Name, u.Password)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(mpop, "-q", "-C", rc, "bench")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("mpop: %v\n%s", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// poplibScript fetches every message with Python's poplib, one command at
// a time, as most clients do.
const poplibScript = `
import poplib, sys
host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
p = poplib.POP3(host, port, timeout=60)
p.user(user)
p.pass_(pw)
n = len(p.list()[1])
for i in range(1, n + 1):
    p.retr(i)
p.quit()
`

// runPoplib times Python's poplib on the same maildrop, when python3 is
// installed.
func runPoplib(b *testing.B, d *pop3test.Dovecot, u *pop3test.DovecotUser) {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 is not installed; no comparison")
	}
	host, port, _ := net.SplitHostPort(d.Addr)
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(py, "-c", poplibScript, host, port, u.Name, u.Password)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("poplib: %v\n%s", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkDovecotSmallPoplib(b *testing.B) {
	d := pop3test.StartDovecot(b)
	runPoplib(b, d, dovecotUser(b, d, "small", smallWorkload))
}

func BenchmarkDovecotLargePoplib(b *testing.B) {
	d := pop3test.StartDovecot(b)
	runPoplib(b, d, dovecotUser(b, d, "large", largeWorkload))
}

// BenchmarkDotReader decodes a 5 MiB message from memory: the body
// reader's own cost, with no network.
func BenchmarkDotReader(b *testing.B) {
	wire, _, _, _ := pop3test.Expectations(largeWorkload()[0])
	for _, lf := range []bool{false, true} {
		b.Run(map[bool]string{false: "crlf", true: "lf"}[lf], func(b *testing.B) {
			r := bytes.NewReader(wire)
			br := bufio.NewReaderSize(r, readBufferSize)
			b.SetBytes(int64(len(wire)))
			for b.Loop() {
				r.Reset(wire)
				br.Reset(r)
				if _, err := newDotReader(br, lf, 0, nil).WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
