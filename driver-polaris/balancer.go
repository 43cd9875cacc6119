package polaris

import (
	"sync"

	"google.golang.org/grpc/balancer"
	"google.golang.org/grpc/balancer/base"
	"google.golang.org/grpc/resolver"
)

// weightedPolicy is the name of the driver's load-balancing policy: smooth
// weighted round robin over the ready instances, by their polaris weights.
const weightedPolicy = "dtmkit_polaris_weighted_round_robin"

// weightedConfig is the service config the resolver's states carry, since
// dtm dials with no balancer option.
const weightedConfig = `{"loadBalancingConfig":[{"` + weightedPolicy + `":{}}]}`

func init() {
	balancer.Register(base.NewBalancerBuilder(weightedPolicy, wrrPickerBuilder{}, base.Config{}))
}

// weightKey keys an address' polaris weight in its Attributes. Not in
// BalancerAttributes: the base balancer keeps the address it first saw for
// a host:port, so a changed weight must make a different address.
type weightKey struct{}

func withWeight(a resolver.Address, weight int) resolver.Address {
	a.Attributes = a.Attributes.WithValue(weightKey{}, weight)
	return a
}

func weightOf(a resolver.Address) int {
	if w, ok := a.Attributes.Value(weightKey{}).(int); ok && w > 0 {
		return w
	}
	return 1
}

type wrrPickerBuilder struct{}

// Build makes a picker over the ready SubConns.
func (wrrPickerBuilder) Build(info base.PickerBuildInfo) balancer.Picker {
	if len(info.ReadySCs) == 0 {
		return base.NewErrPicker(balancer.ErrNoSubConnAvailable)
	}
	p := &wrrPicker{items: make([]wrrItem, 0, len(info.ReadySCs))}
	for sc, sci := range info.ReadySCs {
		w := weightOf(sci.Address)
		p.items = append(p.items, wrrItem{sc: sc, weight: w})
		p.total += w
	}
	return p
}

// wrrPicker is nginx's smooth weighted round robin: each pick adds every
// item's weight to its credit and takes the item with the most credit, which
// then pays the total. Over total picks each item is taken weight times,
// interleaved rather than in bursts.
type wrrPicker struct {
	mu    sync.Mutex
	items []wrrItem
	total int
}

type wrrItem struct {
	sc             balancer.SubConn
	weight, credit int
}

// Pick implements balancer.Picker.
func (p *wrrPicker) Pick(balancer.PickInfo) (balancer.PickResult, error) {
	p.mu.Lock()
	best := 0
	for i := range p.items {
		p.items[i].credit += p.items[i].weight
		if p.items[i].credit > p.items[best].credit {
			best = i
		}
	}
	p.items[best].credit -= p.total
	sc := p.items[best].sc
	p.mu.Unlock()
	return balancer.PickResult{SubConn: sc}, nil
}
