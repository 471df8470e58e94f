package server_test

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"

	"popsh/pop3/server"
)

// Serve a small in-memory maildrop on loopback and talk to it.
func Example() {
	be := server.NewMemoryBackend()
	be.AddUser("alice", "wonderland")
	be.AddMessage("alice", []byte("From: white.rabbit@example.org\nSubject: late\n\nI'm late!\n.and a dot\n"))

	srv := server.New(server.Options{Backend: be, Hostname: "example.org"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func() string {
		l, err := r.ReadString('\n')
		if err != nil {
			log.Fatal(err)
		}
		return strings.TrimSuffix(l, "\r\n")
	}
	greeting := reply()
	fmt.Println(greeting[:strings.Index(greeting, " <")]) // the APOP timestamp varies
	for _, cmd := range []string{"USER alice", "PASS wonderland", "STAT", "RETR 1", "QUIT"} {
		fmt.Fprintf(conn, "%s\r\n", cmd)
		line := reply()
		fmt.Println(line)
		if cmd == "RETR 1" {
			for line != "." {
				line = reply()
				fmt.Println(line)
			}
		}
	}
	// Output:
	// +OK popsh POP3 server ready.
	// +OK
	// +OK Logged in.
	// +OK 1 72
	// +OK 72 octets
	// From: white.rabbit@example.org
	// Subject: late
	//
	// I'm late!
	// ..and a dot
	// .
	// +OK Logging out, 0 messages deleted.
}
