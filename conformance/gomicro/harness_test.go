package gomicro_test

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
	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"go-micro.dev/v5/logger"
	"go-micro.dev/v5/registry"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// dtmService is the name dtm registers under in etcd.
const dtmService = "dtmservice"

// etcdMembers is the size of the registry's cluster, for EtcdMemberLoss.
const etcdMembers = 3

type harness struct {
	etcd   *infra.Etcd
	client *clientv3.Client

	mu        sync.Mutex
	instances []*instance
	closers   []func()
	secrets   *infra.Etcd // started by SecretTarget
}

func newHarness(context.Context, testing.TB) (conformance.Harness, error) {
	if !testing.Verbose() {
		// go-micro logs every start, registration and stop
		logger.DefaultLogger = logger.NewLogger(logger.WithOutput(io.Discard))
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

func (h *harness) DriverName() string { return gomicrodriver.Name }

// DtmRegistration registers dtm in go-micro's registry on the etcd hosts.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "gomicro://" + h.etcd.Hosts() + "/" + dtmService
	return url, grpcAddr, url
}

// StartInstance runs a go-micro gRPC server with go-micro's etcd registry,
// and returns once etcd holds its node.
func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.start(ctx, h.client, service, register, instanceOptions{hosts: h.etcd.HostList()})
}

func (h *harness) start(ctx context.Context, client *clientv3.Client, service string, register func(*grpc.Server), o instanceOptions) (*instance, error) {
	i, err := startInstance(ctx, client, service, register, o)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	return i, nil
}

func (h *harness) ServiceURL(service string) string {
	return "gomicro://" + h.etcd.Hosts() + "/" + service
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, hosts := busi.TransIn, h.etcd.Hosts()
	return []conformance.ParseCase{
		{URL: "gomicro://" + hosts + "/busi" + m, Server: "gomicro://" + hosts + "/busi", Method: m},
		{URL: "gomicro://" + hosts + "/busi" + m + "?user=root&pass=hunter2",
			Server: "gomicro://" + hosts + "/busi?user=root&pass=hunter2", Method: m},
		{URL: "gomicro:///" + hosts + "?key=busi" + m, Server: "gomicro:///" + hosts + "?key=busi", Method: m},
		{URL: "gomicro://default/busi" + m, WantErr: "must be the etcd hosts"},
		{URL: "gomicro://" + hosts + m, WantErr: "no service"},
		{URL: "gomicro:///busi" + m, WantErr: "no etcd hosts"},
		{URL: "gomicro://" + hosts + "/busi" + m + "?pass=hunter2", WantErr: "needs a user"},
		{URL: "gomicro://" + hosts + "/busi" + m + "?tls=maybe", WantErr: "not a boolean"},
		{URL: "etcd://" + hosts + "/busi" + m, WantErr: "scheme etcd is not served"},
		{URL: "mdns://busi" + m, WantErr: "scheme mdns is not served"},
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
	if d, ok := dtmdriver.GetDriver().(*gomicrodriver.Driver); ok {
		_ = d.Close()
	}
	for _, f := range closers {
		f()
	}
	_ = h.client.Close()
	h.etcd.Close()
}

// registered reads the go-micro nodes of service from etcd, checking each
// is stored as go-micro's etcd registry stores it:
// /micro/registry/<service>/<node id>, a JSON registry.Service with that node.
func registered(t *testing.T, client *clientv3.Client, service string) []*registry.Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	prefix := "/micro/registry/" + service + "/"
	resp, err := client.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		t.Fatalf("read etcd: %v", err)
	}
	var nodes []*registry.Node
	for _, kv := range resp.Kvs {
		var s registry.Service
		if err := json.Unmarshal(kv.Value, &s); err != nil {
			t.Fatalf("etcd key %s holds no go-micro Service: %v: %s", kv.Key, err, kv.Value)
		}
		if len(s.Nodes) != 1 || string(kv.Key) != prefix+s.Nodes[0].Id || s.Name != service {
			t.Fatalf("etcd key %s holds %s", kv.Key, kv.Value)
		}
		nodes = append(nodes, s.Nodes[0])
	}
	return nodes
}
