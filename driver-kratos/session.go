package kratosdriver

import (
	"context"
	"errors"
	"sync"

	"github.com/dtmkit/drivers/kit"
)

// errClosed is returned by work that a Close interrupted.
var errClosed = errors.New(Name + ": driver closed")

// session is what a Driver holds between its first use and Close: the etcd
// clients, the instances it registered and the watches its resolvers share.
// Its fields are guarded by the driver's mutex, apart from those set once by
// newSession.
type session struct {
	d      *Driver
	ctx    context.Context
	cancel context.CancelFunc
	// clusters holds one etcd client per distinct host set and identity
	// (kit.EtcdTarget.ClusterKey); connecting is not counted in goroutines,
	// clusters.Close waits for it.
	clusters *kit.Connections[string, *cluster]
	// watches holds the watch of each cluster that has resolvers, by the
	// cluster's key.
	watches map[string]*clusterWatch
	// home is the cluster of the first registration, where
	// discovery:///<service> resolves.
	home       *cluster
	registered []registration
	// closed is set when Close starts; nothing is added afterwards.
	closed bool
	// goroutines counts every goroutine the session started (watches), so
	// Close can wait for them. Add is called with
	// the driver's mutex held and closed false.
	goroutines sync.WaitGroup
}

func newSession(d *Driver) *session {
	ctx, cancel := context.WithCancel(context.Background())
	return &session{d: d, ctx: ctx, cancel: cancel,
		clusters: kit.NewConnections[string, *cluster](ctx, errClosed),
		watches:  map[string]*clusterWatch{}}
}

// Close deregisters every instance RegisterGrpcService published, stops the
// resolvers and connections in progress, waits for every goroutine the
// session started, and closes the etcd clients (kratos' heartbeats end with
// their context). Connections dialled through the driver keep their last
// addresses. The driver can be used again afterwards.
func (d *Driver) Close() error {
	// plug-ins' registrations first, outside the lock: a revoke waits for
	// its registry
	pluginErr := d.revocations.RevokeAll()
	d.mu.Lock()
	s := d.s
	d.s = nil
	d.hasHome.Store(false)
	d.parsed.Reset()
	if s == nil {
		d.mu.Unlock()
		return pluginErr
	}
	s.closed = true
	registered := s.registered
	s.registered, s.watches = nil, nil
	d.mu.Unlock()

	errs := []error{pluginErr}
	for _, r := range registered {
		errs = append(errs, r.deregister())
	}
	s.cancel() // stops heartbeats, watches and connecting
	s.goroutines.Wait()
	s.clusters.Close((*cluster).close)
	return errors.Join(errs...)
}

// homeCluster returns the cluster discovery:///<service> resolves in.
func (s *session) homeCluster() (*cluster, error) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	if s.home == nil {
		return nil, errNoHome
	}
	return s.home, nil
}

// release drops a resolver's hold on its cluster's watch, and says whether
// it was the last, which must stop the watch.
func (s *session) release(w *clusterWatch) (last bool) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	w.resolvers--
	if w.resolvers > 0 {
		return false
	}
	if s.watches[w.key] == w {
		delete(s.watches, w.key)
	}
	return true
}
