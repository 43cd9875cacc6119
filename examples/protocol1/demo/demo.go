// Package demo is the protocol1 example: a plain gRPC trans service and a
// client running the story through dtm with dtm-driver-protocol1, where branch
// URLs list the service's addresses.
package demo

import (
	"fmt"
	"net"
	"os"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
	"github.com/dtmkit/drivers/examples/internal/bank"
	"github.com/dtmkit/drivers/examples/internal/embedded"
	"github.com/dtmkit/drivers/examples/internal/story"
	"github.com/dtmkit/drivers/examples/transpb"
	"google.golang.org/grpc"
)

// Config says where things run.
type Config struct {
	// Dtm is the URL of a running dtm using dtm-driver-protocol1
	// ("protocol1://host:36790"); empty starts one in this process.
	Dtm string
	// Listen is where the trans service listens.
	Listen string
}

// Run starts the trans service, and dtm unless c.Dtm names one, then runs the
// story and prints the balances. say prints a line.
func Run(c Config, say func(string, ...any)) error {
	if err := dtmgrpc.UseDriver(protocol1.Name); err != nil {
		return err
	}
	if c.Dtm == "" {
		dir, err := os.MkdirTemp("", "dtmkit-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		d, err := embedded.Dtm(protocol1.Name, func(grpcAddr string) (string, string) {
			return "protocol1://" + grpcAddr, grpcAddr
		}, dir, say)
		if err != nil {
			return err
		}
		c.Dtm = "protocol1://" + d.GrpcAddr
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
	transURL := "protocol1://" + lis.Addr().String()
	say("trans gRPC service listening on %s: branch URLs start %s", lis.Addr(), transURL)

	say("balances: %s", b)
	if err := story.Run(c.Dtm, transURL, say); err != nil {
		return err
	}
	say("balances: %s", b)
	return nil
}

func indent(say func(string, ...any)) func(string, ...any) {
	return func(f string, a ...any) { say("   "+f, a...) }
}
