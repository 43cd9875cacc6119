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
	key   string // kit.EtcdTarget.ClusterKey, in session.clusters
	hosts string
	// ready is closed when client and registry, or err, are set.
	ready    chan struct{}
	client   *clientv3.Client
	registry *etcdregistry.Registry
	err      error
	// regMu serializes Register and Deregister, which kratos' registry does
	// not guard.
	regMu sync.Mutex
}

// clusterFor returns the cached cluster of t, connecting on first use, and
// waits until it is connected or ctx is done. The connection is made in a
// goroutine of the session, so a caller whose ctx ends (a resolver being
// closed) returns at once; the session's end stops it. A failed connection
// is forgotten, so the next call tries again.
func (s *session) clusterFor(ctx context.Context, t kit.EtcdTarget) (*cluster, error) {
	key := t.ClusterKey()
	s.d.mu.Lock()
	if s.closed {
		s.d.mu.Unlock()
		return nil, errClosed
	}
	c, found := s.clusters[key]
	if !found {
		c = &cluster{key: key, hosts: strings.Join(t.Hosts, ","), ready: make(chan struct{})}
		s.clusters[key] = c
		s.goroutines.Add(1)
		go func() {
			defer s.goroutines.Done()
			c.connect(s.ctx, t)
			if c.err != nil {
				s.d.mu.Lock()
				if s.clusters[key] == c {
					delete(s.clusters, key)
				}
				s.d.mu.Unlock()
			}
		}()
	}
	s.d.mu.Unlock()

	select {
	case <-c.ready:
		return c, c.err
	case <-ctx.Done():
		return nil, fmt.Errorf("connect to etcd %s: %w", c.hosts, ctx.Err())
	}
}

// connect creates the client; with credentials, clientv3 authenticates here,
// so a wrong password fails now rather than on every call.
func (c *cluster) connect(ctx context.Context, t kit.EtcdTarget) {
	defer close(c.ready)
	who := ""
	if t.User != "" {
		who = " as user " + t.User
	}
	tlsConfig, err := t.TLS.TLSConfig()
	if err != nil {
		c.err = fmt.Errorf("etcd %s TLS: %w", c.hosts, err)
		return
	}
	pass, err := t.Password()
	if err != nil {
		c.err = fmt.Errorf("connect to etcd %s%s: %w", c.hosts, who, err)
		return
	}
	client, err := clientv3.New(clientv3.Config{
		Endpoints:   t.Hosts,
		DialTimeout: dialTimeout,
		Username:    t.User,
		Password:    pass,
		TLS:         tlsConfig,
		Context:     ctx,
		LogConfig:   quietEtcdLog(),
	})
	if err != nil {
		c.err = fmt.Errorf("connect to etcd %s%s: %w", c.hosts, who, err)
		return
	}
	c.client = client
	c.registry = etcdregistry.New(client, etcdregistry.Context(ctx), etcdregistry.Namespace(namespace))
}

// close closes the client once connecting has finished.
func (c *cluster) close() {
	<-c.ready
	if c.client != nil {
		_ = c.client.Close()
	}
}

// quietEtcdLog keeps the etcd client to errors: its warnings, about requests
// cancelled when the driver closes for instance, are routine here, and the
// driver reports real failures through its own errors.
func quietEtcdLog() *zap.Config {
	c := zap.NewProductionConfig()
	c.Level = zap.NewAtomicLevelAt(zap.ErrorLevel)
	return &c
}
