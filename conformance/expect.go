package conformance

import (
	"sort"
	"testing"
)

// ExpectBalances fails t unless every user has the wanted balance.
func (e *Env) ExpectBalances(t testing.TB, want map[int64]int64) {
	t.Helper()
	for user, w := range want {
		if got := e.Bank.Balance(user); got != w {
			t.Errorf("user %d has balance %d, want %d", user, got, w)
		}
	}
}

// expectOps fails t unless gid's calls were exactly ops (in any order within
// the multiset), each delivered once.
func (e *Env) expectOps(t *testing.T, gid string, ops []string) {
	t.Helper()
	calls := e.Bank.Calls(gid)
	var got []string
	for _, c := range calls {
		got = append(got, c.Op)
	}
	want := append([]string(nil), ops...)
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("transaction %s: calls %+v, want ops %v", gid, calls, ops)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("transaction %s: calls %+v, want ops %v", gid, calls, ops)
		}
	}
}
