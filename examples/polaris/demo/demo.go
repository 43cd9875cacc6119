// Package demo is the polaris example: a gRPC trans service registered in
// polaris through polaris-go, as a grpc-go-polaris server registers, and a
// client running the story through dtm with dtm-driver-polaris.
package demo

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/polarisserver"
	polaris "github.com/dtmkit/drivers/driver-polaris"
	"github.com/dtmkit/drivers/examples/internal/bank"
	"github.com/dtmkit/drivers/examples/internal/embedded"
	"github.com/dtmkit/drivers/examples/internal/story"
	"github.com/dtmkit/drivers/examples/transpb"
	"github.com/polarismesh/polaris-go/api"
	"google.golang.org/grpc"
)

// Config says where things run.
type Config struct {
	// Polaris is the polaris server's gRPC address ("host:8091"); empty
	// builds (once) and starts one, and dtm, in this process.
	Polaris string
	// Dtm is dtm's URL when Polaris is set; empty means
	// polaris://dtmservice?namespace=default.
	Dtm string
	// Listen is where the trans service listens.
	Listen string
}

const (
	namespace = "default"
	service   = "trans"
	ttl       = 5 // seconds; polaris-go heartbeats
)

// Run starts what c asks for and the trans service, then runs the story and
// prints the balances. say prints a line.
func Run(c Config, say func(string, ...any)) error {
	if err := dtmgrpc.UseDriver(polaris.Name); err != nil {
		return err
	}
	if c.Polaris == "" {
		stop, err := startEmbedded(&c, say)
		if err != nil {
			return err
		}
		defer stop()
	} else if err := polaris.Configure(polaris.Options{Addresses: []string{c.Polaris}}); err != nil {
		return err
	}
	if c.Dtm == "" {
		c.Dtm = "polaris://dtmservice?namespace=" + namespace
	}

	b := bank.New(map[int64]int64{story.Alice: 100, story.Bob: 100, story.Frozen: 100}, []int64{story.Frozen}, indent(say))
	lis, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("trans service: %w", err)
	}
	srv := grpc.NewServer()
	transpb.RegisterTransServer(srv, b)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	deregister, err := register(lis.Addr().String())
	if err != nil {
		return err
	}
	defer deregister()
	transURL := "polaris://" + service
	say("trans gRPC service on %s, in polaris as %s/%s: branch URLs start %s", lis.Addr(), namespace, service, transURL)

	say("balances: %s", b)
	if err := story.Run(c.Dtm, transURL, say); err != nil {
		return err
	}
	say("balances: %s", b)
	return nil
}

// startEmbedded starts a polaris server (building it the first time) and
// dtm registered in it, and points the driver and c at them.
func startEmbedded(c *Config, say func(string, ...any)) (stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "dtmkit-example-")
	if err != nil {
		return nil, err
	}
	srv, err := polarisserver.Start(ctx, polarisserver.Options{
		Logf: func(f string, a ...any) { say("polaris "+f, a...) },
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	stop = func() {
		embedded.CloseDriver() // deregisters dtm while the server still runs
		srv.Close()
		_ = os.RemoveAll(dir)
	}
	if err := polaris.Configure(polaris.Options{Addresses: []string{srv.Addr()}}); err != nil {
		stop()
		return nil, err
	}
	c.Polaris = srv.Addr()
	_, err = embedded.Dtm(polaris.Name, func(grpcAddr string) (string, string) {
		return "polaris://dtmservice?namespace=" + namespace, grpcAddr
	}, dir, say)
	if err == nil {
		err = waitListed("dtmservice")
	}
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// register registers addr as an instance of the trans service with the
// driver's polaris-go context, and waits until polaris lists it.
func register(addr string) (deregister func(), err error) {
	sdk, err := polaris.SDKContext()
	if err != nil {
		return nil, err
	}
	host, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	req := &api.InstanceRegisterRequest{}
	req.Namespace, req.Service, req.Host, req.Port = namespace, service, host, port
	req.SetTTL(ttl)
	if _, err := api.NewProviderAPIByContext(sdk).RegisterInstance(req); err != nil {
		return nil, fmt.Errorf("register the trans service in polaris: %w", err)
	}
	deregister = func() {
		d := &api.InstanceDeRegisterRequest{}
		d.Namespace, d.Service, d.Host, d.Port = namespace, service, host, port
		_ = api.NewProviderAPIByContext(sdk).Deregister(d)
	}
	if err := waitListed(service); err != nil {
		deregister()
		return nil, err
	}
	return deregister, nil
}

// waitListed waits until polaris lists a healthy instance of name, so that
// the first call finds it: a registration takes a moment to reach consumers.
// (GetInstances would not do: when every instance is unhealthy, polaris-go
// returns them all, while the driver uses healthy ones only.)
func waitListed(name string) error {
	sdk, err := polaris.SDKContext()
	if err != nil {
		return err
	}
	return infra.WaitFor(30*time.Second, "polaris to list "+name+" healthy", func() bool {
		q := &api.GetAllInstancesRequest{}
		q.Namespace, q.Service = namespace, name
		q.SetTimeout(time.Second)
		resp, err := api.NewConsumerAPIByContext(sdk).GetAllInstances(q)
		if err != nil {
			return false
		}
		for _, in := range resp.GetInstances() {
			if in.IsHealthy() && !in.IsIsolated() {
				return true
			}
		}
		return false
	})
}

func indent(say func(string, ...any)) func(string, ...any) {
	return func(f string, a ...any) { say("   "+f, a...) }
}
