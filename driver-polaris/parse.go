package polaris

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// parsed remembers the branch URLs already split and validated, so that
// dtm's per-call parsing allocates nothing, the query forms included.
var parsed kit.ParseCache

// parseServerMethod implements Driver.ParseServerMethod.
func parseServerMethod(uri string) (server, method string, err error) {
	return parsed.Parse(uri, splitBranchURL)
}

// splitBranchURL splits and validates a branch URL.
func splitBranchURL(uri string) (server, method string, err error) {
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
	return u.Server, u.Method, nil
}
