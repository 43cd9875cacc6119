package infra

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
)

// EtcdOptions configures StartEtcd. The zero value is one plain member.
type EtcdOptions struct {
	// Members is the cluster size; 0 means 1.
	Members int
	// RootPassword, when set, creates the root user with it and enables auth.
	RootPassword string
	// TLS serves clients over TLS with certificates generated for 127.0.0.1
	// (see Etcd.Certs). Clients need not present a certificate.
	TLS bool
	// Dir is where data goes; "" means a new temporary directory, removed
	// by Close.
	Dir string
}

// Etcd is a running embedded etcd cluster on 127.0.0.1.
type Etcd struct {
	// Endpoints are the client URLs, one per member ("http://127.0.0.1:p").
	Endpoints []string
	// Certs are set when TLS is on.
	Certs Certs

	opts    EtcdOptions
	dir     string
	ownDir  bool
	cluster string
	mu      sync.Mutex
	members []*etcdMember
}

// etcdMember listens for clients on listen, behind a proxy on client, the
// address it advertises: stopping the proxy cuts clients off at once.
type etcdMember struct {
	name                 string
	client, listen, peer url.URL
	server               *embed.Etcd
	proxy                *tcpProxy
}

// StartEtcd starts an embedded etcd cluster and waits until it serves.
func StartEtcd(opts EtcdOptions) (*Etcd, error) {
	if opts.Members <= 0 {
		opts.Members = 1
	}
	e := &Etcd{opts: opts, dir: opts.Dir}
	if e.dir != "" {
		if err := os.MkdirAll(e.dir, 0o700); err != nil {
			return nil, fmt.Errorf("etcd data dir: %w", err)
		}
	} else {
		d, err := os.MkdirTemp("", "dtmkit-etcd-")
		if err != nil {
			return nil, fmt.Errorf("etcd data dir: %w", err)
		}
		e.dir, e.ownDir = d, true
	}
	clientScheme := "http"
	if opts.TLS {
		certs, err := GenerateCerts(e.dir)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.Certs, clientScheme = certs, "https"
	}
	ports, err := FreePorts(3 * opts.Members)
	if err != nil {
		e.Close()
		return nil, err
	}
	var initial []string
	for i := 0; i < opts.Members; i++ {
		m := &etcdMember{
			name:   fmt.Sprintf("m%d", i),
			client: url.URL{Scheme: clientScheme, Host: fmt.Sprintf("127.0.0.1:%d", ports[3*i])},
			listen: url.URL{Scheme: clientScheme, Host: fmt.Sprintf("127.0.0.1:%d", ports[3*i+1])},
			peer:   url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[3*i+2])},
		}
		e.members = append(e.members, m)
		e.Endpoints = append(e.Endpoints, m.client.String())
		initial = append(initial, m.name+"="+m.peer.String())
	}
	e.cluster = strings.Join(initial, ",")
	errs := make(chan error, len(e.members))
	for i := range e.members {
		go func(i int) { errs <- e.startMember(i) }(i)
	}
	for range e.members {
		if err := <-errs; err != nil {
			e.Close()
			return nil, err
		}
	}
	if opts.RootPassword != "" {
		if err := e.enableAuth(); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

func (e *Etcd) startMember(i int) error {
	m := e.members[i]
	cfg := embed.NewConfig()
	cfg.Name = m.name
	cfg.Dir = filepath.Join(e.dir, m.name)
	cfg.ListenClientUrls = []url.URL{m.listen}
	cfg.AdvertiseClientUrls = []url.URL{m.client}
	cfg.ListenPeerUrls = []url.URL{m.peer}
	cfg.AdvertisePeerUrls = []url.URL{m.peer}
	cfg.InitialCluster = e.cluster
	cfg.InitialClusterToken = "dtmkit"
	cfg.TickMs, cfg.ElectionMs = 10, 100
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "fatal"
	cfg.LogOutputs = []string{filepath.Join(e.dir, m.name+".log")}
	if e.opts.TLS {
		// no TrustedCAFile: with one, etcd demands client certificates
		cfg.ClientTLSInfo.CertFile = e.Certs.CertFile
		cfg.ClientTLSInfo.KeyFile = e.Certs.KeyFile
	}
	srv, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start etcd member %s: %w", m.name, err)
	}
	select {
	case <-srv.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		srv.Close()
		return fmt.Errorf("etcd member %s not ready within 30s", m.name)
	}
	e.mu.Lock()
	proxy := m.proxy
	e.mu.Unlock()
	if proxy != nil { // a restart: the proxy kept the port
		proxy.Resume()
	} else if proxy, err = startTCPProxy(m.client.Host, m.listen.Host); err != nil {
		srv.Close()
		return err
	}
	e.mu.Lock()
	m.server, m.proxy = srv, proxy
	e.mu.Unlock()
	return nil
}

