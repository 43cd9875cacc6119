package gozero

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zeromicro/go-zero/core/discov"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/dtmkit/drivers/kit"
)

// revokeTimeout bounds how long Close waits for one registration to go.
const revokeTimeout = 5 * time.Second

// publication keeps one endpoint published the way a zrpc server publishes
// itself: the value endpoint under "<key>/<lease id>", on a lease of
// discov.TimeToLive seconds kept alive. It uses the driver's pooled etcd
// client rather than go-zero's publisher, whose client is created with
// RejectOldCluster: etcd's client then fails to connect when any one of the
// listed members is down, so a dtm naming three members could not start
// while one was.
type publication struct {
	target   kit.EtcdTarget
	endpoint string
	shared   *sharedEtcd
	cli      *clientv3.Client
	stop     context.CancelFunc
	done     chan struct{}

	mu    sync.Mutex
	lease clientv3.LeaseID // the live lease, NoLease while there is none
}

// publish publishes endpoint under t's key and keeps it published until
// unpublish.
func publish(t kit.EtcdTarget, endpoint string) (*publication, error) {
	shared := resolverClients.acquire(t)
	ctx, cancel := context.WithTimeout(context.Background(), etcdDialTimeout)
	defer cancel()
	cli, err := shared.wait(ctx)
	var lease clientv3.LeaseID
	if err == nil {
		lease, err = putLeased(ctx, cli, t.Key, endpoint)
	}
	if err != nil {
		if shared.failed() {
			resolverClients.forget(shared)
		}
		resolverClients.release(shared)
		return nil, err
	}
	run, stop := context.WithCancel(context.Background())
	p := &publication{target: t, endpoint: endpoint, shared: shared, cli: cli, stop: stop, done: make(chan struct{}), lease: lease}
	go p.keepPublished(run)
	return p, nil
}

// putLeased grants a lease and puts endpoint under "<key>/<lease id>" on it.
func putLeased(ctx context.Context, cli *clientv3.Client, key, endpoint string) (clientv3.LeaseID, error) {
	granted, err := cli.Grant(ctx, discov.TimeToLive)
	if err != nil {
		return clientv3.NoLease, fmt.Errorf("grant a lease: %w", err)
	}
	if _, err := cli.Put(ctx, leasedKey(key, granted.ID), endpoint, clientv3.WithLease(granted.ID)); err != nil {
		// the lease, with nothing on it, expires by itself
		return clientv3.NoLease, fmt.Errorf("put the key: %w", err)
	}
	return granted.ID, nil
}

// leasedKey is go-zero's key for a value published on lease.
func leasedKey(key string, lease clientv3.LeaseID) string {
	return key + "/" + strconv.FormatInt(int64(lease), 10)
}

// keepPublished renews the lease until stopped. When the lease is lost
// (etcd unreachable for longer than its TTL, or the lease revoked by
// someone else) it publishes again on a new one, retrying with the
// resolver's back-off.
func (p *publication) keepPublished(ctx context.Context) {
	defer close(p.done)
	var backoff time.Duration
	for {
		lease := p.currentLease()
		if lease == clientv3.NoLease {
			putCtx, cancel := context.WithTimeout(ctx, etcdDialTimeout)
			l, err := putLeased(putCtx, p.cli, p.target.Key, p.endpoint)
			cancel()
			if err != nil {
				backoff = min(max(2*backoff, kit.RegistryBackoff.Min), kit.RegistryBackoff.Max)
				if !kit.Sleep(ctx, backoff) {
					return
				}
				continue
			}
			backoff = 0
			lease = l
			p.setLease(l)
		}
		p.hold(ctx, lease)
		if ctx.Err() != nil {
			return
		}
		p.setLease(clientv3.NoLease)
	}
}

// hold keeps lease alive and its key in place (a key deleted by someone
// else is put back, as go-zero's publisher does) until the lease is lost or
// ctx ends.
func (p *publication) hold(ctx context.Context, lease clientv3.LeaseID) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	alive, err := p.cli.KeepAlive(ctx, lease)
	if err != nil {
		return
	}
	key := leasedKey(p.target.Key, lease)
	deleted := p.cli.Watch(ctx, key, clientv3.WithFilterPut())
	for {
		select {
		case _, ok := <-alive:
			if !ok {
				return // expired, revoked, or ctx ended
			}
		case wr, ok := <-deleted:
			if !ok {
				return
			}
			if wr.Err() != nil {
				// a broken watch (compaction, say): watch again from now
				deleted = p.cli.Watch(ctx, key, clientv3.WithFilterPut())
				continue
			}
			if len(wr.Events) > 0 {
				_, _ = p.cli.Put(ctx, key, p.endpoint, clientv3.WithLease(lease))
			}
		}
	}
}

func (p *publication) currentLease() clientv3.LeaseID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lease
}

func (p *publication) setLease(l clientv3.LeaseID) {
	p.mu.Lock()
	p.lease = l
	p.mu.Unlock()
}

// unpublish stops the renewal and revokes the lease, which deletes the key
// before it returns, then gives the pooled client back.
func (p *publication) unpublish() error {
	p.stop()
	<-p.done
	defer resolverClients.release(p.shared)
	lease := p.currentLease()
	if lease == clientv3.NoLease {
		return nil // lost, and not yet published again: nothing is listed
	}
	ctx, cancel := context.WithTimeout(context.Background(), revokeTimeout)
	defer cancel()
	if _, err := p.cli.Revoke(ctx, lease); err != nil {
		return fmt.Errorf("%s: close registration of %s under key %q on etcd %s%s: revoke its lease: %w",
			Name, p.endpoint, p.target.Key, strings.Join(p.target.Hosts, ","), asUser(p.target), redactErr(err))
	}
	return nil
}
