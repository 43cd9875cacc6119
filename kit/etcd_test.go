package kit

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseEtcdTarget(t *testing.T) {
	cases := []struct {
		in    string
		hosts []string
		key   string
		user  string
		pass  string
		tls   bool
	}{
		{"etcd://127.0.0.1:2379/dtmservice", []string{"127.0.0.1:2379"}, "dtmservice", "", "", false},
		{"etcd://h1:2379,h2:2379/a/b", []string{"h1:2379", "h2:2379"}, "a/b", "", "", false},
		{"etcd:///h1:2379,h2:2379?key=trans.rpc", []string{"h1:2379", "h2:2379"}, "trans.rpc", "", "", false},
		{"etcd://root:pw@h:2379/k", []string{"h:2379"}, "k", "root", "pw", false},
		{"etcd://h:2379/k?user=root&password=pw", []string{"h:2379"}, "k", "root", "pw", false},
		{"discov://h:2379/k?user=root&pass=pw&tls=true", []string{"h:2379"}, "k", "root", "pw", true},
		{"etcd://h:2379/k?caFile=/ca.pem", []string{"h:2379"}, "k", "", "", true},
	}
	for _, c := range cases {
		got, err := ParseEtcdTarget(c.in)
		if err != nil {
			t.Errorf("ParseEtcdTarget(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got.Hosts, c.hosts) || got.Key != c.key || got.User != c.user || got.Pass.Reveal() != c.pass || got.TLS.Enabled != c.tls {
			t.Errorf("ParseEtcdTarget(%q) = %+v", c.in, got)
		}
	}
}

func TestParseEtcdTargetRejects(t *testing.T) {
	cases := map[string]string{
		"":                              "want scheme://",
		"etcd://":                       "no etcd hosts",
		"etcd://h:2379":                 "no key",
		"etcd://h:2379/":                "no key",
		"etcd:///h:2379":                "no key",
		"etcd://h/k":                    "bad etcd host",
		"etcd://h:99999/k":              "bad etcd host",
		"etcd://h:1/a//b":               "empty segment",
		"etcd://h:1/k?key=x":            "key given twice",
		"etcd://h:1/k?pass=hunter2":     "needs a user",
		"etcd://h:1/k?passwordFile=/pw": "needs a user",
		"etcd://u:hunter2@h:1/k?passwordFile=/pw": "give one",
		"etcd://h:1/k?tls=maybe":                  "not a boolean",
		"etcd://h:1/k?certFile=/c":                "go together",
		"etcd://u:hunter2@h/k":                    "bad etcd host",
		"etcd://h:1/k?%zz&password=hunter2":       "malformed query",
	}
	for in, want := range cases {
		_, err := ParseEtcdTarget(in)
		if err == nil {
			t.Errorf("ParseEtcdTarget(%q): no error, want %q", in, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEtcdTarget(%q) = %v, want %q", in, err, want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseEtcdTarget(%q) leaks the password: %v", in, err)
		}
	}
}
