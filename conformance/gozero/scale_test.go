package gozero_test

import (
	"context"
	"fmt"
	"net"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// NewAddrRegistrar writes instances as go-zero's publisher does: the
// address under "<key>/<id>" on a lease, with the port as the id (the
// publisher's WithId form; its default id is the lease's, one lease per
// instance, where the registrar shares one).
func (h *harness) NewAddrRegistrar(ctx context.Context) (conformance.AddrRegistrar, error) {
	return infra.NewEtcdRegistrar(ctx, h.etcd, func(service, addr string) (string, string, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return "", "", fmt.Errorf("instance address %q: %w", addr, err)
		}
		return service + "/" + port, addr, nil
	})
}
