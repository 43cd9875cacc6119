// Command gozero-app is a go-zero application that uses dtm the way go-zero's
// users write it, against the upstream client package: a zrpc bank service
// registered in etcd through its yaml configuration, a zrpc client of it, and
// dtm transactions whose branch URLs come from RpcClientConf.BuildTarget():
// a 2-phase message, a TCC that commits and a TCC that rolls back. It prints
// each transaction's gid and outcome, and the balances after it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	_ "github.com/dtm-labs/driver-gozero"
	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/zeromicro/go-zero/core/conf"
	"github.com/zeromicro/go-zero/zrpc"
	"google.golang.org/grpc"

	"example.com/gozero-app/bank"
)

// Config is etc/app.yaml.
type Config struct {
	zrpc.RpcServerConf
	Dtm     string
	BankRpc zrpc.RpcClientConf
}

var configFile = flag.String("f", "etc/app.yaml", "the config file")

func main() {
	flag.Parse()
	var c Config
	conf.MustLoad(*configFile, &c)

	accounts := bank.NewServer(map[int64]int64{1: 100, 2: 100})
	server := zrpc.MustNewServer(c.RpcServerConf, func(s *grpc.Server) {
		bank.RegisterBankServer(s, accounts)
	})
	go server.Start()
	defer server.Stop()

	client := bank.NewBankClient(zrpc.MustNewClient(c.BankRpc).Conn())
	busi, err := c.BankRpc.BuildTarget()
	check("bank target", err)
	fmt.Println("branch URLs start", busi)

	// A 2-phase message: 30 from user 1 to user 2.
	gid := dtmgrpc.MustGenGid(c.Dtm)
	msg := dtmgrpc.NewMsgGrpc(c.Dtm, gid).
		Add(busi+"/bank.Bank/TransOut", &bank.TransReq{UserId: 1, Amount: 30}).
		Add(busi+"/bank.Bank/TransIn", &bank.TransReq{UserId: 2, Amount: 30})
	msg.WaitResult = true
	check("msg", msg.Submit())
	report(client, "msg", gid, "succeeded")

	// A TCC: 30 more from user 1 to user 2.
	gid = dtmgrpc.MustGenGid(c.Dtm)
	check("tcc", tcc(c.Dtm, gid, busi, 2))
	report(client, "tcc", gid, "succeeded")

	// A TCC whose TransIn try is refused (user 3 has no account): dtm
	// cancels the TransOut try.
	gid = dtmgrpc.MustGenGid(c.Dtm)
	if err := tcc(c.Dtm, gid, busi, 3); err == nil {
		check("tcc to user 3", fmt.Errorf("succeeded, want a rollback"))
	}
	report(client, "tcc", gid, "rolled back")
}

// tcc moves 30 from user 1 to user to.
func tcc(dtm, gid, busi string, to int64) error {
	return dtmgrpc.TccGlobalTransaction2(dtm, gid, func(t *dtmgrpc.TccGrpc) { t.WaitResult = true },
		func(t *dtmgrpc.TccGrpc) error {
			if err := t.CallBranch(&bank.TransReq{UserId: 1, Amount: 30}, busi+"/bank.Bank/TransOutTry",
				busi+"/bank.Bank/TransOutConfirm", busi+"/bank.Bank/TransOutCancel", &bank.Reply{}); err != nil {
				return err
			}
			return t.CallBranch(&bank.TransReq{UserId: to, Amount: 30}, busi+"/bank.Bank/TransInTry",
				busi+"/bank.Bank/TransInConfirm", busi+"/bank.Bank/TransInCancel", &bank.Reply{})
		})
}

// report prints the outcome and the balances, read through the zrpc client.
func report(client bank.BankClient, kind, gid, outcome string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	balances := map[int64]*bank.BalanceReply{}
	for _, u := range []int64{1, 2} {
		// the client may have dialled before the service listened: wait
		// out its reconnection rather than fail fast
		r, err := client.Balance(ctx, &bank.BalanceReq{UserId: u}, grpc.WaitForReady(true))
		check("balance", err)
		balances[u] = r
	}
	fmt.Printf("%s %s %s: balances %s\n", kind, gid, outcome, bank.Format(balances))
}

func check(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}
