package kratosdriver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	etcdregistry "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/dtmkit/drivers/kit"
)

// dialTimeout bounds connecting and authenticating to etcd.
const dialTimeout = 5 * time.Second

// cluster is one etcd client and the kratos registry on it, shared by every
// target that names the same hosts with the same credentials and TLS.
type cluster struct {
	key      string // kit.EtcdTarget.ClusterKey, in session.watches
	hosts    string
	client   *clientv3.Client
	registry *etcdregistry.Registry
	// regMu serializes Register and Deregister, which kratos' registry does
	// not guard.
	regMu sync.Mutex
}

// clusterFor returns the session's cluster of t, connecting on first use
// (kit.Connections: in the background, a failure forgotten), and waits
// until it is connected or ctx is done.
func (s *session) clusterFor(ctx context.Context, t kit.EtcdTarget) (*cluster, error) {
	s.d.mu.Lock()
	closed := s.closed
	s.d.mu.Unlock()
	if closed {
		return nil, errClosed
	}
	c, err := s.clusters.Get(ctx, t.ClusterKey(), func(ctx context.Context) (*cluster, error) { return connect(ctx, t) })
	if err != nil && err == ctx.Err() {
		return nil, fmt.Errorf("connect to etcd %s: %w", strings.Join(t.Hosts, ","), err)
	}
	return c, err
}

// connect creates the client; with credentials, clientv3 authenticates here,
// so a wrong password fails now rather than on every call. The registry's
// heartbeats end with ctx.
func connect(ctx context.Context, t kit.EtcdTarget) (*cluster, error) {
	c := &cluster{key: t.ClusterKey(), hosts: strings.Join(t.Hosts, ",")}
	who := ""
	if t.User != "" {
		who = " as user " + t.User
	}
	tlsConfig, err := t.TLS.TLSConfig()
	if err != nil {
		return nil, fmt.Errorf("etcd %s TLS: %w", c.hosts, err)
	}
	pass, err := t.Password()
	if err != nil {
		return nil, fmt.Errorf("connect to etcd %s%s: %w", c.hosts, who, err)
	}
	c.client, err = clientv3.New(clientv3.Config{
		Endpoints:   t.Hosts,
		DialTimeout: dialTimeout,
		Username:    t.User,
		Password:    pass,
		TLS:         tlsConfig,
		Context:     ctx,
		LogConfig:   quietEtcdLog(),
	})
	if err != nil {
		return nil, fmt.Errorf("connect to etcd %s%s: %w", c.hosts, who, err)
	}
	c.registry = etcdregistry.New(c.client, etcdregistry.Context(ctx), etcdregistry.Namespace(namespace))
	return c, nil
}

// close closes the client.
func (c *cluster) close() { _ = c.client.Close() }

// quietEtcdLog keeps the etcd client to errors: its warnings, about requests
// cancelled when the driver closes for instance, are routine here, and the
// driver reports real failures through its own errors.
func quietEtcdLog() *zap.Config {
	c := zap.NewProductionConfig()
	c.Level = zap.NewAtomicLevelAt(zap.ErrorLevel)
	return &c
}
