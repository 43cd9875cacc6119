package main

import (
	"bytes"
	"fmt"
	"text/template"
)

// programSpec is what a driver's compat program does besides the interface
// calls: one ParseServerMethod with its expected split and, for a driver with
// an address-list scheme, branch calls through CallURL, whose ADDRS the
// program replaces with the addresses of its two gRPC servers.
type programSpec struct {
	ParseURL, Server, Method string
	CallURL                  string // "" when the driver needs a registry to resolve
}

// programs are keyed by the driver's directory.
var programs = map[string]*programSpec{
	"driver-gomicro": {
		ParseURL: "gomicro://127.0.0.1:2379/trans/pkg.Trans/TransIn",
		Server:   "gomicro://127.0.0.1:2379/trans", Method: "/pkg.Trans/TransIn",
	},
	"driver-gozero": {
		ParseURL: "etcd:///127.0.0.1:2379?key=trans.rpc/pkg.Trans/TransIn",
		Server:   "etcd:///127.0.0.1:2379?key=trans.rpc", Method: "/pkg.Trans/TransIn",
		CallURL: "direct:///ADDRS/grpc.health.v1.Health/Check",
	},
	"driver-kratos": {
		ParseURL: "discovery://127.0.0.1:2379/trans/pkg.Trans/TransIn",
		Server:   "discovery://127.0.0.1:2379/trans", Method: "/pkg.Trans/TransIn",
		CallURL: "direct:///ADDRS/grpc.health.v1.Health/Check",
	},
	"driver-polaris": {
		ParseURL: "polaris://trans/pkg.Trans/TransIn?namespace=prod",
		Server:   "polaris://trans?namespace=prod", Method: "/pkg.Trans/TransIn",
	},
	"driver-protocol1": {
		ParseURL: "protocol1://127.0.0.1:8080,127.0.0.1:8081/pkg.Trans/TransIn",
		Server:   "protocol1://127.0.0.1:8080,127.0.0.1:8081", Method: "/pkg.Trans/TransIn",
		CallURL: "protocol1://ADDRS/grpc.health.v1.Health/Check",
	},
}

// methodNames are the names a dtmdriver generation gives the two methods
// that were renamed in v0.0.6.
var methodNames = map[string][2]string{
	"v0.0.3": {"RegisterGrpcResolver", "RegisterGrpcService"},
	"v0.0.6": {"RegisterAddrResolver", "RegisterService"},
}

// source returns the program for the driver at importPath, written against
// dtmdriver gen.
func (p *programSpec) source(importPath, gen string) ([]byte, error) {
	names, ok := methodNames[gen]
	if !ok {
		return nil, fmt.Errorf("no method names for dtmdriver %s", gen)
	}
	var buf bytes.Buffer
	err := programTemplate.Execute(&buf, struct {
		*programSpec
		Import, Gen, RegisterResolver, RegisterService string
	}{p, importPath, gen, names[0], names[1]})
	return buf.Bytes(), err
}

var programTemplate = template.Must(template.New("program").Parse(`// A program written against dtmdriver {{.Gen}}'s Driver interface, as dtm
// and its clients of that generation use a driver.
package main

import (
	"fmt"
	"os"
{{- if .CallURL}}
	"context"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
{{- end}}

	"github.com/dtm-labs/dtmdriver"
	drv "{{.Import}}"
)

// The driver is a dtmdriver.Driver of this generation.
var _ dtmdriver.Driver = (*drv.Driver)(nil)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}

func run() error {
	// Use calls {{.RegisterResolver}}, as dtm does.
	if err := dtmdriver.Use(drv.Name); err != nil {
		return err
	}
	var d dtmdriver.Driver = dtmdriver.GetDriver()
	if d.GetName() != drv.Name {
		return fmt.Errorf("GetDriver().GetName() = %q, want %q", d.GetName(), drv.Name)
	}
	d.{{.RegisterResolver}}()
	if err := d.{{.RegisterService}}("", ""); err != nil {
		return fmt.Errorf("{{.RegisterService}} with no target: %v", err)
	}
	server, method, err := d.ParseServerMethod({{printf "%q" .ParseURL}})
	if err != nil || server != {{printf "%q" .Server}} || method != {{printf "%q" .Method}} {
		return fmt.Errorf("ParseServerMethod(%q) = %q, %q, %v", {{printf "%q" .ParseURL}}, server, method, err)
	}
{{- if .CallURL}}
	return callThrough(d, {{printf "%q" .CallURL}})
}

// callThrough starts two gRPC servers and calls through the driver, as dtm
// calls a branch (grpc.Dial, no balancer option), until each has served.
func callThrough(d dtmdriver.Driver, url string) error {
	var served [2]atomic.Int64
	var addrs []string
	for i := range served {
		n := &served[i]
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		s := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req interface{}, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
			n.Add(1)
			return h(ctx, req)
		}))
		healthpb.RegisterHealthServer(s, health.NewServer())
		go func() { _ = s.Serve(lis) }()
		defer s.Stop()
		addrs = append(addrs, lis.Addr().String())
	}
	url = strings.Replace(url, "ADDRS", strings.Join(addrs, ","), 1)
	server, method, err := d.ParseServerMethod(url)
	if err != nil {
		return err
	}
	conn, err := grpc.Dial(server, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("dial %s: %v", server, err)
	}
	defer conn.Close()
	deadline := time.Now().Add(30 * time.Second)
	for calls := 0; served[0].Load() == 0 || served[1].Load() == 0; calls++ {
		if calls == 1000 || time.Now().After(deadline) {
			return fmt.Errorf("%d calls through %s: %d and %d served", calls, url, served[0].Load(), served[1].Load())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := conn.Invoke(ctx, method, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{}, grpc.WaitForReady(true))
		cancel()
		if err != nil {
			return fmt.Errorf("call %s through %s: %v", method, url, err)
		}
	}
	return nil
}
{{- else}}
	return nil
}
{{- end}}
`))
