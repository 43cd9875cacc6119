package gozero

import "github.com/dtmkit/drivers/kit"

// registries are the registry plug-ins added to this driver, by scheme.
// Known names the plug-ins this collection has, so that their scheme in a
// build without them is an error naming the import.
var registries = kit.Registries{Known: map[string]string{
	"consul": "github.com/dtmkit/drivers/driver-gozero/consul",
	"nacos":  "github.com/dtmkit/drivers/driver-gozero/nacos",
}}

// AddRegistry adds a registry plug-in: its scheme is then resolved, checked
// by ParseServerMethod and accepted by RegisterGrpcService as a target, and
// the registrations it makes are revoked by Close. A plug-in package calls
// it from its init, so that a blank import is all a program needs, as with
// database/sql drivers. It panics if r is incomplete or its scheme is
// served already, by a plug-in or by the driver itself.
func AddRegistry(r kit.Registry) {
	for _, own := range []string{EtcdScheme, DiscovScheme, DirectScheme, K8sScheme} {
		if r.Scheme == own {
			panic(Name + ": AddRegistry: scheme " + own + " is the driver's own")
		}
	}
	registries.Add(r)
}

// registerPlugins registers the plug-ins' resolvers with grpc, with the
// round_robin policy the driver's own resolvers give.
func registerPlugins() {
	registries.RegisterResolvers(kit.WithRoundRobin)
}

// checkPluginServer checks a branch URL whose scheme is not the driver's own.
func checkPluginServer(uri string, u kit.BranchURL) error {
	return registries.CheckServer(uri, u, schemeList)
}

// registerInPlugin registers endpoint through the plug-in serving target's
// scheme and keeps the revoke for Close; handled is false for the driver's
// own schemes (see kit.Registries.Register).
func (d *Driver) registerInPlugin(target, endpoint string) (handled bool, err error) {
	revoke, handled, err := registries.Register(target, endpoint)
	if handled && err == nil {
		d.revocations.Add(revoke)
	}
	return handled, err
}
