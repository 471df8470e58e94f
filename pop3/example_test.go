package pop3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"popsh/pop3"
	"popsh/pop3/server"
)

// startDemo starts an in-process server with two messages for alice.
func startDemo() (*server.Server, string) {
	be := server.NewMemoryBackend()
	be.AddUser("alice", "wonderland")
	be.AddMessage("alice", []byte("From: bob\nSubject: hello\n\nHi Alice!\n"))
	be.AddMessage("alice", []byte("From: carol\nSubject: lunch\n\n.see you at noon\n"))
	srv := server.New(server.Options{Backend: be, Hostname: "example.test"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	return srv, srv.Addr().String()
}

func Example() {
	srv, addr := startDemo()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, err := pop3.Dial(ctx, addr, &pop3.Options{LineEnding: pop3.LF})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// No TLS on this server, but it offers APOP: Login uses it, and the
	// password never crosses the wire.
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		log.Fatal(err)
	}
	n, size, err := c.Stat(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d messages, %d octets\n", n, size)
	_, body, err := c.Retr(ctx, 2)
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(os.Stdout, body)
	if err := c.Quit(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 messages, 89 octets
	// From: carol
	// Subject: lunch
	//
	// .see you at noon
}

func ExampleClient_RetrMany() {
	srv, addr := startDemo()
	defer srv.Close()
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		log.Fatal(err)
	}
	// Pipelined when the server lists PIPELINING, lockstep otherwise.
	err = c.RetrMany(ctx, []int{1, 2}, func(n int, body io.Reader) error {
		b, err := io.ReadAll(body)
		subject := strings.SplitN(string(b), "\r\n", 3)[1]
		fmt.Printf("%d: %s (%d bytes)\n", n, subject, len(b))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1: Subject: hello (40 bytes)
	// 2: Subject: lunch (49 bytes)
}

func ExampleError() {
	srv, addr := startDemo()
	defer srv.Close()
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Login(ctx, "alice", "not the password")
	var perr *pop3.Error
	if errors.As(err, &perr) {
		fmt.Println("refused:", perr.Command, "code", perr.Code)
	}
	_, _, err = c.Stat(ctx)
	fmt.Println(err)
	// Output:
	// refused: APOP alice **** code AUTH
	// pop3: STAT: wrong state for command: not in TRANSACTION state (in AUTHORIZATION); nothing sent
}

func ExampleOptions_log() {
	srv, addr := startDemo()
	defer srv.Close()
	ctx := context.Background()
	var logbuf strings.Builder
	c, err := pop3.Dial(ctx, addr, &pop3.Options{Log: &logbuf, TLS: pop3.PlainText, AllowCleartext: true})
	if err != nil {
		log.Fatal(err)
	}
	c.UserPass(ctx, "alice", "wonderland")
	c.Quit(ctx)
	for _, l := range strings.Split(logbuf.String(), "\n") {
		if strings.HasPrefix(l, "<- ") {
			fmt.Println(l)
		}
	}
	// Output:
	// <- USER alice
	// <- PASS ****
	// <- QUIT
}
