package kit

import (
	"errors"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"etcd://h:2379/k":                                 "etcd://h:2379/k",
		"etcd://root:hunter2@h:2379/k":                    "etcd://root:xxxxx@h:2379/k",
		"etcd://h:2379/k?user=root&pass=hunter2":          "etcd://h:2379/k?user=root&pass=xxxxx",
		"etcd://h:2379/k?password=hunter2&tls=true":       "etcd://h:2379/k?password=xxxxx&tls=true",
		"polaris://s?namespace=n&token=hunter2/pkg.Svc/M": "polaris://s?namespace=n&token=xxxxx",
		"etcd:///h?key=k&Password=hunter2/pkg.Svc/M":      "etcd:///h?key=k&Password=xxxxx",
		"user@host":                              "user@host",
		"passport=ok":                            "passport=ok",
		"etcd://h/k?user=u&passwordFile=/run/pw": "etcd://h/k?user=u&passwordFile=/run/pw",
		// a password may hold '@', ',', '&' and ':' in userinfo
		"a:b@c,d:e@f":              "a:xxxxx@f",
		"etcd://u:p@ss@h/k":        "etcd://u:xxxxx@h/k",
		"etcd://u:p&s:s@h/k?tls=1": "etcd://u:xxxxx@h/k?tls=1",
		// and '/' in a query value, as url.ParseQuery reads it
		"etcd://h/k?user=u&pass=a/b/c&tls=1": "etcd://h/k?user=u&pass=xxxxx&tls=1",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedactDecodesNames: url.ParseQuery decodes parameter names, so a
// driver reads p%61ss as pass; Redact must hide its value too.
func TestRedactDecodesNames(t *testing.T) {
	cases := map[string]string{
		"etcd://h/k/pkg.Svc/M?user=u&p%61ss=hunter2": "etcd://h/k/pkg.Svc/M?user=u&p%61ss=xxxxx",
		"polaris://s?t%6Fken=hunter2":                "polaris://s?t%6Fken=xxxxx",
		"polaris://s?%74%6F%6B%65%6E=hunter2":        "polaris://s?%74%6F%6B%65%6E=xxxxx",
		"etcd://h/k?pass%3Dhunter2":                  "etcd://h/k?pass%3Dxxxxx",
		"etcd://u:hunter2%40h:1/k":                   "etcd://u:xxxxx%40h:1/k",
		"etcd://u%3Ahunter2@h:1/k":                   "etcd://u%3Axxxxx@h:1/k",
		// an escaped '&' belongs to the value
		"etcd://h/k?pass=hun%26ter2&tls=1": "etcd://h/k?pass=xxxxx&tls=1",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedactWhereverTheNameStands: a secret name need not follow '?', '&'
// or ';'.
func TestRedactWhereverTheNameStands(t *testing.T) {
	cases := map[string]string{
		"pass=hunter2":                          "pass=xxxxx",
		"TOKEN=hunter2/pkg.Svc/M":               "TOKEN=xxxxx",
		"etcd://h:1/k?user=u&Svcpass=hunter2":   "etcd://h:1/k?user=u&Svcpass=xxxxx",
		"etcd://h:1/k/pkg.Svcpass=hunter2/M":    "etcd://h:1/k/pkg.Svcpass=xxxxx",
		`{"Target":"etcd://h/k?pass=hunter2"}`:  `{"Target":"etcd://h/k?pass=xxxxx`,
		"level=info msg=dial pwd=hunter2 x=1":   "level=info msg=dial pwd=xxxxx",
		`"Target": "etcd://u:hunter2@h:2379/k"`: `"Target": "etcd://u:xxxxx@h:2379/k"`,
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactIsIdempotent(t *testing.T) {
	for _, in := range []string{"etcd://u:p@h/k?pass=a&token=b", "a:b@c,d:e@f", "p%61ss=x"} {
		once := Redact(in)
		if twice := Redact(once); twice != once {
			t.Errorf("Redact(Redact(%q)) = %q, want %q", in, twice, once)
		}
	}
}

func TestRedactUnchangedDoesNotAllocate(t *testing.T) {
	for _, in := range []string{"etcd://127.0.0.1:2379/trans", "etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M"} {
		if n := testing.AllocsPerRun(100, func() { _ = Redact(in) }); n != 0 {
			t.Errorf("Redact(%q) allocates %v times on a URL without secrets", in, n)
		}
	}
}

func TestURLErrorRedacts(t *testing.T) {
	err := NewURLError("etcd://root:hunter2@h/k?token=hunter2", "no method", nil)
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error leaks a secret: %v", err)
	}
	// a reason may quote a decoded name, an underlying error an address
	err = NewURLError("etcd://h/k?pass%3Dhunter2", "unknown query parameter pass=hunter2",
		errors.New("address u:hunter2@h: too many colons"))
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}
