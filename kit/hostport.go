package kit

import (
	"fmt"
	"net"
	"strconv"
)

// ValidateHostPort checks that s is "host:port" with a non-empty host and a
// port from 1 to 65535.
func ValidateHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port", s)
	}
	if host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q has no valid port", s)
	}
	return nil
}
