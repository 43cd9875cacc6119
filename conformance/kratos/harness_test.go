package kratos_test

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/registry"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// dtmService is the name dtm registers under in etcd.
const dtmService = "dtmservice"

type harness struct {
	etcd   *infra.Etcd
	client *clientv3.Client

	secureOnce sync.Once
	secure     *secureEtcd
	secureErr  error

	mu        sync.Mutex
	instances []*instance
	closers   []func()
	secrets   *infra.Etcd // started by SecretTarget
}

// onClose adds f to what Close runs.
func (h *harness) onClose(f func()) {
	h.mu.Lock()
	h.closers = append(h.closers, f)
	h.mu.Unlock()
}

// etcdMembers is the size of the registry's cluster, for EtcdMemberLoss.
const etcdMembers = 3

func newHarness(context.Context, testing.TB) (conformance.Harness, error) {
	if !testing.Verbose() {
		log.SetLogger(log.NewStdLogger(io.Discard)) // kratos logs every start and stop
	}
	e, err := infra.StartEtcd(infra.EtcdOptions{Members: etcdMembers})
	if err != nil {
		return nil, err
	}
	client, err := e.Client()
	if err != nil {
		e.Close()
		return nil, err
	}
	return &harness{etcd: e, client: client}, nil
}

func (h *harness) DriverName() string { return kratosdriver.Name }

// DtmRegistration registers dtm as dtm's documentation does for kratos: a
// discovery target on the etcd hosts and a grpc:// endpoint.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "discovery://" + h.etcd.Hosts() + "/" + dtmService
	return url, "grpc://" + grpcAddr, url
}

// StartInstance runs a kratos.App with one kratos gRPC server and kratos'
// etcd registry, and returns once etcd holds the instance.
func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	i, err := startKratosInstance(ctx, h.client, service, register)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	return i, nil
}

func (h *harness) ServiceURL(service string) string {
	return "discovery://" + h.etcd.Hosts() + "/" + service
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, hosts := busi.TransIn, h.etcd.Hosts()
	return []conformance.ParseCase{
		{URL: "discovery://" + hosts + "/busi" + m, Server: "discovery://" + hosts + "/busi", Method: m},
		{URL: "discovery://" + hosts + "/busi" + m + "?user=root&pass=hunter2",
			Server: "discovery://" + hosts + "/busi?user=root&pass=hunter2", Method: m},
		{URL: "discovery:///busi" + m, Server: "discovery:///busi", Method: m}, // dtm registered: a home registry
		{URL: "direct:///127.0.0.1:1,127.0.0.1:2" + m, Server: "direct:///127.0.0.1:1,127.0.0.1:2", Method: m},
		{URL: "discovery://default/busi" + m, WantErr: "must be the etcd hosts"},
		{URL: "discovery://" + hosts + m, WantErr: "no service name"},
		{URL: "discovery:///busi" + m + "?user=root", WantErr: "takes no query"},
		{URL: "discovery://" + hosts + "/busi" + m + "?pass=hunter2", WantErr: "needs a user"},
		{URL: "discovery://" + hosts + "/busi" + m + "?tls=maybe", WantErr: "not a boolean"},
		{URL: "etcd://" + hosts + "/busi" + m, Server: "etcd://" + hosts + "/busi", Method: m}, // upstream's form
		{URL: "etcd:///busi" + m, WantErr: "etcd:// names the etcd hosts"},
		{URL: "consul://" + hosts + "/busi" + m, WantErr: "scheme consul is not served"},
		{URL: "direct:///127.0.0.1" + m, WantErr: "bad address"},
		{URL: "direct://127.0.0.1:1" + m, WantErr: "addresses in the path"},
	}
}

func (h *harness) Close() {
	h.mu.Lock()
	instances, closers := h.instances, h.closers
	h.instances, h.closers = nil, nil
	h.mu.Unlock()
	for _, i := range instances {
		i.Stop()
	}
	// The driver dtm uses keeps etcd watches open, and etcd's Close waits
	// for open streams: close it first. dtm's run ends with this test.
	if d, ok := dtmdriver.GetDriver().(*kratosdriver.Driver); ok {
		_ = d.Close()
	}
	for _, f := range closers {
		f()
	}
	_ = h.client.Close()
	h.etcd.Close()
}

// registered reads the kratos instances of service from etcd, checking each
// is stored as kratos stores it: /microservices/<name>/<id>, JSON.
func registered(t *testing.T, client *clientv3.Client, service string) []registry.ServiceInstance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	prefix := "/microservices/" + service + "/"
	resp, err := client.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatalf("read etcd: %v", err)
	}
	var instances []registry.ServiceInstance
	for _, kv := range resp.Kvs {
		var in registry.ServiceInstance
		if err := json.Unmarshal(kv.Value, &in); err != nil {
			t.Fatalf("etcd key %s holds no kratos ServiceInstance: %v: %s", kv.Key, err, kv.Value)
		}
		if string(kv.Key) != prefix+in.ID || in.Name != service {
			t.Fatalf("etcd key %s holds instance %q of %q", kv.Key, in.ID, in.Name)
		}
		instances = append(instances, in)
	}
	return instances
}
