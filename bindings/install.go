// Package bindings gives Go functions Scheme names: Install wires the scsh
// 0.6 layer (popsh/bindings/scsh) and then the pop3-* and delivery
// procedures (popsh/bindings/mail) into an interpreter.
package bindings

import (
	"fmt"

	"popsh/bindings/mail"
	"popsh/bindings/scsh"
	"popsh/interp"
)

// Options configure the mail procedures (TLS, timeouts); the zero value is
// what the popsh command uses. See mail.Options.
type Options = mail.Options

// Install defines in it everything popsh adds to Scheme: the scsh layer,
// then the pop3-* procedures and the delivery procedures the scripts use.
func Install(it *interp.Interp, opts Options) error {
	if err := scsh.Install(it); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	if err := mail.Install(it, opts); err != nil {
		return err
	}
	return nil
}
