package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dtm-labs/dtmdriver"

	"github.com/dtmkit/drivers/kit"
)

// maxInstances bounds how many instances check dials.
const maxInstances = 16

// checkURL runs the steps dtm runs on a branch call: select the driver,
// split the URL, resolve the server, dial each instance, find the method.
func checkURL(o options) *Report {
	rep := &Report{Check: "url", Input: kit.Redact(o.url)}
	info := chooseDriver(rep, o)
	if info == nil {
		return rep.finish("")
	}
	d, closeDriver := selectDriver(rep, info)
	if d == nil {
		return rep.finish("")
	}
	defer closeDriver()
	server, method, ok := splitStep(rep, info, d, o.url)
	if !ok {
		return rep.finish("")
	}
	view := registryStep(rep, info, server, o.timeout)
	if rep.failed() != nil {
		// the registry dtm's resolver reads cannot be read, or holds
		// nothing for the service: the resolver would find nothing either
		return rep.finish("")
	}
	addrs, ok := resolveStep(rep, server, view, o.timeout)
	if !ok {
		return rep.finish("")
	}
	probes := connectStep(rep, addrs, method, o)
	defer func() {
		for _, p := range probes {
			if p.conn != nil {
				_ = p.conn.Close()
			}
		}
	}()
	if rep.failed() != nil {
		return rep.finish("")
	}
	found := methodStep(rep, method, probes, o)
	return rep.finish(fmt.Sprintf("dtm reaches %s on %d of %d instances", method, found, len(probes)))
}

// chooseDriver picks the driver from -driver or from the URL's scheme.
func chooseDriver(rep *Report, o options) *driverInfo {
	if o.driver != "" {
		info := lookupDriver(o.driver)
		if info == nil {
			fix := "name one of the bundled drivers: " + driverNames()
			if c := closestDriver(o.driver); c != "" {
				fix = "did you mean " + c + "? The bundled drivers are " + driverNames()
			}
			rep.fail("driver", fmt.Sprintf("%q is not a driver this dtmkit bundles", o.driver), fix)
			return nil
		}
		rep.Driver = info.name
		return info
	}
	scheme, _, hasScheme := strings.Cut(o.url, "://")
	if !hasScheme || strings.ContainsAny(scheme, "/?") {
		// host:port/pkg.Svc/M: every driver dials it directly
		info := lookupDriver("protocol1")
		if info == nil {
			info = sortedDrivers()[0]
		}
		rep.Driver = info.name
		rep.add("driver", statusOK, info.name+" (the URL names no scheme: every driver dials host:port directly)")
		return info
	}
	serving := driversServing(scheme)
	switch len(serving) {
	case 0:
		rep.fail("driver", fmt.Sprintf("no bundled driver serves %s:// URLs", scheme),
			"pass -driver with the driver your dtm server is configured with, or write a scheme one of them serves ("+schemeList()+")")
		return nil
	case 1:
		rep.Driver = serving[0].name
		return serving[0]
	}
	var names []string
	for _, d := range serving {
		names = append(names, d.name)
	}
	rep.fail("driver", fmt.Sprintf("%s:// is served by %s, which read different registry formats", scheme, strings.Join(names, " and ")),
		"pass -driver with the MicroService.Driver of your dtm server's conf.yml")
	return nil
}

func schemeList() string {
	var parts []string
	for _, d := range sortedDrivers() {
		parts = append(parts, d.name+": "+strings.Join(d.schemes, ", "))
	}
	return strings.Join(parts, "; ")
}

// selectDriver selects the driver as dtm does (dtmdriver.Use), which
// registers its resolvers; the returned func closes it.
func selectDriver(rep *Report, info *driverInfo) (dtmdriver.Driver, func()) {
	cleanup := func() {}
	if info.prepare != nil {
		cleanup = info.prepare()
	}
	if err := dtmdriver.Use(info.name); err != nil {
		cleanup()
		rep.fail("driver", "select "+info.name+": "+err.Error(), "run one check per process")
		return nil, nil
	}
	d := dtmdriver.GetDriver()
	if len(rep.Steps) == 0 {
		rep.add("driver", statusOK, info.name)
	}
	return d, func() {
		if c, ok := d.(interface{ Close() error }); ok {
			_ = c.Close()
		}
		cleanup()
	}
}

