package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestBundlesOnlyOurDrivers checks that every driver module of the
// repository is built in, and no upstream driver, nor dtm's own bundle of
// them.
func TestBundlesOnlyOurDrivers(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := string(out)
	for _, banned := range []string{"github.com/dtm-labs/dtmdriver-", "github.com/dtm-labs/dtm/dtmsvr/microservices"} {
		if strings.Contains(deps, banned) {
			t.Errorf("dtm-server depends on %s", banned)
		}
	}
	for _, m := range driverModules(t) {
		if !strings.Contains(deps, m.path+"\n") {
			t.Errorf("dtm-server does not bundle %s", m.path)
		}
	}
}

// TestStartsWithGozeroSample runs the server with conf/gozero.yml, pointed at
// an embedded etcd and free ports, and waits for it to register dtmservice.
func TestStartsWithGozeroSample(t *testing.T) {
	etcd, err := infra.StartEtcd(infra.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	ports, err := infra.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sample, err := os.ReadFile("conf/gozero.yml")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"127.0.0.1:2379", etcd.Hosts(),
		"36789", fmt.Sprint(ports[0]),
		"36790", fmt.Sprint(ports[1]),
	).Replace(string(sample))
	confPath := filepath.Join(dir, "conf.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dtm-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-c", confPath)
	cmd.Dir = dir // dtm.bolt goes to the working directory
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()

	cli, err := etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	endpoint := fmt.Sprintf("127.0.0.1:%d", ports[1])
	var registered string
	err = infra.WaitFor(30*time.Second, "dtm to register dtmservice in etcd", func() bool {
		select {
		case err := <-exited:
			exited <- err
			return true
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r, err := cli.Get(ctx, "dtmservice", clientv3.WithPrefix())
		if err != nil || len(r.Kvs) == 0 {
			return false
		}
		registered = string(r.Kvs[0].Value)
		return true
	})
	if err != nil || registered != endpoint {
		t.Fatalf("dtmservice registered as %q, want %q (%v); server output:\n%s", registered, endpoint, err, logs.String())
	}

	// SIGTERM: the driver's Close revokes the registration before dtm
	// exits, so clients stop resolving it at once, not after its lease.
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("dtm did not exit cleanly on SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("dtm still ran 10 s after SIGTERM:\n%s", logs.String())
	}
	exitedAfter := time.Since(stopped)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	r, err := cli.Get(ctx2, "dtmservice", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Kvs) != 0 {
		t.Fatalf("dtmservice still registered after dtm exited on SIGTERM: %s", r.Kvs[0].Key)
	}
	t.Logf("dtm exited %s after SIGTERM, its registration revoked", exitedAfter.Round(time.Millisecond))
}
