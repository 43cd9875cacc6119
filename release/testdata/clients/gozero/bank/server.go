package bank

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Server is the bank service. Balances live in memory; a TCC try holds its
// amount under its global transaction and branch until dtm confirms or
// cancels it, so a confirm or cancel applies at most once and a cancel
// without a try does nothing.
type Server struct {
	UnimplementedBankServer
	mu       sync.Mutex
	balances map[int64]int64
	held     map[string]hold
}

type hold struct{ user, amount int64 }

// NewServer opens the given accounts.
func NewServer(balances map[int64]int64) *Server {
	return &Server{balances: balances, held: map[string]hold{}}
}

// refuse makes dtm roll the transaction back (codes.Aborted is dtm's failure).
func refuse(format string, a ...any) error {
	return status.Errorf(codes.Aborted, format, a...)
}

func (s *Server) TransOut(_ context.Context, r *TransReq) (*Reply, error) {
	return &Reply{}, s.adjust(r.UserId, -r.Amount)
}

func (s *Server) TransIn(_ context.Context, r *TransReq) (*Reply, error) {
	return &Reply{}, s.adjust(r.UserId, r.Amount)
}

func (s *Server) adjust(user, amount int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.balances[user]
	if !ok {
		return refuse("no account %d", user)
	}
	if b+amount < 0 {
		return refuse("account %d: balance %d, cannot take %d", user, b, -amount)
	}
	s.balances[user] = b + amount
	return nil
}

func (s *Server) TransOutTry(ctx context.Context, r *TransReq) (*Reply, error) {
	return s.try(ctx, r.UserId, r.Amount, true)
}

func (s *Server) TransInTry(ctx context.Context, r *TransReq) (*Reply, error) {
	return s.try(ctx, r.UserId, r.Amount, false)
}

// TransOutConfirm keeps the debit its try made.
func (s *Server) TransOutConfirm(ctx context.Context, _ *TransReq) (*Reply, error) {
	return s.release(ctx, false)
}

// TransOutCancel gives the debit back.
func (s *Server) TransOutCancel(ctx context.Context, _ *TransReq) (*Reply, error) {
	return s.release(ctx, true)
}

// TransInConfirm credits what its try held.
func (s *Server) TransInConfirm(ctx context.Context, _ *TransReq) (*Reply, error) {
	return s.release(ctx, true)
}

// TransInCancel drops what its try held.
func (s *Server) TransInCancel(ctx context.Context, _ *TransReq) (*Reply, error) {
	return s.release(ctx, false)
}

// try holds amount for the branch; a debit leaves the balance at once.
func (s *Server) try(ctx context.Context, user, amount int64, debit bool) (*Reply, error) {
	key, err := branchKey(ctx)
	if err != nil {
		return nil, err
	}
	if debit {
		err = s.adjust(user, -amount)
	} else {
		err = s.adjust(user, 0) // the account must exist
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.held[key] = hold{user, amount}
	s.mu.Unlock()
	return &Reply{}, nil
}

// release ends the branch's hold, paying the held amount into the account
// when pay is set.
func (s *Server) release(ctx context.Context, pay bool) (*Reply, error) {
	key, err := branchKey(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.held[key]
	if !ok {
		return &Reply{}, nil // released already, or cancelled before its try
	}
	delete(s.held, key)
	if pay {
		s.balances[h.user] += h.amount
	}
	return &Reply{}, nil
}

func (s *Server) Balance(_ context.Context, r *BalanceReq) (*BalanceReply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var held int64
	for _, h := range s.held {
		if h.user == r.UserId {
			held += h.amount
		}
	}
	return &BalanceReply{Balance: s.balances[r.UserId], Held: held}, nil
}

func branchKey(ctx context.Context) (string, error) {
	bb, err := dtmgrpc.BarrierFromGrpc(ctx)
	if err != nil {
		return "", status.Errorf(codes.InvalidArgument, "not a dtm branch call: %v", err)
	}
	return bb.Gid + "/" + bb.BranchID, nil
}

// Format prints balances as "1=70 2=130 held=0".
func Format(balances map[int64]*BalanceReply) string {
	var users []int64
	for u := range balances {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i] < users[j] })
	var b strings.Builder
	var held int64
	for _, u := range users {
		fmt.Fprintf(&b, "%d=%d ", u, balances[u].Balance)
		held += balances[u].Held
	}
	fmt.Fprintf(&b, "held=%d", held)
	return b.String()
}
