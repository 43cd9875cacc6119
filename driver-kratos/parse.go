package kratosdriver

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes. dtm calls it on every branch call with the few URLs its
// transactions name, so validated splits are cached and a repeated URL costs
// a map lookup. It rejects every server the resolvers would refuse, since
// dtm panics when a dial fails.
func (d *Driver) ParseServerMethod(uri string) (server, method string, err error) {
	server, method, err = d.parsed.Parse(uri, d.parseServerMethod)
	return server, method, kit.DriverError(Name, err)
}

// parseServerMethod is ParseServerMethod without the cache: the common forms
// are checked on substrings without allocating.
func (d *Driver) parseServerMethod(uri string) (server, method string, err error) {
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	switch u.Scheme {
	case "": // plain host:port/pkg.Svc/M, as dtm's default driver
	case DiscoveryScheme:
		err = d.checkDiscovery(uri, u)
	case EtcdScheme: // as discovery://<etcd hosts>, see etcdBuilder
		_, err = parseEtcdServer(uri, u.Server)
	case DirectScheme:
		err = checkDirect(uri, u)
	default: // a registry plug-in's scheme, or an error naming the schemes served
		err = registries.CheckServer(uri, u, ownSchemes)
	}
	if err != nil {
		return "", "", err
	}
	return u.Server, u.Method, nil
}

// checkDiscovery accepts what discoveryBuilder resolves.
func (d *Driver) checkDiscovery(uri string, u kit.BranchURL) error {
	if u.Endpoint == "" {
		return kit.NewURLError(uri, "no service name: "+branchForms, nil)
	}
	if u.Authority == "" {
		if u.Query != "" {
			return kit.NewURLError(uri, "discovery:///<service> takes no query: credentials belong to "+
				"RegisterGrpcService's target, or write discovery://<etcd hosts>/<service>?...", nil)
		}
		if !d.hasHome.Load() {
			return kit.NewURLError(uri, "no registry", errNoHome)
		}
		return nil
	}
	if u.Query != "" || strings.IndexByte(u.Authority, '@') >= 0 {
		// credentials or TLS: check them as the resolver will
		_, err := parseEtcdTarget(uri, u.Server, DiscoveryScheme)
		return err
	}
	if err := kit.ValidateHostList(u.Authority); err != nil {
		return kit.NewURLError(uri, "the authority of discovery:// must be the etcd hosts, "+
			"or empty for the registry dtm registered in (discovery:///<service>)", err)
	}
	return nil
}

// checkDirect accepts what kratos' direct resolver dials: addresses in the
// path; it ignores the authority.
func checkDirect(uri string, u kit.BranchURL) error {
	if u.Query != "" {
		return kit.NewURLError(uri, "direct:// takes no query", nil)
	}
	if u.Endpoint == "" {
		return kit.NewURLError(uri, "direct:///<host:port,...> puts the addresses in the path", nil)
	}
	if err := kit.ValidateHostList(u.Endpoint); err != nil {
		return kit.NewURLError(uri, "bad address", err)
	}
	return nil
}
