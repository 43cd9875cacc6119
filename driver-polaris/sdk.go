package polaris

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/polarismesh/polaris-go/api"
	"github.com/polarismesh/polaris-go/pkg/config"
	"github.com/polarismesh/polaris-go/pkg/model"

	"github.com/dtmkit/drivers/kit"
)

// SDKContext returns the registered Driver's polaris-go SDK context (the
// Driver dtmdriver.Use selects): see Driver.SDKContext.
func SDKContext() (api.SDKContext, error) { return registered.SDKContext() }

// SDKContext returns the driver's polaris-go SDK context, creating it on
// first use with the Configure options. Embedders can build their own
// ProviderAPI or ConsumerAPI on it rather than start a second context;
// Close destroys it.
func (d *Driver) SDKContext() (api.SDKContext, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sdkLocked()
}

func (d *Driver) sdkLocked() (api.SDKContext, error) {
	if d.sdk != nil {
		return d.sdk, nil
	}
	sdk, err := newSDKContext(d.opts)
	if err != nil {
		return nil, err
	}
	d.sdk = sdk
	return sdk, nil
}

// startResolver makes sure the SDK context exists and starts r's
// goroutine, which Close stops and waits for.
func (d *Driver) startResolver(r *polarisResolver) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.sdkLocked(); err != nil {
		return err
	}
	if d.resolvers == nil {
		d.resolvers = make(map[*polarisResolver]struct{})
	}
	d.resolvers[r] = struct{}{}
	r.refresh = d.resolverRefreshLocked()
	go r.run()
	return nil
}

// addRegistration remembers r for Close, once per instance: polaris-go
// too keeps one heartbeat per namespace, service and address.
func (d *Driver) addRegistration(r *registration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, old := range d.regs {
		if old.namespace == r.namespace && old.service == r.service && old.host == r.host && old.port == r.port {
			return
		}
	}
	d.regs = append(d.regs, r)
}

// resolverDone forgets a resolver whose goroutine ended.
func (d *Driver) resolverDone(r *polarisResolver) {
	d.mu.Lock()
	delete(d.resolvers, r)
	d.mu.Unlock()
}

// current returns the SDK context if one exists, without creating one.
func (d *Driver) current() api.SDKContext {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sdk
}

func (d *Driver) resolverRefreshLocked() time.Duration {
	if d.opts.ResolverRefresh > 0 {
		return d.opts.ResolverRefresh
	}
	return defaultResolverRefresh
}

// Close deregisters what RegisterGrpcService registered, stops the
// resolvers and waits for their goroutines (their connections keep the
// addresses they last had), then destroys the SDK context, which ends
// polaris-go's heartbeats and pollers. A later use creates a new context.
// Concurrent calls find nothing left to do.
func (d *Driver) Close() error {
	d.mu.Lock()
	ctx, regs, resolvers := d.sdk, d.regs, d.resolvers
	d.sdk, d.regs, d.resolvers = nil, nil, nil
	d.mu.Unlock()
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
	return kit.DriverError(Name, errors.Join(errs...))
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
		return nil, fmt.Errorf(errPrefix+"create SDK context for %v: %w",
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
			return nil, fmt.Errorf(errPrefix+"read %s: %w", config.DefaultConfigFile, err)
		}
	} else {
		cfg = config.NewDefaultConfiguration(nil)
		cfg.GetGlobal().GetStatReporter().SetEnable(false)
		cfg.GetConfigFile().SetEnable(false)
	}
	if poll := o.PollInterval; poll > 0 || !fromFile {
		if poll <= 0 {
			poll = defaultPollInterval
		}
		cfg.GetConsumer().GetLocalCache().SetServiceRefreshInterval(refreshIntervalFor(poll))
	}
	if !fromFile {
		// polaris-go polls a service it read until nobody has read it for
		// this long (24 h by default), watched or not: a closed target's
		// service would be asked about every poll for a day
		cfg.GetConsumer().GetLocalCache().SetServiceExpireTime(unusedServiceExpiry)
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

// unusedServiceExpiry is how long polaris-go keeps polling a service no
// resolver watches or reads any more. Open resolvers are unaffected: they
// watch their service, which polaris-go never expires.
const unusedServiceExpiry = time.Minute

// pollJitter is what polaris-go adds to serviceRefreshInterval for each
// watched service: 0, 1 or 2 whole seconds, drawn once
// (plugin/serverconnector/common/discover.go, RegisterServiceHandler). Its
// poller looks at each service every 500 ms and asks the server once the
// service's interval has passed since its last answer.
const pollJitter = 2 * time.Second

// refreshIntervalFor returns the serviceRefreshInterval that makes every
// service's interval (it plus the jitter) at most poll. It is negative below
// 2 s, which polaris-go accepts: an interval already passed means "at the
// next 500 ms look".
func refreshIntervalFor(poll time.Duration) time.Duration { return poll - pollJitter }

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
