package kit_test

import (
	"errors"
	"testing"

	"github.com/dtmkit/drivers/kit"
)

// TestShared checks that a key is opened once while held, closed after its
// last release only, opened anew after that, and that a failed open keeps
// nothing.
func TestShared(t *testing.T) {
	var s kit.Shared[string, *int]
	opened, closed := 0, 0
	open := func() (*int, error) { opened++; n := opened; return &n, nil }
	closeIt := func(*int) { closed++ }

	a, _ := s.Acquire("k", open)
	b, _ := s.Acquire("k", open)
	if a != b || opened != 1 {
		t.Fatalf("two holds of one key opened %d values", opened)
	}
	s.Release("k", closeIt)
	if closed != 0 {
		t.Fatal("closed while still held")
	}
	s.Release("k", closeIt)
	if closed != 1 {
		t.Fatalf("closed %d times after the last release, want 1", closed)
	}
	if c, _ := s.Acquire("k", open); c == a || opened != 2 {
		t.Error("a key acquired after its last release was not opened anew")
	}

	boom := errors.New("registry down")
	if _, err := s.Acquire("bad", func() (*int, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("Acquire = %v, want the open error", err)
	}
	if c, err := s.Acquire("bad", open); err != nil || c == nil {
		t.Errorf("a key whose open failed was kept: %v %v", c, err)
	}
}
