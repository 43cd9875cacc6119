package nacos

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Forms is quoted in errors so users see what would have worked.
const Forms = "want nacos://[user:password@]host:port[,host:port...]/service" +
	"[?namespaceid=...&groupName=...&clusters=...&timeout=...]"

// defaultTimeout is nacos-sdk-go's request timeout unless the target says
// otherwise: upstream dtmdriver-gozero's 5000 ms.
const defaultTimeout = 5 * time.Second

// Target is a parsed nacos:// target: the servers, the identity, and the
// service with its group and clusters.
type Target struct {
	// Hosts are the nacos servers' host:port, as written.
	Hosts []string
	User  string
	Pass  kit.Secret
	// Service is the service name as written in the URL.
	Service string
	// Namespace is the namespace ID, "public" when not given.
	Namespace string
	// Group is the service's group, "" for nacos' DEFAULT_GROUP.
	Group string
	// Clusters restricts resolution to these clusters; the first is the
	// cluster dtm registers in.
	Clusters []string
	// Timeout is nacos-sdk-go's request timeout.
	Timeout time.Duration
	AppName string
	// LogDir and LogLevel ask for nacos-sdk-go's own log file; CacheDir for
	// its cache in a directory of the user's, loaded at start unless
	// NotLoadCacheAtStart.
	LogDir, LogLevel, CacheDir string
	NotLoadCacheAtStart        bool
}

// ParseTarget parses scheme://[user:password@]hosts/service?params in the
// forms of zero-contrib's nacos resolver (namespaceid, groupName, clusters,
// appName, timeout as a duration such as 5s, notLoadCacheAtStart,
// updateCacheWhenEmpty, logLevel, logDir, cacheDir) and of upstream
// dtmdriver-gozero v0.0.7's registration (namespaceId, timeoutMs,
// notLoadCacheAtStart, logLevel). Names are matched without regard to
// case. An unknown parameter is an error, so that a misspelt one is not
// silently ignored; errors quote target with its password redacted.
func ParseTarget(scheme, target string) (Target, error) {
	bad := func(reason string) (Target, error) { return Target{}, kit.NewURLError(target, reason, nil) }
	rest, ok := strings.CutPrefix(target, scheme+"://")
	if !ok {
		return bad(Forms)
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	authority, service, _ := strings.Cut(rest, "/")
	t := Target{Service: service, Namespace: "public", Timeout: defaultTimeout}
	user, pass, authority, reason := kit.SplitUserinfo(authority)
	if reason != "" {
		return bad(reason)
	}
	t.User, t.Pass = user, pass
	if authority == "" {
		return bad("no nacos server: " + Forms)
	}
	for _, h := range strings.Split(authority, ",") {
		if err := kit.ValidateHostPort(h); err != nil {
			return Target{}, kit.NewURLError(target, "nacos server must be host:port (nacos' HTTP port; gRPC is on port + 1000)", err)
		}
		t.Hosts = append(t.Hosts, h)
	}
	if t.Service == "" || strings.ContainsAny(t.Service, "/") {
		return bad("the service must be one path segment: " + Forms)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return bad("malformed query")
	}
	if err := t.takeQuery(q); err != nil {
		return Target{}, kit.NewURLError(target, err.Error(), nil)
	}
	return t, nil
}

// takeQuery applies the query parameters.
func (t *Target) takeQuery(q url.Values) error {
	var unknown []string
	for name, values := range q {
		v := values[len(values)-1]
		var err error
		switch strings.ToLower(name) {
		case "namespaceid", "namespace":
			if v != "" {
				t.Namespace = v
			}
		case "groupname", "group":
			t.Group = v
		case "clusters", "cluster", "clustername":
			t.Clusters = nil
			for _, c := range strings.Split(v, ",") {
				if c != "" {
					t.Clusters = append(t.Clusters, c)
				}
			}
		case "timeout":
			t.Timeout, err = parseTimeout(name, v, false)
		case "timeoutms":
			t.Timeout, err = parseTimeout(name, v, true)
		case "appname":
			t.AppName = v
		case "notloadcacheatstart":
			t.NotLoadCacheAtStart, err = parseBool(name, v)
		case "updatecachewhenempty":
			// always on: dtm must learn that a service lost its last
			// instance; accepted for zero-contrib's URLs
			_, err = parseBool(name, v)
		case "loglevel":
			switch v {
			case "debug", "info", "warn", "error":
				t.LogLevel = v
			default:
				err = fmt.Errorf("%s must be debug, info, warn or error", name)
			}
		case "logdir":
			t.LogDir = v
		case "cachedir":
			t.CacheDir = v
		default:
			unknown = append(unknown, name)
		}
		if err != nil {
			return err
		}
	}
	if len(unknown) > 0 {
		u := url.Values{}
		for _, n := range unknown {
			u[n] = nil
		}
		return fmt.Errorf("unknown query parameter %s; %s", kit.QueryNames(u), Forms)
	}
	return nil
}

// parseTimeout reads a duration ("5s", "5000ms"), or a whole number of
// milliseconds: timeoutMs always, and timeout when it has no unit.
// zero-contrib passed its duration's nanoseconds as milliseconds.
func parseTimeout(name, v string, ms bool) (time.Duration, error) {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil && n > 0 {
		return time.Duration(n) * time.Millisecond, nil
	}
	if !ms {
		if d, err := time.ParseDuration(v); err == nil && d >= time.Millisecond {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%s must be a positive duration such as 5s, or milliseconds", name)
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false", name)
	}
	return b, nil
}

// servers returns the host and port of each server.
func (t Target) servers() (hosts []string, ports []uint64) {
	for _, h := range t.Hosts {
		host, port, _ := net.SplitHostPort(h)
		p, _ := strconv.ParseUint(port, 10, 16)
		hosts, ports = append(hosts, host), append(ports, p)
	}
	return hosts, ports
}

// clientKey identifies the settings of a naming client: targets with the
// same key share one. The password is part of it, never shown.
func (t Target) clientKey() string {
	return strings.Join([]string{strings.Join(t.Hosts, ","), t.Namespace, t.User, t.Pass.Reveal(),
		t.Timeout.String(), t.AppName, t.LogDir, t.LogLevel, t.CacheDir, strconv.FormatBool(t.NotLoadCacheAtStart)}, "\x00")
}

// String shows the target without its password.
func (t Target) String() string {
	who := ""
	if t.User != "" {
		who = " as user " + strconv.Quote(t.User)
	}
	group := t.Group
	if group == "" {
		group = "DEFAULT_GROUP"
	}
	return fmt.Sprintf("service %q (group %s, namespace %s) on nacos %s%s", t.Service, group, t.Namespace, strings.Join(t.Hosts, ","), who)
}
