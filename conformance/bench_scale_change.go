package conformance

import (
	"context"
	"slices"
	"time"
)

// change makes one registry write and returns the time from just before it
// to the first state of rec, reported after the write began, that cond
// accepts (see seenAfter).
func change(ctx context.Context, rec *stateRecorder, what string, write func() error, cond func([]string) bool) (took time.Duration, seen bool, err error) {
	from := rec.mark()
	start := time.Now()
	if err := write(); err != nil {
		return 0, false, err
	}
	return seenAfter(ctx, rec, from, start, what, cond)
}

// seenAfter waits for the first state of rec, from position from, that cond
// accepts, and returns the time from start to its arrival. A change not
// seen within changeTimeout of start is no error: it returns changeTimeout,
// not seen, for the benchmark to report (a registry may not publish it).
func seenAfter(ctx context.Context, rec *stateRecorder, from int, start time.Time, what string, cond func([]string) bool) (took time.Duration, seen bool, err error) {
	wctx, cancel := context.WithDeadline(ctx, start.Add(changeTimeout))
	defer cancel()
	at, err := rec.await(wctx, from, what, cond)
	switch {
	case err == nil:
		return at.Sub(start), true, nil
	case ctx.Err() == nil: // the change's own deadline
		return changeTimeout, false, nil
	default:
		return 0, false, err
	}
}

// changeTimeout bounds the wait for one change to reach the resolver's
// state.
const changeTimeout = 12 * time.Second

// has, lacks and hasAll are conditions on a state's addresses.
func has(addr string) func([]string) bool {
	return func(s []string) bool { return slices.Contains(s, addr) }
}

func lacks(addr string) func([]string) bool {
	return func(s []string) bool { return !slices.Contains(s, addr) }
}

func hasAll(addrs []string) func([]string) bool {
	return func(s []string) bool {
		if len(s) < len(addrs) {
			return false
		}
		in := make(map[string]bool, len(s))
		for _, a := range s {
			in[a] = true
		}
		for _, a := range addrs {
			if !in[a] {
				return false
			}
		}
		return true
	}
}
