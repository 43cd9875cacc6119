package polaris

import (
	"testing"

	"google.golang.org/grpc/balancer"
	"google.golang.org/grpc/balancer/base"
	"google.golang.org/grpc/resolver"
)

// fakeSubConn stands for a connection; pickers only compare them.
type fakeSubConn struct {
	balancer.SubConn
	name string
}

func TestWeightedPickerSplitsByWeight(t *testing.T) {
	a, b := &fakeSubConn{name: "a"}, &fakeSubConn{name: "b"}
	p := wrrPickerBuilder{}.Build(base.PickerBuildInfo{ReadySCs: map[balancer.SubConn]base.SubConnInfo{
		a: {Address: withWeight(resolver.Address{Addr: "a:1"}, 100)},
		b: {Address: withWeight(resolver.Address{Addr: "b:1"}, 300)},
	}})
	counts := map[string]int{}
	longestRun, run, prev := 0, 0, ""
	for i := 0; i < 400; i++ {
		res, err := p.Pick(balancer.PickInfo{})
		if err != nil {
			t.Fatal(err)
		}
		name := res.SubConn.(*fakeSubConn).name
		counts[name]++
		if name == prev {
			run++
		} else {
			run, prev = 1, name
		}
		longestRun = max(longestRun, run)
	}
	if counts["a"] != 100 || counts["b"] != 300 {
		t.Fatalf("400 picks split %v, want a=100 b=300", counts)
	}
	if longestRun > 3 {
		t.Errorf("b was picked %d times in a row; smooth round robin interleaves (at most 3)", longestRun)
	}
}

func TestWeightedPickerWithoutReadySubConns(t *testing.T) {
	p := wrrPickerBuilder{}.Build(base.PickerBuildInfo{})
	if _, err := p.Pick(balancer.PickInfo{}); err != balancer.ErrNoSubConnAvailable {
		t.Fatalf("Pick with nothing ready: %v, want ErrNoSubConnAvailable", err)
	}
}

func TestWeightDefaultsToOne(t *testing.T) {
	if w := weightOf(resolver.Address{Addr: "a:1"}); w != 1 {
		t.Fatalf("weight of an address without one: %d", w)
	}
}
