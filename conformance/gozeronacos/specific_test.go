package gozeronacos_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// testDialTwiceCloseFive dials the same nacos target twice, as two dtm
// connections would, five times over, closing both each time: every dial
// must reach the service at once (zero-contrib's resolver hung on the
// second, waiting for a change), and no goroutine may be left.
func testDialTwiceCloseFive(t *testing.T, h *harness, env *conformance.Env) {
	target := h.ServiceURL(env.Service)
	settle := func() int {
		var n int
		_ = infra.WaitFor(5*time.Second, "goroutines to settle", func() bool {
			n = runtime.NumGoroutine()
			time.Sleep(50 * time.Millisecond)
			return runtime.NumGoroutine() == n
		})
		return n
	}
	before := settle()
	user := env.User()
	for round := 1; round <= 5; round++ {
		var conns []*grpc.ClientConn
		for d := 0; d < 2; d++ {
			conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatalf("round %d: dial %s: %v", round, target, err)
			}
			conns = append(conns, conn)
			start := time.Now()
			ctx, cancel := contextWithTimeout(2 * time.Second)
			err = conn.Invoke(ctx, busi.TransIn, busi.Req{UserID: user, Amount: 1}.Proto(), new(emptypb.Empty), grpc.WaitForReady(true))
			cancel()
			if err != nil {
				t.Fatalf("round %d, dial %d: call through %s: %v", round, d+1, target, err)
			}
			t.Logf("round %d, dial %d: first call in %s", round, d+1, time.Since(start).Round(time.Millisecond))
		}
		for _, c := range conns {
			_ = c.Close()
		}
		t.Logf("round %d: %d goroutines after closing (%d before the first dial)", round, runtime.NumGoroutine(), before)
	}
	var after int
	err := infra.WaitFor(10*time.Second, "goroutines back to their count before the dials", func() bool {
		after = runtime.NumGoroutine()
		return after <= before
	})
	if err != nil {
		t.Errorf("%d goroutines before 2 dials x 5 rounds, %d after: %v", before, after, err)
	}
}

// testUpstreamForms runs sagas through the URL forms of upstream
// dtmdriver-gozero v0.0.7 and zero-contrib: the method after the query,
// and the query after the method.
func testUpstreamForms(t *testing.T, h *harness, env *conformance.Env) {
	base := h.ServiceURL(env.Service)
	for name, url := range map[string]conformance.URLFunc{
		"method after query": func(m string) string { return base + "?namespaceid=public&timeout=3000" + m },
		"query after method": func(m string) string { return base + m + "?namespaceId=public&timeoutMs=3000" },
	} {
		t.Run(name, func(t *testing.T) {
			from, to := env.User(), env.User()
			gids := env.SubmitSagas(t, url, 2, 2, from, to)
			env.ExpectAllSucceed(t, gids, time.Minute)
			env.ExpectBalances(t, map[int64]int64{from: -2, to: 2})
		})
	}
}

// testNoFilesInWorkingDir checks that nacos-sdk-go wrote no cache or log
// into the working directory (dtm's).
func testNoFilesInWorkingDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cache", "log", "naming"} {
		if _, err := os.Stat(filepath.Join(wd, name)); err == nil {
			t.Errorf("nacos-sdk-go wrote %s into the working directory %s", name, wd)
		}
	}
}
