package gozeroconsul_test

import (
	"context"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra/consulagent"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
)

// dtmService is the consul service dtm registers as.
const dtmService = "dtmservice"

// aclToken is the management token of the agent with ACLs.
const aclToken = "6d1c0a3e-2b7f-4c55-9a1e-3f0b8d2c4e71"

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
	_ = logx.SetUp(logx.LogConf{Mode: "console", Encoding: "plain", Level: "error"})
	logx.DisableStat()
	if !testing.Verbose() {
		logx.Disable()
	}
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

func (h *harness) DriverName() string { return gozero.Name }

// DtmRegistration registers dtm in consul under dtmService, in upstream
// v0.0.7's target form with a TTL of 3 s (zero-contrib's 20 s would make
// RegistryRestart wait 40 s).
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "consul://" + h.agent.HTTPAddr() + "/" + dtmService
	return url + "?ttl=3", grpcAddr, url
}

func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.startInstance(ctx, h.agent, "", service, register, 20)
}

// ServiceURL is zero-contrib's resolver form, as its README writes it.
func (h *harness) ServiceURL(service string) string {
	return "consul://" + h.agent.HTTPAddr() + "/" + service + "?wait=14s"
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, host := busi.TransIn, h.agent.HTTPAddr()
	base := "consul://" + host + "/busi"
	return []conformance.ParseCase{
		{URL: base + m, Server: base, Method: m},
		{URL: base + "?wait=14s" + m, Server: base + "?wait=14s", Method: m},
		{URL: base + m + "?wait=14s&tag=rpc", Server: base + "?wait=14s&tag=rpc", Method: m},
		{URL: base + "?wait=14s&token=f0512db6-76d6-f25e-f344-a98cc3484d42" + m, Server: base + "?wait=14s&token=f0512db6-76d6-f25e-f344-a98cc3484d42", Method: m},
		{URL: "consul://u:hunter2@" + host + "/busi" + m, Server: "consul://u:hunter2@" + host + "/busi", Method: m},
		{URL: base + "?healthy=true&limit=3&dc=dc1&near=_agent&max-backoff=2s&timeout=3s&allow-stale=true&insecure=false" + m,
			Server: base + "?healthy=true&limit=3&dc=dc1&near=_agent&max-backoff=2s&timeout=3s&allow-stale=true&insecure=false", Method: m},
		{URL: "consul://127.0.0.1/busi" + m, WantErr: "must be host:port"},
		{URL: "consul:///busi" + m, WantErr: "no consul agent"},
		{URL: "consul://" + host + "/a/busi" + m, WantErr: "one path segment"},
		{URL: base + "?passwd=hunter2" + m, WantErr: "unknown query parameter passwd"},
		{URL: base + "?wait=soon" + m, WantErr: "wait must be a duration"},
		{URL: base + "?healthy=yes" + m, WantErr: "healthy must be true or false"},
		{URL: "nacos://" + host + "/busi" + m, WantErr: "want scheme"},
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

func splitHostPort(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return host, p
}
