package protocol1

import (
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// acceptedForms is quoted in errors so users see what would have worked.
const acceptedForms = "want protocol1://host:port[,host:port...] or host:port/pkg.Service/Method"

// parseTarget checks "protocol1://h1:p1,h2:p2" and returns its addresses
// as one comma-separated substring.
func parseTarget(target string) (string, error) {
	hosts, ok := strings.CutPrefix(target, Scheme+"://")
	if !ok {
		return "", kit.NewURLError(target, acceptedForms, nil)
	}
	if hosts == "" || strings.ContainsAny(hosts, "/?#") {
		return "", kit.NewURLError(target, acceptedForms, nil)
	}
	for rest, more := hosts, true; more; {
		var h string
		h, rest, more = strings.Cut(rest, ",")
		if err := kit.ValidateHostPort(h); err != nil {
			return "", kit.NewURLError(target, "bad address", err)
		}
	}
	return hosts, nil
}
