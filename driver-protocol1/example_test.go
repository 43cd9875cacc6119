package protocol1_test

import (
	"fmt"

	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
)

// The dtm server selects the driver in its conf.yml, and at start-up calls
// RegisterService with MicroService.Target and MicroService.EndPoint:
//
//	MicroService:
//	  Driver: dtm-driver-protocol1
//	  Target: protocol1://127.0.0.1:36790
//	  EndPoint: 127.0.0.1:36790
//
// protocol1 has no registry, so RegisterService only checks both (dtm exits
// on an error, which must say what to fix); clients reach dtm at its
// addresses, protocol1://127.0.0.1:36790. The server must link the driver
// (import _ "github.com/dtmkit/drivers/driver-protocol1", or go install
// github.com/dtmkit/drivers/cmd/dtm, which bundles it).
func Example_server() {
	var d protocol1.Driver
	fmt.Println(d.RegisterService("protocol1://127.0.0.1:36790", "127.0.0.1:36790"))
	fmt.Println(d.RegisterService("protocol1://127.0.0.1:36790", "localhost"))
	// Output:
	// <nil>
	// dtm-driver-protocol1: bad URL "localhost": EndPoint must be host:port: "localhost" is not host:port
}

// A client selects the driver once, with a blank import of
// github.com/dtmkit/drivers/driver-protocol1/use or
// dtmgrpc.UseDriver(protocol1.Name), and names dtm and the branches with
// protocol1 URLs, which list the addresses to call, round robin:
//
//	dtmServer := "protocol1://127.0.0.1:36790"
//	busi := "protocol1://10.0.0.1:8080,10.0.0.2:8080"
//	saga := dtmgrpc.NewSagaGrpc(dtmServer, dtmgrpc.MustGenGid(dtmServer)).
//		Add(busi+"/trans.Trans/TransOut", busi+"/trans.Trans/TransOutRevert", req).
//		Add(busi+"/trans.Trans/TransIn", busi+"/trans.Trans/TransInRevert", req)
//	err := saga.Submit()
//
// dtm then calls each branch as the driver splits its URL, into the server it
// dials and the method; a URL the driver cannot resolve is refused up front:
func Example_client() {
	var d protocol1.Driver
	for _, branch := range []string{
		"protocol1://10.0.0.1:8080,10.0.0.2:8080/trans.Trans/TransOut",
		"10.0.0.1:8080/trans.Trans/TransIn",
		"protocol1://10.0.0.1/trans.Trans/TransIn",
	} {
		server, method, err := d.ParseServerMethod(branch)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(server, method)
	}
	// Output:
	// protocol1://10.0.0.1:8080,10.0.0.2:8080 /trans.Trans/TransOut
	// 10.0.0.1:8080 /trans.Trans/TransIn
	// dtm-driver-protocol1: bad URL "protocol1://10.0.0.1/trans.Trans/TransIn": bad protocol1 URL: "10.0.0.1" is not host:port
}
