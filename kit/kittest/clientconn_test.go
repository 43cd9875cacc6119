package kittest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/balancer"
	"google.golang.org/grpc/resolver"
)

func TestClientConnRecordsAndWakes(t *testing.T) {
	c := &ClientConn{RejectEmpty: true}
	if err := c.UpdateState(resolver.State{}); !errors.Is(err, balancer.ErrBadResolverState) {
		t.Errorf("an empty state with RejectEmpty: %v", err)
	}
	go c.ReportError(errors.New("boom"))
	if !c.Await(5*time.Second, func() bool { return len(c.Errors()) == 1 }) {
		t.Fatal("Await did not see the error reported from another goroutine")
	}
	c.NewAddress([]resolver.Address{{Addr: "a:1"}})
	if s := c.States(); len(s) != 2 || len(s[1].Addresses) != 1 {
		t.Errorf("states %+v", s)
	}
	if c.ParseServiceConfig("{}") == nil || len(c.Configs()) != 1 {
		t.Errorf("configs %q", c.Configs())
	}
	if c.Await(10*time.Millisecond, func() bool { return false }) {
		t.Error("Await reported a condition that never held")
	}
}

func TestStacks(t *testing.T) {
	stop := make(chan struct{})
	started := make(chan struct{})
	go parkForStacks(started, stop)
	<-started
	if s := Stacks("kittest.parkForStacks"); !strings.Contains(s, "parkForStacks") {
		t.Errorf("Stacks did not find the parked goroutine:\n%s", s)
	}
	if s := Stacks("kittest.TestStacks"); s != "" {
		t.Errorf("Stacks listed the caller's own goroutine, or one it created:\n%s", s)
	}
	close(stop)
}

func parkForStacks(started, stop chan struct{}) {
	close(started)
	<-stop
}
