// Package nacos adds the nacos:// scheme to dtm-driver-gozero: blank-import
// it beside the driver, and dtm resolves go-zero services registered in
// nacos (as zero-contrib's nacos registry registers zrpc servers) and
// registers itself there.
//
//	import (
//		_ "github.com/dtmkit/drivers/driver-gozero"
//		_ "github.com/dtmkit/drivers/driver-gozero/nacos"
//	)
//
// Targets and branch servers take the forms of zero-contrib's nacos
// resolver and of upstream dtmdriver-gozero v0.0.7:
//
//	nacos://[user:password@]host:port[,host:port...]/service[?params]
//
// with namespaceid (or namespaceId), groupName, clusters, timeout (a
// duration, or milliseconds; timeoutMs too), appName, notLoadCacheAtStart,
// updateCacheWhenEmpty, logLevel, logDir and cacheDir. A branch URL appends
// the gRPC method, after the service or after the query. dtm registers as
// an ephemeral instance of the service, which nacos keeps while the
// client's connection lives, and the driver's Close deregisters it.
//
// The resolver is this collection's, on nacos-sdk-go v2 (see
// github.com/dtmkit/drivers/kit/nacos), not zero-contrib's: it serves a
// second dial of a target at once, shares and closes its naming clients,
// and keeps the SDK's cache and log files out of the working directory.
package nacos

import (
	"github.com/zeromicro/go-zero/core/logx"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	kitnacos "github.com/dtmkit/drivers/kit/nacos"
)

// Scheme is the URL scheme this package adds.
const Scheme = "nacos"

// flavor: go-zero services are registered under the name clients write,
// at ip:port (or the gRPC_port of their metadata, as zero-contrib reads it).
var flavor = &kitnacos.Flavor{
	Scheme:  Scheme,
	Driver:  gozero.Name,
	Package: "github.com/dtmkit/drivers/driver-gozero/nacos",
	Log:     func(msg string) { logx.Error(msg) },
}

func init() {
	gozero.AddRegistry(flavor.Registry())
}
