package gozeroconsul_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra/consulagent"
	"google.golang.org/grpc"
)

// The instances support the suite's fault and convergence hooks.
var (
	_ conformance.Crasher       = (*instance)(nil)
	_ conformance.Deregisterer  = (*instance)(nil)
	_ conformance.RegisterTimer = (*instance)(nil)
)

// instance is a gRPC server registered in consul as zero-contrib's
// consul.RegisterService registers a zrpc server (see register), with the
// README's configuration (tags tag and rpc, meta Protocol=grpc), and whose
// heartbeat can be stopped while it serves.
type instance struct {
	agent      *consulagent.Agent
	token      string
	service    string
	id         string
	addr       string
	srv        *grpc.Server
	registered time.Time

	stopBeat context.CancelFunc
	beatDone chan struct{}
	once     sync.Once
}

// startInstance serves register on a free port, registers it with a TTL
// check of ttl seconds and starts its heartbeat, then waits until consul
// lists it as passing.
func (h *harness) startInstance(ctx context.Context, a *consulagent.Agent, token, service string, register func(*grpc.Server), ttl int) (*instance, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	i := &instance{agent: a, token: token, service: service, addr: lis.Addr().String(), srv: srv}
	if err := i.register(ttl); err != nil {
		srv.Stop()
		return nil, err
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	if err := a.AwaitPassing(ctx, service, i.addr); err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

// register does what zero-contrib's consul.RegisterService (v0.0.0-
// 20230807142214-5952d42ba776) does through hashicorp's api client: a
// service <key>-<host>-<port> with a passing TTL check of the same ID,
// deregistered after three TTLs critical, then the same check registered
// again, then a goroutine passing it every TTL less a second (stoppable
// here; zero-contrib's runs for the life of the process).
func (i *instance) register(ttl int) error {
	host, port := splitHostPort(i.addr)
	i.id = fmt.Sprintf("%s-%s-%d", i.service, host, port)
	check := map[string]any{
		"TTL": fmt.Sprintf("%ds", ttl), "Status": "passing",
		"DeregisterCriticalServiceAfter": fmt.Sprintf("%ds", 3*ttl),
	}
	reg := map[string]any{
		"ID": i.id, "Name": i.service, "Tags": []string{"tag", "rpc"}, "Meta": map[string]string{"Protocol": "grpc"},
		"Port": port, "Address": host,
		"Checks": []map[string]any{{"CheckID": i.id, "TTL": check["TTL"], "Status": "passing",
			"DeregisterCriticalServiceAfter": check["DeregisterCriticalServiceAfter"]}},
	}
	i.registered = time.Now()
	if err := i.agent.Put("/v1/agent/service/register", reg, i.token); err != nil {
		return fmt.Errorf("register %s as %s in consul: %w", i.addr, i.service, err)
	}
	check["ID"], check["Name"], check["ServiceID"] = i.id, i.service, i.id
	if err := i.agent.Put("/v1/agent/check/register", check, i.token); err != nil {
		return fmt.Errorf("register the check of %s in consul: %w", i.id, err)
	}
	every := max(time.Duration(ttl-1)*time.Second, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	i.stopBeat, i.beatDone = cancel, make(chan struct{})
	go func() {
		defer close(i.beatDone)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				// api's UpdateTTL(id, "", "passing")
				_ = i.agent.Put("/v1/agent/check/update/"+i.id, map[string]string{"Status": "passing"}, i.token)
			}
		}
	}()
	return nil
}

func (i *instance) Addr() string { return i.addr }

// RegisteredAt is just before the registration was sent.
func (i *instance) RegisteredAt() time.Time { return i.registered }

// StopHeartbeat stops passing the check; the instance keeps serving, as a
// process whose heartbeat goroutine hangs.
func (i *instance) StopHeartbeat() {
	i.stopBeat()
	<-i.beatDone
}

// Deregister removes the instance from consul; it keeps serving.
func (i *instance) Deregister() error {
	return i.agent.Put("/v1/agent/service/deregister/"+i.id, nil, i.token)
}

// Stop deregisters (zero-contrib's shutdown listener) and stops serving.
func (i *instance) Stop() {
	i.once.Do(func() {
		i.StopHeartbeat()
		_ = i.Deregister()
		i.srv.Stop()
	})
}

// Crash stops serving and heartbeating without deregistering, as a killed
// process does: consul lists the instance, passing, until its TTL runs out.
func (i *instance) Crash() {
	i.once.Do(func() {
		i.StopHeartbeat()
		i.srv.Stop()
	})
}
