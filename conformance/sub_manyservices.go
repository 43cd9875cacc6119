package conformance

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"go.uber.org/goleak"
)

// manyServices is how many services testManyServices resolves at once:
// more than a registry's usual limit of connections from one client (200
// for consul's agent), which a driver holding a connection per resolved
// service would reach.
const (
	manyServices = 300
	manyChanged  = 10 // of them, whose instance leaves
	// manyLeftOver is how many more goroutines than before may remain:
	// a new connection of the driver's registry client, not one per
	// resolver.
	manyLeftOver = 20
)

// testManyServices resolves manyServices services, one instance each, at
// once, as a dtm serving a large estate does: every resolver must report
// its service's instance. Then the instances of a few leave: their
// resolvers must report none, and the others must still hold their own.
// Once all are closed, no more than a few goroutines are left above the
// count before (the harness' LongLived ones apart): none per resolver. A
// precise check would be wrong here: the driver's shared registry client
// lives on, and may open a connection of its own while the subtest runs;
// BadTargets and Close check exactly.
func testManyServices(t *testing.T, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	before, baseline := e.goroutineCount(), goleak.IgnoreCurrent()
	reg, err := e.Harness.(BulkRegistrar).NewAddrRegistrar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closeReg := sync.OnceFunc(func() {
		if err := reg.Close(); err != nil {
			t.Errorf("close the registrar: %v", err)
		}
	})
	defer closeReg()
	type svc struct {
		name, addr string
		states     *ResolverStates
	}
	run := e.User()
	addrs := fakeAddrs(manyServices)
	services := make([]*svc, manyServices)
	for i := range services {
		services[i] = &svc{name: fmt.Sprintf("many%d-%03d", run, i), addr: addrs[i]}
	}
	start := time.Now()
	if err := infra.Each(ctx, services, 8, func(s *svc) error { return reg.Register(ctx, s.name, s.addr) }); err != nil {
		t.Fatalf("register %d services: %v", manyServices, err)
	}
	registered := time.Since(start)
	defer func() {
		for _, s := range services {
			if s.states != nil {
				s.states.Close()
			}
		}
	}()
	for _, s := range services {
		if s.states, err = e.WatchService(s.name); err != nil {
			t.Fatal(err)
		}
	}
	only := func(addr string) func([]string) bool {
		return func(got []string) bool { return slices.Equal(got, []string{addr}) }
	}
	start = time.Now()
	for _, s := range services {
		if err := s.states.Await(ctx, "with "+s.name+"'s instance "+s.addr, only(s.addr)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d services registered in %s; every resolver had its instance %s after the last was built",
		manyServices, registered.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	changed := services[:manyChanged]
	start = time.Now()
	for _, s := range changed {
		if err := reg.Deregister(ctx, s.name, s.addr); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range changed {
		if err := s.states.Await(ctx, "without "+s.name+"'s instance", func(got []string) bool { return len(got) == 0 }); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d instances deregistered; their resolvers reported none within %s", manyChanged, time.Since(start).Round(time.Millisecond))
	for _, s := range services[manyChanged:] {
		if got, _ := s.states.Last(); !slices.Equal(got, []string{s.addr}) {
			t.Errorf("%s's resolver holds %v after other services changed, want [%s]", s.name, got, s.addr)
		}
	}
	for _, s := range services {
		s.states.Close()
		s.states = nil
	}
	closeReg()
	var now int
	if infra.WaitFor(goroutinesEnd, "the resolvers' goroutines to end", func() bool {
		now = e.goroutineCount()
		return now <= before+manyLeftOver
	}) != nil {
		t.Errorf("%d goroutines once the %d resolvers closed, %d before them: want at most %d more; the new ones: %v",
			now, manyServices, before, manyLeftOver, goleak.Find(baseline))
	}
}
