package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/dtmcluster"
	"github.com/dtmkit/drivers/conformance/infra/redisserver"
	"github.com/dtmkit/drivers/kit/kittest"
)

// ClusterHarness is implemented by harnesses whose registry can hold a
// cluster of dtm servers running out of process: the bundled dtm server
// (github.com/dtmkit/drivers/cmd/dtm, built from the caller's workspace),
// several on one redis store. The Cluster subtests run for them.
type ClusterHarness interface {
	// ClusterRegistration returns the MicroService.Target the servers of a
	// dtm cluster named service share, the URL clients dial the cluster
	// through, and the EndPoint of a server with the given gRPC address.
	ClusterRegistration(service string) (target, clientURL string, endpoint func(grpcAddr string) string)
	// ClusterEnv is what an out-of-process dtm server needs in its
	// environment to reach the registry, or nil.
	ClusterEnv() []string
	// ClusterTTL is how long a killed server's registration outlives it.
	ClusterTTL() time.Duration
	// ClusterLeave bounds how long a server stopped with SIGTERM, which
	// deregisters it, stays resolvable after it exits: a second where the
	// registry pushes changes.
	ClusterLeave() time.Duration
}

// clusterSize and clusterInstances size the cluster subtests: 3 dtm servers
// and 2 business instances.
const (
	clusterSize      = 3
	clusterInstances = 2
	// clusterConf makes dtm retry and time out as soon as it allows (10 s
	// at least), and look for such work every second, so that what a
	// killed server left half done finishes within the test.
	clusterConf = "TransCronInterval: 1\nRetryInterval: 10\nTimeoutToFail: 10\nRequestTimeout: 3\n"
)

// dtmCluster is what the cluster subtests share.
type dtmCluster struct {
	e       *Env
	c       *dtmcluster.Cluster
	url     string // clients dial dtm through it
	busiURL string
	// resolved follows what the driver's resolver gives for url.
	resolved *kittest.ClientConn
}

