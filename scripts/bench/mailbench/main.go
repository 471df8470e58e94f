// Command mailbench times whole processes: popsh scripts fetching a
// Dovecot maildrop beside mpop and the lab's raw pipelined client, and
// popsh's start-up beside a Go program that exits at once.
//
// Mail (the default): a private Dovecot on 127.0.0.1 (the project's own
// helper, as scripts/bench/labserver) holds two maildrops, small (-small
// messages of about 2 KB) and large (-large messages of -size bytes). Each
// round runs every client once on each maildrop, in a rotating order, after
// one warm-up round; every client fetches every message and keeps them all:
//
//	for-each   popsh: pop3-for-each-message, each message a Scheme string
//	get-all    popsh: pop3-get-all, every message a string, all held at once
//	port       popsh: pop3-for-each-message/port, read-string of 64 Ki
//	mpop       mpop, pipelining on, plain POP3, delivery mbox /dev/null
//	raw        the lab's raw-pipelined.py (with -raw FILE): USER, PASS, STAT,
//	           every RETR and QUIT in one write, read to the end
//
// With -base OLD, the popsh clients run again with that binary (before and
// after in one run). All use plain POP3 with USER/PASS. For each client it prints the median
// and minimum wall time, the median CPU time (user+system of the child, from
// wait4's rusage) and the largest peak RSS over the rounds; for popsh's
// clients also the medians of the two phases inside the script
// (current-jiffy): connecting and logging in (Dovecot's authentication
// takes a varying share of a run on a loaded machine), and fetching.
//
// Start-up (-startup N): N runs of `popsh -c 1` alternating with N runs of
// a Go program whose main returns at once (built here with the same
// toolchain), of another popsh (-base, an older build), and of Scheme48
// (`scheme48 -h 0` reading `1` and `,exit`) and Guile (`guile -c 1`) where
// they are installed; the difference of the CPU medians is what popsh
// itself costs beyond starting a Go process, which on a loaded machine is
// steadier than wall time, and popsh's CPU median is also given as a
// fraction of Scheme48's and Guile's.
//
//	go build -o /tmp/popsh . && go run ./scripts/bench/mailbench -popsh /tmp/popsh -rounds 5 -raw LAB/bench/raw-pipelined.py
//	go run ./scripts/bench/mailbench -popsh /tmp/popsh -startup 200
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"popsh/pop3/pop3test"
)

func main() {
	popsh := flag.String("popsh", "popsh", "the popsh binary")
	rounds := flag.Int("rounds", 5, "measured rounds per workload")
	small := flag.Int("small", 2000, "number of small messages")
	large := flag.Int("large", 20, "number of large messages")
	size := flag.Int("size", 5<<20, "size of each large message in bytes")
	raw := flag.String("raw", "", "the lab's raw-pipelined.py (not run when empty)")
	clients := flag.String("clients", "for-each,get-all,port,mpop,raw", "clients to run")
	workloads := flag.String("workloads", "small,large", "workloads to run")
	startup := flag.Int("startup", 0, "measure start-up instead, with this many runs of each")
	serveFlag := flag.Bool("serve", false, "run the server only (used by the benchmark itself)")
	base := flag.String("base", "", "another popsh binary to run beside the first (an older build)")
	flag.Parse()
	var err error
	if *serveFlag {
		err = serve(*small, *large, *size, strings.Split(*workloads, ","))
	} else if *startup > 0 {
		err = runStartup(*popsh, *base, *startup)
	} else {
		err = runMail(*popsh, *base, *raw, *rounds, *small, *large, *size, strings.Split(*clients, ","), strings.Split(*workloads, ","))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mailbench:", err)
		os.Exit(1)
	}
}

// A sample is one run of a process.
type sample struct {
	wall, cpu    time.Duration
	maxRSS       int64         // bytes
	login, fetch time.Duration // popsh's phases, as its script printed them
}

// run runs cmd to its end and measures it; out gets its standard output.
func run(cmd *exec.Cmd) (sample, []byte, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return sample{}, nil, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, errb.Bytes())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, maxRSS: ru.Maxrss << 10}, out.Bytes(), nil
}

