package kratosdriver

import (
	"net/url"
	"strings"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// The URL forms of upstream's kratos clients that are not kratos' own.
//
// etcd:// is where upstream's kratos clients dial dtm,
// etcd://<etcd hosts>/dtmservice: dtmdriver-kratos v0.0.8 and v0.0.9 resolved
// it in every process, through kratos' etcd registry. Here it means exactly
// discovery://<etcd hosts>/<service>, for dtm's address and for branches.
// go-zero's etcd:///<etcd hosts>?key=<service>, which RegisterGrpcService
// takes as a target, resolves too, so a client may dial dtm at
// MicroService.Target as written. etcd:///<service> names no cluster.

// consul:// (dtmdriver-kratos v0.0.5 to v0.0.9 resolved it in every process)
// is served by the plug-in driver-kratos/consul. grpc would dial an unknown
// scheme's URL as an address and fail with "too many colons in address", so
// in a program without the plug-in (or a consul resolver of its own) a
// builder refuses it, naming the import.

// etcdForms is quoted when an etcd:// URL names no etcd hosts.
const etcdForms = "etcd:// names the etcd hosts: write etcd://<etcd hosts>/<service> " +
	"(or etcd:///<etcd hosts>?key=<service>); for the registry dtm registered in, write discovery:///<service>"

// etcdBuilder resolves etcd:// targets as discoveryBuilder resolves
// discovery://<etcd hosts>/<service>.
type etcdBuilder struct{ d *Driver }

func (*etcdBuilder) Scheme() string { return EtcdScheme }

func (b *etcdBuilder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	raw := rawTarget(EtcdScheme, &target.URL)
	t, err := parseEtcdServer(raw, raw)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	s := b.d.session()
	r, err := s.startResolver(s.etcdSource(t, raw), cc)
	return r, kit.DriverError(Name, err)
}

// consulScheme is the scheme of upstream's consul registry.
const consulScheme = "consul"

// refuseConsul refuses consul:// targets, naming what to write.
type refuseConsul struct{}

func (refuseConsul) Scheme() string { return consulScheme }

func (refuseConsul) Build(target resolver.Target, _ resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	return nil, kit.NewURLError(rawTarget(consulScheme, &target.URL), Name+" does not serve consul:// "+
		"without its plug-in: blank-import \""+registries.Known[consulScheme]+"\" (or register the service in etcd "+
		"through kratos' etcd registry and write discovery://<etcd hosts>/<service>)", nil)
}

// registerUpstreamForms registers the etcd resolver and, when the program
// has no consul resolver, the refusal of consul://.
func (d *Driver) registerUpstreamForms() {
	resolver.Register(kit.WithRoundRobin(&etcdBuilder{d: d}))
	if resolver.Get(consulScheme) == nil {
		resolver.Register(refuseConsul{})
	}
}

// parseEtcdServer parses an etcd:// server; errors quote input, the branch
// URL or target that holds it.
func parseEtcdServer(input, server string) (kit.EtcdTarget, error) {
	if strings.HasPrefix(server, EtcdScheme+":///") && !strings.Contains(server, "key=") {
		return kit.EtcdTarget{}, kit.NewURLError(input, etcdForms, nil)
	}
	return parseEtcdTarget(input, server, EtcdScheme)
}

// rawTarget rebuilds the target grpc parsed, unescaped, for parsing and
// quoting.
func rawTarget(scheme string, u *url.URL) string {
	raw := scheme + "://"
	if u.User != nil {
		raw += u.User.String() + "@"
	}
	raw += u.Host + u.Path
	if u.RawQuery != "" {
		raw += "?" + u.RawQuery
	}
	return raw
}
