package polaris

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Options configure the SDK context the driver creates on first use. The
// zero value is the default behaviour.
type Options struct {
	// Addresses are the polaris servers' gRPC addresses ("host:port",
	// port 8091 by default). When empty, the driver reads POLARIS_ADDRESSES
	// (a comma-separated list; upstream's hyphenated names too), then
	// ./polaris.yaml, then uses 127.0.0.1:8091.
	Addresses []string

	// LogDir, when set, is where polaris-go writes its log files.
	// Otherwise polaris-go logs nothing (it would write ./polaris/log).
	LogDir string

	// CacheDir is where polaris-go persists the instances it discovered,
	// so a restart can use them while the servers are unreachable. Empty
	// means <user cache dir>/dtmkit/polaris-go (polaris-go's default is
	// ./polaris/backup, in the working directory).
	CacheDir string

	// ResolverRefresh is how often a resolver re-reads its service's
	// instances even when polaris-go notifies no change: a safety net.
	// 0 means 10 seconds.
	ResolverRefresh time.Duration

	// PollInterval bounds how often polaris-go asks the server whether a
	// watched service changed; it has no push. 0 means 500 ms. Ignored
	// when ./polaris.yaml is used: then polaris-go's own schedule applies,
	// its serviceRefreshInterval (2 s) plus 0 to 2 s of jitter per service.
	PollInterval time.Duration
}

// AddressesEnv is the environment variable holding a comma-separated list of
// polaris server addresses.
const AddressesEnv = "POLARIS_ADDRESSES"

// legacyAddressEnvs are upstream's hyphenated names, which shells cannot set
// but container specs can; read after AddressesEnv.
var legacyAddressEnvs = []string{"polaris-addresses", "polaris-address"}

// DefaultAddress is used when no address is configured anywhere.
const DefaultAddress = "127.0.0.1:8091"

// defaultResolverRefresh is Options.ResolverRefresh's default.
const defaultResolverRefresh = 10 * time.Second

// defaultPollInterval is Options.PollInterval's default: with the server's
// one-second cache refresh, a change reaches resolvers within about 2 s
// (polaris-go's defaults take up to 5.5 s).
const defaultPollInterval = 500 * time.Millisecond

// ErrConfigured is returned by Configure once the SDK context exists.
var ErrConfigured = errors.New(errPrefix + "the SDK context already exists; call Configure before the driver's first use, or Close first")

// Configure sets the options of the registered Driver's SDK context (the
// Driver dtmdriver.Use selects): see Driver.Configure.
func Configure(o Options) error { return registered.Configure(o) }

// Configure sets the options of the driver's SDK context, which is created
// on first use (RegisterService, or dialling a polaris:// target). It fails
// with ErrConfigured once the context exists, or on a malformed address.
func (d *Driver) Configure(o Options) error {
	for _, a := range o.Addresses {
		if err := kit.ValidateHostPort(a); err != nil {
			return fmt.Errorf(errPrefix+"Options.Addresses: %w", err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sdk != nil {
		return ErrConfigured
	}
	d.opts = o
	return nil
}

// envAddresses returns the addresses from the environment and the variable
// they came from, or nil.
func envAddresses() ([]string, string, error) {
	for _, name := range append([]string{AddressesEnv}, legacyAddressEnvs...) {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			continue
		}
		var addrs []string
		for _, a := range strings.Split(v, ",") {
			a = strings.TrimSpace(a)
			if a == "" {
				continue
			}
			if err := kit.ValidateHostPort(a); err != nil {
				return nil, name, fmt.Errorf(errPrefix+"$%s: %w", name, err)
			}
			addrs = append(addrs, a)
		}
		if len(addrs) > 0 {
			return addrs, name, nil
		}
	}
	return nil, "", nil
}
