package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/kit"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"
)

// stateRecorder stands where grpc's ClientConn stands for a driver's
// resolver, and records when each state arrives and which addresses it
// holds: what grpc would be told, and when, whatever the registry says.
type stateRecorder struct {
	mu      sync.Mutex
	states  []seenState
	changed chan struct{} // closed, and replaced, on every state
}

// seenState is one state a resolver reported.
type seenState struct {
	at    time.Time
	addrs []string
}

var _ resolver.ClientConn = (*stateRecorder)(nil)

func newStateRecorder() *stateRecorder {
	return &stateRecorder{changed: make(chan struct{})}
}

// UpdateState records the state's addresses, or its endpoints' for a
// resolver that reports endpoints.
func (r *stateRecorder) UpdateState(s resolver.State) error {
	at := time.Now()
	addrs := make([]string, 0, len(s.Addresses))
	for _, a := range s.Addresses {
		addrs = append(addrs, a.Addr)
	}
	for _, ep := range s.Endpoints {
		for _, a := range ep.Addresses {
			addrs = append(addrs, a.Addr)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.states = append(r.states, seenState{at: at, addrs: addrs})
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

// ReportError is ignored: only states change what grpc dials.
func (r *stateRecorder) ReportError(error) {}

// NewAddress is grpc's deprecated UpdateState.
func (r *stateRecorder) NewAddress(addrs []resolver.Address) {
	_ = r.UpdateState(resolver.State{Addresses: addrs})
}

// ParseServiceConfig returns an empty result: the config does not change
// which addresses grpc is given.
func (r *stateRecorder) ParseServiceConfig(string) *serviceconfig.ParseResult {
	return &serviceconfig.ParseResult{}
}

// mark is the position of the next state: await(mark(), ...) looks only at
// states reported from now on.
func (r *stateRecorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.states)
}

// await waits for the first state at position from or later whose
// addresses satisfy cond, and returns when it arrived.
func (r *stateRecorder) await(ctx context.Context, from int, what string, cond func([]string) bool) (time.Time, error) {
	at, _, err := r.awaitAt(ctx, from, what, cond)
	return at, err
}

// awaitAt is await, also returning the state's position.
func (r *stateRecorder) awaitAt(ctx context.Context, from int, what string, cond func([]string) bool) (time.Time, int, error) {
	for {
		r.mu.Lock()
		states, changed := r.states[from:], r.changed
		r.mu.Unlock()
		for i, s := range states {
			if cond(s.addrs) {
				return s.at, from + i, nil
			}
		}
		from += len(states)
		select {
		case <-changed:
		case <-ctx.Done():
			return time.Time{}, 0, fmt.Errorf("resolver state %s: %w (%d states seen, the last with %d addresses)",
				what, ctx.Err(), from, r.lastSize())
		}
	}
}

// lastSize is the number of addresses in the last state, -1 before any.
func (r *stateRecorder) lastSize() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.states) == 0 {
		return -1
	}
	return len(r.states[len(r.states)-1].addrs)
}

// watchService builds the driver's resolver for the service's branch URL,
// as grpc does when dtm dials it (the builder registered for the scheme of
// the server ParseServerMethod returns), reporting to a stateRecorder.
// stop closes the resolver.
func (e *Env) watchService(service string) (rec *stateRecorder, stop func(), err error) {
	server, _, err := parseWith(e.Harness.ServiceURL(service) + busi.TransIn)
	if err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(server)
	if err != nil { // url's error quotes the URL: give its reason only
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, fmt.Errorf("parse %q as grpc does: %w", kit.Redact(server), err)
	}
	b := resolver.Get(u.Scheme)
	if b == nil {
		return nil, nil, fmt.Errorf("no resolver registered for %q", kit.Redact(server))
	}
	rec = newStateRecorder()
	r, err := b.Build(resolver.Target{URL: *u}, rec, resolver.BuildOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("build the resolver of %q: %w", kit.Redact(server), err)
	}
	return rec, r.Close, nil
}
