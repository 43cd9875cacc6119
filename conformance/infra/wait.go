package infra

import (
	"context"
	"fmt"
	"time"
)

// WaitFor polls cond every few milliseconds until it holds or timeout passes,
// and then returns an error naming what was awaited.
func WaitFor(timeout time.Duration, what string, cond func() bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return WaitForContext(ctx, what, cond)
}

// WaitForContext is WaitFor with the deadline of ctx.
func WaitForContext(ctx context.Context, what string, cond func() bool) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}
