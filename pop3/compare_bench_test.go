package pop3

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"popsh/pop3/pop3test"
)

// BenchmarkDovecotCompare fetches one Dovecot maildrop with every client
// in turn, b.N rounds, and reports each client's median wall time: this
// client pipelined and in lockstep, the raw pipelined client, mpop and
// Python's poplib (when installed). Interleaving the clients makes the
// comparison fair on a busy machine. Run it with a round count:
//
//	go test -run XXX -bench DovecotCompare -benchtime 5x ./pop3/
func BenchmarkDovecotCompare(b *testing.B) {
	for _, w := range []struct {
		name, user string
		msgs       func() [][]byte
		n          int
		rtt        bool
	}{
		{"small", "small", smallWorkload, smallN, false},
		{"large", "large", largeWorkload, largeN, false},
		{"small-rtt", "small", smallWorkload, smallN, true},
	} {
		b.Run(w.name, func(b *testing.B) {
			d := pop3test.StartDovecot(b)
			u := dovecotUser(b, d, w.user, w.msgs)
			addr := d.Addr
			if w.rtt {
				// 1.1 ms round trip: only the pipelining clients, the
				// others take seconds (see BenchmarkDovecotSmallRTTLockstep).
				addr = delayRelay(b, d.Addr, rttDelay)
			}
			runners := compareRunners(b, addr, u, w.n, !w.rtt)
			times := map[string][]time.Duration{}
			for b.Loop() {
				for _, r := range runners {
					t0 := time.Now()
					r.run()
					times[r.name] = append(times[r.name], time.Since(t0))
				}
			}
			med := func(name string) float64 {
				v := times[name]
				sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
				return float64(v[len(v)/2]) / 1e6
			}
			for _, r := range runners {
				b.ReportMetric(med(r.name), r.name+"-ms")
			}
			b.ReportMetric(med("client")/med("raw"), "client/raw")
			if _, ok := times["mpop"]; ok {
				b.ReportMetric(med("client")/med("mpop"), "client/mpop")
			}
		})
	}
}

type runner struct {
	name string
	run  func()
}

func compareRunners(b *testing.B, addr string, u *pop3test.DovecotUser, n int, all bool) []runner {
	session := func(window int) func() {
		return func() {
			o := benchOpts()
			o.PipelineWindow = window
			clientSession(b, addr, o, u.Name, u.Password, n)
		}
	}
	rs := []runner{
		{"client", session(0)},
		{"raw", func() { rawSession(b, addr, u.Name, u.Password, n) }},
	}
	if !all {
		return rs
	}
	rs = append(rs, runner{"lockstep", session(1)})
	host, port, _ := net.SplitHostPort(addr)
	if mpop, err := exec.LookPath("mpop"); err == nil {
		dir := b.TempDir()
		rc := filepath.Join(dir, "mpoprc")
		conf := fmt.Sprintf("defaults\ntls off\nauth user\nkeep on\nonly_new off\npipelining on\nreceived_header off\nuidls_file %s/uidls\n\naccount bench\nhost %s\nport %s\nuser %s\npassword %s\ndelivery mbox /dev/null\n",
			dir, host, port, u.Name, u.Password)
		if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
			b.Fatal(err)
		}
		rs = append(rs, runner{"mpop", func() {
			if out, err := exec.Command(mpop, "-q", "-C", rc, "bench").CombinedOutput(); err != nil {
				b.Fatalf("mpop: %v\n%s", err, out)
			}
		}})
	} else {
		b.Log("mpop is not installed: not compared")
	}
	if py, err := exec.LookPath("python3"); err == nil {
		rs = append(rs, runner{"poplib", func() {
			if out, err := exec.Command(py, "-c", poplibScript, host, port, u.Name, u.Password).CombinedOutput(); err != nil {
				b.Fatalf("poplib: %v\n%s", err, out)
			}
		}})
	} else {
		b.Log("python3 is not installed: poplib not compared")
	}
	return rs
}

// BenchmarkOneLargeCompare alternates one 5 MiB message through the
// client against the in-process server, through the client against a
// server that sends the reply in one write (the client's own cost), and a
// plain loopback copy of the same bytes; it reports the median of each
// and the client's throughput relative to the copy.
func BenchmarkOneLargeCompare(b *testing.B) {
	wire, _, _, _ := pop3test.Expectations(largeWorkload()[0])
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
	cb, err := Dial(ctx, blastServer(b, "+OK hi\r\n", append([]byte("+OK\r\n"), wire...)), benchOpts())
	if err != nil {
		b.Fatal(err)
	}
	defer cb.Close()
	cb.state = StateTransaction // the blast server knows no login
	raw, err := net.Dial("tcp", blastServer(b, "", wire))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	buf := make([]byte, 64<<10)
	times := map[string][]time.Duration{}
	timed := func(name string, f func()) {
		t0 := time.Now()
		f()
		times[name] = append(times[name], time.Since(t0))
	}
	for b.Loop() {
		timed("client", func() {
			if _, _, err := c.RetrTo(ctx, 1, io.Discard); err != nil {
				b.Fatal(err)
			}
		})
		timed("blast", func() {
			if _, _, err := cb.RetrTo(ctx, 1, io.Discard); err != nil {
				b.Fatal(err)
			}
		})
		timed("copy", func() {
			raw.Write([]byte("GO\r\n"))
			for left := len(wire); left > 0; {
				k, err := raw.Read(buf[:min(len(buf), left)])
				if err != nil {
					b.Fatal(err)
				}
				left -= k
			}
		})
	}
	med := func(name string) float64 {
		v := times[name]
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		return float64(v[len(v)/2]) / 1e6
	}
	b.ReportMetric(med("client"), "client-ms")
	b.ReportMetric(med("blast"), "client-blast-ms")
	b.ReportMetric(med("copy"), "copy-ms")
	b.ReportMetric(med("copy")/med("client"), "client-vs-copy")
	b.ReportMetric(med("copy")/med("blast"), "blast-vs-copy")
}
