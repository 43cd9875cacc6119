package release

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDtmServerInstallsAndRuns installs the bundled dtm server from the
// proxy, runs it with the protocol1 sample configuration on free ports until
// its gRPC port accepts connections, and expects SIGTERM to end it cleanly.
func TestDtmServerInstallsAndRuns(t *testing.T) {
	bin := dtmBinary(t)
	dir := t.TempDir()
	sample, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "dtm", "conf", "protocol1.yml"))
	if err != nil {
		t.Fatal(err)
	}
	httpPort, grpcPort := freePort(t), freePort(t)
	conf := strings.NewReplacer("36789", fmt.Sprint(httpPort), "36790", fmt.Sprint(grpcPort)).Replace(string(sample))
	if !strings.Contains(conf, fmt.Sprint(grpcPort)) {
		t.Fatal("the protocol1 sample no longer names port 36790")
	}
	confPath := filepath.Join(dir, "conf.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-c", confPath)
	cmd.Dir = dir // dtm.bolt goes to the working directory
	cmd.Env = append(os.Environ(), "LOG_LEVEL=info")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	addr := fmt.Sprintf("127.0.0.1:%d", grpcPort)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("dtm exited before listening on %s: %v\n%s", addr, err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("dtm did not listen on %s within 30 s:\n%s", addr, logs.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("dtm did not exit cleanly on SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("dtm still ran 15 s after SIGTERM:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "WARNING: proto") {
		t.Errorf("dtm printed a protobuf registration warning:\n%s", logs.String())
	}
}

// freePort returns a TCP port free on 127.0.0.1 now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
