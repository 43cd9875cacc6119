package infra

import (
	"context"
	"sync"
)

// Each calls f for every item from up to workers goroutines, stops handing
// out items after the first error or once ctx ends, and returns that error
// or ctx's.
func Each[T any](ctx context.Context, items []T, workers int, f func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	next := make(chan T)
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				if err := f(it); err != nil {
					fail(err)
				}
			}
		}()
	}
feed:
	for _, it := range items {
		select {
		case next <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