// splitStep runs the driver's ParseServerMethod, as dtm does on every
// branch call.
func splitStep(rep *Report, info *driverInfo, d dtmdriver.Driver, uri string) (server, method string, ok bool) {
	server, method, err := safeParse(d, uri)
	if err != nil {
		fix := "write the URL in one of the forms the error names"
		if info.fix != nil {
			if f := info.fix(uri, err); f != "" {
				fix = f
			}
		}
		rep.fail("split", err.Error(), fix)
		return "", "", false
	}
	rep.Server, rep.Method = kit.Redact(server), kit.Redact(method)
	s := rep.add("split", statusOK, "server "+server+"  method "+method)
	if info.upstreamSplit != nil {
		us, um, uerr := info.upstreamSplit(uri)
		switch {
		case uerr != nil:
			s.Status = statusWarn
			s.detail("a dtm server built with upstream's %s (dtm's release binary) fails on it: %v; run the dtm server with these drivers (cmd/dtm)", info.name, uerr)
		case us != server || um != method:
			s.Status = statusWarn
			s.detail("a dtm server built with upstream's %s (dtm's release binary) splits it into server %s, method %s, and fails: run the dtm server with these drivers (cmd/dtm)", info.name, us, um)
		}
	}
	return server, method, true
}

// safeParse calls ParseServerMethod; a panic is reported as an error, so
// that check explains a driver that would crash dtm.
func safeParse(d dtmdriver.Driver, uri string) (server, method string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: ParseServerMethod panicked (dtm would crash): %v", d.GetName(), p)
		}
	}()
	server, method, err = d.ParseServerMethod(uri)
	if err == nil && (server == "" || !strings.HasPrefix(method, "/")) {
		err = fmt.Errorf("%s: ParseServerMethod returned server %q, method %q", d.GetName(), server, method)
	}
	return server, method, err
}

// registryStep reads the registry directly, where the driver's file says
// how, to show what dtm's resolver chooses from.
func registryStep(rep *Report, info *driverInfo, server string, timeout time.Duration) *registryView {
	if info.registry == nil {
		return nil
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	view := info.registry(ctx, server)
	if view == nil {
		return nil
	}
	if view.Err != nil {
		s := rep.fail("registry", view.Where+": "+view.Err.Error(), view.Fix).timed(start, timeout)
		_ = s
		return view
	}
	s := rep.add("registry", statusOK, fmt.Sprintf("%s: %d %s", view.Where, len(view.Entries), plural(len(view.Entries), "entry", "entries"))).timed(start, timeout)
	for _, e := range view.Entries {
		line := e.Addr
		if e.Key != "" {
			line = e.Key + " = " + line
		}
		if e.Weight != nil {
			line += fmt.Sprintf("  weight %d", *e.Weight)
		}
		if e.Healthy != nil {
			line += map[bool]string{true: "  healthy", false: "  UNHEALTHY"}[*e.Healthy]
		}
		if e.Isolated {
			line += "  ISOLATED"
		}
		if e.Note != "" {
			line += "  (" + e.Note + ")"
		}
		s.detail("%s", line)
	}
	if len(view.Entries) == 0 {
		s.Status = statusFail
		if meant := closest(keyOf(server), view.Known); meant != "" {
			s.Fix = redact(fmt.Sprintf("the registry holds %s: did you mean %s? Write the key (service name) your service registers under", listSome(view.Known), meant))
		} else if len(view.Known) > 0 {
			s.Fix = redact(fmt.Sprintf("no service is registered there under that name (the registry holds %s): start the service, or write the name it registers under", listSome(view.Known)))
		} else {
			s.Fix = "no service is registered there at all: start the service, and check that it registers in this registry"
		}
	}
	return view
}

// keyOf is the service part of a server string, for suggestions.
func keyOf(server string) string {
	_, rest, _ := strings.Cut(server, "://")
	if i := strings.Index(rest, "key="); i >= 0 {
		k, _, _ := strings.Cut(rest[i+4:], "&")
		return k
	}
	rest, _, _ = strings.Cut(rest, "?")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i+1:]
	}
	return rest
}

