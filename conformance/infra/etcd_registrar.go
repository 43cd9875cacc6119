package infra

import (
	"context"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// EtcdRegistrar writes instances at bare addresses into etcd, each under
// the key and with the value a framework's etcd registry writes (given by
// Format), on one lease of its own, through an etcd client of its own: the
// conformance Scale benchmark's conformance.AddrRegistrar for etcd
// registries. Close revokes the lease, which removes what remains.
type EtcdRegistrar struct {
	client *clientv3.Client
	lease  clientv3.LeaseID
	format func(service, addr string) (key, value string, err error)

	mu   sync.Mutex
	keys map[[2]string]string // by service and address
}

// etcdRegistrarTTL is the registrar's lease: long enough for any benchmark,
// so that it needs no keep-alive, and short enough that a crashed run's
// keys go.
const etcdRegistrarTTL = 10 * time.Minute

// etcdRegistrarWorkers bounds the writes in flight for one Register.
const etcdRegistrarWorkers = 8

// NewEtcdRegistrar opens a client on e and grants the lease. format returns
// the key and value of the instance of service at addr.
func NewEtcdRegistrar(ctx context.Context, e *Etcd, format func(service, addr string) (key, value string, err error)) (*EtcdRegistrar, error) {
	client, err := e.Client()
	if err != nil {
		return nil, err
	}
	lease, err := client.Grant(ctx, int64(etcdRegistrarTTL/time.Second))
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("grant the registrar's lease: %w", err)
	}
	return &EtcdRegistrar{client: client, lease: lease.ID, format: format, keys: map[[2]string]string{}}, nil
}

// Register puts the instances of service at addrs.
func (r *EtcdRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return Each(ctx, addrs, etcdRegistrarWorkers, func(addr string) error {
		key, value, err := r.format(service, addr)
		if err != nil {
			return err
		}
		if _, err := r.client.Put(ctx, key, value, clientv3.WithLease(r.lease)); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		r.mu.Lock()
		r.keys[[2]string{service, addr}] = key
		r.mu.Unlock()
		return nil
	})
}

// Deregister deletes the key of the instance of service at addr.
func (r *EtcdRegistrar) Deregister(ctx context.Context, service, addr string) error {
	r.mu.Lock()
	key, ok := r.keys[[2]string{service, addr}]
	delete(r.keys, [2]string{service, addr})
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("%s is no instance of %s this registrar registered", addr, service)
	}
	if _, err := r.client.Delete(ctx, key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// Close revokes the lease, removing the keys that remain, and closes the
// client.
func (r *EtcdRegistrar) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := r.client.Revoke(ctx, r.lease)
	if cerr := r.client.Close(); err == nil && cerr != nil {
		return fmt.Errorf("close the registrar's etcd client: %w", cerr)
	}
	if err != nil {
		return fmt.Errorf("revoke the registrar's lease: %w", err)
	}
	return nil
}
