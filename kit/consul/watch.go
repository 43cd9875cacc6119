package consul

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// readers bounds the services an agent watch reads at once.
const readers = 4

// agentWatch follows, for every resolver on one agent (one address,
// identity and set of query options), the passing instances of the services
// they resolve, with a fixed number of goroutines and connections however
// many services that is. consul's HTTP API has no watch across services,
// and a blocking query per service would cost a connection (and net/http's
// two goroutines) per target, and stop at the agent's limit of connections
// per client (200 by default). Instead two blocking queries tell the watch
// which services to read again:
//
//   - the catalog's service list, whose index moves with every registration
//     and deregistration: every followed service the list names, before or
//     after, is read again;
//   - the checks not passing, whose index moves with every change of any
//     check: a service whose checks enter, leave or change in that list is
//     read again, and every followed service when a node's check does.
//
// Any change to a service's passing instances is one or the other, so no
// change is missed; a service that is not registered costs nothing when
// others change. The price: a registration anywhere in the datacenter
// costs a read of every followed service that is registered (consul does
// not say which service a catalog change touched), four at a time, and an
// answer that did not change reaches no connection.
type agentWatch struct {
	key    watchKey
	a      *agent
	cancel context.CancelFunc
	wg     sync.WaitGroup

	wake chan struct{} // signalled when dirty gains a service

	mu sync.Mutex
	// services holds the followed services, by name and tag.
	services map[serviceKey]*watchedService
	// dirty holds the services due a read.
	dirty map[serviceKey]bool
	// catalog holds the names in the last catalog answer, and failing the
	// checks in the last answer of checks not passing; nil when there is
	// no answer to compare the next with (at the start, after an error).
	catalog map[string]bool
	failing map[checkKey]failingCheck
	// err says why the catalog or checks query fails, while it does.
	err error
	// seq numbers the states given to resolvers.
	seq uint64
}

// watchKey identifies the agent watch a target joins: what the agent's
// answers depend on, beyond the service and tag.
type watchKey struct {
	addr, user, pass, token, dc   string
	wait, timeout, maxBackoff     time.Duration
	stale, consistent, tls, insec bool
}

func keyOf(t Target) watchKey {
	return watchKey{addr: t.Addr, user: t.User, pass: t.Pass.Reveal(), token: t.Token.Reveal(), dc: t.Dc,
		wait: t.Wait, timeout: t.Timeout, maxBackoff: t.MaxBackoff,
		stale: t.AllowStale, consistent: t.RequireConsistent, tls: t.TLS, insec: t.Insecure}
}

// serviceKey is a followed service: its name and the tag its instances
// must have ("" for any).
type serviceKey struct{ name, tag string }

// watchedService is a followed service's last read and its resolvers.
type watchedService struct {
	entries   []Entry // nil before the first read
	resolvers []*consulResolver
}

// checkKey and failingCheck are a check in the list of checks not passing.
type checkKey struct{ node, id string }

type failingCheck struct{ service, status string }

// watches holds the running agent watches.
var watches kit.Shared[watchKey, *agentWatch]

// joinWatch adds r to the watch of its target's agent, starting the watch
// if r is its first resolver.
func joinWatch(r *consulResolver) *agentWatch {
	key := keyOf(r.t)
	w, _ := watches.Acquire(key, func() (*agentWatch, error) { return startWatch(key, r.t), nil })
	w.add(r)
	return w
}

// leave removes r, and stops the watch when r was its last resolver.
func (w *agentWatch) leave(r *consulResolver) {
	w.remove(r)
	watches.Release(w.key, (*agentWatch).stop)
}

// stop ends the watch's queries and reads, waits for its goroutines and
// closes its connections.
func (w *agentWatch) stop() {
	w.cancel()
	w.wg.Wait()
	w.a.close()
}

