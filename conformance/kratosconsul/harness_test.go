package kratosconsul_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra/consulagent"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/go-kratos/kratos/v2/log"
	"google.golang.org/grpc"
)

// dtmService is the consul service dtm registers as.
const dtmService = "dtmservice"

// aclToken is the management token of the agent with ACLs.
const aclToken = "6d1c0a3e-2b7f-4c55-9a1e-3f0b8d2c4e71"

// interval is the instances' kratos consul registry health check interval
// (WithHealthCheckInterval): their TCP check runs, and their TTL check of
// twice as long is passed, every 2 s. kratos' default, 10 s, would delay
// each instance's first passing TCP check by up to 10 s.
const interval = 2

var logOnce sync.Once

// harness runs a consul agent, and one with ACLs on for the secrets tests,
// started on first use.
type harness struct {
	agent *consulagent.Agent
	logf  func(string, ...any)

	mu        sync.Mutex
	aclAgent  *consulagent.Agent
	instances []*instance
}

func newHarness(ctx context.Context, t testing.TB) (conformance.Harness, error) {
	logOnce.Do(func() {
		if !testing.Verbose() {
			log.SetLogger(log.NewStdLogger(io.Discard)) // kratos logs every start and stop
		}
	})
	a, err := consulagent.Start(ctx, consulagent.Options{Logf: t.Logf})
	if err != nil {
		return nil, err
	}
	return &harness{agent: a, logf: t.Logf}, nil
}

// aclAgentStarted returns the agent with ACLs, starting it on first use.
func (h *harness) aclAgentStarted() (*consulagent.Agent, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.aclAgent != nil {
		return h.aclAgent, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := consulagent.Start(ctx, consulagent.Options{ACLToken: aclToken, Logf: h.logf})
	if err != nil {
		return nil, err
	}
	h.aclAgent = a
	return a, nil
}

func (h *harness) DriverName() string { return kratosdriver.Name }

// DtmRegistration registers dtm in consul under dtmService, in upstream
// v0.0.10's target form with ttl=4 (a heartbeat and TCP check every 2 s, as
// the instances have), and kratos' endpoint form.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "consul://" + h.agent.HTTPAddr() + "/" + dtmService
	return url + "?ttl=4", "grpc://" + grpcAddr, url
}

func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.startInstance(ctx, h.agent, "", service, register)
}

// ServiceURL names the agent and the kratos service.
func (h *harness) ServiceURL(service string) string {
	return "consul://" + h.agent.HTTPAddr() + "/" + service
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, host := busi.TransIn, h.agent.HTTPAddr()
	base := "consul://" + host + "/busi"
	return []conformance.ParseCase{
		{URL: base + m, Server: base, Method: m},
		{URL: base + "?token=f0512db6-76d6-f25e-f344-a98cc3484d42" + m, Server: base + "?token=f0512db6-76d6-f25e-f344-a98cc3484d42", Method: m},
		{URL: base + m + "?dc=dc1&tag=version%3Dv1", Server: base + "?dc=dc1&tag=version%3Dv1", Method: m},
		{URL: "consul://127.0.0.1/busi" + m, WantErr: "must be host:port"},
		{URL: "consul:///busi" + m, WantErr: "no consul agent"},
		{URL: "consul://" + host + "/a/busi" + m, WantErr: "one path segment"},
		{URL: base + "?passwd=hunter2" + m, WantErr: "unknown query parameter passwd"},
		{URL: "nacos://" + host + "/busi" + m, WantErr: "not served"},
	}
}

// Close stops the instances and the agents.
func (h *harness) Close() {
	h.mu.Lock()
	all, acl := h.instances, h.aclAgent
	h.instances, h.aclAgent = nil, nil
	h.mu.Unlock()
	for _, i := range all {
		i.Stop()
	}
	if acl != nil {
		acl.Close()
	}
	h.agent.Close()
}
