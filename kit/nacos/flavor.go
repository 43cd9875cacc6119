package nacos

import (
	"net"
	"strconv"
	"strings"

	"github.com/nacos-group/nacos-sdk-go/v2/model"

	"github.com/dtmkit/drivers/kit"
)

// Flavor is how one framework names and addresses its services in nacos.
type Flavor struct {
	// Scheme is the URL scheme served, "nacos".
	Scheme string
	// Driver is the driver's name, which prefixes errors.
	Driver string
	// Package is the plug-in's import path.
	Package string
	// ServiceName maps the service of a URL to its nacos service name;
	// nil keeps it.
	ServiceName func(service string) string
	// Addr returns the address dtm dials for an instance, "" to skip it;
	// nil is InstanceAddr.
	Addr func(model.Instance) string
	// Metadata is the metadata of dtm's own instance; nil is none.
	Metadata func(endpoint string) map[string]string
	// Cluster is the cluster dtm registers in when the target names no
	// clusters; "" leaves it to nacos (its DEFAULT). A framework whose
	// clients watch a named cluster sets it, so that they find dtm
	// whatever the server makes of "".
	Cluster string
	// Log receives the SDK's warnings and errors, redacted; nil drops
	// them.
	Log func(msg string)
}

// Registry is the kit.Registry of the flavor, for the driver's AddRegistry.
func (f *Flavor) Registry() kit.Registry {
	return kit.Registry{
		Scheme:      f.Scheme,
		Package:     f.Package,
		Builder:     &builder{f: f},
		CheckServer: f.checkServer,
		Register:    f.register,
	}
}

// InstanceAddr is ip:port of an instance, or ip:<gRPC_port> when its
// metadata names one, as zero-contrib's resolver reads it.
func InstanceAddr(in model.Instance) string {
	if p := in.Metadata["gRPC_port"]; p != "" {
		return net.JoinHostPort(in.Ip, p)
	}
	return net.JoinHostPort(in.Ip, strconv.FormatUint(in.Port, 10))
}

func (f *Flavor) serviceName(service string) string {
	if f.ServiceName == nil {
		return service
	}
	return f.ServiceName(service)
}

// describe shows t for errors, with the nacos service the flavor looks up
// (kratos' helloworld.grpc for helloworld).
func (f *Flavor) describe(t Target) string {
	t.Service = f.serviceName(t.Service)
	return t.String()
}

func (f *Flavor) addr(in model.Instance) string {
	if f.Addr == nil {
		return InstanceAddr(in)
	}
	return f.Addr(in)
}

// checkServer checks a branch URL's server as the resolver will parse it;
// errors quote the whole URL.
func (f *Flavor) checkServer(uri string, u kit.BranchURL) error {
	_, err := ParseTarget(f.Scheme, u.Server)
	if ue, ok := err.(*kit.URLError); ok {
		return kit.NewURLError(uri, ue.Reason, ue.Err)
	}
	return err
}

// hostsAndUser names the servers and the user in errors, never the password.
func (t Target) hostsAndUser() string {
	s := strings.Join(t.Hosts, ",")
	if t.User != "" {
		s += " as user " + strconv.Quote(t.User)
	}
	return s
}
