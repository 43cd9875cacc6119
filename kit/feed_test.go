package kit_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// TestFeed checks what a Feed lets through to its connection: states in
// the order of their numbers, the reason with an empty state, and nothing
// once closed.
func TestFeed(t *testing.T) {
	cc := &kittest.ClientConn{}
	f := kit.NewFeed(cc)
	one := resolver.State{Addresses: []resolver.Address{{Addr: "10.0.0.1:1"}}}
	empty := func() error { return errors.New("no instance of svc") }
	if !f.Deliver(2, one, empty) {
		t.Fatal("the first state was not given")
	}
	if f.Deliver(1, resolver.State{}, empty) || f.Deliver(2, resolver.State{}, empty) {
		t.Error("a state numbered at or below the last given was given")
	}
	if !f.Deliver(3, resolver.State{}, empty) {
		t.Fatal("a newer empty state was not given")
	}
	if s := cc.States(); len(s) != 2 || len(s[0].Addresses) != 1 || len(s[1].Addresses) != 0 {
		t.Fatalf("states %+v, want the one address, then none", s)
	}
	if errs := cc.Errors(); len(errs) != 1 || errs[0].Error() != "no instance of svc" {
		t.Fatalf("errors %v, want the empty state's reason once", errs)
	}
	f.ReportError(errors.New("registry down"))
	if !f.Close() || f.Close() {
		t.Error("Close did not report the first close alone")
	}
	f.ReportError(errors.New("after Close"))
	if f.Deliver(4, one, empty) {
		t.Error("a state was given after Close")
	}
	if len(cc.States()) != 2 || len(cc.Errors()) != 2 {
		t.Fatalf("the connection heard from a closed Feed: %v %v", cc.States(), cc.Errors())
	}
}

// TestFeedCloseWaitsForDelivery closes a Feed while a state is being given:
// Close returns only after the connection has taken the state, so nothing
// reaches it after Close returns.
func TestFeedCloseWaitsForDelivery(t *testing.T) {
	var order atomic.Int64
	cc := &blockingConn{entered: make(chan struct{}), release: make(chan struct{}), order: &order}
	f := kit.NewFeed(cc)
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		f.Deliver(1, resolver.State{Addresses: []resolver.Address{{Addr: "10.0.0.1:1"}}}, nil)
	}()
	<-cc.entered
	closing, closed := make(chan struct{}), make(chan int64)
	go func() {
		close(closing)
		f.Close()
		closed <- order.Add(1)
	}()
	<-closing
	// let the state through only once Close waits for the Feed's lock
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(kittest.Stacks("kit.(*Feed).Close"), "Mutex)"); {
		if time.Now().After(deadline) {
			t.Fatal("Close did not reach the Feed's lock")
		}
		time.Sleep(time.Millisecond)
	}
	close(cc.release)
	<-delivered
	if closedAt := <-closed; closedAt < cc.returnedAt {
		t.Errorf("Close returned (event %d) before the state given to the connection was taken (event %d)", closedAt, cc.returnedAt)
	}
}

// blockingConn holds UpdateState until released, and numbers its return.
type blockingConn struct {
	kittest.ClientConn
	entered, release chan struct{}
	order            *atomic.Int64
	returnedAt       int64
}

func (c *blockingConn) UpdateState(resolver.State) error {
	close(c.entered)
	<-c.release
	c.returnedAt = c.order.Add(1)
	return nil
}
