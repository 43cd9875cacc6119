package polaris_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/polarisserver"
	polaris "github.com/dtmkit/drivers/driver-polaris"
	"github.com/polarismesh/polaris-go/api"
	"github.com/polarismesh/polaris-go/pkg/config"
	"google.golang.org/grpc"
)

// dtmService is the service dtm registers as, in the default namespace.
const dtmService = "dtmservice"

// instanceTTL is the heartbeat TTL of business instances, in seconds: short,
// so the heartbeat-loss subtest is quick.
const instanceTTL = 2

// harness runs a real polaris server, points the driver at it, and starts
// business instances that register the way a grpc-go-polaris server does:
// their own SDK context, polaris-go's RegisterInstance with a TTL.
type harness struct {
	// driver is the Driver dtm uses, which the harness configures and closes.
	driver *polaris.Driver
	srv    *polarisserver.Server
	dir    string
	// created is before dtm registered.
	created time.Time
	mu      sync.Mutex
	// inspect is an SDK context of the harness' own, to read the registry.
	inspect   api.SDKContext
	instances []*instance
}

func newHarness(ctx context.Context, t testing.TB) (conformance.Harness, error) {
	srv, err := polarisserver.Start(ctx, polarisserver.Options{Logf: t.Logf})
	if err != nil {
		return nil, err
	}
	h := &harness{srv: srv, dir: t.TempDir(), created: time.Now()}
	if err := dtmdriver.Use(polaris.Name); err != nil {
		h.Close()
		return nil, err
	}
	h.driver = dtmdriver.GetDriver().(*polaris.Driver)
	err = h.driver.Configure(polaris.Options{
		Addresses: []string{srv.Addr()},
		CacheDir:  filepath.Join(h.dir, "driver"),
		// No periodic re-read within a run: the driver must learn every
		// change from polaris-go's notification, which is what the
		// subtests (HeartbeatLoss above all) are to show, not from its
		// safety net.
		ResolverRefresh: time.Hour,
	})
	if err != nil {
		h.Close()
		return nil, err
	}
	// The driver's context installs quiet polaris-go loggers, which the
	// harness' own contexts then use too (polaris-go's loggers are global).
	if _, err := h.driver.SDKContext(); err != nil {
		h.Close()
		return nil, err
	}
	if h.inspect, err = h.newSDK("inspect"); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// newSDK makes an SDK context on the polaris server, as a separate process
// would have, with its cache in the harness' directory.
func (h *harness) newSDK(name string) (api.SDKContext, error) {
	return h.newSDKAt(h.srv.Addr(), name)
}

// newSDKAt makes an SDK context on the polaris server at addr.
func (h *harness) newSDKAt(addr, name string) (api.SDKContext, error) {
	cfg := config.NewDefaultConfiguration([]string{addr})
	cfg.GetGlobal().GetStatReporter().SetEnable(false)
	cfg.GetConfigFile().SetEnable(false)
	cfg.GetConsumer().GetLocalCache().SetPersistEnable(false)
	// ask the server every 0.5 to 1 s, as the driver does by default (see
	// polaris.Options.PollInterval), rather than every 2 to 4 s
	cfg.GetConsumer().GetLocalCache().SetServiceRefreshInterval(-1500 * time.Millisecond)
	cfg.GetConsumer().GetLocalCache().SetPersistDir(filepath.Join(h.dir, name))
	cfg.GetConfigFile().GetLocalCache().SetPersistDir(filepath.Join(h.dir, name, "config"))
	sdk, err := api.InitContextByConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("polaris SDK context %s: %w", name, err)
	}
	return sdk, nil
}

func (h *harness) DriverName() string { return polaris.Name }

func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	return "polaris://" + dtmService + "?namespace=default", grpcAddr, "polaris://" + dtmService + "?namespace=default"
}

func (h *harness) StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	return h.startInstance(ctx, instanceSpec{service: service, register: register})
}

// ServiceURL is the prefix the suite appends methods to; the suite runs in
// the default namespace, the namespace subtests use ?namespace= after the
// method.
func (h *harness) ServiceURL(service string) string { return "polaris://" + service }

func (h *harness) ParseCases() []conformance.ParseCase {
	m := busi.TransIn
	// {"Namespace":"Test"}, as upstream's ParseServerMethod encodes it
	const opts = "eyJOYW1lc3BhY2UiOiJUZXN0In0="
	return []conformance.ParseCase{
		{URL: "polaris://busi" + m + "?namespace=prod", Server: "polaris://busi?namespace=prod", Method: m},
		{URL: "polaris://busi?namespace=prod" + m, Server: "polaris://busi?namespace=prod", Method: m},
		{URL: "polaris://busi" + m + "?options=" + opts, Server: "polaris://busi?options=" + opts, Method: m},
		{URL: "polaris://busi/extra" + m, WantErr: "holds no '/'"},
		{URL: "polaris://" + m, WantErr: "no service name"},
		{URL: "polaris://busi" + m + "?namespace=", WantErr: "namespace"},
		{URL: "polaris://busi" + m + "?token=hunter2", WantErr: "unknown query parameter token"},
		{URL: "polaris://busi" + m + "?options=!!", WantErr: "not base64"},
		{URL: "polaris://busi" + m + "?namespace=prod&options=" + opts, WantErr: "different namespaces"},
		{URL: "etcd://127.0.0.1:2379/busi" + m, WantErr: "want polaris://"},
	}
}

// Close stops the instances, the harness' SDK context and the server. The
// driver's context is the driver's: the CloseDeregisters subtest closes it.
func (h *harness) Close() {
	// The driver's SDK context writes its cache under h.dir: end it before
	// the directory goes (Run closes it last already; RunBenchmarks not).
	if h.driver != nil {
		_ = h.driver.Close()
	}
	h.mu.Lock()
	all := h.instances
	h.instances = nil
	h.mu.Unlock()
	for _, i := range all {
		i.Stop()
	}
	h.mu.Lock()
	inspect := h.inspect
	h.mu.Unlock()
	if inspect != nil {
		inspect.Destroy()
	}
	h.srv.Close()
	removeWhenQuiet(h.dir)
}

// removeWhenQuiet empties dir once polaris-go has stopped writing its cache
// files there: its Destroy does not wait for the goroutine that writes
// them, whose last write could otherwise land while the test framework
// removes the directory ("directory not empty"). Quiet means still empty
// a second after a removal.
func removeWhenQuiet(dir string) {
	_ = infra.WaitFor(30*time.Second, "polaris-go to stop writing under "+dir, func() bool {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
		time.Sleep(time.Second) // the quiet period, not a wait for an event
		entries, _ = os.ReadDir(dir)
		return len(entries) == 0
	})
}
