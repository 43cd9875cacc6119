package kratosdriver

import (
	"errors"
	"net/url"
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// branchForms is quoted in errors so users see what would have worked.
const branchForms = "want discovery://<etcd hosts>/<service>, discovery:///<service> or " +
	"direct:///<host:port,...>, then /pkg.Service/Method"

// targetParams are the query parameters of an etcd target, upstream's names
// first; kit.ParseEtcdTarget consumes them.
const targetParams = "user, pass (or passwordFile), tls, caPath, certPath, certKeyPath"

// errNoHome explains discovery:///<service> in a process that registered
// nothing, typically a client.
var errNoHome = errors.New("discovery:///<service> resolves in the etcd registry this process registered in " +
	"with RegisterGrpcService (MicroService.Target in dtm), and there is none: " +
	"write discovery://<etcd hosts>/<service> instead")

// parseEtcdTarget parses an etcd target of one of the given schemes, in
// either form kit.ParseEtcdTarget accepts, and rejects unknown parameters so
// that a misspelt credential does not go unnoticed. Errors quote input, of
// which raw is a part (a branch URL and its server).
func parseEtcdTarget(input, raw string, schemes ...string) (kit.EtcdTarget, error) {
	t, err := kit.ParseEtcdTarget(raw)
	if err != nil {
		var ue *kit.URLError
		if errors.As(err, &ue) {
			return t, kit.NewURLError(input, ue.Reason, ue.Err)
		}
		return t, kit.NewURLError(input, "bad etcd target", err)
	}
	known := false
	for _, s := range schemes {
		known = known || t.Scheme == s
	}
	if !known {
		return t, kit.NewURLError(input, "want "+strings.Join(schemes, ":// or ")+"://<etcd hosts>/<service>", nil)
	}
	if len(t.Query) > 0 {
		// an unknown name may be a misspelt password: quote no value
		quoted, _, _ := strings.Cut(input, "?")
		return t, kit.NewURLError(quoted+"?"+kit.Redacted, "unknown parameter "+kit.QueryNames(t.Query)+
			" (values not shown); want "+targetParams, nil)
	}
	return t, nil
}

// instanceEndpoints turns dtm's EndPoint into kratos endpoints. It accepts
// "host:port" (served as grpc://host:port), kratos' own "grpc://host:port",
// and a comma-separated list that may add grpcs, http or https endpoints.
// It also returns the host:port of the grpc endpoint, which the driver dials
// and which names the instance.
func instanceEndpoints(endpoint string) (endpoints []string, grpcAddr string, err error) {
	const forms = "EndPoint must be host:port or grpc://host:port[,more kratos endpoints]"
	if endpoint == "" {
		return nil, "", kit.NewURLError(endpoint, forms, nil)
	}
	for _, e := range strings.Split(endpoint, ",") {
		if !strings.Contains(e, "://") {
			e = "grpc://" + e
		}
		scheme, hostPort, _ := strings.Cut(e, "://")
		hostPort, query, _ := strings.Cut(hostPort, "?")
		switch scheme {
		case "grpc", "grpcs", "http", "https":
		default:
			return nil, "", kit.NewURLError(endpoint, forms+": unknown scheme "+scheme, nil)
		}
		if err := kit.ValidateHostPort(hostPort); err != nil {
			return nil, "", kit.NewURLError(endpoint, forms, err)
		}
		if _, err := url.ParseQuery(query); err != nil {
			return nil, "", kit.NewURLError(endpoint, forms+": malformed query", nil)
		}
		if scheme == "grpc" && grpcAddr == "" && !strings.Contains(query, "isSecure=true") {
			grpcAddr = hostPort
		}
		endpoints = append(endpoints, e)
	}
	if grpcAddr == "" {
		return nil, "", kit.NewURLError(endpoint, forms+": dtm needs a plain grpc endpoint", nil)
	}
	return endpoints, grpcAddr, nil
}
