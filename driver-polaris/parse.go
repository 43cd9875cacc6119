package polaris

import (
	"strings"
	"sync"

	"github.com/dtmkit/drivers/kit"
)

// parseServerMethod implements Driver.ParseServerMethod.
func parseServerMethod(uri string) (server, method string, err error) {
	if p, ok := parsed.get(uri); ok {
		return p.server, p.method, nil
	}
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	if u.Scheme == "" { // plain host:port/pkg.Svc/M, as dtm's default driver
		return u.Server, u.Method, nil
	}
	if !strings.EqualFold(u.Scheme, Scheme) {
		return "", "", kit.NewURLError(uri, acceptedForms, nil)
	}
	if u.Endpoint != "" {
		return "", "", kit.NewURLError(uri, "a service name holds no '/': "+acceptedForms, nil)
	}
	if _, err := parseTarget(uri, u.Authority, u.Query); err != nil {
		return "", "", err
	}
	if u.Query != "" {
		// Server was built by moving the query in front of the method, and
		// the query was parsed: remember both for this URL.
		parsed.put(uri, parsedURL{server: u.Server, method: u.Method})
	}
	return u.Server, u.Method, nil
}

// maxParsedURLs bounds the cache. dtm's branch URLs are few (services times
// methods), so the bound is only a guard against unbounded growth.
const maxParsedURLs = 4096

// parsed caches the results for branch URLs with a query, so that dtm's
// per-call parsing allocates nothing.
var parsed = &parseCache{m: make(map[string]parsedURL)}

type parsedURL struct{ server, method string }

type parseCache struct {
	mu sync.RWMutex
	m  map[string]parsedURL
}

func (c *parseCache) get(uri string) (parsedURL, bool) {
	c.mu.RLock()
	p, ok := c.m[uri]
	c.mu.RUnlock()
	return p, ok
}

func (c *parseCache) put(uri string, p parsedURL) {
	c.mu.Lock()
	if len(c.m) < maxParsedURLs {
		c.m[strings.Clone(uri)] = p
	}
	c.mu.Unlock()
}
