// Package nacos is what the nacos plug-ins of the drivers share: a grpc
// resolver on nacos-sdk-go v2, the parsing of nacos:// targets, and dtm's
// registration as an ephemeral instance. A driver's plug-in package
// (driver-gozero/nacos, driver-kratos/nacos) describes its framework in a
// Flavor (how instances are named and addressed) and adds Flavor.Registry
// to its driver.
//
// It is a module of its own so that kit, and every driver, stays free of
// the nacos client and its requirements.
//
// Unlike zero-contrib's nacos resolver, a second dial of the same target
// gets the instances at once (it reads the client's cache after
// subscribing rather than waiting for a change), clients are shared per
// server and identity and shut down with their last user, the SDK writes
// neither its cache nor its log into the working directory, and the
// timeout is read as a duration or as milliseconds.
package nacos
