package kit

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"etcd://h:2379/k":                                 "etcd://h:2379/k",
		"etcd://root:hunter2@h:2379/k":                    "etcd://root:xxxxx@h:2379/k",
		"etcd://h:2379/k?user=root&pass=hunter2":          "etcd://h:2379/k?user=root&pass=xxxxx",
		"etcd://h:2379/k?password=hunter2&tls=true":       "etcd://h:2379/k?password=xxxxx&tls=true",
		"polaris://s?namespace=n&token=hunter2/pkg.Svc/M": "polaris://s?namespace=n&token=xxxxx/pkg.Svc/M",
		"etcd:///h?key=k&Password=hunter2/pkg.Svc/M":      "etcd:///h?key=k&Password=xxxxx/pkg.Svc/M",
		"user@host":   "user@host",
		"a:b@c,d:e@f": "a:xxxxx@c,d:xxxxx@f",
		"passport=ok": "passport=ok",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactUnchangedDoesNotAllocate(t *testing.T) {
	in := "etcd://127.0.0.1:2379/trans"
	if n := testing.AllocsPerRun(100, func() { _ = Redact(in) }); n != 0 {
		t.Errorf("Redact allocates %v times on a URL without secrets", n)
	}
}

func TestURLErrorRedacts(t *testing.T) {
	err := NewURLError("etcd://root:hunter2@h/k?token=hunter2", "no method", nil)
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}
