package demo_test

import (
	"context"
	"fmt"
	"os"

	"popsh/bindings"
	"popsh/internal/demo"
	"popsh/interp"
)

// Start the demo server, point MAILHOST and NETRC at it, and use the
// pop3-* procedures with no host and no credentials in the program.
func ExampleStart() {
	ctx := context.Background()
	d, err := demo.Start(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	for k, v := range d.EnvMap() { // what d.Apply() does, undone at the end
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		if had {
			defer os.Setenv(k, old)
		} else {
			defer os.Unsetenv(k)
		}
	}

	it := interp.New(interp.WithOutput(os.Stdout))
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	_, err = it.EvalString(ctx, `
		(define conn (pop3-connect))
		(pop3-login conn)
		(receive (count octets) (pop3-stat conn)
		  (display count) (display " messages") (newline))
		(pop3-headers conn 1)
		(pop3-quit conn)`, "example.scm")
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 5 messages
	// From: popsh <tour@popsh.example>
	// To: You <you@popsh.example>
	// Subject: Welcome to popsh
	// Date: Wed, 25 Nov 2026 09:00:00 +0000
	// Message-ID: <welcome@popsh.example>
}
