package kit

import (
	"fmt"
	"sync"

	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"
)

// RoundRobinConfig is the service config that spreads calls over every
// resolved address.
const RoundRobinConfig = `{"loadBalancingConfig":[{"round_robin":{}}]}`

// WithRoundRobin wraps b so that every state its resolvers report carries the
// round_robin policy, unless the state already has a service config.
//
// dtm dials branch servers with no balancer option, so grpc would otherwise
// use pick_first and send every branch call to one instance.
func WithRoundRobin(b resolver.Builder) resolver.Builder {
	return WithServiceConfig(b, RoundRobinConfig)
}

// WithServiceConfig wraps b so that every state its resolvers report without
// a service config gets the given JSON one.
func WithServiceConfig(b resolver.Builder, configJSON string) resolver.Builder {
	return &policyBuilder{Builder: b, config: configJSON}
}

type policyBuilder struct {
	resolver.Builder
	config string
}

// Build builds the wrapped resolver, reporting through a policyConn.
func (p *policyBuilder) Build(target resolver.Target, cc resolver.ClientConn, opts resolver.BuildOptions) (resolver.Resolver, error) {
	return p.Builder.Build(target, &policyConn{ClientConn: cc, config: p.config}, opts)
}

// policyConn adds the service config to the states a resolver reports.
type policyConn struct {
	resolver.ClientConn
	config string

	once   sync.Once
	parsed *serviceconfig.ParseResult
}

// UpdateState adds the service config unless the resolver gave one.
func (c *policyConn) UpdateState(s resolver.State) error {
	if s.ServiceConfig == nil {
		s.ServiceConfig = c.serviceConfig()
	}
	return c.ClientConn.UpdateState(s)
}

// NewAddress is the deprecated form some resolvers still call.
func (c *policyConn) NewAddress(addrs []resolver.Address) {
	_ = c.UpdateState(resolver.State{Addresses: addrs})
}

func (c *policyConn) serviceConfig() *serviceconfig.ParseResult {
	c.once.Do(func() {
		c.parsed = c.ClientConn.ParseServiceConfig(c.config)
		if c.parsed != nil && c.parsed.Err != nil {
			c.parsed.Err = fmt.Errorf("kit: service config %s: %w", c.config, c.parsed.Err)
		}
	})
	return c.parsed
}
