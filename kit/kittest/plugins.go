package kittest

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// PluginDriver is what CheckRegistryPlugins asks of a driver that takes
// registry plug-ins (kit.Registry) through its AddRegistry.
type PluginDriver interface {
	ParsingDriver
	RegisterGrpcResolver()
	RegisterGrpcService(target, endpoint string) error
	Close() error
}

// PluginHost describes such a driver.
type PluginHost struct {
	// Name is the driver's name, which its errors start with.
	Name string
	// NewDriver returns a fresh Driver.
	NewDriver func() PluginDriver
	// AddRegistry is the driver's AddRegistry.
	AddRegistry func(kit.Registry)
	// Scheme is a scheme no real plug-in uses, for the test plug-in; it is
	// added once per process.
	Scheme string
	// OwnScheme is one of the driver's own schemes, which AddRegistry must
	// refuse.
	OwnScheme string
	// Known is a scheme of a plug-in the driver knows but the test binary
	// does not link, and KnownImport that plug-in's import path.
	Known, KnownImport string
}

// testPlugins holds the test plug-in of each scheme: a process adds it
// once, and tests may run twice in one process.
var testPlugins sync.Map // scheme → *recordingPlugin

// recordingPlugin records what the driver asks of a plug-in.
type recordingPlugin struct {
	mu      sync.Mutex
	revoked []string
}

func (p *recordingPlugin) register(target, endpoint string) (func() error, error) {
	if strings.Contains(target, "refuse") {
		return nil, errors.New("refused")
	}
	return func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.revoked = append(p.revoked, endpoint)
		return nil
	}, nil
}

func (p *recordingPlugin) revokedSoFar() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.revoked...)
}

// fixedBuilder reports one fixed address.
type fixedBuilder struct{ scheme string }

func (b fixedBuilder) Scheme() string { return b.scheme }
func (fixedBuilder) Build(_ resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	_ = cc.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: "127.0.0.1:1"}}})
	return nopResolver{}, nil
}

type nopResolver struct{}

func (nopResolver) ResolveNow(resolver.ResolveNowOptions) {}
func (nopResolver) Close()                                {}

// CheckRegistryPlugins checks a driver's plug-in mechanism with a test
// plug-in: AddRegistry refuses the driver's own schemes; a plug-in's scheme
// is split by ParseServerMethod with the plug-in's check applied and listed
// in the unknown-scheme error; RegisterGrpcService registers through it,
// its errors prefixed with the driver's name, and Close revokes each
// registration once; RegisterGrpcResolver gives the plug-in's builder
// round_robin; a known plug-in that is not linked in is an error naming its
// import.
func CheckRegistryPlugins(t *testing.T, h PluginHost) {
	v, loaded := testPlugins.LoadOrStore(h.Scheme, &recordingPlugin{})
	p := v.(*recordingPlugin)
	if !loaded {
		h.AddRegistry(kit.Registry{
			Scheme:  h.Scheme,
			Package: "example.com/" + h.Scheme,
			Builder: fixedBuilder{h.Scheme},
			CheckServer: func(uri string, u kit.BranchURL) error {
				if u.Authority == "" {
					return kit.NewURLError(uri, "no server", nil)
				}
				return nil
			},
			Register: p.register,
		})
	}

	t.Run("OwnSchemeRefused", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Errorf("AddRegistry took over the %s scheme", h.OwnScheme)
			}
		}()
		h.AddRegistry(kit.Registry{Scheme: h.OwnScheme, Builder: fixedBuilder{h.OwnScheme}, Register: p.register})
	})

	t.Run("ParsedRegisteredRevoked", func(t *testing.T) {
		d := h.NewDriver()
		server, method, err := d.ParseServerMethod(h.Scheme + "://h:1/svc/pkg.Svc/M?x=1")
		if err != nil || server != h.Scheme+"://h:1/svc?x=1" || method != "/pkg.Svc/M" {
			t.Errorf("ParseServerMethod = %q, %q, %v", server, method, err)
		}
		if _, _, err := d.ParseServerMethod(h.Scheme + ":///svc/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), "no server") {
			t.Errorf("the plug-in's check was not applied: %v", err)
		}
		if _, _, err := d.ParseServerMethod("unknown://h:1/svc/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), h.Scheme+" (added by plug-ins)") {
			t.Errorf("an unknown scheme's error does not list the plug-in's: %v", err)
		}
		if err := d.RegisterGrpcService(h.Scheme+"://h:1/refuse", "127.0.0.1:2"); err == nil || !strings.HasPrefix(err.Error(), h.Name+": ") {
			t.Errorf("a plug-in's registration error is not the driver's: %v", err)
		}
		before := len(p.revokedSoFar())
		for _, ep := range []string{"127.0.0.1:3", "127.0.0.1:4"} {
			if err := d.RegisterGrpcService(h.Scheme+"://h:1/dtm", ep); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 { // a second Close revokes nothing again
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if got := strings.Join(p.revokedSoFar()[before:], " "); got != "127.0.0.1:3 127.0.0.1:4" {
			t.Errorf("Close revoked %q, want each plug-in registration once", got)
		}
	})

	t.Run("ResolverGetsRoundRobin", func(t *testing.T) {
		h.NewDriver().RegisterGrpcResolver()
		b := resolver.Get(h.Scheme)
		if b == nil {
			t.Fatal("the plug-in's scheme is not registered with grpc")
		}
		cc := &ClientConn{}
		r, err := b.Build(resolver.Target{}, cc, resolver.BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got := cc.Configs(); len(got) != 1 || got[0] != kit.RoundRobinConfig {
			t.Errorf("service configs %q, want round_robin", got)
		}
	})

	t.Run("KnownPluginMissing", func(t *testing.T) {
		d := h.NewDriver()
		want := `blank-import "` + h.KnownImport + `"`
		if _, _, err := d.ParseServerMethod(h.Known + "://h:8848/trans/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseServerMethod: %v, want an error naming the import", err)
		}
		if err := d.RegisterGrpcService(h.Known+"://h:8848/dtmservice", "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("RegisterGrpcService: %v, want an error naming the import", err)
		}
	})
}
