package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/conformance/infra"
)

// TestConf checks dtm server configurations against embedded etcd, one
// with auth on: what dtm does at start with MicroService (Use, then
// RegisterService), without registering.
func TestConf(t *testing.T) {
	const rootPass = "s3cretRootPass"
	etcd, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: rootPass})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	hosts := etcd.Hosts()
	dir := t.TempDir()
	conf := func(name, driver, target, endpoint string) string {
		p := filepath.Join(dir, name+".yml")
		body := fmt.Sprintf("Store:\n  Driver: boltdb\nHttpPort: 36789\nGrpcPort: 36790\nMicroService:\n  Driver: %s\n  Target: %s\n  EndPoint: %s\n", driver, target, endpoint)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := "etcd://" + hosts + "/dtmservice?user=root&pass=" + rootPass
	cases := []struct {
		name, driver, target, endpoint string
		code                           int
		wants                          []string
	}{
		{"good", "dtm-driver-gozero", good, "10.0.0.7:36790", exitOK, []string{
			"driver    OK    dtm-driver-gozero is bundled",
			"dtmservice?user=root&pass=xxxxx parses",
			"registry  OK    etcd " + hosts + " answers as user root; 0 registrations under dtmservice/ now",
			"OK: dtm would start with dtm-driver-gozero and register 10.0.0.7:36790"}},
		{"kratos", "dtm-driver-kratos", "discovery://" + hosts + "/dtmservice?user=root&pass=" + rootPass, "10.0.0.7:36790", exitOK, []string{
			"under /microservices/dtmservice/ now"}},
		{"notbundled", "dtm-driver-ego", good, "10.0.0.7:36790", exitFail, []string{
			`"dtm-driver-ego" is not built into this dtm server`,
			`dtm would exit at start with "no dtm driver with name: dtm-driver-ego has been registered"`,
			"build your dtm server with dtm-driver-ego blank-imported"}},
		{"typo", "dtm-driver-gozer0", good, "10.0.0.7:36790", exitFail, []string{
			"fix: did you mean dtm-driver-gozero?"}},
		{"badtarget", "dtm-driver-gozero", "etcd://" + hosts, "10.0.0.7:36790", exitFail, []string{
			"target    FAIL", "no key", "dtm would exit at start"}},
		{"badendpoint", "dtm-driver-gozero", good, "10.0.0.7", exitFail, []string{
			"EndPoint must be host:port"}},
		{"httpport", "dtm-driver-gozero", good, "10.0.0.7:36789", exitFail, []string{
			"EndPoint 10.0.0.7:36789 is dtm's HTTP port", "fix: register dtm's gRPC port: EndPoint 10.0.0.7:36790"}},
		{"badcredentials", "dtm-driver-gozero", "etcd://" + hosts + "/dtmservice?user=root&pass=notTheRootPass", "10.0.0.7:36790", exitFail, []string{
			"registry  FAIL", "etcd refused the credentials"}},
		{"nocredentials", "dtm-driver-gozero", "etcd://" + hosts + "/dtmservice", "10.0.0.7:36790", exitFail, []string{
			"registry  FAIL"}},
		{"default", "default", "", "", exitOK, []string{"dtm's default driver"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCheck(t, nil, "-timeout", "3s", "-c", conf(c.name, c.driver, c.target, c.endpoint))
			r.expect(t, c.code, c.wants...)
			for _, secret := range []string{rootPass, "notTheRootPass"} {
				if strings.Contains(r.out, secret) {
					t.Errorf("the password %s is in the output", secret)
				}
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		runCheck(t, nil, "-c", filepath.Join(dir, "none.yml")).expect(t, exitFail, "give -c the path of dtm's configuration file")
	})
	t.Run("notyaml", func(t *testing.T) {
		p := filepath.Join(dir, "bad.yml")
		if err := os.WriteFile(p, []byte("MicroService: [\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		runCheck(t, nil, "-c", p).expect(t, exitFail, "not YAML dtm can read")
	})
}
