package mailstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"popsh/mailstore"
	"popsh/pop3"
	"popsh/pop3/server"
)

// Move a maildrop into an mbox, durably: the messages are deleted on the
// server only once they are fsynced in the mbox and recorded in the
// state file.
func Example() {
	be := server.NewMemoryBackend()
	be.AddUser("alice", "wonderland")
	be.AddMessage("alice", []byte("From: bob\nSubject: hello\n\nHi Alice!\n"))
	be.AddMessage("alice", []byte("From: carol\nSubject: lunch\n\nFrom noon on.\n"))
	srv := server.New(server.Options{Backend: be, Hostname: "example.test"})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	dir, err := os.MkdirTemp("", "mailstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, err := pop3.Dial(ctx, srv.Addr().String(), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, "alice", "wonderland"); err != nil {
		log.Fatal(err)
	}
	st, err := mailstore.Open(filepath.Join(dir, "inbox"), mailstore.Options{
		StateFile: filepath.Join(dir, "state"),
		Account:   "alice@example.test",
		LockWait:  5 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	res, err := mailstore.Move(ctx, c, st, mailstore.MoveOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := st.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stored %v, %d left on the server\n", res.Stored, be.Count("alice"))
	mbox, _ := os.ReadFile(filepath.Join(dir, "inbox"))
	for _, line := range strings.Split(strings.TrimSuffix(string(mbox), "\n"), "\n") {
		if strings.HasPrefix(line, "From ") {
			line = strings.Join(strings.Fields(line)[:2], " ") + " (date)"
		}
		fmt.Println(line)
	}
	// Output:
	// stored [1 2], 0 left on the server
	// From MAILER-DAEMON (date)
	// From: bob
	// Subject: hello
	//
	// Hi Alice!
	//
	// From MAILER-DAEMON (date)
	// From: carol
	// Subject: lunch
	//
	// >From noon on.
}
