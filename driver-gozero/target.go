package gozero

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// etcdForms is quoted in errors so users see what would have worked.
const etcdForms = "want etcd://h1:2379,h2:2379/key or etcd:///h1:2379,h2:2379?key=key (or discov://), " +
	"optionally with user, pass (or passwordFile), certFile, certKeyFile, caFile, insecureSkipVerify in the query"

// parseEtcdTarget parses an etcd or discov target in either of go-zero's
// forms and checks what go-zero needs beyond kit.ParseEtcdTarget: its TLS
// registry loads a client certificate, a key and a CA, its account registry
// wants a user and a password, and it ignores anything else in the query, so
// an unknown (likely misspelt) parameter is an error rather than a silent
// no-op.
func parseEtcdTarget(target string) (kit.EtcdTarget, error) {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok || scheme != EtcdScheme && scheme != DiscovScheme {
		return kit.EtcdTarget{}, kit.NewURLError(target, etcdForms, nil)
	}
	if hosts, ok := strings.CutPrefix(rest, "/"); ok {
		// BuildTarget form: go-zero reads the whole path as hosts, so a
		// key there would silently become part of a host name.
		if path, _, _ := strings.Cut(hosts, "?"); strings.Contains(path, "/") {
			return kit.EtcdTarget{}, kit.NewURLError(target, "in etcd:///hosts?key=key the key belongs in the query", nil)
		}
	}
	if name := emptyParam(target); name != "" {
		return kit.EtcdTarget{}, kit.NewURLError(target, "query parameter "+name+
			" has no value (a \"/\" in a query value can read as the start of the method: escape it as %2F)", nil)
	}
	t, err := kit.ParseEtcdTarget(target)
	if err != nil {
		return t, err
	}
	if len(t.Query) > 0 {
		return t, kit.NewURLError(target, "unknown query parameter "+kit.QueryNames(t.Query)+"; "+etcdForms, nil)
	}
	if t.User != "" && !t.Pass.IsSet() && t.PassFile == "" {
		return t, kit.NewURLError(target, "user needs pass or passwordFile (go-zero authenticates with both)", nil)
	}
	if f := t.TLS; f.Enabled && (f.CertFile == "" || f.KeyFile == "" || f.CAFile == "") {
		return t, kit.NewURLError(target, "TLS needs certFile, certKeyFile and caFile (go-zero loads all three)", nil)
	}
	return t, nil
}

// emptyParam returns the name of the first query parameter of target that
// has no value. A branch URL whose query holds an unescaped file path
// ("caFile=/etc/ca.pem") can split inside that path, leaving such a
// parameter and a method made of the path's last segments.
func emptyParam(target string) string {
	_, rawQuery, _ := strings.Cut(target, "?")
	for rawQuery != "" {
		var param string
		param, rawQuery, _ = strings.Cut(rawQuery, "&")
		if name, value, _ := strings.Cut(param, "="); name != "" && value == "" {
			return name
		}
	}
	return ""
}

// hasSecurityQuery reports whether a raw query holds anything but the key,
// that is, parameters that parseEtcdTarget must look at.
func hasSecurityQuery(rawQuery string) bool {
	for rawQuery != "" {
		var param string
		param, rawQuery, _ = strings.Cut(rawQuery, "&")
		if param != "" && !strings.HasPrefix(param, "key=") {
			return true
		}
	}
	return false
}
