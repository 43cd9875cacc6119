package consul

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// agent speaks consul's HTTP API for one target: its address, identity and
// transport. Each resolver and registration has its own, so that closing it
// ends its connections' goroutines.
type agent struct {
	t      Target
	base   string
	client *http.Client
}

func newAgent(t Target) *agent {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	scheme := "http"
	if t.TLS || t.Insecure {
		// zero-contrib's insecure implies TLS: it skips verifying a
		// certificate, which only https has
		scheme = "https"
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: t.Insecure} //nolint:gosec // asked for by the URL
	}
	return &agent{t: t, base: scheme + "://" + t.Addr, client: &http.Client{Transport: tr}}
}

// close ends the agent's idle connections.
func (a *agent) close() { a.client.CloseIdleConnections() }

// errNotFound is consul's 404, for a service or check it does not know.
var errNotFound = errors.New("404 Not Found")

// statusError is a non-200 answer, with consul's explanation.
type statusError struct {
	status string
	body   string
}

func (e *statusError) Error() string {
	if e.body == "" {
		return e.status
	}
	return e.status + ": " + e.body
}

// do makes one request, bounded by timeout (the target's Timeout when 0),
// and decodes a JSON answer into out (nil: none wanted). It returns consul's
// X-Consul-Index. Its errors quote neither the URL nor the token.
func (a *agent) do(ctx context.Context, method, path string, q url.Values, body, out any, timeout time.Duration) (uint64, error) {
	if timeout <= 0 {
		timeout = a.timeout()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	u := a.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, fmt.Errorf("consul %s %s: bad request", method, path)
	}
	if a.t.Token.IsSet() {
		req.Header.Set("X-Consul-Token", a.t.Token.Reveal())
	}
	if a.t.User != "" {
		req.SetBasicAuth(a.t.User, a.t.Pass.Reveal())
	}
	resp, err := a.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, fmt.Errorf("consul %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, fmt.Errorf("consul %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return 0, fmt.Errorf("consul %s %s: %w", method, path, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		msg := string(bytes.TrimSpace(data))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return 0, fmt.Errorf("consul %s %s: %w", method, path, &statusError{resp.Status, kit.Redact(msg)})
	}
	index, _ := strconv.ParseUint(resp.Header.Get("X-Consul-Index"), 10, 64)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return 0, fmt.Errorf("consul %s %s: %w", method, path, err)
		}
	}
	return index, nil
}

func (a *agent) timeout() time.Duration {
	if a.t.Timeout > 0 {
		return a.t.Timeout
	}
	return DefaultTimeout
}

// Entry is one instance of a service as consul's health endpoint lists it.
type Entry struct {
	Node struct {
		Node    string
		Address string
	}
	Service struct {
		ID              string
		Service         string
		Address         string
		Port            int
		Tags            []string
		Meta            map[string]string
		TaggedAddresses map[string]struct {
			Address string
			Port    int
		}
	}
	Checks []struct {
		CheckID string
		Status  string
	}
}

// health lists the instances of service, passing ones only unless all and
// with tag when not empty, with a blocking query when index > 0.
func (a *agent) health(ctx context.Context, service, tag string, passing bool, index uint64) ([]Entry, uint64, error) {
	q := url.Values{}
	if passing {
		q.Set("passing", "1")
	}
	if tag != "" {
		q.Set("tag", tag)
	}
	near := a.t.Near
	if near == "" {
		near = "_agent" // zero-contrib's default
	}
	q.Set("near", near)
	var entries []Entry
	idx, err := a.query(ctx, "/v1/health/service/"+url.PathEscape(service), q, index, &entries)
	return entries, idx, err
}

// query reads path into out with the target's datacenter and consistency
// options, as a blocking query when index > 0: consul answers when the
// result's index passes index, or after the wait. It returns the answer's
// X-Consul-Index.
func (a *agent) query(ctx context.Context, path string, q url.Values, index uint64, out any) (uint64, error) {
	if a.t.Dc != "" {
		q.Set("dc", a.t.Dc)
	}
	if a.t.AllowStale {
		q.Set("stale", "")
	}
	if a.t.RequireConsistent {
		q.Set("consistent", "")
	}
	timeout := a.timeout()
	if index > 0 {
		q.Set("index", strconv.FormatUint(index, 10))
		wait := a.t.Wait
		if wait <= 0 {
			wait = 5 * time.Minute // consul's default
		}
		q.Set("wait", wait.String())
		// consul adds up to wait/16 of jitter
		timeout += wait + wait/16
	}
	return a.do(ctx, http.MethodGet, path, q, nil, out, timeout)
}

// nextIndex is the index to wait on after an answer at got to a query that
// waited on prev: consul's rules for a blocking query's index.
func nextIndex(prev, got uint64) uint64 {
	switch {
	case got == 0 && prev == 0:
		return 1 // 0 would not block
	case got < prev:
		return 0 // the agent's state was reset: read afresh
	}
	return got
}

// Registration is a service registration as consul's agent API takes it
// (PUT /v1/agent/service/register).
type Registration struct {
	ID                string
	Name              string
	Tags              []string          `json:",omitempty"`
	Meta              map[string]string `json:",omitempty"`
	Address           string
	Port              int
	TaggedAddresses   map[string]TaggedAddress `json:",omitempty"`
	Checks            []Check                  `json:",omitempty"`
	EnableTagOverride bool                     `json:",omitempty"`
}

// TaggedAddress is one of a registration's tagged addresses.
type TaggedAddress struct {
	Address string
	Port    int
}

// Check is a check of a registration.
type Check struct {
	CheckID                        string `json:",omitempty"`
	Name                           string `json:",omitempty"`
	TTL                            string `json:",omitempty"`
	TCP                            string `json:",omitempty"`
	Interval                       string `json:",omitempty"`
	Timeout                        string `json:",omitempty"`
	Status                         string `json:",omitempty"`
	DeregisterCriticalServiceAfter string `json:",omitempty"`
}

func (a *agent) register(ctx context.Context, reg *Registration) error {
	_, err := a.do(ctx, http.MethodPut, "/v1/agent/service/register", nil, reg, nil, 0)
	return err
}

// passTTL marks a TTL check passing.
func (a *agent) passTTL(ctx context.Context, checkID string) error {
	_, err := a.do(ctx, http.MethodPut, "/v1/agent/check/update/"+url.PathEscape(checkID), nil,
		map[string]string{"Status": "passing", "Output": "dtm is serving"}, nil, 0)
	return err
}

func (a *agent) deregister(ctx context.Context, id string) error {
	_, err := a.do(ctx, http.MethodPut, "/v1/agent/service/deregister/"+url.PathEscape(id), nil, nil, nil, 0)
	if errors.Is(err, errNotFound) {
		return nil
	}
	return err
}

// redactErr hides any URL secret an error might quote.
func redactErr(err error) error {
	if s := err.Error(); kit.Redact(s) != s {
		return errors.New(kit.Redact(s))
	}
	return err
}
