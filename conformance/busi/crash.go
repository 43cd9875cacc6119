package busi

import "time"

// crash is a crash CrashOn arranged.
type crash struct {
	after    int // deliveries to the instance, the fatal one included
	kill     func()
	done     chan Call
	happened bool
	at       Call // the delivery the instance died handling
}

// CrashOn makes instance die in the middle of a branch: its after-th
// delivery is applied, then kill runs (it should stop the instance as a
// crash would, closing its connections) and the call is never answered, so
// that dtm must deliver the branch again, elsewhere. Calls the instance is
// still handling when it dies apply nothing. The returned channel receives
// the fatal delivery once kill has returned.
func (b *Bank) CrashOn(instance string, after int, kill func()) <-chan Call {
	b.mu.Lock()
	defer b.mu.Unlock()
	cr := &crash{after: after, kill: kill, done: make(chan Call, 1)}
	b.crashes[instance] = cr
	return cr.done
}

// carryOut kills the instance from another goroutine (a server's Stop may
// wait for its handlers, this one included) and returns once it is dead,
// or after a while if the kill hangs.
func (cr *crash) carryOut() {
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		cr.kill()
		cr.done <- cr.at
	}()
	select {
	case <-killed:
	case <-time.After(30 * time.Second):
	}
}
