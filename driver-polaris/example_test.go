package polaris_test

import (
	"fmt"
	"log"

	polaris "github.com/dtmkit/drivers/driver-polaris"
)

// The dtm server selects the driver in its conf.yml, and at start-up calls
// RegisterService with MicroService.Target and MicroService.EndPoint:
//
//	MicroService:
//	  Driver: dtm-driver-polaris
//	  Target: polaris://dtmservice?namespace=default
//	  EndPoint: 127.0.0.1:36790
//
// dtm is then an instance of the polaris service dtmservice, heartbeating
// until Close. The polaris servers come from Configure, POLARIS_ADDRESSES,
// ./polaris.yaml or 127.0.0.1:8091. The server must link the driver
// (import _ "github.com/dtmkit/drivers/driver-polaris", or go install
// github.com/dtmkit/drivers/cmd/dtm, which bundles it). Here is the same
// registration without dtm, against a polaris server at 127.0.0.1:8091:
func Example_server() {
	if err := polaris.Configure(polaris.Options{Addresses: []string{"127.0.0.1:8091"}}); err != nil {
		log.Fatal(err)
	}
	d := &polaris.Driver{}
	defer d.Close() // deregisters
	if err := d.RegisterService("polaris://dtmservice?namespace=default", "127.0.0.1:36790"); err != nil {
		log.Fatal(err)
	}
}

// A client selects the driver once, with a blank import of
// github.com/dtmkit/drivers/driver-polaris/use or
// dtmgrpc.UseDriver(polaris.Name), and names dtm and the branches with
// polaris URLs:
//
//	dtmServer := "polaris://dtmservice?namespace=default"
//	bank := "polaris://bank"
//	saga := dtmgrpc.NewSagaGrpc(dtmServer, dtmgrpc.MustGenGid(dtmServer)).
//		Add(bank+"/bank.v1.Bank/TransOut?namespace=prod", bank+"/bank.v1.Bank/TransOutRevert?namespace=prod", req).
//		Add(bank+"/bank.v1.Bank/TransIn?namespace=prod", bank+"/bank.v1.Bank/TransInRevert?namespace=prod", req)
//	err := saga.Submit()
//
// dtm then calls each branch as the driver splits its URL, into the server it
// dials through polaris and the method; a URL the driver cannot resolve is
// refused up front:
func Example_client() {
	var d polaris.Driver
	for _, branch := range []string{
		"polaris://bank/bank.v1.Bank/TransOut?namespace=prod",
		"polaris://bank?namespace=prod/bank.v1.Bank/TransIn",
		"polaris:///bank.v1.Bank/TransIn",
	} {
		server, method, err := d.ParseServerMethod(branch)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(server, method)
	}
	// Output:
	// polaris://bank?namespace=prod /bank.v1.Bank/TransOut
	// polaris://bank?namespace=prod /bank.v1.Bank/TransIn
	// dtm-driver-polaris: bad URL "polaris:///bank.v1.Bank/TransIn": no service name: want polaris://<service>/pkg.Service/Method[?namespace=<ns>] or host:port/pkg.Service/Method
}
