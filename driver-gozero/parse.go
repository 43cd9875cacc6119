package gozero

import (
	"errors"
	"strconv"
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes:
//
//	etcd://h1:2379,h2:2379/a/b/key/pkg.Svc/M  → etcd://h1:2379,h2:2379/a/b/key, /pkg.Svc/M
//	etcd:///h1:2379,h2:2379?key=k/pkg.Svc/M   → etcd:///h1:2379,h2:2379?key=k, /pkg.Svc/M
//	discov://h:2379/key/pkg.Svc/M?user=u&pass=p → discov://h:2379/key?user=u&pass=p, /pkg.Svc/M
//	direct:///a:1,b:2/pkg.Svc/M               → direct:///a:1,b:2, /pkg.Svc/M
//	k8s://ns/svc:8080/pkg.Svc/M               → k8s://ns/svc:8080, /pkg.Svc/M
//	127.0.0.1:8080/pkg.Svc/M                  → 127.0.0.1:8080, /pkg.Svc/M
//
// The second form is what go-zero's RpcClientConf.BuildTarget() returns, with
// the method appended. dtm calls ParseServerMethod on every branch call with
// the few URLs its transactions name, so a validated split is cached (a map
// lookup afterwards), and the first parse of the common forms works on
// substrings without allocating. dtm panics when it cannot dial a server, so
// a URL this driver's resolvers would not resolve is an error, which quotes
// the URL with secrets redacted.
func (d *Driver) ParseServerMethod(uri string) (server, method string, err error) {
	server, method, err = d.parsed.Parse(uri, parseServerMethod)
	return server, method, kit.DriverError(Name, err)
}

// parseServerMethod is ParseServerMethod without the cache.
func parseServerMethod(uri string) (server, method string, err error) {
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	switch u.Scheme {
	case "": // host:port/pkg.Svc/M, dialled directly as by dtm's default driver
	case EtcdScheme, DiscovScheme:
		err = checkEtcdServer(uri, u)
	case DirectScheme:
		err = checkDirectServer(uri, u)
	case K8sScheme:
		if !k8sEnabled {
			return "", "", checkPluginServer(uri, u)
		}
		err = checkK8sServer(uri, u)
	default: // a registry plug-in's scheme, or an error naming the schemes served
		err = checkPluginServer(uri, u)
	}
	if err != nil {
		return "", "", err
	}
	return u.Server, u.Method, nil
}

// checkEtcdServer checks the hosts and the key of an etcd or discov server.
// A query beyond "key=" (credentials, TLS) or userinfo takes the full parse.
func checkEtcdServer(uri string, u kit.BranchURL) error {
	hosts, key := u.Authority, u.Endpoint
	if hosts == "" { // BuildTarget form: hosts are the path, the key is in the query
		hosts, key = u.Endpoint, ""
		if strings.IndexByte(hosts, '/') >= 0 {
			return kit.NewURLError(uri, "in etcd:///hosts?key=key the key belongs in the query", nil)
		}
		if strings.HasPrefix(u.Query, "key=") && strings.IndexByte(u.Query, '&') < 0 {
			key = u.Query[len("key="):]
		} else if u.Query != "" {
			return checkEtcdTarget(uri, u.Server)
		}
	} else if u.Query != "" || strings.IndexByte(hosts, '@') >= 0 {
		return checkEtcdTarget(uri, u.Server)
	}
	if hosts == "" {
		return kit.NewURLError(uri, "no etcd hosts", nil)
	}
	if key == "" {
		return kit.NewURLError(uri, "no key: "+etcdForms, nil)
	}
	return checkHostList(uri, hosts, "bad etcd host")
}

// checkEtcdTarget is the allocating path, for servers with a query or
// credentials: parse them as RegisterGrpcService does. Its errors quote the
// whole branch URL, not just the server.
func checkEtcdTarget(uri, server string) error {
	_, err := parseEtcdTarget(server)
	var ue *kit.URLError
	if errors.As(err, &ue) {
		return kit.NewURLError(uri, ue.Reason, ue.Err)
	}
	return err
}

// checkDirectServer checks direct:///host:port[,host:port...]; go-zero reads
// the addresses from the path, so an authority would be ignored.
func checkDirectServer(uri string, u kit.BranchURL) error {
	if u.Authority != "" || u.Endpoint == "" || u.Query != "" || strings.IndexByte(u.Endpoint, '/') >= 0 {
		return kit.NewURLError(uri, "want direct:///host:port[,host:port...]/pkg.Service/Method", nil)
	}
	return checkHostList(uri, u.Endpoint, "bad address")
}

// checkK8sServer checks k8s://namespace/service[:port] (or k8s:///service,
// in the default namespace), as go-zero's k8s resolver parses it.
func checkK8sServer(uri string, u kit.BranchURL) error {
	const form = "want k8s://namespace/service:port/pkg.Service/Method"
	svc := u.Endpoint
	if svc == "" || u.Query != "" || strings.ContainsAny(svc, "/,") {
		return kit.NewURLError(uri, form, nil)
	}
	name, port, hasPort := strings.Cut(svc, ":")
	if name == "" {
		return kit.NewURLError(uri, form, nil)
	}
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return kit.NewURLError(uri, "bad port: "+form, nil)
		}
	}
	return nil
}

// checkHostList checks a comma-separated list of host:port.
func checkHostList(uri, hosts, reason string) error {
	if err := kit.ValidateHostList(hosts); err != nil {
		return kit.NewURLError(uri, reason, err)
	}
	return nil
}
