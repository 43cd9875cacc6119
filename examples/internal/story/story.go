// Package story is the client side of the examples: three transactions that
// show what dtm does through a driver — a 2-phase message, a saga that
// succeeds, and a saga whose TransIn fails so its TransOut is compensated.
package story

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtmkit/drivers/examples/transpb"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The users of the story: Frozen's account refuses money.
const (
	Alice  = 1
	Bob    = 2
	Frozen = 3
	Amount = 30
)

// Run runs the story through the dtm at dtmURL against the trans service
// whose branch URL prefix is transURL ("/trans.Trans/Method" is appended).
// say prints a line. It fails if a transaction ends other than expected.
func Run(dtmURL, transURL string, say func(format string, args ...any)) error {
	url := func(method string) string { return transURL + "/trans.Trans/" + method }
	out := func(user int64) *transpb.AdjustInfo { return &transpb.AdjustInfo{UserId: user, Amount: Amount} }

	say("1. 2-phase message: %d from user %d to user %d", Amount, Alice, Bob)
	err := submit(dtmURL, say, true, func(gid string) error {
		msg := dtmgrpc.NewMsgGrpc(dtmURL, gid).
			Add(url("TransOut"), out(Alice)).
			Add(url("TransIn"), out(Bob))
		msg.WaitResult = true
		return msg.Submit()
	})
	if err != nil {
		return err
	}

	say("2. saga: %d from user %d to user %d", Amount, Alice, Bob)
	err = submit(dtmURL, say, true, func(gid string) error {
		saga := dtmgrpc.NewSagaGrpc(dtmURL, gid).
			Add(url("TransOut"), url("TransOutRevert"), out(Alice)).
			Add(url("TransIn"), url("TransInRevert"), out(Bob))
		saga.WaitResult = true
		return saga.Submit()
	})
	if err != nil {
		return err
	}

	say("3. saga: %d from user %d to user %d, whose account is frozen", Amount, Alice, Frozen)
	return submit(dtmURL, say, false, func(gid string) error {
		saga := dtmgrpc.NewSagaGrpc(dtmURL, gid).
			Add(url("TransOut"), url("TransOutRevert"), out(Alice)).
			Add(url("TransIn"), url("TransInRevert"), out(Frozen))
		saga.WaitResult = true
		return saga.Submit()
	})
}

// submit runs one transaction under a new gid and reports its outcome.
func submit(dtmURL string, say func(string, ...any), wantSuccess bool, run func(gid string) error) error {
	gid, err := newGid(dtmURL)
	if err != nil {
		return err
	}
	err = run(gid)
	switch {
	case err == nil && wantSuccess:
		say("   gid %s: succeeded", gid)
	case err != nil && !wantSuccess:
		say("   gid %s: rolled back", gid)
	case err == nil:
		return fmt.Errorf("transaction %s succeeded, but it should have rolled back", gid)
	default:
		return fmt.Errorf("transaction %s: %w", gid, err)
	}
	return nil
}

// newGid asks dtm for a transaction ID, as dtmgrpc.MustGenGid does, but
// returns an error a person can read instead of panicking.
func newGid(dtmURL string) (string, error) {
	conn, err := dtmgimp.GetGrpcConn(dtmURL, false)
	if err != nil {
		return "", fmt.Errorf("dial dtm at %s: %w", dtmURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// wait for dtm to be resolvable: a registry takes a moment to tell
	reply, err := dtmgpb.NewDtmClient(conn).NewGid(ctx, &emptypb.Empty{}, grpc.WaitForReady(true))
	if err != nil {
		return "", fmt.Errorf("ask dtm at %s for a gid: %w", dtmURL, err)
	}
	if reply.Gid == "" {
		return "", errors.New("dtm returned an empty gid")
	}
	return reply.Gid, nil
}
