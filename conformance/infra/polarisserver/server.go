package polarisserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
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

// Server is a polaris server process with its data directory. Stop kills
// it (as a crash), Restart starts it again on the same data and port, Close
// removes it.
type Server struct {
	*serverproc.Restartable
	addr  string
	nacos string // "" without Options.Nacos
	dir   string
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
		if err = s.Start(ctx); err == nil {
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
	s := &Server{
		nacos: nacosAddr,
		addr:  net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		dir:   dir,
	}
	// Ready once it has printed readyLine and its ports (gRPC, and the
	// nacos API's two) accept connections.
	addrs := []string{s.addr}
	if nacosAddr != "" {
		addrs = append(addrs, nacosAddr, net.JoinHostPort("127.0.0.1", strconv.Itoa(nacosPort+1000)))
	}
	s.Restartable = serverproc.NewRestartable("polaris server", dir, func() serverproc.Spec {
		return serverproc.Spec{
			Name:      "polaris server on " + s.addr,
			Bin:       bin,
			Args:      []string{"start", "-c", conf},
			Dir:       dir, // the server writes some files relative to it
			ReadyLine: readyLine,
			Ready:     func() bool { return listening(addrs) },
			Timeout:   timeout,
		}
	})
	return s, nil
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

// Restart starts a stopped server again on the same data and port, and
// waits until it serves.
func (s *Server) Restart(ctx context.Context) error { return s.Start(ctx) }
