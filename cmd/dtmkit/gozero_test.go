package main

import (
	"strings"
	"testing"

	"github.com/zeromicro/go-zero/core/discov"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
)

// TestGozero checks go-zero URLs against embedded etcd, with services
// registered by go-zero's own publisher (as a zrpc server with Etcd.Key
// does): the good forms and
// each common mistake.
func TestGozero(t *testing.T) {
	etcd, err := infra.StartEtcd(infra.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	hosts := etcd.Hosts()
	bank := busi.NewBank()
	a, b := startService(t, bank, true), startService(t, bank, true)
	plain := startService(t, bank, false) // no server reflection
	publish := func(key string, addrs ...string) {
		for _, addr := range addrs {
			pub := discov.NewPublisher(etcd.HostList(), key, addr)
			if err := pub.KeepAlive(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pub.Stop)
		}
	}
	publish("trans.rpc", a.addr, b.addr)
	publish("plain.rpc", plain.addr)
	publish("dead.rpc", deadAddr(t))
	legacy := "etcd://" + hosts + "/trans.rpc"
	build := "etcd:///" + hosts + "?key=trans.rpc"

	t.Run("Good", func(t *testing.T) {
		r := runCheck(t, nil, "-driver", "gozero", legacy+busi.TransIn)
		r.expect(t, exitOK, "server "+legacy+"  method "+busi.TransIn,
			"etcd "+hosts+", keys trans.rpc/* (go-zero publishes <key>/<id> = host:port): 2 entries",
			"2 instances: ", "balanced round_robin", "2 of 2 instances connect",
			"OK: dtm reaches /busi.Busi/TransIn on 2 of 2 instances")
		for _, s := range []*service{a, b} {
			if !strings.Contains(r.out, s.addr+"  ok in") {
				t.Errorf("instance %s not reported connected", s.addr)
			}
			if n := bank.Stats(s.addr).Calls; n != 0 {
				t.Errorf("the probe ran the handler on %s %d times", s.addr, n)
			}
		}
	})
	t.Run("GoodWithoutDriverFlag", func(t *testing.T) {
		// etcd:// is served by go-zero and kratos, which read different
		// registry formats: check asks which
		runCheck(t, nil, legacy+busi.TransIn).expect(t, exitFail,
			"etcd:// is served by dtm-driver-gozero and dtm-driver-kratos",
			"pass -driver with the MicroService.Driver of your dtm server's conf.yml")
		runCheck(t, nil, "discov://"+hosts+"/trans.rpc"+busi.TransIn).expect(t, exitOK, "OK: dtm reaches")
	})
	t.Run("BuildTarget", func(t *testing.T) {
		// our split is right; upstream's, in dtm's release binary, is not
		runCheck(t, nil, "-driver", "gozero", build+busi.TransIn).expect(t, exitOK,
			"server "+build+"  method "+busi.TransIn,
			"split     WARN",
			"upstream's dtm-driver-gozero (dtm's release binary) splits it into server etcd://, method /"+hosts,
			"OK: dtm reaches")
	})
	t.Run("BuildTargetKeyInPath", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", "etcd:///"+hosts+"/trans.rpc"+busi.TransIn).expect(t, exitFail,
			"in etcd:///hosts?key=key the key belongs in the query",
			"fix: go-zero's BuildTarget form puts the key in the query: etcd:///<hosts>?key=<key>/<pkg.Service>/<Method>")
	})
	t.Run("GoMethodName", func(t *testing.T) {
		// proto's rpc trans_out is TransOut in the generated Go code
		runCheck(t, nil, "-driver", "gozero", legacy+"/trans.TransSvc/TransOut").expect(t, exitFail,
			"method    FAIL  /trans.TransSvc/TransOut does not exist on 2 of 2 instances (unknown method TransOut for service trans.TransSvc)",
			"server reflection on ",
			"fix: write /trans.TransSvc/trans_out: the proto declares the method as trans_out; TransOut is a Go name")
	})
	t.Run("GoMethodNameWithProtoFile", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", "-proto", "testdata/trans.proto", "etcd://"+hosts+"/plain.rpc/trans.TransSvc/TransIn").expect(t, exitFail,
			"(-proto testdata/trans.proto): /trans.TransSvc/trans_out, /trans.TransSvc/trans_in",
			"fix: write /trans.TransSvc/trans_in: the proto declares the method as trans_in; TransIn is a Go name")
	})
	t.Run("MethodWithoutReflectionOrProto", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", "etcd://"+hosts+"/plain.rpc/trans.TransSvc/TransIn").expect(t, exitFail,
			"unknown method TransIn for service trans.TransSvc",
			"pass -proto with the service's .proto file, or enable server reflection",
			"fix: write the gRPC invoke path, /<proto package>.<Service>/<rpc name>")
		runCheck(t, nil, "-driver", "gozero", "etcd://"+hosts+"/plain.rpc"+busi.TransIn).expect(t, exitOK,
			"OK: dtm reaches /busi.Busi/TransIn on 1 of 1 instances")
	})
	t.Run("MissingPackage", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", legacy+"/TransSvc/trans_out").expect(t, exitFail,
			"unknown service TransSvc",
			"fix: write /trans.TransSvc/trans_out: the service is named with its proto package: trans.TransSvc, not TransSvc")
	})
	t.Run("GoTypeName", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", legacy+"/busi.BusiServer/TransIn").expect(t, exitFail,
			"fix: write /busi.Busi/TransIn: busi.BusiServer is a Go type name; the gRPC service is busi.Busi")
	})
	t.Run("WrongCase", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", legacy+"/busi.Busi/transIn").expect(t, exitFail,
			"fix: write /busi.Busi/TransIn: gRPC method names are case-sensitive: the proto declares TransIn")
	})
	t.Run("WrongKey", func(t *testing.T) {
		runCheck(t, nil, "-driver", "gozero", "etcd://"+hosts+"/trans-rpc"+busi.TransIn).expect(t, exitFail,
			"registry  FAIL  etcd "+hosts+", keys trans-rpc/* (go-zero publishes <key>/<id> = host:port): 0 entries",
			"fix: the registry holds dead.rpc, plain.rpc, trans.rpc: did you mean trans.rpc?")
	})
	t.Run("NoLiveInstance", func(t *testing.T) {
		r := runCheck(t, nil, "-driver", "gozero", "-timeout", "2s", "etcd://"+hosts+"/dead.rpc"+busi.TransIn)
		r.expect(t, exitFail, "connect   FAIL  0 of 1 instances connect", "connection refused",
			"fix: dtm dials each instance without TLS at the address the registry gives")
	})
	t.Run("RegistryDown", func(t *testing.T) {
		dead := deadAddr(t)
		r := runCheck(t, nil, "-driver", "gozero", "-timeout", "1s", "etcd://"+dead+"/trans.rpc"+busi.TransIn)
		r.expect(t, exitFail, "registry  FAIL  etcd "+dead, "timeout 1s)", "connection refused",
			"fix: etcd did not answer in time")
		if r.took > 15e9 {
			t.Errorf("took %s with -timeout 1s", r.took)
		}
	})
	t.Run("Secrets", func(t *testing.T) {
		const secret = "hunter2secret"
		for _, url := range []string{
			legacy + busi.TransIn + "?user=root&pass=" + secret,
			"etcd://root:" + secret + "@" + hosts + "/trans.rpc" + busi.TransIn,
			build + "&user=root&pass=" + secret + "/trans.TransSvc/TransIn",
		} {
			for _, args := range [][]string{{url}, {"-json", url}} {
				r := runCheck(t, nil, append([]string{"-driver", "gozero", "-timeout", "2s"}, args...)...)
				if strings.Contains(r.out, secret) {
					t.Errorf("the secret is in the output of %q", args)
				}
			}
		}
	})
	t.Run("JSON", func(t *testing.T) {
		r := runCheck(t, nil, "-driver", "gozero", "-json", legacy+busi.TransIn)
		rep := r.report(t)
		if r.code != exitOK || !rep.OK || rep.Driver != gozero.Name || rep.Server != legacy || rep.Method != busi.TransIn {
			t.Errorf("report %+v", rep)
		}
		if len(rep.Instances) != 2 || rep.Instances[0].Connect != "ok" || rep.Instances[0].Method != methodFound || !rep.Instances[0].Resolved {
			t.Errorf("instances %+v", rep.Instances)
		}
		r = runCheck(t, nil, "-driver", "gozero", "-json", legacy+"/trans.TransSvc/TransOut")
		rep = r.report(t)
		last := rep.Steps[len(rep.Steps)-1]
		if r.code != exitFail || rep.OK || last.Name != "method" || last.Status != statusFail || !strings.Contains(last.Fix, "/trans.TransSvc/trans_out") {
			t.Errorf("report %+v, last step %+v", rep, last)
		}
	})
}
