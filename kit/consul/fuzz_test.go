package consul

import (
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// FuzzParseTarget: no panic, errors show no secret of the input, and a
// target that parses names an agent and a service.
func FuzzParseTarget(f *testing.F) {
	for _, seed := range []string{
		"consul://127.0.0.1:8500/dtmservice",
		"consul://127.0.0.1:8500/add.rpc?wait=14s&token=f0512db6-76d6-f25e-f344-a98cc3484d42",
		"consul://u:p%40ss@h:8500/s?tag=rpc&dc=dc2&limit=2&ttl=5",
		"consul://u:secret@h/s",
		"consul://h:8500/s?token=secret&passwd=secret",
		"consul://:secret@h:8500/s",
		"consul://h:8500/a/b?wait=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tgt, err := ParseTarget("consul", in)
		kittest.CheckNoSecret(t, in, err)
		if err == nil && (tgt.Addr == "" || tgt.Service == "") {
			t.Fatalf("ParseTarget(%q) = %+v: no agent or service, and no error", in, tgt)
		}
	})
}
