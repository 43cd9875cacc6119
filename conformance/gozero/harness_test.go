package gozero_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/proc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// dtmKey is the etcd key dtm registers under, as go-zero services name it in
// their RpcClientConf.
const dtmKey = "dtmservice"

// etcdMembers is the size of the main etcd cluster: enough to lose one.
const etcdMembers = 3

type harness struct {
	etcd   *infra.Etcd
	client *clientv3.Client

	mu        sync.Mutex
	dtmAddr   string
	instances []*instance
	servers   []*zrpcServer // zrpc servers that registered themselves
	secure    *secureEtcd   // started by the first subtest that needs it
	secrets   *infra.Etcd   // started by SecretTarget
}

func newHarness(context.Context, testing.TB) (conformance.Harness, error) {
	quietGoZero()
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

var quietOnce sync.Once

// quietGoZero sets go-zero's process-wide logging up before any zrpc server
// does (logx keeps the first set-up): errors only with -v, nothing without.
func quietGoZero() {
	quietOnce.Do(func() {
		_ = logx.SetUp(logx.LogConf{Mode: "console", Encoding: "plain", Level: "error"})
		logx.DisableStat()
		if !testing.Verbose() {
			logx.Disable()
		}
	})
}

func (h *harness) DriverName() string { return gozero.Name }

// DtmRegistration registers dtm as a go-zero deployment does: under a key on
// the etcd hosts, in the legacy form dtm's documentation uses.
func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	h.mu.Lock()
	h.dtmAddr = grpcAddr
	h.mu.Unlock()
	url := "etcd://" + h.etcd.Hosts() + "/" + dtmKey
	return url, grpcAddr, url
}

// StartInstance starts a go-zero instance registered under the key service.
func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	i, err := startInstance(ctx, h.client, h.etcd.HostList(), service, register)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	return i, nil
}

// ServiceURL is the legacy form; the BuildTarget form has its own subtest.
func (h *harness) ServiceURL(service string) string {
	return "etcd://" + h.etcd.Hosts() + "/" + service
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m, hosts := busi.TransIn, h.etcd.Hosts()
	legacy := "etcd://" + hosts + "/busi"
	build := "etcd:///" + hosts + "?key=busi.rpc"
	return []conformance.ParseCase{
		{URL: legacy + m, Server: legacy, Method: m},
		{URL: "discov://" + hosts + "/busi" + m, Server: "discov://" + hosts + "/busi", Method: m},
		{URL: "etcd://" + hosts + "/a/b/busi" + m, Server: "etcd://" + hosts + "/a/b/busi", Method: m},
		{URL: build + m, Server: build, Method: m},
		{URL: "etcd:///" + hosts + "?key=a/b/busi" + m, Server: "etcd:///" + hosts + "?key=a/b/busi", Method: m},
		{URL: "etcd:///" + hosts + "?key=a%2Fb%2Fbusi" + m, Server: "etcd:///" + hosts + "?key=a%2Fb%2Fbusi", Method: m},
		{URL: legacy + m + "?user=root&pass=hunter2", Server: legacy + "?user=root&pass=hunter2", Method: m},
		{URL: build + "&user=root&pass=hunter2" + m, Server: build + "&user=root&pass=hunter2", Method: m},
		{URL: "direct:///127.0.0.1:1,127.0.0.1:2" + m, Server: "direct:///127.0.0.1:1,127.0.0.1:2", Method: m},
		{URL: "k8s://ns/busi:8080" + m, Server: "k8s://ns/busi:8080", Method: m},
		{URL: "consul://" + hosts + "/busi" + m, WantErr: "want scheme etcd, discov, direct or k8s"},
		{URL: "nacos://" + hosts + "/busi" + m, WantErr: "want scheme"},
		{URL: "dns:///" + hosts + m, WantErr: "want scheme"},
		{URL: "etcd://" + hosts + m, WantErr: "no key"},
		{URL: "etcd:///" + hosts + m, WantErr: "no key"},
		{URL: "etcd:///" + hosts + "/busi" + m, WantErr: "belongs in the query"},
		{URL: "etcd:///?key=busi" + m, WantErr: "empty path segment"},
		{URL: "etcd://127.0.0.1/busi" + m, WantErr: "bad etcd host"},
		{URL: legacy + m + "?user=root", WantErr: "user needs pass"},
		{URL: legacy + m + "?passwd=hunter2", WantErr: "unknown query parameter passwd"},
		{URL: build + "&caFile=/etc/ca.pem", WantErr: "caFile has no value"},
		{URL: "direct://127.0.0.1:1" + m, WantErr: "want direct:///"},
		{URL: "k8s://ns/busi:http" + m, WantErr: "bad port"},
	}
}

// Close stops every instance, then lets go-zero wind its process down as on a
// signal: wrap-up revokes every registration go-zero's publishers hold (the
// zrpc servers' and dtm's), shutdown stops the zrpc servers. It waits for the
// registrations to go before stopping etcd, so no revocation is left hanging.
func (h *harness) Close() {
	h.mu.Lock()
	instances, servers, secure, secrets := h.instances, h.servers, h.secure, h.secrets
	h.instances, h.servers, h.secure, h.secrets = nil, nil, nil, nil
	h.mu.Unlock()
	for _, i := range instances {
		i.Stop()
	}
	proc.WrapUp()
	waitNoLeasedKeys(h.client)
	if secure != nil {
		waitNoLeasedKeys(secure.client)
	}
	if secrets != nil {
		if c, err := secrets.Client(); err == nil {
			waitNoLeasedKeys(c)
			_ = c.Close()
		}
	}
	proc.Shutdown()
	for _, s := range servers {
		s.wait(10 * time.Second)
	}
	if secure != nil {
		secure.close()
	}
	if secrets != nil {
		secrets.Close()
	}
	_ = h.client.Close()
	h.etcd.Close()
}

// addServer records a self-registering zrpc server for Close.
func (h *harness) addServer(s *zrpcServer) {
	h.mu.Lock()
	h.servers = append(h.servers, s)
	h.mu.Unlock()
}

// waitNoLeasedKeys waits, a few seconds at most, until etcd holds no key
// with a lease, that is, no registration.
func waitNoLeasedKeys(client *clientv3.Client) {
	_ = infra.WaitFor(10*time.Second, "registrations to be revoked", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		resp, err := client.Get(ctx, "\x00", clientv3.WithFromKey())
		if err != nil {
			return false
		}
		for _, kv := range resp.Kvs {
			if kv.Lease != 0 {
				return false
			}
		}
		return true
	})
}

// listed reports whether etcd holds value under "<key>/", where go-zero
// publishes "<key>/<id>".
func listed(client *clientv3.Client, key, value string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := client.Get(ctx, key+"/", clientv3.WithPrefix())
	if err != nil {
		return false, fmt.Errorf("read etcd key %s/: %w", key, err)
	}
	for _, kv := range resp.Kvs {
		if string(kv.Value) == value {
			return true, nil
		}
	}
	return false, nil
}

// waitListed waits until etcd holds value under key, or not, as want says.
func waitListed(ctx context.Context, client *clientv3.Client, key, value string, want bool) error {
	what := fmt.Sprintf("%s under etcd key %s/", value, key)
	if !want {
		what += " to go"
	}
	return infra.WaitForContext(ctx, what, func() bool {
		ok, err := listed(client, key, value)
		return err == nil && ok == want
	})
}
