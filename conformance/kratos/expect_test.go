package kratos_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
)

// amount is what each transaction here moves.
const amount = 30

// sagaTransfer runs a two-branch saga through the branch URL prefix and waits
// for it to succeed.
func sagaTransfer(t *testing.T, env *conformance.Env, prefix, gidPrefix string) (gid string, from, to int64) {
	t.Helper()
	from, to, gid = env.User(), env.User(), env.Gid(gidPrefix)
	err := dtmgrpc.NewSagaGrpc(env.DtmURL, gid).
		Add(prefix+busi.TransOut, prefix+busi.TransOutRevert, busi.Req{UserID: from, Amount: amount}.Proto()).
		Add(prefix+busi.TransIn, prefix+busi.TransInRevert, busi.Req{UserID: to, Amount: amount}.Proto()).
		Submit()
	if err != nil {
		t.Fatalf("submit saga through %q: %v", prefix, err)
	}
	env.WaitStatus(t, gid, "succeed")
	expectBalances(t, env, map[int64]int64{from: -amount, to: amount})
	return gid, from, to
}

// expectCalls fails t unless gid's branch calls are ops, each once, all
// served by instance.
func expectCalls(t *testing.T, env *conformance.Env, gid, instance string, ops ...string) {
	t.Helper()
	calls := env.Bank.Calls(gid)
	var got []string
	for _, c := range calls {
		if c.Instance != instance {
			t.Errorf("transaction %s: %s served by %q, want %q", gid, c.Method, c.Instance, instance)
		}
		got = append(got, c.Op)
	}
	want := append([]string(nil), ops...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("transaction %s: calls %+v, want ops %v", gid, calls, ops)
	}
}

func expectBalances(t *testing.T, env *conformance.Env, want map[int64]int64) {
	t.Helper()
	for user, w := range want {
		if got := env.Bank.Balance(user); got != w {
			t.Errorf("user %d has balance %d, want %d", user, got, w)
		}
	}
}

// timeout returns a context for one subtest step.
func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
