package kittest

import (
	"errors"
	"reflect"
	"testing"
)

func TestSecrets(t *testing.T) {
	cases := map[string][]string{
		"etcd://h/k":                                    nil,
		"etcd://root:hunter2secret@h:2379/k":            {"hunter2secret"},
		"etcd://h/k?user=u&pass=hunter2secret&tls=true": {"hunter2secret"},
		"polaris://s?token=abcdefgh/pkg.Svc/M":          {"abcdefgh/pkg.Svc/M", "abcdefgh"},
		"etcd://h/k?pass=abc":                           nil, // too short to look for
		// names decoded as url.ParseQuery decodes them
		"etcd://h/k/pkg.Svc/M?user=u&p%61ss=hunter2secret": {"hunter2secret"},
		"polaris://s?t%6Fken=hunter2secret":                {"hunter2secret"},
		"etcd://h/k?pass%3Dhunter2secret":                  {"hunter2secret"},
		// wherever the name stands
		"pass=hunter2secret":                        {"hunter2secret"},
		"etcd://h:1/k?user=u&Svcpass=hunter2secret": {"hunter2secret"},
		// values decoded too
		"etcd://h/k?pass=hunter%32secret": {"hunter%32secret", "hunter2secret"},
		// userinfo, wherever it stands, with '@' and ',' in the password
		"x u:hunter2secret@h":    {"hunter2secret"},
		"etcd://u:p@ss,word@h/k": {"p@ss,word"},
		"etcd://u:hunter2%40h/k": {"hunter2"},
		// a file naming a secret is no secret
		"etcd://h/k?user=u&passwordFile=/run/secrets/etcd": nil,
	}
	for in, want := range cases {
		if got := Secrets(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Secrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckNoSecret checks the check: it must fail on an error that quotes
// a secret, and pass when the text also stands in a public part.
func TestCheckNoSecret(t *testing.T) {
	cases := []struct {
		in, msg string
		fails   bool
	}{
		{"etcd://h/k?user=u&p%61ss=hunter2secret", `bad URL "etcd://h/k?user=u&p%61ss=hunter2secret"`, true},
		{"etcd://h/k?user=u&p%61ss=hunter2secret", `bad URL "etcd://h/k?user=u&p%61ss=xxxxx"`, false},
		{"a&Svcpass=hunter2secret", "a&Svcpass=hunter2secret", true},
		{"etcd://h/k?pass%3Dhunter2secret", "unknown query parameter pass=hunter2secret", true},
		{"etcd://h/k?user=hunter2secret&pass=hunter2secret", "as user hunter2secret", false},
		{"etcd://h/k?pass=hunter2secret&hunter%32secret=1", "unknown parameter hunter2secret", false},
		// the placeholder is no secret: "token=x" is no leak in "token=xxxxx"
		{"token=token=x", "bad URL \"token=xxxxx\"", false},
	}
	for _, c := range cases {
		ft := &fakeT{}
		func() {
			defer func() { _ = recover() }()
			CheckNoSecret(ft, c.in, errors.New(c.msg))
		}()
		if ft.failed != c.fails {
			t.Errorf("CheckNoSecret(%q, %q) failed=%v, want %v", c.in, c.msg, ft.failed, c.fails)
		}
	}
}

// fakeT records Fatalf and stops the check, as testing.T would.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	panic(f)
}
