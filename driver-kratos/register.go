package kratosdriver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/registry"

	"github.com/dtmkit/drivers/kit"
)

// registerTimeout bounds RegisterGrpcService and each deregistration.
const registerTimeout = 10 * time.Second

// registration is one instance RegisterGrpcService published.
type registration struct {
	c        *cluster
	instance *registry.ServiceInstance
}

// RegisterGrpcService is called once when dtm starts, with MicroService.Target
// and MicroService.EndPoint. It publishes endpoint in kratos' etcd registry as
// a kratos server does: key /microservices/<service>/<id>, a JSON
// ServiceInstance, a lease kept alive until Close. Each call gets its own
// instance ID, so dtm replicas do not overwrite each other.
//
// target is etcd://<hosts>/<service> or discovery://<hosts>/<service> (or
// go-zero's etcd:///<hosts>?key=<service>), with optional
// user, pass (or passwordFile, a file holding the password, read when the
// driver connects), tls=true, caPath, certPath and certKeyPath query
// parameters.
// endpoint is host:port or grpc://host:port. An empty target is a no-op.
// The first registry registered in is where discovery:///<service> resolves.
//
// A target of a registry plug-in's scheme (see AddRegistry) is registered
// by that plug-in, and revoked by Close too.
func (d *Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	if handled, err := d.registerInPlugin(target, endpoint); handled {
		return kit.DriverError(Name, err)
	}
	return kit.DriverError(Name, d.register(target, endpoint))
}

// register implements RegisterGrpcService for a non-empty target.
func (d *Driver) register(target, endpoint string) error {
	t, err := parseEtcdTarget(target, target, EtcdScheme, DiscoveryScheme)
	if err != nil {
		return err
	}
	endpoints, grpcAddr, err := instanceEndpoints(endpoint)
	if err != nil {
		return err
	}
	instance := &registry.ServiceInstance{ID: instanceID(grpcAddr), Name: t.Key, Endpoints: endpoints}

	ctx, cancel := context.WithTimeout(context.Background(), registerTimeout)
	defer cancel()
	s := d.session()
	c, err := s.clusterFor(ctx, t)
	if err != nil {
		return kit.NewURLError(target, "register "+t.Key, err)
	}
	c.regMu.Lock()
	err = c.registry.Register(ctx, instance)
	c.regMu.Unlock()
	if err != nil {
		return kit.NewURLError(target, fmt.Sprintf("register %s in etcd %s", t.Key, c.hosts), err)
	}

	r := registration{c: c, instance: instance}
	d.mu.Lock()
	closed := s.closed
	if !closed {
		s.registered = append(s.registered, r)
		if s.home == nil {
			s.home = c
			d.hasHome.Store(true)
		}
	}
	d.mu.Unlock()
	if closed {
		_ = r.deregister()
		return errClosed
	}
	return nil
}

// deregister removes the instance from etcd and stops its heartbeat.
func (r registration) deregister() error {
	ctx, cancel := context.WithTimeout(context.Background(), registerTimeout)
	defer cancel()
	r.c.regMu.Lock()
	defer r.c.regMu.Unlock()
	if err := r.c.registry.Deregister(ctx, r.instance); err != nil {
		return fmt.Errorf("%s: deregister %s/%s from etcd %s: %w", Name, r.instance.Name, r.instance.ID, r.c.hosts, err)
	}
	return nil
}

// instanceID names an instance by its address and a random suffix: unique
// per registration, readable in etcd.
func instanceID(grpcAddr string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return grpcAddr + "-" + hex.EncodeToString(b[:])
}
