package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Certificate is a generated test certificate authority and a server
// certificate signed by it, in PEM form.
type Certificate struct {
	// CAPEM is the CA certificate: trust it to verify the server.
	CAPEM []byte
	// CertPEM is the server certificate (leaf only).
	CertPEM []byte
	// ChainPEM is the server certificate followed by the CA certificate.
	ChainPEM []byte
	// KeyPEM is the server's private key (PKCS #8).
	KeyPEM []byte
}

// GenerateCertificate makes a fresh CA and a server certificate for hosts
// (DNS names or IP addresses; default "localhost" and "127.0.0.1"), valid
// for one year, with ECDSA P-256 keys.
func GenerateCertificate(hosts ...string) (*Certificate, error) {
	if len(hosts) == 0 {
		hosts = []string{"localhost", "127.0.0.1"}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: CA key: %w", err)
	}
	now := time.Now()
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
		return n
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "popsh test CA", Organization: []string{"popsh"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: CA: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: parse CA: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"popsh"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: server: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("generate certificate: marshal key: %w", err)
	}
	c := &Certificate{
		CAPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
	c.ChainPEM = append(append([]byte(nil), c.CertPEM...), c.CAPEM...)
	return c, nil
}

// TLSConfig returns a server tls.Config presenting the certificate.
func (c *Certificate) TLSConfig() (*tls.Config, error) {
	pair, err := tls.X509KeyPair(c.ChainPEM, c.KeyPEM)
	if err != nil {
		return nil, fmt.Errorf("tls config: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// Pool returns a certificate pool holding the CA, for clients
// (tls.Config.RootCAs).
func (c *Certificate) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(c.CAPEM)
	return p
}

// SelfSignedTLS generates a test CA and a server certificate for hosts
// (default "localhost", "127.0.0.1") and returns the server's tls.Config and
// a pool that clients use to verify it.
func SelfSignedTLS(hosts ...string) (*tls.Config, *x509.CertPool, error) {
	c, err := GenerateCertificate(hosts...)
	if err != nil {
		return nil, nil, err
	}
	opts, err := c.TLSConfig()
	if err != nil {
		return nil, nil, err
	}
	return opts, c.Pool(), nil
}
