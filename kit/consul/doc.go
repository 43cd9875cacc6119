// Package consul is what the consul plug-ins of the drivers share: a grpc
// resolver that follows a service's passing instances through one watch per
// agent (see agentWatch), the parsing of consul:// targets, and dtm's
// registration as a service with a TTL check it keeps passing. A driver's
// plug-in package (driver-gozero/consul, driver-kratos/consul) describes its
// framework in a Flavor (how instances are addressed and how a service of
// the framework registers) and adds Flavor.Registry to its driver.
//
// It speaks consul's HTTP API with net/http rather than through
// github.com/hashicorp/consul/api, which would bring its requirements
// (go-hclog, serf, go-metrics, ...) to every program using the plug-in; a
// module of its own so that kit, and every driver, stays free of it and of
// its grpc floor.
package consul
