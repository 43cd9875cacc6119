package consulagent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
)

// TestMain fails the run if the tests leave anything in TMPDIR.
func TestMain(m *testing.M) { infra.Main(m) }

// TestAgentKeepsRegistrationsAcrossRestart runs the agent with ACLs,
// registers a service with a TTL check through the agent API as consul's
// registries do, and follows its health: critical until the TTL is passed,
// passing after, and still registered after the agent restarts on its data.
func TestAgentKeepsRegistrationsAcrossRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	const token = "2f1b0a8e-0d1c-4e6a-9f53-5d2c7a1b9e04"
	a, err := Start(ctx, Options{ACLToken: token, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	reg := `{"ID":"svc-1","Name":"svc","Address":"127.0.0.1","Port":9001,
		"Check":{"CheckID":"svc-1-ttl","TTL":"30s","Status":"critical"}}`
	if err := a.put("/v1/agent/service/register", reg, token); err != nil {
		t.Fatal(err)
	}
	if err := a.put("/v1/agent/service/register", reg, ""); err == nil {
		t.Error("registering without the token succeeded with ACLs on (default deny)")
	}
	expectPassing(t, a, "svc", "[]")
	if err := a.put("/v1/agent/check/pass/svc-1-ttl", "", token); err != nil {
		t.Fatal(err)
	}
	expectPassing(t, a, "svc", "[127.0.0.1:9001]")

	a.Stop()
	if a.serving() {
		t.Fatal("agent still serves after Stop")
	}
	if err := a.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if err := a.Restart(ctx); err == nil {
		t.Error("Restart of a running agent succeeded")
	}
	// The service is restored from the data dir; its TTL check restarts
	// critical until passed again.
	if err := a.put("/v1/agent/check/pass/svc-1-ttl", "", token); err != nil {
		t.Fatalf("the service's check is gone after the restart: %v", err)
	}
	expectPassing(t, a, "svc", "[127.0.0.1:9001]")

	dir := a.Dir()
	a.Close()
	a.Close() // idempotent
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data dir %s left behind: %v", dir, err)
	}
	if a.serving() {
		t.Error("agent still serves after Close")
	}
}

// expectPassing waits until the passing instances of service print as want.
func expectPassing(t *testing.T, a *Agent, service, want string) {
	t.Helper()
	var got string
	err := infra.WaitFor(10*time.Second, "passing instances "+want, func() bool {
		addrs, err := a.Passing(service)
		got = fmt.Sprint(addrs, err)
		return err == nil && fmt.Sprint(addrs) == want
	})
	if err != nil {
		t.Fatalf("%v: got %s", err, got)
	}
}

// put sends a PUT to the agent's HTTP API with token.
func (a *Agent) put(path, body, token string) error {
	req, err := http.NewRequest(http.MethodPut, "http://"+a.httpAddr+path, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("X-Consul-Token", token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT %s: %s", path, resp.Status)
	}
	return nil
}
