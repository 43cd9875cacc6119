package gozero_test

import (
	"fmt"
	"log"

	gozero "github.com/dtmkit/drivers/driver-gozero"
)

// The dtm server selects the driver in its conf.yml, and at start-up calls
// RegisterService with MicroService.Target and MicroService.EndPoint:
//
//	MicroService:
//	  Driver: dtm-driver-gozero
//	  Target: etcd://127.0.0.1:2379/dtmservice
//	  EndPoint: 127.0.0.1:36790
//
// dtm is then in etcd under the key dtmservice, as a zrpc server would be,
// and go-zero clients reach it at etcd://127.0.0.1:2379/dtmservice. The
// server must link the driver (import _ "github.com/dtmkit/drivers/driver-gozero",
// or go install github.com/dtmkit/drivers/cmd/dtm, which bundles it). Here is
// the same registration without dtm, against an etcd at 127.0.0.1:2379:
func Example_server() {
	d := &gozero.Driver{}
	defer d.Close() // withdraws the registration
	if err := d.RegisterService("etcd://127.0.0.1:2379/dtmservice", "127.0.0.1:36790"); err != nil {
		log.Fatal(err)
	}
}

// A client selects the driver once, with a blank import of
// github.com/dtmkit/drivers/driver-gozero/use (the drop-in for upstream's
// github.com/dtm-labs/driver-gozero) or dtmgrpc.UseDriver(gozero.Name), and
// names dtm and the branches with go-zero URLs; the branch URLs are
// RpcClientConf.BuildTarget() with the method appended:
//
//	dtmServer := "etcd://127.0.0.1:2379/dtmservice"
//	busi, _ := c.TransRpc.BuildTarget() // etcd:///127.0.0.1:2379?key=trans.rpc
//	saga := dtmgrpc.NewSagaGrpc(dtmServer, dtmgrpc.MustGenGid(dtmServer)).
//		Add(busi+"/trans.Trans/TransOut", busi+"/trans.Trans/TransOutRevert", req).
//		Add(busi+"/trans.Trans/TransIn", busi+"/trans.Trans/TransInRevert", req)
//	err := saga.Submit()
//
// dtm then calls each branch as the driver splits its URL, into the server it
// dials through go-zero's resolver and the method; a URL the driver cannot
// resolve is refused up front, naming the forms it takes:
func Example_client() {
	var d gozero.Driver
	for _, branch := range []string{
		"etcd:///127.0.0.1:2379?key=trans.rpc/trans.Trans/TransOut",
		"etcd://127.0.0.1:2379/trans.rpc/trans.Trans/TransIn",
		"etcd://127.0.0.1:2379/trans.rpc", // no method
	} {
		server, method, err := d.ParseServerMethod(branch)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(server, method)
	}
	// Output:
	// etcd:///127.0.0.1:2379?key=trans.rpc /trans.Trans/TransOut
	// etcd://127.0.0.1:2379/trans.rpc /trans.Trans/TransIn
	// dtm-driver-gozero: bad URL "etcd://127.0.0.1:2379/trans.rpc": no method: want .../pkg.Service/Method
}
