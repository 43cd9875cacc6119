package busi

import (
	"sort"
	"sync"
	"time"
)

// Call is one delivery of a branch call to an instance.
type Call struct {
	Instance string
	Method   string
	Gid      string
	BranchID string
	Op       string
	UserID   int64
	Amount   int64
	// Attempt is the ID StampAttempts gave the client call that made this
	// delivery; "" for a call that went through no stamping client.
	Attempt string
	// Answer is what the service answered: OK, Failure, Ongoing or
	// Unanswered.
	Answer string
	// Effective is whether the delivery changed a balance: false when the
	// barrier skipped it (a redelivery, a hanging action, a null
	// compensation) or it was not answered OK before proceeding.
	Effective bool
	Time      time.Time
}

// Bank holds the accounts all instances share and the record of every call.
type Bank struct {
	mu       sync.Mutex
	balances map[int64]int64
	// branches maps gid/branch to its barrier state.
	branches map[string]*branchState
	// delivered counts the deliveries of each gid/branch/op, for Req.Ongoing.
	delivered map[string]int
	calls     []Call
	// instances summarises calls per instance.
	instances map[string]*InstanceStats
	// crashes are the crashes CrashOn arranged, by instance.
	crashes map[string]*crash
}

type branchState struct {
	acted, undone, confirmed bool
}

// NewBank returns an empty bank; balances start at 0 and may go negative.
func NewBank() *Bank {
	return &Bank{balances: map[int64]int64{}, branches: map[string]*branchState{},
		delivered: map[string]int{}, instances: map[string]*InstanceStats{}, crashes: map[string]*crash{}}
}

// deliver records one delivery of c (its Instance, Method, Gid, BranchID,
// Op, UserID, Amount and Attempt set) and decides what the service answers:
// it applies the call under the barrier unless req asks for a failure or
// for an Ongoing answer first, or the instance has crashed. The crash, if
// this delivery is the one CrashOn waits for, is returned for the caller to
// carry out.
func (b *Bank) deliver(c Call, req Req) (Call, *crash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c.Time = time.Now()
	n := b.delivered[c.Gid+"/"+c.BranchID+"/"+c.Op] + 1
	b.delivered[c.Gid+"/"+c.BranchID+"/"+c.Op] = n
	cr := b.crashes[c.Instance]
	switch {
	case cr != nil && cr.happened:
		// handlers still running when the instance died apply nothing
		c.Answer = Unanswered
	case effects[c.Method].kind == kindAction && req.Result == Failure:
		c.Answer = Failure
	case effects[c.Method].kind == kindAction && n <= req.Ongoing:
		c.Answer = Ongoing
	default:
		c.Answer, c.Effective = OK, b.apply(c.Method, req, c.Gid+"/"+c.BranchID)
	}
	b.appendCall(c)
	if cr != nil && !cr.happened && b.instances[c.Instance].Calls >= cr.after {
		// the instance dies having applied the call, before answering
		cr.happened, cr.at = true, c
		c.Answer = Unanswered
		b.calls[len(b.calls)-1].Answer = Unanswered
		return c, cr
	}
	return c, nil
}

// apply runs method for req under the barrier of branch and reports whether
// it changed anything; the caller holds b.mu.
func (b *Bank) apply(method string, req Req, branch string) bool {
	eff := effects[method]
	st := b.branches[branch]
	if st == nil {
		st = &branchState{}
		b.branches[branch] = st
	}
	switch eff.kind {
	case kindAction:
		// skip a redelivery, and an action arriving after its undo (hanging)
		if !st.acted && !st.undone {
			st.acted = true
			b.balances[req.UserID] += eff.sign * req.Amount
			return true
		}
	case kindUndo:
		// an undo before any action is a null compensation: remember it
		if !st.undone && !st.confirmed {
			st.undone = true
			if st.acted {
				b.balances[req.UserID] += eff.sign * req.Amount
				return true
			}
		}
	case kindConfirm:
		if st.acted && !st.confirmed && !st.undone {
			st.confirmed = true
			b.balances[req.UserID] += eff.sign * req.Amount
			return true
		}
	}
	return false
}

// Balance returns user's balance.
func (b *Bank) Balance(user int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.balances[user]
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
