package kratosdriver

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// readTimeout bounds one read of the namespace, so that an etcd member that
// accepts requests and never answers is asked again.
const readTimeout = dialTimeout

// stallTimeout is how long a watch may go without a first read before the
// connections are told why their calls wait. etcd calls wait for a
// connection rather than fail, so without it an unreachable etcd would go
// unreported.
var stallTimeout = dialTimeout

// clusterWatch follows every kratos instance of one etcd cluster with a
// single prefix watch on the registry's namespace, and gives each resolver
// of the cluster the instances of its service. kratos' own watcher opens an
// etcd watch, and goroutines, per service; here a resolver costs no
// goroutine and a few hundred bytes, however many services dtm resolves.
//
// The watch starts with the cluster's first resolver and stops with its
// last. It reads the namespace, then watches it from the revision read;
// after any failure (etcd down, a compacted revision, a member without a
// leader) it reads again, with backoff, and every resolver gets its state
// anew.
type clusterWatch struct {
	key    string // the cluster's, in session.watches
	find   func(context.Context) (*cluster, error)
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	// resolvers counts the open resolvers; guarded by the driver's mutex.
	resolvers int

	mu sync.Mutex
	// services holds each service with instances or resolvers.
	services map[string]*kratosService
	// owners names the service of every instance in services, by etcd key:
	// a deletion carries the key only.
	owners map[string]string
	// loaded is set once services hold a read of etcd; reads counts them.
	loaded bool
	reads  uint64
	// err says why the watch is not running, while it is not.
	err error
	// seq numbers the states given to resolvers, so that none gets an
	// older state after a newer one.
	seq uint64
}

// kratosService is one service's instances and the resolvers following it.
type kratosService struct {
	// instances maps etcd keys to plain grpc addresses.
	instances map[string]string
	resolvers []*watchResolver
}

// delivery is a state due to a resolver.
type delivery struct {
	r     *watchResolver
	addrs []resolver.Address
}

func newClusterWatch(key string, find func(context.Context) (*cluster, error), cancel context.CancelFunc) *clusterWatch {
	return &clusterWatch{key: key, find: find, cancel: cancel, done: make(chan struct{}),
		services: map[string]*kratosService{}, owners: map[string]string{}}
}

// run reads and watches until ctx is done.
func (w *clusterWatch) run(ctx context.Context) {
	defer close(w.done)
	kit.RegistryBackoff.Retry(ctx, w.readAndWatch, w.fail)
}

// readAndWatch reads every instance in the namespace, gives each resolver
// its service's, then follows changes until the watch fails. It made
// progress if the watch started.
func (w *clusterWatch) readAndWatch(ctx context.Context) (progressed bool, err error) {
	w.mu.Lock()
	reads := w.reads
	w.mu.Unlock()
	stall := time.AfterFunc(stallTimeout, func() {
		w.failSince(reads, fmt.Errorf("no answer from etcd within %s, still trying", stallTimeout))
	})
	defer stall.Stop()
	// ending this attempt's context closes its etcd watch stream
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := w.find(ctx)
	if err != nil {
		return false, err
	}
	readCtx, cancelRead := context.WithTimeout(ctx, readTimeout)
	resp, err := c.client.Get(readCtx, namespace+"/", clientv3.WithPrefix())
	cancelRead()
	if err != nil {
		return false, fmt.Errorf("read %s/ in etcd %s: %w", namespace, c.hosts, err)
	}
	stall.Stop()
	w.mu.Lock()
	w.services, w.owners = keepResolvers(w.services), make(map[string]string, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		w.put(kv.Key, kv.Value, nil)
	}
	w.loaded, w.err = true, nil
	w.reads++
	all := make(map[*kratosService]bool, len(w.services))
	for _, svc := range w.services {
		all[svc] = true
	}
	seq, due := w.statesLocked(all)
	w.mu.Unlock()
	deliver(seq, due)

	// WithRequireLeader: a member cut off from the others ends the watch,
	// and the read after it fails until there is a leader again, rather
	// than the watch going silent. WithCreatedNotify: a watch that etcd
	// refuses at once is no progress.
	watch := c.client.Watch(clientv3.WithRequireLeader(ctx), namespace+"/", clientv3.WithPrefix(),
		clientv3.WithRev(resp.Header.Revision+1), clientv3.WithCreatedNotify())
	for wr := range watch {
		if err := wr.Err(); err != nil {
			return progressed, fmt.Errorf("watch %s/ in etcd %s: %w", namespace, c.hosts, err)
		}
		progressed = true
		w.apply(wr.Events)
	}
	return progressed, fmt.Errorf("watch %s/ in etcd %s: ended", namespace, c.hosts)
}

