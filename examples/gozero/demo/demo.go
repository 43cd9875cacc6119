// Package demo is the go-zero example: a zrpc trans service registered in
// etcd the go-zero way, and a client running the story through dtm with
// dtm-driver-gozero, addressing the service by go-zero's own BuildTarget().
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/dtmkit/drivers/examples/internal/bank"
	"github.com/dtmkit/drivers/examples/internal/embedded"
	"github.com/dtmkit/drivers/examples/internal/story"
	"github.com/dtmkit/drivers/examples/transpb"
	"github.com/zeromicro/go-zero/core/discov"
	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/zrpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// Config is the example's go-zero configuration (etc/config.yaml).
type Config struct {
	// Trans is the trans service's server configuration.
	Trans zrpc.RpcServerConf
	// App is the client's side.
	App struct {
		// Dtm is dtm's URL, e.g. etcd://127.0.0.1:2379/dtmservice.
		Dtm string
		// Trans is how the client addresses the trans service.
		Trans zrpc.RpcClientConf
	}
	// Embedded starts etcd and dtm in this process and points the hosts of
	// Trans, App.Trans and App.Dtm at them.
	Embedded bool `json:",default=true"`
}

// DefaultConfig is etc/config.yaml's content, for the quickstart.
func DefaultConfig() Config {
	var c Config
	c.Trans.Name = "trans.rpc"
	c.Trans.ListenOn = "127.0.0.1:0"
	c.Trans.Etcd = discov.EtcdConf{Hosts: []string{"127.0.0.1:2379"}, Key: "trans.rpc"}
	c.App.Dtm = "etcd://127.0.0.1:2379/dtmservice"
	c.App.Trans.Etcd = discov.EtcdConf{Hosts: []string{"127.0.0.1:2379"}, Key: "trans.rpc"}
	c.Embedded = true
	return c
}

// Run starts what c asks for, the trans service, then runs the story and
// prints the balances. say prints a line.
func Run(c Config, say func(string, ...any)) error {
	logx.Disable() // the example tells its own story
	if err := dtmgrpc.UseDriver(gozero.Name); err != nil {
		return err
	}
	if c.Embedded {
		stack, err := embedded.StartEtcdStack(gozero.Name, func(hosts string) string {
			return "etcd://" + hosts + "/dtmservice"
		}, say)
		if err != nil {
			return err
		}
		defer stack.Stop()
		c.Trans.Etcd.Hosts, c.App.Trans.Etcd.Hosts, c.App.Dtm = stack.Hosts, stack.Hosts, stack.DtmURL
	}

	b := bank.New(map[int64]int64{story.Alice: 100, story.Bob: 100, story.Frozen: 100}, []int64{story.Frozen}, indent(say))
	if c.Trans.ListenOn == "" || strings.HasSuffix(c.Trans.ListenOn, ":0") {
		addr, err := infra.FreeAddr() // zrpc registers the address it was given
		if err != nil {
			return err
		}
		c.Trans.ListenOn = addr
	}
	server, err := zrpc.NewServer(c.Trans, func(s *grpc.Server) {
		transpb.RegisterTransServer(s, b)
	})
	if err != nil {
		return fmt.Errorf("trans service: %w", err)
	}
	logx.Disable() // zrpc set its logging up again from c.Trans.Log
	go server.Start()
	defer server.Stop()
	if err := waitRegistered(c.Trans.Etcd); err != nil {
		return err
	}
	transURL, err := c.App.Trans.BuildTarget()
	if err != nil {
		return fmt.Errorf("trans client target: %w", err)
	}
	say("trans zrpc service %s on %s, in etcd under %q: branch URLs start %s",
		c.Trans.Name, c.Trans.ListenOn, c.Trans.Etcd.Key, transURL)

	say("balances: %s", b)
	if err := story.Run(c.App.Dtm, transURL, say); err != nil {
		return err
	}
	say("balances: %s", b)
	return nil
}

// waitRegistered waits until the zrpc server has published itself, so the
// first branch call finds it.
func waitRegistered(e discov.EtcdConf) error {
	cli, err := clientv3.New(clientv3.Config{Endpoints: e.Hosts, DialTimeout: 5 * time.Second,
		Username: e.User, Password: e.Pass})
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer cli.Close()
	return infra.WaitFor(10*time.Second, "the trans service to register in etcd", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r, err := cli.Get(ctx, e.Key, clientv3.WithPrefix(), clientv3.WithCountOnly())
		return err == nil && r.Count > 0
	})
}

func indent(say func(string, ...any)) func(string, ...any) {
	return func(f string, a ...any) { say("   "+f, a...) }
}
