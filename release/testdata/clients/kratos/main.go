// Command kratos-app is a kratos application that uses dtm the way kratos'
// users write it, against the upstream client package: a kratos.App serving
// the bank service over kratos' gRPC transport, registered through kratos'
// etcd registry, a kratos gRPC client of it, and dtm transactions with
// discovery:// branch URLs and dtm at etcd://<etcd>/dtmservice: a 2-phase
// message, a TCC that commits and a TCC that rolls back. It prints each
// transaction's gid and outcome, and the balances after it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	_ "github.com/dtm-labs/driver-kratos"
	"github.com/dtm-labs/dtm/client/dtmgrpc"
	etcdregistry "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/file"
	"github.com/go-kratos/kratos/v2/log"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"

	"example.com/kratos-app/bank"
)

// Bootstrap is configs/config.yaml.
type Bootstrap struct {
	Server struct {
		Grpc struct {
			Addr string `json:"addr"`
		} `json:"grpc"`
	} `json:"server"`
	Registry struct {
		Etcd struct {
			Endpoints []string `json:"endpoints"`
		} `json:"etcd"`
	} `json:"registry"`
	Dtm struct {
		Server string `json:"server"`
		Bank   string `json:"bank"`
	} `json:"dtm"`
}

var flagconf = flag.String("conf", "configs/config.yaml", "config path")

func main() {
	flag.Parse()
	log.SetLogger(log.NewStdLogger(io.Discard))
	c := config.New(config.WithSource(file.NewSource(*flagconf)))
	defer c.Close()
	check("load config", c.Load())
	var bc Bootstrap
	check("scan config", c.Scan(&bc))

	cli, err := clientv3.New(clientv3.Config{Endpoints: bc.Registry.Etcd.Endpoints, DialTimeout: 5 * time.Second})
	check("etcd", err)
	defer cli.Close()
	registry := etcdregistry.New(cli)

	accounts := bank.NewServer(map[int64]int64{1: 100, 2: 100})
	srv := kgrpc.NewServer(kgrpc.Address(bc.Server.Grpc.Addr))
	bank.RegisterBankServer(srv, accounts)
	app := kratos.New(kratos.Name("bank"), kratos.Server(srv), kratos.Registrar(registry))
	go func() { check("kratos app", app.Run()) }()
	defer app.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	conn, err := kgrpc.DialInsecure(ctx, kgrpc.WithEndpoint("discovery:///bank"), kgrpc.WithDiscovery(registry))
	cancel()
	check("dial bank", err)
	defer conn.Close()
	client := bank.NewBankClient(conn)

	dtm, busi := bc.Dtm.Server, bc.Dtm.Bank
	// A 2-phase message: 30 from user 1 to user 2.
	gid := dtmgrpc.MustGenGid(dtm)
	msg := dtmgrpc.NewMsgGrpc(dtm, gid).
		Add(busi+"/bank.Bank/TransOut", &bank.TransReq{UserId: 1, Amount: 30}).
		Add(busi+"/bank.Bank/TransIn", &bank.TransReq{UserId: 2, Amount: 30})
	msg.WaitResult = true
	check("msg", msg.Submit())
	report(client, "msg", gid, "succeeded")

	// A TCC: 30 more from user 1 to user 2.
	gid = dtmgrpc.MustGenGid(dtm)
	check("tcc", tcc(dtm, gid, busi, 2))
	report(client, "tcc", gid, "succeeded")

	// A TCC whose TransIn try is refused (user 3 has no account): dtm
	// cancels the TransOut try.
	gid = dtmgrpc.MustGenGid(dtm)
	if err := tcc(dtm, gid, busi, 3); err == nil {
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

// report prints the outcome and the balances, read through the kratos client.
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
