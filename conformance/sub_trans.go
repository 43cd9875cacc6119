package conformance

import (
	"testing"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/busi"
	"google.golang.org/protobuf/types/known/emptypb"
)

const amount = 30

// testMsg sends a 2-phase message whose branches move money between users.
func testMsg(t *testing.T, e *Env) {
	from, to, gid := e.User(), e.User(), e.Gid("msg")
	err := dtmgrpc.NewMsgGrpc(e.DtmURL, gid).
		Add(e.URL+busi.TransOut, busi.Req{UserID: from, Amount: amount}.Proto()).
		Add(e.URL+busi.TransIn, busi.Req{UserID: to, Amount: amount}.Proto()).
		Submit()
	if err != nil {
		t.Fatalf("submit msg: %v", err)
	}
	e.WaitStatus(t, gid, "succeed")
	e.ExpectBalances(t, map[int64]int64{from: -amount, to: amount})
	e.expectOps(t, gid, []string{"action", "action"})
}

// testSagaSuccess runs a saga whose branches all succeed.
func testSagaSuccess(t *testing.T, e *Env) {
	from, to, gid := e.User(), e.User(), e.Gid("saga")
	err := dtmgrpc.NewSagaGrpc(e.DtmURL, gid).
		Add(e.URL+busi.TransOut, e.URL+busi.TransOutRevert, busi.Req{UserID: from, Amount: amount}.Proto()).
		Add(e.URL+busi.TransIn, e.URL+busi.TransInRevert, busi.Req{UserID: to, Amount: amount}.Proto()).
		Submit()
	if err != nil {
		t.Fatalf("submit saga: %v", err)
	}
	e.WaitStatus(t, gid, "succeed")
	e.ExpectBalances(t, map[int64]int64{from: -amount, to: amount})
	e.expectOps(t, gid, []string{"action", "action"})
}

// testSagaCompensate runs a saga whose third branch fails: dtm compensates
// every branch, the failed one included, in reverse order, and the balances
// return to where they were.
func testSagaCompensate(t *testing.T, e *Env) {
	from, to, third, gid := e.User(), e.User(), e.User(), e.Gid("saga-fail")
	err := dtmgrpc.NewSagaGrpc(e.DtmURL, gid).
		Add(e.URL+busi.TransOut, e.URL+busi.TransOutRevert, busi.Req{UserID: from, Amount: amount}.Proto()).
		Add(e.URL+busi.TransIn, e.URL+busi.TransInRevert, busi.Req{UserID: to, Amount: amount}.Proto()).
		Add(e.URL+busi.TransIn, e.URL+busi.TransInRevert, busi.Req{UserID: third, Amount: amount, Result: busi.Failure}.Proto()).
		Submit()
	if err != nil {
		t.Fatalf("submit saga: %v", err)
	}
	e.WaitStatus(t, gid, "failed")
	e.ExpectBalances(t, map[int64]int64{from: 0, to: 0, third: 0})
	calls := e.Bank.Calls(gid)
	var actions, compensations []string
	for _, c := range calls {
		switch c.Op {
		case "action":
			actions = append(actions, c.BranchID)
		case "compensate":
			compensations = append(compensations, c.BranchID)
		}
	}
	if len(actions) != 3 || len(compensations) != 3 {
		t.Fatalf("want 3 actions then 3 compensations, got %+v", calls)
	}
	for i := range actions {
		if compensations[i] != actions[len(actions)-1-i] {
			t.Fatalf("compensations ran in order %v, want the reverse of actions %v", compensations, actions)
		}
	}
}

// tccTransfer registers two TCC branches, the second trying with result.
func tccTransfer(e *Env, gid string, from, to int64, result string) error {
	return dtmgrpc.TccGlobalTransaction(e.DtmURL, gid, func(tcc *dtmgrpc.TccGrpc) error {
		r := &emptypb.Empty{}
		err := tcc.CallBranch(busi.Req{UserID: from, Amount: amount}.Proto(),
			e.URL+busi.TransOutTry, e.URL+busi.TransOutConfirm, e.URL+busi.TransOutCancel, r)
		if err != nil {
			return err
		}
		return tcc.CallBranch(busi.Req{UserID: to, Amount: amount, Result: result}.Proto(),
			e.URL+busi.TransInTry, e.URL+busi.TransInConfirm, e.URL+busi.TransInCancel, r)
	})
}

// testTccConfirm: both tries succeed, dtm confirms both.
func testTccConfirm(t *testing.T, e *Env) {
	from, to, gid := e.User(), e.User(), e.Gid("tcc")
	if err := tccTransfer(e, gid, from, to, ""); err != nil {
		t.Fatalf("tcc: %v", err)
	}
	e.WaitStatus(t, gid, "succeed")
	e.ExpectBalances(t, map[int64]int64{from: -amount, to: amount})
	e.expectOps(t, gid, []string{"try", "try", "confirm", "confirm"})
}

// testTccCancel: the second try fails, dtm cancels both branches and the
// reserved money returns.
func testTccCancel(t *testing.T, e *Env) {
	from, to, gid := e.User(), e.User(), e.Gid("tcc-fail")
	if err := tccTransfer(e, gid, from, to, busi.Failure); err == nil {
		t.Fatal("tcc with a failing try returned no error")
	}
	e.WaitStatus(t, gid, "failed")
	e.ExpectBalances(t, map[int64]int64{from: 0, to: 0})
	e.expectOps(t, gid, []string{"try", "try", "cancel", "cancel"})
}
