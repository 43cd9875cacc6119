package gozero

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// etcdBuilder resolves etcd:// and discov:// targets, in both of go-zero's
// forms, from the keys go-zero's publishers write: "<key>/<lease id>" holding
// a server's address. It reads them with a watch of its own rather than
// through go-zero's registry: in go-zero v1.10.3 that registry can deadlock
// after etcd comes back from an outage (its reload holds the cluster lock
// while waiting for watch goroutines that need the lock to retry), and from
// then on every new connection to a service of that cluster hangs in Build.
//
// Unlike go-zero's resolver it gives grpc every address, not a random
// subset of 32: dtm spreads its calls over all of them.
type etcdBuilder struct{ scheme string }

func (b etcdBuilder) Scheme() string { return b.scheme }

// Build starts the resolver and returns at once: connecting, reading and
// watching happen in its goroutine, and calls wait for the first state.
func (b etcdBuilder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	t, err := parseEtcdTarget(target.URL.String())
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	release := func() {}
	if hasIdentity(t) {
		// Recorded for the other targets on these hosts, as for publishing.
		if release, err = applySecurity(t); err != nil {
			return nil, kit.DriverError(Name, kit.NewURLError(target.URL.String(), "etcd credentials or TLS", err))
		}
	} else {
		t = withRecordedIdentity(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &etcdResolver{cc: cc, target: t, prefix: t.Key + "/", cancel: cancel, done: make(chan struct{}), forgetIdentity: release}
	go r.run(ctx)
	return r, nil
}

// readTimeout bounds one read of the service's keys.
const readTimeout = 5 * time.Second

// etcdResolver keeps grpc's address list equal to the values under prefix.
type etcdResolver struct {
	cc     resolver.ClientConn
	target kit.EtcdTarget
	prefix string
	cancel context.CancelFunc
	done   chan struct{}

	// forgetIdentity drops the identity the target recorded for its hosts,
	// when connecting with it failed, so that a corrected target is accepted.
	forgetIdentity func()

	// addrs maps each key under prefix to its address; only run uses it.
	addrs map[string]string
	// reported is the last address list given to grpc.
	reported []string
	closeMu  sync.Once
}

// ResolveNow does nothing: the watch reports every change.
func (*etcdResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops the resolver and waits for its goroutine, which returns its
// hold on the pooled etcd client.
func (r *etcdResolver) Close() {
	r.closeMu.Do(func() {
		r.cancel()
		<-r.done
	})
}

// run reads the keys, then watches them from the revision read, and starts
// over after any failure, with kit.RegistryBackoff: an etcd outage, a
// compacted revision, a client that could not connect. Every read replaces
// the whole list, so nothing a broken watch missed stays wrong.
func (r *etcdResolver) run(ctx context.Context) {
	defer close(r.done)
	kit.RegistryBackoff.Retry(ctx, r.attempt, func(err error) {
		r.cc.ReportError(kit.DriverError(Name, fmt.Errorf("resolve %s: %w", r.target, err)))
	})
}

// attempt reads and watches once, on the pooled client of the target.
func (r *etcdResolver) attempt(ctx context.Context) (progressed bool, err error) {
	shared := resolverClients.acquire(r.target)
	defer resolverClients.release(shared)
	progressed, err = r.readAndWatch(ctx, shared)
	if shared.failed() {
		resolverClients.forget(shared)
		r.forgetIdentity()
	}
	return progressed, err
}

// readAndWatch reads the keys and follows them until the watch breaks. It
// made progress if the read succeeded, and returns a nil error when the
// watch ended without one worth reporting.
func (r *etcdResolver) readAndWatch(ctx context.Context, shared *sharedEtcd) (progressed bool, err error) {
	cli, err := shared.wait(ctx)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	readCtx, cancel := context.WithTimeout(ctx, readTimeout)
	resp, err := cli.Get(readCtx, r.prefix, clientv3.WithPrefix())
	cancel()
	if err != nil {
		return false, fmt.Errorf("read %q: %w", r.prefix, err)
	}
	r.addrs = make(map[string]string, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		r.addrs[string(kv.Key)] = string(kv.Value)
	}
	r.report()
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	for wr := range cli.Watch(watchCtx, r.prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1)) {
		if err := wr.Err(); err != nil {
			return true, fmt.Errorf("watch %q: %w", r.prefix, err)
		}
		for _, ev := range wr.Events {
			if ev.Type == clientv3.EventTypeDelete {
				delete(r.addrs, string(ev.Kv.Key))
			} else {
				r.addrs[string(ev.Kv.Key)] = string(ev.Kv.Value)
			}
		}
		r.report()
	}
	return true, nil
}

// report gives grpc the distinct addresses, sorted, when they changed.
func (r *etcdResolver) report() {
	list := make([]string, 0, len(r.addrs))
	seen := make(map[string]bool, len(r.addrs))
	for _, a := range r.addrs {
		if !seen[a] {
			seen[a] = true
			list = append(list, a)
		}
	}
	sort.Strings(list)
	if r.reported != nil && strings.Join(list, ",") == strings.Join(r.reported, ",") {
		return
	}
	r.reported = list
	addrs := make([]resolver.Address, len(list))
	for i, a := range list {
		addrs[i] = resolver.Address{Addr: a}
	}
	// An error means the balancer refused the list (none of it usable);
	// grpc asks again through ResolveNow, and the next change reports anew.
	_ = r.cc.UpdateState(resolver.State{Addresses: addrs})
}
