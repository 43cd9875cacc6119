package conformance

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/kit/kittest"

	"go.uber.org/goleak"
)

// dtmGoroutines are the goroutines of the dtm server running in the
// process, named by a function on their stacks. dtm has no shutdown: they
// run until the process ends, and a later run in the process reuses them.
var dtmGoroutines = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/dtm-labs/dtm/dtmsvr.StartSvr.func2"), // its HTTP server (gin)
	goleak.IgnoreAnyFunction("github.com/dtm-labs/dtm/dtmsvr.StartSvr.func3"), // its gRPC server
	goleak.IgnoreAnyFunction("github.com/dtm-labs/dtm/dtmsvr.updateBranchAsync"),
	goleak.IgnoreAnyFunction("github.com/dtm-labs/dtm/dtmsvr.CronUpdateTopicsMap"),
	goleak.IgnoreAnyFunction("github.com/dtm-labs/dtm/dtmsvr.CronExpiredTrans"),
}

// reconnecting is the goroutine a gRPC connection starts for each attempt to
// (re)connect to an address. Connections made by earlier subtests keep
// trying the instances those subtests stopped, a new goroutine each time,
// while a check runs: BadTargets ignores them. A connection a driver leaked
// still shows, by its other goroutines.
var reconnecting = goleak.IgnoreAnyFunction("google.golang.org/grpc.(*addrConn).resetTransportAndUnlock")

// LongLived is implemented by harnesses whose framework keeps goroutines for
// the life of the process by design, which no Close can end. The checks
// that no goroutine is left ignore goroutines with any of these functions
// (fully qualified, as goleak.IgnoreAnyFunction takes them) on their
// stacks; say why for each.
type LongLived interface {
	LongLivedGoroutines() []string
}

// goroutinesEnd bounds the wait for goroutines on their way out: an
// embedded etcd's members, closed, keep their peer connections to each
// other until a read times out, some seconds later.
const goroutinesEnd = 15 * time.Second

// expectNoGoroutineLeft fails t if a goroutine that did not run when
// baseline (goleak.IgnoreCurrent) was taken is still running goroutinesEnd
// later, apart from dtm's, the harness' LongLived ones and ignore.
func (e *Env) expectNoGoroutineLeft(t testing.TB, what string, baseline goleak.Option, ignore ...goleak.Option) {
	t.Helper()
	opts := append([]goleak.Option{baseline}, dtmGoroutines...)
	opts = append(opts, ignore...)
	if ll, ok := e.Harness.(LongLived); ok {
		for _, f := range ll.LongLivedGoroutines() {
			opts = append(opts, goleak.IgnoreAnyFunction(f))
		}
	}
	var left error
	if infra.WaitFor(goroutinesEnd, "goroutines to end", func() bool {
		left = goleak.Find(opts...)
		return left == nil
	}) != nil {
		t.Errorf("goroutines left %s: %v", what, left)
	}
}

// goroutineCount counts the running goroutines, apart from those with any
// of the harness' LongLived functions on their stacks.
func (e *Env) goroutineCount() int {
	ll, _ := e.Harness.(LongLived)
	if ll == nil {
		return runtime.NumGoroutine()
	}
	skip := ll.LongLivedGoroutines()
	count := 0
	for _, g := range kittest.Goroutines() {
		if !slices.ContainsFunc(skip, func(f string) bool { return strings.Contains(g, f+"(") }) {
			count++
		}
	}
	return count
}