// testCluster starts redis, the cluster and the business instances, then
// runs the cluster subtests on them.
func testCluster(t *testing.T, e *Env) {
	h := e.Harness.(ClusterHarness)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	redis, err := redisserver.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer redis.Close()
	bin, remove, err := dtmcluster.Build(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	for i := 1; i <= clusterInstances; i++ {
		inst, err := e.Harness.StartInstance(ctx, "cluster", e.Bank.Register(fmt.Sprintf("cluster-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Stop()
	}
	target, clientURL, endpoint := h.ClusterRegistration("dtmcluster")
	c, err := dtmcluster.Start(ctx, dtmcluster.Options{
		Bin: bin, Size: clusterSize, Driver: e.Harness.DriverName(), Target: target, Endpoint: endpoint,
		RedisAddr: redis.Addr(), Env: h.ClusterEnv(), Conf: clusterConf,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dc := &dtmCluster{e: e, c: c, url: clientURL, busiURL: e.Harness.ServiceURL("cluster")}
	stop := dc.follow(t)
	defer stop()
	dc.expectResolved(t, 30*time.Second, dc.addrs(c.Members()...)...)

	t.Run("Spread", func(t *testing.T) { testClusterSpread(t, dc) })
	t.Run("DtmCrash", func(t *testing.T) { testClusterDtmCrash(t, dc, h.ClusterTTL()) })
	t.Run("RollingRestart", func(t *testing.T) { testClusterRollingRestart(t, dc, h.ClusterLeave()) })
}

// follow builds the driver's resolver for the cluster URL, as a client's
// connection would, and records what it reports.
func (dc *dtmCluster) follow(t *testing.T) (stop func()) {
	t.Helper()
	u, err := url.Parse(dc.url)
	if err != nil {
		t.Fatal(err)
	}
	b := resolver.Get(u.Scheme)
	if b == nil {
		t.Fatalf("no resolver for %s", dc.url)
	}
	dc.resolved = &kittest.ClientConn{}
	r, err := b.Build(resolver.Target{URL: *u}, dc.resolved, resolver.BuildOptions{})
	if err != nil {
		t.Fatalf("resolve %s: %v", dc.url, err)
	}
	return r.Close
}

// resolvedAddrs is the latest address list of the cluster URL, sorted.
func (dc *dtmCluster) resolvedAddrs() []string {
	states := dc.resolved.States()
	if len(states) == 0 {
		return nil
	}
	var addrs []string
	for _, a := range states[len(states)-1].Addresses {
		addrs = append(addrs, a.Addr)
	}
	for _, ep := range states[len(states)-1].Endpoints {
		for _, a := range ep.Addresses {
			addrs = append(addrs, a.Addr)
		}
	}
	sort.Strings(addrs)
	return addrs
}

// expectResolved waits until the cluster URL resolves to exactly want, and
// returns how long that took.
func (dc *dtmCluster) expectResolved(t *testing.T, timeout time.Duration, want ...string) time.Duration {
	t.Helper()
	sort.Strings(want)
	begin := time.Now()
	ok := dc.resolved.Await(timeout, func() bool {
		return strings.Join(dc.resolvedAddrs(), ",") == strings.Join(want, ",")
	})
	if !ok {
		t.Fatalf("%s resolves to %v after %s, want %v", dc.url, dc.resolvedAddrs(), timeout, want)
	}
	return time.Since(begin)
}

// awaitResolved waits until the cluster URL resolves to exactly want and
// returns how long that took, or -1 after timeout.
func (dc *dtmCluster) awaitResolved(timeout time.Duration, want []string) time.Duration {
	sort.Strings(want)
	begin := time.Now()
	if !dc.resolved.Await(timeout, func() bool {
		return strings.Join(dc.resolvedAddrs(), ",") == strings.Join(want, ",")
	}) {
		return -1
	}
	return time.Since(begin)
}

func (dc *dtmCluster) addrs(ms ...*dtmcluster.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.GrpcAddr)
	}
	return out
}

func (dc *dtmCluster) except(skip *dtmcluster.Member) []*dtmcluster.Member {
	var out []*dtmcluster.Member
	for _, m := range dc.c.Members() {
		if m != skip {
			out = append(out, m)
		}
	}
	return out
}

// submitSaga submits a two-branch saga through the cluster URL as a client
// that retries as dtm's does: a call that met no server (Unavailable, a
// server gone mid-call) is made again, with the same gid, which dtm takes
// as the same saga.
func (dc *dtmCluster) submitSaga(gid string, from, to int64) error {
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		saga := dtmgrpc.NewSagaGrpc(dc.url, gid).
			Add(dc.busiURL+busi.TransOut, dc.busiURL+busi.TransOutRevert, busi.Req{UserID: from, Amount: 1}.Proto()).
			Add(dc.busiURL+busi.TransIn, dc.busiURL+busi.TransInRevert, busi.Req{UserID: to, Amount: 1}.Proto())
		err = saga.Submit()
		if err == nil || attempt > 0 && strings.Contains(err.Error(), "current status 'succeed'") {
			return nil
		}
		if status.Code(err) != codes.Unavailable {
			return err
		}
		time.Sleep(200 * time.Millisecond) // a client's retry back-off
	}
	return err
}

// tcc runs a two-branch TCC transfer through the cluster URL. A server lost
// mid-way makes the client abort it; either way it ends final.
func (dc *dtmCluster) tcc(gid string, from, to int64) error {
	return dtmgrpc.TccGlobalTransaction(dc.url, gid, func(tcc *dtmgrpc.TccGrpc) error {
		r := &emptypb.Empty{}
		if err := tcc.CallBranch(busi.Req{UserID: from, Amount: 1}.Proto(),
			dc.busiURL+busi.TransOutTry, dc.busiURL+busi.TransOutConfirm, dc.busiURL+busi.TransOutCancel, r); err != nil {
			return err
		}
		return tcc.CallBranch(busi.Req{UserID: to, Amount: 1}.Proto(),
			dc.busiURL+busi.TransInTry, dc.busiURL+busi.TransInConfirm, dc.busiURL+busi.TransInCancel, r)
	})
}

// status asks the cluster's running servers, over dtm's HTTP API, for the
// status of gid: "" when none knows it.
func (dc *dtmCluster) status(gid string) (string, error) {
	var errs []error
	for _, m := range dc.c.Members() {
		if !m.Running() {
			continue
		}
		st, err := queryStatus(m.HTTPAddr, gid)
		if err == nil {
			return st, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(append(errs, errors.New("no running dtm server answered"))...)
}

var queryClient = &http.Client{Timeout: 3 * time.Second}

func queryStatus(httpAddr, gid string) (string, error) {
	resp, err := queryClient.Get("http://" + httpAddr + "/api/dtmsvr/query?gid=" + url.QueryEscape(gid))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		Transaction *struct{ Status string } `json:"transaction"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("query %s: %w", gid, err)
	}
	if body.Transaction == nil {
		return "", nil
	}
	return body.Transaction.Status, nil
}

// expectFinal waits until every gid is final ("succeed" or "failed") and
// returns the status of each. A gid in unknownOK (a transaction whose
// client saw an error) may also be unknown to dtm: it never reached a
// server, and must have had no effect.
func (dc *dtmCluster) expectFinal(t *testing.T, gids []string, unknownOK map[string]bool, timeout time.Duration) map[string]string {
	t.Helper()
	final := map[string]string{}
	deadline := time.Now().Add(timeout)
	for _, gid := range gids {
		var st string
		var qerr error
		err := infra.WaitFor(time.Until(deadline), "transaction "+gid+" to end", func() bool {
			st, qerr = dc.status(gid)
			return qerr == nil && (st == "succeed" || st == "failed" || st == "" && unknownOK[gid])
		})
		if err != nil {
			t.Fatalf("transaction %s: status %q (%v, %v)", gid, st, qerr, err)
		}
		final[gid] = st
	}
	return final
}
