package infra

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// clientTLS trusts the cluster's generated CA.
func (e *Etcd) clientTLS() (*tls.Config, error) {
	pem, err := os.ReadFile(e.Certs.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read etcd CA: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
