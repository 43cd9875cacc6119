package gomicrodriver

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes. dtm calls it on every branch call with the few URLs its
// transactions name, so validated splits are cached and a repeated URL costs
// a map lookup. It rejects every server the resolver would refuse, since
// dtm panics when a dial fails.
func (d *Driver) ParseServerMethod(uri string) (server, method string, err error) {
	server, method, err = d.parsed.Parse(uri, parseServerMethod)
	return server, method, kit.DriverError(Name, err)
}

// parseServerMethod is ParseServerMethod without the cache: the common form
// is checked on substrings without allocating.
func parseServerMethod(uri string) (server, method string, err error) {
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	switch u.Scheme {
	case "": // plain host:port/pkg.Svc/M, as dtm's default driver
	case Scheme:
		err = checkServer(uri, u)
	default:
		err = kit.NewURLError(uri, "scheme "+u.Scheme+" is not served by "+Name+": "+branchForms, nil)
	}
	if err != nil {
		return "", "", err
	}
	return u.Server, u.Method, nil
}

// checkServer accepts what the resolver resolves.
func checkServer(uri string, u kit.BranchURL) error {
	if u.Query != "" || u.Authority == "" || strings.IndexByte(u.Authority, '@') >= 0 {
		// credentials, TLS, go-zero's form or no hosts: check as the resolver will
		_, err := parseTarget(uri, u.Server)
		return err
	}
	if u.Endpoint == "" {
		return kit.NewURLError(uri, "no service: "+branchForms, nil)
	}
	if err := kit.ValidateHostList(u.Authority); err != nil {
		return kit.NewURLError(uri, "the authority of gomicro:// must be the etcd hosts", err)
	}
	return nil
}
