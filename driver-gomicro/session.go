package gomicrodriver

import (
	"context"
	"errors"
	"sync"

	"github.com/dtmkit/drivers/kit"
)

// errClosed is returned by work that a Close interrupted.
var errClosed = errors.New(Name + ": driver closed")

// session is what a Driver holds between its first use and Close: the etcd
// clients, the registrations and the resolvers watching etcd. Its fields are
// guarded by the driver's mutex, apart from those set once by newSession.
type session struct {
	d      *Driver
	ctx    context.Context
	cancel context.CancelFunc
	// clusters holds one etcd client per distinct host set and identity
	// (kit.EtcdTarget.ClusterKey); connecting is not counted in goroutines,
	// clusters.Close waits for it.
	clusters   *kit.Connections[string, *cluster]
	registered []*registration
	// closed is set when Close starts; nothing is added afterwards.
	closed bool
	// goroutines counts every goroutine the session started (resolvers,
	// keep-alives), so Close can wait for them. Add is
	// called with the driver's mutex held and closed false.
	goroutines sync.WaitGroup
}

func newSession(d *Driver) *session {
	ctx, cancel := context.WithCancel(context.Background())
	return &session{d: d, ctx: ctx, cancel: cancel, clusters: kit.NewConnections[string, *cluster](ctx, errClosed)}
}

// goAdd starts f in a goroutine of the session, unless it is closed.
func (s *session) goAdd(f func()) error {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed {
		return errClosed
	}
	s.goroutines.Add(1)
	go func() {
		defer s.goroutines.Done()
		f()
	}()
	return nil
}

// Close withdraws every registration RegisterGrpcService made and waits
// (at most deregisterTimeout each) until etcd no longer lists it, stops the
// resolvers and connections in progress, waits for every goroutine the
// session started, and closes the etcd clients. Connections dialled through
// the driver keep their last addresses. The driver can be used again
// afterwards.
func (d *Driver) Close() error {
	d.mu.Lock()
	s := d.s
	d.s = nil
	if s == nil {
		d.mu.Unlock()
		return nil
	}
	s.closed = true
	registered := s.registered
	s.registered = nil
	d.mu.Unlock()

	var errs []error
	for _, r := range registered {
		errs = append(errs, r.deregister())
	}
	s.cancel() // stops resolvers and connecting
	s.goroutines.Wait()
	s.clusters.Close((*cluster).close)
	return errors.Join(errs...)
}
