package kit

import "strings"

// ValidateHostList checks that s is a comma-separated list of "host:port",
// each as ValidateHostPort checks it. Its error quotes the first bad entry,
// redacted; callers wrap it with the whole input. It does not allocate when
// s is valid, since drivers call it on the first parse of every branch URL.
func ValidateHostList(s string) error {
	for rest, more := s, true; more; {
		var h string
		h, rest, more = strings.Cut(rest, ",")
		if err := ValidateHostPort(h); err != nil {
			return err
		}
	}
	return nil
}
