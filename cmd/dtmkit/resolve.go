package main

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"
)

// resolution is what a driver's resolver reported for a server string.
type resolution struct {
	addrs  []string
	errs   []string
	policy string // the load-balancing policy of its service config, if any
	// scheme is the resolver's scheme; passthrough means grpc dials the
	// server string as an address.
	scheme string
	err    error // the resolver could not be built
}

// resolve builds the resolver grpc.Dial would build for server (dtm dials
// with no other option) and waits, up to timeout, until it reports
// addresses, an error, or an empty list that stays empty a moment.
func resolve(server string, timeout time.Duration) resolution {
	scheme, target := dialTarget(server)
	res := resolution{scheme: scheme}
	b := resolver.Get(scheme)
	if b == nil {
		res.err = fmt.Errorf("no gRPC resolver is registered for scheme %s in this dtm", scheme)
		return res
	}
	rec := newRecorder()
	deadline := time.Now().Add(timeout)
	r, err := buildBounded(b, target, rec, timeout)
	if err != nil {
		res.err = err
		return res
	}
	defer r.Close()
	const settle = 300 * time.Millisecond // an empty list may be followed by the first read
	var emptySince time.Time
	for {
		s := rec.snapshot()
		if len(s.addrs) > 0 || len(s.errs) > 0 && !s.sawState {
			res.addrs, res.errs, res.policy = s.addrs, s.errs, s.policy
			return res
		}
		if s.sawState && emptySince.IsZero() {
			emptySince = time.Now()
		}
		if !emptySince.IsZero() && time.Since(emptySince) > settle || time.Now().After(deadline) {
			res.addrs, res.errs, res.policy = s.addrs, s.errs, s.policy
			return res
		}
		rec.wait(min(time.Until(deadline), settle))
	}
}

// buildBounded builds the resolver, giving up after timeout: some
// resolvers connect to their registry in Build (go-zero's does, with its own
// 5 s bound). A Build that returns later is closed then.
func buildBounded(b resolver.Builder, target resolver.Target, cc resolver.ClientConn, timeout time.Duration) (resolver.Resolver, error) {
	type built struct {
		r   resolver.Resolver
		err error
	}
	done := make(chan built, 1)
	go func() {
		r, err := b.Build(target, cc, resolver.BuildOptions{})
		done <- built{r, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-done:
		return res.r, res.err
	case <-t.C:
		go func() {
			if res := <-done; res.r != nil {
				res.r.Close()
			}
		}()
		return nil, fmt.Errorf("the %s resolver did not start within %s", b.Scheme(), timeout)
	}
}

// dialTarget parses server as grpc.Dial does: a string whose scheme has no
// registered resolver, or that does not parse, is dialled as an address
// (passthrough).
func dialTarget(server string) (string, resolver.Target) {
	if u, err := url.Parse(server); err == nil && u.Scheme != "" && resolver.Get(u.Scheme) != nil {
		return u.Scheme, resolver.Target{URL: *u}
	}
	if scheme, _, ok := strings.Cut(server, "://"); ok && scheme != "" && !strings.ContainsAny(scheme, ":/") {
		return scheme, resolver.Target{} // unregistered scheme: reported by resolve
	}
	u, _ := url.Parse("passthrough:///" + server)
	if u == nil {
		u = &url.URL{Scheme: "passthrough", Path: "/" + server}
	}
	return "passthrough", resolver.Target{URL: *u}
}

// recorder is the resolver.ClientConn check gives resolvers: it records what
// they report (see kit/kittest.ClientConn, which tests use).
type recorder struct {
	mu       sync.Mutex
	addrs    []string
	errs     []string
	policy   string
	sawState bool
	changed  chan struct{}
}

type recorded struct {
	addrs    []string
	errs     []string
	policy   string
	sawState bool
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (c *recorder) UpdateState(s resolver.State) error {
	var addrs []string
	for _, a := range s.Addresses {
		addrs = append(addrs, a.Addr)
	}
	for _, e := range s.Endpoints {
		for _, a := range e.Addresses {
			if !contains(addrs, a.Addr) {
				addrs = append(addrs, a.Addr)
			}
		}
	}
	c.update(func() { c.addrs, c.sawState = addrs, true })
	return nil
}

func (c *recorder) ReportError(err error) {
	c.update(func() { c.errs = append(c.errs, err.Error()) })
}

func (c *recorder) NewAddress(addrs []resolver.Address) {
	_ = c.UpdateState(resolver.State{Addresses: addrs})
}

// NewServiceConfig is resolver.ClientConn's method before grpc 1.60.
func (c *recorder) NewServiceConfig(string) {}

func (c *recorder) ParseServiceConfig(js string) *serviceconfig.ParseResult {
	c.update(func() { c.policy = policyOf(js) })
	return &serviceconfig.ParseResult{}
}

func (c *recorder) update(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *recorder) snapshot() recorded {
	c.mu.Lock()
	defer c.mu.Unlock()
	return recorded{append([]string(nil), c.addrs...), append([]string(nil), c.errs...), c.policy, c.sawState}
}

// wait returns after the next report, or after d.
func (c *recorder) wait(d time.Duration) {
	c.mu.Lock()
	ch := c.changed
	c.mu.Unlock()
	t := time.NewTimer(max(d, time.Millisecond))
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}

// policyOf picks the first policy name of a service config's
// loadBalancingConfig, or its loadBalancingPolicy.
func policyOf(js string) string {
	for _, key := range []string{`"loadBalancingConfig"`, `"loadBalancingPolicy"`} {
		i := strings.Index(js, key)
		if i < 0 {
			continue
		}
		rest := js[i+len(key):]
		q1 := strings.IndexByte(rest, '"')
		if q1 < 0 {
			continue
		}
		q2 := strings.IndexByte(rest[q1+1:], '"')
		if q2 < 0 {
			continue
		}
		return rest[q1+1 : q1+1+q2]
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
