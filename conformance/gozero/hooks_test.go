package gozero_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/zeromicro/go-zero/core/discov"
	"google.golang.org/grpc"
)

// The optional conformance hooks this harness implements.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.MemberKiller      = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
	_ conformance.SecretServicer    = (*harness)(nil)
	_ conformance.LongLived         = (*harness)(nil)
	_ conformance.Crasher           = (*instance)(nil)
	_ conformance.Deregisterer      = (*instance)(nil)
	_ conformance.RegisterTimer     = (*instance)(nil)
)

// StopRegistry stops every etcd member abruptly, keeping their data.
func (h *harness) StopRegistry() { h.etcd.StopAll() }

// StartRegistry restarts the members on their data and ports.
func (h *harness) StartRegistry() error { return h.etcd.RestartAll() }

// RegistrationTTL is the lease go-zero's publisher grants, and keeps alive.
func (h *harness) RegistrationTTL() time.Duration {
	return time.Duration(discov.TimeToLive) * time.Second
}

// Members is the size of the cluster every URL of the harness lists.
func (h *harness) Members() int { return h.etcd.Members() }

// KillMember stops member i abruptly.
func (h *harness) KillMember(i int) { h.etcd.StopMember(i) }

// RestartMember starts member i again on its data.
func (h *harness) RestartMember(i int) error { return h.etcd.RestartMember(i) }

// BadTargets are registration targets go-zero could not use, each refused
// before any connection is made.
func (h *harness) BadTargets() []conformance.BadTarget {
	hosts, addr := h.etcd.Hosts(), "127.0.0.1:36790"
	return []conformance.BadTarget{
		{Target: "consul://" + hosts + "/dtmservice", Endpoint: addr, WantErr: `blank-import "github.com/dtmkit/drivers/driver-gozero/consul"`},
		{Target: "direct:///" + addr, Endpoint: addr, WantErr: "want etcd://"},
		{Target: "etcd://" + hosts, Endpoint: addr, WantErr: "no key"},
		{Target: "etcd:///" + hosts, Endpoint: addr, WantErr: "no key"},
		{Target: "etcd://" + hosts + "/", Endpoint: addr, WantErr: "no key"},
		{Target: "etcd:///" + hosts + "/dtmservice", Endpoint: addr, WantErr: "belongs in the query"},
		{Target: "etcd://127.0.0.1/dtmservice", Endpoint: addr, WantErr: "bad etcd host"},
		{Target: "etcd://" + hosts + "/a//b", Endpoint: addr, WantErr: "empty segment"},
		{Target: "etcd://" + hosts + "/dtmservice?key=other", Endpoint: addr, WantErr: "key given twice"},
		{Target: "etcd://" + hosts + "/dtmservice?user=root", Endpoint: addr, WantErr: "user needs pass"},
		{Target: "etcd://" + hosts + "/dtmservice?pass=hunter2", Endpoint: addr, WantErr: "needs a user"},
		{Target: "etcd://" + hosts + "/dtmservice?passwd=hunter2", Endpoint: addr, WantErr: "unknown query parameter passwd"},
		{Target: "etcd://" + hosts + "/dtmservice?tls=true", Endpoint: addr, WantErr: "certFile, certKeyFile and caFile"},
		{Target: "etcd://" + hosts + "/dtmservice?certFile=/no/c.pem&certKeyFile=/no/k.pem&caFile=/no/ca.pem",
			Endpoint: addr, WantErr: "load TLS files"},
	}
}

// SecretTarget registers on an etcd of its own whose root password holds
// marker, so the registration succeeds and the password travels through
// every step: go-zero's account registry, its etcd client, keep-alive, and
// the driver's Close.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	e, err := h.secretsEtcd(marker)
	if err != nil {
		return "", "", err
	}
	return "etcd://" + e.Hosts() + "/dtm-secret?user=root&pass=" + secretPassword(marker), h.dtmAddress(), nil
}

// SecretService starts a zrpc server registered, as go-zero services with
// Etcd.User and Etcd.Pass register, on the etcd whose root password holds
// marker, and returns branch URLs in the BuildTarget form with that
// password in the query.
func (h *harness) SecretService(ctx context.Context, marker string, register func(*grpc.Server)) (conformance.URLFunc, error) {
	e, err := h.secretsEtcd(marker)
	if err != nil {
		return nil, err
	}
	client, err := e.Client()
	if err != nil {
		return nil, err
	}
	defer client.Close()
	const key = "secret.rpc"
	conf := discov.EtcdConf{Hosts: e.HostList(), Key: key, User: "root", Pass: secretPassword(marker)}
	if _, err := h.startRegisteredZrpc(ctx, client, conf, register); err != nil {
		return nil, err
	}
	prefix := "etcd:///" + e.Hosts() + "?key=" + key + "&user=root&pass=" + secretPassword(marker)
	return conformance.Prefix(prefix), nil
}

