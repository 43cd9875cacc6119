package protocol1

import (
	"errors"
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// acceptedForms is quoted in errors so users see what would have worked.
const acceptedForms = "want protocol1://host:port[,host:port...] or host:port/pkg.Service/Method"

var errNotProtocol1 = errors.New(acceptedForms)

// splitTarget checks "protocol1://h1:p1,h2:p2" and returns its addresses as
// one comma-separated substring. Its errors do not quote target: callers wrap
// them with the input they were given.
func splitTarget(target string) (string, error) {
	hosts, ok := strings.CutPrefix(target, Protocol1Scheme+"://")
	if !ok || hosts == "" || strings.ContainsAny(hosts, "/?#") {
		return "", errNotProtocol1
	}
	if err := kit.ValidateHostList(hosts); err != nil {
		return "", err
	}
	return hosts, nil
}

// parseTarget is splitTarget with errors that quote target, redacted.
func parseTarget(target string) (string, error) {
	hosts, err := splitTarget(target)
	if err != nil {
		return "", kit.NewURLError(target, "bad protocol1 target", err)
	}
	return hosts, nil
}
