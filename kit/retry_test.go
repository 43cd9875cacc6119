package kit

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRetryBacksOffAndResets checks the waits between attempts: doubling up
// to Max while attempts fail, back to Min after one that made progress, and
// that every failure is reported and the loop ends with its context.
func TestRetryBacksOffAndResets(t *testing.T) {
	const unit = 20 * time.Millisecond
	b := Backoff{Min: unit, Max: 4 * unit}
	// attempts 1-4 fail, 5 makes progress, 6 fails, then the context ends
	progress := []bool{false, false, false, false, true, false}
	var starts []time.Time
	var reported []error
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Retry(ctx, func(context.Context) (bool, error) {
			starts = append(starts, time.Now())
			n := len(starts)
			if n == len(progress)+1 {
				cancel()
				return false, errors.New("not reported: the context is done")
			}
			return progress[n-1], errors.New("failed")
		}, func(err error) { reported = append(reported, err) })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Retry did not return after its context ended")
	}
	if len(reported) != len(progress) {
		t.Fatalf("reported %d errors, want %d: %v", len(reported), len(progress), reported)
	}
	// waits before attempts 2..7: Min, 2Min, 4Min, Max (capped), then Min
	// after the progress of attempt 5, then 2Min
	want := []time.Duration{unit, 2 * unit, 4 * unit, 4 * unit, unit, 2 * unit}
	for i, w := range want {
		got := starts[i+1].Sub(starts[i])
		if got < w || got > w+15*unit {
			t.Errorf("wait before attempt %d: %v, want %v", i+2, got, w)
		}
	}
}

// TestRetryStopsWhileWaiting checks that ending the context ends a wait at
// once, even a long one.
func TestRetryStopsWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	attempted := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Backoff{Min: time.Hour, Max: time.Hour}.Retry(ctx, func(context.Context) (bool, error) {
			attempted <- struct{}{}
			return false, nil
		}, func(err error) { t.Errorf("reported %v for an attempt without error", err) })
	}()
	<-attempted
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Retry kept waiting after its context ended")
	}
}
