// Command labserver starts a private Dovecot on 127.0.0.1 with the
// benchmark maildrops, for scripts/bench/compare.sh and for trying clients
// by hand:
//
//	alice / wonderland: -small messages of about 2 KB (seed 1)
//	bob   / builder:    -large messages of -size bytes (seed 2)
//
// It prints shell assignments (PORT, TLSPORT, DIR, CACERT) on one line per
// variable, then runs until its standard input is closed or it gets SIGINT
// or SIGTERM, and stops Dovecot.
//
//	go run ./scripts/bench/labserver -small 2000 -large 20 > lab.env < fifo &
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"popsh/pop3/pop3test"
)

func main() {
	small := flag.Int("small", 2000, "number of small messages for alice")
	large := flag.Int("large", 20, "number of large messages for bob")
	size := flag.Int("size", 5<<20, "size in bytes of each large message")
	flag.Parse()
	if err := run(*small, *large, *size); err != nil {
		fmt.Fprintln(os.Stderr, "labserver:", err)
		os.Exit(1)
	}
}

func run(small, large, size int) error {
	d, err := pop3test.Start()
	if err != nil {
		return err
	}
	defer d.Stop()
	alice, err := d.AddUser("alice", "wonderland")
	if err != nil {
		return err
	}
	for _, m := range pop3test.SmallMessages(small, 1) {
		if err := alice.AddMessage(m); err != nil {
			return err
		}
	}
	bob, err := d.AddUser("bob", "builder")
	if err != nil {
		return err
	}
	for i := 0; i < large; i++ {
		if err := bob.AddMessage(pop3test.LargeMessage(size, uint64(2+i))); err != nil {
			return err
		}
	}
	ca := filepath.Join(d.Dir, "lab-ca.pem")
	if err := os.WriteFile(ca, d.CAPEM, 0o644); err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(d.Addr)
	_, tlsPort, _ := net.SplitHostPort(d.TLSAddr)
	fmt.Printf("PORT=%s\nTLSPORT=%s\nDIR=%s\nCACERT=%s\n", port, tlsPort, d.Dir, ca)
	os.Stdout.Sync()

	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	return nil
}
