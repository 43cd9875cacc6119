package consul

import (
	"strings"
	"testing"
	"time"
)

func TestParseTarget(t *testing.T) {
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_SSL", "")
	good := map[string]func(Target) bool{
		// upstream v0.0.7's registration form
		"consul://127.0.0.1:8500/dtmservice": func(t Target) bool {
			return t.Addr == "127.0.0.1:8500" && t.Service == "dtmservice" && !t.Token.IsSet()
		},
		// zero-contrib's README forms
		"consul://127.0.0.1:8500/add.rpc?wait=14s": func(t Target) bool { return t.Service == "add.rpc" && t.Wait == 14*time.Second },
		"consul://127.0.0.1:8500/add.rpc?wait=14s&token=f0512db6-76d6-f25e-f344-a98cc3484d42": func(t Target) bool {
			return t.Token.Reveal() == "f0512db6-76d6-f25e-f344-a98cc3484d42"
		},
		"consul://u:p%40ss@h:8500/s?tag=rpc&dc=dc2&near=n&limit=2&healthy=true&allow-stale=true&require-consistent=false&max-backoff=2s&timeout=3s": func(t Target) bool {
			return t.User == "u" && t.Pass.Reveal() == "p@ss" && t.Tag == "rpc" && t.Dc == "dc2" && t.Near == "n" && t.Limit == 2 &&
				t.AllowStale && t.MaxBackoff == 2*time.Second && t.Timeout == 3*time.Second
		},
		"consul://h:8500/s?insecure=true":  func(t Target) bool { return t.Insecure },
		"consul://h:8500/s?TLS=true&TTL=5": func(t Target) bool { return t.TLS && t.TTL == 5*time.Second },
		"consul://h:8500/s?ttl=1m":         func(t Target) bool { return t.TTL == time.Minute },
		"consul://[::1]:8500/s":            func(t Target) bool { return t.Addr == "[::1]:8500" },
	}
	for in, ok := range good {
		got, err := ParseTarget("consul", in)
		if err != nil || !ok(got) {
			t.Errorf("ParseTarget(%q) = %+v, %v", in, got, err)
		}
	}
	bad := map[string]string{
		"consul://h/s":                                    "must be host:port",
		"consul:///s":                                     "no consul agent",
		"consul://h:8500":                                 "one path segment",
		"consul://h:8500/a/b":                             "one path segment",
		"consul://h:8500/s?wait=14":                       "wait must be a duration",
		"consul://h:8500/s?ttl=0":                         "ttl must be",
		"consul://h:8500/s?limit=-1":                      "limit must be",
		"consul://h:8500/s?healthy=yes":                   "healthy must be true or false",
		"consul://h:8500/s?token=Mk1Secret&pwd=Mk1Secret": "unknown query parameter",
		"consul://:Mk1Secret@h:8500/s":                    "a password needs a user name",
		"consul://u:Mk1Secret@h/s":                        "must be host:port",
		"etcd://h:8500/s":                                 "want consul://",
	}
	for in, want := range bad {
		_, err := ParseTarget("consul", in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTarget(%q) = %v, want an error containing %q", in, err, want)
		} else if strings.Contains(err.Error(), "Mk1Secret") {
			t.Errorf("ParseTarget(%q) error shows the secret: %v", in, err)
		}
	}
}

func TestParseTargetEnvironment(t *testing.T) {
	t.Setenv("CONSUL_HTTP_TOKEN", "from-env")
	t.Setenv("CONSUL_HTTP_SSL", "true")
	got, err := ParseTarget("consul", "consul://h:8500/s")
	if err != nil || got.Token.Reveal() != "from-env" || !got.TLS {
		t.Fatalf("got %+v, %v; want the token and TLS from the environment", got, err)
	}
	got, _ = ParseTarget("consul", "consul://h:8500/s?token=from-url")
	if got.Token.Reveal() != "from-url" {
		t.Errorf("the URL's token must win over CONSUL_HTTP_TOKEN, got %q", got.Token.Reveal())
	}
	if s := got.String(); strings.Contains(s, "from-url") {
		t.Errorf("String shows the token: %s", s)
	}
}
