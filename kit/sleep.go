package kit

import (
	"context"
	"time"
)

// Sleep waits d, or less if ctx ends first; it reports whether it waited
// the whole d. Retry loops use it so that closing stops them at once.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
