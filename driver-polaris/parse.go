package polaris

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes: "polaris://busi/pkg.Busi/M?namespace=ns" gives
// "polaris://busi?namespace=ns" and "/pkg.Busi/M". A plain
// "host:port/pkg.Busi/M" splits as with dtm's default driver. dtm calls it on
// every branch call, so validated splits are cached and a repeated URL, the
// query forms included, costs a map lookup without allocating. It rejects
// what the resolver could not resolve, naming the accepted forms, since dtm
// panics on a dial error.
func (d *Driver) ParseServerMethod(uri string) (server, method string, err error) {
	server, method, err = d.parsed.Parse(uri, parseServerMethod)
	return server, method, kit.DriverError(Name, err)
}

// parseServerMethod is ParseServerMethod without the cache: it splits and
// validates a branch URL.
func parseServerMethod(uri string) (server, method string, err error) {
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	if u.Scheme == "" { // plain host:port/pkg.Svc/M, as dtm's default driver
		return u.Server, u.Method, nil
	}
	if !strings.EqualFold(u.Scheme, PolarisScheme) {
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