type client struct {
	name   string
	cmd    func() *exec.Cmd
	check  func(out []byte) error // nil: nothing to check on stdout
	phased bool                   // prints count, total, login and fetch microseconds
}

type workload struct {
	name, user, password string
	n                    int
}

func runMail(popsh, base, raw string, rounds, small, large, size int, names, wls []string) error {
	dir, err := os.MkdirTemp("", "mailbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	all := map[string]workload{
		"small": {"small", "alice", "wonderland", small},
		"large": {"large", "bob", "builder", large},
	}
	for _, wn := range wls {
		if _, ok := all[wn]; !ok {
			return fmt.Errorf("unknown workload %q", wn)
		}
	}
	// The server runs in a child process (this program again, with
	// -serve): a child's peak RSS as wait4 reports it is at least that of
	// the process that started it (the child shares its memory until
	// exec), so this one stays small.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "mailbench: starting Dovecot and filling the maildrops")
	srv := exec.Command(self, "-serve", "-small", fmt.Sprint(small), "-large", fmt.Sprint(large), "-size", fmt.Sprint(size), "-workloads", strings.Join(wls, ","))
	srv.Stderr = os.Stderr
	stdin, err := srv.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); srv.Wait() }()
	var addr string
	if _, err := fmt.Fscanln(stdout, &addr); err != nil {
		return fmt.Errorf("the server did not start: %v", err)
	}
	host, port := "127.0.0.1", addr[strings.LastIndexByte(addr, ':')+1:]
	var self0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self0)
	fmt.Printf("Dovecot on %s; %d rounds after one warm-up; wall and CPU in seconds, peak RSS in MB (never below this program's own, %.1f MB)\n",
		addr, rounds, float64(self0.Maxrss<<10)/1e6)
	for _, wn := range wls {
		w := all[wn]
		cs, err := mailClients(popsh, "", raw, dir, host, port, w, names)
		if err != nil {
			return err
		}
		if base != "" {
			bs, err := mailClients(base, "base ", "", dir, host, port, w, names)
			if err != nil {
				return err
			}
			cs = append(cs, bs...)
		}
		if err := measure(w.name+fmt.Sprintf(" (%d messages)", w.n), cs, rounds); err != nil {
			return err
		}
	}
	return nil
}

