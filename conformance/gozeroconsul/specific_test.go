package gozeroconsul_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// healthBound is how soon after an instance's check turns critical in
// its agent the driver's connections stop calling it. Measured here: a few
// milliseconds (the blocking query answers at once); the bound leaves room
// for a loaded machine.
const healthBound = time.Second

// testHealthCheck stops the heartbeat of one of two instances, which keeps
// serving: once its TTL check turns critical, calls through a consul://
// connection must go to the other only, within healthBound.
func testHealthCheck(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service, ttl = "health", 2
	steady, err := h.startInstance(ctx, h.agent, "", service, env.Bank.Register("health-1"), ttl)
	if err != nil {
		t.Fatal(err)
	}
	defer steady.Stop()
	failing, err := h.startInstance(ctx, h.agent, "", service, env.Bank.Register("health-2"), ttl)
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Stop()
	conn, err := grpc.NewClient(h.ServiceURL(service), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	user := env.User()
	var failed []error
	call := func() {
		cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
		defer ccancel()
		if err := conn.Invoke(cctx, busi.TransIn, busi.Req{UserID: user, Amount: 1}.Proto(), new(emptypb.Empty), grpc.WaitForReady(true)); err != nil {
			failed = append(failed, err)
		}
	}
	for n := 0; n < 200 && (env.Bank.Stats("health-1").Calls == 0 || env.Bank.Stats("health-2").Calls == 0); n++ {
		call()
	}
	if env.Bank.Stats("health-1").Calls == 0 || env.Bank.Stats("health-2").Calls == 0 {
		t.Fatalf("calls did not reach both instances: %+v %+v", env.Bank.Stats("health-1"), env.Bank.Stats("health-2"))
	}

	// call without pause while the check runs out, and for 3 s after
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// one call a millisecond at most, bounded in count
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for n := 0; n < 20000; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			call()
		}
	}()
	failing.StopHeartbeat()
	beatStopped := time.Now()
	var critical time.Time
	for time.Since(beatStopped) < 3*ttl*time.Second {
		if st, err := h.agent.CheckStatus(failing.id); err == nil && st == "critical" {
			critical = time.Now()
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if critical.IsZero() {
		close(stop)
		wg.Wait()
		t.Fatalf("the check of %s did not turn critical within %ds of its last pass", failing.id, 3*ttl)
	}
	time.Sleep(3 * time.Second) // the window in which calls are observed
	close(stop)
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d calls failed, first: %v", len(failed), failed[0])
	}
	last := env.Bank.Stats("health-2").Last
	lag := last.Sub(critical)
	t.Logf("check critical %s after the last heartbeat (TTL %ds, seen in the agent by polling every 2 ms); "+
		"last call to the failing instance %s after that (bound %s); %d calls to the steady one",
		critical.Sub(beatStopped).Round(time.Millisecond), ttl, lag.Round(time.Millisecond), healthBound, env.Bank.Stats("health-1").Calls)
	if lag > healthBound {
		t.Errorf("the failing instance got calls %s after its check turned critical, want at most %s", lag, healthBound)
	}
	if after := env.Bank.Stats("health-1").Last; !after.After(critical.Add(2 * time.Second)) {
		t.Errorf("the steady instance got no calls late in the window (last %s after critical)", after.Sub(critical))
	}
}

// testUpstreamForms runs sagas through the URL forms of upstream
// dtmdriver-gozero v0.0.7 and zero-contrib (no query, the method after the
// query, the query after the method, BuildTarget's), and calls the service
// through a zrpc client written as zero-contrib's README says.
func testUpstreamForms(t *testing.T, h *harness, env *conformance.Env) {
	plain := "consul://" + h.agent.HTTPAddr() + "/" + env.Service
	target := zrpc.RpcClientConf{Target: plain + "?wait=14s"}.BuildTarget
	built, err := target()
	if err != nil {
		t.Fatal(err)
	}
	for name, url := range map[string]conformance.URLFunc{
		"no query":           func(m string) string { return plain + m },
		"method after query": func(m string) string { return plain + "?wait=14s&tag=rpc" + m },
		"query after method": func(m string) string { return plain + m + "?wait=14s&tag=rpc" },
		"BuildTarget":        func(m string) string { return built + m },
	} {
		t.Run(name, func(t *testing.T) {
			from, to := env.User(), env.User()
			gids := env.SubmitSagas(t, url, 2, 2, from, to)
			env.ExpectAllSucceed(t, gids, time.Minute)
			env.ExpectBalances(t, map[int64]int64{from: -2, to: 2})
		})
	}
	t.Run("zrpc client", func(t *testing.T) {
		// zero-contrib's README: Target: consul://127.0.0.1:8500/add.rpc?wait=14s
		cli, err := zrpc.NewClient(zrpc.RpcClientConf{Target: plain + "?wait=14s", NonBlock: true, Timeout: 5000})
		if err != nil {
			t.Fatal(err)
		}
		defer cli.Conn().Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// the bank answers a call without a branch, applying nothing
		if err := cli.Conn().Invoke(ctx, busi.TransIn, busi.Req{UserID: env.User(), Amount: 3}.Proto(), new(emptypb.Empty), grpc.WaitForReady(true)); err != nil {
			t.Fatalf("call through zrpc with target %s: %v", plain+"?wait=14s", err)
		}
	})
}

// testACLToken resolves a service in the agent with ACLs on (default deny):
// with the token, calls reach it; without, or with a wrong one, they fail
// saying why, and the token is nowhere in the error.
func testACLToken(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := h.aclAgentStarted()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.startInstance(ctx, a, aclToken, "aclbusi", env.Bank.Register("acl-1"), 20); err != nil {
		t.Fatal(err)
	}
	base := "consul://" + a.HTTPAddr() + "/aclbusi?wait=14s"
	const wrong = "0b6f3e1a-9c2d-4e8f-a7b5-1d2c3e4f5a6b"
	for _, c := range []struct {
		name, url, wantErr string
	}{
		{"token", base + "&token=" + aclToken, ""},
		// the agent lists nothing to the anonymous token; grpc's
		// round_robin then says it has no address
		{"no token", base, "no children to pick from"},
		{"wrong token", base + "&token=" + wrong, "403"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := grpc.NewClient(c.url, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			user := env.User()
			cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
			defer ccancel()
			err = conn.Invoke(cctx, busi.TransIn, busi.Req{UserID: user, Amount: 1}.Proto(), new(emptypb.Empty), grpc.WaitForReady(c.wantErr == ""))
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("call with the token: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("call: %v, want an error containing %q", err, c.wantErr)
			case err != nil && (strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), aclToken)):
				t.Fatalf("the error shows the token: %v", err)
			}
			if err != nil {
				t.Logf("%s: %v", c.name, err)
			}
		})
	}
}
