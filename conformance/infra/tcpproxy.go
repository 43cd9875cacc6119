package infra

import (
	"fmt"
	"io"
	"net"
	"sync"
)

// tcpProxy forwards connections from addr to target. Closing it resets every
// connection at once, which is how a crashed server looks to its clients; a
// server's own graceful stop would instead wait for them.
type tcpProxy struct {
	addr, target string
	ln           net.Listener

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	// down makes the proxy reset every connection it accepts, keeping its
	// port while the server behind it is stopped (see Cut)
	down bool
	wg   sync.WaitGroup
}

func startTCPProxy(addr, target string) (*tcpProxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("proxy listen on %s: %w", addr, err)
	}
	p := &tcpProxy{addr: addr, target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *tcpProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			reset(in)
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		if !p.track(in, out) {
			return
		}
		p.wg.Add(2)
		go p.pipe(in, out)
		go p.pipe(out, in)
	}
}

// track registers a connection pair, or closes it if the proxy is closed.
func (p *tcpProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *tcpProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

// Cut resets every connection and every later one until Resume, as a
// crashed server's host would, while keeping the port: a stopped member's
// advertised address must not pass to another test server, whose answers
// (say, "unknown service etcdserverpb.KV") a client of every member's
// address would get instead of a refusal.
func (p *tcpProxy) Cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.down = true
	p.mu.Unlock()
	for c := range conns {
		reset(c)
	}
}

// Resume forwards new connections again.
func (p *tcpProxy) Resume() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// Close stops accepting, resets every connection and waits for the copying
// goroutines to end.
func (p *tcpProxy) Close() {
	_ = p.ln.Close()
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for c := range conns {
		reset(c)
	}
	p.wg.Wait()
}

// reset closes c with an RST, as a crash would.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
