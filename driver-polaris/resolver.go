package polaris

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/polarismesh/polaris-go/api"
	"github.com/polarismesh/polaris-go/pkg/model"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// builder builds resolvers for polaris:// targets. grpc's registry is
// process-wide: the builder points at the Driver that registered it, whose
// SDK context its resolvers read and whose Close stops them.
type builder struct{ d *Driver }

// Scheme returns PolarisScheme.
func (builder) Scheme() string { return PolarisScheme }

// Build checks the target, makes sure the SDK context exists and starts a
// resolver. The first resolution happens in the resolver's goroutine. Its
// errors name the driver.
func (b builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	t, err := targetFromURL(&target.URL)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &polarisResolver{
		d:      b.d,
		target: t,
		cc:     cc,
		poked:  make(chan struct{}, 1),
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
	if err := b.d.startResolver(r); err != nil {
		cancel()
		return nil, kit.DriverError(Name, err)
	}
	return r, nil
}

// targetFromURL checks a dial target as grpc parsed it.
func targetFromURL(u *url.URL) (serviceTarget, error) {
	raw := u.String()
	if u.User != nil {
		return serviceTarget{}, kit.NewURLError(raw, "no user info: want polaris://<service>[?namespace=<ns>]", nil)
	}
	if u.Path != "" && u.Path != "/" {
		return serviceTarget{}, kit.NewURLError(raw, "a service name holds no '/': want polaris://<service>[?namespace=<ns>]", nil)
	}
	return parseTarget(raw, u.Host, u.RawQuery)
}

// polarisResolver reports the usable instances of one service: healthy, not
// isolated, weight > 0, with the wanted metadata. It re-reads them from
// polaris-go's cache when polaris-go notifies a change, when grpc asks, and
// every refresh interval as a safety net.
type polarisResolver struct {
	d       *Driver
	target  serviceTarget
	cc      resolver.ClientConn
	refresh time.Duration // set by startResolver
	poked   chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}

	// owned by run
	sdk   api.SDKContext // the context watched, nil when none
	watch *model.WatchAllInstancesResponse
	sent  bool   // whether last holds a state reported to grpc
	last  string // the state last reported, as a comparable string
}

// ResolveNow asks for a resolution soon.
func (r *polarisResolver) ResolveNow(resolver.ResolveNowOptions) { r.poke() }

// Close stops the resolver and its watch, and waits for its goroutine.
func (r *polarisResolver) Close() {
	r.cancel()
	<-r.done
}

// OnInstancesUpdate is polaris-go's change notification. polaris-go calls it
// from a new goroutine per change, so the update it carries may be stale by
// the time it runs: it only triggers a fresh read.
func (r *polarisResolver) OnInstancesUpdate(*model.InstancesResponse) { r.poke() }

func (r *polarisResolver) poke() {
	select {
	case r.poked <- struct{}{}:
	default:
	}
}

func (r *polarisResolver) run() {
	defer close(r.done)
	defer r.d.resolverDone(r)
	defer r.unwatch()
	var backoff time.Duration
	for {
		wait := r.refresh
		if r.resolve() {
			backoff = 0
		} else {
			// an error was reported: try again soon rather than at the
			// next refresh, doubling up to it
			backoff = min(max(2*backoff, firstRetry), r.refresh)
			wait = backoff
		}
		timer := time.NewTimer(wait)
		select {
		case <-r.ctx.Done():
			timer.Stop()
			return
		case <-r.poked:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Retrying a failed read: attempts before an error is reported (polaris-go
// fails a read outright when its connection to the server is being
// replaced), and the first delay after one is.
const (
	readAttempts = 3
	firstRetry   = 100 * time.Millisecond
)

// resolve reads the instances and reports them if they changed. It reports
// false when it reported an error instead.
func (r *polarisResolver) resolve() bool {
	sdk := r.d.current()
	if sdk == nil || sdk.IsDestroyed() {
		// Close is stopping this resolver; the connection keeps the
		// addresses it has.
		return true
	}
	if sdk != r.sdk {
		r.unwatch()
		r.startWatch(sdk) // on failure, the next resolve retries
	}
	req := &api.GetAllInstancesRequest{}
	req.Namespace, req.Service = r.target.Namespace, r.target.Service
	var resp *model.InstancesResponse
	var err error
	for attempt := 1; attempt <= readAttempts; attempt++ {
		if resp, err = api.NewConsumerAPIByContext(sdk).GetAllInstances(req); err == nil {
			r.report(r.usable(resp.Instances))
			return true
		}
		if attempt < readAttempts && !kit.Sleep(r.ctx, time.Duration(attempt)*firstRetry) {
			return true // closing
		}
	}
	r.sent = false
	r.cc.ReportError(fmt.Errorf(errPrefix+"instances of %s in namespace %s: %w", r.target.Service, r.target.Namespace, err))
	return false
}

// report gives grpc addrs unless it has them already.
func (r *polarisResolver) report(addrs []resolver.Address) {
	key := stateKey(addrs)
	if r.sent && key == r.last {
		return
	}
	err := r.cc.UpdateState(resolver.State{Addresses: addrs})
	if len(addrs) == 0 {
		// The balancer rejects an empty state, but has dropped the old
		// instances; say why calls fail, and wait for a change.
		r.cc.ReportError(fmt.Errorf(errPrefix+"no healthy instance of %s in namespace %s", r.target.Service, r.target.Namespace))
		err = nil
	}
	if err == nil {
		r.sent, r.last = true, key
	}
}

// usable filters instances and makes their addresses, weights attached.
func (r *polarisResolver) usable(instances []model.Instance) []resolver.Address {
	addrs := make([]resolver.Address, 0, len(instances))
	for _, in := range instances {
		if !in.IsHealthy() || in.IsIsolated() || in.GetWeight() <= 0 || !hasMetadata(in.GetMetadata(), r.target.Metadata) {
			continue
		}
		addr := net.JoinHostPort(in.GetHost(), strconv.FormatUint(uint64(in.GetPort()), 10))
		addrs = append(addrs, withWeight(resolver.Address{Addr: addr}, in.GetWeight()))
	}
	return addrs
}

func hasMetadata(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// stateKey is a comparable form of addrs: sorted "addr=weight".
func stateKey(addrs []resolver.Address) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.Addr + "=" + strconv.Itoa(weightOf(a))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// startWatch subscribes to changes of the service in notify mode.
func (r *polarisResolver) startWatch(sdk api.SDKContext) {
	req := &api.WatchAllInstancesRequest{}
	req.Namespace, req.Service = r.target.Namespace, r.target.Service
	req.WatchMode = api.WatchModeNotify
	req.InstancesListener = r
	resp, err := api.NewConsumerAPIByContext(sdk).WatchAllInstances(req)
	if err != nil {
		return
	}
	r.sdk, r.watch = sdk, resp
}

func (r *polarisResolver) unwatch() {
	if r.watch != nil && !r.sdk.IsDestroyed() {
		r.watch.CancelWatch()
	}
	r.sdk, r.watch = nil, nil
}
