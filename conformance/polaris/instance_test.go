package polaris_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/polarismesh/polaris-go/api"
	"google.golang.org/grpc"
)

// instanceSpec says what startInstance registers.
type instanceSpec struct {
	service   string
	namespace string // "" is the default namespace
	weight    int    // 0 is polaris' default, 100
	register  func(*grpc.Server)
}

// instance is a plain gRPC server registered in polaris by an SDK context of
// its own, as a separate process registering with grpc-go-polaris would be.
type instance struct {
	h         *harness
	service   string
	namespace string
	addr      string
	srv       *grpc.Server
	sdk       api.SDKContext
	// registered is just before RegisterInstance was called.
	registered time.Time

	once sync.Once
}

// startInstance serves spec on a free port, registers it with a TTL of
// instanceTTL seconds (polaris-go then heartbeats), and returns once the
// registry lists it as healthy.
func (h *harness) startInstance(ctx context.Context, spec instanceSpec) (*instance, error) {
	if spec.namespace == "" {
		spec.namespace = "default"
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := grpc.NewServer()
	spec.register(srv)
	go func() { _ = srv.Serve(lis) }()
	i := &instance{h: h, service: spec.service, namespace: spec.namespace, addr: lis.Addr().String(), srv: srv}
	if i.sdk, err = h.newSDK("instance-" + i.addr); err != nil {
		srv.Stop()
		return nil, err
	}
	host, port := splitHostPort(i.addr)
	req := &api.InstanceRegisterRequest{}
	req.Namespace, req.Service, req.Host, req.Port = i.namespace, i.service, host, port
	req.SetTTL(instanceTTL)
	protocol := "tcp" // what grpc-go-polaris registers: the listener's network
	req.Protocol = &protocol
	if spec.weight > 0 {
		req.Weight = &spec.weight
	}
	i.registered = time.Now()
	if _, err := api.NewProviderAPIByContext(i.sdk).RegisterInstance(req); err != nil {
		i.sdk.Destroy()
		srv.Stop()
		return nil, fmt.Errorf("register %s in %s/%s: %w", i.addr, i.namespace, i.service, err)
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	var queryErr error
	if err := infra.WaitForContext(ctx, i.addr+" listed healthy in "+i.namespace+"/"+i.service, func() bool {
		var ok bool
		ok, queryErr = h.isListed(i.namespace, i.service, i.addr, true)
		return ok
	}); err != nil {
		i.Stop()
		return nil, fmt.Errorf("%w (last query error: %v)", err, queryErr)
	}
	return i, nil
}

// listed returns the instances the registry lists for a service, by address,
// with whether each is healthy, as the harness' SDK context sees them, or
// the error of the query.
func (h *harness) listed(namespace, service string) (map[string]bool, error) {
	h.mu.Lock()
	inspect := h.inspect
	h.mu.Unlock()
	return listedIn(inspect, namespace, service)
}

// listedFresh is listed through a new SDK context, which asks the server
// rather than a cache that may lag.
func (h *harness) listedFresh(namespace, service string) (map[string]bool, error) {
	sdk, err := h.newSDK("fresh")
	if err != nil {
		return nil, err
	}
	defer sdk.Destroy()
	return listedIn(sdk, namespace, service)
}

// listedIn queries the instances of namespace/service through sdk. A query
// that fails is an error, never an empty list: "not listed" must mean the
// registry said so.
func listedIn(sdk api.SDKContext, namespace, service string) (map[string]bool, error) {
	req := &api.GetAllInstancesRequest{}
	req.Namespace, req.Service = namespace, service
	req.SetTimeout(time.Second)
	resp, err := api.NewConsumerAPIByContext(sdk).GetAllInstances(req)
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", namespace, service, err)
	}
	out := map[string]bool{}
	for _, in := range resp.Instances {
		out[net.JoinHostPort(in.GetHost(), strconv.Itoa(int(in.GetPort())))] = in.IsHealthy() && !in.IsIsolated()
	}
	return out, nil
}

// isListed reports whether the registry lists addr in namespace/service,
// healthy if healthy is set; a failed query counts as neither answer.
func (h *harness) isListed(namespace, service, addr string, healthy bool) (bool, error) {
	m, err := h.listed(namespace, service)
	if err != nil {
		return false, err
	}
	ok, present := m[addr]
	if healthy {
		return present && ok, nil
	}
	return present, nil
}

func splitHostPort(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return host, p
}

func (i *instance) Addr() string { return i.addr }

// RegisteredAt is when RegisterInstance was called
// (conformance.RegisterTimer).
func (i *instance) RegisteredAt() time.Time { return i.registered }

// Stop deregisters the instance, stops its heartbeat and its server.
func (i *instance) Stop() {
	i.once.Do(func() {
		host, port := splitHostPort(i.addr)
		req := &api.InstanceDeRegisterRequest{}
		req.Namespace, req.Service, req.Host, req.Port = i.namespace, i.service, host, port
		if !i.sdk.IsDestroyed() {
			_ = api.NewProviderAPIByContext(i.sdk).Deregister(req)
			i.sdk.Destroy()
		}
		i.srv.Stop()
		i.h.forget(i)
	})
}

// stopHeartbeat destroys the instance's SDK context without deregistering,
// as a hung or partitioned process would: the server keeps serving, but
// polaris hears nothing more from it.
func (i *instance) stopHeartbeat() { i.sdk.Destroy() }

// Crash stops the server and the heartbeat at once, without deregistering:
// polaris lists the instance until its TTL runs out (conformance.Crasher).
func (i *instance) Crash() {
	i.sdk.Destroy()
	i.srv.Stop()
}

// Deregister removes the instance from polaris while it keeps serving
// (conformance.Deregisterer).
func (i *instance) Deregister() error {
	host, port := splitHostPort(i.addr)
	req := &api.InstanceDeRegisterRequest{}
	req.Namespace, req.Service, req.Host, req.Port = i.namespace, i.service, host, port
	err := api.NewProviderAPIByContext(i.sdk).Deregister(req)
	i.sdk.Destroy()
	if err != nil {
		return fmt.Errorf("deregister %s from %s/%s: %w", i.addr, i.namespace, i.service, err)
	}
	return nil
}

func (h *harness) forget(i *instance) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for n, other := range h.instances {
		if other == i {
			h.instances = append(h.instances[:n:n], h.instances[n+1:]...)
			return
		}
	}
}
