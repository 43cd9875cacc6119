package kit

import (
	"context"
	"time"
)

// Backoff spaces the attempts of a resolver at reading and watching its
// registry: Min after an attempt that made progress, doubling up to Max
// while attempts fail without any.
type Backoff struct {
	Min, Max time.Duration
}

// RegistryBackoff is the drivers' backoff: short at first, as a registry's
// restarts and leader elections are, then every 5 s while it stays down.
var RegistryBackoff = Backoff{Min: 100 * time.Millisecond, Max: 5 * time.Second}

// Retry calls attempt until ctx is done. After each attempt it passes the
// attempt's error, if any, to report, unless ctx is done, then waits: Min
// after an attempt that made progress (say, read the registry before its
// watch broke), otherwise twice the previous wait, up to Max. So a watch
// that breaks after hours is resumed at once, and a registry that stays
// down is not hammered.
func (b Backoff) Retry(ctx context.Context, attempt func(context.Context) (progressed bool, err error), report func(error)) {
	delay := b.Min
	for ctx.Err() == nil {
		progressed, err := attempt(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			report(err)
		}
		if progressed {
			delay = b.Min
		}
		if !Sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, b.Max)
	}
}
