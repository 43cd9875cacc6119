// Package embedded starts the infrastructure of the examples inside their
// process, so they run on a machine with nothing installed: etcd, and the dtm
// server with the example's driver.
package embedded

import (
	"fmt"
	"path/filepath"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance/infra"
)

// Etcd starts a one-member etcd with its data under dir.
func Etcd(dir string, say func(string, ...any)) (*infra.Etcd, error) {
	e, err := infra.StartEtcd(infra.EtcdOptions{Dir: filepath.Join(dir, "etcd")})
	if err != nil {
		return nil, fmt.Errorf("start embedded etcd: %w", err)
	}
	say("etcd  listening on %s", e.Hosts())
	return e, nil
}

// Dtm starts dtm with driver, registering itself as registration says, with
// its boltdb store under dir. dtm's own logs are kept out of the example's
// output.
func Dtm(driver string, registration func(grpcAddr string) (target, endpoint string), dir string, say func(string, ...any)) (*infra.Dtm, error) {
	infra.CaptureDtmLogs(nil, false)
	var target string
	d, err := infra.StartDtm(infra.DtmOptions{
		Driver: driver,
		Dir:    dir,
		Registration: func(grpcAddr string) (string, string) {
			t, endpoint := registration(grpcAddr)
			target = t
			return t, endpoint
		},
	})
	if err != nil {
		return nil, fmt.Errorf("start dtm: %w", err)
	}
	say("dtm   listening on %s, registered through %s as %s", d.GrpcAddr, driver, target)
	return d, nil
}

// CloseDriver closes the dtm driver in use, if it has a Close method, so
// that its registry clients end before the embedded registry does.
func CloseDriver() {
	if c, ok := dtmdriver.GetDriver().(interface{ Close() error }); ok {
		_ = c.Close()
	}
}
