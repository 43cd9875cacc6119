package kratosdriver

import (
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

// TestEtcdBuildRejects checks that an etcd:// target without hosts is
// refused with the forms to write, and that secrets stay out of errors.
func TestEtcdBuildRejects(t *testing.T) {
	d := &Driver{}
	defer d.Close()
	b := &etcdBuilder{d: d}
	cases := map[string]string{
		"etcd:///dtmservice":                   "write etcd://<etcd hosts>/<service>",
		"etcd://h:2379/dtmservice?pas=hunter2": "unknown parameter pas",
		"etcd://dtmservice":                    "bad etcd host",
		"etcd://u:hunter2@h:2379/dtmservice?x": "unknown parameter x",
	}
	for in, want := range cases {
		_, err := b.Build(target(t, in), &kittest.ClientConn{}, resolver.BuildOptions{})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Build(%q) = %v, want %q without the secret", in, err, want)
		}
	}
}

// TestEtcdResolvesTheService checks that etcd://<hosts>/<service> and
// go-zero's etcd:///<hosts>?key=<service> watch <service> in kratos' registry
// on those hosts: with nothing listening there, the connection is told about
// that service, and Build neither fails nor waits.
func TestEtcdResolvesTheService(t *testing.T) {
	defer func(d time.Duration) { stallTimeout = d }(stallTimeout)
	stallTimeout = 100 * time.Millisecond
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	for _, in := range []string{"etcd://" + addr + "/dtmservice", "etcd:///" + addr + "?key=dtmservice"} {
		d := &Driver{}
		cc := &kittest.ClientConn{}
		r, err := (&etcdBuilder{d: d}).Build(target(t, in), cc, resolver.BuildOptions{})
		if err != nil {
			t.Fatalf("Build(%q): %v", in, err)
		}
		cc.Await(5*time.Second, func() bool { return len(cc.Errors()) > 0 })
		errs := cc.Errors()
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), `kratos service "dtmservice"`) {
			t.Errorf("%s: reported %v, want an error naming kratos service dtmservice", in, errs)
		}
		r.Close()
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestConsulRefusedByName checks what a client that dials dtm at upstream's
// consul:// without the consul plug-in gets: an error naming the import and
// the form to write, not grpc's "too many colons in address".
func TestConsulRefusedByName(t *testing.T) {
	if resolver.Get(consulScheme) == nil {
		(&Driver{}).RegisterGrpcResolver()
	}
	_, err := grpc.Dial("consul://127.0.0.1:8500/dtmservice", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err == nil || !strings.Contains(err.Error(), "does not serve consul://") ||
		!strings.Contains(err.Error(), `blank-import "github.com/dtmkit/drivers/driver-kratos/consul"`) ||
		!strings.Contains(err.Error(), "write discovery://<etcd hosts>/<service>") {
		t.Fatalf("dial consul:// = %v", err)
	}
}
