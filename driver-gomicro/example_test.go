package gomicrodriver_test

import (
	"fmt"
	"log"

	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
)

// The dtm server selects the driver in its conf.yml, and at start-up calls
// RegisterService with MicroService.Target and MicroService.EndPoint:
//
//	MicroService:
//	  Driver: dtm-driver-gomicro
//	  Target: gomicro://127.0.0.1:2379/dtmservice
//	  EndPoint: 127.0.0.1:36790
//
// dtm is then in go-micro's etcd registry as the gRPC service dtmservice
// (/micro/registry/dtmservice/dtmservice-<uuid>), as a go-micro gRPC server
// registers, on a lease kept alive until Close. The server must link the
// driver (import _ "github.com/dtmkit/drivers/driver-gomicro", or go install
// github.com/dtmkit/drivers/cmd/dtm, which bundles it). Here is the same
// registration without dtm, against an etcd at 127.0.0.1:2379:
func Example_server() {
	d := &gomicrodriver.Driver{}
	defer d.Close() // withdraws the registration
	if err := d.RegisterService("gomicro://127.0.0.1:2379/dtmservice", "127.0.0.1:36790"); err != nil {
		log.Fatal(err)
	}
}

// A client selects the driver once, with a blank import of
// github.com/dtmkit/drivers/driver-gomicro/use or
// dtmgrpc.UseDriver(gomicrodriver.Name), and names dtm and the branches with
// gomicro:// URLs:
//
//	dtmServer := "gomicro://127.0.0.1:2379/dtmservice"
//	bank := "gomicro://127.0.0.1:2379/bank"
//	saga := dtmgrpc.NewSagaGrpc(dtmServer, dtmgrpc.MustGenGid(dtmServer)).
//		Add(bank+"/bank.Bank/TransOut", bank+"/bank.Bank/TransOutRevert", req).
//		Add(bank+"/bank.Bank/TransIn", bank+"/bank.Bank/TransInRevert", req)
//	err := saga.Submit()
//
// The bank service is a go-micro service on go-micro's gRPC server, with the
// option that lets it take dtm's calls (see ServerOption). dtm calls each branch as
// the driver splits its URL, into the server it dials through go-micro's
// registry in etcd and the method; a URL the driver cannot resolve is refused
// up front, naming the form to write:
func Example_client() {
	var d gomicrodriver.Driver
	for _, branch := range []string{
		"gomicro://127.0.0.1:2379/bank/bank.Bank/TransOut",
		"gomicro:///bank/bank.Bank/TransIn",
	} {
		server, method, err := d.ParseServerMethod(branch)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(server, method)
	}
	// Output:
	// gomicro://127.0.0.1:2379/bank /bank.Bank/TransOut
	// dtm-driver-gomicro: bad URL "gomicro:///bank/bank.Bank/TransIn": no etcd hosts: want gomicro://<etcd hosts>/<service>
}
