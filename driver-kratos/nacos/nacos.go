// Package nacos adds the nacos:// scheme to dtm-driver-kratos: blank-import
// it beside the driver, and dtm resolves kratos services registered in nacos
// through kratos' nacos registry (contrib/registry/nacos), and registers
// itself there as a kratos server does.
//
//	import (
//		_ "github.com/dtmkit/drivers/driver-kratos"
//		_ "github.com/dtmkit/drivers/driver-kratos/nacos"
//	)
//
// Targets and branch servers name the nacos server and the kratos service:
//
//	nacos://[user:password@]host:port[,host:port...]/<service>[?params]
//
// <service> is the kratos app's name ("helloworld"), or the nacos service
// kratos registers its gRPC endpoint under and kratos clients dial
// ("helloworld.grpc", discovery:///helloworld.grpc): both resolve the nacos
// service <name>.grpc, in the group and clusters the query names (kratos'
// registry uses DEFAULT_GROUP and the cluster DEFAULT). The parameters are
// those of the go-zero plug-in: namespaceid, groupName, clusters, timeout,
// appName, notLoadCacheAtStart, logLevel, logDir, cacheDir. A branch URL
// appends the gRPC method, after the service or after the query.
//
// dtm registers, under MicroService.Target nacos://host:port/dtmservice, an
// ephemeral instance of dtmservice.grpc in the cluster DEFAULT with kratos'
// metadata (kind grpc), as kratos.App registers a server: kratos clients
// using kratos' nacos discovery find it at discovery:///dtmservice.grpc. The
// driver's Close deregisters it and waits until nacos no longer lists it.
//
// The resolver is this collection's, on nacos-sdk-go v2 (see
// github.com/dtmkit/drivers/kit/nacos), shared with the go-zero plug-in.
package nacos

import (
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/nacos-group/nacos-sdk-go/v2/model"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit"
	kitnacos "github.com/dtmkit/drivers/kit/nacos"
)

// Scheme is the URL scheme this package adds.
const Scheme = "nacos"

// Kratos' nacos registry: each endpoint of an app is an instance of the
// nacos service <app name>.<endpoint scheme>, in this cluster, with the
// endpoint's scheme as the metadata kind.
const (
	grpcSuffix    = ".grpc"
	kratosCluster = "DEFAULT"
	kindKey       = "kind"
)

// flavor: kratos services are resolved under <name>.grpc, at the instance's
// ip:port (kratos reads no gRPC_port metadata).
var flavor = &kitnacos.Flavor{
	Scheme:      Scheme,
	Driver:      kratosdriver.Name,
	Package:     "github.com/dtmkit/drivers/driver-kratos/nacos",
	ServiceName: ServiceName,
	Addr:        instanceAddr,
	Metadata:    func(string) map[string]string { return map[string]string{kindKey: "grpc", "version": ""} },
	Cluster:     kratosCluster,
}

func init() {
	r := flavor.Registry()
	register := r.Register
	r.Register = func(target, endpoint string) (func() error, error) {
		hostPort, err := grpcEndpoint(endpoint)
		if err != nil {
			return nil, err
		}
		revoke, err := register(target, hostPort)
		var ue *kit.URLError
		if errors.As(err, &ue) && ue.URL == kit.Redact(hostPort) {
			// the endpoint's error: quote it as the user wrote it
			err = kit.NewURLError(endpoint, ue.Reason, ue.Err)
		}
		return revoke, err
	}
	kratosdriver.AddRegistry(r)
}

// ServiceName is the nacos service a URL's service names: <name>.grpc, as
// kratos' registry registers the gRPC endpoint of the app <name>; a name
// that ends in .grpc already is kept.
func ServiceName(service string) string {
	if strings.HasSuffix(service, grpcSuffix) {
		return service
	}
	return service + grpcSuffix
}

// instanceAddr is ip:port of a gRPC instance; an instance whose metadata
// says another kind is skipped.
func instanceAddr(in model.Instance) string {
	if kind, ok := in.Metadata[kindKey]; ok && kind != "grpc" {
		return ""
	}
	return net.JoinHostPort(in.Ip, strconv.FormatUint(in.Port, 10))
}

// grpcEndpoint reads dtm's EndPoint, host:port or kratos' grpc://host:port,
// as the host:port to register.
func grpcEndpoint(endpoint string) (string, error) {
	const form = "EndPoint must be host:port or grpc://host:port: dtm registers its plain gRPC endpoint in nacos"
	hostPort := endpoint
	if scheme, rest, ok := strings.Cut(endpoint, "://"); ok {
		if scheme != "grpc" {
			return "", kit.NewURLError(endpoint, form, nil)
		}
		hostPort = rest
	}
	if strings.ContainsAny(hostPort, ",/?") {
		return "", kit.NewURLError(endpoint, form, nil)
	}
	return hostPort, nil
}
