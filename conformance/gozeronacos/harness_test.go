package gozeronacos_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra/polarisserver"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	kitnacos "github.com/dtmkit/drivers/kit/nacos"
	"github.com/nacos-group/nacos-sdk-go/v2/clients/naming_client"
	"github.com/nacos-group/nacos-sdk-go/v2/common/constant"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"
	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
)

// dtmService is the nacos service dtm registers as.
const dtmService = "dtmservice"

// harness runs a polaris server with its nacos API.
type harness struct {
	srv *polarisserver.Server
	dir string // the SDK clients' cache and logs of the harness' own clients

	mu           sync.Mutex
	instances    []*instance
	inspect      naming_client.INamingClient
	closeInspect func()
}

func newHarness(ctx context.Context, t testing.TB) (conformance.Harness, error) {
	_ = logx.SetUp(logx.LogConf{Mode: "console", Encoding: "plain", Level: "error"})
	logx.DisableStat()
	if !testing.Verbose() {
		logx.Disable()
	}
	srv, err := polarisserver.Start(ctx, polarisserver.Options{Logf: t.Logf, Nacos: true})
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gozeronacos-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	h := &harness{srv: srv, dir: dir}
	if h.inspect, h.closeInspect, err = h.newClient("inspect"); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// newClient makes a naming client as a zrpc service registering through
// zero-contrib does (zero-contrib's README configuration), with its files
// in the harness' directory. close shuts it down; see kitnacos.NewNamingClient.
func (h *harness) newClient(name string) (c naming_client.INamingClient, close func(), err error) {
	host, port := splitHostPort(h.srv.NacosAddr())
	c, close, err = kitnacos.NewNamingClient(vo.NacosClientParam{
		ServerConfigs: []constant.ServerConfig{*constant.NewServerConfig(host, port)},
		ClientConfig: &constant.ClientConfig{
			NamespaceId:         "public",
			TimeoutMs:           5000,
			NotLoadCacheAtStart: true,
			LogDir:              h.dir + "/" + name + "/log",
			CacheDir:            h.dir + "/" + name + "/cache",
			LogLevel:            "error",
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("nacos client %s: %w", name, err)
	}
	return c, close, nil
}

func (h *harness) DriverName() string { return gozero.Name }

// DtmRegistration registers dtm in nacos under dtmService, in upstream
// v0.0.7's target form.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "nacos://" + h.srv.NacosAddr() + "/" + dtmService
	return url + "?namespaceId=public&timeoutMs=3000&notLoadCacheAtStart=true", grpcAddr, url
}

func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.startInstance(ctx, service, register)
}

// ServiceURL is zero-contrib's resolver form.
func (h *harness) ServiceURL(service string) string {
	return "nacos://" + h.srv.NacosAddr() + "/" + service
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, host := busi.TransIn, h.srv.NacosAddr()
	base := "nacos://" + host + "/busi"
	return []conformance.ParseCase{
		{URL: base + m, Server: base, Method: m},
		{URL: base + "?namespaceid=public&timeout=5s" + m, Server: base + "?namespaceid=public&timeout=5s", Method: m},
		{URL: base + m + "?namespaceid=public", Server: base + "?namespaceid=public", Method: m},
		{URL: "nacos://nacos:hunter2@" + host + "/busi" + m, Server: "nacos://nacos:hunter2@" + host + "/busi", Method: m},
		{URL: "nacos://" + host + ",127.0.0.1:1/busi" + m, Server: "nacos://" + host + ",127.0.0.1:1/busi", Method: m},
		{URL: base + "?groupName=g&clusters=a,b&appName=dtm&notLoadCacheAtStart=true&updateCacheWhenEmpty=true" + m,
			Server: base + "?groupName=g&clusters=a,b&appName=dtm&notLoadCacheAtStart=true&updateCacheWhenEmpty=true", Method: m},
		{URL: "nacos://127.0.0.1/busi" + m, WantErr: "must be host:port"},
		{URL: "nacos:///busi" + m, WantErr: "no nacos server"},
		{URL: "nacos://" + host + "/a/busi" + m, WantErr: "one path segment"},
		{URL: base + "?passwd=hunter2" + m, WantErr: "unknown query parameter passwd"},
		{URL: base + "?timeout=soon" + m, WantErr: "timeout must be"},
		{URL: "consul://" + host + "/busi" + m, WantErr: "want scheme"},
	}
}

// Close stops the instances, the harness' client and the server.
func (h *harness) Close() {
	h.mu.Lock()
	all, inspect, closeInspect := h.instances, h.inspect, h.closeInspect
	h.instances, h.inspect = nil, nil
	h.mu.Unlock()
	for _, i := range all {
		i.Stop()
	}
	// dtm's registration, when the suite's Close subtest did not run (the
	// benchmarks): its client and temporary directory go with it
	if d, ok := dtmdriver.GetDriver().(*gozero.Driver); ok {
		_ = d.Close()
	}
	if inspect != nil {
		closeInspect()
	}
	h.srv.Close()
	_ = os.RemoveAll(h.dir)
}

// listed returns the healthy instances nacos lists for service, by address,
// asking the server (not a client's cache).
func (h *harness) listed(service string) (map[string]bool, error) {
	h.mu.Lock()
	c := h.inspect
	h.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("harness closed")
	}
	// GetService reads the client's cache once subscribed; the
	// subscription keeps it current through nacos' pushes.
	svc, err := c.GetService(vo.GetServiceParam{ServiceName: service})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, in := range svc.Hosts {
		out[net.JoinHostPort(in.Ip, strconv.FormatUint(in.Port, 10))] = in.Healthy
	}
	return out, nil
}

// waitListed waits until nacos lists addr as a healthy instance of service,
// or no longer lists it.
func (h *harness) waitListed(ctx context.Context, service, addr string, want bool) error {
	var last map[string]bool
	var lastErr error
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		last, lastErr = h.listed(service)
		if lastErr == nil && last[addr] == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s listed=%v in %s: %w (last %v, %v)", addr, want, service, ctx.Err(), last, lastErr)
		case <-tick.C:
		}
	}
}

func splitHostPort(addr string) (string, uint64) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.ParseUint(port, 10, 16)
	return host, p
}