// Hosts returns the members' client addresses, "127.0.0.1:p1,127.0.0.1:p2",
// as registry URLs write them.
func (e *Etcd) Hosts() string {
	return strings.Join(e.HostList(), ",")
}

// HostList returns the members' client addresses without scheme.
func (e *Etcd) HostList() []string {
	hosts := make([]string, len(e.members))
	for i, m := range e.members {
		hosts[i] = m.client.Host
	}
	return hosts
}

// Client returns a new client for the cluster, authenticated as root when
// auth is on.
func (e *Etcd) Client() (*clientv3.Client, error) {
	cfg := clientv3.Config{Endpoints: e.Endpoints, DialTimeout: 5 * time.Second}
	if e.opts.RootPassword != "" {
		cfg.Username, cfg.Password = "root", e.opts.RootPassword
	}
	if e.opts.TLS {
		tlsCfg, err := e.clientTLS()
		if err != nil {
			return nil, err
		}
		cfg.TLS = tlsCfg
	}
	c, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd client: %w", err)
	}
	return c, nil
}

func (e *Etcd) enableAuth() error {
	c, err := e.Client()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.UserAdd(ctx, "root", e.opts.RootPassword); err != nil {
		return fmt.Errorf("etcd add root user: %w", err)
	}
	if _, err := c.UserGrantRole(ctx, "root", "root"); err != nil {
		return fmt.Errorf("etcd grant root role: %w", err)
	}
	if _, err := c.AuthEnable(ctx); err != nil {
		return fmt.Errorf("etcd enable auth: %w", err)
	}
	return nil
}

// StopMember stops member i abruptly: its clients' connections are reset at
// once, as in a crash, and so are new ones until RestartMember (its address
// stays reserved). Its data stays for RestartMember.
func (e *Etcd) StopMember(i int) {
	e.mu.Lock()
	m := e.members[i]
	srv, proxy := m.server, m.proxy
	m.server = nil
	e.mu.Unlock()
	if proxy != nil {
		proxy.Cut()
	}
	if srv != nil {
		srv.Close()
	}
}

// RestartMember starts member i again on its data and ports.
func (e *Etcd) RestartMember(i int) error {
	return e.startMember(i)
}

// Close stops every member, frees their addresses and removes the data it
// created.
func (e *Etcd) Close() {
	for i, m := range e.members {
		e.StopMember(i)
		e.mu.Lock()
		proxy := m.proxy
		m.proxy = nil
		e.mu.Unlock()
		if proxy != nil {
			proxy.Close()
		}
	}
	if e.ownDir {
		_ = os.RemoveAll(e.dir)
	}
}

// Members is the cluster size.
func (e *Etcd) Members() int { return len(e.members) }

// StopAll stops every member abruptly, keeping their data.
func (e *Etcd) StopAll() {
	for i := range e.members {
		e.StopMember(i)
	}
}

// RestartAll restarts every member on its data and ports. They start
// together, since each waits for a quorum of the others.
func (e *Etcd) RestartAll() error {
	errs := make([]error, len(e.members))
	var wg sync.WaitGroup
	for i := range e.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.RestartMember(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
