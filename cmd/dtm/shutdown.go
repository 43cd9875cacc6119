package main

import (
	"fmt"
	"io"
	"time"

	"github.com/dtm-labs/dtmdriver"
)

// driverCloseTimeout bounds the driver's Close at shutdown: a registry that
// does not answer must not keep dtm from exiting.
const driverCloseTimeout = 5 * time.Second

// closeDriver closes the selected driver, if it has a Close, so that a
// stopped dtm leaves the registry at once rather than when its lease or TTL
// runs out: clients stop resolving it before it is gone. Every driver here
// has one; dtmdriver's interface does not, so others are left as they are.
func closeDriver(timeout time.Duration) error {
	d := dtmdriver.GetDriver()
	c, ok := d.(io.Closer)
	if !ok {
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("close %s: %w", d.GetName(), err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("close %s: not done after %s", d.GetName(), timeout)
	}
}
