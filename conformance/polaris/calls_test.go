package polaris_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// submitSagas submits n two-branch sagas moving 1 from one user to another,
// workers at a time, with branch URLs url(method), and waits until all
// succeed. It returns the calls their branches made.
func submitSagas(t *testing.T, env *conformance.Env, n, workers int, url func(method string) string) []busi.Call {
	t.Helper()
	from, to := env.User(), env.User()
	gids := make([]string, n)
	for i := range gids {
		gids[i] = env.Gid("polaris")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	jobs := make(chan string)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for gid := range jobs {
				errs <- dtmgrpc.NewSagaGrpc(env.DtmURL, gid).
					Add(url(busi.TransOut), url(busi.TransOutRevert), busi.Req{UserID: from, Amount: 1}.Proto()).
					Add(url(busi.TransIn), url(busi.TransInRevert), busi.Req{UserID: to, Amount: 1}.Proto()).
					Submit()
			}
		}()
	}
	for _, gid := range gids {
		select {
		case jobs <- gid:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("submit saga: %v", err)
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("submitting %d sagas: %v", n, ctx.Err())
	}
	var calls []busi.Call
	for _, gid := range gids {
		env.WaitStatus(t, gid, "succeed")
		calls = append(calls, env.Bank.Calls(gid)...)
	}
	if got := env.Bank.Balance(from) + env.Bank.Balance(to); got != 0 {
		t.Errorf("money not conserved: %d", got)
	}
	return calls
}

// dial connects to target through the driver's resolver with no balancer
// option, as dtm does.
func dial(t *testing.T, target string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial %s: %v", target, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// callOnce calls TransIn for user through conn and returns the instance that
// served it, from the bank's record.
func callOnce(env *conformance.Env, conn *grpc.ClientConn, user int64) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	before := len(env.Bank.Calls(""))
	if err := conn.Invoke(ctx, busi.TransIn, busi.Req{UserID: user, Amount: 1}.Proto(), new(emptypb.Empty)); err != nil {
		return "", err
	}
	calls := env.Bank.Calls("")
	for i := len(calls) - 1; i >= before; i-- {
		if calls[i].UserID == user {
			return calls[i].Instance, nil
		}
	}
	return "", fmt.Errorf("call for user %d not recorded", user)
}

// shares formats counts as "a=1 (25.0%) b=3 (75.0%)".
func shares(counts map[string]int) string {
	total := 0
	for _, n := range counts {
		total += n
	}
	s := ""
	for _, k := range busi.Instances(counts) {
		s += fmt.Sprintf(" %s=%d (%.1f%%)", k, counts[k], 100*float64(counts[k])/float64(max(total, 1)))
	}
	return s
}
