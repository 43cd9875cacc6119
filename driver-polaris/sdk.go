package polaris

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/polarismesh/polaris-go/api"
	"github.com/polarismesh/polaris-go/pkg/config"
	"github.com/polarismesh/polaris-go/pkg/model"
)

// shared is the process-wide SDK context and what was registered through it.
var shared = &sdkHolder{}

type sdkHolder struct {
	mu        sync.Mutex
	opts      Options
	ctx       api.SDKContext
	regs      []*registration
	resolvers map[*polarisResolver]struct{}
}

func (h *sdkHolder) configure(o Options) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx != nil {
		return ErrConfigured
	}
	h.opts = o
	return nil
}

// get returns the SDK context, creating it on first use.
func (h *sdkHolder) get() (api.SDKContext, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.getLocked()
}

func (h *sdkHolder) getLocked() (api.SDKContext, error) {
	if h.ctx != nil {
		return h.ctx, nil
	}
	ctx, err := newSDKContext(h.opts)
	if err != nil {
		return nil, err
	}
	h.ctx = ctx
	return ctx, nil
}

// startResolver makes sure the SDK context exists and starts r, which
// close stops.
func (h *sdkHolder) startResolver(r *polarisResolver) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.getLocked(); err != nil {
		return err
	}
	if h.resolvers == nil {
		h.resolvers = make(map[*polarisResolver]struct{})
	}
	h.resolvers[r] = struct{}{}
	r.refresh = h.resolverRefreshLocked()
	go r.run()
	return nil
}

// addRegistration remembers r for close, once per instance: polaris-go
// too keeps one heartbeat per namespace, service and address.
func (h *sdkHolder) addRegistration(r *registration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, old := range h.regs {
		if old.namespace == r.namespace && old.service == r.service && old.host == r.host && old.port == r.port {
			return
		}
	}
	h.regs = append(h.regs, r)
}

// resolverDone forgets a resolver whose goroutine ended.
func (h *sdkHolder) resolverDone(r *polarisResolver) {
	h.mu.Lock()
	delete(h.resolvers, r)
	h.mu.Unlock()
}

// current returns the SDK context if one exists, without creating one.
func (h *sdkHolder) current() api.SDKContext {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ctx
}

func (h *sdkHolder) resolverRefreshLocked() time.Duration {
	if h.opts.ResolverRefresh > 0 {
		return h.opts.ResolverRefresh
	}
	return defaultResolverRefresh
}

// close deregisters every registration, stops the resolvers (their
// connections keep the addresses they last had) and destroys the context.
// Concurrent calls find nothing left to do.
func (h *sdkHolder) close() error {
	h.mu.Lock()
	ctx, regs, resolvers := h.ctx, h.regs, h.resolvers
	h.ctx, h.regs, h.resolvers = nil, nil, nil
	h.mu.Unlock()
	var errs []error
	if ctx != nil {
		provider := api.NewProviderAPIByContext(ctx)
		for _, r := range regs {
			if err := r.deregister(provider); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for r := range resolvers {
		r.cancel()
	}
	for r := range resolvers {
		<-r.done
	}
	if ctx != nil {
		ctx.Destroy()
	}
	return errors.Join(errs...)
}

// newSDKContext creates a polaris-go SDK context for o: quiet, with its
// cache outside the working directory, on the configured addresses.
func newSDKContext(o Options) (api.SDKContext, error) {
	if err := installLoggers(o.LogDir); err != nil {
		return nil, err
	}
	cfg, err := buildConfig(o)
	if err != nil {
		return nil, err
	}
	ctx, err := api.InitContextByConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("polaris: create SDK context for %v: %w",
			cfg.GetGlobal().GetServerConnector().GetAddresses(), err)
	}
	return ctx, nil
}

// buildConfig starts from ./polaris.yaml when it exists (polaris-go's
// convention), else from polaris-go's defaults minus what a dtm driver has
// no use for: the metrics HTTP listener and the config-center connector.
// Addresses come from o, the environment, the file, or DefaultAddress.
func buildConfig(o Options) (config.Configuration, error) {
	var cfg *config.ConfigurationImpl
	fromFile := model.IsFile(config.DefaultConfigFile)
	if fromFile {
		var err error
		if cfg, err = config.LoadConfigurationByFile(config.DefaultConfigFile); err != nil {
			return nil, fmt.Errorf("polaris: read %s: %w", config.DefaultConfigFile, err)
		}
	} else {
		cfg = config.NewDefaultConfiguration(nil)
		cfg.GetGlobal().GetStatReporter().SetEnable(false)
		cfg.GetConfigFile().SetEnable(false)
	}
	addrs := o.Addresses
	if len(addrs) == 0 {
		var err error
		if addrs, _, err = envAddresses(); err != nil {
			return nil, err
		}
	}
	if len(addrs) == 0 && fromFile {
		addrs = cfg.GetGlobal().GetServerConnector().GetAddresses()
	}
	if len(addrs) == 0 {
		addrs = []string{DefaultAddress}
	}
	cfg.GetGlobal().GetServerConnector().SetAddresses(addrs)

	cacheDir := persistDir(o.CacheDir)
	if lc := cfg.GetConsumer().GetLocalCache(); o.CacheDir != "" || isDefaultDir(lc.GetPersistDir(), "") {
		lc.SetPersistDir(cacheDir)
	}
	if lc := cfg.GetConfigFile().GetLocalCache(); o.CacheDir != "" || isDefaultDir(lc.GetPersistDir(), "config") {
		lc.SetPersistDir(filepath.Join(cacheDir, "config"))
	}
	return cfg, nil
}

// isDefaultDir reports whether dir is polaris-go's default persistence
// directory (plus sub), which is relative to the working directory.
func isDefaultDir(dir, sub string) bool {
	return dir == "" || filepath.Clean(dir) == filepath.Join(config.DefaultCachePersistDir, sub)
}

// persistDir is dir, or the per-user default.
func persistDir(dir string) string {
	if dir != "" {
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil || base == "" {
		// no home (some containers): a per-user directory under the temp dir
		base = filepath.Join(os.TempDir(), "dtmkit-"+strings.ReplaceAll(userName(), string(filepath.Separator), "_"))
	}
	return filepath.Join(base, "dtmkit", "polaris-go")
}

func userName() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return fmt.Sprint(os.Getuid())
}

// SDKContext returns the driver's process-wide polaris-go SDK context,
// creating it on first use with the Configure options. Embedders can build
// their own ProviderAPI or ConsumerAPI on it rather than start a second
// context; Driver.Close destroys it.
func SDKContext() (api.SDKContext, error) { return shared.get() }