func secretPassword(marker string) string { return "pw-" + marker }

// secretsEtcd starts, once, the etcd with auth whose root password holds
// marker.
func (h *harness) secretsEtcd(marker string) (*infra.Etcd, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.secrets == nil {
		e, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: secretPassword(marker)})
		if err != nil {
			return nil, fmt.Errorf("start etcd with auth for the secret target: %w", err)
		}
		h.secrets = e
	}
	return h.secrets, nil
}

func (h *harness) dtmAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dtmAddr
}

// Crash stops serving at once, connections and listener, as a dying process
// would, and leaves the registration to expire as its lease would: go-zero's
// publisher cannot stop renewing without revoking, so it is stopped one TTL
// later.
func (i *instance) Crash() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.crashed != nil {
		return
	}
	i.server.grpc.Stop()
	i.crashed = time.AfterFunc(time.Duration(discov.TimeToLive)*time.Second, i.pub.Stop)
}

// Deregister revokes the registration and waits until etcd has dropped it;
// the instance keeps serving.
func (i *instance) Deregister() error {
	i.pub.Stop()
	return i.waitGone()
}

// LongLivedGoroutines are what go-zero keeps for the rest of the process by
// design once a host list has been used: discov keeps one etcd client per
// host list in a process-wide registry (discov/internal) with no way to
// close it, and its watchers and publishers' leases live on that client,
// after the etcd itself is gone. The client's goroutines carry no go-zero
// frame, so the etcd client's and gRPC's own loops are named too: for this
// harness a leaked etcd client of the driver's would hide among them. The
// embedded etcd cluster's own peer connections are named as well
// (infra.EtcdPeerGoroutines); the driver uses no net/http.
func (h *harness) LongLivedGoroutines() []string {
	return slices.Concat(infra.EtcdPeerGoroutines, []string{
		// discov's clusters: connection-state watch and watch retries
		"github.com/zeromicro/go-zero/core/discov/internal.(*stateWatcher).watch",
		"github.com/zeromicro/go-zero/core/discov/internal.(*cluster).watch",
		// the etcd clients of those clusters, never closed
		"go.etcd.io/etcd/client/v3.(*Client).autoSync",
		"go.etcd.io/etcd/client/v3.(*watchGRPCStream).waitCancelSubstreams.func1",
		"go.etcd.io/etcd/client/v3.(*watchGRPCStream).waitCancelSubstreams.func1.1",
		"go.etcd.io/etcd/client/v3.(*watchGRPCStream).waitCancelSubstreams.func2",
		"go.etcd.io/etcd/client/v3.(*lessor).keepAliveCtxCloser",
		"go.etcd.io/etcd/client/v3.(*lessor).deadlineLoop",
		"google.golang.org/grpc.(*pickerWrapper).pick",                       // their streams, waiting for an etcd that is gone
		"google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run", // their gRPC connections
		"google.golang.org/grpc.(*addrConn).resetTransportAndUnlock",
		"context.(*cancelCtx).propagateCancel.func2", // their contexts, children of a never-cancelled one
		// zrpc servers' statistics, flushed in the background until idle
		"github.com/zeromicro/go-zero/core/executors.(*PeriodicalExecutor).backgroundFlush.func1",
		// go-zero's dev server (health, metrics), started once per process
		"github.com/zeromicro/go-zero/internal/devserver.(*Server).StartAsync.func1",
	})
}

// ClusterRegistration: the servers of a dtm cluster publish their addresses
// under the key service, as go-zero servers of one service do. The URL names
// every member, also the one EtcdMemberLoss leaves down: the driver
// publishes with a client that needs one member up (go-zero's publisher
// needs all; TestPublishingWithAMemberDown).
func (h *harness) ClusterRegistration(service string) (target, clientURL string, endpoint func(string) string) {
	url := "etcd://" + h.etcd.Hosts() + "/" + service
	return url, url, nil
}

// ClusterEnv: an out-of-process dtm needs nothing but its Target.
func (h *harness) ClusterEnv() []string { return nil }

// ClusterTTL is go-zero's lease TTL.
func (h *harness) ClusterTTL() time.Duration { return h.RegistrationTTL() }

// ClusterLeave: etcd's watch pushes the revoked key at once.
func (h *harness) ClusterLeave() time.Duration { return time.Second }
