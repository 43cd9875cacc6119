package conformance

import (
	"context"
	"slices"
)

// ResolverStates is a driver's resolver for one service, built as grpc
// builds it when dtm dials the service's branch URL, and the addresses it
// has reported: for a driver's own subtests on what its resolver sees,
// beside the calls that reach instances.
type ResolverStates struct {
	rec   *stateRecorder
	next  int // the position Await looks from
	close func()
}

// WatchService builds the driver's resolver of the service's branch URL
// (Harness.ServiceURL). Close it.
func (e *Env) WatchService(service string) (*ResolverStates, error) {
	rec, stop, err := e.watchService(service)
	if err != nil {
		return nil, err
	}
	return &ResolverStates{rec: rec, close: stop}, nil
}

// Await waits until the resolver reports a state whose addresses, sorted,
// satisfy cond, looking only at states reported after the one the last
// Await returned. Its error says what was awaited and the last state seen.
func (s *ResolverStates) Await(ctx context.Context, what string, cond func(addrs []string) bool) error {
	_, at, err := s.rec.awaitAt(ctx, s.next, what, func(addrs []string) bool {
		addrs = slices.Clone(addrs)
		slices.Sort(addrs)
		return cond(addrs)
	})
	if err == nil {
		s.next = at + 1
	}
	return err
}

// Last returns the addresses of the last state reported, sorted, and
// whether there was one.
func (s *ResolverStates) Last() ([]string, bool) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	if len(s.rec.states) == 0 {
		return nil, false
	}
	addrs := slices.Clone(s.rec.states[len(s.rec.states)-1].addrs)
	slices.Sort(addrs)
	return addrs, true
}

// Close closes the resolver.
func (s *ResolverStates) Close() { s.close() }
