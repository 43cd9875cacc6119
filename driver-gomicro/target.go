package gomicrodriver

import (
	"errors"
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// branchForms is quoted in errors so users see what would have worked.
const branchForms = "want gomicro://<etcd hosts>/<service>/pkg.Service/Method " +
	"(or host:port/pkg.Service/Method)"

// targetForms is quoted in errors about RegisterGrpcService's target.
const targetForms = "want gomicro://<etcd hosts>/<service>"

// targetParams are the query parameters of a gomicro target, which
// kit.ParseEtcdTarget consumes.
const targetParams = "user, pass (or passwordFile), tls, caFile, certFile, certKeyFile, insecureSkipVerify"

// parseTarget parses a gomicro target, hosts and service, in either form
// kit.ParseEtcdTarget accepts, and rejects unknown parameters so that a
// misspelt credential does not go unnoticed. Errors quote input, of which
// raw is a part (a branch URL and its server).
func parseTarget(input, raw string) (kit.EtcdTarget, error) {
	if rest, ok := strings.CutPrefix(raw, Scheme+":///"); ok && !strings.Contains(rest, "key=") {
		return kit.EtcdTarget{}, kit.NewURLError(input, "no etcd hosts: "+targetForms, nil)
	}
	t, err := kit.ParseEtcdTarget(raw)
	if err != nil {
		var ue *kit.URLError
		if errors.As(err, &ue) {
			return t, kit.NewURLError(input, ue.Reason+": "+targetForms, ue.Err)
		}
		return t, kit.NewURLError(input, targetForms, err)
	}
	if t.Scheme != Scheme {
		return t, kit.NewURLError(input, targetForms, nil)
	}
	if len(t.Query) > 0 {
		// an unknown name may be a misspelt password: quote no value
		quoted, _, _ := strings.Cut(input, "?")
		return t, kit.NewURLError(quoted+"?"+kit.Redacted, "unknown parameter "+kit.QueryNames(t.Query)+
			" (values not shown); want "+targetParams, nil)
	}
	return t, nil
}
