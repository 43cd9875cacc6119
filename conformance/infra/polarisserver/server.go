package polarisserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
)

// Options configures Start. The zero value is usable.
type Options struct {
	// Logf receives progress messages (building, build and start-up
	// times); nil writes them to standard error.
	Logf Logf
	// StartTimeout bounds the wait for the server to serve, build excluded;
	// 0 means one minute.
	StartTimeout time.Duration
}

// Server is a running polaris server process.
type Server struct {
	addr    string
	dir     string
	cmd     *exec.Cmd
	out     *outputWatcher
	started time.Time
	exited  chan struct{}
	waitErr error

	closeOnce sync.Once
}

// readyLine is what polaris-server prints once its listeners are up and it
// has registered itself.
const readyLine = "finish starting server"

// Start builds the server if it is not cached (see Binary), starts it with a
// fresh boltdb store and waits until it serves. Close stops it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	logf := opts.Logf
	if logf == nil {
		logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = time.Minute
	}
	bin, err := Binary(ctx, logf)
	if err != nil {
		return nil, err
	}
	// A port found free may be taken before the server binds it: retry.
	for attempt := 1; ; attempt++ {
		begin := time.Now()
		s, err := start(ctx, bin, opts.StartTimeout)
		if err == nil {
			logf("polarisserver: polaris-server ready on %s in %s", s.addr, time.Since(begin).Round(10*time.Millisecond))
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return nil, err
		}
	}
}

var errPortTaken = errors.New("port already in use")

func start(ctx context.Context, bin string, timeout time.Duration) (*Server, error) {
	dir, err := os.MkdirTemp("", "dtmkit-polaris-")
	if err != nil {
		return nil, fmt.Errorf("polaris server data dir: %w", err)
	}
	ports, err := infra.FreePorts(1)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	conf, err := writeConfig(dir, ports[0])
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		dir:    dir,
		out:    newOutputWatcher(readyLine),
		exited: make(chan struct{}),
	}
	// Not CommandContext: the server must live past ctx, until Close.
	s.cmd = exec.Command(bin, "start", "-c", conf)
	s.cmd.Dir = dir // the server writes some files relative to it
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start polaris server: %w", err)
	}
	s.started = time.Now()
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, timeout); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// waitReady waits for the ready line and a listening gRPC port, or for the
// process to exit, which it reports with the end of the server's output.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case <-s.out.ready:
	case <-s.exited:
		out := s.out.tail()
		if containsAny(out, "address already in use", "bind:") {
			return fmt.Errorf("polaris server on %s: %w", s.addr, errPortTaken)
		}
		return fmt.Errorf("polaris server exited before serving (%v): %s", s.waitErr, tail(out, 2000))
	case <-ctx.Done():
		return fmt.Errorf("polaris server not ready after %s: %w: %s", timeout, ctx.Err(), tail(s.out.tail(), 2000))
	}
	return infra.WaitForContext(ctx, "polaris server gRPC port "+s.addr, func() bool {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err != nil {
			return false
		}
		_ = c.Close()
		return true
	})
}

// Addr is the "127.0.0.1:port" of the client gRPC API (polaris-go's
// serverConnector address).
func (s *Server) Addr() string { return s.addr }

// Dir is the server's data directory (configuration, boltdb, logs), removed
// by Close.
func (s *Server) Dir() string { return s.dir }

// Close kills the server, waits for it to exit and removes its data
// directory. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.cmd.Process != nil {
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		_ = os.RemoveAll(s.dir)
	})
}
