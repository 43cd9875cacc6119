package kit_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// fakeBuilder serves a scheme and builds nothing: these tests are about
// which builder grpc's registry holds.
type fakeBuilder struct{ scheme string }

func (b fakeBuilder) Scheme() string { return b.scheme }
func (fakeBuilder) Build(resolver.Target, resolver.ClientConn, resolver.BuildOptions) (resolver.Resolver, error) {
	return nil, errors.New("not built here")
}

// wrapped marks builders that went through RegisterResolvers' wrap.
type wrapped struct{ resolver.Builder }

func noRegister(string, string) (func() error, error) { return func() error { return nil }, nil }

func TestRegistriesAddPanicsOnProgrammingErrors(t *testing.T) {
	var rs kit.Registries
	rs.Add(kit.Registry{Scheme: "kittest-dup", Package: "a", Builder: fakeBuilder{"kittest-dup"}, Register: noRegister})
	for name, r := range map[string]kit.Registry{
		"no scheme":    {Builder: fakeBuilder{""}, Register: noRegister},
		"no builder":   {Scheme: "kittest-x", Register: noRegister},
		"no register":  {Scheme: "kittest-x", Builder: fakeBuilder{"kittest-x"}},
		"other scheme": {Scheme: "kittest-x", Builder: fakeBuilder{"kittest-y"}, Register: noRegister},
		"scheme twice": {Scheme: "kittest-dup", Package: "b", Builder: fakeBuilder{"kittest-dup"}, Register: noRegister},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Add did not panic", name)
				}
			}()
			rs.Add(r)
		}()
	}
	if got := rs.Schemes(); len(got) != 1 || got[0] != "kittest-dup" {
		t.Errorf("Schemes() = %v, want [kittest-dup]", got)
	}
}

// runs numbers the runs of TestRegistriesRegisterResolvers: grpc's registry
// is process-wide and keeps what an earlier run (-count=2) registered.
var runs atomic.Int32

// TestRegistriesRegisterResolvers checks that builders reach grpc's registry
// wrapped, those added before RegisterResolvers and those added after.
func TestRegistriesRegisterResolvers(t *testing.T) {
	n := runs.Add(1)
	early, late := fmt.Sprintf("kittest-early-%d", n), fmt.Sprintf("kittest-late-%d", n)
	var rs kit.Registries
	rs.Add(kit.Registry{Scheme: early, Builder: fakeBuilder{early}, Register: noRegister})
	if resolver.Get(early) != nil {
		t.Fatal("Add registered a builder before RegisterResolvers")
	}
	rs.RegisterResolvers(func(b resolver.Builder) resolver.Builder { return wrapped{b} })
	rs.Add(kit.Registry{Scheme: late, Builder: fakeBuilder{late}, Register: noRegister})
	for _, scheme := range []string{early, late} {
		if _, ok := resolver.Get(scheme).(wrapped); !ok {
			t.Errorf("grpc's builder for %s is %T, want the wrapped one", scheme, resolver.Get(scheme))
		}
	}
}

func TestRegistriesCheckServer(t *testing.T) {
	rs := kit.Registries{Known: map[string]string{"kittest-known": "example.com/plugin"}}
	rs.Add(kit.Registry{
		Scheme: "kittest-ok", Builder: fakeBuilder{"kittest-ok"}, Register: noRegister,
		CheckServer: func(uri string, u kit.BranchURL) error {
			if u.Endpoint == "" {
				return kit.NewURLError(uri, "no service", nil)
			}
			return nil
		},
	})
	split := func(uri string) kit.BranchURL {
		u, err := kit.SplitBranchURL(uri)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, c := range []struct{ uri, wantErr string }{
		{"kittest-ok://h:1/svc/p.S/M", ""},
		{"kittest-ok://h:1/p.S/M", "no service"},
		{"kittest-known://u:hunter2@h:1/svc/p.S/M", `blank-import "example.com/plugin"`},
		{"kittest-other://h:1/svc/p.S/M", "want scheme etcd or direct, or kittest-ok (added by plug-ins)"},
	} {
		err := rs.CheckServer(c.uri, split(c.uri), "etcd or direct")
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.uri, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", c.uri, err, c.wantErr)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("%s: error shows the password: %v", c.uri, err)
		}
	}
}

func TestRegistriesRegisterAndRevoke(t *testing.T) {
	var rs kit.Registries
	var revoked []string
	rs.Add(kit.Registry{
		Scheme: "kittest-reg", Builder: fakeBuilder{"kittest-reg"},
		Register: func(target, endpoint string) (func() error, error) {
			if endpoint == "" {
				return nil, errors.New("no endpoint")
			}
			return func() error {
				revoked = append(revoked, endpoint)
				if endpoint == "bad:1" {
					return errors.New("still listed")
				}
				return nil
			}, nil
		},
	})
	if _, found, _ := rs.Register("etcd://h:1/k", "a:1"); found {
		t.Error("a scheme no plug-in serves was found")
	}
	if _, found, err := rs.Register("kittest-reg://h:1/k", ""); !found || err == nil {
		t.Errorf("Register with an empty endpoint: found %v, err %v", found, err)
	}
	var revs kit.Revocations
	for _, ep := range []string{"a:1", "bad:1", "c:1"} {
		revoke, found, err := rs.Register("kittest-reg://h:1/k", ep)
		if !found || err != nil {
			t.Fatalf("Register %s: found %v, err %v", ep, found, err)
		}
		revs.Add(revoke)
	}
	if err := revs.RevokeAll(); err == nil || !strings.Contains(err.Error(), "still listed") {
		t.Errorf("RevokeAll() = %v, want the failed revoke's error", err)
	}
	if strings.Join(revoked, " ") != "a:1 bad:1 c:1" {
		t.Errorf("revoked %v, want every registration once, in order", revoked)
	}
	if err := revs.RevokeAll(); err != nil || len(revoked) != 3 {
		t.Errorf("a second RevokeAll revoked again (%v) or failed (%v)", revoked, err)
	}
}

func TestRegistriesRegisterKnownButMissing(t *testing.T) {
	rs := kit.Registries{Known: map[string]string{"kittest-known": "example.com/plugin"}}
	_, handled, err := rs.Register("kittest-known://u:hunter2@h:1/dtm", "a:1")
	if !handled || err == nil || !strings.Contains(err.Error(), `blank-import "example.com/plugin"`) {
		t.Errorf("handled %v, err %v: want an error naming the import", handled, err)
	}
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}
