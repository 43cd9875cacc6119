package polarisserver

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"testing"
	"time"
)

func TestStartAndClose(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
	if err != nil {
		s.Close()
		t.Fatalf("gRPC port: %v", err)
	}
	_ = c.Close()
	if _, err := os.Stat(s.Dir() + "/polaris.bolt"); err != nil {
		t.Errorf("boltdb store not in the data dir: %v", err)
	}
	s.Close()
	s.Close() // idempotent
	if _, err := os.Stat(s.Dir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("data dir %s left behind: %v", s.Dir(), err)
	}
	if s.cmd.ProcessState == nil {
		t.Errorf("server process not reaped")
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond); err == nil {
		t.Errorf("port %s still answers after Close", s.Addr())
	}
}

func TestOutputWatcherMarkerAcrossWrites(t *testing.T) {
	w := newOutputWatcher("finish starting server")
	_, _ = w.Write([]byte("config...\nfinish star"))
	select {
	case <-w.ready:
		t.Fatal("ready before the marker was complete")
	default:
	}
	_, _ = w.Write([]byte("ting server\n"))
	select {
	case <-w.ready:
	default:
		t.Fatal("marker split across writes not seen")
	}
}
