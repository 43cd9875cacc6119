package conformance

import (
	"context"
	"time"

	"google.golang.org/grpc"
)

// The interfaces below are optional. A harness implements those its registry
// and instances support, and Run adds the subtests that need them; a harness
// without them still runs every other subtest.

// RegistryRestarter stops the registry and starts it again on the same data
// and ports (RegistryRestart).
type RegistryRestarter interface {
	StopRegistry()
	StartRegistry() error
	// RegistrationTTL is how long a registration outlives its owner's
	// silence (an etcd lease, a polaris TTL): dtm must stay registered for
	// twice as long after a restart.
	RegistrationTTL() time.Duration
}

// Crasher is implemented by instances that can die abruptly: listener and
// server closed, no deregistration (InstanceCrash).
type Crasher interface {
	Crash()
}

// MemberKiller is implemented by harnesses whose registry is an etcd
// cluster that the driver's URLs target whole (EtcdMemberLoss).
type MemberKiller interface {
	// Members is the cluster size, at least 3.
	Members() int
	// KillMember stops member i abruptly.
	KillMember(i int)
}

// BadTargeter lists malformed RegisterGrpcService targets and endpoints
// (BadTargets).
type BadTargeter interface {
	BadTargets() []BadTarget
}

// BadTarget is a RegisterGrpcService call that must fail.
type BadTarget struct {
	Target, Endpoint string
	// WantErr is a substring the error must contain.
	WantErr string
}

// SecretTargeter makes registration targets that carry a secret (Secrets).
type SecretTargeter interface {
	// SecretTarget returns a target whose password or token contains
	// marker, and an endpoint. Registering it may fail (the credential is
	// wrong); neither the error nor any log may contain marker. An error
	// means the harness could not set up what the target needs (a registry
	// with that password, say): the subtest fails with it.
	SecretTarget(marker string) (target, endpoint string, err error)
}

// SecretServicer is implemented by harnesses whose branch URLs can carry a
// credential (Secrets): the suite runs a saga through such URLs.
type SecretServicer interface {
	// SecretService starts an instance serving register in a registry that
	// wants a credential holding marker, and returns the branch URLs that
	// reach it, carrying that credential where the driver takes it. The
	// harness' Close stops the instance.
	SecretService(ctx context.Context, marker string, register func(*grpc.Server)) (URLFunc, error)
}

// Closer is the driver's Close: deregister and release everything. It must
// be idempotent and safe to call concurrently (Close).
type Closer interface {
	Close() error
}

// Deregisterer is implemented by instances that can leave the registry
// while they keep serving, so that convergence can be measured as the time
// from deregistration to the last call (Convergence benchmark).
type Deregisterer interface {
	Deregister() error
}

// RegisterTimer is implemented by instances that know when they sent their
// registration to the registry, so that convergence counts from then
// (Convergence benchmark); without it, it counts from StartInstance's call.
type RegisterTimer interface {
	// RegisteredAt is the time just before the registration request was
	// sent: no resolver can have seen the instance earlier.
	RegisteredAt() time.Time
}

// TargetLister returns n distinct dialable targets for the Memory benchmark;
// without it, the benchmark uses ServiceURL of n service names.
type TargetLister interface {
	Targets(n int) []string
}

// Static is implemented by harnesses whose driver has no registry: URLs name
// the instances, so there is no discovery to converge.
type Static interface {
	Static()
}

// BulkRegistrar is implemented by harnesses whose registry can list
// instances at addresses nothing serves, in the framework's format, for the
// Scale benchmark: one service with a thousand instances, and registrations
// churning beside it. Without it, the benchmark's registry parts skip.
type BulkRegistrar interface {
	// NewAddrRegistrar returns a registrar with registry clients of its
	// own, as a separate process would have. The benchmark closes it.
	NewAddrRegistrar(ctx context.Context) (AddrRegistrar, error)
}

// AddrRegistrar registers and deregisters instances at given addresses,
// which nothing serves (BulkRegistrar).
type AddrRegistrar interface {
	// Register registers an instance of service at each of addrs
	// ("127.0.0.1:port"), as the framework registers one but without a
	// health check such an address would fail, and returns once the
	// registry has accepted every write: resolvers may see them later.
	Register(ctx context.Context, service string, addrs ...string) error
	// Deregister removes the instance of service at addr, as the framework
	// does when an instance stops, and returns once the registry accepted
	// the write.
	Deregister(ctx context.Context, service, addr string) error
	// Close removes the instances it registered that remain, and releases
	// its clients.
	Close() error
}