// serve starts Dovecot with the maildrops, prints its address and runs
// until its standard input is closed.
func serve(small, large, size int, wls []string) error {
	d, err := pop3test.Start()
	if err != nil {
		return err
	}
	defer d.Stop()
	if slices.Contains(wls, "small") {
		u, err := d.AddUser("alice", "wonderland")
		if err != nil {
			return err
		}
		for _, m := range pop3test.SmallMessages(small, 1) {
			if err := u.AddMessage(m); err != nil {
				return err
			}
		}
	}
	if slices.Contains(wls, "large") {
		u, err := d.AddUser("bob", "builder")
		if err != nil {
			return err
		}
		for i := range large {
			if err := u.AddMessage(pop3test.LargeMessage(size, uint64(2+i))); err != nil {
				return err
			}
		}
	}
	fmt.Println(d.Addr)
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// popshScripts are the Scheme programs; each prints the number of messages
// it saw and their total length in characters (then mailClients's wrapper
// the microseconds of the login and of the fetch).
var popshScripts = map[string]string{
	"for-each": `(define total 0)
(define count
  (pop3-for-each-message c (lambda (n text) (set! total (+ total (string-length text))))))`,
	"get-all": `(define msgs (pop3-get-all c))
(define count (length msgs))
(define total (apply + (map (lambda (m) (string-length (cdr m))) msgs)))`,
	"port": `(define total 0)
(define count
  (pop3-for-each-message/port c
    (lambda (n port)
      (let loop ()
        (let ((s (read-string 65536 port)))
          (if (string? s) (begin (set! total (+ total (string-length s))) (loop))))))))`,
}

// mailClients returns the clients of names for workload w; prefix is put
// before the names of popsh's (and then only those are returned).
func mailClients(popsh, prefix, raw, dir, host, port string, w workload, names []string) ([]client, error) {
	var cs []client
	wantCount := func(out []byte) error {
		var count, total int
		if _, err := fmt.Sscan(string(out), &count, &total); err != nil || count != w.n || total <= 0 {
			return fmt.Errorf("popsh printed %q, want %d messages", out, w.n)
		}
		return nil
	}
	for _, name := range names {
		switch name {
		case "for-each", "get-all", "port":
			prog := fmt.Sprintf("(define t0 (current-jiffy))\n(define c (pop3-connect/no-tls %q))\n(pop3-login c %q %q)\n(define t1 (current-jiffy))\n%s\n(define t2 (current-jiffy))\n(pop3-quit c)\n"+
				"(define (us a b) (quotient (* 1000000 (- b a)) (jiffies-per-second)))\n"+
				"(for-each display (list count \" \" total \" \" (us t0 t1) \" \" (us t1 t2))) (newline)\n",
				host+":"+port, w.user, w.password, popshScripts[name])
			file := filepath.Join(dir, name+"-"+w.name+".scm")
			name := prefix + name
			if err := os.WriteFile(file, []byte(prog), 0o600); err != nil {
				return nil, err
			}
			cs = append(cs, client{name, func() *exec.Cmd {
				cmd := exec.Command(popsh, file)
				cmd.Env = append(os.Environ(), "MAILHOST=")
				return cmd
			}, wantCount, true})
		case "mpop":
			if prefix != "" {
				continue
			}
			mpop, err := exec.LookPath("mpop")
			if err != nil {
				fmt.Fprintln(os.Stderr, "mailbench: mpop is not installed: not compared")
				continue
			}
			rc := filepath.Join(dir, "mpoprc-"+w.name)
			conf := fmt.Sprintf("defaults\ntls off\nauth user\nkeep on\nonly_new off\npipelining on\nreceived_header off\nuidls_file %s/uidls-%s\n\naccount bench\nhost %s\nport %s\nuser %s\npassword %s\ndelivery mbox /dev/null\n",
				dir, w.name, host, port, w.user, w.password)
			if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
				return nil, err
			}
			cs = append(cs, client{name, func() *exec.Cmd { return exec.Command(mpop, "-q", "-C", rc, "bench") }, nil, false})
		case "raw":
			if raw == "" || prefix != "" {
				continue
			}
			cs = append(cs, client{name, func() *exec.Cmd {
				return exec.Command("/usr/bin/python3", raw, host, port, w.user, w.password, "--expect-msgs", fmt.Sprint(w.n))
			}, nil, false})
		default:
			return nil, fmt.Errorf("unknown client %q", name)
		}
	}
	return cs, nil
}

// measure runs one warm-up round and then rounds rounds of every client,
// rotating the order, and prints the table.
func measure(title string, cs []client, rounds int) error {
	samples := make([][]sample, len(cs))
	for r := -1; r < rounds; r++ {
		for k := range cs {
			i := (k + max(r, 0)) % len(cs)
			s, out, err := run(cs[i].cmd())
			if err != nil {
				return err
			}
			if cs[i].check != nil {
				if err := cs[i].check(out); err != nil {
					return err
				}
			}
			if cs[i].phased {
				var count, total, login, fetch int64
				if _, err := fmt.Sscan(string(out), &count, &total, &login, &fetch); err != nil {
					return fmt.Errorf("%s printed %q, want count, total, login and fetch", cs[i].name, out)
				}
				s.login, s.fetch = time.Duration(login)*time.Microsecond, time.Duration(fetch)*time.Microsecond
			}
			if r >= 0 {
				samples[i] = append(samples[i], s)
			}
		}
	}
	fmt.Printf("\n%s\n\n| client | wall median | wall min | CPU median | peak RSS | wall vs mpop | wall vs raw | login median | fetch median |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", title)
	med := map[string]float64{}
	for i, c := range cs {
		med[c.name] = median(samples[i], func(s sample) time.Duration { return s.wall }).Seconds()
	}
	ratio := func(a, b string) string {
		if v, ok := med[b]; ok && v > 0 {
			return fmt.Sprintf("%.2f", med[a]/v)
		}
		return ""
	}
	for i, c := range cs {
		ss := samples[i]
		minWall, peak := ss[0].wall, int64(0)
		for _, s := range ss {
			minWall = min(minWall, s.wall)
			peak = max(peak, s.maxRSS)
		}
		login, fetch := "", ""
		if c.phased {
			login = fmt.Sprintf("%.3f", median(ss, func(s sample) time.Duration { return s.login }).Seconds())
			fetch = fmt.Sprintf("%.3f", median(ss, func(s sample) time.Duration { return s.fetch }).Seconds())
		}
		fmt.Printf("| %s | %.3f | %.3f | %.3f | %.1f | %s | %s | %s | %s |\n", c.name, med[c.name], minWall.Seconds(),
			median(ss, func(s sample) time.Duration { return s.cpu }).Seconds(), float64(peak)/1e6,
			ratio(c.name, "mpop"), ratio(c.name, "raw"), login, fetch)
	}
	return nil
}

