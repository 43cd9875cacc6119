package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dtmkit/drivers/kit"
)

// dtmConf is the part of dtm v1.19.0's configuration (dtmsvr/config) that
// concerns its driver.
type dtmConf struct {
	MicroService struct {
		Driver   string `yaml:"Driver"`
		Target   string `yaml:"Target"`
		EndPoint string `yaml:"EndPoint"`
	} `yaml:"MicroService"`
	HTTPPort int64 `yaml:"HttpPort"`
	GrpcPort int64 `yaml:"GrpcPort"`
}

// dtm reads each setting from the environment, then from the file, which
// wins where it sets the value (config.MustLoadConfig).
var confEnv = map[string]func(c *dtmConf) *string{
	"MICRO_SERVICE_DRIVER":    func(c *dtmConf) *string { return &c.MicroService.Driver },
	"MICRO_SERVICE_TARGET":    func(c *dtmConf) *string { return &c.MicroService.Target },
	"MICRO_SERVICE_END_POINT": func(c *dtmConf) *string { return &c.MicroService.EndPoint },
}

// dtmProbeMethod is appended to a Target to split it with the driver's
// ParseServerMethod: clients dial dtm at the Target with this method.
const dtmProbeMethod = "/dtmgimp.Dtm/NewGid"

// checkConf checks what dtm does with its configuration at start:
// dtmdriver.Use(MicroService.Driver), then
// RegisterService(MicroService.Target, MicroService.EndPoint); either
// failing stops dtm.
func checkConf(o options) *Report {
	rep := &Report{Check: "conf", Input: o.conf}
	c, ok := readConf(rep, o.conf)
	if !ok {
		return rep.finish("")
	}
	ms := c.MicroService
	if ms.Driver == "" || ms.Driver == "default" {
		s := rep.add("driver", statusWarn, "dtm's default driver: no registration, and branch URLs must be host:port/pkg.Service/Method")
		s.Fix = "to use a registry, set MicroService.Driver to one of " + driverNames()
		return rep.finish("dtm starts with its default driver")
	}
	info := lookupDriver(ms.Driver)
	if info == nil || info.name != ms.Driver {
		fix := "set MicroService.Driver to one of " + driverNames()
		if c := closestDriver(ms.Driver); c != "" {
			fix = "did you mean " + c + "? Set MicroService.Driver to a bundled driver's exact name, or build your dtm server with " + ms.Driver + " blank-imported"
		}
		rep.fail("driver", fmt.Sprintf("%q is not built into this dtm server (github.com/dtmkit/drivers/cmd/dtm links %s): dtm would exit at start with \"no dtm driver with name: %s has been registered\"",
			ms.Driver, driverNames(), ms.Driver), fix)
		return rep.finish("")
	}
	rep.Driver = info.name
	rep.add("driver", statusOK, info.name+" is bundled")
	d, closeDriver := selectDriver(rep, info)
	if d == nil {
		return rep.finish("")
	}
	defer closeDriver()
	if ms.Target == "" {
		rep.add("target", statusWarn, "no MicroService.Target: dtm registers nowhere, so clients must dial it at host:port")
		return rep.finish(info.name + " starts without registering")
	}
	var formErr error
	if info.targetForm != nil {
		formErr = info.targetForm(ms.Target, ms.EndPoint)
	} else {
		_, _, formErr = safeParse(d, ms.Target+dtmProbeMethod)
		if formErr == nil {
			formErr = endpointForm(ms.EndPoint)
		}
	}
	if formErr != nil {
		rep.fail("target", formErr.Error(), "dtm would exit at start: write Target and EndPoint in the form the error names (samples: cmd/dtm/conf/*.yml)")
		return rep.finish("")
	}
	rep.add("target", statusOK, "Target "+ms.Target+" parses")
	endpointStep(rep, c)
	if info.targetRegistry != nil {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
		summary, fix, err := info.targetRegistry(ctx, ms.Target)
		cancel()
		if err != nil {
			rep.fail("registry", err.Error(), "dtm would exit at start, failing to register: "+fix).timed(start, o.timeout)
		} else {
			rep.add("registry", statusOK, summary).timed(start, o.timeout)
		}
	}
	return rep.finish(fmt.Sprintf("dtm would start with %s and register %s at %s", info.name, ms.EndPoint, ms.Target))
}

// readConf reads the file as dtm does: the environment first, then the
// file.
func readConf(rep *Report, path string) (dtmConf, bool) {
	var c dtmConf
	for name, field := range confEnv {
		if v := os.Getenv(name); v != "" {
			*field(&c) = v
		}
	}
	c.HTTPPort, c.GrpcPort = 36789, 36790
	b, err := os.ReadFile(path)
	if err != nil {
		rep.fail("conf", "read "+path+": "+kit.Redact(err.Error()), "give -c the path of dtm's configuration file")
		return c, false
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		rep.fail("conf", "not YAML dtm can read: "+kit.Redact(err.Error()), "fix the YAML at the line the error names (dtm would exit at start)")
		return c, false
	}
	s := rep.add("conf", statusOK, "read "+path)
	for name := range confEnv {
		if os.Getenv(name) != "" {
			s.detail("$%s is set: the file's value wins where it has one", name)
		}
	}
	return c, true
}

// endpointForm checks that EndPoint is host:port.
func endpointForm(endpoint string) error {
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return kit.NewURLError(endpoint, "EndPoint must be host:port, the address dtm's gRPC server is reached at", err)
	}
	return nil
}

// endpointStep checks EndPoint against the ports dtm listens on.
func endpointStep(rep *Report, c dtmConf) {
	ep := c.MicroService.EndPoint
	host, port, err := net.SplitHostPort(ep)
	if err != nil {
		rep.add("endpoint", statusOK, "EndPoint "+ep)
		return
	}
	p, _ := strconv.ParseInt(port, 10, 64)
	switch {
	case p == c.HTTPPort:
		rep.fail("endpoint", fmt.Sprintf("EndPoint %s is dtm's HTTP port (HttpPort %d): gRPC clients would fail", ep, c.HTTPPort),
			fmt.Sprintf("register dtm's gRPC port: EndPoint %s", net.JoinHostPort(host, strconv.FormatInt(c.GrpcPort, 10))))
	case p != c.GrpcPort:
		s := rep.add("endpoint", statusWarn, fmt.Sprintf("EndPoint %s is not dtm's GrpcPort %d", ep, c.GrpcPort))
		s.detail("fine behind a proxy or port mapping that forwards to it")
	case host == "0.0.0.0" || host == "::" || strings.EqualFold(host, "localhost") || strings.HasPrefix(host, "127."):
		s := rep.add("endpoint", statusWarn, "EndPoint "+ep+" is reachable from dtm's own host only")
		s.detail("clients on other hosts need an address they can reach")
	default:
		rep.add("endpoint", statusOK, "EndPoint "+ep+" is dtm's gRPC port")
	}
}
