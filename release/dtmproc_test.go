package release

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// dtmServer is the bundled dtm server's binary, running.
type dtmServer struct {
	cmd      *exec.Cmd
	exited   chan error
	logs     *syncBuffer
	httpPort int
}

// startDtmServer runs the dtm binary with the sample configuration
// cmd/dtm/conf/<sample>, pointed at etcdHosts and free ports, in a temp
// directory (dtm.bolt goes to the working directory), and waits until its
// gRPC port accepts connections.
func startDtmServer(t *testing.T, bin, sample, etcdHosts string) *dtmServer {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "dtm", "conf", sample))
	if err != nil {
		t.Fatal(err)
	}
	httpPort, grpcPort := freePort(t), freePort(t)
	conf := strings.NewReplacer(
		"127.0.0.1:2379", etcdHosts,
		"36789", fmt.Sprint(httpPort),
		"36790", fmt.Sprint(grpcPort),
	).Replace(string(raw))
	if !strings.Contains(conf, etcdHosts) || !strings.Contains(conf, fmt.Sprint(grpcPort)) {
		t.Fatalf("%s no longer names 127.0.0.1:2379 and port 36790", sample)
	}
	dir := t.TempDir()
	confPath := filepath.Join(dir, "conf.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &dtmServer{exited: make(chan error, 1), logs: &syncBuffer{}, httpPort: httpPort}
	s.cmd = exec.Command(bin, "-c", confPath)
	s.cmd.Dir = dir
	// no variable of ours may decide the protobuf conflict policy or
	// override the configuration
	s.cmd.Env = append(withoutEnv(os.Environ(), "GOLANG_PROTOBUF_REGISTRATION_CONFLICT",
		"MICRO_SERVICE_DRIVER", "MICRO_SERVICE_TARGET", "MICRO_SERVICE_END_POINT", "STORE_DRIVER"), "LOG_LEVEL=info")
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	addr := fmt.Sprintf("127.0.0.1:%d", grpcPort)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s
		}
		select {
		case err := <-s.exited:
			t.Fatalf("dtm exited before listening on %s: %v\n%s", addr, err, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop(t)
			t.Fatalf("dtm did not listen on %s within 30 s:\n%s", addr, s.logs)
		}
	}
}

// stop ends dtm with SIGTERM, or kills it after 15 s.
func (s *dtmServer) stop(t *testing.T) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		t.Errorf("dtm still ran 15 s after SIGTERM")
	}
}

// transQuery is what dtm's HTTP API answers for one gid.
type transQuery struct {
	Transaction struct {
		Status string `json:"status"`
	} `json:"transaction"`
	Branches []struct {
		Op     string `json:"op"`
		Status string `json:"status"`
	} `json:"branches"`
}

// query asks dtm's HTTP API for the transaction gid.
func (s *dtmServer) query(t *testing.T, gid string) transQuery {
	t.Helper()
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/api/dtmsvr/query?gid=%s", s.httpPort, url.QueryEscape(gid)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("dtm query %s: %s %v: %s", gid, resp.Status, err, body)
	}
	var q transQuery
	if err := json.Unmarshal(body, &q); err != nil {
		t.Fatalf("dtm query %s: %v: %s", gid, err, body)
	}
	return q
}

// runBounded runs a program in dir for at most timeout and returns its
// standard output and error.
func runBounded(dir string, timeout time.Duration, name string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// countKeys counts the etcd keys under prefix, or -1 when etcd fails.
func countKeys(cli *clientv3.Client, prefix string) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r, err := cli.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return -1
	}
	return r.Count
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// withoutEnv drops the named variables from env.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// syncBuffer collects a process's output, written from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
