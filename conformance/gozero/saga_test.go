package gozero_test

import (
	"sort"
	"testing"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/kit"
)

const amount = 30

// route makes the branch URL of a method.
type route func(method string) string

// at appends the method to prefix, as go-zero's docs write branch URLs.
func at(prefix string) route {
	return func(m string) string { return prefix + m }
}

// withQuery puts the method between prefix and query, as dtm's docs write
// branch URLs with a query.
func withQuery(prefix, query string) route {
	return func(m string) string { return prefix + m + "?" + query }
}

// transfer runs a saga moving amount from one new user to another, its first
// branch through out and its second through in. It checks the transaction
// succeeds and the balances moved, and returns the instances that served the
// branches, sorted.
func transfer(t *testing.T, env *conformance.Env, out, in route) []string {
	t.Helper()
	from, to, gid := env.User(), env.User(), env.Gid(t.Name())
	err := dtmgrpc.NewSagaGrpc(env.DtmURL, gid).
		Add(out(busi.TransOut), out(busi.TransOutRevert), busi.Req{UserID: from, Amount: amount}.Proto()).
		Add(in(busi.TransIn), in(busi.TransInRevert), busi.Req{UserID: to, Amount: amount}.Proto()).
		Submit()
	if err != nil {
		t.Fatalf("submit saga through %s and %s: %v", kit.Redact(out(busi.TransOut)), kit.Redact(in(busi.TransIn)), err)
	}
	env.WaitStatus(t, gid, "succeed")
	if got := env.Bank.Balance(from); got != -amount {
		t.Errorf("user %d has balance %d, want %d", from, got, -amount)
	}
	if got := env.Bank.Balance(to); got != amount {
		t.Errorf("user %d has balance %d, want %d", to, got, amount)
	}
	var served []string
	for _, c := range env.Bank.Calls(gid) {
		served = append(served, c.Instance)
	}
	sort.Strings(served)
	return served
}

// expectServed fails t unless the branches were served by exactly want.
func expectServed(t *testing.T, served []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if len(served) != len(want) {
		t.Fatalf("branches served by %v, want %v", served, want)
	}
	for i := range want {
		if served[i] != want[i] {
			t.Fatalf("branches served by %v, want %v", served, want)
		}
	}
}
