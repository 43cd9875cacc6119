// Package demo is the go-micro example: a go-micro service on go-micro's
// gRPC server, registered through go-micro's etcd registry, written as
// go-micro's examples write services, with the one option dtm needs; and a
// client running the story through dtm with dtm-driver-gomicro over
// gomicro:// URLs.
package demo

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/infra"
	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"github.com/dtmkit/drivers/examples/internal/bank"
	"github.com/dtmkit/drivers/examples/internal/embedded"
	"github.com/dtmkit/drivers/examples/internal/story"
	"github.com/dtmkit/drivers/examples/transpb"
	micro "go-micro.dev/v5"
	"go-micro.dev/v5/logger"
	"go-micro.dev/v5/registry"
	"go-micro.dev/v5/registry/etcd"
	"go-micro.dev/v5/server"
	grpcserver "go-micro.dev/v5/server/grpc"
)

// Config says where things run.
type Config struct {
	// Etcd lists the etcd hosts ("127.0.0.1:2379,..."); empty starts etcd
	// and dtm in this process.
	Etcd string
	// Dtm is dtm's URL when Etcd is set; empty means
	// gomicro://<Etcd>/dtmservice.
	Dtm string
	// Listen is where the trans service listens.
	Listen string
}

// Trans is the trans service as a go-micro handler: go-micro serves
// /trans.Trans/<Method> with the method of that name of the handler whose
// type is named Trans, as protoc-gen-micro's generated code registers it.
// Errors are gRPC statuses, as dtm's gRPC branches return them: the bank's
// codes.Aborted for a frozen account makes dtm roll the saga back.
type Trans struct{ bank *bank.Bank }

// TransOut takes the amount from the account (the saga's first step).
func (t *Trans) TransOut(ctx context.Context, in *transpb.AdjustInfo, _ *transpb.Reply) error {
	_, err := t.bank.TransOut(ctx, in)
	return err
}

// TransOutRevert gives the amount back (TransOut's compensation).
func (t *Trans) TransOutRevert(ctx context.Context, in *transpb.AdjustInfo, _ *transpb.Reply) error {
	_, err := t.bank.TransOutRevert(ctx, in)
	return err
}

// TransIn adds the amount to the account (the saga's second step).
func (t *Trans) TransIn(ctx context.Context, in *transpb.AdjustInfo, _ *transpb.Reply) error {
	_, err := t.bank.TransIn(ctx, in)
	return err
}

// TransInRevert takes the amount away again (TransIn's compensation).
func (t *Trans) TransInRevert(ctx context.Context, in *transpb.AdjustInfo, _ *transpb.Reply) error {
	_, err := t.bank.TransInRevert(ctx, in)
	return err
}

// Run starts what c asks for and the trans service, then runs the story
// and prints the balances. say prints a line.
func Run(c Config, say func(string, ...any)) error {
	logger.DefaultLogger = logger.NewLogger(logger.WithOutput(io.Discard)) // the example tells its own story
	if err := dtmgrpc.UseDriver(gomicrodriver.Name); err != nil {
		return err
	}
	if c.Etcd == "" {
		stack, err := embedded.StartEtcdStack(gomicrodriver.Name, func(hosts string) string {
			return "gomicro://" + hosts + "/dtmservice"
		}, say)
		if err != nil {
			return err
		}
		defer stack.Stop()
		c.Etcd, c.Dtm = strings.Join(stack.Hosts, ","), stack.DtmURL
	}
	if c.Dtm == "" {
		c.Dtm = "gomicro://" + c.Etcd + "/dtmservice"
	}

	// The trans service, as go-micro's examples write a gRPC service.
	lis, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return err
	}
	defer lis.Close()
	reg := etcd.NewEtcdRegistry(registry.Addrs(strings.Split(c.Etcd, ",")...))
	b := bank.New(map[int64]int64{story.Alice: 100, story.Bob: 100, story.Frozen: 100}, []int64{story.Frozen}, indent(say))
	service := micro.New("trans",
		micro.HandleSignal(false),
		micro.Registry(reg),
		micro.Server(grpcserver.NewServer(
			server.Registry(reg),
			server.Name("trans"),
			server.Address(lis.Addr().String()),
			grpcserver.Listener(lis),
			// the one line dtm needs: take dtm's calls (see driver-gomicro's README)
			grpcserver.Options(gomicrodriver.ServerOption()),
		)),
	)
	if err := service.Handle(&Trans{bank: b}); err != nil {
		return err
	}
	if err := service.Start(); err != nil {
		return fmt.Errorf("trans service: %w", err)
	}
	defer func() { _ = service.Stop() }()
	if err := waitRegistered(reg); err != nil {
		return err
	}
	transURL := "gomicro://" + c.Etcd + "/trans"
	say("trans go-micro service on %s, in etcd under /micro/registry/trans/: branch URLs start %s", lis.Addr(), transURL)

	say("balances: %s", b)
	if err := story.Run(c.Dtm, transURL, say); err != nil {
		return err
	}
	say("balances: %s", b)
	return nil
}

// waitRegistered waits until go-micro's registry lists the trans service.
func waitRegistered(reg registry.Registry) error {
	return infra.WaitFor(10*time.Second, "the trans service to register in etcd", func() bool {
		s, err := reg.GetService("trans")
		return err == nil && len(s) > 0 && len(s[0].Nodes) > 0
	})
}

func indent(say func(string, ...any)) func(string, ...any) {
	return func(f string, a ...any) { say("   "+f, a...) }
}
