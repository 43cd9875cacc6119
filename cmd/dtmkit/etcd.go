package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/dtmkit/drivers/kit"
)

// etcdClient connects to the target's hosts with its credentials and TLS
// files, as the drivers do.
func etcdClient(t kit.EtcdTarget, timeout time.Duration) (*clientv3.Client, error) {
	cfg := clientv3.Config{
		Endpoints:   t.Hosts,
		DialTimeout: timeout,
		Logger:      zap.NewNop(),
	}
	if t.User != "" {
		pass, err := t.Password()
		if err != nil {
			return nil, err
		}
		cfg.Username, cfg.Password = t.User, pass
	}
	if t.TLS.Enabled {
		tc, err := t.TLS.TLSConfig()
		if err != nil {
			return nil, err
		}
		cfg.TLS = tc
	}
	return clientv3.New(cfg)
}

// etcdPrefix returns the keys and values under prefix, and, when there are
// none, the other keys holding a registration (with a lease), each with
// its last segment cut: the service keys the etcd holds.
func etcdPrefix(ctx context.Context, t kit.EtcdTarget, prefix string, serviceOf func(key string) string) (kvs [][2]string, known []string, err error) {
	deadline, _ := ctx.Deadline()
	cli, err := etcdClient(t, time.Until(deadline))
	if err != nil {
		return nil, nil, err
	}
	defer cli.Close()
	resp, err := cli.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithLimit(1000))
	if err != nil {
		return nil, nil, explainEtcdErr(t, err)
	}
	for _, kv := range resp.Kvs {
		kvs = append(kvs, [2]string{string(kv.Key), string(kv.Value)})
	}
	if len(kvs) > 0 {
		return kvs, nil, nil
	}
	all, err := cli.Get(ctx, "\x00", clientv3.WithFromKey(), clientv3.WithKeysOnly(), clientv3.WithLimit(10000))
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, kv := range all.Kvs {
		if kv.Lease == 0 {
			continue
		}
		if s := serviceOf(string(kv.Key)); s != "" && !seen[s] {
			seen[s] = true
			known = append(known, s)
		}
	}
	sort.Strings(known)
	return nil, known, nil
}

// explainEtcdErr adds, to a timeout, what a plain TCP connection to each
// host meets: the etcd client's own error says only that time ran out.
func explainEtcdErr(t kit.EtcdTarget, err error) error {
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline exceeded") {
		return err
	}
	var why []string
	for _, h := range t.Hosts {
		c, derr := net.DialTimeout("tcp", h, time.Second)
		if derr != nil {
			why = append(why, derr.Error())
			continue
		}
		_ = c.Close()
		why = append(why, h+" accepts TCP connections but did not answer as etcd")
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(why, "; "))
}

// etcdFix says what to do about an etcd error.
func etcdFix(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "deadline exceeded"):
		return "etcd did not answer in time: check the hosts and ports in the URL, and that etcd is reachable from dtm's host"
	case strings.Contains(msg, "authentication failed") || strings.Contains(msg, "invalid auth token"):
		return "etcd refused the credentials: check user and pass (or passwordFile) in the URL's query"
	case strings.Contains(msg, "user name is empty") || strings.Contains(msg, "permission denied"):
		return "etcd has authentication on: add user and pass (or passwordFile) to the URL's query"
	case strings.Contains(msg, "certificate") || strings.Contains(msg, "tls"):
		return "the TLS handshake with etcd failed: check certFile, certKeyFile and caFile in the URL's query"
	}
	return "check the etcd hosts, credentials and TLS settings in the URL"
}

// etcdWhere describes an etcd read for the report.
func etcdWhere(t kit.EtcdTarget, what string) string {
	return fmt.Sprintf("etcd %s, %s", strings.Join(t.Hosts, ","), what)
}

// etcdTargetRegistry reads, with the target's credentials, the keys under
// the prefix where a dtm server registering at target publishes itself.
func etcdTargetRegistry(ctx context.Context, target string, prefix func(kit.EtcdTarget) string) (summary, fix string, err error) {
	t, err := kit.ParseEtcdTarget(target)
	if err != nil {
		return "", "write the etcd hosts and key as the error says", err
	}
	deadline, _ := ctx.Deadline()
	cli, err := etcdClient(t, time.Until(deadline))
	if err != nil {
		return "", etcdFix(err), fmt.Errorf("etcd %s: %w", strings.Join(t.Hosts, ","), err)
	}
	defer cli.Close()
	p := prefix(t)
	resp, err := cli.Get(ctx, p, clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		err = explainEtcdErr(t, err)
		return "", etcdFix(err), fmt.Errorf("etcd %s: %w", strings.Join(t.Hosts, ","), err)
	}
	as := "without credentials"
	if t.User != "" {
		as = "as user " + t.User
	}
	return fmt.Sprintf("etcd %s answers %s; %d %s under %s now", strings.Join(t.Hosts, ","), as,
		len(resp.Kvs), plural(len(resp.Kvs), "registration", "registrations"), p), "", nil
}
