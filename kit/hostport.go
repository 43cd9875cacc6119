package kit

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// ValidateHostPort checks that s is "host:port" with a non-empty host and a
// port from 1 to 65535. Its errors quote s redacted.
func ValidateHostPort(s string) error {
	if err := validateHostPort(s); err != nil {
		return fmt.Errorf("%q %s", Redact(s), err)
	}
	return nil
}

func validateHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return errNotHostPort
	}
	if host == "" {
		return errNoHost
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errBadPort
	}
	return nil
}

var (
	errNotHostPort = errors.New("is not host:port")
	errNoHost      = errors.New("has no host")
	errBadPort     = errors.New("has no valid port (1-65535)")
)