func listSome(names []string) string {
	const most = 8
	if len(names) > most {
		return strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}
	return strings.Join(names, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// resolveStep builds the driver's resolver for server, as grpc.Dial does in
// dtm, and lists the addresses it reports.
func resolveStep(rep *Report, server string, view *registryView, timeout time.Duration) ([]string, bool) {
	start := time.Now()
	res := resolve(server, timeout)
	if res.err != nil {
		rep.fail("resolve", res.err.Error(),
			"dtm would fail on every call: give -driver the driver your dtm server is configured with, one that serves this scheme").timed(start, timeout)
		return nil, false
	}
	for _, a := range res.addrs {
		rep.Instances = append(rep.Instances, &Instance{Addr: a, Resolved: true})
	}
	if view != nil {
		for _, e := range view.Entries {
			if !contains(res.addrs, e.Addr) {
				rep.Instances = append(rep.Instances, &Instance{Addr: e.Addr, Weight: e.Weight, Healthy: e.Healthy, Isolated: e.Isolated})
			} else {
				for _, in := range rep.Instances {
					if in.Addr == e.Addr {
						in.Weight, in.Healthy, in.Isolated = e.Weight, e.Healthy, e.Isolated
					}
				}
			}
		}
	}
	if len(res.addrs) == 0 {
		summary := "no instance"
		if res.scheme != "passthrough" {
			summary = fmt.Sprintf("the %s resolver lists no instance", res.scheme)
		}
		fix := "start an instance of the service, registered where the URL points"
		if view != nil && len(view.Entries) > 0 {
			summary += fmt.Sprintf(" (the registry holds %d, none usable)", len(view.Entries))
			fix = "no registered instance is healthy, enabled and weighted above 0: fix the instances' health checks or heartbeats, or un-isolate them"
		}
		if view != nil && len(view.Entries) == 0 && rep.failed() != nil {
			fix = rep.failed().Fix
		}
		s := rep.fail("resolve", summary, fix).timed(start, timeout)
		for _, e := range res.errs {
			s.detail("resolver: %s", e)
		}
		return nil, false
	}
	summary := fmt.Sprintf("%d %s: %s", len(res.addrs), plural(len(res.addrs), "instance", "instances"), strings.Join(res.addrs, ", "))
	if res.policy != "" {
		summary += ", balanced " + res.policy
	}
	s := rep.add("resolve", statusOK, summary).timed(start, timeout)
	for _, e := range res.errs {
		s.detail("resolver: %s", e)
	}
	addrs := res.addrs
	if len(addrs) > maxInstances {
		s.detail("checking the first %d instances only", maxInstances)
		addrs = addrs[:maxInstances]
	}
	return addrs, true
}

// connectStep dials every instance at once, each bounded by the timeout,
// calling the method unless -probe=false.
func connectStep(rep *Report, addrs []string, method string, o options) []probe {
	start := time.Now()
	probes := make([]probe, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := method
			if !o.probe {
				m = ""
			}
			probes[i] = dialInstance(a, m, o.timeout)
		}()
	}
	wg.Wait()
	up := 0
	for _, p := range probes {
		if p.connected {
			up++
		}
		for _, in := range rep.Instances {
			if in.Addr == p.addr {
				in.Connect = "ok"
				if !p.connected {
					in.Connect = redact(p.connectErr)
				}
			}
		}
	}
	summary := fmt.Sprintf("%d of %d instances connect", up, len(probes))
	var s *Step
	if up == 0 {
		s = rep.fail("connect", summary, "dtm dials each instance without TLS at the address the registry gives: check that the service listens there, reachable from dtm's host, and serves plaintext gRPC")
	} else {
		s = rep.add("connect", statusOK, summary)
		if up < len(probes) {
			s.Status = statusWarn
		}
	}
	s.timed(start, o.timeout)
	for _, p := range probes {
		if p.connected {
			s.detail("%s  ok in %s", p.addr, roundDuration(p.took))
		} else {
			s.detail("%s  FAILED: %s", p.addr, p.connectErr)
		}
	}
	return probes
}

// methodStep tells whether the instances have the method: from the probe's
// answers, and from reflection or -proto to name the methods they do have.
func methodStep(rep *Report, method string, probes []probe, o options) int {
	found, missing := 0, 0
	var first *probe
	for i := range probes {
		p := &probes[i]
		if !p.connected {
			continue
		}
		if first == nil {
			first = p
		}
		switch p.method {
		case methodFound:
			found++
		case methodMissing:
			missing++
		}
		for _, in := range rep.Instances {
			if in.Addr == p.addr && p.method != "" {
				in.Method = p.method
			}
		}
	}
	known, source := knownMethods(first, o)
	if !o.probe {
		// without the probe, the method list is the only evidence
		switch {
		case known == nil:
			rep.fail("method", "not checked: -probe=false, the service has no server reflection and no -proto was given",
				"pass -proto with the service's .proto file, enable server reflection, or drop -probe=false")
			return 0
		case contains(known, method):
			rep.add("method", statusOK, method+" is declared ("+source+")")
			return countConnected(probes)
		}
		missing = 1
	}
	switch {
	case missing == 0 && found > 0:
		s := rep.add("method", statusOK, fmt.Sprintf("%s exists on %d of %d instances", method, found, len(probes)))
		if first != nil && first.answer != "" {
			s.detail("probe answer: %s", first.answer)
		}
		return found
	case missing == 0:
		rep.add("method", statusSkip, "no instance answered the probe")
		return 0
	}
	summary := fmt.Sprintf("%s does not exist on %d of %d instances", method, missing, len(probes))
	if first != nil && first.answer != "" && o.probe {
		summary += " (" + first.answer + ")"
	}
	fix, details := methodFix(method, known, source, first)
	s := rep.fail("method", summary, fix)
	s.Details = append(s.Details, details...)
	if found > 0 {
		s.detail("%d instances have it: they run different versions of the service", found)
	}
	return found
}

func countConnected(probes []probe) int {
	n := 0
	for _, p := range probes {
		if p.connected {
			n++
		}
	}
	return n
}

// knownMethods lists the methods the service has: by reflection on one
// instance, else from the -proto files.
func knownMethods(p *probe, o options) ([]string, string) {
	if p != nil && p.conn != nil {
		if m, ok, err := reflectMethods(p.conn, o.timeout); ok && err == nil && len(m) > 0 {
			return m, "server reflection on " + p.addr
		}
	}
	if len(o.protos) > 0 {
		m, err := protoMethods(o.protos)
		if err == nil {
			return m, "-proto " + strings.Join(o.protos, ", ")
		}
		return nil, err.Error()
	}
	return nil, ""
}

// methodFix says which method was meant and why, when the service's
// methods are known.
func methodFix(method string, known []string, source string, p *probe) (string, []string) {
	var details []string
	if known == nil {
		fix := "write the gRPC invoke path, /<proto package>.<Service>/<rpc name> as the .proto declares them (the FullMethodName constants of your *_grpc.pb.go), not Go names"
		if p != nil && p.unknownSvc {
			fix = "the server has no service of that name: " + fix
		}
		details = append(details, "pass -proto with the service's .proto file, or enable server reflection, to get the closest existing method")
		if source != "" {
			details = append(details, source)
		}
		return fix, details
	}
	details = append(details, "the service has ("+source+"): "+listSome(known))
	meant, why := methodSuggestion(method, known)
	if meant == "" {
		return "write one of the methods the service has (above), as /<proto package>.<Service>/<rpc name>", details
	}
	return "write " + meant + ": " + why, details
}