func median(ss []sample, f func(sample) time.Duration) time.Duration {
	v := make([]time.Duration, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// runStartup alternates `popsh -c 1` with a Go program that exits at once.
func runStartup(popsh, base string, n int) error {
	dir, err := os.MkdirTemp("", "mailbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "exit.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o600); err != nil {
		return err
	}
	exit := filepath.Join(dir, "exit")
	build := exec.Command("go", "build", "-o", exit, src)
	build.Env = append(os.Environ(), "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the empty Go program: %v\n%s", err, out)
	}
	cs := []client{
		{"popsh -c 1", func() *exec.Cmd { return exec.Command(popsh, "-c", "1") }, nil, false},
		{"empty Go program", func() *exec.Cmd { return exec.Command(exit) }, nil, false},
	}
	if base != "" {
		cs = append(cs, client{"base: popsh -c 1", func() *exec.Cmd { return exec.Command(base, "-c", "1") }, nil, false})
	}
	others := map[string]int{} // Scheme48 and Guile, by name: their index in cs
	if s48, err := exec.LookPath("scheme48"); err == nil {
		others["scheme48"] = len(cs)
		cs = append(cs, client{"scheme48 -h 0 (1, ,exit)", func() *exec.Cmd {
			c := exec.Command(s48, "-h", "0")
			c.Stdin = strings.NewReader("1\n,exit\n")
			return c
		}, nil, false})
	}
	if guile, err := exec.LookPath("guile"); err == nil {
		others["guile"] = len(cs)
		cs = append(cs, client{"guile -c 1", func() *exec.Cmd { return exec.Command(guile, "-c", "1") }, nil, false})
	}
	samples := make([][]sample, len(cs))
	for r := 0; r < n; r++ {
		for i, c := range cs {
			s, _, err := run(c.cmd())
			if err != nil {
				return err
			}
			samples[i] = append(samples[i], s)
		}
	}
	fmt.Printf("%d runs of each, alternating; milliseconds, peak RSS in MB\n\n| process | wall median | wall min | CPU median | CPU min | peak RSS |\n|---|---:|---:|---:|---:|---:|\n", n)
	cpu := make([]time.Duration, len(cs))
	for i, c := range cs {
		ss := samples[i]
		wall := func(s sample) time.Duration { return s.wall }
		cpuf := func(s sample) time.Duration { return s.cpu }
		minWall, minCPU, peak := ss[0].wall, ss[0].cpu, int64(0)
		for _, s := range ss {
			minWall, minCPU, peak = min(minWall, s.wall), min(minCPU, s.cpu), max(peak, s.maxRSS)
		}
		cpu[i] = median(ss, cpuf)
		fmt.Printf("| %s | %.2f | %.2f | %.2f | %.2f | %.1f |\n", c.name, ms(median(ss, wall)), ms(minWall), ms(cpu[i]), ms(minCPU), float64(peak)/1e6)
	}
	fmt.Printf("\npopsh's own CPU (median difference): %.2f ms\n", ms(cpu[0]-cpu[1]))
	if base != "" {
		fmt.Printf("base's own CPU (median difference): %.2f ms\n", ms(cpu[2]-cpu[1]))
	}
	for _, name := range []string{"scheme48", "guile"} {
		if i, ok := others[name]; ok {
			fmt.Printf("popsh's CPU median / %s's: %.2f", name, float64(cpu[0])/float64(cpu[i]))
			if base != "" {
				fmt.Printf(" (base: %.2f)", float64(cpu[2])/float64(cpu[i]))
			}
			fmt.Println()
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
