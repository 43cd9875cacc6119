package polarisserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/serverproc"
)

// Options configures Start. The zero value is usable.
type Options struct {
	// Logf receives progress messages (building, build and start-up
	// times); nil writes them to standard error.
	Logf Logf
	// StartTimeout bounds each wait for the server to serve, build
	// excluded; 0 means one minute.
	StartTimeout time.Duration
	// Nacos also serves the nacos API (nacos-sdk-go v2: HTTP on NacosAddr,
	// gRPC on its port + 1000), with polaris' config center, which that
	// API needs, open.
	Nacos bool
}

// Server is a polaris server process with its data directory. It can be
// stopped and started again on the same data and port.
type Server struct {
	addr    string
	nacos   string // "" without Options.Nacos
	dir     string
	bin     string
	conf    string
	timeout time.Duration

	mu      sync.Mutex
	proc    *serverproc.Process // nil while stopped
	started time.Time
	closed  bool
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
		s, err := newServer(bin, opts.StartTimeout, opts.Nacos)
		if err != nil {
			return nil, err
		}
		if err = s.launch(ctx); err == nil {
			logf("polarisserver: polaris-server ready on %s in %s", s.addr, time.Since(begin).Round(10*time.Millisecond))
			return s, nil
		}
		s.Close()
		if !errors.Is(err, serverproc.ErrPortTaken) || attempt == 3 {
			return nil, err
		}
	}
}

// newServer prepares a data directory and configuration on free ports.
func newServer(bin string, timeout time.Duration, nacos bool) (*Server, error) {
	dir, err := os.MkdirTemp("", "dtmkit-polaris-")
	if err != nil {
		return nil, fmt.Errorf("polaris server data dir: %w", err)
	}
	ports, err := infra.FreePorts(1)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	nacosPort, nacosAddr := 0, ""
	if nacos {
		if nacosPort, err = freeNacosPort(); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		nacosAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(nacosPort))
	}
	conf, err := writeConfig(dir, ports[0], nacosPort)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &Server{
		nacos:   nacosAddr,
		addr:    net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		dir:     dir,
		bin:     bin,
		conf:    conf,
		timeout: timeout,
	}, nil
}

// launch runs the binary and waits until it has printed readyLine and its
// ports (gRPC, and the nacos API's two) accept connections.
func (s *Server) launch(ctx context.Context) error {
	addrs := []string{s.addr}
	if s.nacos != "" {
		host, port, _ := net.SplitHostPort(s.nacos)
		n, _ := strconv.Atoi(port)
		addrs = append(addrs, s.nacos, net.JoinHostPort(host, strconv.Itoa(n+1000)))
	}
	begin := time.Now() // what the health-check log is read against
	p, err := serverproc.Start(ctx, serverproc.Spec{
		Name:      "polaris server on " + s.addr,
		Bin:       s.bin,
		Args:      []string{"start", "-c", s.conf},
		Dir:       s.dir, // the server writes some files relative to it
		ReadyLine: readyLine,
		Ready:     func() bool { return listening(addrs) },
		Timeout:   s.timeout,
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.proc, s.started = p, begin
	s.mu.Unlock()
	return nil
}

// listening reports whether every address accepts a connection.
func listening(addrs []string) bool {
	for _, addr := range addrs {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false
		}
		_ = c.Close()
	}
	return true
}

// Addr is the "127.0.0.1:port" of the client gRPC API (polaris-go's
// serverConnector address).
func (s *Server) Addr() string { return s.addr }

// NacosAddr is the "127.0.0.1:port" of the nacos API (its HTTP port, which
// nacos clients are given; gRPC is on port + 1000), or "" when Options.Nacos
// was not set.
func (s *Server) NacosAddr() string { return s.nacos }

// freeNacosPort finds a port that is free on 127.0.0.1, with the port 1000
// above it free too: nacos clients find the gRPC port there.
func freeNacosPort() (int, error) {
	for range 20 {
		ports, err := infra.FreePorts(1)
		if err != nil {
			return 0, err
		}
		if ports[0]+1000 > 65535 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]+1000)))
		if err != nil {
			continue
		}
		_ = l.Close()
		return ports[0], nil
	}
	return 0, errors.New("polaris server: no free port pair for the nacos API (port and port + 1000)")
}

// Dir is the server's data directory (configuration, boltdb, logs), removed
// by Close.
func (s *Server) Dir() string { return s.dir }

// Stop kills the server abruptly and waits for it to exit, keeping its data
// for Restart. It does nothing if the server is stopped.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.Kill()
	}
}

// Restart starts a stopped server again on the same data and port, and
// waits until it serves.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	running, closed := s.proc != nil, s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return errors.New("polaris server: Restart after Close")
	case running:
		return errors.New("polaris server: Restart while running; Stop first")
	}
	return s.launch(ctx)
}

// Close kills the server, waits for it to exit and removes its data
// directory. It is safe to call more than once.
func (s *Server) Close() {
	s.Stop()
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed {
		_ = os.RemoveAll(s.dir)
	}
}
