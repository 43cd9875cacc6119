// Package consulagent runs a real consul agent for tests: a one-node server
// on 127.0.0.1 with free ports and a data directory of its own, built from
// consul's Go module on first use (see Binary). It can be stopped and
// started again on its data, and run with ACLs on.
package consulagent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/gobin"
	"github.com/dtmkit/drivers/conformance/infra/serverproc"
)

// Options configures Start. The zero value is usable.
type Options struct {
	// ACLToken, when set, turns ACLs on with default policy deny, and
	// makes it the management token (and the agent's own token).
	ACLToken string
	// Logf receives progress messages; nil writes them to standard error.
	Logf gobin.Logf
	// StartTimeout bounds each wait for the agent to serve, build
	// excluded; 0 means one minute.
	StartTimeout time.Duration
}

// nodeName is the agent's node name in the catalog.
const nodeName = "dtmkit-test"

// Agent is a consul agent process and its data directory. Stop kills it
// (as a crash), Restart starts it again on its data, Close removes it.
type Agent struct {
	*serverproc.Restartable
	httpAddr string
	token    string
}

// Start builds consul if it is not cached, starts an agent and waits until
// it has elected itself leader and listed its node. Close stops it.
func Start(ctx context.Context, opts Options) (*Agent, error) {
	logf := opts.Logf
	if logf == nil {
		logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = time.Minute
	}
	bin, err := Binary(ctx, logf)
	if err != nil {
		return nil, err
	}
	// A port found free may be taken before the agent binds it: retry.
	for attempt := 1; ; attempt++ {
		begin := time.Now()
		a, err := newAgent(bin, opts)
		if err != nil {
			return nil, err
		}
		if err = a.Start(ctx); err == nil {
			logf("consulagent: consul ready on %s in %s", a.httpAddr, time.Since(begin).Round(10*time.Millisecond))
			return a, nil
		}
		a.Close()
		if !errors.Is(err, serverproc.ErrPortTaken) || attempt == 3 {
			return nil, err
		}
	}
}

// newAgent writes a configuration on free ports into a new data directory.
func newAgent(bin string, opts Options) (*Agent, error) {
	dir, err := os.MkdirTemp("", "dtmkit-consul-")
	if err != nil {
		return nil, fmt.Errorf("consul data dir: %w", err)
	}
	ports, err := infra.FreePorts(4)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	conf := map[string]any{
		"server":               true,
		"bootstrap_expect":     1,
		"node_name":            nodeName,
		"data_dir":             filepath.Join(dir, "data"),
		"bind_addr":            "127.0.0.1",
		"advertise_addr":       "127.0.0.1",
		"client_addr":          "127.0.0.1",
		"log_level":            "warn",
		"disable_update_check": true,
		"ui_config":            map[string]any{"enabled": false},
		// Raft timers as in -dev mode: a one-node server elects itself
		// in about a second instead of several.
		"performance": map[string]any{"raft_multiplier": 1},
		"ports": map[string]any{
			"http": ports[0], "server": ports[1], "serf_lan": ports[2], "serf_wan": ports[3],
			"dns": -1, "grpc": -1, "grpc_tls": -1,
		},
	}
	if opts.ACLToken != "" {
		conf["acl"] = map[string]any{
			"enabled":        true,
			"default_policy": "deny",
			"tokens":         map[string]any{"initial_management": opts.ACLToken, "agent": opts.ACLToken},
		}
	}
	data, err := json.MarshalIndent(conf, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("consul config: %w", err)
	}
	a := &Agent{
		httpAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		token:    opts.ACLToken,
	}
	a.Restartable = serverproc.NewRestartable("consul agent", dir, func() serverproc.Spec {
		return serverproc.Spec{
			Name:    "consul agent on " + a.httpAddr,
			Bin:     bin,
			Args:    []string{"agent", "-config-file", filepath.Join(dir, "config.json")},
			Dir:     dir,
			Ready:   a.serving,
			Timeout: opts.StartTimeout,
		}
	})
	return a, nil
}

// Restart starts a stopped agent again on its data and ports, and waits
// until it serves.
func (a *Agent) Restart(ctx context.Context) error { return a.Start(ctx) }

// serving reports whether the agent has a leader and its node is in the
// catalog: only then does it take registrations.
func (a *Agent) serving() bool {
	var leader string
	if a.get("/v1/status/leader", &leader) != nil || leader == "" {
		return false
	}
	var nodes []struct{ Node string }
	if a.get("/v1/catalog/nodes", &nodes) != nil {
		return false
	}
	for _, n := range nodes {
		if n.Node == nodeName {
			return true
		}
	}
	return false
}

// httpClient bounds every request the package makes to the agent.
var httpClient = &http.Client{Timeout: 2 * time.Second}

// CloseIdleConnections closes the package's idle connections to agents,
// and so their goroutines.
func CloseIdleConnections() { httpClient.CloseIdleConnections() }

// get reads a JSON answer of the agent's HTTP API into v.
func (a *Agent) get(path string, v any) error {
	req, err := http.NewRequest(http.MethodGet, "http://"+a.httpAddr+path, nil)
	if err != nil {
		return err
	}
	if a.token != "" {
		req.Header.Set("X-Consul-Token", a.token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("consul %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// HTTPAddr is the "127.0.0.1:port" of the agent's HTTP API, the address
// consul clients are given.
func (a *Agent) HTTPAddr() string { return a.httpAddr }

// Token is the management token, or "" without ACLs.
func (a *Agent) Token() string { return a.token }

// Passing returns the addresses ("host:port") of the instances of service
// whose checks all pass, as consul's health API lists them.
func (a *Agent) Passing(service string) ([]string, error) {
	var entries []struct {
		Service struct {
			Address string
			Port    int
		}
	}
	if err := a.get("/v1/health/service/"+service+"?passing=true", &entries); err != nil {
		return nil, err
	}
	addrs := make([]string, 0, len(entries))
	for _, e := range entries {
		addrs = append(addrs, net.JoinHostPort(e.Service.Address, strconv.Itoa(e.Service.Port)))
	}
	return addrs, nil
}

// AwaitPassing waits until the agent lists addr among the passing instances
// of service, asking every 20 ms, or until ctx ends.
func (a *Agent) AwaitPassing(ctx context.Context, service, addr string) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		last, err := a.Passing(service)
		if err == nil && slices.Contains(last, addr) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s passing in %s: %w (last %v, %v)", addr, service, ctx.Err(), last, err)
		case <-tick.C:
		}
	}
}