func startWatch(key watchKey, t Target) *agentWatch {
	// the watch's agent keeps what every target of the key shares
	t.Service, t.Tag, t.Near, t.Limit = "", "", "", 0
	a := newAgent(t)
	// the two blocking queries and the readers each keep a connection
	a.client.Transport.(*http.Transport).MaxIdleConnsPerHost = readers + 2
	ctx, cancel := context.WithCancel(context.Background())
	w := &agentWatch{key: key, a: a, cancel: cancel, wake: make(chan struct{}, 1),
		services: map[serviceKey]*watchedService{}, dirty: map[serviceKey]bool{}}
	w.wg.Add(3)
	go follow(ctx, w, w.readCatalog, w.catalogChanged)
	go follow(ctx, w, w.readFailingChecks, w.checksChanged)
	go w.readDirty(ctx)
	return w
}

func (w *agentWatch) backoff() kit.Backoff {
	maxDelay := w.a.t.MaxBackoff
	if maxDelay <= 0 {
		maxDelay = time.Second
	}
	return kit.Backoff{Min: minRetry, Max: maxDelay}
}

// follow runs one of the two blocking queries until ctx ends: read waits
// for an answer past index, and changed compares it with the last. After an
// error every resolver is told (w.fail), and the next answer counts as a
// change of everything: the agent may have lost its state or missed
// changes.
func follow[T any](ctx context.Context, w *agentWatch, read func(context.Context, uint64) (T, uint64, error), changed func(T)) {
	defer w.wg.Done()
	w.backoff().Retry(ctx, func(ctx context.Context) (progressed bool, err error) {
		var index uint64
		for {
			answer, got, err := read(ctx, index)
			if err != nil {
				return progressed, err
			}
			if !progressed || got != index {
				changed(answer)
			}
			progressed = true
			index = nextIndex(index, got)
		}
	}, w.fail)
}

// readCatalog reads the catalog's service names, past index.
func (w *agentWatch) readCatalog(ctx context.Context, index uint64) (map[string][]string, uint64, error) {
	var names map[string][]string
	got, err := w.a.query(ctx, "/v1/catalog/services", url.Values{}, index, &names)
	return names, got, err
}

// readFailingChecks reads the checks not passing, past index.
func (w *agentWatch) readFailingChecks(ctx context.Context, index uint64) (map[checkKey]failingCheck, uint64, error) {
	var checks []struct{ Node, CheckID, Status, ServiceName string }
	got, err := w.a.query(ctx, "/v1/health/state/any", url.Values{"filter": {`Status != "passing"`}}, index, &checks)
	if err != nil {
		return nil, 0, err
	}
	failing := make(map[checkKey]failingCheck, len(checks))
	for _, c := range checks {
		failing[checkKey{c.Node, c.CheckID}] = failingCheck{c.ServiceName, c.Status}
	}
	return failing, got, nil
}

// catalogChanged marks dirty every followed service the catalog names, or
// named last time.
func (w *agentWatch) catalogChanged(names map[string][]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.catalog
	w.catalog = make(map[string]bool, len(names))
	for name := range names {
		w.catalog[name] = true
	}
	w.err = nil
	for key := range w.services {
		if old == nil || old[key.name] || w.catalog[key.name] {
			w.markLocked(key)
		}
	}
}

// checksChanged marks dirty the followed services whose checks entered,
// left or changed in the list of checks not passing; all of them when a
// node's check did.
func (w *agentWatch) checksChanged(failing map[checkKey]failingCheck) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.failing
	w.failing = failing
	w.err = nil
	touched := map[string]bool{}
	all := old == nil
	note := func(c failingCheck) {
		if c.service == "" {
			all = true
		}
		touched[c.service] = true
	}
	for k, c := range failing {
		if oc, ok := old[k]; !ok || oc != c {
			note(c)
		}
	}
	for k, c := range old {
		if _, ok := failing[k]; !ok {
			note(c)
		}
	}
	for key := range w.services {
		if all || touched[key.name] {
			w.markLocked(key)
		}
	}
}

