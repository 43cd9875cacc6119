package dtmcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/serverproc"
)

// Options describes a cluster.
type Options struct {
	// Bin is the dtm server binary, from Build.
	Bin string
	// Size is the number of servers.
	Size int
	// Driver is MicroService.Driver; Target is MicroService.Target, the
	// same for every server.
	Driver, Target string
	// Endpoint makes a server's MicroService.EndPoint from its gRPC
	// address; nil means the address itself.
	Endpoint func(grpcAddr string) string
	// RedisAddr is the shared store, "127.0.0.1:port".
	RedisAddr string
	// Env is added to each server's environment (a registry's address
	// for drivers that read it there).
	Env []string
	// StopTimeout bounds a graceful stop before the server is killed;
	// 0 means 15 s.
	StopTimeout time.Duration
	// Conf is appended to each server's conf.yml (timings, say).
	Conf string
}

// Cluster is Size dtm servers sharing a store.
type Cluster struct {
	opts    Options
	dir     string
	members []*Member
}

// Member is one server of the cluster.
type Member struct {
	c        *Cluster
	Index    int
	GrpcAddr string
	HTTPAddr string
	conf     string

	// calls counts the gRPC calls the member served, by method.
	calls callCounter

	mu   sync.Mutex
	proc *serverproc.Process // nil while stopped
}

// Start writes each server's conf.yml and starts them all, each until its
// gRPC port accepts connections.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = 15 * time.Second
	}
	dir, err := os.MkdirTemp("", "dtmkit-dtm-cluster-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, dir: dir}
	for i := 0; i < opts.Size; i++ {
		m, err := c.newMember(i)
		if err == nil {
			err = m.Start(ctx)
		}
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

func (c *Cluster) newMember(i int) (*Member, error) {
	ports, err := infra.FreePorts(2)
	if err != nil {
		return nil, err
	}
	m := &Member{
		c: c, Index: i,
		HTTPAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		GrpcAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
	}
	mdir := filepath.Join(c.dir, fmt.Sprintf("dtm%d", i))
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		return nil, err
	}
	endpoint := m.GrpcAddr
	if c.opts.Endpoint != nil {
		endpoint = c.opts.Endpoint(m.GrpcAddr)
	}
	host, port, _ := net.SplitHostPort(c.opts.RedisAddr)
	conf := fmt.Sprintf(`Store:
  Driver: redis
  Host: %s
  Port: %s
HttpPort: %d
GrpcPort: %d
LogLevel: info
MicroService:
  Driver: %s
  Target: %q
  EndPoint: %s
%s`, host, port, ports[0], ports[1], c.opts.Driver, c.opts.Target, endpoint, c.opts.Conf)
	m.conf = filepath.Join(mdir, "conf.yml")
	if err := os.WriteFile(m.conf, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	c.members = append(c.members, m)
	return m, nil
}

// Members are the servers, in start order.
func (c *Cluster) Members() []*Member { return c.members }

// Start starts a stopped member again on its ports and conf.
func (m *Member) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil {
		return errors.New("dtmcluster: Start of a running member")
	}
	p, err := serverproc.Start(ctx, serverproc.Spec{
		Name:    "dtm " + m.GrpcAddr,
		Bin:     m.c.opts.Bin,
		Args:    []string{"-c", m.conf},
		Dir:     filepath.Dir(m.conf),
		Env:     m.c.opts.Env,
		Output:  &m.calls,
		Ready:   func() bool { return accepts(m.GrpcAddr) },
		Timeout: time.Minute,
	})
	if err != nil {
		return err
	}
	m.proc = p
	return nil
}

// Calls returns how many calls of the gRPC method (such as
// "/dtmgimp.Dtm/Submit") the member has served, over all its runs, from the
// line dtm logs for each.
func (m *Member) Calls(method string) int { return m.calls.count(method) }

// Stop stops the member with SIGTERM, as an orchestrator does, and returns
// how long it took to exit; it is killed after Options.StopTimeout.
func (m *Member) Stop() (time.Duration, error) {
	m.mu.Lock()
	p := m.proc
	m.proc = nil
	m.mu.Unlock()
	if p == nil {
		return 0, nil
	}
	took, err := p.Terminate(m.c.opts.StopTimeout)
	if err != nil {
		return took, fmt.Errorf("%w\n%s", err, p.Output())
	}
	return took, nil
}

// Kill kills the member with SIGKILL, as a crash would.
func (m *Member) Kill() {
	m.mu.Lock()
	p := m.proc
	m.proc = nil
	m.mu.Unlock()
	if p != nil {
		p.Kill()
	}
}

// Running reports whether the member runs (it was started and not stopped
// or killed since).
func (m *Member) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.proc != nil
}

// Output returns the end of what the running member wrote.
func (m *Member) Output() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc == nil {
		return ""
	}
	return m.proc.Output()
}

// Close kills every member and removes their directories.
func (c *Cluster) Close() {
	for _, m := range c.members {
		m.Kill()
	}
	_ = os.RemoveAll(c.dir)
}

// accepts reports whether addr accepts a TCP connection.
func accepts(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
