package kratosdriver_test

import (
	"fmt"
	"log"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
)

// The dtm server selects the driver in its conf.yml, and at start-up calls
// RegisterService with MicroService.Target and MicroService.EndPoint:
//
//	MicroService:
//	  Driver: dtm-driver-kratos
//	  Target: discovery://127.0.0.1:2379/dtmservice   # or etcd://127.0.0.1:2379/dtmservice
//	  EndPoint: grpc://127.0.0.1:36790
//
// dtm is then in kratos' etcd registry as the service dtmservice
// (/microservices/dtmservice/<id>), as a kratos app registers. The server
// must link the driver (import _ "github.com/dtmkit/drivers/driver-kratos",
// or go install github.com/dtmkit/drivers/cmd/dtm, which bundles it). Here is
// the same registration without dtm, against an etcd at 127.0.0.1:2379:
func Example_server() {
	d := &kratosdriver.Driver{}
	defer d.Close() // withdraws the registration
	if err := d.RegisterService("discovery://127.0.0.1:2379/dtmservice", "grpc://127.0.0.1:36790"); err != nil {
		log.Fatal(err)
	}
}

// A client selects the driver once, with a blank import of
// github.com/dtmkit/drivers/driver-kratos/use (the drop-in for upstream's
// github.com/dtm-labs/driver-kratos) or dtmgrpc.UseDriver(kratosdriver.Name),
// and names dtm and the branches with driver URLs; dtm at
// etcd://<etcd hosts>/dtmservice, as upstream's kratos clients write it, is
// the same as discovery://<etcd hosts>/dtmservice:
//
//	dtmServer := "etcd://127.0.0.1:2379/dtmservice"
//	bank := "discovery://127.0.0.1:2379/bank"
//	saga := dtmgrpc.NewSagaGrpc(dtmServer, dtmgrpc.MustGenGid(dtmServer)).
//		Add(bank+"/bank.v1.Bank/TransOut", bank+"/bank.v1.Bank/TransOutRevert", req).
//		Add(bank+"/bank.v1.Bank/TransIn", bank+"/bank.v1.Bank/TransInRevert", req)
//	err := saga.Submit()
//
// dtm then calls each branch as the driver splits its URL, into the server it
// dials through kratos' etcd registry and the method; a URL the driver cannot
// resolve is refused up front, naming the forms to write:
func Example_client() {
	var d kratosdriver.Driver
	for _, branch := range []string{
		"discovery://127.0.0.1:2379/bank/bank.v1.Bank/TransOut",
		"etcd://127.0.0.1:2379/bank/bank.v1.Bank/TransIn",
		"etcd:///bank/bank.v1.Bank/TransIn",
	} {
		server, method, err := d.ParseServerMethod(branch)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(server, method)
	}
	// Output:
	// discovery://127.0.0.1:2379/bank /bank.v1.Bank/TransOut
	// etcd://127.0.0.1:2379/bank /bank.v1.Bank/TransIn
	// dtm-driver-kratos: bad URL "etcd:///bank/bank.v1.Bank/TransIn": etcd:// names the etcd hosts: write etcd://<etcd hosts>/<service> (or etcd:///<etcd hosts>?key=<service>); for the registry dtm registered in, write discovery:///<service>
}
