package conformance

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// DialTwiceCloseFive dials target, a URL of the service env.Service, twice,
// as two dtm connections would, five times over, closing both each time:
// every dial must reach the service at once (zero-contrib's nacos resolver
// hung on the second, waiting for a change), and no goroutine may be left
// (it leaked a naming client per dial). It logs the counts, for the
// drivers' READMEs.
func (e *Env) DialTwiceCloseFive(t *testing.T, target string) {
	t.Helper()
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
	user := e.User()
	for round := 1; round <= 5; round++ {
		var conns []*grpc.ClientConn
		for d := 0; d < 2; d++ {
			conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatalf("round %d: dial %s: %v", round, target, err)
			}
			conns = append(conns, conn)
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
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