// markLocked marks a service due a read, with w.mu held.
func (w *agentWatch) markLocked(key serviceKey) {
	w.dirty[key] = true
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// readDirty reads the services due a read, a few at once, and gives their
// resolvers the result, until ctx ends. Services whose read failed are due
// again after a backoff, without holding up the others.
func (w *agentWatch) readDirty(ctx context.Context) {
	defer w.wg.Done()
	b := w.backoff()
	delay := b.Min
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	var failed []serviceKey // due again when retry fires
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-retry.C:
			w.mu.Lock()
			for _, key := range failed {
				if w.services[key] != nil {
					w.dirty[key] = true
				}
			}
			w.mu.Unlock()
			failed = nil
		}
		w.mu.Lock()
		due := w.dirty
		w.dirty = map[serviceKey]bool{}
		w.mu.Unlock()
		if len(due) == 0 {
			continue
		}
		more := w.readAll(ctx, due)
		switch {
		case len(more) > 0 && len(failed) == 0:
			failed = more
			retry.Reset(delay)
			delay = min(2*delay, b.Max)
		case len(more) > 0:
			failed = append(failed, more...) // due with the retry already set
		case len(failed) == 0:
			delay = b.Min
		}
	}
}

// readAll reads the services in due and returns those whose read failed.
func (w *agentWatch) readAll(ctx context.Context, due map[serviceKey]bool) []serviceKey {
	var (
		mu     sync.Mutex
		failed []serviceKey
		wg     sync.WaitGroup
		slots  = make(chan struct{}, readers)
	)
	for key := range due {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if !w.read(ctx, key) {
				mu.Lock()
				failed = append(failed, key)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}

// read reads a service's passing instances and gives them to its resolvers;
// on failure it tells them why, and returns false. By default the agent
// asks the leader, so the read is at least as new as the answer that made
// the service due; with allow-stale a server may answer from behind, and
// the service's next change corrects it.
func (w *agentWatch) read(ctx context.Context, key serviceKey) bool {
	entries, _, err := w.a.health(ctx, key.name, key.tag, true, 0)
	if ctx.Err() != nil {
		return true
	}
	w.mu.Lock()
	svc := w.services[key]
	if svc == nil {
		w.mu.Unlock()
		return true
	}
	due := append([]*consulResolver(nil), svc.resolvers...)
	if err == nil {
		if entries == nil {
			entries = []Entry{}
		}
		svc.entries = entries
	}
	w.seq++
	seq := w.seq
	w.mu.Unlock()
	for _, r := range due {
		if err != nil {
			r.reportError(err)
		} else {
			r.offer(seq, entries)
		}
	}
	return err == nil
}

// add starts giving r its service's instances: at once if the service was
// read already, else after a read.
func (w *agentWatch) add(r *consulResolver) {
	key := serviceKey{r.t.Service, r.t.Tag}
	w.mu.Lock()
	svc := w.services[key]
	if svc == nil {
		svc = &watchedService{}
		w.services[key] = svc
	}
	svc.resolvers = append(svc.resolvers, r)
	entries := svc.entries
	if entries == nil {
		w.markLocked(key)
	}
	w.seq++
	seq, err := w.seq, w.err
	w.mu.Unlock()
	if entries != nil {
		r.offer(seq, entries)
	}
	if err != nil {
		r.reportError(err)
	}
}

// remove stops giving r states.
func (w *agentWatch) remove(r *consulResolver) {
	key := serviceKey{r.t.Service, r.t.Tag}
	w.mu.Lock()
	defer w.mu.Unlock()
	svc := w.services[key]
	if svc == nil {
		return
	}
	svc.resolvers = slices.DeleteFunc(svc.resolvers, func(other *consulResolver) bool { return other == r })
	if len(svc.resolvers) == 0 {
		delete(w.services, key)
		delete(w.dirty, key)
	}
}

// fail tells every resolver why the watch's queries fail, keeps the reason
// for resolvers that join before they succeed again, and forgets the
// answers, so that the next counts as a change of everything.
func (w *agentWatch) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.catalog, w.failing = nil, nil
	var all []*consulResolver
	for _, svc := range w.services {
		all = append(all, svc.resolvers...)
	}
	w.mu.Unlock()
	for _, r := range all {
		r.reportError(err)
	}
}
