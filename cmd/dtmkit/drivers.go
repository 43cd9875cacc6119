package main

import (
	"context"
	"sort"
	"strings"
)

// driverInfo is what check knows of one driver besides what the driver
// itself does (its ParseServerMethod and its gRPC resolvers, which check
// runs as dtm does). A driver plugs in with one small file that blank-imports
// it and registers its driverInfo in an init; only name and schemes are
// required.
type driverInfo struct {
	// name is the dtm driver name (MicroService.Driver).
	name string
	// aliases are short names for -driver ("gozero").
	aliases []string
	// schemes are the URL schemes the driver serves, for choosing a driver
	// when -driver is not given.
	schemes []string
	// registry reads what the registry holds for a server string the
	// driver returned: where it looks and the entries there, with health
	// and weight where the registry has them, and, when it holds none, the
	// services it does hold. Optional.
	registry func(ctx context.Context, server string) *registryView
	// upstreamSplit is how the upstream driver of the same name (the one
	// dtm's release binary links) splits a URL, where it can differ from
	// ours. Optional.
	upstreamSplit func(uri string) (server, method string, err error)
	// targetForm checks the form of a dtm server's MicroService.Target and
	// EndPoint as RegisterService would, without registering. Optional:
	// without it, check splits the target with a method appended, by the
	// driver's ParseServerMethod, and checks that EndPoint is host:port.
	targetForm func(target, endpoint string) error
	// targetRegistry reads the registry a well-formed Target names, with
	// its credentials, and says what it found there. Optional.
	targetRegistry func(ctx context.Context, target string) (summary, fix string, err error)
	// prepare runs before the driver is selected, and the func it returns
	// after the driver is closed. Optional.
	prepare func() (cleanup func())
	// fix suggests a fix for an error of the driver's ParseServerMethod,
	// when it can say more than the error does. Optional.
	fix func(uri string, err error) string
}

// registryView is what a registry holds for one service.
type registryView struct {
	// Where names the registry and what is read in it ("etcd
	// 127.0.0.1:2379, keys trans.rpc/*"); redacted by the report.
	Where string
	// Entries are the instances the registry holds.
	Entries []registryEntry
	// Known are the other services the registry holds, when it holds no
	// entry for this one: candidates for a misspelt key.
	Known []string
	// Err is why the registry could not be read.
	Err error
	// Fix says what to change when Err is set.
	Fix string
}

// registryEntry is one instance as the registry holds it.
type registryEntry struct {
	Key      string
	Addr     string
	Weight   *int
	Healthy  *bool
	Isolated bool
	// Note says why the resolver would skip it, if it would.
	Note string
}

var drivers = map[string]*driverInfo{}

// register adds a driver; the per-driver files call it from init.
func register(d *driverInfo) { drivers[d.name] = d }

// lookupDriver finds a driver by name or alias, ignoring case.
func lookupDriver(name string) *driverInfo {
	for _, d := range drivers {
		if strings.EqualFold(d.name, name) {
			return d
		}
		for _, a := range d.aliases {
			if strings.EqualFold(a, name) {
				return d
			}
		}
	}
	return nil
}

// driversServing returns the drivers serving scheme, by name.
func driversServing(scheme string) []*driverInfo {
	var out []*driverInfo
	for _, d := range sortedDrivers() {
		for _, s := range d.schemes {
			if strings.EqualFold(s, scheme) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func sortedDrivers() []*driverInfo {
	out := make([]*driverInfo, 0, len(drivers))
	for _, d := range drivers {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// driverNames lists the drivers as "name (alias)".
func driverNames() string {
	var parts []string
	for _, d := range sortedDrivers() {
		p := d.name
		if len(d.aliases) > 0 {
			p += " (" + d.aliases[0] + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// closestDriver returns the bundled driver name closest to name.
func closestDriver(name string) string {
	var names []string
	for _, d := range drivers {
		names = append(names, d.name)
		names = append(names, d.aliases...)
	}
	best := closest(strings.ToLower(name), names)
	if d := lookupDriver(best); d != nil {
		return d.name
	}
	return ""
}
