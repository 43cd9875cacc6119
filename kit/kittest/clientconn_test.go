package kittest

import (
	"errors"
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