// keepResolvers returns the services that have resolvers, without their
// instances, for a new read.
func keepResolvers(services map[string]*kratosService) map[string]*kratosService {
	kept := make(map[string]*kratosService, len(services))
	for name, svc := range services {
		if len(svc.resolvers) > 0 {
			kept[name] = &kratosService{resolvers: svc.resolvers}
		}
	}
	return kept
}

// apply applies a batch of changes and gives the resolvers of each service
// changed its new state.
func (w *clusterWatch) apply(events []*clientv3.Event) {
	if len(events) == 0 {
		return
	}
	changed := make(map[*kratosService]bool)
	w.mu.Lock()
	for _, ev := range events {
		if ev.Type == clientv3.EventTypeDelete {
			w.drop(string(ev.Kv.Key), changed)
		} else {
			w.put(ev.Kv.Key, ev.Kv.Value, changed)
		}
	}
	seq, due := w.statesLocked(changed)
	w.mu.Unlock()
	deliver(seq, due)
}

// put records the instance stored at key, replacing what the key held, and
// marks the services it changes. Values without a plain grpc endpoint, or
// that kratos' watcher would not give their service, hold nothing dtm can
// dial: the key is dropped.
func (w *clusterWatch) put(key, value []byte, changed map[*kratosService]bool) {
	k := string(key)
	w.drop(k, changed)
	name, addr := instanceAddr(k, value)
	if addr == "" {
		return
	}
	svc := w.services[name]
	if svc == nil {
		svc = &kratosService{}
		w.services[name] = svc
	}
	if svc.instances == nil {
		svc.instances = map[string]string{}
	}
	svc.instances[k] = addr
	w.owners[k] = name
	if changed != nil {
		changed[svc] = true
	}
}

// drop forgets the instance stored at key, if any, and marks its service.
func (w *clusterWatch) drop(key string, changed map[*kratosService]bool) {
	name, ok := w.owners[key]
	if !ok {
		return
	}
	delete(w.owners, key)
	svc := w.services[name]
	delete(svc.instances, key)
	if changed != nil {
		changed[svc] = true
	}
	if len(svc.instances) == 0 && len(svc.resolvers) == 0 {
		delete(w.services, name)
	}
}

// statesLocked numbers a new state for the resolvers of the given services
// and returns what each is due.
func (w *clusterWatch) statesLocked(services map[*kratosService]bool) (uint64, []delivery) {
	w.seq++
	var due []delivery
	for svc := range services {
		if len(svc.resolvers) == 0 {
			continue
		}
		addrs := svc.addresses()
		for i, r := range svc.resolvers {
			if i > 0 { // each connection its own slice: grpc may keep it
				addrs = append([]resolver.Address(nil), addrs...)
			}
			due = append(due, delivery{r: r, addrs: addrs})
		}
	}
	return w.seq, due
}

func deliver(seq uint64, due []delivery) {
	for _, d := range due {
		d.r.deliver(seq, d.addrs)
	}
}

// add starts giving r the instances of its service: at once when the watch
// has read etcd, with the reason when the watch is failing.
func (w *clusterWatch) add(r *watchResolver) {
	w.mu.Lock()
	svc := w.services[r.service]
	if svc == nil {
		svc = &kratosService{}
		w.services[r.service] = svc
	}
	svc.resolvers = append(svc.resolvers, r)
	var seq uint64
	var addrs []resolver.Address
	if w.loaded {
		w.seq++
		seq, addrs = w.seq, svc.addresses()
	}
	err := w.err
	w.mu.Unlock()
	if seq != 0 {
		r.deliver(seq, addrs)
	}
	if err != nil {
		r.reportError(err)
	}
}

// remove stops giving r states.
func (w *clusterWatch) remove(r *watchResolver) {
	w.mu.Lock()
	defer w.mu.Unlock()
	svc := w.services[r.service]
	if svc == nil {
		return
	}
	svc.resolvers = slices.DeleteFunc(svc.resolvers, func(other *watchResolver) bool { return other == r })
	if len(svc.resolvers) == 0 {
		svc.resolvers = nil
		if len(svc.instances) == 0 {
			delete(w.services, r.service)
		}
	}
}

// fail tells every resolver why the watch is not running, and keeps the
// reason for resolvers that start before it runs again. Their connections
// keep the last instances read.
func (w *clusterWatch) fail(err error) {
	w.mu.Lock()
	w.failLocked(err)
}

// failSince fails the watch unless it read etcd after the given count of
// reads: a stall reported late must not undo a read.
func (w *clusterWatch) failSince(reads uint64, err error) {
	w.mu.Lock()
	if w.reads != reads {
		w.mu.Unlock()
		return
	}
	w.failLocked(err)
}

// failLocked is fail with w.mu held, which it releases.
func (w *clusterWatch) failLocked(err error) {
	w.err = err
	var all []*watchResolver
	for _, svc := range w.services {
		all = append(all, svc.resolvers...)
	}
	w.mu.Unlock()
	for _, r := range all {
		r.reportError(err)
	}
}
