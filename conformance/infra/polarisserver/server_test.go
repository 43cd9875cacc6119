package polarisserver

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
)

// TestMain fails the run if the tests leave anything in TMPDIR.
func TestMain(m *testing.M) { infra.Main(m) }

func TestStartRestartClose(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !answers(s.Addr()) {
		t.Fatalf("gRPC port %s does not answer", s.Addr())
	}
	store := filepath.Join(s.Dir(), "polaris.bolt")
	if _, err := os.Stat(store); err != nil {
		t.Errorf("boltdb store not in the data dir: %v", err)
	}

	s.Stop()
	if answers(s.Addr()) {
		t.Fatalf("port %s still answers after Stop", s.Addr())
	}
	if _, err := os.Stat(store); err != nil {
		t.Fatalf("Stop removed the store: %v", err)
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if !answers(s.Addr()) {
		t.Fatalf("port %s does not answer after Restart", s.Addr())
	}
	if err := s.Restart(ctx); err == nil {
		t.Error("Restart of a running server succeeded")
	}

	s.Close()
	s.Close() // idempotent
	if _, err := os.Stat(s.Dir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data dir %s left behind: %v", s.Dir(), err)
	}
	if answers(s.Addr()) {
		t.Errorf("port %s still answers after Close", s.Addr())
	}
	if err := s.Restart(ctx); err == nil {
		t.Error("Restart after Close succeeded")
	}
}

func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func TestSuspendedAtReadsTheLatestRun(t *testing.T) {
	s := &Server{dir: t.TempDir()}
	if _, ok := s.suspendedAt(); ok {
		t.Fatal("a suspension found without a log")
	}
	log := "x\tinfo\t" + suspendLine + "1795314400\nother\n" + "y\tinfo\t" + suspendLine + "1795314460\n"
	if err := os.MkdirAll(filepath.Join(s.dir, "log"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "log", "healthcheck.log"), []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	if at, ok := s.suspendedAt(); !ok || at.Unix() != 1795314460 {
		t.Fatalf("suspendedAt = %v, %v; want the second line's time", at, ok)
	}
}

// TestNacosAPI starts the server with its nacos API and registers and lists
// an instance through nacos' HTTP open API.
func TestNacosAPI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Logf: t.Logf, Nacos: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := "http://" + s.NacosAddr() + "/nacos/v1/ns/instance"
	resp, err := http.Post(base, "application/x-www-form-urlencoded",
		strings.NewReader("serviceName=probe&ip=127.0.0.1&port=9&ephemeral=false&metadata=%7B%7D"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register through the nacos API: %s %s", resp.Status, body)
	}
	var listed string
	err = infra.WaitFor(10*time.Second, "the instance listed through the nacos API", func() bool {
		resp, err := http.Get(base + "/list?serviceName=probe")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		listed = string(b)
		return strings.Contains(strings.Join(strings.Fields(listed), ""), `"port":9,`)
	})
	if err != nil {
		t.Fatalf("%v: last answer %s", err, listed)
	}
}
