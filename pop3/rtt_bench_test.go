package pop3

import (
	"net"
	"testing"
	"time"

	"popsh/pop3/pop3test"
)

// delayRelay forwards TCP connections to target, holding every chunk back
// for delay in each direction (so a round trip gains 2×delay): a
// loopback stand-in for a distant server.
func delayRelay(b *testing.B, target string, delay time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	type chunk struct {
		due  time.Time
		data []byte
	}
	pipe := func(dst, src net.Conn) {
		q := make(chan chunk, 1<<14)
		go func() {
			defer close(q)
			for {
				buf := make([]byte, 64<<10)
				n, err := src.Read(buf)
				if n > 0 {
					q <- chunk{time.Now().Add(delay), buf[:n]}
				}
				if err != nil {
					return
				}
			}
		}()
		for c := range q {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.data); err != nil {
				break
			}
		}
		dst.Close()
		src.Close()
		for range q {
		}
	}
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			go pipe(out, in)
			go pipe(in, out)
		}
	}()
	return l.Addr().String()
}

// The small workload at about 1.1 ms round trip (as in issue 2's table):
// pipelining is what keeps it fast.
const rttDelay = 550 * time.Microsecond

func BenchmarkDovecotSmallRTTClient(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	runClient(b, delayRelay(b, d.Addr, rttDelay), u.Name, u.Password, smallN)
}

func BenchmarkDovecotSmallRTTRaw(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	runRaw(b, delayRelay(b, d.Addr, rttDelay), u.Name, u.Password, smallN)
}

// BenchmarkDovecotSmallRTTLockstep is the client with pipelining off (a
// window of 1), for comparison.
func BenchmarkDovecotSmallRTTLockstep(b *testing.B) {
	d := pop3test.StartDovecot(b)
	u := dovecotUser(b, d, "small", smallWorkload)
	addr := delayRelay(b, d.Addr, rttDelay)
	for b.Loop() {
		o := benchOpts()
		o.PipelineWindow = 1
		clientSession(b, addr, o, u.Name, u.Password, smallN)
	}
}
