package polaris_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// submitSagas runs n two-branch sagas through the suite's SubmitSagas with
// branch URLs url(method), waits until all succeed, checks the money moved,
// and returns the calls their branches made.
func submitSagas(t *testing.T, env *conformance.Env, n, workers int, url conformance.URLFunc) []busi.Call {
	t.Helper()
	from, to := env.User(), env.User()
	gids := env.SubmitSagas(t, url, n, workers, from, to)
	env.ExpectAllSucceed(t, gids, 2*time.Minute)
	env.ExpectBalances(t, map[int64]int64{from: int64(-n), to: int64(n)})
	return env.CallsOf(gids)
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
