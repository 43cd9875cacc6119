package consul

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Forms is quoted in errors so users see what would have worked.
const Forms = "want consul://[user:password@]host:port/service" +
	"[?wait=14s&tag=...&token=...&dc=...]"

// Target is a parsed consul:// target: the agent, the identity and the
// service, with the query options of zero-contrib's consul resolver.
type Target struct {
	// Addr is the agent's HTTP API host:port.
	Addr string
	// User and Pass are HTTP basic auth credentials, for an agent behind a
	// proxy that wants them.
	User string
	Pass kit.Secret
	// Token is the ACL token (the token parameter, else the environment's
	// CONSUL_HTTP_TOKEN, as consul's api client reads it).
	Token kit.Secret
	// Service is the consul service name.
	Service string
	// Tag restricts resolution to instances with this tag.
	Tag string
	// Wait is the blocking queries' wait time; 0 is consul's default (5m).
	Wait time.Duration
	// Timeout bounds each request beyond Wait; 0 is DefaultTimeout.
	Timeout time.Duration
	// MaxBackoff caps the delay between failed queries; 0 is one second.
	MaxBackoff time.Duration
	// Dc, AllowStale and RequireConsistent are passed to the queries as
	// zero-contrib's resolver passes them; Limit keeps that many of the
	// addresses, sorted. Near is accepted for zero-contrib's URLs: it
	// orders consul's answer, and the resolver sorts the addresses anyway.
	Dc, Near          string
	Limit             int
	AllowStale        bool
	RequireConsistent bool
	// TLS speaks https to the agent (tls=true, or CONSUL_HTTP_SSL=true as
	// consul's api client reads it); Insecure skips verifying its
	// certificate.
	TLS, Insecure bool
	// TTL is the TTL of dtm's registration check; 0 is the flavor's.
	TTL time.Duration
}

// DefaultTimeout bounds a request to the agent, beyond a blocking query's
// wait.
const DefaultTimeout = 10 * time.Second

// ParseTarget parses scheme://[user:password@]host:port/service?params in
// the forms of zero-contrib's consul resolver (wait, timeout, max-backoff,
// tag, near, limit, healthy, insecure, token, dc, allow-stale,
// require-consistent) and of upstream dtmdriver-gozero v0.0.7 (no query).
// Two more parameters are this collection's: tls (https to the agent) and
// ttl (of dtm's registration check). Names are matched without regard to
// case; an unknown one is an error, so that a misspelt one is not silently
// ignored. Errors quote target with its secrets redacted.
func ParseTarget(scheme, target string) (Target, error) {
	bad := func(reason string) (Target, error) { return Target{}, kit.NewURLError(target, reason, nil) }
	rest, ok := strings.CutPrefix(target, scheme+"://")
	if !ok {
		return bad(Forms)
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	authority, service, _ := strings.Cut(rest, "/")
	t := Target{Service: service}
	user, pass, authority, reason := kit.SplitUserinfo(authority)
	if reason != "" {
		return bad(reason)
	}
	t.User, t.Pass = user, pass
	if authority == "" {
		return bad("no consul agent: " + Forms)
	}
	if err := kit.ValidateHostPort(authority); err != nil {
		return Target{}, kit.NewURLError(target, "consul agent must be host:port (its HTTP API, 8500 by default)", err)
	}
	t.Addr = authority
	if t.Service == "" || strings.ContainsAny(t.Service, "/") {
		return bad("the service must be one path segment: " + Forms)
	}
	if s, err := url.PathUnescape(t.Service); err != nil || s != t.Service {
		return bad("the service name must not be escaped")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return bad("malformed query")
	}
	if err := t.takeQuery(q); err != nil {
		return Target{}, kit.NewURLError(target, err.Error(), nil)
	}
	if !t.Token.IsSet() {
		if tok := os.Getenv("CONSUL_HTTP_TOKEN"); tok != "" {
			t.Token = kit.NewSecret(tok)
		}
	}
	if ssl, err := strconv.ParseBool(os.Getenv("CONSUL_HTTP_SSL")); err == nil && ssl {
		t.TLS = true
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
		case "wait":
			t.Wait, err = parseDuration(name, v)
		case "timeout":
			t.Timeout, err = parseDuration(name, v)
		case "max-backoff", "maxbackoff":
			t.MaxBackoff, err = parseDuration(name, v)
		case "ttl":
			t.TTL, err = parseSeconds(name, v)
		case "tag":
			t.Tag = v
		case "near":
			t.Near = v
		case "dc":
			t.Dc = v
		case "limit":
			t.Limit, err = strconv.Atoi(v)
			if err != nil || t.Limit < 0 {
				err = fmt.Errorf("%s must be a whole number", name)
			}
		case "healthy":
			// zero-contrib lists critical instances unless healthy=true;
			// dtm calls passing instances only, always
			_, err = parseBool(name, v)
		case "insecure":
			t.Insecure, err = parseBool(name, v)
		case "tls":
			t.TLS, err = parseBool(name, v)
		case "allow-stale", "allowstale":
			t.AllowStale, err = parseBool(name, v)
		case "require-consistent", "requireconsistent":
			t.RequireConsistent, err = parseBool(name, v)
		case "token":
			t.Token = kit.NewSecret(v)
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

// parseDuration reads a duration such as 14s, as zero-contrib's mapping does.
func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s must be a duration such as 14s", name)
	}
	return d, nil
}

// parseSeconds reads a duration, or whole seconds as zero-contrib's
// Conf.TTL.
func parseSeconds(name, v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d >= time.Second {
		return d, nil
	}
	return 0, fmt.Errorf("%s must be whole seconds or a duration of at least 1s", name)
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false", name)
	}
	return b, nil
}

// String shows the target without its secrets.
func (t Target) String() string {
	who := ""
	if t.User != "" {
		who = " as user " + strconv.Quote(t.User)
	}
	if t.Token.IsSet() {
		who += " with an ACL token"
	}
	tag := ""
	if t.Tag != "" {
		tag = " tagged " + strconv.Quote(t.Tag)
	}
	return fmt.Sprintf("service %q%s on consul %s%s", t.Service, tag, t.Addr, who)
}
