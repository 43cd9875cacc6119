package gozero

import (
	"context"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/dtmkit/drivers/kit"
)

// etcdDialTimeout bounds connecting, and authenticating, to etcd.
const etcdDialTimeout = 5 * time.Second

// etcdClients shares one etcd client among the resolvers of every target
// that names the same hosts with the same identity (kit.EtcdTarget's
// ClusterKey): dtm resolves a branch service per target, and a client per
// target would be a connection and its goroutines each. A client lives
// while a resolver holds it: the last release closes it, so no goroutine of
// it outlives the connections that used it.
type etcdClients struct {
	mu      sync.Mutex
	clients map[string]*sharedEtcd
}

// resolverClients is the process's pool: grpc's resolver registry, whose
// builders use it, is process-wide too.
var resolverClients = &etcdClients{clients: map[string]*sharedEtcd{}}

// sharedEtcd is one pooled client. It connects in a goroutine of its own,
// so that a resolver being closed stops waiting at once; refs counts the
// resolvers holding it.
type sharedEtcd struct {
	key    string
	refs   int
	cancel context.CancelFunc
	// ready is closed once cli or err is set.
	ready chan struct{}
	cli   *clientv3.Client
	err   error
}

// acquire returns the pooled client of t, starting its connection if no
// resolver holds one; the caller releases it.
func (p *etcdClients) acquire(t kit.EtcdTarget) *sharedEtcd {
	key := t.ClusterKey()
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.clients[key]
	if !ok {
		ctx, cancel := context.WithCancel(context.Background())
		c = &sharedEtcd{key: key, cancel: cancel, ready: make(chan struct{})}
		p.clients[key] = c
		go c.connect(ctx, t)
	}
	c.refs++
	return c
}

// release drops one hold on c; the last closes its client. A client whose
// connection failed is dropped at once, so the next acquire tries again.
func (p *etcdClients) release(c *sharedEtcd) {
	p.mu.Lock()
	c.refs--
	last := c.refs == 0
	if last && p.clients[c.key] == c {
		delete(p.clients, c.key)
	}
	p.mu.Unlock()
	if last {
		c.cancel()
		go func() { // after connect has returned: it may still be dialling
			<-c.ready
			if c.cli != nil {
				_ = c.cli.Close()
			}
		}()
	}
}

// forget removes a client whose connection failed from the pool, so that
// the next acquire dials again; its holders still release it.
func (p *etcdClients) forget(c *sharedEtcd) {
	p.mu.Lock()
	if p.clients[c.key] == c {
		delete(p.clients, c.key)
	}
	p.mu.Unlock()
}

// wait returns the connected client, or the connection's error, or ctx's.
func (c *sharedEtcd) wait(ctx context.Context) (*clientv3.Client, error) {
	select {
	case <-c.ready:
		return c.cli, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// failed reports whether the connection was made and failed.
func (c *sharedEtcd) failed() bool {
	select {
	case <-c.ready:
		return c.err != nil
	default:
		return false
	}
}

// connect dials t's hosts with its identity. The password (or its file) is
// read now, so a rotated file reaches the next connection.
func (c *sharedEtcd) connect(ctx context.Context, t kit.EtcdTarget) {
	defer close(c.ready)
	cfg := clientv3.Config{
		Endpoints:   t.Hosts,
		DialTimeout: etcdDialTimeout,
		Context:     ctx,
		Logger:      zap.NewNop(),
	}
	if t.User != "" {
		pass, err := t.Password()
		if err != nil {
			c.err = err
			return
		}
		cfg.Username, cfg.Password = t.User, pass
	}
	tlsConfig, err := t.TLS.TLSConfig()
	if err != nil {
		c.err = err
		return
	}
	cfg.TLS = tlsConfig
	c.cli, c.err = clientv3.New(cfg)
}
