package kit

import (
	"fmt"
	"strings"
)

// DriverError prefixes err with a driver's name ("dtm-driver-x: ..."), so
// that dtm's log says which driver failed. Drivers apply it where an error
// leaves them: the Driver methods dtm calls, resolver Build, and errors
// reported to a grpc connection. It returns nil for nil, and err itself
// when it already starts with the prefix.
func DriverError(name string, err error) error {
	if err == nil || strings.HasPrefix(err.Error(), name+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
