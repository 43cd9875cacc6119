package main

import (
	"testing"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
)

// TestKratos checks discovery:// URLs against services registered through
// kratos' etcd registry (by the driver's RegisterService, which publishes a
// kratos ServiceInstance as a kratos.App does).
func TestKratos(t *testing.T) {
	etcd, err := infra.StartEtcd(infra.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	hosts := etcd.Hosts()
	bank := busi.NewBank()
	svc := startService(t, bank, true)
	reg := &kratosdriver.Driver{}
	if err := reg.RegisterService("discovery://"+hosts+"/bank", svc.addr); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = reg.Close() }()

	t.Run("Good", func(t *testing.T) {
		runCheck(t, nil, "discovery://"+hosts+"/bank"+busi.TransIn).expect(t, exitOK,
			"driver    OK    dtm-driver-kratos",
			"etcd "+hosts+", keys /microservices/bank/* (kratos' etcd registry): 1 entry",
			"/microservices/bank/"+svc.addr+"-", " = "+svc.addr,
			"OK: dtm reaches /busi.Busi/TransIn on 1 of 1 instances")
	})
	t.Run("WrongService", func(t *testing.T) {
		runCheck(t, nil, "discovery://"+hosts+"/banks"+busi.TransIn).expect(t, exitFail,
			"keys /microservices/banks/* (kratos' etcd registry): 0 entries",
			"fix: the registry holds bank: did you mean bank?")
	})
	t.Run("HomeRegistry", func(t *testing.T) {
		runCheck(t, nil, "discovery:///bank"+busi.TransIn).expect(t, exitFail,
			"no registry",
			"fix: check runs outside dtm, which has no registry of its own: write discovery://<etcd hosts>/<service>/...")
	})
	t.Run("GoMethodName", func(t *testing.T) {
		runCheck(t, nil, "-driver", "kratos", "etcd://"+hosts+"/bank/trans.TransSvc/TransOut").expect(t, exitFail,
			"fix: write /trans.TransSvc/trans_out: the proto declares the method as trans_out")
	})
}
