package bindings

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"popsh/interp"
)

// Options configure what Install defines. The zero value is what the
// popsh command uses: system certificate roots, the engine's default
// timeouts, STLS used automatically when a plain-text server offers it.
type Options struct {
	// TLSConfig is the base TLS configuration of every POP3 connection
	// (certificate roots, client certificates). Nil: the system roots
	// (SSL_CERT_FILE and SSL_CERT_DIR are honoured). Certificates are
	// always verified unless the config says InsecureSkipVerify; the
	// ServerName is the connection's host.
	TLSConfig *tls.Config
	// NoAutoStartTLS keeps plain-text connections plain even when the
	// server offers STLS, and allows USER/PASS on them. By default a
	// server offering STLS is upgraded before any credential is sent.
	NoAutoStartTLS bool
	// DialTimeout and CommandTimeout bound connecting and every network
	// wait (zero: the pop3 engine's defaults, 30 s and 60 s). The Scheme
	// parameters pop3-connect-timeout and pop3-command-timeout override
	// them per connection.
	DialTimeout, CommandTimeout time.Duration
	// LocalPeer reports whether a server's address is on this machine,
	// where a password may cross unencrypted (see pop3.Options.LocalPeer;
	// nil: loopback addresses). Tests set it to see the rules for remote
	// servers without leaving the loopback.
	LocalPeer func(net.Addr) bool
}

// Install defines in it everything popsh adds to Scheme: the scsh layer
// (InstallScsh), the pop3-* procedures (InstallPOP3) and the delivery
// primitives the scripts use (InstallDeliver: Maildir, mbox, state files).
func Install(it *interp.Interp, opts Options) error {
	if err := InstallScsh(it); err != nil {
		return fmt.Errorf("install scsh layer: %w", err)
	}
	if err := InstallPOP3(it, opts); err != nil {
		return fmt.Errorf("install pop3 bindings: %w", err)
	}
	if err := InstallDeliver(it); err != nil {
		return fmt.Errorf("install delivery primitives: %w", err)
	}
	return nil
}
