package polaris

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// chdirTemp is t.Chdir(t.TempDir()), which needs go 1.24: this module's go
// directive stays at 1.22 so that importing the driver does not raise a
// user's (see "Supported versions" in README.md).
func chdirTemp(t *testing.T) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	})
}

func addressesOf(t *testing.T, o Options) []string {
	t.Helper()
	cfg, err := buildConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.GetGlobal().GetServerConnector().GetAddresses()
}

// Addresses come from the option, then POLARIS_ADDRESSES (or upstream's
// hyphenated names), then ./polaris.yaml, then 127.0.0.1:8091.
func TestAddressOrder(t *testing.T) {
	chdirTemp(t)
	t.Setenv(AddressesEnv, "")
	for _, n := range legacyAddressEnvs {
		t.Setenv(n, "")
	}
	if got := addressesOf(t, Options{}); !reflect.DeepEqual(got, []string{DefaultAddress}) {
		t.Errorf("nothing configured: %v", got)
	}
	yaml := "global:\n  serverConnector:\n    addresses:\n      - 10.0.0.3:8091\n"
	if err := os.WriteFile("polaris.yaml", []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := addressesOf(t, Options{}); !reflect.DeepEqual(got, []string{"10.0.0.3:8091"}) {
		t.Errorf("polaris.yaml: %v", got)
	}
	t.Setenv(legacyAddressEnvs[0], "10.0.0.2:8091")
	if got := addressesOf(t, Options{}); !reflect.DeepEqual(got, []string{"10.0.0.2:8091"}) {
		t.Errorf("hyphenated env: %v", got)
	}
	t.Setenv(AddressesEnv, " 10.0.0.1:8091, 10.0.0.4:8091 ")
	if got := addressesOf(t, Options{}); !reflect.DeepEqual(got, []string{"10.0.0.1:8091", "10.0.0.4:8091"}) {
		t.Errorf("POLARIS_ADDRESSES: %v", got)
	}
	if got := addressesOf(t, Options{Addresses: []string{"10.0.0.9:1"}}); !reflect.DeepEqual(got, []string{"10.0.0.9:1"}) {
		t.Errorf("option: %v", got)
	}
	t.Setenv(AddressesEnv, "10.0.0.1")
	if _, err := buildConfig(Options{}); err == nil || !strings.Contains(err.Error(), "$POLARIS_ADDRESSES") {
		t.Errorf("malformed POLARIS_ADDRESSES: %v", err)
	}
}

// polaris-go's cache goes to the per-user directory or Options.CacheDir,
// never the working directory; the metrics listener stays off.
func TestConfigKeepsOutOfTheWorkingDirectory(t *testing.T) {
	chdirTemp(t)
	cfg, err := buildConfig(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := cfg.GetConsumer().GetLocalCache().GetPersistDir()
	if !filepath.IsAbs(dir) || !strings.Contains(dir, filepath.Join("dtmkit", "polaris-go")) {
		t.Errorf("persist dir %q", dir)
	}
	if cfg.GetGlobal().GetStatReporter().IsEnable() {
		t.Error("the stat reporter (a metrics HTTP listener) is on")
	}
	own := t.TempDir()
	cfg, err = buildConfig(Options{CacheDir: own})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.GetConsumer().GetLocalCache().GetPersistDir(); got != own {
		t.Errorf("persist dir %q, want %q", got, own)
	}
}

func TestConfigureRejectsBadAddresses(t *testing.T) {
	if err := Configure(Options{Addresses: []string{"nohost"}}); err == nil {
		t.Fatal("Configure accepted an address without a port")
	}
}

func refreshOf(t *testing.T, o Options) time.Duration {
	t.Helper()
	cfg, err := buildConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.GetConsumer().GetLocalCache().GetServiceRefreshInterval()
}

// PollInterval is set through serviceRefreshInterval less polaris-go's
// jitter of up to 2 s, so that no service waits longer; ./polaris.yaml's
// schedule is left alone unless the option is set.
func TestPollInterval(t *testing.T) {
	chdirTemp(t)
	if got := refreshOf(t, Options{}); got != defaultPollInterval-2*time.Second {
		t.Errorf("default: serviceRefreshInterval %v, want %v", got, defaultPollInterval-2*time.Second)
	}
	cfg, err := buildConfig(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.GetConsumer().GetLocalCache().GetServiceExpireTime(); got != unusedServiceExpiry {
		t.Errorf("serviceExpireTime %v, want %v: a closed target's service would be polled for a day", got, unusedServiceExpiry)
	}
	if got := refreshOf(t, Options{PollInterval: 3 * time.Second}); got != time.Second {
		t.Errorf("PollInterval 3s: serviceRefreshInterval %v, want 1s", got)
	}
	yaml := "global:\n  serverConnector:\n    addresses: [10.0.0.3:8091]\nconsumer:\n  localCache:\n    serviceRefreshInterval: 7s\n"
	if err := os.WriteFile("polaris.yaml", []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := refreshOf(t, Options{}); got != 7*time.Second {
		t.Errorf("polaris.yaml: serviceRefreshInterval %v, want its 7s", got)
	}
	if got := refreshOf(t, Options{PollInterval: time.Second}); got != -time.Second {
		t.Errorf("polaris.yaml and PollInterval 1s: serviceRefreshInterval %v, want -1s", got)
	}
}
