package consul

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Timings of dtm's registration.
const (
	// RevokeTimeout bounds how long a revoke waits for consul to stop
	// listing dtm.
	RevokeTimeout = 10 * time.Second
	// retryPass is the delay before passing the check again after a
	// failure (the agent restarting): a check left critical hides dtm.
	retryPass = 200 * time.Millisecond
)

// register registers endpoint as the flavor's framework registers a
// service, passes its TTL check at once and keeps passing it from a
// goroutine, and returns the revoke that stops the goroutine, deregisters
// and waits until consul no longer lists the instance.
func (f *Flavor) register(target, endpoint string) (func() error, error) {
	t, err := ParseTarget(f.Scheme, target)
	if err != nil {
		return nil, err
	}
	if f.Endpoint != nil {
		endpoint = f.Endpoint(endpoint)
	}
	host, port, err := splitEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	reg, checkID, every := f.Registration(t, host, port)
	a := newAgent(t)
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout())
	defer cancel()
	err = a.register(ctx, reg)
	if err == nil {
		err = a.passTTL(ctx, checkID)
	}
	if err != nil {
		a.close()
		return nil, fmt.Errorf("register %s as %s: %w", endpoint, t, redactErr(err))
	}
	kctx, stop := context.WithCancel(context.Background())
	r := &registration{a: a, t: t, reg: reg, checkID: checkID, every: every, stop: stop, done: make(chan struct{})}
	go r.keepPassing(kctx)
	if err := r.waitPassing(every + a.timeout()); err != nil {
		_ = r.revoke()
		return nil, fmt.Errorf("register %s as %s: %w", endpoint, t, err)
	}
	return r.revoke, nil
}

// waitPassing waits until consul lists the instance as passing: dtm's
// clients find it from then on. A framework's other checks (kratos' TCP
// check) run first after a random delay of up to their interval; one that
// never passes means the agent cannot reach dtm at its EndPoint.
func (r *registration) waitPassing(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		entries, _, err := r.a.health(ctx, r.reg.Name, r.t.Tag, true, 0)
		for _, e := range entries {
			if e.Service.ID == r.reg.ID {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("ask whether passing: %w", redactErr(err))
			}
			return fmt.Errorf("consul's checks of %s:%d did not pass within %s: can the agent reach dtm at its EndPoint?",
				r.reg.Address, r.reg.Port, limit)
		case <-tick.C:
		}
	}
}

// registration is dtm's instance in consul.
type registration struct {
	a       *agent
	t       Target
	reg     *Registration
	checkID string
	every   time.Duration
	stop    context.CancelFunc
	done    chan struct{} // closed when keepPassing returns
}

// keepPassing passes the TTL check every r.every until ctx ends. After a
// failure it registers again and passes, every retryPass until that
// works: the agent may have restarted without our service, or with the
// check critical.
func (r *registration) keepPassing(ctx context.Context) {
	defer close(r.done)
	failed := false
	for {
		delay := r.every
		if failed {
			delay = retryPass
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		var err error
		if failed {
			err = r.a.register(ctx, r.reg)
		}
		if err == nil {
			err = r.a.passTTL(ctx, r.checkID)
		}
		failed = err != nil
	}
}

// revoke stops the heartbeat, deregisters the instance and waits,
// RevokeTimeout at most, until the agent no longer lists it.
func (r *registration) revoke() error {
	r.stop()
	<-r.done
	defer r.a.close()
	fail := func(what string, err error) error {
		return fmt.Errorf("deregister %s:%d (ID %s) from %s: %s: %w", r.reg.Address, r.reg.Port, r.reg.ID, r.t, what, redactErr(err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), RevokeTimeout)
	defer cancel()
	if err := r.a.deregister(ctx, r.reg.ID); err != nil {
		return fail("request", err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		listed, err := r.listed(ctx)
		if err == nil && !listed {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fail("ask whether still listed", err)
			}
			return fail("still listed", errors.New("consul did not drop the instance within "+RevokeTimeout.String()))
		case <-tick.C:
		}
	}
}

// listed reports whether consul lists the registration's ID among the
// service's instances, passing or not.
func (r *registration) listed(ctx context.Context) (bool, error) {
	entries, _, err := r.a.health(ctx, r.reg.Name, r.t.Tag, false, 0)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Service.ID == r.reg.ID {
			return true, nil
		}
	}
	return false, nil
}

// splitEndpoint checks dtm's EndPoint: host:port, with a host others can
// reach.
func splitEndpoint(endpoint string) (string, int, error) {
	const form = "EndPoint must be host:port, the address consul hands to clients"
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return "", 0, kit.NewURLError(endpoint, form, err)
	}
	host, p, _ := net.SplitHostPort(endpoint)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "", 0, kit.NewURLError(endpoint, form+": an address others can reach, not "+host, nil)
	}
	port, _ := strconv.Atoi(p)
	return host, port, nil
}
