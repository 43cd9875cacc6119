package polaris

import (
	"strings"
	"testing"
)

func TestParseRegistration(t *testing.T) {
	r, err := parseRegistration("polaris://dtmservice?namespace=prod&token=hunter2&ttl=2&weight=300", "10.0.0.1:36790")
	if err != nil {
		t.Fatal(err)
	}
	if r.service != "dtmservice" || r.namespace != "prod" || r.token.Reveal() != "hunter2" || r.ttl != 2 ||
		r.weight == nil || *r.weight != 300 || r.host != "10.0.0.1" || r.port != 36790 {
		t.Fatalf("parseRegistration = %+v", r)
	}
	r, err = parseRegistration("polaris://dtmservice", "[::1]:36790")
	if err != nil || r.namespace != DefaultNamespace || r.ttl != DefaultTTL || r.weight != nil || r.host != "::1" {
		t.Fatalf("defaults: %+v, %v", r, err)
	}
	bad := []struct{ target, endpoint, want string }{
		{"etcd://h:2379/dtm", "a:1", "want polaris://<service>"},
		{"polaris://", "a:1", "service must be a name"},
		{"polaris://0.0.0.0:8080/dtmservice?namespace=Test", "hunter2", "upstream's polaris://host:port/<service> form"},
		{"polaris://dtm?namespace=", "a:1", "namespace must be a name"},
		{"polaris://dtm?ttl=0", "a:1", "ttl must be whole seconds from 1 to 60"},
		{"polaris://dtm?ttl=61", "a:1", "ttl must be"},
		{"polaris://dtm?ttl=5s", "a:1", "ttl must be"},
		{"polaris://dtm?weight=-1", "a:1", "weight must be"},
		{"polaris://dtm?weight=10001", "a:1", "weight must be"},
		{"polaris://dtm?service=x&token=hunter2", "a:1", "unknown query parameter service"},
		{"polaris://dtm?token=hunter2", "a", "EndPoint must be host:port"},
		{"polaris://dtm?token=hunter2", "", "EndPoint must be host:port"},
		{"polaris://dtm?token=hunter2", "0.0.0.0:36790", "an address others can reach"},
		{"polaris://dtm?token=hunter2", "[::]:36790", "an address others can reach"},
		{"polaris://dtm?%zz", "a:1", "malformed query"},
	}
	for _, c := range bad {
		_, err := parseRegistration(c.target, c.endpoint)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("parseRegistration(%q, %q) = %v; want an error saying %q without the secret", c.target, c.endpoint, err, c.want)
		}
	}
}

func TestRegisterServiceEmptyTargetIsNoop(t *testing.T) {
	d := &Driver{}
	if err := d.RegisterService("", ""); err != nil {
		t.Fatal(err)
	}
	if d.current() != nil {
		t.Fatal("an empty target created the SDK context")
	}
}

func TestRegistrationsAreKeptOncePerInstance(t *testing.T) {
	h := &Driver{}
	a, _ := parseRegistration("polaris://dtm?namespace=prod", "10.0.0.1:1")
	b, _ := parseRegistration("polaris://dtm?namespace=prod&ttl=3", "10.0.0.1:1")
	c, _ := parseRegistration("polaris://dtm?namespace=prod", "10.0.0.2:1")
	h.addRegistration(a)
	h.addRegistration(b)
	h.addRegistration(c)
	if len(h.regs) != 2 {
		t.Fatalf("%d registrations kept, want 2 (one per address)", len(h.regs))
	}
}
