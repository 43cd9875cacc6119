package kratosdriver

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// testPlugin is a registry plug-in as a package such as
// driver-kratos/nacos adds it; it records what the driver asks of it.
type testPlugin struct {
	mu         sync.Mutex
	registered []string
	revoked    []string
}

const testScheme = "kratostest"

var (
	plugin     = &testPlugin{}
	pluginOnce sync.Once
)

// addTestPlugin adds the plug-in once per process (tests run twice in one).
func addTestPlugin() *testPlugin {
	pluginOnce.Do(func() {
		AddRegistry(kit.Registry{
			Scheme:  testScheme,
			Package: "example.com/kratostest",
			Builder: testBuilder{},
			CheckServer: func(uri string, u kit.BranchURL) error {
				if u.Authority == "" {
					return kit.NewURLError(uri, "no server", nil)
				}
				return nil
			},
			Register: plugin.register,
		})
	})
	return plugin
}

func (p *testPlugin) register(target, endpoint string) (func() error, error) {
	if strings.Contains(target, "refuse") {
		return nil, errors.New("refused")
	}
	p.mu.Lock()
	p.registered = append(p.registered, endpoint)
	p.mu.Unlock()
	return func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.revoked = append(p.revoked, endpoint)
		return nil
	}, nil
}

// testBuilder reports one fixed address.
type testBuilder struct{}

func (testBuilder) Scheme() string { return testScheme }
func (testBuilder) Build(_ resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	_ = cc.UpdateState(resolver.State{Addresses: []resolver.Address{{Addr: "127.0.0.1:1"}}})
	return testResolver{}, nil
}

type testResolver struct{}

func (testResolver) ResolveNow(resolver.ResolveNowOptions) {}
func (testResolver) Close()                                {}

func TestAddRegistryRefusesTheDriversSchemes(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AddRegistry took over the discovery scheme")
		}
	}()
	AddRegistry(kit.Registry{Scheme: DiscoveryScheme, Builder: testBuilder{}, Register: plugin.register})
}

func TestPluginSchemeIsParsedRegisteredAndRevoked(t *testing.T) {
	p := addTestPlugin()
	d := &Driver{}
	server, method, err := d.ParseServerMethod(testScheme + "://h:1/svc/pkg.Svc/M?x=1")
	if err != nil || server != testScheme+"://h:1/svc?x=1" || method != "/pkg.Svc/M" {
		t.Errorf("ParseServerMethod = %q, %q, %v", server, method, err)
	}
	if _, _, err := d.ParseServerMethod(testScheme + ":///svc/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), "no server") {
		t.Errorf("the plug-in's check was not applied: %v", err)
	}
	if _, _, err := d.ParseServerMethod("unknown://h:1/svc/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), testScheme+" (added by plug-ins)") {
		t.Errorf("an unknown scheme's error does not list the plug-in's: %v", err)
	}
	if err := d.RegisterGrpcService(testScheme+"://h:1/refuse", "127.0.0.1:2"); err == nil || !strings.HasPrefix(err.Error(), Name+": ") {
		t.Errorf("a plug-in's registration error is not the driver's: %v", err)
	}
	p.mu.Lock()
	before := len(p.revoked)
	p.mu.Unlock()
	for _, ep := range []string{"127.0.0.1:3", "127.0.0.1:4"} {
		if err := d.RegisterGrpcService(testScheme+"://h:1/dtm", ep); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if got := strings.Join(p.revoked[before:], " "); got != "127.0.0.1:3 127.0.0.1:4" {
		t.Errorf("Close revoked %q, want each plug-in registration once", got)
	}
}

// TestPluginResolverGetsRoundRobin checks that RegisterGrpcResolver
// registers the plug-in's builder with the policy the driver's own have.
func TestPluginResolverGetsRoundRobin(t *testing.T) {
	addTestPlugin()
	(&Driver{}).RegisterGrpcResolver()
	b := resolver.Get(testScheme)
	if b == nil {
		t.Fatal("the plug-in's scheme is not registered with grpc")
	}
	cc := &kittest.ClientConn{}
	r, err := b.Build(resolver.Target{}, cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := cc.Configs(); len(got) != 1 || got[0] != kit.RoundRobinConfig {
		t.Errorf("service configs %q, want round_robin", got)
	}
}

func TestKnownPluginMissing(t *testing.T) {
	d := &Driver{}
	const want = `blank-import "github.com/dtmkit/drivers/driver-kratos/nacos"`
	if _, _, err := d.ParseServerMethod("nacos://h:8848/trans/pkg.Svc/M"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ParseServerMethod: %v, want an error naming the import", err)
	}
	if err := d.RegisterGrpcService("nacos://h:8848/dtmservice", "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("RegisterGrpcService: %v, want an error naming the import", err)
	}
}
