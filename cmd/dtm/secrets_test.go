package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestSecretsStayOutOfTheLog runs the server against etcd with auth, its
// password a unique marker, written inline in the Target and then named by
// passwordFile. Either way dtm must register (so it authenticated) and the
// marker must appear nowhere in its output, although dtm logs its whole
// configuration at start-up. A wrong password makes dtm exit through
// os.Exit: the line saying why must still come through the filter.
func TestSecretsStayOutOfTheLog(t *testing.T) {
	marker := fmt.Sprintf("Mk%dSecret", time.Now().UnixNano())
	etcd, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: marker})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	cli, err := etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	passwordFile := filepath.Join(dir, "etcd-password")
	if err := os.WriteFile(passwordFile, []byte(marker+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name, query string
		shows       []string // what dtm's output must show
	}{
		// the filter hides the inline password in dtm's config dump
		{"Inline", "user=root&pass=" + marker, []string{"loaded config is", "pass=xxxxx"}},
		// a file keeps it out of conf.yml, and the file's name may show
		{"PasswordFile", "user=root&passwordFile=" + passwordFile, []string{"loaded config is", "passwordFile=" + passwordFile}},
		// dtm exits: its last line comes through
		{"WrongPassword", "user=root&pass=" + marker + "-wrong", []string{"fatal error", "authentication failed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := "dtmservice-" + strings.ToLower(c.name)
			s := startServer(t, bin, "etcd://"+etcd.Hosts()+"/"+key+"?"+c.query)
			wantExit := c.name == "WrongPassword"
			err := infra.WaitFor(30*time.Second, "dtm to register "+key+" in etcd, or exit", func() bool {
				return s.exited() || registered(cli, key) == s.endpoint
			})
			// before the stop, whose SIGTERM revokes the registration
			got := registered(cli, key)
			logs := s.stop()
			if err != nil || wantExit != (got != s.endpoint) {
				t.Fatalf("dtm registered %s as %q, want %q, exit %v (%v); server output:\n%s", key, got, s.endpoint, wantExit, err, logs)
			}
			if strings.Contains(logs, marker) {
				t.Fatalf("the password shows in dtm's output:\n%s", logs)
			}
			for _, want := range c.shows {
				if !strings.Contains(logs, want) {
					t.Fatalf("dtm's output lacks %q:\n%s", want, logs)
				}
			}
		})
	}
}

// registered returns the first endpoint published under key, or "".
func registered(cli *clientv3.Client, key string) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r, err := cli.Get(ctx, key+"/", clientv3.WithPrefix())
	if err != nil || len(r.Kvs) == 0 {
		return ""
	}
	return string(r.Kvs[0].Value)
}

// buildServer builds this command into dir.
func buildServer(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "dtm-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// server is a dtm server process started with a gozero configuration.
type server struct {
	cmd      *exec.Cmd
	endpoint string
	done     chan struct{}
	mu       sync.Mutex
	logs     strings.Builder
}

// Write collects the server's stdout and stderr.
func (s *server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

// startServer runs bin with the gozero driver, target, free ports and a
// working directory of its own; stop ends it.
func startServer(t *testing.T, bin, target string) *server {
	t.Helper()
	ports, err := infra.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &server{endpoint: fmt.Sprintf("127.0.0.1:%d", ports[1]), done: make(chan struct{})}
	conf := fmt.Sprintf("Store:\n  Driver: boltdb\nHttpPort: %d\nGrpcPort: %d\n"+
		"MicroService:\n  Driver: dtm-driver-gozero\n  Target: '%s'\n  EndPoint: %s\n",
		ports[0], ports[1], target, s.endpoint)
	confPath := filepath.Join(dir, "conf.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "-c", confPath)
	s.cmd.Dir = dir // dtm.bolt goes to the working directory
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.stop() })
	return s
}

// exited reports whether the server has ended.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// stop ends the server (SIGTERM, then SIGKILL after 10 s) and returns all
// it wrote.
func (s *server) stop() string {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}
