package kit

import (
	"net/url"
	"sort"
	"strings"
)

// QueryNames returns the parameter names of q, sorted and comma-separated,
// for an error about parameters a driver does not know. It names no value:
// an unknown name may be a misspelt password.
func QueryNames(q url.Values) string {
	names := make([]string, 0, len(q))
	for n := range q {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
