// Package bank is the trans service of the examples: accounts in memory,
// served as trans.Trans, telling what it does in plain words. Whatever the
// framework, the examples serve this same implementation.
package bank

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtmkit/drivers/examples/transpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Bank implements transpb.TransServer.
type Bank struct {
	transpb.UnimplementedTransServer

	mu       sync.Mutex
	balances map[int64]int64
	frozen   map[int64]bool
	done     map[string]bool // "gid/branch/op" already applied, as dtm's barrier keeps
	say      func(format string, args ...any)
}

// New returns a bank with the given opening balances; TransIn to a frozen
// user fails, which makes a saga roll back. say prints what happens.
func New(balances map[int64]int64, frozen []int64, say func(format string, args ...any)) *Bank {
	b := &Bank{balances: map[int64]int64{}, frozen: map[int64]bool{}, done: map[string]bool{}, say: say}
	for u, v := range balances {
		b.balances[u] = v
	}
	for _, u := range frozen {
		b.frozen[u] = true
	}
	return b
}

// TransOut takes money from an account.
func (b *Bank) TransOut(ctx context.Context, in *transpb.AdjustInfo) (*transpb.Reply, error) {
	b.apply(ctx, "action", in.UserId, -in.Amount, "TransOut %d from user %d", in.Amount, in.UserId)
	return &transpb.Reply{}, nil
}

// TransOutRevert gives back what TransOut took.
func (b *Bank) TransOutRevert(ctx context.Context, in *transpb.AdjustInfo) (*transpb.Reply, error) {
	b.apply(ctx, "compensate", in.UserId, in.Amount, "compensate TransOut %d to user %d", in.Amount, in.UserId)
	return &transpb.Reply{}, nil
}

// TransIn credits an account, unless it is frozen: then it fails with
// codes.Aborted, which tells dtm to roll the transaction back.
func (b *Bank) TransIn(ctx context.Context, in *transpb.AdjustInfo) (*transpb.Reply, error) {
	if b.isFrozen(in.UserId) {
		b.say("TransIn %d to user %d refused: account frozen", in.Amount, in.UserId)
		return nil, status.Errorf(codes.Aborted, "user %d is frozen", in.UserId)
	}
	b.apply(ctx, "action", in.UserId, in.Amount, "TransIn %d to user %d", in.Amount, in.UserId)
	return &transpb.Reply{}, nil
}

// TransInRevert takes back what TransIn credited.
func (b *Bank) TransInRevert(ctx context.Context, in *transpb.AdjustInfo) (*transpb.Reply, error) {
	b.apply(ctx, "compensate", in.UserId, -in.Amount, "compensate TransIn %d from user %d", in.Amount, in.UserId)
	return &transpb.Reply{}, nil
}

// apply changes a balance once per branch and operation. A compensation
// whose action never applied (dtm compensates the failed branch too) does
// nothing; so does an action arriving after its compensation.
func (b *Bank) apply(ctx context.Context, op string, user, delta int64, format string, args ...any) {
	tb := dtmgimp.TransBaseFromGrpc(ctx)
	branch := tb.Gid + "/" + tb.BranchID
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done[branch+"/"+op]:
		return // a retry of what already happened
	case op == "compensate" && !b.done[branch+"/action"]:
		b.done[branch+"/compensate"] = true
		b.say(format+": nothing to undo", args...)
		return
	case op == "action" && b.done[branch+"/compensate"]:
		return // arrived after its compensation
	}
	b.done[branch+"/"+op] = true
	b.balances[user] += delta
	b.say(format, args...)
}

func (b *Bank) isFrozen(user int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.frozen[user]
}

// Balance returns a user's balance.
func (b *Bank) Balance(user int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.balances[user]
}

// String lists the balances, "user 1 = 40, user 2 = 160".
func (b *Bank) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	users := make([]int64, 0, len(b.balances))
	for u := range b.balances {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i] < users[j] })
	parts := make([]string, len(users))
	for i, u := range users {
		parts[i] = fmt.Sprintf("user %d = %d", u, b.balances[u])
	}
	return strings.Join(parts, ", ")
}
