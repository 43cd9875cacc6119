package kittest

import (
	"reflect"
	"testing"
)

func TestSecrets(t *testing.T) {
	cases := map[string][]string{
		"etcd://h/k":                                    nil,
		"etcd://root:hunter2secret@h:2379/k":            {"hunter2secret"},
		"etcd://h/k?user=u&pass=hunter2secret&tls=true": {"hunter2secret"},
		"polaris://s?token=abcdefgh/pkg.Svc/M":          {"abcdefgh"},
		"etcd://h/k?pass=abc":                           nil, // too short to look for
	}
	for in, want := range cases {
		if got := Secrets(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Secrets(%q) = %q, want %q", in, got, want)
		}
	}
}
