// Package conformance is a reusable test suite for dtm drivers, in the style
// of gocloud.dev's drivertest: a driver's test package implements Harness and
// calls Run, which starts a real dtm server and runs named subtests against
// real business-service instances registered the way the driver's framework
// registers them.
//
// dtm's configuration and dtmdriver.Use are process-global, so each driver
// needs its own test package, and Run may be called once per process.
package conformance

import (
	"context"
	"testing"

	"google.golang.org/grpc"
)

// Harness adapts one driver, its registry and its framework to the suite.
type Harness interface {
	// DriverName is the name the driver registers under, for dtmdriver.Use.
	DriverName() string

	// DtmRegistration returns dtm's MicroService Target and EndPoint, given
	// the address dtm's gRPC server listens on ("127.0.0.1:port"), and the
	// URL a client dials dtm through (for example
	// "etcd://127.0.0.1:2379/dtmservice").
	DtmRegistration(dtmGrpcAddr string) (target, endpoint, clientURL string)

	// StartInstance starts one instance of the business service named
	// service, serving what register registers, and registers it in the
	// registry the way its framework does. It returns once the instance is
	// registered and serving.
	StartInstance(ctx context.Context, service string, register func(*grpc.Server)) (Instance, error)

	// ServiceURL is the branch URL prefix of service: "/pkg.Svc/Method" is
	// appended to it.
	ServiceURL(service string) string

	// ParseCases are the driver's own ParseServerMethod cases, run after
	// the suite's generic ones.
	ParseCases() []ParseCase

	// Close stops everything the harness started.
	Close()
}

// Instance is one running business-service instance.
type Instance interface {
	// Addr is the host:port the instance serves on; "host:port/pkg.Svc/M"
	// reaches it directly, bypassing the driver.
	Addr() string
	// Stop deregisters the instance and stops it.
	Stop()
}

// ParseCase is one ParseServerMethod expectation.
type ParseCase struct {
	URL string
	// Server and Method are the wanted results when WantErr is "".
	Server, Method string
	// WantErr, when set, is a substring the error must contain.
	WantErr string
}

// HarnessMaker makes the harness for one Run or RunBenchmarks, starting its
// registry. tb is the test or benchmark; the harness lives until Close, which
// Run and RunBenchmarks arrange.
type HarnessMaker func(ctx context.Context, tb testing.TB) (Harness, error)
