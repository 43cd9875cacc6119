package kit

import (
	"sync"

	"google.golang.org/grpc/resolver"
)

// Feed is the grpc side of a resolver that owns no goroutine: a registry
// watch shared by many resolvers computes states and gives each resolver's
// Feed the ones due to it, from whatever goroutine it runs on.
//
// A Feed orders what reaches the connection: a state numbered below one
// already given is dropped (two goroutines delivering at once cannot
// reorder them), and once Close has returned the connection hears nothing
// more, as grpc requires of a closed resolver.
type Feed struct {
	cc resolver.ClientConn

	mu     sync.Mutex // held while calling cc, so that Close waits for a call under way
	seq    uint64     // of the last state given
	closed bool
}

// NewFeed returns a Feed to cc.
func NewFeed(cc resolver.ClientConn) *Feed { return &Feed{cc: cc} }

// Deliver gives the connection state, numbered seq by the watch, unless it
// has had a state numbered seq or above or the Feed is closed. When the
// state has no address, the connection is also told why, empty's error, so
// that its calls fail saying so rather than waiting. It returns whether the
// state was given.
func (f *Feed) Deliver(seq uint64, state resolver.State, empty func() error) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || seq <= f.seq {
		return false
	}
	f.seq = seq
	_ = f.cc.UpdateState(state)
	if len(state.Addresses) == 0 {
		f.cc.ReportError(empty())
	}
	return true
}

// ReportError tells the connection why its state may be out of date, unless
// the Feed is closed.
func (f *Feed) ReportError(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.cc.ReportError(err)
	}
}

// Close stops the Feed, after any call to the connection under way, and
// returns whether this was the first Close.
func (f *Feed) Close() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	first := !f.closed
	f.closed = true
	return first
}
