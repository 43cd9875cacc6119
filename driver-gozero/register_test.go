package gozero

import (
	"os"
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"

	"github.com/dtmkit/drivers/kit"
)

// inUseAtStart is whether importing the package alone selected the driver,
// read once per process, before any test calls dtmdriver.Use.
var inUseAtStart bool

func TestMain(m *testing.M) {
	_, inUseAtStart = dtmdriver.GetDriver().(*Driver)
	os.Exit(m.Run())
}

func TestRegisteredUnderUpstreamName(t *testing.T) {
	if inUseAtStart {
		t.Fatal("importing the package selected the driver: only dtmdriver.Use may")
	}
	if err := dtmdriver.Use(Name); err != nil {
		t.Fatal(err)
	}
	if got := dtmdriver.GetDriver().GetName(); got != "dtm-driver-gozero" {
		t.Fatalf("driver name %q", got)
	}
}

// TestRegisterGrpcServiceRejects covers the targets and endpoints that fail
// before any etcd is contacted; conformance/gozero publishes on real etcd.
func TestRegisterGrpcServiceRejects(t *testing.T) {
	d := &Driver{}
	if err := d.RegisterGrpcService("", ""); err != nil {
		t.Errorf("an empty target must be a no-op, got %v", err)
	}
	cases := []struct{ target, endpoint, want string }{
		{"consul://127.0.0.1:8500/dtmservice", "127.0.0.1:36790", `blank-import "github.com/dtmkit/drivers/driver-gozero/consul"`},
		{"zookeeper://127.0.0.1:2181/dtmservice", "127.0.0.1:36790", "want etcd://"},
		{"direct:///127.0.0.1:36790", "127.0.0.1:36790", "want etcd://"},
		{"127.0.0.1:2379/dtmservice", "127.0.0.1:36790", "want etcd://"},
		{"etcd://127.0.0.1:2379", "127.0.0.1:36790", "no key"},
		{"etcd://127.0.0.1:2379/", "127.0.0.1:36790", "no key"},
		{"etcd:///127.0.0.1:2379", "127.0.0.1:36790", "no key"},
		{"etcd://", "127.0.0.1:36790", "no etcd hosts"},
		{"etcd:///127.0.0.1:2379/dtmservice", "127.0.0.1:36790", "belongs in the query"},
		{"etcd://127.0.0.1:2379/dtmservice?user=root", "127.0.0.1:36790", "user needs pass"},
		{"etcd://127.0.0.1:2379/dtmservice?caFile=/ca.pem", "127.0.0.1:36790", "certFile, certKeyFile and caFile"},
		{"etcd://127.0.0.1:2379/dtmservice?user=root&pwd=hunter2", "127.0.0.1:36790", "unknown query parameter pwd"},
		{"etcd://127.0.0.1:2379/dtmservice?user=root&pass=hunter2", "36790", "EndPoint must be host:port"},
		{"etcd://127.0.0.1:2379/dtmservice", "", "EndPoint must be host:port"},
		{"etcd://127.0.0.1:2379/dtmservice?user=root&pass=hunter2&certFile=/no/c.pem&certKeyFile=/no/k.pem&caFile=/no/ca.pem",
			"127.0.0.1:36790", "load TLS files"},
	}
	for _, c := range cases {
		err := d.RegisterGrpcService(c.target, c.endpoint)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("RegisterGrpcService(%q, %q) = %v; want an error saying %q without the password", c.target, c.endpoint, err, c.want)
		}
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close with nothing published: %v", err)
	}
}

// TestApplySecurityRefusesASecondIdentity checks that one host list keeps one
// identity, as go-zero's pooled clients do, and that a failed first use can
// be corrected.
func TestApplySecurityRefusesASecondIdentity(t *testing.T) {
	target := func(user, pass string) kit.EtcdTarget {
		return kit.EtcdTarget{Hosts: []string{"b.invalid:2379", "a.invalid:2379"}, Key: "k", User: user, Pass: kit.NewSecret(pass)}
	}
	// the record is process-wide, as go-zero's registries are: leave it
	// as found, so that the test can run again in this process
	release, err := applySecurity(target("root", "first"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	if _, err := applySecurity(target("root", "first")); err != nil {
		t.Errorf("the same identity again: %v", err)
	}
	reordered := target("root", "first")
	reordered.Hosts = []string{"a.invalid:2379", "b.invalid:2379"}
	if _, err := applySecurity(reordered); err != nil {
		t.Errorf("the same hosts in another order: %v", err)
	}
	if _, err := applySecurity(target("", "")); err != nil {
		t.Errorf("no credentials must use what is registered: %v", err)
	}
	_, err = applySecurity(target("root", "hunter2"))
	if err == nil || !strings.Contains(err.Error(), "other credentials") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a second password: %v; want a refusal without the password", err)
	}
	release()
	releaseSecond, err := applySecurity(target("root", "second"))
	if err != nil {
		t.Fatalf("after release, a corrected password: %v", err)
	}
	releaseSecond()
}

// TestRegisterGrpcServiceUnreachableEtcd: dtm exits on this error, so it must
// say which etcd and why, within go-zero's dial timeout.
func TestRegisterGrpcServiceUnreachableEtcd(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for go-zero's 5 s dial timeout")
	}
	err := (&Driver{}).RegisterGrpcService("etcd://127.0.0.1:1/dtmservice?user=root&pass=hunter2", "127.0.0.1:36790")
	if err == nil {
		t.Fatal("registering on an etcd that does not listen succeeded")
	}
	for _, want := range []string{`key "dtmservice"`, "etcd 127.0.0.1:1", `as user "root"`, "no etcd member answered"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %q", err)
	}
}
