// Package demo is the kratos example: a kratos gRPC trans service registered
// through kratos' etcd registry, wired as kratos applications are, and a
// client running the story through dtm with dtm-driver-kratos over
// discovery:// URLs.
package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/infra"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/examples/internal/bank"
	"github.com/dtmkit/drivers/examples/internal/embedded"
	"github.com/dtmkit/drivers/examples/internal/story"
	"github.com/dtmkit/drivers/examples/transpb"
	etcdregistry "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/log"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Config says where things run.
type Config struct {
	// Etcd lists the etcd hosts ("127.0.0.1:2379,..."); empty starts etcd
	// and dtm in this process.
	Etcd string
	// Dtm is dtm's URL when Etcd is set; empty means
	// discovery://<Etcd>/dtmservice.
	Dtm string
	// Listen is where the trans service listens.
	Listen string
}

// Run starts what c asks for and the trans service, then runs the story
// and prints the balances. say prints a line.
func Run(c Config, say func(string, ...any)) error {
	log.SetLogger(log.NewStdLogger(io.Discard)) // the example tells its own story
	if err := dtmgrpc.UseDriver(kratosdriver.Name); err != nil {
		return err
	}
	if c.Etcd == "" {
		stack, err := embedded.StartEtcdStack(kratosdriver.Name, func(hosts string) string {
			return "discovery://" + hosts + "/dtmservice"
		}, say)
		if err != nil {
			return err
		}
		defer stack.Stop()
		c.Etcd, c.Dtm = strings.Join(stack.Hosts, ","), stack.DtmURL
	}
	if c.Dtm == "" {
		c.Dtm = "discovery://" + c.Etcd + "/dtmservice"
	}

	// The trans service, as a kratos application registers itself.
	client, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(c.Etcd, ","), DialTimeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("etcd client: %w", err)
	}
	defer client.Close()
	b := bank.New(map[int64]int64{story.Alice: 100, story.Bob: 100, story.Frozen: 100}, []int64{story.Frozen}, indent(say))
	srv := kgrpc.NewServer(kgrpc.Address(c.Listen))
	transpb.RegisterTransServer(srv, b)
	app := kratos.New(
		kratos.Name("trans"),
		kratos.Server(srv),
		kratos.Registrar(etcdregistry.New(client)),
	)
	done := make(chan error, 1)
	go func() { done <- app.Run() }()
	defer func() { _ = app.Stop(); <-done }()
	if err := waitRegistered(client, "/microservices/trans/", done); err != nil {
		return err
	}
	endpoint, err := srv.Endpoint()
	if err != nil {
		return err
	}
	transURL := "discovery://" + c.Etcd + "/trans"
	say("trans kratos service on %s, in etcd under /microservices/trans/: branch URLs start %s", endpoint.Host, transURL)

	say("balances: %s", b)
	if err := story.Run(c.Dtm, transURL, say); err != nil {
		return err
	}
	say("balances: %s", b)
	return nil
}

// waitRegistered waits until the app has registered under prefix, or exited.
func waitRegistered(client *clientv3.Client, prefix string, exited <-chan error) error {
	var runErr error
	err := infra.WaitFor(10*time.Second, "the trans service to register in etcd", func() bool {
		select {
		case runErr = <-exited:
			return true
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r, err := client.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		return err == nil && r.Count > 0
	})
	if runErr != nil {
		return fmt.Errorf("trans service: %w", runErr)
	}
	return err
}

func indent(say func(string, ...any)) func(string, ...any) {
	return func(f string, a ...any) { say("   "+f, a...) }
}
