// Package redisserver runs a real redis-server for tests, on 127.0.0.1 with
// a free port and a directory of its own, without persistence: the shared
// store of the dtm cluster tests. redis-server comes from the system
// (Debian's package, which scripts/install-deps.sh installs and make test
// runs).
package redisserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/serverproc"
)

// Server is a redis-server process.
type Server struct {
	addr string
	dir  string
	proc *serverproc.Process
}

// Start starts redis-server and waits until it answers PING.
func Start(ctx context.Context) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server not found: run scripts/install-deps.sh (make test does), " +
			"or install Debian's redis-server package")
	}
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, bin)
		if err == nil || !errors.Is(err, serverproc.ErrPortTaken) || attempt == 3 {
			return s, err
		}
	}
}

func start(ctx context.Context, bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "dtmkit-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis data dir: %w", err)
	}
	ports, err := infra.FreePorts(1)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])), dir: dir}
	s.proc, err = serverproc.Start(ctx, serverproc.Spec{
		Name: "redis-server on " + s.addr,
		Bin:  bin,
		Args: []string{
			"--port", strconv.Itoa(ports[0]), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "",
		},
		Dir:     dir,
		Ready:   s.answers,
		Timeout: 30 * time.Second,
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// answers reports whether the server answers PING.
func (s *Server) answers() bool {
	c, err := net.DialTimeout("tcp", s.addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Port is the server's port, as dtm's Store.Port wants it.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Close kills the server and removes its directory.
func (s *Server) Close() {
	s.proc.Kill()
	_ = os.RemoveAll(s.dir)
}
