package gomicro_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
)

// childEtcdEnv names, in a child of testBesideGoMicroCodec, the etcd hosts it
// registers in.
const childEtcdEnv = "DTMKIT_GOMICRO_CHILD_ETCD"

// testBesideGoMicroCodec: in a process where go-micro's gRPC packages have
// replaced grpc's proto codec (this test binary links them; the parent
// restores the codec for go-micro's own registry, the child does not), the
// driver still registers in etcd and withdraws: its etcd client does not use
// the process' codec. The child is this test binary.
func testBesideGoMicroCodec(t *testing.T, h *harness, _ *conformance.Env) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEtcdEnv+"="+h.etcd.Hosts())
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the child did not finish within 60 s:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "child: registered and withdrawn") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// runChild registers and withdraws dtm through the driver, with go-micro's
// codec in place, and returns the exit code.
func runChild(hosts string) int {
	d := &gomicrodriver.Driver{}
	if err := d.RegisterService("gomicro://"+hosts+"/child", "127.0.0.1:1"); err != nil {
		fmt.Println("child:", err)
		_ = d.Close()
		return 1
	}
	if err := d.Close(); err != nil {
		fmt.Println("child:", err)
		return 1
	}
	fmt.Println("child: registered and withdrawn")
	return 0
}
