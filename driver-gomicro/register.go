package gomicrodriver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/dtmkit/drivers/kit"
)

// Registration timing. The lease outlives a keep-alive gap of a few seconds
// (an etcd leader election) and is gone soon after dtm dies without Close.
const (
	// leaseTTL is the lease of dtm's key, in seconds, kept alive until Close.
	leaseTTL = 15
	// registerTimeout bounds RegisterGrpcService, and each attempt to
	// register again after the lease was lost.
	registerTimeout = 10 * time.Second
	// deregisterTimeout bounds Close's withdrawal of one registration,
	// including the wait until etcd no longer lists it.
	deregisterTimeout = 10 * time.Second
)

// registration is one node RegisterGrpcService published.
type registration struct {
	c    *cluster
	name string // the service, MicroService.Target's key
	key  string // its node's etcd key
	// value is the node's JSON, as go-micro's registry writes it.
	value []byte

	mu    sync.Mutex
	lease clientv3.LeaseID // the lease of the key's current version

	cancel context.CancelFunc // stops keepAlive
	done   chan struct{}      // closed when keepAlive returns
}

// RegisterGrpcService is called once when dtm starts, with MicroService.Target
// and MicroService.EndPoint. It publishes endpoint in go-micro's etcd
// registry as a go-micro gRPC server does: key /micro/registry/<service>/<id>,
// the service as JSON with one node of metadata protocol=grpc, on a lease kept
// alive until Close (and granted again if etcd loses it). Each call gets its
// own node ID, so dtm replicas do not overwrite each other.
//
// target is gomicro://<etcd hosts>/<service>, with optional user, pass (or
// passwordFile, a file holding the password, read when the driver connects),
// tls=true, caFile, certFile, certKeyFile and insecureSkipVerify query
// parameters. endpoint is host:port. An empty target is a no-op.
func (d *Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	return kit.DriverError(Name, d.register(target, endpoint))
}

// register implements RegisterGrpcService for a non-empty target.
func (d *Driver) register(target, endpoint string) error {
	t, err := parseTarget(target, target)
	if err != nil {
		return err
	}
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return kit.NewURLError(endpoint, "EndPoint must be host:port", err)
	}
	id := nodeID(t.Key)
	value, err := dtmNode(t.Key, id, endpoint)
	if err != nil {
		return fmt.Errorf("encode %s: %w", t.Key, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), registerTimeout)
	defer cancel()
	s := d.session()
	c, err := s.clusterFor(ctx, t)
	if err != nil {
		return kit.NewURLError(target, "register "+t.Key, err)
	}
	r := &registration{c: c, name: t.Key, key: nodeKey(t.Key, id), value: value, done: make(chan struct{})}
	if err := r.put(ctx); err != nil {
		return kit.NewURLError(target, fmt.Sprintf("register %s in etcd %s", t.Key, c.hosts), err)
	}

	d.mu.Lock()
	closed := s.closed
	if !closed {
		var kctx context.Context
		kctx, r.cancel = context.WithCancel(s.ctx)
		s.registered = append(s.registered, r)
		s.goroutines.Add(1)
		go func() {
			defer s.goroutines.Done()
			defer close(r.done)
			r.keepAlive(kctx)
		}()
	}
	d.mu.Unlock()
	if closed {
		close(r.done)
		r.cancel = func() {}
		_ = r.deregister()
		return errClosed
	}
	return nil
}

// put grants a lease and writes the node on it.
func (r *registration) put(ctx context.Context) error {
	lease, err := r.c.client.Grant(ctx, leaseTTL)
	if err != nil {
		return fmt.Errorf("grant a lease: %w", err)
	}
	if _, err := r.c.client.Put(ctx, r.key, string(r.value), clientv3.WithLease(lease.ID)); err != nil {
		_, _ = r.c.client.Revoke(ctx, lease.ID)
		return fmt.Errorf("put %s: %w", r.key, err)
	}
	r.mu.Lock()
	r.lease = lease.ID
	r.mu.Unlock()
	return nil
}

// keepAlive keeps the lease alive until ctx ends. When etcd loses the lease
// (it expired while etcd was unreachable, or etcd lost its data), the node is
// written again on a new lease, retrying with backoff.
func (r *registration) keepAlive(ctx context.Context) {
	delay := minRetry
	for {
		r.mu.Lock()
		lease := r.lease
		r.mu.Unlock()
		if lease != 0 {
			if ch, err := r.c.client.KeepAlive(ctx, lease); err == nil {
				for range ch { // closed when the lease is lost or ctx ends
					delay = minRetry
				}
			}
		}
		if ctx.Err() != nil {
			return
		}
		// the lease is gone: register again
		if !kit.Sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, maxRetry)
		pctx, cancel := context.WithTimeout(ctx, registerTimeout)
		if err := r.put(pctx); err != nil {
			r.mu.Lock()
			r.lease = 0
			r.mu.Unlock()
		}
		cancel()
	}
}

// deregister stops the keep-alive, removes the node from etcd and waits
// until etcd no longer lists it, within deregisterTimeout.
func (r *registration) deregister() error {
	r.cancel()
	<-r.done
	ctx, cancel := context.WithTimeout(context.Background(), deregisterTimeout)
	defer cancel()
	r.mu.Lock()
	lease := r.lease
	r.mu.Unlock()
	fail := func(err error) error {
		return fmt.Errorf("%s: deregister %s from etcd %s: %w", Name, r.key, r.c.hosts, err)
	}
	if lease != 0 {
		_, _ = r.c.client.Revoke(ctx, lease) // deletes the key; gone already if the lease expired
	}
	for {
		if _, err := r.c.client.Delete(ctx, r.key); err != nil {
			return fail(err)
		}
		resp, err := r.c.client.Get(ctx, r.key, clientv3.WithCountOnly())
		if err != nil {
			return fail(err)
		}
		if resp.Count == 0 {
			return nil
		}
		if !kit.Sleep(ctx, minRetry) {
			return fail(fmt.Errorf("still listed after %s", deregisterTimeout))
		}
	}
}

// nodeID names dtm's node as go-micro names its servers' nodes,
// <service>-<uuid>: unique per registration.
func nodeID(name string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // never fails since Go 1.24
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return name + "-" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
