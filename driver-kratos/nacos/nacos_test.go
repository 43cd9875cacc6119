package nacos

import (
	"strings"
	"testing"

	"github.com/nacos-group/nacos-sdk-go/v2/model"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
)

func TestServiceNameIsKratosGrpcService(t *testing.T) {
	for in, want := range map[string]string{
		"helloworld":      "helloworld.grpc",
		"helloworld.grpc": "helloworld.grpc",
		"shop.order":      "shop.order.grpc",
		"helloworld.http": "helloworld.http.grpc",
		"dtmservice":      "dtmservice.grpc",
	} {
		if got := ServiceName(in); got != want {
			t.Errorf("ServiceName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInstanceAddrSkipsOtherKinds(t *testing.T) {
	in := model.Instance{Ip: "10.0.0.1", Port: 9000, Metadata: map[string]string{"kind": "grpc", "gRPC_port": "1"}}
	if got := instanceAddr(in); got != "10.0.0.1:9000" {
		t.Errorf("grpc instance: %q, want its ip:port (kratos reads no gRPC_port)", got)
	}
	in.Metadata = nil
	if got := instanceAddr(in); got != "10.0.0.1:9000" {
		t.Errorf("instance without metadata: %q", got)
	}
	in.Metadata = map[string]string{"kind": "http"}
	if got := instanceAddr(in); got != "" {
		t.Errorf("http instance: %q, want it skipped", got)
	}
}

func TestGrpcEndpoint(t *testing.T) {
	for in, want := range map[string]string{"127.0.0.1:36790": "127.0.0.1:36790", "grpc://127.0.0.1:36790": "127.0.0.1:36790"} {
		if got, err := grpcEndpoint(in); err != nil || got != want {
			t.Errorf("grpcEndpoint(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"http://127.0.0.1:1", "grpc://127.0.0.1:1,http://127.0.0.1:2", "grpc://127.0.0.1:1/x"} {
		if _, err := grpcEndpoint(in); err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("grpcEndpoint(%q): %v, want an error quoting it", in, err)
		}
	}
}

// TestRegisterChecksEndpointFirst: the driver hands nacos:// targets to the
// plug-in, which refuses a bad EndPoint before contacting nacos.
func TestRegisterChecksEndpointFirst(t *testing.T) {
	d := &kratosdriver.Driver{}
	defer d.Close()
	err := d.RegisterGrpcService("nacos://127.0.0.1:1/dtmservice", "https://127.0.0.1:2")
	if err == nil || !strings.HasPrefix(err.Error(), kratosdriver.Name+": ") || !strings.Contains(err.Error(), "grpc://host:port") {
		t.Errorf("RegisterGrpcService: %v, want the driver's error on the endpoint", err)
	}
	err = d.RegisterGrpcService("nacos://127.0.0.1/dtmservice", "127.0.0.1:2")
	if err == nil || !strings.Contains(err.Error(), "must be host:port") {
		t.Errorf("RegisterGrpcService: %v, want the target's error", err)
	}
}

func TestParseServerMethod(t *testing.T) {
	d := &kratosdriver.Driver{}
	server, method, err := d.ParseServerMethod("nacos://127.0.0.1:8848/helloworld.grpc/pkg.Svc/M?namespaceid=public")
	if err != nil || server != "nacos://127.0.0.1:8848/helloworld.grpc?namespaceid=public" || method != "/pkg.Svc/M" {
		t.Errorf("ParseServerMethod = %q, %q, %v", server, method, err)
	}
	if _, _, err := d.ParseServerMethod("nacos://nacos:hunter2@127.0.0.1:8848/helloworld/pkg.Svc/M?passwd=x"); err == nil ||
		!strings.Contains(err.Error(), "unknown query parameter passwd") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("ParseServerMethod: %v, want the unknown parameter named and the password redacted", err)
	}
}

// TestEndpointErrorQuotesTheEndpoint: kit/nacos checks host:port; its
// error quotes the endpoint as written, grpc:// included.
func TestEndpointErrorQuotesTheEndpoint(t *testing.T) {
	d := &kratosdriver.Driver{}
	defer d.Close()
	err := d.RegisterGrpcService("nacos://127.0.0.1:1/dtmservice", "grpc://0.0.0.0:36790")
	if err == nil || !strings.Contains(err.Error(), `"grpc://0.0.0.0:36790"`) || !strings.Contains(err.Error(), "others can reach") {
		t.Errorf("RegisterGrpcService: %v, want the unreachable address refused, quoted as written", err)
	}
}

// TestErrorsNameTheNacosService: an error names the service nacos was asked
// for, dtmservice.grpc, not the URL's dtmservice.
func TestErrorsNameTheNacosService(t *testing.T) {
	d := &kratosdriver.Driver{}
	defer d.Close()
	// nothing listens on port 1: nacos-sdk-go gives up within the timeout
	err := d.RegisterGrpcService("nacos://127.0.0.1:1/dtmservice?timeout=300ms", "127.0.0.1:2")
	if err == nil || !strings.Contains(err.Error(), `service "dtmservice.grpc"`) {
		t.Errorf("RegisterGrpcService: %v, want an error naming dtmservice.grpc", err)
	}
}
