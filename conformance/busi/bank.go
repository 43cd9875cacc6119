package busi

import (
	"sort"
	"sync"
	"time"
)

// Call is one delivery of a branch call to an instance.
type Call struct {
	Instance  string
	Method    string
	Gid       string
	BranchID  string
	Op        string
	UserID    int64
	Amount    int64
	Effective bool // false when the barrier skipped it (duplicate, hanging, null compensation)
	Time      time.Time
}

// Bank holds the accounts all instances share and the record of every call.
type Bank struct {
	mu       sync.Mutex
	balances map[int64]int64
	// branches maps gid/branch to its barrier state.
	branches map[string]*branchState
	calls    []Call
	// instances summarises calls per instance.
	instances map[string]*InstanceStats
}

type branchState struct {
	acted, undone, confirmed bool
	sign                     int64 // of the action, to undo it
	actionAmount             int64
}

// NewBank returns an empty bank; balances start at 0 and may go negative.
func NewBank() *Bank {
	return &Bank{balances: map[int64]int64{}, branches: map[string]*branchState{}, instances: map[string]*InstanceStats{}}
}

// apply runs method for req under the barrier and records the call. It
// reports whether the call changed anything.
func (b *Bank) apply(instance, method string, req Req, gid, branchID, op string) bool {
	eff := effects[method]
	b.mu.Lock()
	defer b.mu.Unlock()
	key := gid + "/" + branchID
	st := b.branches[key]
	if st == nil {
		st = &branchState{}
		b.branches[key] = st
	}
	effective := false
	switch eff.kind {
	case kindAction:
		// skip a duplicate, and an action arriving after its undo (hanging)
		if !st.acted && !st.undone {
			st.acted, effective = true, true
			b.balances[req.UserID] += eff.sign * req.Amount
		}
	case kindUndo:
		// an undo before any action is a null compensation: remember it
		if !st.undone && !st.confirmed {
			st.undone = true
			if st.acted {
				effective = true
				b.balances[req.UserID] += eff.sign * req.Amount
			}
		}
	case kindConfirm:
		if st.acted && !st.confirmed && !st.undone {
			st.confirmed, effective = true, true
			b.balances[req.UserID] += eff.sign * req.Amount
		}
	}
	b.appendCall(Call{Instance: instance, Method: method, Gid: gid, BranchID: branchID, Op: op,
		UserID: req.UserID, Amount: req.Amount, Effective: effective, Time: time.Now()})
	return effective
}

// record notes a call that failed before reaching the barrier.
func (b *Bank) record(c Call) {
	c.Time = time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.appendCall(c)
}

// Balance returns user's balance.
func (b *Bank) Balance(user int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.balances[user]
}

// Total returns the sum of all balances.
func (b *Bank) Total() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var t int64
	for _, v := range b.balances {
		t += v
	}
	return t
}

// Calls returns the calls of gid in the order they arrived; every call when
// gid is "".
func (b *Bank) Calls(gid string) []Call {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Call
	for _, c := range b.calls {
		if gid == "" || c.Gid == gid {
			out = append(out, c)
		}
	}
	return out
}

// CountByInstance counts the calls each instance received among calls.
func CountByInstance(calls []Call) map[string]int {
	n := map[string]int{}
	for _, c := range calls {
		n[c.Instance]++
	}
	return n
}

// Instances returns the sorted keys of a count map.
func Instances(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// InstanceStats is what one instance has served.
type InstanceStats struct {
	Calls       int
	First, Last time.Time
}

// Stats returns what instance has served so far.
func (b *Bank) Stats(instance string) InstanceStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st := b.instances[instance]; st != nil {
		return *st
	}
	return InstanceStats{}
}

// appendCall records c; the caller holds b.mu.
func (b *Bank) appendCall(c Call) {
	b.calls = append(b.calls, c)
	st := b.instances[c.Instance]
	if st == nil {
		st = &InstanceStats{First: c.Time}
		b.instances[c.Instance] = st
	}
	st.Calls++
	st.Last = c.Time
}
