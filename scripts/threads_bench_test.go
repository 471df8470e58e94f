package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"popsh/pop3/server"
)

// Many accounts at once, against the same accounts one after another:
// 20 in-process servers of 20 small messages each, every reply (the
// greeting included) delayed by 50 ms. Metrics: ms of the whole run, the
// slowest single account's run, and the largest max RSS of a popsh process.
//
//	go test -run '^$' -bench 'Accounts20' -benchtime 3x ./scripts/

type benchAccounts struct {
	bes     []*server.MemoryBackend
	sources []string
	env     []string
	home    string
}

func newBenchAccounts(b *testing.B, n, msgs int, delay time.Duration) *benchAccounts {
	ba := &benchAccounts{home: b.TempDir()}
	faults := server.Faults{Rules: []server.Fault{{Command: server.Greeting, Delay: delay}, {Command: "*", Delay: delay}}}
	for k := 0; k < n; k++ {
		be := server.NewMemoryBackend()
		be.AddUser(testUser, testPass)
		srv := server.New(server.Options{Backend: be, Hostname: "bench.invalid", Faults: faults})
		if err := srv.Start("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		ba.bes = append(ba.bes, be)
		ba.sources = append(ba.sources, "pop://"+testUser+"@"+srv.Addr().String())
	}
	ba.fill(msgs)
	netrc := filepath.Join(ba.home, ".netrc")
	if err := os.WriteFile(netrc, []byte(fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)), 0o600); err != nil {
		b.Fatal(err)
	}
	ba.env = []string{"HOME=" + ba.home, "NETRC=" + netrc, "MAILHOST="}
	return ba
}

// fill gives every account msgs small messages.
func (ba *benchAccounts) fill(msgs int) {
	for k, be := range ba.bes {
		be.Clear(testUser)
		for i := 0; i < msgs; i++ {
			be.AddMessage(testUser, []byte(fmt.Sprintf("From: s@example.org\nSubject: account %d message %d\n\nsmall body %d\n", k, i, i)))
		}
	}
}

// runTimed runs a script and returns its wall time and max RSS in KB.
func runTimed(b *testing.B, env []string, name string, args ...string) (time.Duration, int64) {
	cmd := script(env, name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return d, rss
}

func reportRun(b *testing.B, total, slowest time.Duration, rss int64, iters int) {
	b.ReportMetric(float64(total.Milliseconds())/float64(iters), "ms/run")
	if slowest > 0 {
		b.ReportMetric(float64(slowest.Milliseconds()), "slowest-account-ms")
	}
	b.ReportMetric(float64(rss)/1024, "max-RSS-MB")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkAccounts20Popstat(b *testing.B) {
	ba := newBenchAccounts(b, 20, 20, 50*time.Millisecond)
	b.Run("concurrent", func(b *testing.B) {
		var total time.Duration
		var rss int64
		iters := 0
		for b.Loop() {
			d, r := runTimed(b, ba.env, "popstat.scm", ba.sources...)
			total += d
			rss = max(rss, r)
			iters++
		}
		reportRun(b, total, 0, rss, iters)
	})
	b.Run("one-after-another", func(b *testing.B) {
		var total, slowest time.Duration
		var rss int64
		iters := 0
		for b.Loop() {
			for _, s := range ba.sources {
				d, r := runTimed(b, ba.env, "popstat.scm", s)
				total += d
				slowest = max(slowest, d)
				rss = max(rss, r)
			}
			iters++
		}
		reportRun(b, total, slowest, rss, iters)
	})
}

func BenchmarkAccounts20Movemail(b *testing.B) {
	ba := newBenchAccounts(b, 20, 20, 50*time.Millisecond)
	run := func(b *testing.B, jobs string, perAccount bool) {
		var total, slowest time.Duration
		var rss int64
		iters := 0
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			ba.fill(20)
			var args []string
			dir := filepath.Join(ba.home, fmt.Sprintf("%s-%d", jobs, i))
			for k, s := range ba.sources {
				args = append(args, s, filepath.Join(dir, fmt.Sprintf("Mail%d", k))+"/")
			}
			b.StartTimer()
			if perAccount {
				for k := 0; k < len(args); k += 2 {
					d, r := runTimed(b, ba.env, "movemail.scm", "-q", args[k], args[k+1])
					total += d
					slowest = max(slowest, d)
					rss = max(rss, r)
				}
			} else {
				d, r := runTimed(b, ba.env, "movemail.scm", append([]string{"-q", "--jobs", jobs, "--pairs"}, args...)...)
				total += d
				rss = max(rss, r)
			}
			iters++
			b.StopTimer()
			n := 0
			for k := range ba.sources {
				ents, _ := os.ReadDir(filepath.Join(dir, fmt.Sprintf("Mail%d", k), "new"))
				n += len(ents)
			}
			if n != 20*20 {
				b.Fatalf("%d messages delivered, want 400", n)
			}
			b.StartTimer()
		}
		reportRun(b, total, slowest, rss, iters)
	}
	b.Run("concurrent", func(b *testing.B) { run(b, "20", false) })
	b.Run("one-after-another", func(b *testing.B) { run(b, "1", true) })
}
