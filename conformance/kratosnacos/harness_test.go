package kratosnacos_test

import (
	"context"
	"fmt"
	"io"
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
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	kitnacos "github.com/dtmkit/drivers/kit/nacos"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/nacos-group/nacos-sdk-go/v2/clients/naming_client"
	"github.com/nacos-group/nacos-sdk-go/v2/common/constant"
	"github.com/nacos-group/nacos-sdk-go/v2/model"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"
	"google.golang.org/grpc"
)

// dtmService is the service dtm registers as: kratos clients find it as
// dtmService.grpc.
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
	if !testing.Verbose() {
		log.SetLogger(log.NewStdLogger(io.Discard)) // kratos logs every start and stop
	}
	srv, err := polarisserver.Start(ctx, polarisserver.Options{Logf: t.Logf, Nacos: true})
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kratosnacos-")
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

// newClient makes a naming client as a kratos service configures one for
// kratos' nacos registry (its README's configuration), with its files in
// the harness' directory. close shuts it down; see kitnacos.NewNamingClient.
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

func (h *harness) DriverName() string { return kratosdriver.Name }

// DtmRegistration registers dtm in nacos under dtmService with kratos'
// grpc:// endpoint form; clients dial it through the driver by the app name.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "nacos://" + h.srv.NacosAddr() + "/" + dtmService
	return url + "?namespaceid=public&timeout=3s", "grpc://" + grpcAddr, url
}

func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.startInstance(ctx, service, register)
}

// ServiceURL names the nacos service as kratos clients dial it:
// <app name>.grpc.
func (h *harness) ServiceURL(service string) string {
	return "nacos://" + h.srv.NacosAddr() + "/" + service + ".grpc"
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, host := busi.TransIn, h.srv.NacosAddr()
	base := "nacos://" + host + "/busi.grpc"
	return []conformance.ParseCase{
		{URL: base + m, Server: base, Method: m},
		{URL: "nacos://" + host + "/busi" + m, Server: "nacos://" + host + "/busi", Method: m},
		{URL: base + "?namespaceid=public&timeout=5s" + m, Server: base + "?namespaceid=public&timeout=5s", Method: m},
		{URL: base + m + "?groupName=DEFAULT_GROUP&clusters=DEFAULT", Server: base + "?groupName=DEFAULT_GROUP&clusters=DEFAULT", Method: m},
		{URL: "nacos://nacos:hunter2@" + host + "/busi.grpc" + m, Server: "nacos://nacos:hunter2@" + host + "/busi.grpc", Method: m},
		{URL: "nacos://" + host + ",127.0.0.1:1/busi.grpc" + m, Server: "nacos://" + host + ",127.0.0.1:1/busi.grpc", Method: m},
		{URL: "nacos://127.0.0.1/busi.grpc" + m, WantErr: "must be host:port"},
		{URL: "nacos:///busi.grpc" + m, WantErr: "no nacos server"},
		{URL: "nacos://" + host + "/a/busi.grpc" + m, WantErr: "one path segment"},
		{URL: base + "?passwd=hunter2" + m, WantErr: "unknown query parameter passwd"},
		{URL: base + "?timeout=soon" + m, WantErr: "timeout must be"},
		{URL: "consul://" + host + "/busi" + m, WantErr: "scheme consul is not served"},
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
	if d, ok := dtmdriver.GetDriver().(*kratosdriver.Driver); ok {
		_ = d.Close()
	}
	if inspect != nil {
		closeInspect()
	}
	h.srv.Close()
	_ = os.RemoveAll(h.dir)
}

// listed returns the instances of the nacos service, by address, from the
// harness' client, whose subscription nacos keeps current by its pushes.
func (h *harness) listed(service string) (map[string]model.Instance, error) {
	h.mu.Lock()
	c := h.inspect
	h.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("harness closed")
	}
	svc, err := c.GetService(vo.GetServiceParam{ServiceName: service})
	if err != nil {
		return nil, err
	}
	out := map[string]model.Instance{}
	for _, in := range svc.Hosts {
		out[net.JoinHostPort(in.Ip, strconv.FormatUint(in.Port, 10))] = in
	}
	return out, nil
}

// waitListed waits until nacos lists addr as a healthy instance of the
// nacos service, or no longer lists it.
func (h *harness) waitListed(ctx context.Context, service, addr string, want bool) error {
	var last map[string]model.Instance
	var lastErr error
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		last, lastErr = h.listed(service)
		if in, ok := last[addr]; lastErr == nil && (ok && in.Healthy) == want {
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
